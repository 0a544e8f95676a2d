//! The registry: command names mapped to their types, for servers and
//! tests that receive raw requests. Behind the `registry` feature, because
//! it makes every command's (de)serialization code part of the build.

use super::ident;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::quote;

/// `lookup` and `NAMES`.
pub fn tokens(api: &Api) -> TokenStream {
    let arms = api.commands.iter().map(|c| {
        let name = &c.name;
        let request = ident(&c.request);
        let cfg = c.group.as_ref().map(|g| quote!(#[cfg(feature = #g)]));
        quote! {
            #cfg
            #name => Some(&Typed::<#request>::NEW),
        }
    });
    let names = api.commands.iter().map(|c| &c.name);
    let tasks = api.commands.iter().filter(|c| c.tasks.is_some()).map(|c| &c.name);
    let families = api.families.iter().map(|f| {
        let name = &f.name;
        let wire_type = option(f.wire_type.as_deref());
        let commands = f.commands.iter().flat_map(|(role, commands)| commands.iter().map(move |c| quote!((#role, #c))));
        let items = f
            .commands
            .get("list")
            .and_then(|list| list.first())
            .and_then(|list| api.commands.iter().find(|c| &c.name == list))
            .and_then(|c| c.pagination.as_ref())
            .map(|p| p.items_field.as_str());
        let items = option(items);
        quote!(Family { name: #name, wire_type: #wire_type, commands: &[#(#commands),*], list_items: #items },)
    });
    quote! {
        use super::*;
        use crate::runtime::registry::{DynCommand, Family, Typed};

        /// Every command of the spec, sorted; [`lookup`] finds those this
        /// build has (their group's feature is on).
        pub const NAMES: &[&str] = &[#(#names),*];

        /// The commands whose response names asynchronous tasks.
        pub const TASK_COMMANDS: &[&str] = &[#(#tasks),*];

        /// The object model's families: which commands add, set, show,
        /// delete, clone and list each kind of object, sorted by family.
        pub const FAMILIES: &[Family] = &[#(#families)*];

        /// The command called `name`, if this build has it.
        pub fn lookup(name: &str) -> Option<&'static dyn DynCommand> {
            match name {
                #(#arms)*
                _ => None,
            }
        }
    }
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}
