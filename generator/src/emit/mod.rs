//! Stage 5: IR → Rust token streams, one per generated file.
//!
//! Pure functions of the IR. The generated crate gets one module per command
//! group (behind a cargo feature of the same name), `base` for the core
//! commands, `shared` for types several groups use, `failure` for the failure
//! body, and `registry` (behind the `registry` feature) that maps command
//! names to types for test servers.

mod client;
mod registry;
mod types;

use crate::ir::{Api, Command};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// The module of the core commands, always built: `AnyObject` lives there.
pub const BASE_MODULE: &str = "base";

/// Where generated modules go, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated-client/src/generated";

/// One generated Rust file.
pub struct RustFile {
    /// Path relative to the workspace root.
    pub path: String,
    /// Inner doc of the module (first line is its summary).
    pub doc: String,
    /// The items.
    pub tokens: TokenStream,
}

/// A cargo feature of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// Feature name.
    pub name: String,
    /// Its commands, for the comment beside it.
    pub commands: usize,
}

/// One file the generator writes: what to emit into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A module of types, impls and methods.
    Module(String),
    /// The registry.
    Registry,
    /// `mod.rs`, declaring the modules.
    Root,
}

/// The files the IR gives, in a stable order.
pub fn files(api: &Api) -> Vec<FileKind> {
    let mut modules: BTreeSet<String> = BTreeSet::new();
    if !api.objects.is_empty() {
        modules.insert(BASE_MODULE.to_owned());
    }
    modules.extend(api.structs.iter().map(|s| s.module.clone()));
    modules.extend(api.enums.iter().map(|e| e.module.clone()));
    let mut files: Vec<FileKind> = modules.into_iter().map(FileKind::Module).collect();
    files.push(FileKind::Registry);
    files.push(FileKind::Root);
    files
}

/// The cargo features the IR gives, one per command group.
pub fn features(api: &Api) -> Vec<Feature> {
    let mut features: Vec<Feature> =
        api.groups.iter().map(|g| Feature { name: g.name.clone(), commands: g.commands.len() }).collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    features
}

/// Emits every generated file.
pub fn emit(api: &Api) -> Vec<RustFile> {
    files(api).iter().map(|f| emit_file(api, f)).collect()
}

/// Emits one file.
pub fn emit_file(api: &Api, kind: &FileKind) -> RustFile {
    match kind {
        FileKind::Module(module) => {
            let gate = gate(api, module);
            RustFile {
                path: format!("{GENERATED_DIR}/{module}.rs"),
                doc: module_doc(api, module, gate.as_deref()),
                tokens: module_tokens(api, module),
            }
        }
        FileKind::Registry => RustFile {
            path: format!("{GENERATED_DIR}/registry.rs"),
            doc: "Command names mapped to their types, for servers that speak the API (the fake server of the tests)."
                .to_owned(),
            tokens: registry::tokens(api),
        },
        FileKind::Root => {
            let declared = files(api).into_iter().filter_map(|f| match f {
                FileKind::Module(module) => {
                    let gate = gate(api, &module);
                    let name = ident(&module);
                    let cfg = gate.map(|g| quote!(#[cfg(feature = #g)]));
                    Some(quote! {
                        #cfg mod #name;
                        #cfg pub use #name::*;
                    })
                }
                _ => None,
            });
            RustFile {
                path: format!("{GENERATED_DIR}/mod.rs"),
                doc: "The generated request and response types, enums and client methods.\n\n\
                      Machine-written from the descriptors in `spec/`; each command group is a module behind the \
                      cargo feature of the same name."
                    .to_owned(),
                tokens: quote! {
                    #![deny(warnings)]
                    #(#declared)*
                    #[cfg(feature = "registry")]
                    pub mod registry;
                },
            }
        }
    }
}

/// An identifier; `r#` names become raw identifiers.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = " line"]` attributes, one per line of `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// The feature gate of a module, if it has one.
fn gate(api: &Api, module: &str) -> Option<String> {
    api.groups.iter().find(|g| g.module == module).map(|g| g.name.clone())
}

fn module_doc(api: &Api, module: &str, gate: Option<&str>) -> String {
    let commands: Vec<&str> = api.commands.iter().filter(|c| c.module == module).map(|c| c.name.as_str()).collect();
    let mut doc = match (module, gate) {
        ("failure", _) => {
            "The failure body every command answers with on an error, and the API's error codes.".to_owned()
        }
        ("shared", _) => "Types used by commands of several groups.".to_owned(),
        ("base", _) => "The core commands: sessions, publishing, tasks. Always built.".to_owned(),
        (_, Some(feature)) => format!("Commands of the `{feature}` group (cargo feature `{feature}`)."),
        _ => format!("Module `{module}`."),
    };
    if !commands.is_empty() {
        doc.push_str(&format!(
            "\n\nCommands: {}.",
            commands.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    doc
}

/// The items of one module: types sorted by name, then the command impls
/// and client methods of the module's commands.
fn module_tokens(api: &Api, module: &str) -> TokenStream {
    let mut items: BTreeMap<&str, TokenStream> = BTreeMap::new();
    for s in api.structs.iter().filter(|s| s.module == module) {
        items.insert(&s.name, types::struct_tokens(s));
    }
    for e in api.enums.iter().filter(|e| e.module == module) {
        items.insert(&e.name, types::enum_tokens(e));
    }
    for e in &api.enums {
        for a in e.aliases.iter().filter(|a| a.module == module) {
            items.insert(&a.name, types::alias_tokens(a, &e.name));
        }
    }
    for s in &api.structs {
        for a in s.aliases.iter().filter(|a| a.module == module) {
            items.insert(&a.name, types::alias_tokens(a, &s.name));
        }
    }
    let commands: Vec<&Command> = api.commands.iter().filter(|c| c.module == module).collect();
    let any_object = (module == BASE_MODULE && !api.objects.is_empty()).then(|| types::any_object_tokens(api));
    let items = items.into_values();
    let client = client::tokens(api, &commands);
    let response_impls = client::response_impls(api, |s| s.module == module);
    quote! {
        #[allow(unused_imports)]
        use super::*;
        use crate::runtime::codegen::*;
        #(#items)*
        #any_object
        #client
        #response_impls
    }
}

/// Which commands reach each type, computed once for per-command views.
pub struct Users {
    by_type: BTreeMap<String, BTreeSet<String>>,
}

impl Users {
    /// Walks every command's request and response.
    pub fn new(api: &Api) -> Self {
        let mut by_type: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for c in &api.commands {
            for name in reached(api, c) {
                by_type.entry(name).or_default().insert(c.name.clone());
            }
        }
        Users { by_type }
    }

    /// Whether `command` is the only command that reaches the type.
    pub fn only(&self, name: &str, command: &str) -> bool {
        self.by_type.get(name).is_some_and(|users| users.len() == 1 && users.contains(command))
    }
}

/// Names of the types a command's request and response reach.
fn reached(api: &Api, command: &Command) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for root in [&command.request, &command.response_struct] {
        collect_types(api, root, &mut out);
    }
    out
}

/// Names of the types a struct reaches, itself included.
fn collect_types(api: &Api, name: &str, out: &mut BTreeSet<String>) {
    if !out.insert(name.to_owned()) {
        return;
    }
    if let Some(s) = api.find_struct(name) {
        for f in &s.fields {
            for t in types::named(&f.ty) {
                collect_types(api, &t, out);
            }
        }
    }
}

/// The items a reviewer reads for one command: its request struct, its
/// response type, the types only it uses, its impls and methods.
pub fn command_tokens(api: &Api, users: &Users, name: &str) -> Option<TokenStream> {
    let command = api.find_command(name)?;
    let mut items = Vec::new();
    for type_name in reached(api, command) {
        if type_name != command.request && !users.only(&type_name, name) {
            continue;
        }
        if let Some(s) = api.find_struct(&type_name) {
            items.push(types::struct_tokens(s));
        }
        if let Some(e) = api.find_enum(&type_name) {
            items.push(types::enum_tokens(e));
        }
    }
    for s in &api.structs {
        if let Some(alias) = s.aliases.iter().find(|a| a.name == command.response) {
            items.push(types::alias_tokens(alias, &s.name));
        }
    }
    items.push(client::tokens(api, &[command]));
    items.push(client::response_impls(api, |s| s.name == command.response || users.only(&s.name, name)));
    Some(quote!(#(#items)*))
}

/// The types of a module that no single command owns (several use them),
/// for a review view of shared types.
pub fn shared_types_tokens(api: &Api, users: &Users, module: &str) -> TokenStream {
    let owned = |name: &str| users.by_type.get(name).is_some_and(|u| u.len() == 1);
    let mut items: BTreeMap<&str, TokenStream> = BTreeMap::new();
    for s in api.structs.iter().filter(|s| s.module == module && !owned(&s.name)) {
        if api.commands.iter().all(|c| c.request != s.name) {
            items.insert(&s.name, types::struct_tokens(s));
        }
    }
    for e in api.enums.iter().filter(|e| e.module == module && !owned(&e.name)) {
        items.insert(&e.name, types::enum_tokens(e));
    }
    let items = items.into_values();
    quote!(#(#items)*)
}
