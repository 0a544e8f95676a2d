//! Macros that keep the generated code of `generated-client` short to read
//! and cheap to compile. They are part of the hand-written runtime: the
//! generator writes plain Rust items and marks them with these.
//!
//! - `#[wire_enum]` turns `enum Color { Black = "black" }` into an enum with
//!   a variant per valid value, a fallback `Unrecognized(String)` that keeps
//!   values this version does not know, and `Display`, `FromStr`, `From<&str>`
//!   and serde impls that use the exact wire strings.
//! - `#[object_enum]` turns `enum AnyObject { Host(Box<Host>) = "host" }` into
//!   an enum told apart by the objects' `type`, with a fallback
//!   `Other(Value)` for kinds this build does not know, and serde impls.
//! - `#[derive(Builder)]` gives a struct `new(required fields…)`, one
//!   chainable setter per optional field, and `param(name, value)` for
//!   parameters the documentation does not declare.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote};
use syn::{parse_macro_input, Data, DeriveInput, Expr, ExprLit, Fields, GenericArgument, Lit, PathArguments, Type};

/// Makes a string-valued enum; see the crate docs.
#[proc_macro_attribute]
pub fn wire_enum(args: TokenStream, input: TokenStream) -> TokenStream {
    if !args.is_empty() {
        return error(Span::call_site(), "#[wire_enum] takes no arguments");
    }
    let item = parse_macro_input!(input as DeriveInput);
    match wire_enum_impl(item) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn error(span: Span, message: &str) -> TokenStream {
    syn::Error::new(span, message).to_compile_error().into()
}

fn wire_enum_impl(item: DeriveInput) -> syn::Result<Tokens> {
    let Data::Enum(data) = &item.data else {
        return Err(syn::Error::new_spanned(&item.ident, "#[wire_enum] applies to enums"));
    };
    let name = &item.ident;
    let vis = &item.vis;
    let attrs = &item.attrs;
    let mut variants = Vec::new();
    let mut wires = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new_spanned(v, "variants of a #[wire_enum] are `Name = \"wire value\"`"));
        }
        let wire = match &v.discriminant {
            Some((_, Expr::Lit(ExprLit { lit: Lit::Str(s), .. }))) => s.value(),
            _ => return Err(syn::Error::new_spanned(v, "expected `Name = \"wire value\"`")),
        };
        variants.push(v.ident.clone());
        wires.push(wire);
    }
    let docs: Vec<String> = wires
        .iter()
        .map(|w| if w.is_empty() { "The empty string.".to_owned() } else { format!("`{}`", w.replace('`', "'")) })
        .collect();
    let fallback_doc = "A value this version of the crate does not know, kept as the server sent it.";
    Ok(quote! {
        #(#attrs)*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #vis enum #name {
            #( #[doc = #docs] #variants, )*
            #[doc = #fallback_doc]
            Unrecognized(::std::string::String),
        }

        impl #name {
            /// Every value this version knows, in documentation order.
            pub const KNOWN: &'static [&'static str] = &[#(#wires),*];

            /// The exact wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unrecognized(value) => value,
                }
            }

            /// The variant of a wire value; values this version does not know
            /// become `Unrecognized`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::Unrecognized(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(match Self::from_wire(&value) {
                    Self::Unrecognized(_) => Self::Unrecognized(value),
                    known => known,
                })
            }
        }
    })
}

/// Makes an enum of objects told apart by their `type`; see the crate docs.
#[proc_macro_attribute]
pub fn object_enum(args: TokenStream, input: TokenStream) -> TokenStream {
    if !args.is_empty() {
        return error(Span::call_site(), "#[object_enum] takes no arguments");
    }
    let item = parse_macro_input!(input as DeriveInput);
    match object_enum_impl(item) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn object_enum_impl(item: DeriveInput) -> syn::Result<Tokens> {
    let Data::Enum(data) = &item.data else {
        return Err(syn::Error::new_spanned(&item.ident, "#[object_enum] applies to enums"));
    };
    let name = &item.ident;
    let vis = &item.vis;
    let attrs = &item.attrs;
    let mut variants = Vec::new();
    let mut cfgs = Vec::new();
    let mut types = Vec::new();
    let mut wires = Vec::new();
    let mut docs = Vec::new();
    for v in &data.variants {
        let Fields::Unnamed(fields) = &v.fields else {
            return Err(syn::Error::new_spanned(v, "variants of an #[object_enum] are `Name(Box<Type>) = \"type\"`"));
        };
        let ty = match fields.unnamed.first() {
            Some(field) if fields.unnamed.len() == 1 => &field.ty,
            _ => return Err(syn::Error::new_spanned(v, "one field per variant")),
        };
        let wire = match &v.discriminant {
            Some((_, Expr::Lit(ExprLit { lit: Lit::Str(s), .. }))) => s.value(),
            _ => return Err(syn::Error::new_spanned(v, "expected `Name(Box<Type>) = \"type\"`")),
        };
        cfgs.push(v.attrs.iter().filter(|a| a.path().is_ident("cfg")).cloned().collect::<Vec<_>>());
        docs.push(format!("An object of type `{wire}`."));
        variants.push(v.ident.clone());
        types.push(ty.clone());
        wires.push(wire);
    }
    let other_doc = "An object of a type this build does not know (or whose cargo feature is off), kept as JSON.";
    Ok(quote! {
        #(#attrs)*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        #vis enum #name {
            #( #(#cfgs)* #[doc = #docs] #variants(#types), )*
            #[doc = #other_doc]
            Other(::serde_json::Value),
        }

        impl #name {
            /// The object's `type`.
            pub fn type_name(&self) -> ::std::option::Option<&str> {
                match self {
                    #( #(#cfgs)* Self::#variants(_) => ::std::option::Option::Some(#wires), )*
                    Self::Other(value) => value.get("type").and_then(::serde_json::Value::as_str),
                }
            }
        }

        #[cfg(feature = "roundtrip")]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( #(#cfgs)* Self::#variants(object) => ::serde::Serialize::serialize(object, serializer), )*
                    Self::Other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let kind = value.get("type").and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                // The object was buffered to read its `type`: its own path
                // goes into the message.
                fn located<E: ::serde::de::Error>(e: ::serde_path_to_error::Error<::serde_json::Error>) -> E {
                    E::custom(::std::format!("at `{}` of the object: {}", e.path(), e.inner()))
                }
                match kind.as_deref() {
                    #( #(#cfgs)* ::std::option::Option::Some(#wires) => ::serde_path_to_error::deserialize::<_, #types>(value)
                        .map(Self::#variants)
                        .map_err(located::<D::Error>), )*
                    _ => ::std::result::Result::Ok(Self::Other(value)),
                }
            }
        }
    })
}

/// Constructor and setters; see the crate docs.
#[proc_macro_derive(Builder)]
pub fn derive_builder(input: TokenStream) -> TokenStream {
    let item = parse_macro_input!(input as DeriveInput);
    match builder_impl(item) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// `T` of `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

fn builder_impl(item: DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &item.data else {
        return Err(syn::Error::new_spanned(&item.ident, "#[derive(Builder)] applies to structs"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(&item.ident, "#[derive(Builder)] needs named fields"));
    };
    let name = &item.ident;
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut has_extra = false;
    for f in &fields.named {
        let ident = f.ident.as_ref().expect("named field");
        let plain = ident.to_string();
        let plain = plain.trim_start_matches("r#");
        if plain == "extra" {
            has_extra = true;
            inits.push(quote!(#ident: ::std::default::Default::default()));
            continue;
        }
        match option_inner(&f.ty) {
            Some(inner) => {
                inits.push(quote!(#ident: None));
                if plain == "new" || plain == "param" {
                    continue;
                }
                let doc = format!("Sets `{plain}`.");
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #ident(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                        self.#ident = Some(value.into());
                        self
                    }
                });
            }
            None => {
                let ty = &f.ty;
                params.push(quote!(#ident: impl ::std::convert::Into<#ty>));
                inits.push(quote!(#ident: #ident.into()));
            }
        }
    }
    let param = has_extra.then(|| {
        let value = format_ident!("value");
        quote! {
            /// Sets a parameter this version does not declare (the
            /// documentation is not complete); it is sent as given.
            pub fn param(mut self, name: impl ::std::convert::Into<::std::string::String>, #value: impl ::std::convert::Into<::serde_json::Value>) -> Self {
                self.extra.insert(name.into(), #value.into());
                self
            }
        }
    });
    Ok(quote! {
        impl #name {
            /// Creates the value from its required fields; the optional ones
            /// start unset.
            #[allow(clippy::too_many_arguments)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
            #param
        }
    })
}
