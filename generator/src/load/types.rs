//! Type strings as the extractor writes them.
//!
//! The documented types are `string`, `integer`, `number`, `boolean`,
//! `Object` and `array` (with variants such as `array of objects`). The
//! extractor sometimes glues the next label of the page onto the type
//! (`integerDescription:`, `stringOptional`, `booleanDefault:`): such a string
//! is read as the type it starts with, and reported.

use serde::Serialize;

/// A type as the descriptor declares it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WireType {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// A boolean.
    Boolean,
    /// An object; a parent of the entries that follow it when its
    /// description is empty.
    Object,
    /// An array; of objects described by the entries that follow it when
    /// its description is empty, else of the item type when it is known.
    Array(Option<Box<WireType>>),
}

/// The result of reading a type string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeParse {
    /// A documented type string.
    Clean(WireType),
    /// An extraction fault, read as the type it starts with.
    Fault(WireType),
    /// Not a type this generator knows.
    Unknown,
}

/// Reads a type string. Case and surrounding space do not matter.
pub fn parse_type(text: &str) -> TypeParse {
    let trimmed = text.trim();
    if let Some(ty) = clean_type(&trimmed.to_ascii_lowercase()) {
        return TypeParse::Clean(ty);
    }
    // A fault: a known base word followed by debris that starts with an
    // upper-case letter or punctuation (`integerDescription:`).
    for (word, ty) in BASE_WORDS {
        if trimmed.len() > word.len() && trimmed.is_char_boundary(word.len()) {
            let (head, rest) = trimmed.split_at(word.len());
            let next = rest.chars().next().unwrap_or(' ');
            if head.eq_ignore_ascii_case(word) && (next.is_ascii_uppercase() || next.is_ascii_punctuation()) {
                return TypeParse::Fault(ty.clone());
            }
        }
    }
    TypeParse::Unknown
}

const BASE_WORDS: &[(&str, WireType)] = &[
    ("string", WireType::String),
    ("integer", WireType::Integer),
    ("number", WireType::Number),
    ("boolean", WireType::Boolean),
    ("object", WireType::Object),
    ("array", WireType::Array(None)),
];

fn clean_type(lower: &str) -> Option<WireType> {
    let scalar = |word: &str| -> Option<WireType> {
        Some(match word {
            "string" | "strings" | "str" => WireType::String,
            "integer" | "integers" | "int" => WireType::Integer,
            "number" | "numbers" | "float" | "double" => WireType::Number,
            "boolean" | "booleans" | "bool" => WireType::Boolean,
            "object" | "objects" => WireType::Object,
            _ => return None,
        })
    };
    if let Some(ty) = scalar(lower) {
        return Some(ty);
    }
    match lower {
        "array" | "list" => return Some(WireType::Array(None)),
        "object or array of objects" | "array or object" | "object or array" => {
            return Some(WireType::Array(Some(Box::new(WireType::Object))))
        }
        _ => {}
    }
    let item = lower.strip_prefix("array of ").or_else(|| lower.strip_prefix("list of "))?;
    Some(WireType::Array(Some(Box::new(scalar(item.trim())?))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_types() {
        assert_eq!(parse_type("string"), TypeParse::Clean(WireType::String));
        assert_eq!(parse_type("Object"), TypeParse::Clean(WireType::Object));
        assert_eq!(parse_type("array"), TypeParse::Clean(WireType::Array(None)));
        assert_eq!(parse_type("array of objects"), TypeParse::Clean(WireType::Array(Some(Box::new(WireType::Object)))));
    }

    #[test]
    fn extraction_faults_read_as_their_base_type() {
        assert_eq!(parse_type("integerDescription:"), TypeParse::Fault(WireType::Integer));
        assert_eq!(parse_type("stringDescription:"), TypeParse::Fault(WireType::String));
        assert_eq!(parse_type("booleanDefault:"), TypeParse::Fault(WireType::Boolean));
        assert_eq!(parse_type("stringOptional"), TypeParse::Fault(WireType::String));
        assert_eq!(parse_type("stringValid"), TypeParse::Fault(WireType::String));
    }

    #[test]
    fn unknown_types_are_not_guessed() {
        assert_eq!(parse_type("frobnicate"), TypeParse::Unknown);
        assert_eq!(parse_type("strings-ish"), TypeParse::Unknown);
        assert_eq!(parse_type(""), TypeParse::Unknown);
        assert_eq!(parse_type("stringy"), TypeParse::Unknown);
    }
}
