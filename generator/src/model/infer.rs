//! Fields only the examples show.
//!
//! About 3,500 keys of the documentation's examples are not declared by
//! their descriptors: `read-only`, `meta-info`, `tags` of objects, the
//! camel-case task details, the fields of objects in `objects-dictionary`.
//! The examples are what real servers send, so these keys become fields
//! of the type that holds them, typed from the JSON they hold (reported as
//! notes, so a maintainer sees where the documentation is silent):
//!
//! - under a declared object, from the command's own examples
//!   ([`undeclared`]);
//! - for every object of every example whose `type` names a kind of object
//!   of the model (`"type": "host"`), as fields of that kind's type
//!   ([`from_examples`]), wherever the object appears: in the answer of
//!   another command, in `objects-dictionary`, in a task's details.

use super::keys::Builder;
use crate::check::{kind, Kinds, Observations};
use crate::examples::ParsedExample;
use crate::load::{Descriptor, Entry, WireType};
use crate::overrides::Side;
use crate::shapes::{CommandShape, Evidence, Node};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The description of a field only the examples show.
pub const SEEN_IN_EXAMPLES: &str = "Not in the documentation; the examples show it.";

/// Nodes for the keys the command's examples hold at `path` that `declared`
/// lacks, with their children, typed from what the examples hold.
pub fn undeclared(
    obs: &Observations,
    command: &str,
    side: Side,
    path: &mut Vec<String>,
    declared: &[Node],
    pointer: &str,
) -> Vec<Node> {
    let Some((_, keys)) = obs.keys(command, side, path) else { return Vec::new() };
    let mut out = Vec::new();
    for key in keys.keys() {
        if declared.iter().any(|n| &n.entry.name == key) || !is_wire_name(key) {
            continue;
        }
        path.push(key.clone());
        let kinds = obs.at(command, side, path);
        let children = if (kinds.direct | kinds.items) & kind::OBJECT != 0 {
            undeclared(obs, command, side, path, &[], pointer)
        } else {
            Vec::new()
        };
        path.pop();
        out.push(synthetic(key, kinds, children, pointer));
    }
    out
}

/// Dotted or numbered keys (`display.installed`, `order.1.ASC`) are the
/// examples' form-style spellings of nested fields, not fields.
fn is_wire_name(key: &str) -> bool {
    !key.is_empty() && !key.contains('.') && !key.contains(char::is_whitespace)
}

/// A node for a key the examples show.
fn synthetic(name: &str, kinds: Kinds, children: Vec<Node>, pointer: &str) -> Node {
    let ty = declared_type(kinds, !children.is_empty());
    Node {
        entry: Entry {
            name: name.to_owned(),
            description: SEEN_IN_EXAMPLES.to_owned(),
            ty,
            type_fault: None,
            required: false,
            default: None,
            valid_values: None,
            pointer: pointer.to_owned(),
        },
        children,
        repeated: false,
        evidence: Evidence::Example,
    }
}

/// The type a field would be declared with, from the JSON kinds it holds.
fn declared_type(kinds: Kinds, has_children: bool) -> WireType {
    let scalar = |k: u16| match k & !(kind::NULL | kind::QUOTED_BOOL | kind::QUOTED_NUMBER | kind::PLAIN_STRING) {
        kind::BOOL => Some(WireType::Boolean),
        kind::INT => Some(WireType::Integer),
        k if k != 0 && k & !(kind::INT | kind::FLOAT) == 0 => Some(WireType::Number),
        kind::STRING => Some(WireType::String),
        _ => None,
    };
    if kinds.direct & kind::ARRAY != 0 {
        if has_children || kinds.items & kind::OBJECT != 0 {
            return WireType::Array(Some(Box::new(WireType::Object)));
        }
        return WireType::Array(scalar(kinds.items).map(Box::new));
    }
    if has_children || kinds.direct & kind::OBJECT != 0 {
        return WireType::Object;
    }
    // Only nulls, or several kinds: a string-typed value widened by what
    // the examples hold (the lowering keeps mixed kinds as JSON).
    scalar(kinds.direct).unwrap_or(WireType::String)
}

/// Nodes of one JSON object, for [`from_examples`] (the keys of list items
/// merged).
fn nodes_of(map: &Map<String, Value>, pointer: &str) -> Vec<Node> {
    let mut nodes = Vec::new();
    for (key, value) in map.iter().filter(|(key, _)| is_wire_name(key)) {
        let children = match value {
            Value::Object(inner) => nodes_of(inner, pointer),
            Value::Array(items) => {
                let mut merged = Map::new();
                for item in items.iter().filter_map(Value::as_object) {
                    for (k, v) in item {
                        merged.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                nodes_of(&merged, pointer)
            }
            _ => Vec::new(),
        };
        nodes.push(synthetic(key, kinds_of(value), children, pointer));
    }
    nodes
}

/// What one example object holds, by path from its root (list items are
/// transparent): the kinds of JSON.
#[derive(Debug, Default)]
pub struct ExampleObject {
    /// Kinds of JSON.
    pub kinds: BTreeMap<Vec<String>, Kinds>,
}

impl ExampleObject {
    fn record(&mut self, map: &Map<String, Value>, path: &mut Vec<String>) {
        for (key, value) in map {
            path.push(key.clone());
            let k = kinds_of(value);
            let slot = self.kinds.entry(path.clone()).or_default();
            slot.direct |= k.direct;
            slot.items |= k.items;
            let objects: Vec<&Map<String, Value>> = match value {
                Value::Object(inner) => vec![inner],
                Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
                _ => Vec::new(),
            };
            for inner in objects {
                self.record(inner, path);
            }
            path.pop();
        }
    }
}

fn kinds_of(value: &Value) -> Kinds {
    let one = |v: &Value| match v {
        Value::Null => kind::NULL,
        Value::Bool(_) => kind::BOOL,
        Value::Number(n) if n.is_i64() || n.is_u64() => kind::INT,
        Value::Number(_) => kind::FLOAT,
        Value::String(_) => kind::STRING | kind::PLAIN_STRING,
        Value::Array(_) => kind::ARRAY,
        Value::Object(_) => kind::OBJECT,
    };
    let items = match value {
        Value::Array(items) => items.iter().fold(0, |acc, v| acc | one(v)),
        _ => 0,
    };
    Kinds { direct: one(value), items }
}

/// Every object of every example whose `type` names a kind of object of the
/// model adds the keys it holds to that kind's type.
pub fn from_examples(
    builder: &mut Builder<'_>,
    descriptors: &[Descriptor],
    examples: &BTreeMap<String, Vec<ParsedExample>>,
    _trees: &BTreeMap<String, CommandShape>,
) {
    for d in descriptors {
        let Some(list) = examples.get(&d.command) else { continue };
        for example in list {
            for (side, part) in [(Side::Request, &example.request), (Side::Response, &example.response)] {
                let Some(value) = part.json() else { continue };
                let pointer = crate::diag::pointer_push(&example.pointer, side.as_str());
                super::common::objects_in(value, &mut |ty, object| {
                    let mut seen = ExampleObject::default();
                    seen.record(object, &mut Vec::new());
                    builder.example_object(ty, &nodes_of(object, &pointer), &seen);
                });
            }
        }
    }
}
