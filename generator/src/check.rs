//! Stage 3: checks the rebuilt trees against the examples.
//!
//! Walks every JSON example through its command's tree: keys the tree does
//! not declare are reported (the example, the field, where), values whose
//! JSON kind disagrees with the declared type are reported, and the kinds
//! seen at every path are kept as evidence for the types (a field documented
//! as a string that examples show as an array is really "one or many").

use crate::diag::{pointer_push, Finding, Findings, Rule};
use crate::examples::{ParsedExample, Part};
use crate::load::{Descriptor, WireType};
use crate::overrides::{FaultKind, Overrides, Side};
use crate::shapes::{CommandShape, Node, Shapes};
use serde_json::Value;
use std::collections::BTreeMap;

/// JSON kinds, as bits.
pub mod kind {
    /// `null`.
    pub const NULL: u16 = 1;
    /// A boolean.
    pub const BOOL: u16 = 2;
    /// An integer.
    pub const INT: u16 = 4;
    /// A number with a fraction or exponent.
    pub const FLOAT: u16 = 8;
    /// A string (any).
    pub const STRING: u16 = 16;
    /// An object.
    pub const OBJECT: u16 = 32;
    /// An array.
    pub const ARRAY: u16 = 64;
    /// A string that reads as a boolean (`"true"`, `"False"`).
    pub const QUOTED_BOOL: u16 = 128;
    /// A string that reads as a number (`"25"`).
    pub const QUOTED_NUMBER: u16 = 256;
    /// A string that is neither.
    pub const PLAIN_STRING: u16 = 512;
}

/// The kinds seen at one path: of the value itself, and of array items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kinds {
    /// Kinds of the value.
    pub direct: u16,
    /// Kinds of the items, where the value was an array.
    pub items: u16,
}

/// What the examples hold per (command, side, path of wire names).
#[derive(Debug, Default)]
pub struct Observations {
    kinds: BTreeMap<(String, Side), BTreeMap<Vec<String>, Kinds>>,
    /// How many objects were seen at a path, and how many of them had each
    /// key.
    objects: BTreeMap<(String, Side), ObjectCounts>,
}

/// Per object path: how many objects were seen there, and how many of them
/// had each key.
type ObjectCounts = BTreeMap<Vec<String>, (u32, BTreeMap<String, u32>)>;

impl Observations {
    /// The kinds seen at `path` of a command's examples.
    pub fn at(&self, command: &str, side: Side, path: &[String]) -> Kinds {
        self.kinds.get(&(command.to_owned(), side)).and_then(|paths| paths.get(path)).copied().unwrap_or_default()
    }

    /// The keys the examples' objects at `path` hold, with how many objects
    /// were seen there and how many had each key.
    pub fn keys(&self, command: &str, side: Side, path: &[String]) -> Option<&(u32, BTreeMap<String, u32>)> {
        self.objects.get(&(command.to_owned(), side)).and_then(|paths| paths.get(path))
    }

    /// Whether an example has an object at `parent` without the key `name`:
    /// then the key is not required, whatever the documentation says.
    pub fn omitted(&self, command: &str, side: Side, parent: &[String], name: &str) -> bool {
        self.objects
            .get(&(command.to_owned(), side))
            .and_then(|paths| paths.get(parent))
            .is_some_and(|(seen, keys)| keys.get(name).copied().unwrap_or(0) < *seen)
    }
}

fn kind_of(value: &Value) -> u16 {
    match value {
        Value::Null => kind::NULL,
        Value::Bool(_) => kind::BOOL,
        Value::Number(n) if n.is_i64() || n.is_u64() => kind::INT,
        Value::Number(_) => kind::FLOAT,
        Value::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
            kind::STRING | kind::QUOTED_BOOL
        }
        Value::String(s) if !s.trim().is_empty() && s.trim().parse::<f64>().is_ok() => {
            kind::STRING | kind::QUOTED_NUMBER
        }
        Value::String(_) => kind::STRING | kind::PLAIN_STRING,
        Value::Array(_) => kind::ARRAY,
        Value::Object(_) => kind::OBJECT,
    }
}

/// Checks every example of every command.
pub fn run(
    descriptors: &[Descriptor],
    examples: &BTreeMap<String, Vec<ParsedExample>>,
    shapes: &Shapes,
    overrides: &Overrides,
    findings: &mut Findings,
) -> Observations {
    let mut observations = Observations::default();
    for d in descriptors {
        let (Some(parsed), Some(shape)) = (examples.get(&d.command), shapes.commands.get(&d.command)) else {
            continue;
        };
        for example in parsed {
            for side in [Side::Request, Side::Response] {
                let part = match side {
                    Side::Request => &example.request,
                    Side::Response => &example.response,
                };
                let Part::Json(value) = part else { continue };
                let key = (d.command.clone(), side);
                let seen = observations.kinds.entry(key.clone()).or_default();
                let objects = observations.objects.entry(key).or_default();
                observe(value, &mut Vec::new(), seen, objects);
                let known_fault =
                    overrides.example_fault(&d.command, &example.name, side, FaultKind::Undecodable).is_some();
                let quoted_ok =
                    overrides.example_fault(&d.command, &example.name, side, FaultKind::QuotedScalars).is_some();
                let mut walker = Walker { d, example, side, known_fault, quoted_ok, findings: &mut *findings };
                let nodes = nodes_of(shape, side);
                let pointer = pointer_push(&example.pointer, side.as_str());
                match value {
                    Value::Object(_) => walker.object(value, nodes, &mut Vec::new(), &pointer),
                    other => walker.report(
                        Rule::ExampleTypeMismatch,
                        &pointer,
                        format!("the body is {} where an object is expected", describe(kind_of(other))),
                    ),
                }
            }
        }
    }
    check_failure_blocks(descriptors, shapes, findings);
    observations
}

fn nodes_of(shape: &CommandShape, side: Side) -> &[Node] {
    match side {
        Side::Request => shape.request.as_deref().unwrap_or_default(),
        Side::Response => &shape.response,
    }
}

struct Walker<'a> {
    d: &'a Descriptor,
    example: &'a ParsedExample,
    side: Side,
    known_fault: bool,
    quoted_ok: bool,
    findings: &'a mut Findings,
}

/// Records the kinds of every value of an example by path, and the keys of
/// every object.
fn observe(value: &Value, path: &mut Vec<String>, seen: &mut BTreeMap<Vec<String>, Kinds>, objects: &mut ObjectCounts) {
    match value {
        Value::Object(map) => {
            let counts = objects.entry(path.clone()).or_default();
            counts.0 += 1;
            for key in map.keys() {
                *counts.1.entry(key.clone()).or_default() += 1;
            }
            for (key, child) in map {
                path.push(key.clone());
                let kinds = seen.entry(path.clone()).or_default();
                kinds.direct |= kind_of(child);
                if let Value::Array(items) = child {
                    for item in items {
                        kinds.items |= kind_of(item);
                    }
                }
                observe(child, path, seen, objects);
                path.pop();
            }
        }
        Value::Array(items) => {
            for item in items {
                observe(item, path, seen, objects);
            }
        }
        _ => {}
    }
}

impl Walker<'_> {
    fn report(&mut self, rule: Rule, pointer: &str, message: String) {
        let rule = if self.known_fault && rule == Rule::ExampleTypeMismatch { Rule::KnownExampleFault } else { rule };
        self.findings.push(
            Finding::new(
                rule,
                &self.d.file,
                pointer,
                format!("example `{}` ({}): {message}", self.example.name, self.side.as_str()),
            )
            .for_command(&self.d.command),
        );
    }

    fn object(&mut self, value: &Value, nodes: &[Node], path: &mut Vec<String>, pointer: &str) {
        let Value::Object(map) = value else { return };
        for (key, child) in map {
            path.push(key.clone());
            let at = pointer_push(pointer, key);
            match nodes.iter().find(|n| &n.entry.name == key) {
                Some(node) => self.value(child, node, path, &at),
                None => {
                    let shown = path.join("/");
                    self.report(
                        Rule::UndeclaredExampleField,
                        &at,
                        format!("field `{shown}` is not declared by the descriptor"),
                    );
                }
            }
            path.pop();
        }
    }

    fn value(&mut self, value: &Value, node: &Node, path: &mut Vec<String>, pointer: &str) {
        let nested = !node.children.is_empty();
        match value {
            Value::Object(_) if nested => self.object(value, &node.children, path, pointer),
            Value::Array(items) if nested => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() {
                        self.object(item, &node.children, path, &format!("{pointer}/{i}"));
                    }
                }
            }
            Value::Null => {}
            other => {
                if !nested && !accepts(&node.entry.ty, other) {
                    let quoted = is_quoted(&node.entry.ty, other);
                    let rule =
                        if quoted && self.quoted_ok { Rule::KnownExampleFault } else { Rule::ExampleTypeMismatch };
                    self.report(
                        rule,
                        pointer,
                        format!(
                            "`{}` is declared {} but the example has {}",
                            path.join("/"),
                            declared(&node.entry.ty),
                            describe(kind_of(other))
                        ),
                    );
                }
            }
        }
    }
}

/// Whether a value is a boolean or number of the declared type written as
/// a string.
fn is_quoted(ty: &WireType, value: &Value) -> bool {
    let kind = kind_of(value);
    match ty {
        WireType::Boolean => kind & kind::QUOTED_BOOL != 0,
        WireType::Integer | WireType::Number => kind & kind::QUOTED_NUMBER != 0,
        _ => false,
    }
}

/// Whether a value of this kind fits the declared type, also as one item of
/// an array where one or many are accepted.
fn accepts(ty: &WireType, value: &Value) -> bool {
    let scalar = |ty: &WireType, v: &Value| match ty {
        WireType::String => v.is_string(),
        WireType::Integer => v.is_i64() || v.is_u64(),
        WireType::Number => v.is_number(),
        WireType::Boolean => v.is_boolean(),
        WireType::Object => v.is_object() || v.is_string(),
        WireType::Array(_) => true,
    };
    match (ty, value) {
        (WireType::Array(None), _) => true,
        (WireType::Array(Some(item)), Value::Array(items)) => items.iter().all(|v| scalar(item, v)),
        (WireType::Object, _) => true,
        (ty, Value::Array(items)) => items.iter().all(|v| scalar(ty, v)),
        (ty, v) => scalar(ty, v),
    }
}

fn declared(ty: &WireType) -> &'static str {
    match ty {
        WireType::String => "a string",
        WireType::Integer => "an integer",
        WireType::Number => "a number",
        WireType::Boolean => "a boolean",
        WireType::Object => "an object",
        WireType::Array(_) => "an array",
    }
}

fn describe(kind: u16) -> &'static str {
    match kind {
        kind::NULL => "null",
        kind::BOOL => "a boolean",
        kind::INT => "an integer",
        kind::FLOAT => "a fractional number",
        k if k & kind::QUOTED_BOOL != 0 => "a boolean written as a string",
        k if k & kind::QUOTED_NUMBER != 0 => "a number written as a string",
        k if k & kind::STRING != 0 => "a string",
        kind::OBJECT => "an object",
        _ => "an array",
    }
}

/// The failure block is meant to be one shape for the whole API; a command
/// whose block differs is reported (the shared shape is still used).
fn check_failure_blocks(descriptors: &[Descriptor], shapes: &Shapes, findings: &mut Findings) {
    let signature = |nodes: &[Node]| -> Vec<String> {
        fn walk(nodes: &[Node], prefix: &str, out: &mut Vec<String>) {
            for n in nodes {
                let path = format!("{prefix}/{}", n.entry.name);
                out.push(path.clone());
                walk(&n.children, &path, out);
            }
        }
        let mut out = Vec::new();
        walk(nodes, "", &mut out);
        out.sort();
        out
    };
    let mut counts: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    for shape in shapes.commands.values().filter(|s| !s.failure.is_empty()) {
        *counts.entry(signature(&shape.failure)).or_default() += 1;
    }
    let Some(common) = counts.iter().max_by_key(|(sig, n)| (**n, std::cmp::Reverse(*sig))).map(|(s, _)| s.clone())
    else {
        return;
    };
    for d in descriptors {
        let Some(shape) = shapes.commands.get(&d.command) else { continue };
        if !shape.failure.is_empty() && signature(&shape.failure) != common {
            findings.push(
                Finding::new(
                    Rule::FailureBlockDiffers,
                    &d.file,
                    "/response/failure",
                    "the failure block differs from the one the other commands share; the shared one is used",
                )
                .for_command(&d.command),
            );
        }
    }
}

/// Reports the keys of the examples that no generated type declares where
/// the example has them: they decode into an `extra` map. Run on the IR, so
/// what is reported is exactly what a user of the types would miss.
pub fn kept_in_extra(
    api: &crate::ir::Api,
    descriptors: &[Descriptor],
    examples: &BTreeMap<String, Vec<ParsedExample>>,
    findings: &mut Findings,
) {
    for d in descriptors {
        let (Some(command), Some(list)) = (api.find_command(&d.command), examples.get(&d.command)) else { continue };
        for example in list {
            for (side, root) in [(Side::Request, &command.request), (Side::Response, &command.response_struct)] {
                let part = match side {
                    Side::Request => &example.request,
                    Side::Response => &example.response,
                };
                let Part::Json(value) = part else { continue };
                let mut kept = Vec::new();
                let pointer = pointer_push(&example.pointer, side.as_str());
                extra_keys(api, &crate::ir::TypeRef::Struct(root.clone()), value, &pointer, &mut kept, 0);
                for at in kept {
                    findings.push(
                        Finding::new(
                            Rule::KeptInExtra,
                            &d.file,
                            &at,
                            format!(
                                "example `{}` ({}): no generated type declares this key; it is kept in `extra`",
                                example.name,
                                side.as_str()
                            ),
                        )
                        .for_command(&d.command),
                    );
                }
            }
        }
    }
}

fn extra_keys(
    api: &crate::ir::Api,
    ty: &crate::ir::TypeRef,
    value: &Value,
    pointer: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    use crate::ir::TypeRef;
    if depth > 64 {
        return;
    }
    match (ty, value) {
        (TypeRef::Struct(name), Value::Object(map)) => {
            let Some(s) = api.find_struct(name) else { return };
            for (key, child) in map {
                let at = pointer_push(pointer, key);
                match s.fields.iter().find(|f| &f.wire_name == key) {
                    Some(f) => extra_keys(api, &f.ty, child, &at, out, depth + 1),
                    None => out.push(at),
                }
            }
        }
        (TypeRef::AnyObject, Value::Object(map)) => {
            let kind = map.get("type").and_then(Value::as_str);
            if let Some(o) = api.objects.iter().find(|o| Some(o.wire_type.as_str()) == kind) {
                extra_keys(api, &TypeRef::Struct(o.type_name.clone()), value, pointer, out, depth + 1);
            }
        }
        (TypeRef::List(inner) | TypeRef::OneOrMany(inner) | TypeRef::Edit(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                extra_keys(api, inner, item, &format!("{pointer}/{i}"), out, depth + 1);
            }
        }
        (TypeRef::Edit(inner), Value::Object(map))
            if map.keys().all(|k| matches!(k.as_str(), "add" | "remove" | "update")) =>
        {
            for (key, child) in map {
                let wrapped = TypeRef::OneOrMany(inner.clone());
                extra_keys(api, &wrapped, child, &pointer_push(pointer, key), out, depth + 1);
            }
        }
        (other, value) => {
            if let Some(inner) = other.inner() {
                extra_keys(api, inner, value, pointer, out, depth + 1);
            }
        }
    }
}
