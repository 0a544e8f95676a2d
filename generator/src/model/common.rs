//! Which families are kinds of objects, and the fields every object carries.
//!
//! A family is a kind of object when its answers are objects: an `add-`,
//! `set-`, `show-` or `clone-` answer with `uid` and `type` (or `name`) at
//! its root, listing items with a `uid`, or objects in any example whose
//! `type` is the family's noun.
//!
//! The common fields are decided from the whole API's examples: every
//! object of an example (a JSON object with `uid` and `type`) counts for its
//! kind; a root key that the objects of more than a third of the kinds
//! mostly carry is common. Measured on the 725 descriptors of the reference:
//! `type`, `uid`, `domain`, `name`, `icon`, `color` (73–100 % of kinds),
//! `read-only`, `meta-info`, `tags`, `comments` (52–55 %); the next ones are
//! far below (`available-actions` 22 %, `groups` 16 %), so the rule does not
//! flip when descriptors are added. The overrides file can add fields the
//! rule does not see (`[[common-field]]`).

use super::families::{Family, Place, Role};
use crate::diag::{Finding, Findings, Rule};
use crate::examples::ParsedExample;
use crate::load::OVERRIDES_FILE;
use crate::overrides::Overrides;
use crate::shapes::{CommandShape, Node};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A key is common when the objects of more than this share of the kinds
/// mostly carry it.
const COMMON_SHARE: f64 = 1.0 / 3.0;

/// The kinds of objects: family name → the object's wire `type`.
pub fn object_families(
    families: &BTreeMap<String, Family>,
    places: &BTreeMap<String, Place>,
    trees: &BTreeMap<String, CommandShape>,
    examples: &BTreeMap<String, Vec<ParsedExample>>,
) -> BTreeMap<String, String> {
    let typed = example_object_types(examples);
    let mut out = BTreeMap::new();
    for family in families.values() {
        let answers = family.commands.iter().flat_map(|(role, commands)| commands.iter().map(move |c| (*role, c)));
        // The objects' `type` on the wire: as the examples write it where
        // they show one (a noun of the family's commands), else its noun.
        let nouns = family.commands.values().flatten().filter_map(|c| places.get(c)).map(|p| p.noun.as_str());
        let wire = std::iter::once(family.noun.as_str())
            .chain(std::iter::once(family.name.as_str()))
            .chain(nouns)
            .find(|n| typed.contains_key(*n))
            .unwrap_or(&family.noun)
            .to_owned();
        let mut is_object = typed.contains_key(&wire);
        for (role, command) in answers {
            let Some(tree) = trees.get(command) else { continue };
            is_object |= match role {
                _ if role.answers_object() => looks_like_object(&tree.response),
                Role::List => list_items(&tree.response, family, places.get(command))
                    .is_some_and(|items| items.children.iter().any(|c| c.entry.name == "uid")),
                _ => false,
            };
        }
        if is_object {
            out.insert(family.name.clone(), wire);
        }
    }
    out
}

/// Whether an answer's root describes an object.
pub fn looks_like_object(nodes: &[Node]) -> bool {
    let has = |name: &str| nodes.iter().any(|n| n.entry.name == name);
    has("uid") && (has("type") || has("name"))
}

/// The node of a listing answer that holds the page's items: `objects`, or
/// a list named after the family (`packages`, `tasks`), or the only list.
pub fn list_items<'a>(nodes: &'a [Node], family: &Family, place: Option<&Place>) -> Option<&'a Node> {
    let lists: Vec<&Node> = nodes.iter().filter(|n| !n.children.is_empty() || is_list(n)).collect();
    let plural = place.map(|p| p.noun.as_str()).unwrap_or_default();
    lists
        .iter()
        .find(|n| n.entry.name == "objects")
        .or_else(|| lists.iter().find(|n| n.entry.name == plural || names_family(&n.entry.name, family)))
        .or_else(|| (lists.len() == 1).then(|| &lists[0]))
        .copied()
}

fn is_list(node: &Node) -> bool {
    matches!(node.entry.ty, crate::load::WireType::Array(_))
}

/// Whether a field name is the family's object in the plural
/// (`access-layers` for `access-layer`).
pub fn names_family(name: &str, family: &Family) -> bool {
    name != family.name && crate::shapes::family(&format!("x-{name}")) == family.name
}

/// Every `type` of an object (`uid` and `type`) in the examples, with how
/// many such objects there are.
fn example_object_types(examples: &BTreeMap<String, Vec<ParsedExample>>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for_each_example_object(examples, &mut |ty, _| *out.entry(ty.to_owned()).or_default() += 1);
    out
}

/// Calls `f(type, object)` for every object of every example.
pub fn for_each_example_object(
    examples: &BTreeMap<String, Vec<ParsedExample>>,
    f: &mut dyn FnMut(&str, &serde_json::Map<String, Value>),
) {
    for list in examples.values() {
        for example in list {
            for part in [&example.request, &example.response] {
                if let Some(value) = part.json() {
                    objects_in(value, f);
                }
            }
        }
    }
}

/// Calls `f(type, object)` for every object (`uid` and a `type` string) in
/// a JSON value, outermost first.
pub fn objects_in(value: &Value, f: &mut dyn FnMut(&str, &serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(ty)), true) = (map.get("type"), map.contains_key("uid")) {
                f(ty, map);
            }
            map.values().for_each(|v| objects_in(v, f));
        }
        Value::Array(items) => items.iter().for_each(|v| objects_in(v, f)),
        _ => {}
    }
}

/// The fields every object carries.
#[derive(Clone, Debug, Default)]
pub struct CommonFields {
    names: Vec<String>,
}

impl CommonFields {
    /// Decides the common fields from the examples of the whole API, plus
    /// those the overrides file adds.
    pub fn find(
        _trees: &BTreeMap<String, CommandShape>,
        _places: &BTreeMap<String, Place>,
        _objects: &BTreeMap<String, String>,
        examples: &BTreeMap<String, Vec<ParsedExample>>,
        overrides: &Overrides,
        findings: &mut Findings,
    ) -> CommonFields {
        // Per kind: how many objects, and how many carry each key.
        let mut kinds: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for_each_example_object(examples, &mut |ty, object| {
            let (count, keys) = kinds.entry(ty.to_owned()).or_default();
            *count += 1;
            for key in object.keys() {
                *keys.entry(key.clone()).or_default() += 1;
                if !order.contains(key) {
                    order.push(key.clone());
                }
            }
        });
        let mut mostly: BTreeMap<&str, usize> = BTreeMap::new();
        for (count, keys) in kinds.values() {
            for (key, n) in keys {
                if n * 2 >= *count {
                    *mostly.entry(key).or_default() += 1;
                }
            }
        }
        let threshold = kinds.len() as f64 * COMMON_SHARE;
        let mut names: Vec<String> =
            order.iter().filter(|k| mostly.get(k.as_str()).is_some_and(|n| *n as f64 > threshold)).cloned().collect();
        for (index, added) in overrides.common_fields.iter().enumerate() {
            if names.contains(&added.name) {
                findings.push(Finding::new(
                    Rule::UnusedOverride,
                    OVERRIDES_FILE,
                    &format!("/common-field/{index}"),
                    format!("`{}` is a common field by the rule already", added.name),
                ));
            } else {
                names.push(added.name.clone());
            }
        }
        CommonFields { names }
    }

    /// Whether `name` is a common field.
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The common fields, in the order the examples first show them.
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// The set of names.
    pub fn set(&self) -> BTreeSet<&str> {
        self.names.iter().map(String::as_str).collect()
    }
}
