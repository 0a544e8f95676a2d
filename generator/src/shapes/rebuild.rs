//! Rebuilds the nesting of one flat list.
//!
//! The documentation lists a nested object as a parent entry followed by its
//! children, with no end marker. Reading the list in order, every entry is
//! attached to one of the parents still open (or to the root); this module
//! decides which, with these rules:
//!
//! Constraints (never broken unless they contradict each other):
//! - a name appears once per object: an entry whose name is taken at a level
//!   cannot go there;
//! - a parent marker has at least one child: the entry after it goes inside;
//! - a parent whose child block is listed twice ("object or array of
//!   objects") ends after the second copy, which is dropped;
//! - a parent marker repeats the valid values of its first enum descendant:
//!   a parent without valid values holds no entry with valid values, and a
//!   parent with them stays open until that descendant has come;
//! - the overrides file fixes the direct children of a parent.
//!
//! Preferences, strongest first, where the constraints leave a choice:
//! 1. the overrides file;
//! 2. this command's examples: a key seen at a path puts the entry there; a
//!    parent seen in an example without the key weighs against it;
//! 3. all examples of the API: a parent name seen with or without the key;
//!    at the root, keys seen at the root of commands of the same family or
//!    of many commands, and (for a response) top-level names of the
//!    command's own request;
//! 4. a parent marker followed by the same child names as its open sibling
//!    is that sibling's sibling, not its child;
//! 5. otherwise the entry stays in the innermost open parent.

use super::evidence::{ChildEvidence, Knowledge, Local};
use super::{Evidence, Node, ParentDecision};
use crate::diag::{Finding, Rule};
use crate::load::Entry;
use crate::overrides::{NestingOverride, Side};
use std::collections::{BTreeMap, BTreeSet};

/// The inputs of one list's reconstruction.
pub struct ListContext<'a> {
    /// The command.
    pub command: &'a str,
    /// The descriptor's file, for findings.
    pub file: &'a str,
    /// Which examples and knowledge apply.
    pub side: Side,
    /// `request`, `response` or `failure`, for reports.
    pub list: &'static str,
    /// This command's examples of this side.
    pub local: &'a Local,
    /// Examples of the whole API.
    pub knowledge: &'a Knowledge,
    /// Nesting decisions of the overrides file, by parent path.
    pub nesting: BTreeMap<String, &'a NestingOverride>,
    /// For a response list: the top-level names of the command's request,
    /// which responses often echo at their own top level.
    pub request_roots: BTreeSet<String>,
}

/// A rebuilt list.
pub struct Rebuilt {
    /// The top-level nodes.
    pub nodes: Vec<Node>,
    /// How each parent's children were decided.
    pub parents: Vec<ParentDecision>,
    /// Problems met on the way.
    pub findings: Vec<Finding>,
    /// Parent paths of the overrides that were used.
    pub used_overrides: BTreeSet<String>,
}

/// Deeper nesting than this is kept as plain JSON: the real API nests a few
/// levels, and a broken list must not build a tree deep enough to exhaust
/// the stack of later stages.
pub const MAX_DEPTH: usize = 24;

struct Open {
    item: usize,
    path: Vec<String>,
    valid_values: Option<Vec<String>>,
    pending_enum: bool,
    kids: BTreeSet<String>,
    order: Vec<String>,
    allowed: Option<BTreeSet<String>>,
    weakest: Evidence,
}

struct Item<'e> {
    entry: &'e Entry,
    repeated: bool,
    /// Entry indices of parents this item must be outside of.
    close: Vec<usize>,
    index: usize,
}

/// Rebuilds the tree of `entries`.
pub fn rebuild(entries: &[Entry], cx: &ListContext<'_>) -> Rebuilt {
    let items = collapse_doubled_blocks(entries);
    let mut findings = Vec::new();
    let mut parents = Vec::new();
    let mut used_overrides = BTreeSet::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root_kids: BTreeSet<String> = BTreeSet::new();
    let mut placement: Vec<Option<Option<usize>>> = vec![None; items.len()];
    let mut evidence = vec![Evidence::Rule; items.len()];

    for pos in 0..items.len() {
        let item = &items[pos];
        let e = item.entry;
        let depth = stack.len();
        let kids_at = |stack: &[Open], level: usize| -> bool {
            if level == 0 {
                root_kids.contains(&e.name)
            } else {
                stack[level - 1].kids.contains(&e.name)
            }
        };
        let excluded_by_override = |stack: &[Open], level: usize| -> bool {
            level > 0 && stack[level - 1].allowed.as_ref().is_some_and(|a| !a.contains(&e.name))
        };

        let mut lo = 0;
        let mut hi = depth;
        for parent in &item.close {
            if let Some(j) = stack.iter().position(|o| items[o.item].index == *parent) {
                hi = hi.min(j);
            }
        }
        let (vv_lo, vv_hi) = enum_bounds(&stack, e);
        if vv_lo.max(lo) <= vv_hi.min(hi) {
            lo = lo.max(vv_lo);
            hi = hi.min(vv_hi);
        } else {
            findings.push(conflict(cx, e, "the valid-values rule contradicts the other constraints"));
        }
        if depth > 0 && stack[depth - 1].kids.is_empty() && depth <= hi {
            lo = lo.max(depth);
        }

        let free = |level: usize| !kids_at(&stack, level) && !excluded_by_override(&stack, level);
        let mut candidates: Vec<usize> = (lo..=hi).filter(|&l| free(l)).collect();
        if candidates.is_empty() {
            candidates = (0..=depth).rev().filter(|&l| free(l)).collect();
            candidates.reverse();
            if !candidates.is_empty() && lo <= hi {
                findings.push(conflict(cx, e, "no level satisfies every constraint; the name rule wins"));
            }
        }
        if candidates.is_empty() {
            findings.push(
                Finding::new(
                    Rule::RepeatedName,
                    cx.file,
                    &e.pointer,
                    format!(
                        "{} list: `{}` is already a field at every level it could belong to; this entry is dropped",
                        cx.list, e.name
                    ),
                )
                .for_command(cx.command),
            );
            continue;
        }

        let (level, why) = choose(&candidates, &stack, &items, pos, cx);
        evidence[pos] = why;
        if let Some(o) = stack.get_mut(level.wrapping_sub(1)) {
            o.weakest = o.weakest.max(why);
        }
        // Parents closed by this decision are decided by it as well.
        while stack.len() > level {
            let mut closed = stack.pop().expect("len > level");
            closed.weakest = closed.weakest.max(why);
            parents.push(decision(cx, &items, closed, &mut used_overrides));
        }

        match stack.last_mut() {
            Some(parent) => {
                parent.kids.insert(e.name.clone());
                parent.order.push(e.name.clone());
                placement[pos] = Some(Some(parent.item));
            }
            None => {
                root_kids.insert(e.name.clone());
                placement[pos] = Some(None);
            }
        }
        if let Some(values) = &e.valid_values {
            for open in stack.iter_mut().filter(|o| o.pending_enum) {
                if open.valid_values.as_ref() == Some(values) {
                    open.pending_enum = false;
                }
            }
        }
        if e.is_parent_marker() && stack.len() >= MAX_DEPTH {
            findings.push(conflict(cx, e, "nested deeper than the generator follows; kept as a plain value"));
        } else if e.is_parent_marker() {
            let mut path: Vec<String> = stack.last().map(|o| o.path.clone()).unwrap_or_default();
            path.push(e.name.clone());
            let allowed = cx.nesting.get(&path.join("/")).map(|n| n.children.iter().cloned().collect::<BTreeSet<_>>());
            stack.push(Open {
                item: pos,
                path,
                valid_values: e.valid_values.clone(),
                pending_enum: e.valid_values.is_some(),
                kids: BTreeSet::new(),
                order: Vec::new(),
                allowed,
                weakest: Evidence::Override,
            });
        }
    }
    while let Some(closed) = stack.pop() {
        parents.push(decision(cx, &items, closed, &mut used_overrides));
    }

    let nodes = build_tree(&items, &placement, &evidence);
    Rebuilt { nodes, parents, findings, used_overrides }
}

/// The bounds the valid-values rule puts on the level of `e`.
fn enum_bounds(stack: &[Open], e: &Entry) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = stack.len();
    for (j, open) in stack.iter().enumerate() {
        match (&open.valid_values, &e.valid_values) {
            // A parent without valid values has no enum descendant.
            (None, Some(_)) => hi = hi.min(j),
            (Some(own), Some(values)) if open.pending_enum && own != values => hi = hi.min(j),
            (Some(_), None) if open.pending_enum => lo = lo.max(j + 1),
            (Some(own), Some(values)) if open.pending_enum && own == values => lo = lo.max(j + 1),
            _ => {}
        }
    }
    (lo, hi)
}

fn conflict(cx: &ListContext<'_>, e: &Entry, why: &str) -> Finding {
    Finding::new(Rule::NestingConflict, cx.file, &e.pointer, format!("{} list, `{}`: {why}", cx.list, e.name))
        .for_command(cx.command)
}

/// Scores the candidate levels and picks one; returns the evidence that
/// decided.
fn choose(
    candidates: &[usize],
    stack: &[Open],
    items: &[Item<'_>],
    pos: usize,
    cx: &ListContext<'_>,
) -> (usize, Evidence) {
    let e = items[pos].entry;
    if candidates.len() == 1 {
        return (candidates[0], Evidence::Structure);
    }
    let deepest = *candidates.last().expect("not empty");
    // A parent marker followed by the child names of its open sibling.
    if e.is_parent_marker() && deepest == stack.len() && candidates.contains(&(deepest.wrapping_sub(1))) {
        let order = &stack[deepest - 1].order;
        let next = items[pos + 1..].iter().take(order.len()).map(|i| &i.entry.name);
        if !order.is_empty() && next.eq(order.iter()) {
            return (deepest - 1, Evidence::Structure);
        }
    }
    let scored: Vec<(usize, Score)> = candidates.iter().map(|&l| (l, score(l, stack, e, cx))).collect();
    let (best_level, best) = scored.iter().max_by_key(|(l, s)| (s.total, *l)).copied().expect("not empty");
    let runner_up = scored.iter().filter(|(l, _)| *l != best_level).max_by_key(|(l, s)| (s.total, *l)).map(|(_, s)| *s);
    let why = [Some(best), runner_up].into_iter().flatten().filter_map(|s| s.strongest).min().unwrap_or(Evidence::Rule);
    (best_level, why)
}

#[derive(Clone, Copy, Debug)]
struct Score {
    total: i32,
    strongest: Option<Evidence>,
}

impl Score {
    fn add(&mut self, points: i32, kind: Evidence) {
        self.total += points;
        self.strongest = Some(self.strongest.map_or(kind, |s| s.min(kind)));
    }
}

fn score(level: usize, stack: &[Open], e: &Entry, cx: &ListContext<'_>) -> Score {
    let mut s = Score { total: 0, strongest: None };
    let parent_path: &[String] = if level == 0 { &[] } else { &stack[level - 1].path };
    if level > 0 && stack[level - 1].allowed.as_ref().is_some_and(|a| a.contains(&e.name)) {
        s.add(100, Evidence::Override);
    }
    let mut path = parent_path.to_vec();
    path.push(e.name.clone());
    if cx.local.paths.contains(&path) {
        s.add(40, Evidence::Example);
    } else if level > 0 && cx.local.objects.contains_key(parent_path) {
        // Examples show only some fields: a weak sign.
        s.add(-10, Evidence::Example);
    }
    match parent_path.last() {
        Some(parent) => match cx.knowledge.child(cx.side, parent, &e.name) {
            ChildEvidence::Seen => s.add(20, Evidence::Corpus),
            ChildEvidence::NotSeen => s.add(-10, Evidence::Corpus),
            ChildEvidence::Unknown => {}
        },
        None => {
            if cx.knowledge.family_root(cx.command, &e.name) {
                s.add(10, Evidence::Corpus);
            }
            if cx.knowledge.common_root(cx.side, &e.name) {
                s.add(15, Evidence::Corpus);
            }
            if cx.request_roots.contains(&e.name) {
                s.add(10, Evidence::Corpus);
            }
        }
    }
    s
}

fn decision(cx: &ListContext<'_>, items: &[Item<'_>], open: Open, used: &mut BTreeSet<String>) -> ParentDecision {
    let key = open.path.join("/");
    let evidence = if open.allowed.is_some() {
        used.insert(key.clone());
        Evidence::Override
    } else {
        open.weakest
    };
    ParentDecision {
        command: cx.command.to_owned(),
        list: cx.list,
        path: key,
        pointer: items[open.item].entry.pointer.clone(),
        evidence,
        children: open.order,
    }
}

/// Drops the second copy of a child block listed twice after its parent
/// ("object or array of objects"), marks the parent as repeated, and makes
/// the entry after the copy close the parent.
fn collapse_doubled_blocks(entries: &[Entry]) -> Vec<Item<'_>> {
    let n = entries.len();
    let mut dropped = vec![false; n];
    let mut repeated = vec![false; n];
    let mut close: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let same = |a: &Entry, b: &Entry| {
        a.name == b.name && a.ty == b.ty && a.description == b.description && a.valid_values == b.valid_values
    };
    for i in 0..n {
        if dropped[i] || !entries[i].is_parent_marker() {
            continue;
        }
        let max = (n - i - 1) / 2;
        let found = (1..=max).rev().find(|&k| {
            same(&entries[i + 1], &entries[i + 1 + k])
                && (0..k).all(|t| same(&entries[i + 1 + t], &entries[i + 1 + k + t]))
        });
        if let Some(k) = found {
            repeated[i] = true;
            for flag in &mut dropped[i + 1 + k..i + 1 + 2 * k] {
                *flag = true;
            }
            if i + 1 + 2 * k < n {
                close.entry(i + 1 + 2 * k).or_default().push(i);
            }
        }
    }
    (0..n)
        .filter(|&i| !dropped[i])
        .map(|i| Item {
            entry: &entries[i],
            repeated: repeated[i],
            close: close.remove(&i).unwrap_or_default(),
            index: i,
        })
        .collect()
}

fn build_tree(items: &[Item<'_>], placement: &[Option<Option<usize>>], evidence: &[Evidence]) -> Vec<Node> {
    let mut children: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (pos, place) in placement.iter().enumerate() {
        if let Some(parent) = place {
            children.entry(*parent).or_default().push(pos);
        }
    }
    fn make(
        pos: usize,
        items: &[Item<'_>],
        children: &BTreeMap<Option<usize>, Vec<usize>>,
        evidence: &[Evidence],
    ) -> Node {
        Node {
            entry: items[pos].entry.clone(),
            repeated: items[pos].repeated,
            evidence: evidence[pos],
            children: children
                .get(&Some(pos))
                .map(|kids| kids.iter().map(|&k| make(k, items, children, evidence)).collect())
                .unwrap_or_default(),
        }
    }
    children
        .get(&None)
        .map(|top| top.iter().map(|&p| make(p, items, &children, evidence)).collect())
        .unwrap_or_default()
}
