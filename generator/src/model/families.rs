//! Which object each command acts on, and how.
//!
//! Command names are `<verb>-<object>`: `add-host`, `show-hosts`,
//! `set-simple-gateway`. The object, with every word made singular, is the
//! command's *family* (`show-hosts`, `add-host` → `host`). The verb and the
//! command's lists give its role: `add`, `set`, `show`, `delete`, `clone`; a
//! `show-` command that pages (`limit` and `offset` in the request, or
//! `from`/`to`/`total` in the answer) lists the family's objects. Commands
//! with other verbs (`install-policy`, `where-used`) belong to the family of
//! their object too, with the role `other`.

use crate::load::Descriptor;
use crate::shapes::{family, CommandShape, Node};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a command does to the objects of its family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// `add-<object>`: creates one, answers with it.
    Add,
    /// `set-<object>`: changes one, answers with it.
    Set,
    /// `show-<object>`: answers with one.
    Show,
    /// `delete-<object>`.
    Delete,
    /// `clone-<object>`: copies one, answers with the copy.
    Clone,
    /// `show-<objects>`: pages through the family's objects.
    List,
    /// Any other command of the family (`install-policy`, `where-used`).
    Other,
}

impl Role {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Add => "add",
            Role::Set => "set",
            Role::Show => "show",
            Role::Delete => "delete",
            Role::Clone => "clone",
            Role::List => "list",
            Role::Other => "other",
        }
    }

    /// Roles whose answer is one object of the family.
    pub fn answers_object(self) -> bool {
        matches!(self, Role::Add | Role::Set | Role::Show | Role::Clone)
    }
}

/// Where a command sits in the model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The family (`host`).
    pub family: String,
    /// What it does.
    pub role: Role,
    /// The object as the command name writes it (`hosts`, `global-properties`).
    pub noun: String,
}

impl Place {
    /// Whether the command shows a rulebase: it lists a `…-rulebase`
    /// family (`show-access-rulebase`).
    pub fn shows_rulebase(&self) -> bool {
        self.role == Role::List && self.family.ends_with("rulebase")
    }
}

/// The commands that act on one kind of object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Family {
    /// The family's key: the object, every word singular (`host`,
    /// `global-property`).
    pub name: String,
    /// The object as the family's commands write it where they name one
    /// (`host`, `global-properties`): the object's `type` on the wire and the
    /// base of its Rust name.
    pub noun: String,
    /// Its commands by role, sorted.
    pub commands: BTreeMap<Role, BTreeSet<String>>,
}

/// Classifies every command; families are sorted by name.
pub fn classify(
    descriptors: &[Descriptor],
    trees: &BTreeMap<String, CommandShape>,
) -> (BTreeMap<String, Place>, BTreeMap<String, Family>) {
    let mut places = BTreeMap::new();
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    for d in descriptors {
        let place = place_of(&d.command, trees.get(&d.command));
        let family = families.entry(place.family.clone()).or_insert_with(|| Family {
            name: place.family.clone(),
            noun: String::new(),
            commands: BTreeMap::new(),
        });
        family.commands.entry(place.role).or_default().insert(d.command.clone());
        places.insert(d.command.clone(), place);
    }
    for family in families.values_mut() {
        family.noun = noun_of(family, &places);
    }
    (places, families)
}

/// The place of one command, from its name and its lists.
pub fn place_of(command: &str, tree: Option<&CommandShape>) -> Place {
    let (verb, noun) = command.split_once('-').unwrap_or((command, command));
    let role = match verb {
        "add" => Role::Add,
        "set" => Role::Set,
        "delete" => Role::Delete,
        "clone" => Role::Clone,
        "show" if tree.is_some_and(pages) => Role::List,
        "show" => Role::Show,
        _ => Role::Other,
    };
    Place { family: family(command), role, noun: noun.to_owned() }
}

/// Whether a `show-` command pages through results.
fn pages(tree: &CommandShape) -> bool {
    let has = |nodes: &[Node], name: &str| nodes.iter().any(|n| n.entry.name == name);
    let request = tree.request.as_deref().unwrap_or_default();
    (has(request, "limit") && has(request, "offset"))
        || ["from", "to", "total"].iter().all(|name| has(&tree.response, name))
}

/// The noun the commands that always name one object write (`add-`,
/// `set-`, `delete-`, `clone-`: `global-properties`), else the family key
/// (a `show-` command may name one object or a list, so it does not decide
/// the noun; a family's name must not change when its `add-` arrives).
fn noun_of(family: &Family, places: &BTreeMap<String, Place>) -> String {
    family
        .commands
        .iter()
        .filter(|(role, _)| matches!(role, Role::Add | Role::Set | Role::Delete | Role::Clone))
        .flat_map(|(_, commands)| commands.iter())
        .filter_map(|c| places.get(c))
        .map(|p| p.noun.clone())
        .next()
        .unwrap_or_else(|| family.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_names() {
        assert_eq!(place_of("add-host", None).role, Role::Add);
        assert_eq!(place_of("show-host", None).role, Role::Show);
        assert_eq!(place_of("clone-host", None).family, "host");
        assert_eq!(place_of("where-used", None).role, Role::Other);
        assert_eq!(place_of("show-hosts", None).family, "host");
        assert_eq!(place_of("set-global-properties", None).noun, "global-properties");
        assert_eq!(place_of("set-global-properties", None).family, "global-property");
        assert_eq!(place_of("login-to-domain", None).family, "login-to-domain");
        assert_eq!(place_of("unlock-administrator", None).family, "administrator");
    }
}
