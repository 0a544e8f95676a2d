//! Names for the types of the IR.
//!
//! Request structs are named after their command (`add-host` → `AddHost`);
//! the failure body and the error codes have fixed names; the overrides file
//! may name shared shapes. Every other type is named after the field that
//! holds it (singular for lists: `groups` → `Group`) or, for a response, after
//! its command (`AddHostResponse`) or the family of commands that share it
//! (`add-host`, `set-host`, `show-host` → `Host`, with an alias
//! `AddHostResponse` per command). Types used more often claim their name
//! first; a type that finds its names taken is prefixed with the name of the
//! first command that uses it (`AddHostNatSettings`), then numbered.

use super::{Builder, Names, Use};
use crate::diag::{Finding, Findings, Rule};
use crate::load::{Spec, OVERRIDES_FILE};
use crate::naming::{rust_name, Case, Namespace};
use crate::shapes::{family, singular};
use std::collections::{BTreeMap, BTreeSet};

/// Names generated code must not take: the runtime's, and the prelude's.
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "Box", "Builder", "Client", "ClientBuilder", "Clone", "Command", "Copy", "Debug", "Default", "Deserialize",
    "Display", "Eq", "Err", "Error", "From", "FromStr", "Future", "HasTasks", "Hash", "Into", "Iterator",
    "Lifecycle", "Map", "Method", "None", "ObjectOrId", "Ok", "OneOrMany", "Option", "Ord", "Page", "Paginated",
    "PartialEq", "PartialOrd", "Result", "Secret", "Send", "Serialize", "Session", "SessionCommand",
    "SessionGrant", "Sized", "Some", "Stream", "String", "Sync", "TaskOutcome", "TaskStatus", "TaskWait", "Tasks",
    "Value", "Vec",
];

/// The most frequent of some names; ties go to the first in sort order.
pub fn most_common(names: impl Iterator<Item = String>) -> Option<String> {
    ranked(names).into_iter().next()
}

/// Names by frequency, then sort order.
fn ranked(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for n in names {
        *counts.entry(n).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.into_iter().map(|(n, _)| n).collect()
}

fn pascal(wire: &str) -> String {
    let name = rust_name(wire, Case::UpperCamel);
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

fn field_candidates(uses: &[Use]) -> Vec<String> {
    ranked(uses.iter().filter_map(|u| u.field.as_ref().map(|f| pascal(&if u.list { singular(f) } else { f.clone() }))))
}

/// Candidate names of a struct that is some command's response.
fn response_candidates(roots: &BTreeSet<&str>, wire_fields: &[&str]) -> Vec<String> {
    if roots.len() == 1 {
        let command = roots.iter().next().expect("one");
        return vec![format!("{}Response", pascal(command))];
    }
    let families: BTreeSet<String> = roots.iter().map(|c| family(c)).collect();
    if families.len() == 1 {
        let family = families.iter().next().expect("one");
        return vec![pascal(family), format!("{}Response", pascal(family))];
    }
    match wire_fields.len() {
        0 => vec!["EmptyResponse".to_owned()],
        1..=3 => vec![format!("{}Response", wire_fields.iter().map(|f| pascal(f)).collect::<String>())],
        _ => ranked(roots.iter().map(|c| format!("{}Response", pascal(&family(c))))),
    }
}

enum Slot {
    Struct(usize),
    Enum(usize),
}

pub(super) fn assign(b: &Builder<'_>, spec: &Spec, findings: &mut Findings) -> Names {
    let mut ns = Namespace::with_reserved(RESERVED);
    let mut structs = vec![String::new(); b.structs.len()];
    let mut enums = vec![String::new(); b.enums.len()];

    for (id, s) in b.structs.iter().enumerate() {
        if let Some(fixed) = &s.fixed {
            structs[id] = ns.claim(fixed);
        }
    }
    for (id, e) in b.enums.iter().enumerate() {
        if let Some(fixed) = &e.fixed {
            enums[id] = ns.claim(fixed);
        }
    }

    for (index, rule) in spec.overrides.type_names.iter().enumerate() {
        let wanted: BTreeSet<&str> = rule.fields.iter().map(String::as_str).collect();
        let mut matched: Vec<usize> = (0..b.structs.len())
            .filter(|&id| structs[id].is_empty())
            .filter(|&id| b.structs[id].fields.iter().map(|f| f.entry.name.as_str()).collect::<BTreeSet<_>>() == wanted)
            .collect();
        matched.sort_by_key(|&id| std::cmp::Reverse(b.structs[id].uses.len()));
        if matched.is_empty() {
            findings.push(Finding::new(
                Rule::UnusedOverride,
                OVERRIDES_FILE,
                &format!("/type-name/{index}"),
                format!("no shape has exactly the fields {:?}", rule.fields),
            ));
        }
        for id in matched {
            structs[id] = ns.claim(&rule.name);
        }
    }

    let mut queue: Vec<(usize, String, Vec<String>, Slot)> = Vec::new();
    for (id, s) in b.structs.iter().enumerate().filter(|(id, _)| structs[*id].is_empty()) {
        let roots: BTreeSet<&str> = s.uses.iter().filter(|u| u.field.is_none()).map(|u| u.command.as_str()).collect();
        let mut candidates = if roots.is_empty() {
            field_candidates(&s.uses)
        } else {
            let wire: Vec<&str> = s.fields.iter().map(|f| f.entry.name.as_str()).collect();
            response_candidates(&roots, &wire)
        };
        if candidates.is_empty() {
            candidates.push("Object".to_owned());
        }
        let signature = format!("{:?}", s.fields.iter().map(|f| (&f.entry.name, &f.ty)).collect::<Vec<_>>());
        queue.push((s.uses.len(), signature, candidates, Slot::Struct(id)));
    }
    for (id, e) in b.enums.iter().enumerate().filter(|(id, _)| enums[*id].is_empty()) {
        let mut candidates = ranked(e.uses.iter().filter_map(|u| u.field.as_deref().map(pascal)));
        if candidates.is_empty() {
            candidates.push("Value".to_owned());
        }
        queue.push((e.uses.len(), format!("{:?}", e.values), candidates, Slot::Enum(id)));
    }
    queue.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2[0].cmp(&b.2[0])).then_with(|| a.1.cmp(&b.1)));

    for (_, _, candidates, slot) in queue {
        let uses = match slot {
            Slot::Struct(id) => &b.structs[id].uses,
            Slot::Enum(id) => &b.enums[id].uses,
        };
        let name = match candidates.iter().find(|c| ns.try_claim(c)) {
            Some(free) => free.clone(),
            None => {
                // The object family of the first command: `add-host` and
                // `set-host` both give `Host…`.
                let first = uses.iter().min().map(|u| pascal(&family(&u.command))).unwrap_or_default();
                ns.claim(&format!("{first}{}", candidates[0]))
            }
        };
        match slot {
            Slot::Struct(id) => structs[id] = name,
            Slot::Enum(id) => enums[id] = name,
        }
    }

    let mut aliases = BTreeMap::new();
    for c in &b.commands {
        let wanted = format!("{}Response", pascal(&c.d.command));
        if structs[c.response] != wanted && ns.try_claim(&wanted) {
            aliases.insert(c.d.command.clone(), wanted);
        }
    }
    Names { structs, enums, aliases }
}
