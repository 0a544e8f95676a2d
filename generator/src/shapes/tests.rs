//! The nesting rules on small synthetic lists: each test shows one rule
//! deciding where the default (the innermost open parent) or another rule
//! would decide otherwise.

use super::evidence::{Knowledge, Local};
use super::items::{collapse_doubled_blocks, mark_nested_namesakes};
use super::rebuild::{rebuild, ListContext};
use super::Node;
use crate::examples::{ParsedExample, Part};
use crate::load::{Entry, WireType};
use crate::overrides::Side;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A parent marker: an object without description.
fn marker(name: &str) -> Entry {
    Entry {
        name: name.to_owned(),
        description: String::new(),
        ty: WireType::Object,
        type_fault: None,
        required: false,
        default: None,
        valid_values: None,
        pointer: String::new(),
    }
}

/// A plain field, described after its name.
fn field(name: &str) -> Entry {
    Entry { description: format!("The {name}."), ty: WireType::String, ..marker(name) }
}

/// Numbers the pointers of a list.
fn list(entries: Vec<Entry>) -> Vec<Entry> {
    entries.into_iter().enumerate().map(|(i, e)| Entry { pointer: format!("/request/body/{i}"), ..e }).collect()
}

/// The tree as text: `a{b c{d}} e`.
fn render(nodes: &[Node]) -> String {
    let one = |n: &Node| {
        if n.children.is_empty() {
            n.entry.name.clone()
        } else {
            format!("{}{{{}}}", n.entry.name, render(&n.children))
        }
    };
    nodes.iter().map(one).collect::<Vec<_>>().join(" ")
}

/// What a test knows besides the list.
struct Setup {
    command: &'static str,
    side: Side,
    family: Option<Local>,
    knowledge: Knowledge,
    request_roots: BTreeSet<String>,
}

impl Setup {
    fn new(command: &'static str) -> Setup {
        Setup {
            command,
            side: Side::Request,
            family: None,
            knowledge: Knowledge::default(),
            request_roots: BTreeSet::new(),
        }
    }

    /// The family's other commands show these objects.
    fn family(mut self, objects: &[Value]) -> Setup {
        self.family = Some(Local::from_objects(objects.iter()));
        self
    }

    fn rebuild(&self, entries: Vec<Entry>) -> String {
        let local = Local::default();
        let family_name = super::family(self.command);
        let cx = ListContext {
            command: self.command,
            family_name: &family_name,
            file: "test.json",
            side: self.side,
            list: "request",
            local: &local,
            family: self.family.as_ref(),
            knowledge: &self.knowledge,
            holdout: false,
            nesting: BTreeMap::new(),
            request_roots: self.request_roots.clone(),
        };
        render(&rebuild(&list(entries), &cx).nodes)
    }
}

#[test]
fn by_default_an_entry_stays_in_the_innermost_open_parent() {
    let tree = Setup::new("set-host").rebuild(vec![marker("nat"), field("auto-rule"), field("color")]);
    assert_eq!(tree, "nat{auto-rule color}");
}

#[test]
fn the_family_shows_where_a_field_goes() {
    let entries = || vec![marker("nat"), field("auto-rule"), field("method"), field("color")];
    assert_eq!(Setup::new("set-host").rebuild(entries()), "nat{auto-rule method color}");
    let setup = Setup::new("set-host").family(&[json!({"nat": {"auto-rule": true}, "color": "red"})]);
    assert_eq!(setup.rebuild(entries()), "nat{auto-rule method} color");
}

#[test]
fn a_key_the_family_never_shows_at_the_top_level_stays_nested() {
    // The request's top-level names pull a response field up, unless the
    // family's objects show their top level without it.
    let entries = || vec![marker("nat"), field("auto-rule"), field("method"), field("hide-behind")];
    let mut setup = Setup::new("show-host");
    setup.side = Side::Response;
    setup.request_roots.insert("hide-behind".to_owned());
    assert_eq!(setup.rebuild(entries()), "nat{auto-rule method} hide-behind");
    let setup = setup.family(&[json!({"name": "h"})]);
    assert_eq!(setup.rebuild(entries()), "nat{auto-rule method hide-behind}");
}

#[test]
fn a_reference_ends_with_its_icon() {
    let summary = || {
        vec![
            field("name"),
            field("uid"),
            field("type"),
            field("color"),
            marker("domain"),
            field("name"),
            field("uid"),
            field("domain-type"),
            field("icon"),
        ]
    };
    let mut entries = vec![marker("groups")];
    entries.extend(summary());
    entries.push(field("port"));
    let tree = Setup::new("show-service").rebuild(entries);
    assert_eq!(tree, "groups{name uid type color domain{name uid domain-type} icon} port");
}

#[test]
fn the_block_after_every_copy_of_a_repeated_parent_stays_in_it() {
    // `vpn` is also a top-level name of the response's request; the
    // repeated `access{dmz lan vpn}` block keeps the first one inside.
    let mut setup = Setup::new("show-gateway");
    setup.side = Side::Response;
    setup.request_roots.insert("vpn".to_owned());
    let access = || vec![marker("access"), field("dmz"), field("lan"), field("vpn")];
    let mut entries = vec![marker("portal-1")];
    entries.extend(access());
    entries.push(marker("portal-2"));
    entries.extend(access());
    entries.push(field("enabled"));
    assert_eq!(setup.rebuild(entries), "portal-1{access{dmz lan vpn}} portal-2{access{dmz lan vpn enabled}}");
}

#[test]
fn a_collection_takes_its_own_block_after_its_add_and_remove_blocks() {
    // `{"add": ..., "remove": ...}` or the whole list: listed as `add` (its
    // block twice), `remove` (twice), then the block itself (twice).
    let block = || vec![field("hosts"), field("services")];
    let mut entries = vec![marker("exceptions"), marker("add")];
    entries.extend(block());
    entries.extend(block());
    entries.push(marker("remove"));
    entries.extend(block());
    entries.extend(block());
    entries.extend(block());
    entries.extend(block());
    entries.push(field("notify-user"));
    let tree = Setup::new("set-global-properties").rebuild(entries);
    assert_eq!(tree, "exceptions{add{hosts services} remove{hosts services} hosts services notify-user}");
}

#[test]
fn a_run_listed_again_nests_as_its_first_listing() {
    // The family shows how the first run nests; the second follows it.
    let run = || vec![field("gateway"), marker("phase"), field("algorithm"), field("group"), field("rekey")];
    let mut entries = vec![marker("peer-1")];
    entries.extend(run());
    entries.push(marker("peer-2"));
    entries.extend(run());
    let setup = Setup::new("set-community").family(&[json!({"peer-1": {"phase": {"algorithm": "aes"}, "rekey": 1}})]);
    assert_eq!(
        setup.rebuild(entries),
        "peer-1{gateway phase{algorithm group} rekey} peer-2{gateway phase{algorithm group} rekey}"
    );
}

#[test]
fn a_numbered_sibling_is_not_a_child() {
    let entries = vec![marker("ike-phase-1"), field("algorithm"), marker("ike-phase-2"), field("pfs")];
    assert_eq!(Setup::new("set-community").rebuild(entries), "ike-phase-1{algorithm} ike-phase-2{pfs}");
}

#[test]
fn an_entry_that_breaks_a_sorted_run_of_fields_leaves_it() {
    let mut entries = vec![marker("settings")];
    entries.extend(["b", "c", "d", "e", "f"].map(field));
    entries.push(field("a"));
    assert_eq!(Setup::new("set-profile").rebuild(entries), "settings{b c d e f} a");
}

#[test]
fn a_block_doubled_inside_a_doubled_block_stays_in_its_copy() {
    // Each block of `granular` is listed twice (the last one four times:
    // the block the collection takes itself, twice); the `phase` blocks
    // inside them repeat with the whole pattern, but are not doubled
    // themselves. The family shows the top-level `phase`.
    let block = || vec![field("gateway"), marker("phase"), field("algorithm"), field("group")];
    let mut entries = vec![marker("granular"), marker("add")];
    for _ in 0..2 {
        entries.extend(block());
    }
    entries.push(marker("remove"));
    for _ in 0..4 {
        entries.extend(block());
    }
    entries.extend([marker("phase"), field("algorithm"), field("group")]);
    let tree = Setup::new("set-community").family(&[json!({"phase": {"group": 14}})]).rebuild(entries);
    assert_eq!(
        tree,
        "granular{add{gateway phase{algorithm group}} remove{gateway phase{algorithm group}} \
         gateway phase{algorithm group}} phase{algorithm group}"
    );
}

#[test]
fn a_parent_the_family_shows_elsewhere_holds_the_same_keys() {
    // The family shows `settings` only at the top level; here it is nested.
    let entries = vec![
        marker("tunnel"),
        marker("settings"),
        field("mode"),
        field("group"),
        marker("inner"),
        field("a"),
        field("b"),
        field("rekey"),
    ];
    let setup = Setup::new("set-vpn").family(&[json!({"settings": {"rekey": 1}})]);
    assert_eq!(setup.rebuild(entries), "tunnel{settings{mode group inner{a b} rekey}}");
}

#[test]
fn a_setting_repeated_in_several_objects_is_marked_as_nested() {
    // The portal setting `vpn` is listed in two objects; the top-level
    // `vpn` has another description. Only the repeated one is marked: the
    // evidence for the name at the top level is not its own.
    let access = || vec![marker("access"), field("dmz"), field("vpn")];
    let mut entries = access();
    entries.extend(access());
    entries.push(Entry { description: "VPN blade enabled.".to_owned(), ..field("vpn") });
    entries.push(field("dmz-only-once"));
    let entries = list(entries);
    let mut items = collapse_doubled_blocks(&entries);
    mark_nested_namesakes(&mut items);
    let marked: Vec<(&str, bool)> = items.iter().map(|i| (i.entry.name.as_str(), i.nested_namesake)).collect();
    assert_eq!(
        marked,
        [
            ("access", false),
            ("dmz", false),
            ("vpn", true),
            ("access", false),
            ("dmz", false),
            ("vpn", true),
            ("vpn", false),
            ("dmz-only-once", false)
        ]
    );
}

#[test]
fn a_closed_shape_of_the_examples_holds_nothing_else() {
    // Ten commands show timestamps under five names, never with another key.
    let mut setup = Setup::new("show-task");
    for (i, name) in ["created", "modified", "started", "ended", "expires"].iter().cycle().take(10).enumerate() {
        let example = ParsedExample {
            name: "e".into(),
            pointer: String::new(),
            request: Part::Absent,
            response: Part::Json(json!({ *name: {"iso-8601": "2024", "posix": 1} })),
        };
        let local = Local::collect(&[example], Side::Response);
        setup.knowledge.add(&format!("show-thing-{i}"), Side::Response, &local);
    }
    setup.knowledge.finish();
    let entries = vec![marker("task"), marker("started"), field("iso-8601"), field("posix"), field("status")];
    assert_eq!(setup.rebuild(entries), "task{started{iso-8601 posix} status}");
}
