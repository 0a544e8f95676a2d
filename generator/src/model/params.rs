//! Request parameters the extraction dropped, and how parameters are
//! identified and counted.
//!
//! - **Identifiers.** `set-`, `show-` and `delete-` of an object take the
//!   object's `uid` *or* its `name` (the examples of 87 `set-` and 100
//!   `delete-` commands send `name`; the lists declare only `uid`, as
//!   required). Both are added where missing and made optional. So is a
//!   rulebase's layer (`show-access-rulebase` takes its `uid` or `name`;
//!   the lists keep only `name`).
//! - **Common parameters** (`[[parameters]]` in the overrides file): a
//!   kind of command (`add-`, `set-`, …) takes a parameter in every family
//!   of objects (`color`, `comments`, `tags`, `ignore-warnings`, …); each is
//!   copied from its most common declaration in the API.
//! - **Alternatives a description names.** "IPv4 or IPv6 address. If both
//!   addresses are required use ipv4-address and ipv6-address fields
//!   explicitly" names two parameters the list lacks; they are added beside
//!   the entry, which is then no longer required (either will do).
//! - **Collections.** A parameter described as a collection or list, or as
//!   several objects "identified by the name or UID", takes one value or
//!   many ([`is_collection`]).

use super::common::CommonFields;
use super::families::{Place, Role};
use crate::diag::{Finding, Findings, Rule};
use crate::load::{Entry, Spec, WireType, OVERRIDES_FILE};
use crate::overrides::Parameters;
use crate::shapes::{CommandShape, Evidence, Node};
use std::collections::BTreeMap;

/// Adds the parameters the model knows and relaxes identifiers.
pub fn enrich(
    spec: &Spec,
    trees: &mut BTreeMap<String, CommandShape>,
    places: &BTreeMap<String, Place>,
    objects: &BTreeMap<String, String>,
    _common: &CommonFields,
    findings: &mut Findings,
) {
    let canonical = Canonical::collect(trees);
    let families_with = |field: &str| -> Vec<String> {
        let mut out = Vec::new();
        for (command, tree) in trees.iter() {
            let Some(place) = places.get(command) else { continue };
            let answers = place.role.answers_object() || place.role == Role::List;
            if answers && has_field_at_object_root(&tree.response, field, place.role) {
                out.push(place.family.clone());
            }
        }
        out
    };
    let filters: Vec<Option<Vec<String>>> =
        spec.overrides.parameters.iter().map(|p| p.where_object_has.as_deref().map(families_with)).collect();
    let mut used = vec![false; spec.overrides.parameters.len()];
    let family_has = |family: &str, role: &str| places.values().any(|p| p.family == family && p.role.as_str() == role);
    for d in &spec.descriptors {
        let (Some(place), Some(tree)) = (places.get(&d.command), trees.get_mut(&d.command)) else { continue };
        let Some(request) = tree.request.as_mut() else { continue };
        let object = objects.contains_key(&place.family);
        // A rulebase is shown by its layer's (or package's) uid or name.
        if (object && matches!(place.role, Role::Set | Role::Show | Role::Delete)) || place.shows_rulebase() {
            identifiers(request, &d.file, &d.command, findings);
        }
        for (index, rule) in spec.overrides.parameters.iter().enumerate() {
            let in_family = filters[index].as_ref().is_none_or(|families| families.contains(&place.family))
                && rule.where_family_has.as_deref().is_none_or(|role| family_has(&place.family, role));
            if object && in_family && rule.roles.iter().any(|r| r == place.role.as_str()) {
                used[index] = true;
                common_parameters(request, rule, index, &canonical, &d.file, &d.command, findings);
            }
        }
        implied(request, &canonical, &d.file, &d.command, findings);
    }
    for (index, rule) in spec.overrides.parameters.iter().enumerate() {
        if !used[index] {
            findings.push(Finding::new(
                Rule::UnusedOverride,
                OVERRIDES_FILE,
                &format!("/parameters/{index}"),
                format!("no command of the roles {:?} in a family of objects", rule.roles),
            ));
        }
        for name in &rule.names {
            if canonical.get(name).is_none() {
                findings.push(Finding::new(
                    Rule::InvalidOverride,
                    OVERRIDES_FILE,
                    &format!("/parameters/{index}"),
                    format!("no request of the API declares `{name}`: nothing to copy"),
                ));
            }
        }
    }
}

/// Whether an answer (or, for a listing, its items) has `field` at the
/// object's root.
fn has_field_at_object_root(response: &[Node], field: &str, role: Role) -> bool {
    if role == Role::List {
        return response.iter().any(|n| n.children.iter().any(|c| c.entry.name == field));
    }
    response.iter().any(|n| n.entry.name == field)
}

/// The most common declaration of each request parameter name in the API:
/// what an added parameter copies.
pub struct Canonical {
    by_name: BTreeMap<String, Entry>,
}

impl Canonical {
    fn collect(trees: &BTreeMap<String, CommandShape>) -> Canonical {
        // Name → (declaration signature → (count, depth-0 count, first entry)).
        type Tally = BTreeMap<String, (usize, usize, Entry)>;
        let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
        fn walk(nodes: &[Node], depth: usize, tally: &mut BTreeMap<String, Tally>) {
            for n in nodes {
                if n.children.is_empty() && !n.entry.is_parent_marker() {
                    let e = &n.entry;
                    let signature = format!("{:?}|{}|{:?}", e.ty, e.description, e.valid_values);
                    let slot = tally.entry(e.name.clone()).or_default().entry(signature).or_insert((0, 0, e.clone()));
                    slot.0 += 1;
                    slot.1 += usize::from(depth == 0);
                }
                walk(&n.children, depth + 1, tally);
            }
        }
        for tree in trees.values() {
            walk(tree.request.as_deref().unwrap_or_default(), 0, &mut tally);
        }
        let by_name = tally
            .into_iter()
            .filter_map(|(name, signatures)| {
                // Root declarations first, then the most frequent; ties by
                // signature order (deterministic).
                let best = signatures.into_values().max_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)))?;
                Some((name, best.2))
            })
            .collect();
        Canonical { by_name }
    }

    /// The declaration to copy for `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name)
    }
}

fn node(entry: Entry, evidence: Evidence) -> Node {
    Node { entry, children: Vec::new(), repeated: false, evidence }
}

/// `uid` or `name`: both optional, the one missing added beside the other.
fn identifiers(request: &mut Vec<Node>, file: &str, command: &str, findings: &mut Findings) {
    let at = |name: &str| request.iter().position(|n| n.entry.name == name && n.children.is_empty());
    let (present, missing, description) = match (at("uid"), at("name")) {
        (Some(uid), None) => (uid, "name", "Object name. Either `uid` or `name` identifies the object."),
        (None, Some(name)) => (name, "uid", "Object unique identifier. Either `uid` or `name` identifies the object."),
        (Some(_), Some(_)) => (usize::MAX, "", ""),
        (None, None) => return,
    };
    if present != usize::MAX {
        let pointer = request[present].entry.pointer.clone();
        let entry = Entry {
            name: missing.to_owned(),
            description: description.to_owned(),
            ty: WireType::String,
            type_fault: None,
            required: false,
            default: None,
            valid_values: None,
            pointer: pointer.clone(),
        };
        let beside = request[present].entry.name.clone();
        request.insert(present + 1, node(entry, Evidence::Structure));
        findings.push(
            Finding::new(
                Rule::ModelParameter,
                file,
                &pointer,
                format!("request: `{missing}` added beside `{beside}`: either identifies the object"),
            )
            .for_command(command),
        );
    }
    for n in request.iter_mut().filter(|n| n.entry.name == "uid" || n.entry.name == "name") {
        n.entry.required = false;
    }
}

fn common_parameters(
    request: &mut Vec<Node>,
    rule: &Parameters,
    index: usize,
    canonical: &Canonical,
    file: &str,
    command: &str,
    findings: &mut Findings,
) {
    let pointer = format!("{OVERRIDES_FILE}#/parameters/{index}");
    let copied = rule.names.iter().filter_map(|name| canonical.get(name).cloned());
    let declared = rule.declare.iter().map(|field| field.to_entry(&pointer));
    for mut entry in copied.chain(declared) {
        let name = entry.name.clone();
        if request.iter().any(|n| n.entry.name == name) {
            continue;
        }
        entry.required = false;
        entry.pointer = pointer.clone();
        request.push(node(entry, Evidence::Override));
        findings.push(
            Finding::new(
                Rule::ModelParameter,
                file,
                "/request/body",
                format!("request: common parameter `{name}` added ([[parameters]] {index} of the overrides file)"),
            )
            .for_command(command),
        );
    }
}

/// Parameters that a description names as alternatives of its entry.
fn implied(nodes: &mut Vec<Node>, canonical: &Canonical, file: &str, command: &str, findings: &mut Findings) {
    let mut added = Vec::new();
    for n in nodes.iter_mut() {
        let names = alternatives(&n.entry.description);
        if names.is_empty() {
            continue;
        }
        for name in names {
            if added.iter().any(|(a, _): &(Node, String)| a.entry.name == name) {
                continue;
            }
            let entry = match canonical.get(&name) {
                Some(found) => Entry { required: false, pointer: n.entry.pointer.clone(), ..found.clone() },
                None => Entry {
                    name: name.clone(),
                    description: format!("The alternative of `{}` its description names.", n.entry.name),
                    type_fault: None,
                    required: false,
                    default: None,
                    valid_values: None,
                    pointer: n.entry.pointer.clone(),
                    ..n.entry.clone()
                },
            };
            added.push((node(entry, Evidence::Structure), n.entry.name.clone()));
        }
        // Either this entry or its alternatives will do.
        n.entry.required = false;
    }
    for (new, of) in added {
        if nodes.iter().any(|n| n.entry.name == new.entry.name) {
            continue;
        }
        findings.push(
            Finding::new(
                Rule::ModelParameter,
                file,
                &new.entry.pointer,
                format!("request: `{}` added beside `{of}`, whose description names it", new.entry.name),
            )
            .for_command(command),
        );
        let at = nodes.iter().position(|n| n.entry.name == of).map_or(nodes.len(), |i| i + 1);
        nodes.insert(at, new);
    }
    for n in nodes.iter_mut() {
        implied(&mut n.children, canonical, file, command, findings);
    }
}

/// The parameter names a description offers as alternatives: "use
/// ipv4-address and ipv6-address fields explicitly", "specify IPv4 mask
/// itself in subnet-mask field".
pub fn alternatives(description: &str) -> Vec<String> {
    let words: Vec<&str> = description.split_whitespace().collect();
    let is_name = |w: &str| {
        w.contains('-')
            || w.chars().any(|c| c.is_ascii_digit())
                && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let clean = |w: &str| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-').to_owned();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let field = clean(w);
        let next = words.get(i + 1).map(|w| clean(w).to_ascii_lowercase());
        let fields_follow = next.as_deref() == Some("fields") || next.as_deref() == Some("field");
        let named = is_name(&field) && field.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !named {
            continue;
        }
        // `use A and B fields explicitly` / `in A field`.
        let and_pair = next.as_deref() == Some("and")
            && words.get(i + 3).map(|w| clean(w).to_ascii_lowercase()).as_deref() == Some("fields");
        let previous = i.checked_sub(1).map(|j| clean(words[j]).to_ascii_lowercase());
        let lead_in = matches!(previous.as_deref(), Some("use" | "and" | "in"));
        if lead_in && (fields_follow || and_pair) && !out.contains(&field) {
            out.push(field);
        }
    }
    out
}

/// Whether a parameter takes one value or many: described as a collection
/// or list, or as several objects "identified by the name or UID".
pub fn is_collection(entry: &Entry) -> bool {
    if !matches!(entry.ty, WireType::String) || entry.valid_values.is_some() {
        return false;
    }
    let text = entry.description.trim_start().to_ascii_lowercase();
    if ["collection of", "list of", "array of"].iter().any(|p| text.starts_with(p)) {
        return true;
    }
    // "Which Gateways identified by the name or UID …": a plural noun.
    let Some(at) = text.find(" identified by") else { return false };
    let noun = text[..at].split_whitespace().last().unwrap_or_default();
    noun.len() > 3 && noun.ends_with('s') && !noun.ends_with("ss") && crate::shapes::singular(noun) != noun
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_named_by_descriptions() {
        assert_eq!(
            alternatives("IPv4 or IPv6 address. If both addresses are required use ipv4-address and ipv6-address fields explicitly."),
            ["ipv4-address", "ipv6-address"]
        );
        assert_eq!(
            alternatives("IPv4 or IPv6 network mask length. If both masks are required use mask-length4 and mask-length6 fields explicitly. Instead of IPv4 mask length it is possible to specify IPv4 mask itself in subnet-mask field."),
            ["mask-length4", "mask-length6", "subnet-mask"]
        );
        assert!(alternatives("A virtual session of services which are not explicitly configured here.").is_empty());
        assert!(alternatives("Object name. Must be unique in the domain.").is_empty());
    }

    fn entry(description: &str) -> Entry {
        Entry {
            name: "x".into(),
            description: description.into(),
            ty: WireType::String,
            type_fault: None,
            required: false,
            default: None,
            valid_values: None,
            pointer: String::new(),
        }
    }

    #[test]
    fn collections() {
        assert!(is_collection(&entry("Collection of Network objects identified by the name or UID.")));
        assert!(is_collection(&entry("List of time objects. For example: \"Weekend\".")));
        assert!(is_collection(&entry("Which Gateways identified by the name or UID to install the policy on.")));
        assert!(!is_collection(&entry("Layer that the rule belongs to identified by the name or UID.")));
        assert!(!is_collection(&entry("Inline Layer identified by the name or UID.")));
        assert!(!is_collection(&entry("Network address.")));
    }
}
