//! The one place where wire names become Rust names.
//!
//! Every emitter gets its identifiers from [`rust_name`] and resolves
//! collisions through a [`Namespace`], so a wire name always maps to the same
//! Rust name and the rules are written once:
//!
//! - words come from separators, case changes and digits (`ipv4-address` →
//!   `ipv4_address`, `domainType` → `domain_type`, `iso-8601` → `Iso8601`);
//! - symbols that carry meaning become words (`TACACS+` → `TacacsPlus`,
//!   `&` → `And`), other punctuation separates words, characters outside
//!   ASCII become their code point (`u00e9`) because non-ASCII identifiers
//!   trip lints;
//! - an empty name becomes `empty`, a leading digit gets a `v` prefix
//!   (`3des` → `V3des`);
//! - keywords become raw identifiers (`type` → `r#type`), or get a `_` suffix
//!   where Rust allows no raw form (`self` → `self_`);
//! - names that collide in one scope get `2`, `3`, … in the order claimed.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// The case of a Rust identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, methods, modules.
    Snake,
    /// `UpperCamelCase`: types and variants.
    UpperCamel,
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that have no raw-identifier form.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Turns a wire name into a valid Rust identifier of the given case.
pub fn rust_name(wire: &str, case: Case) -> String {
    let words = spell_symbols(wire);
    let mut name = match case {
        Case::Snake => words.to_snake_case(),
        Case::UpperCamel => words.to_upper_camel_case(),
    };
    if name.is_empty() {
        name = match case {
            Case::Snake => "empty".to_owned(),
            Case::UpperCamel => "Empty".to_owned(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, if case == Case::Snake { 'v' } else { 'V' });
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// Replaces meaningful symbols with words and everything else that is not
/// an ASCII letter or digit with a space.
fn spell_symbols(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len() + 8);
    for c in wire.chars() {
        let word = match c {
            '+' => "plus",
            '&' => "and",
            '@' => "at",
            '#' => "hash",
            '%' => "percent",
            '*' => "star",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '$' => "dollar",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            c if c.is_ascii() => {
                out.push(' ');
                continue;
            }
            c => {
                out.push_str(&format!(" u{:04x} ", c as u32));
                continue;
            }
        };
        out.push(' ');
        out.push_str(word);
        out.push(' ');
    }
    out
}

/// The name without a raw-identifier prefix (`r#type` → `type`), for
/// building derived names.
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// One scope of names: claims resolve collisions deterministically.
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// Whether a name is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(bare(name))
    }

    /// Claims `candidate`, or `candidate2`, `candidate3`, … when taken.
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(bare(candidate).to_owned()) {
            return candidate.to_owned();
        }
        let stem = bare(candidate);
        let joint = if stem.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{stem}{joint}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .expect("an unbounded range finds a free name")
    }

    /// Claims `candidate` if free.
    pub fn try_claim(&mut self, candidate: &str) -> bool {
        self.taken.insert(bare(candidate).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(rust_name("ipv4-address", Case::Snake), "ipv4_address");
        assert_eq!(rust_name("domainType", Case::Snake), "domain_type");
        assert_eq!(rust_name("ASC", Case::Snake), "asc");
        assert_eq!(rust_name("type", Case::Snake), "r#type");
        assert_eq!(rust_name("match", Case::Snake), "r#match");
        assert_eq!(rust_name("self", Case::Snake), "self_");
        assert_eq!(rust_name("3des", Case::Snake), "v3des");
        assert_eq!(rust_name("servers.update.name", Case::Snake), "servers_update_name");
        assert_eq!(rust_name("", Case::Snake), "empty");
    }

    #[test]
    fn types_and_variants() {
        assert_eq!(rust_name("crete blue", Case::UpperCamel), "CreteBlue");
        assert_eq!(rust_name("TACACS", Case::UpperCamel), "Tacacs");
        assert_eq!(rust_name("TACACS+", Case::UpperCamel), "TacacsPlus");
        assert_eq!(rust_name("iso-8601", Case::UpperCamel), "Iso8601");
        assert_eq!(rust_name("Self", Case::UpperCamel), "Self_");
        assert_eq!(rust_name("", Case::UpperCamel), "Empty");
        assert_eq!(rust_name("3DES", Case::UpperCamel), "V3des");
        assert_eq!(rust_name("café", Case::UpperCamel), "CafU00e9");
        assert_eq!(rust_name("in progress", Case::UpperCamel), "InProgress");
    }

    #[test]
    fn collisions_get_numbers() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("Asc"), "Asc");
        assert_eq!(ns.claim("Asc"), "Asc2");
        assert_eq!(ns.claim("Asc"), "Asc3");
        assert_eq!(ns.claim("Ipv4"), "Ipv4");
        assert_eq!(ns.claim("Ipv4"), "Ipv4_2");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type2");
    }

    #[test]
    fn every_name_is_an_identifier() {
        for wire in ["", "0", "-", "a b", "A/B", "x.y", "😀", "__", "type", "Self", "crate", "9lives", "+", "a+"] {
            for case in [Case::Snake, Case::UpperCamel] {
                let name = rust_name(wire, case);
                assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{wire:?} → {name:?}");
            }
        }
    }
}
