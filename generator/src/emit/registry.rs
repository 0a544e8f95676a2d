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
    quote! {
        use super::*;
        use crate::runtime::registry::{DynCommand, Typed};

        /// Every command of the spec, sorted; [`lookup`] finds those this
        /// build has (their group's feature is on).
        pub const NAMES: &[&str] = &[#(#names),*];

        /// The commands whose response names asynchronous tasks.
        pub const TASK_COMMANDS: &[&str] = &[#(#tasks),*];

        /// The command called `name`, if this build has it.
        pub fn lookup(name: &str) -> Option<&'static dyn DynCommand> {
            match name {
                #(#arms)*
                _ => None,
            }
        }
    }
}
