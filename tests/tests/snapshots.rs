//! The generated output, pinned: a change to the bindings shows as a
//! readable snapshot diff (`cargo insta review`).

mod common;

use generator::emit::{command_tokens, shared_types_tokens, Users};
use generator::format::format_tokens;
use generator::ir::Api;
use serde::Serialize;
use std::collections::BTreeSet;

/// The commands whose code and IR are pinned in full: the seeds the project
/// started from, the session commands the runtime relies on, and a few that
/// show paging, tasks and `set-*` collections. The whole API is pinned one
/// line per command and per type by `api_summary`.
const SNAPSHOT_COMMANDS: &[&str] = &[
    "login",
    "login-to-domain",
    "continue-session-in-smartconsole",
    "logout",
    "show-session",
    "publish",
    "show-task",
    "add-host",
    "show-hosts",
    "set-host",
    "show-access-rulebase",
];

#[test]
fn generated_code_per_command() {
    let api = &common::analysis().api;
    let users = Users::new(api);
    for name in SNAPSHOT_COMMANDS {
        let tokens = command_tokens(api, &users, name).unwrap_or_else(|| panic!("no command {name}"));
        let code = format_tokens(tokens).expect("generated code parses");
        insta::assert_snapshot!(format!("code-{name}"), code);
    }
}

/// The object model: the common fields, every family with its object type
/// and its commands by role.
#[test]
fn object_model() {
    insta::assert_snapshot!("model", generator::report::families(common::analysis()));
}

/// The failure body and the error codes, shared by every command.
#[test]
fn failure_types() {
    let api = &common::analysis().api;
    let users = Users::new(api);
    assert!(api.structs.iter().any(|s| s.module == "failure"), "the failure body has its own module");
    let code = format_tokens(shared_types_tokens(api, &users, "failure")).expect("generated code parses");
    insta::assert_snapshot!("types-failure", code);
}

fn describe(ty: &generator::ir::TypeRef) -> String {
    use generator::ir::TypeRef;
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Secret => "Secret".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::Enum(n) | TypeRef::Struct(n) => n.clone(),
        TypeRef::List(i) => format!("[{}]", describe(i)),
        TypeRef::OneOrMany(i) => format!("{}|[..]", describe(i)),
        TypeRef::ObjectOrId(i) => format!("{}|id", describe(i)),
        TypeRef::AnyObject => "AnyObject".into(),
        TypeRef::Edit(i) => format!("edit[{}]", describe(i)),
        TypeRef::Boxed(i) => format!("box {}", describe(i)),
    }
}

/// The whole API, one line per command and one per type: small enough to
/// read, and every change to the bindings shows as a changed line.
#[test]
fn api_summary() {
    let api = &common::analysis().api;
    let mut out = String::new();
    out.push_str("# commands: name [group] request -> response (lifecycle, paging, tasks)\n");
    for c in &api.commands {
        out.push_str(&format!(
            "{} [{}] {} -> {}{}{}{}\n",
            c.name,
            c.group.as_deref().unwrap_or("core"),
            c.request,
            c.response,
            match c.lifecycle {
                generator::ir::Lifecycle::Call => "",
                generator::ir::Lifecycle::Opens => " (opens a session)",
                generator::ir::Lifecycle::Ends => " (ends the session)",
            },
            c.pagination.as_ref().map(|p| format!(" (pages of {})", describe(&p.item))).unwrap_or_default(),
            if c.tasks.is_some() { " (tasks)" } else { "" },
        ));
    }
    out.push_str("\n# structs: name [module, role]: fields (? optional)\n");
    for s in &api.structs {
        let fields: Vec<String> = s
            .fields
            .iter()
            .map(|f| format!("{}{}: {}", f.wire_name, if f.required { "" } else { "?" }, describe(&f.ty)))
            .collect();
        let aliases: Vec<&str> = s.aliases.iter().map(|a| a.name.as_str()).collect();
        let aliases = if aliases.is_empty() { String::new() } else { format!(" (also {})", aliases.join(", ")) };
        out.push_str(&format!("{} [{}, {:?}]{aliases}: {}\n", s.name, s.module, s.role, fields.join(", ")));
    }
    out.push_str("\n# enums: name [module]: values\n");
    for e in &api.enums {
        let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
        out.push_str(&format!("{} [{}]: {}\n", e.name, e.module, values.join(" | ")));
    }
    insta::assert_snapshot!("api-summary", out);
}

/// The part of the IR one command reaches.
#[derive(Serialize)]
struct CommandView<'a> {
    command: &'a generator::ir::Command,
    structs: Vec<&'a generator::ir::StructDef>,
    enums: Vec<&'a generator::ir::EnumDef>,
}

fn view<'a>(api: &'a Api, name: &str) -> CommandView<'a> {
    let command = api.find_command(name).unwrap();
    let mut names = BTreeSet::new();
    let mut todo = vec![command.request.clone(), command.response.clone()];
    while let Some(n) = todo.pop() {
        let s = api.find_struct(&n).or_else(|| api.structs.iter().find(|s| s.aliases.iter().any(|a| a.name == n)));
        if let Some(s) = s {
            if names.insert(s.name.clone()) {
                for f in &s.fields {
                    collect(&f.ty, &mut todo, &mut names);
                }
            }
        }
    }
    CommandView {
        command,
        structs: names.iter().filter_map(|n| api.find_struct(n)).collect(),
        enums: names.iter().filter_map(|n| api.find_enum(n)).collect(),
    }
}

fn collect(ty: &generator::ir::TypeRef, todo: &mut Vec<String>, names: &mut BTreeSet<String>) {
    use generator::ir::TypeRef;
    match ty {
        TypeRef::Struct(n) => todo.push(n.clone()),
        TypeRef::Enum(n) => {
            names.insert(n.clone());
        }
        other => {
            if let Some(inner) = other.inner() {
                collect(inner, todo, names);
            }
        }
    }
}

#[test]
fn ir_per_command() {
    let api = &common::analysis().api;
    for name in SNAPSHOT_COMMANDS {
        insta::assert_json_snapshot!(format!("ir-{name}"), view(api, name));
    }
}
