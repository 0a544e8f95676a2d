//! What the other commands of an object family show about the object.
//!
//! `add-X`, `set-X`, `show-X` and `show-Xs` act on one object: the request
//! of `add-X` and `set-X` takes its fields, the response of `add-X`,
//! `set-X`, `clone-X` and `show-X` is the object, and the items of
//! `show-Xs`'s list (`objects`, or a list named after the command) are the
//! same objects. So where one command's examples show how a parent of the
//! object nests, that is evidence for the same parent in the family's other
//! commands. The pool of one list of a command holds its family's other
//! commands' examples and the command's own examples of the other side (the
//! answer of `add-X` shows the object its request created); the examples of
//! the list's own side are stronger evidence and are counted on their own.
//! When the rules are measured without a command's examples, its pool
//! leaves them all out.

use super::evidence::{family, Local};
use crate::examples::ParsedExample;
use crate::overrides::Side;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a list of a command holds the family's object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectPlace {
    /// The list is not the object (a query, a task, a message).
    None,
    /// The top level of the list is the object.
    Root,
    /// The items of this top-level list are the objects (`objects` of
    /// `show-hosts`).
    Items(String),
}

/// The verb of a command (`add` of `add-host`).
fn verb(command: &str) -> &str {
    command.split_once('-').map_or(command, |(verb, _)| verb)
}

/// The object part of a command (`hosts` of `show-hosts`).
fn object_part(command: &str) -> &str {
    command.split_once('-').map_or("", |(_, rest)| rest)
}

/// The names of the top-level list of a `show-Xs` answer that holds its
/// objects.
fn is_list_key(command: &str, key: &str) -> bool {
    key == "objects" || key == object_part(command)
}

/// Where a list of `command` holds the object, given the names of its
/// top-level parents (`objects` of `show-hosts`).
pub fn object_place<'a>(command: &str, side: Side, mut parents: impl Iterator<Item = &'a str>) -> ObjectPlace {
    match (verb(command), side) {
        ("add" | "set", _) | ("clone", Side::Response) => ObjectPlace::Root,
        ("show", Side::Response) => match parents.find(|name| is_list_key(command, name)) {
            Some(list) => ObjectPlace::Items(list.to_owned()),
            None => ObjectPlace::Root,
        },
        _ => ObjectPlace::None,
    }
}

/// The objects one example part shows: the part itself, or the items of its
/// list for a `show-Xs` answer.
fn objects_of<'v>(command: &str, side: Side, value: &'v Value) -> Vec<&'v Value> {
    let Value::Object(map) = value else { return Vec::new() };
    let keys = map.iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k.as_str());
    match object_place(command, side, keys) {
        ObjectPlace::None => Vec::new(),
        ObjectPlace::Root => vec![value],
        ObjectPlace::Items(list) => match &map[&list] {
            Value::Array(items) => items.iter().filter(|i| i.is_object()).collect(),
            _ => Vec::new(),
        },
    }
}

/// Every list's pool: the objects its family's other commands' examples
/// and its command's examples of the other side show, each rooted at the
/// object.
#[derive(Debug, Default)]
pub struct FamilyPools {
    by_list: BTreeMap<(String, Side), Local>,
}

impl FamilyPools {
    /// Pools the examples of every family; with `holdout`, a command's own
    /// examples stay out of its pools.
    pub fn collect(examples: &BTreeMap<String, Vec<ParsedExample>>, commands: &[&str], holdout: bool) -> FamilyPools {
        let mut families: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for &command in commands {
            families.entry(family(command)).or_default().push(command);
        }
        let objects = |command: &str, side: Side| -> Vec<&Value> {
            let parsed = examples.get(command).map(Vec::as_slice).unwrap_or_default();
            let parts = parsed.iter().filter_map(|example| match side {
                Side::Request => example.request.json(),
                Side::Response => example.response.json(),
            });
            parts.flat_map(|value| objects_of(command, side, value)).collect()
        };
        let families: Vec<&Vec<&str>> = families.values().collect();
        // Each family on its own: on every core.
        let pools = crate::par::map(&families, |members| {
            let shown: Vec<(&str, Side, Vec<&Value>)> = members
                .iter()
                .flat_map(|&c| [Side::Request, Side::Response].map(|side| (c, side, objects(c, side))))
                .collect();
            let mut pools = Vec::new();
            for &command in members.iter() {
                for side in [Side::Request, Side::Response] {
                    let pooled = shown
                        .iter()
                        .filter(|(c, s, _)| if *c == command { !holdout && *s != side } else { true })
                        .flat_map(|(_, _, values)| values.iter().copied());
                    let pool = Local::from_objects(pooled);
                    if pool.has_root() {
                        pools.push(((command.to_owned(), side), pool));
                    }
                }
            }
            pools
        });
        FamilyPools { by_list: pools.into_iter().flatten().collect() }
    }

    /// The pool of one list of `command`, when it shows the object.
    pub fn of(&self, command: &str, side: Side) -> Option<&Local> {
        self.by_list.get(&(command.to_owned(), side))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::Part;
    use serde_json::json;

    fn example(request: Value, response: Value) -> ParsedExample {
        ParsedExample {
            name: "e".into(),
            pointer: String::new(),
            request: Part::Json(request),
            response: Part::Json(response),
        }
    }

    #[test]
    fn places_of_the_object() {
        let none = std::iter::empty();
        assert_eq!(object_place("add-host", Side::Request, none.clone()), ObjectPlace::Root);
        assert_eq!(object_place("show-host", Side::Request, none.clone()), ObjectPlace::None);
        assert_eq!(object_place("show-host", Side::Response, none.clone()), ObjectPlace::Root);
        assert_eq!(object_place("delete-host", Side::Request, none.clone()), ObjectPlace::None);
        assert_eq!(object_place("clone-host", Side::Request, none.clone()), ObjectPlace::None);
        assert_eq!(object_place("clone-host", Side::Response, none), ObjectPlace::Root);
        let roots = ["from", "objects", "total"];
        assert_eq!(object_place("show-hosts", Side::Response, roots.into_iter()), ObjectPlace::Items("objects".into()));
        let roots = ["from", "packages"];
        assert_eq!(
            object_place("show-packages", Side::Response, roots.into_iter()),
            ObjectPlace::Items("packages".into())
        );
    }

    #[test]
    fn a_command_learns_from_its_family_but_not_from_itself() {
        let mut examples = BTreeMap::new();
        examples.insert("add-host".to_owned(), vec![example(json!({"nat": {"method": "hide"}}), json!({}))]);
        examples.insert(
            "show-hosts".to_owned(),
            vec![example(json!({"limit": 1}), json!({"objects": [{"groups": [{"name": "g"}]}], "total": 1}))],
        );
        examples.insert("set-host".to_owned(), vec![example(json!({"ipv4": {"mask": 1}}), json!({}))]);
        let commands = ["add-host", "set-host", "show-hosts", "delete-host"];
        let pools = FamilyPools::collect(&examples, &commands, true);
        let set = pools.of("set-host", Side::Request).expect("a pool");
        let root = set.root().expect("a root");
        assert!(set.child(root, "nat").and_then(|n| set.child(n, "method")).is_some());
        assert!(set.child(root, "groups").and_then(|n| set.child(n, "name")).is_some());
        assert!(set.child(root, "ipv4").is_none(), "its own example is not in its pool");
        assert!(set.child(root, "limit").is_none(), "a query is not the object");
        assert!(set.child(root, "total").is_none(), "a list answer's envelope is not the object");
        let add = pools.of("add-host", Side::Request).expect("a pool");
        assert!(add.child(add.root().expect("a root"), "ipv4").is_some());
    }

    #[test]
    fn a_request_learns_from_its_own_answer_unless_held_out() {
        let mut examples = BTreeMap::new();
        examples.insert("add-host".to_owned(), vec![example(json!({"name": "h"}), json!({"nat": {"method": "hide"}}))]);
        let commands = ["add-host"];
        let pools = FamilyPools::collect(&examples, &commands, false);
        let request = pools.of("add-host", Side::Request).expect("a pool");
        assert!(request.child(request.root().expect("a root"), "nat").is_some());
        let response = pools.of("add-host", Side::Response).expect("a pool");
        assert!(response.child(response.root().expect("a root"), "nat").is_none(), "its own side is not pooled");
        assert!(FamilyPools::collect(&examples, &commands, true).of("add-host", Side::Request).is_none());
    }
}
