//! Rust names of the model's types: a function of each type's key, so that
//! a type's name never depends on which other commands exist.
//!
//! - an object of a family: the family's noun (`host` → `Host`,
//!   `global-properties` → `GlobalProperties`);
//! - a request: its command (`AddHost`); an answer that is not an object:
//!   its command and `Response` (`ShowHostsResponse`);
//! - references: `ObjectRef`, `DomainRef`; the failure body: `ApiFailure`;
//!   shapes the overrides file names: that name (`Timestamp`);
//! - a nested object: its owner (the family's object; nothing for the
//!   common fields) and every name of its path, the last one singular for
//!   list items (`HostNatSettings`, `HostInterface`, `MetaInfo`), and
//!   `Input` for what requests send (`HostNatSettingsInput`). Long for deep
//!   paths, but decided by the path alone: names that depended on which
//!   other paths exist changed whenever a descriptor arrived.
//!
//! Names the runtime uses (`Session`, `Command`) get `Object` appended.
//! Enums are named after their field (`Color`); where several sets of values
//! are held by fields of one name, the set most fields hold keeps the name
//! and the others are prefixed with the type that holds them.

use crate::diag::{Finding, Findings, Rule};
use crate::model::{Model, Owner, TypeKey};
use crate::naming::{rust_name, Case};
use crate::shapes::singular;
use std::collections::{BTreeMap, BTreeSet};

/// Names generated code must not take: the runtime's, and the prelude's.
#[rustfmt::skip]
pub const RESERVED: &[&str] = &[
    "AnyObject", "Box", "Builder", "Client", "ClientBuilder", "Clone", "Command", "Copy", "Debug", "Default",
    "Deserialize", "Display", "Edit", "Eq", "Err", "Error", "From", "FromStr", "Future", "HasTasks", "Hash", "Into",
    "Iterator", "Lifecycle", "Map", "Method", "None", "ObjectOrId", "Ok", "OneOrMany", "Option", "Ord", "Page",
    "Paginated", "PartialEq", "PartialOrd", "Result", "Rulebase", "RulebaseReader", "Secret", "Send", "Serialize",
    "Session", "SessionCommand", "SessionGrant", "Sized", "Some", "Stream", "String", "Sync", "TaskOutcome", "TaskStatus", "TaskWait", "Tasks",
    "Value", "Vec",
];

/// `UpperCamelCase` without a raw prefix.
pub fn pascal(wire: &str) -> String {
    let name = rust_name(wire, Case::UpperCamel);
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

/// The Rust name of a family's object.
pub fn object_name(model: &Model, family: &str) -> String {
    let noun = model.families.get(family).map_or(family, |f| f.noun.as_str());
    unreserved(pascal(noun))
}

fn unreserved(name: String) -> String {
    if RESERVED.contains(&name.as_str()) {
        format!("{name}Object")
    } else {
        name
    }
}

/// Names of every type of the model.
pub fn assign(model: &Model, findings: &mut Findings) -> BTreeMap<TypeKey, String> {
    // Nested paths per owner, to lengthen names only where one owner's
    // paths would collide.
    type Paths<'a> = Vec<(&'a Vec<String>, bool)>;
    let mut by_owner: BTreeMap<(&Owner, bool), Paths<'_>> = BTreeMap::new();
    for def in model.types.values() {
        if let TypeKey::Nested { owner, path, input } = &def.key {
            by_owner.entry((owner, *input)).or_default().push((path, def.item));
        }
    }
    let mut nested: BTreeMap<(&Owner, bool, &Vec<String>), String> = BTreeMap::new();
    for ((owner, input), paths) in &by_owner {
        let suffix = if *input { "Input" } else { "" };
        let prefix = match owner {
            Owner::Family(family) => object_name(model, family),
            Owner::Common => String::new(),
            Owner::Failure => "ApiFailure".to_owned(),
        };
        // The whole path: a name that only this path decides, so it does
        // not change when other paths of the owner come or go. Where a list
        // and a single object of one owner still share a name
        // (`custom-header`, `custom-headers`), the list keeps its plural.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (path, item) in paths {
            *seen.entry(full(path, *item)).or_default() += 1;
        }
        let mut named: Vec<(&Vec<String>, bool, String)> = Vec::new();
        for (path, item) in paths {
            let singular = *item && seen[&full(path, *item)] == 1;
            named.push((path, singular, full(path, singular)));
        }
        // A path the flattened docs chained deep (`office-mode` thirteen
        // levels down) would give a name past what tools accept (file
        // names of the docs); it keeps its first segment and as many last
        // ones as fit, decided by the path alone so that other paths do not
        // change it. Two such names that meet keep their whole paths.
        let whole: BTreeSet<&str> = named.iter().map(|(_, _, n)| n.as_str()).collect();
        let short: Vec<Option<(usize, String)>> =
            named.iter().map(|(path, singular, name)| shortened(path, name, *singular)).collect();
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, s) in short.iter().enumerate() {
            if let Some((_, name)) = s {
                groups.entry(name).or_default().push(i);
            }
        }
        for (i, (path, singular, name)) in named.iter().enumerate() {
            let name = match &short[i] {
                None => name.clone(),
                // Paths that end alike and meet on one short name take
                // more of their tails until they part.
                Some((tail, short_name)) => {
                    let group = &groups[short_name.as_str()];
                    let mut tail = *tail;
                    loop {
                        let mine = with_tail(path, tail, *singular);
                        let unique = group.iter().filter(|j| **j != i).all(|j| {
                            let (other, other_singular, _) = &named[*j];
                            with_tail(other, tail, *other_singular) != mine
                        });
                        if (unique && !whole.contains(mine.as_str())) || tail + 1 >= path.len() {
                            break mine;
                        }
                        tail += 1;
                    }
                }
            };
            nested.insert((owner, *input, *path), unreserved(format!("{prefix}{name}{suffix}")));
        }
    }

    let mut names = BTreeMap::new();
    let mut taken: BTreeMap<String, TypeKey> = BTreeMap::new();
    for key in model.types.keys() {
        let wanted = match key {
            TypeKey::Object { family } => object_name(model, family),
            TypeKey::Reference => "ObjectRef".to_owned(),
            TypeKey::DomainReference => "DomainRef".to_owned(),
            TypeKey::Named { name } => name.clone(),
            TypeKey::Request { command } => unreserved(pascal(command)),
            TypeKey::Response { command } => format!("{}Response", pascal(command)),
            TypeKey::Nested { owner, path, input } => nested[&(owner, *input, path)].clone(),
            TypeKey::Failure => "ApiFailure".to_owned(),
        };
        let name = match taken.get(&wanted) {
            None => wanted,
            Some(first) => {
                // Two kinds of key meet on one name (a family `x-y` and the
                // nested `y` of a family `x`): the later key says what it is.
                let resolved = format!("{wanted}{}", kind_word(key));
                findings.push(Finding::new(
                    Rule::TypeNameCollision,
                    crate::load::OVERRIDES_FILE,
                    "",
                    format!("`{wanted}` names both {first:?} and {key:?}; the second is `{resolved}` (a [[type-name]] override can name it)"),
                ));
                resolved
            }
        };
        taken.insert(name.clone(), key.clone());
        names.insert(key.clone(), name);
    }
    names
}

/// A word that says what kind of key a type is, for the rare name clash.
fn kind_word(key: &TypeKey) -> &'static str {
    match key {
        TypeKey::Object { .. } => "Object",
        TypeKey::Request { .. } => "Request",
        TypeKey::Response { .. } => "Answer",
        TypeKey::Nested { .. } => "Field",
        _ => "Type",
    }
}

/// A nested path's name: its names in PascalCase, the last one singular for
/// list items.
fn full(path: &[String], item: bool) -> String {
    let mut out = String::new();
    for (i, segment) in path.iter().enumerate() {
        let word = if item && i + 1 == path.len() { singular_phrase(segment) } else { segment.clone() };
        out.push_str(&pascal(&word));
    }
    out
}

/// The longest path part of a nested type's name before it is shortened.
const MAX_PATH_NAME: usize = 96;

/// A long path's shorter name: its first segment and as many of its last
/// ones as fit in [`MAX_PATH_NAME`] (how many, and the name); `None` when
/// the whole name fits.
fn shortened(path: &[String], whole: &str, item: bool) -> Option<(usize, String)> {
    if whole.len() <= MAX_PATH_NAME || path.len() < 3 {
        return None;
    }
    let mut best = (1, with_tail(path, 1, item));
    for tail in 2..path.len() - 1 {
        let name = with_tail(path, tail, item);
        if name.len() > MAX_PATH_NAME {
            break;
        }
        best = (tail, name);
    }
    Some(best)
}

/// A path's first segment and its last `tail` ones.
fn with_tail(path: &[String], tail: usize, item: bool) -> String {
    let tail = tail.min(path.len() - 1);
    format!("{}{}", pascal(&path[0]), full(&path[path.len() - tail..], item))
}

/// The singular of a wire name's last word (`ip-addresses` → `ip-address`).
fn singular_phrase(wire: &str) -> String {
    match wire.rsplit_once('-') {
        Some((head, last)) => format!("{head}-{}", singular(last)),
        None => singular(wire),
    }
}

/// How an enum is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumNaming {
    /// One name for every field that holds it: the field's (`Color`).
    Shared(String),
    /// Each field holds it under its owner's name and the field's
    /// (`SimpleClusterStatus`); the first such name is the enum, the others
    /// aliases.
    PerOwner(String),
}

/// Enum names. `clusters` lists, per enum, its field's wire name and how
/// many fields hold it. Per field name, the enum most fields hold takes the
/// field's name (if no struct has it); the others are named per owner, so
/// that a field's enum keeps its name whatever other fields exist.
pub fn enum_names(clusters: &[(String, usize)], structs: &BTreeSet<String>) -> Vec<EnumNaming> {
    let mut by_field: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (field, _)) in clusters.iter().enumerate() {
        by_field.entry(field).or_default().push(i);
    }
    let mut names = vec![EnumNaming::PerOwner(String::new()); clusters.len()];
    for (field, mut members) in by_field {
        // Most used first; ties by index (the clustering's stable order).
        members.sort_by(|a, b| clusters[*b].1.cmp(&clusters[*a].1).then(a.cmp(b)));
        let field = pascal(field);
        for (rank, i) in members.into_iter().enumerate() {
            let shared = unreserved(if field.is_empty() { "Value".to_owned() } else { field.clone() });
            names[i] = if rank == 0 && !structs.contains(&shared) {
                EnumNaming::Shared(shared)
            } else {
                EnumNaming::PerOwner(field.clone())
            };
        }
    }
    names
}

/// The name one owner's field gives a per-owner enum; a struct's name is
/// never taken.
pub fn per_owner_enum(owner: &str, field: &str, structs: &BTreeSet<String>) -> String {
    let mut name = unreserved(format!("{owner}{field}"));
    while structs.contains(&name) {
        name.push_str("Value");
    }
    name
}

/// What a type would be called if it were not its owner's only: for a
/// nested object, its path's name without the owner (`Nested:NatSettings`,
/// `Nested:OrderInput`); for a command's answer, a marker
/// (`Response:`). Used to name structs that several keys share.
pub fn shared_tail(model: &Model, key: &TypeKey) -> Option<String> {
    match key {
        TypeKey::Nested { owner: Owner::Family(_), path, input } => {
            let item = model.get(key).is_some_and(|d| d.item);
            let suffix = if *input { "Input" } else { "" };
            Some(format!("Nested:{}{suffix}", full(&path[path.len() - 1..], item)))
        }
        TypeKey::Response { .. } => Some("Response:".to_owned()),
        _ => None,
    }
}
