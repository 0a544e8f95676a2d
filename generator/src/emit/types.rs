//! Structs, enums and aliases.

use super::{doc_attrs, ident};
use crate::ir::{Alias, Api, EnumDef, Role, StructDef, TypeRef};
use crate::lower::EXTRA_FIELD;
use crate::naming::bare;
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type of a value.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Secret => quote!(Secret),
        TypeRef::Json => quote!(Value),
        TypeRef::Enum(name) | TypeRef::Struct(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::List(inner) => {
            let inner = type_tokens(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::OneOrMany(inner) => {
            let inner = type_tokens(inner);
            quote!(OneOrMany<#inner>)
        }
        TypeRef::ObjectOrId(inner) => {
            let inner = type_tokens(inner);
            quote!(ObjectOrId<#inner>)
        }
        TypeRef::AnyObject => {
            let name = ident(crate::ir::ANY_OBJECT);
            quote!(#name)
        }
        TypeRef::Edit(inner) => {
            let inner = type_tokens(inner);
            quote!(Edit<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner);
            quote!(Box<#inner>)
        }
    }
}

/// Names of the generated types a value type refers to.
pub fn named(ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Enum(name) | TypeRef::Struct(name) => vec![name.clone()],
        other => other.inner().map(named).unwrap_or_default(),
    }
}

/// A struct with its serde attributes and derives.
pub fn struct_tokens(s: &StructDef) -> TokenStream {
    let docs = doc_attrs(&s.docs);
    let name = ident(&s.name);
    let all_optional = s.fields.iter().all(|f| !f.required);
    let default = all_optional.then(|| quote!(Default,));
    let builder = matches!(s.role, Role::Request | Role::Input | Role::Both).then(|| quote!(Builder,));
    // Each type derives the serde direction it is used in; the `roundtrip`
    // feature adds the other (for test servers and logging), so that a
    // build without it type-checks half the serde code.
    let (serde, other) = match s.role {
        Role::Request | Role::Input => (quote!(Serialize,), Some(quote!(Deserialize))),
        Role::Response => (quote!(Deserialize,), Some(quote!(Serialize))),
        Role::Both => (quote!(Serialize, Deserialize,), None),
    };
    let other = other.map(|d| quote!(#[cfg_attr(feature = "roundtrip", derive(#d))]));
    let fields = s.fields.iter().map(|f| {
        let docs = doc_attrs(&f.docs);
        let field = ident(&f.rust_name);
        let ty = type_tokens(&f.ty);
        let rename = (f.wire_name != bare(&f.rust_name)).then(|| {
            let wire = &f.wire_name;
            quote!(rename = #wire)
        });
        if f.required {
            let serde = rename.map(|r| quote!(#[serde(#r)]));
            quote! { #docs #serde pub #field: #ty, }
        } else {
            let serde = match rename {
                Some(r) => quote!(#[serde(#r, skip_serializing_if = "Option::is_none")]),
                None => quote!(#[serde(skip_serializing_if = "Option::is_none")]),
            };
            quote! { #docs #serde pub #field: Option<#ty>, }
        }
    });
    let extra = ident(EXTRA_FIELD);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, #default #serde #builder)]
        #other
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Fields the descriptor does not declare, kept as they are.
            #[serde(flatten)]
            pub #extra: Map<String, Value>,
        }
    }
}

/// An enum of wire values (`#[wire_enum]` adds the fallback and the impls).
pub fn enum_tokens(e: &EnumDef) -> TokenStream {
    let docs = doc_attrs(&e.docs);
    let name = ident(&e.name);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire;
        quote!(#variant = #wire,)
    });
    quote! {
        #docs
        #[wire_enum]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// `pub type Alias = Struct;`.
pub fn alias_tokens(a: &Alias, target: &str) -> TokenStream {
    let docs = doc_attrs(&a.docs);
    let name = ident(&a.name);
    let target = ident(target);
    quote! {
        #docs
        pub type #name = #target;
    }
}

/// `AnyObject`: every kind of object, told apart by `type`; each variant is
/// built only with its group's cargo feature.
pub fn any_object_tokens(api: &Api) -> TokenStream {
    let variants = api.objects.iter().map(|o| {
        let name = ident(&o.type_name);
        let wire = &o.wire_type;
        let cfg = api.groups.iter().find(|g| g.module == o.module).map(|g| {
            let feature = &g.name;
            quote!(#[cfg(feature = #feature)])
        });
        quote!(#cfg #name(Box<#name>) = #wire,)
    });
    let name = ident(crate::ir::ANY_OBJECT);
    quote! {
        /// An object of any type, told apart by its `type`: the items of
        /// `objects-dictionary`, of rulebases and of listings of many types.
        /// Types whose group is not built (cargo features) are `Other`.
        #[object_enum]
        pub enum #name {
            #(#variants)*
        }
    }
}
