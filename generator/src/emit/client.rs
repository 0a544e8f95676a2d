//! Command impls and client methods.
//!
//! Every method is a one-line, `#[inline]` forward to a generic function of
//! the runtime (`send`, `open_session`, `end`, `pages`): nothing here is
//! compiled into machine code until a downstream crate calls it, so unused
//! commands cost type checking only.

use super::types::type_tokens;
use super::{doc_attrs, ident};
use crate::ir::{Api, Command, Lifecycle, StructDef, TaskField, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Impls and methods of some commands.
pub fn tokens(api: &Api, commands: &[&Command]) -> TokenStream {
    let mut impls = Vec::new();
    let mut session_methods = Vec::new();
    let mut client_methods = Vec::new();
    for c in commands {
        impls.push(command_impl(c));
        if let Some(p) = paging_impl(api, c) {
            impls.push(p.0);
            session_methods.push(p.1);
        }
        if let Some(r) = rulebase_impl(c) {
            impls.push(r.0);
            session_methods.push(r.1);
        }
        let method = method(c);
        if c.needs_session {
            session_methods.push(method);
        } else {
            client_methods.push(method);
        }
    }
    let session = (!session_methods.is_empty()).then(|| quote! { impl Session { #(#session_methods)* } });
    let client = (!client_methods.is_empty()).then(|| quote! { impl Client { #(#client_methods)* } });
    quote! { #(#impls)* #session #client }
}

fn command_impl(c: &Command) -> TokenStream {
    let request = ident(&c.request);
    let response = ident(&c.response);
    let name = &c.name;
    let http_method = match &c.http_method {
        Some(m) if m == "POST" => None,
        Some(m) => Some(quote!(const HTTP_METHOD: Option<&'static str> = Some(#m);)),
        None => Some(quote!(
            const HTTP_METHOD: Option<&'static str> = None;
        )),
    };
    let session = c.needs_session.then(|| quote!(impl SessionCommand for #request {}));
    let needs_session = (!c.needs_session).then(|| {
        quote!(
            const NEEDS_SESSION: bool = false;
        )
    });
    let lifecycle = match c.lifecycle {
        Lifecycle::Call => None,
        Lifecycle::Opens => Some(quote!(
            const LIFECYCLE: Lifecycle = Lifecycle::Opens;
        )),
        Lifecycle::Ends => Some(quote!(
            const LIFECYCLE: Lifecycle = Lifecycle::Ends;
        )),
    };
    quote! {
        impl Command for #request {
            const NAME: &'static str = #name;
            #http_method
            #needs_session
            #lifecycle
            type Response = #response;
        }
        #session
    }
}

fn method(c: &Command) -> TokenStream {
    let docs = doc_attrs(&method_docs(c));
    let name = ident(&c.method_name);
    let request = ident(&c.request);
    let response = ident(&c.response);
    // A placeholder method in the documentation: the caller chooses it.
    let (method_param, send) = match c.http_method {
        Some(_) => (None, quote!(send)),
        None => (Some(quote!(method: Method,)), quote!(send_with_method)),
    };
    let method_arg = method_param.as_ref().map(|_| quote!(method,));
    match c.lifecycle {
        Lifecycle::Opens => quote! {
            #docs
            #[inline]
            pub fn #name(&self, #method_param request: #request) -> impl Future<Output = Result<Session>> + Send + '_ {
                self.open_session(request)
            }
        },
        Lifecycle::Ends => quote! {
            #docs
            #[inline]
            pub fn #name(self, #method_param request: #request) -> impl Future<Output = Result<#response>> + Send {
                self.end(request)
            }
        },
        Lifecycle::Call => quote! {
            #docs
            #[inline]
            pub fn #name(&self, #method_param request: #request) -> impl Future<Output = Result<#response>> + Send + '_ {
                self.#send(#method_arg request)
            }
        },
    }
}

fn method_docs(c: &Command) -> String {
    let mut doc = if c.description.is_empty() { format!("Calls `{}`.", c.name) } else { c.description.clone() };
    doc.push_str(&format!("\n\nAPI command `{}`.", c.name));
    match c.lifecycle {
        Lifecycle::Opens => doc.push_str(" Returns the new session."),
        Lifecycle::Ends => doc.push_str(" The session ends: this consumes it."),
        Lifecycle::Call => {}
    }
    if c.tasks.is_some() {
        doc.push_str(" The response names tasks: `Session::wait_for_tasks` waits for them.");
    }
    doc
}

fn field_named<'a>(s: &'a StructDef, wire: &str) -> Option<&'a crate::ir::Field> {
    s.fields.iter().find(|f| f.wire_name == wire)
}

/// `Paginated` for a `show-*` command, and its `*_pages` stream method.
fn paging_impl(api: &Api, c: &Command) -> Option<(TokenStream, TokenStream)> {
    let p = c.pagination.as_ref()?;
    let request_struct = api.find_struct(&c.request)?;
    let response_struct = api.find_struct(&c.response_struct)?;
    let limit = ident(&field_named(request_struct, "limit")?.rust_name);
    let offset = ident(&field_named(request_struct, "offset")?.rust_name);
    let [from, to, total] =
        ["from", "to", "total"].map(|w| field_named(response_struct, w).map(|f| ident(&f.rust_name)));
    let (from, to, total) = (from?, to?, total?);
    let items = ident(&p.items_rust_name);
    let item = type_tokens(&p.item);
    let to_vec = match &field_named(response_struct, &p.items_field)?.ty {
        TypeRef::OneOrMany(_) => quote!(response.#items.map(OneOrMany::into_vec).unwrap_or_default()),
        _ => quote!(response.#items.unwrap_or_default()),
    };
    let request = ident(&c.request);
    let imp = quote! {
        impl Paginated for #request {
            type Item = #item;
            fn window(&self) -> (Option<i64>, Option<i64>) {
                (self.#offset, self.#limit)
            }
            fn set_window(&mut self, offset: i64, limit: i64) {
                self.#offset = Some(offset);
                self.#limit = Some(limit);
            }
            fn into_page(response: Self::Response) -> Page<Self::Item> {
                Page { from: response.#from, to: response.#to, total: response.#total, items: #to_vec }
            }
        }
    };
    let method = format_ident!("{}_pages", crate::naming::bare(&c.method_name));
    let docs = doc_attrs(&format!(
        "Every item of `{}`, fetched page by page (`limit`/`offset`) as the stream is read.\n\n\
         The request's `limit` sets the page size (1 to 500; the server's maximum, 500, when unset; \
         another value is an error before any request); its `offset`, where to start.",
        c.name
    ));
    let method = quote! {
        #docs
        #[inline]
        pub fn #method(&self, request: #request) -> impl Stream<Item = Result<#item>> + Send + '_ {
            self.pages(request)
        }
    };
    Some((imp, method))
}

/// `Rulebase` for a `show-*-rulebase` command, and its `*_rules` reader
/// method.
fn rulebase_impl(c: &Command) -> Option<(TokenStream, TokenStream)> {
    let rule = type_tokens(c.rulebase.as_ref()?);
    let request = ident(&c.request);
    let imp = quote! {
        impl Rulebase for #request {
            type Rule = #rule;
            type Object = AnyObject;
        }
    };
    let method = format_ident!("{}_rules", crate::naming::bare(&c.method_name));
    let docs = doc_attrs(&format!(
        "Every rule of `{}`, in order, with its section and number: sections cut by a page merged, \
         `objects-dictionary` gathered from every page, inline layers followed.",
        c.name
    ));
    let method = quote! {
        #docs
        #[inline]
        pub fn #method(&self, request: #request) -> RulebaseReader<'_, #request> {
            self.rulebase(request)
        }
    };
    Some((imp, method))
}

/// `HasTasks` and `SessionGrant` impls of the response structs that `keep`
/// selects.
pub fn response_impls(api: &Api, keep: impl Fn(&StructDef) -> bool) -> TokenStream {
    let mut out = Vec::new();
    let mut done = std::collections::BTreeSet::new();
    for c in &api.commands {
        let Some(s) = api.find_struct(&c.response_struct).filter(|s| keep(s)) else { continue };
        let name = ident(&s.name);
        if let Some(tasks) = &c.tasks {
            if done.insert(("tasks", s.name.clone())) {
                let body = match tasks {
                    TaskField::TaskId(field) => {
                        let field = ident(field);
                        quote!(self.#field.iter().cloned().collect())
                    }
                    TaskField::Tasks(field) => {
                        let field = ident(field);
                        let item = match field_type(s, tasks) {
                            Some(TypeRef::List(inner)) => match &**inner {
                                TypeRef::Struct(n) => api.find_struct(n),
                                _ => None,
                            },
                            _ => None,
                        };
                        let id = item.and_then(|i| field_named(i, "task-id")).map(|f| ident(&f.rust_name));
                        match id {
                            Some(id) => quote!(self.#field.iter().flatten().filter_map(|t| t.#id.clone()).collect()),
                            None => quote!(Vec::new()),
                        }
                    }
                };
                out.push(quote! {
                    impl HasTasks for #name {
                        fn task_ids(&self) -> Vec<String> {
                            #body
                        }
                    }
                });
            }
        }
        if c.lifecycle == Lifecycle::Opens && done.insert(("grant", s.name.clone())) {
            let sid = match field_named(s, "sid").filter(|f| f.ty == TypeRef::Secret) {
                Some(f) => {
                    let sid = ident(&f.rust_name);
                    quote!(self.#sid.as_ref())
                }
                None => quote!(None),
            };
            let version = field_named(s, "api-server-version").map(|f| ident(&f.rust_name));
            let version = match version {
                Some(v) if matches!(field_named(s, "api-server-version").map(|f| &f.ty), Some(TypeRef::String)) => {
                    quote!(self.#v.as_deref())
                }
                _ => quote!(None),
            };
            out.push(quote! {
                impl SessionGrant for #name {
                    fn sid(&self) -> Option<&Secret> {
                        #sid
                    }
                    fn api_server_version(&self) -> Option<&str> {
                        #version
                    }
                }
            });
        }
    }
    quote!(#(#out)*)
}

fn field_type<'a>(s: &'a StructDef, tasks: &TaskField) -> Option<&'a TypeRef> {
    let rust = match tasks {
        TaskField::TaskId(f) | TaskField::Tasks(f) => f,
    };
    s.fields.iter().find(|f| &f.rust_name == rust).map(|f| &f.ty)
}
