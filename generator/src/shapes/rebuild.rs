//! Rebuilds the nesting of one flat list.
//!
//! The documentation lists a nested object as a parent entry followed by its
//! children, with no end marker. Reading the list in order, every entry is
//! attached to one of the parents still open (or to the root). A beam search
//! keeps the best few partial readings, so that a later entry can prove an
//! earlier choice wrong (a name that would otherwise appear twice in one
//! object).
//!
//! Constraints (never broken unless they contradict each other):
//! - a name appears once per object: an entry whose name is taken at a level
//!   cannot go there (an entry that fits nowhere is dropped and reported);
//! - a parent marker has at least one child: the entry after it goes inside;
//! - an entry whose child block is listed twice right after it ("object or
//!   array of objects") is a parent, even when its type is a string (then
//!   of a flat block); the first copy is inside it, it ends after the second
//!   copy, which is dropped;
//! - a parent marker repeats the valid values of its first enum descendant:
//!   a marker without valid values holds no entry with valid values, and a
//!   marker with them stays open until that descendant has come;
//! - the overrides file fixes the direct children of a parent.
//!
//! Preferences, strongest first, where the constraints leave a choice:
//! 1. the overrides file;
//! 2. this command's examples: a key seen at a path puts the entry there; a
//!    parent seen in an example without the key weighs against it;
//! 3. a marker followed by the same child names as its open sibling is that
//!    sibling's sibling, not its child;
//! 4. all examples of the API: a parent name seen with or without the key;
//!    at the root, keys seen at the root of commands of the same family or
//!    of many commands, and (for a response) top-level names of the
//!    command's own request;
//! 5. a parent with one child takes a second one; an object of `add`,
//!    `remove`, `update` (how `set-*` commands change a collection) holds
//!    those and nothing else;
//! 6. otherwise the entry stays in the innermost open parent.

use super::evidence::{ChildEvidence, Knowledge, Local, LocalNode};

use super::{Evidence, Node, ParentDecision};
use crate::diag::{Finding, Rule};
use crate::load::Entry;
use crate::overrides::{NestingOverride, Side};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// Deeper nesting than this is kept as plain JSON: the real API nests a few
/// levels, and a broken list must not build a tree deep enough to exhaust
/// the stack of later stages.
pub const MAX_DEPTH: usize = 24;

/// Partial readings kept at each step.
const BEAM: usize = 8;

/// The cost of dropping an entry that fits nowhere.
const DROP_COST: i64 = 200;

/// Keys of the objects that change a collection (`set-*` commands).
const COLLECTION_OPS: [&str; 3] = ["add", "remove", "update"];

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
    /// When set, the command's own examples are ignored, here and in the
    /// knowledge (to measure how well the rules alone do).
    pub holdout: bool,
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

/// One entry, after doubled blocks are collapsed.
struct Item<'e> {
    entry: &'e Entry,
    /// Interned name.
    name: u32,
    /// Its child block was listed twice.
    repeated: bool,
    /// It may open a nested object.
    opens: bool,
    /// Its valid values hint at its first enum descendant (markers only).
    hint: bool,
    /// Items this one must be outside of (end of a doubled block).
    close: Vec<usize>,
    /// Items this one must be inside of (the first copy of a doubled block).
    inside: Vec<usize>,
    /// Its name is `add`, `remove` or `update`.
    collection_op: bool,
}

#[derive(Clone)]
struct Open {
    item: usize,
    pending_enum: bool,
    kids: Vec<u32>,
    /// How many kids are collection operations.
    ops: usize,
    local: Option<LocalNode>,
    allowed: Option<Rc<BTreeSet<String>>>,
}

/// One decision of a reading, linked to the previous one.
struct Step {
    pos: usize,
    parent: Option<usize>,
    evidence: Evidence,
    opened: bool,
    note: Option<&'static str>,
    prev: Option<Rc<Step>>,
}

#[derive(Clone)]
struct Reading {
    stack: Vec<Open>,
    root_kids: Vec<u32>,
    score: i64,
    depth_sum: u64,
    trail: Option<Rc<Step>>,
}

/// Rebuilds the tree of `entries`.
pub fn rebuild(entries: &[Entry], cx: &ListContext<'_>) -> Rebuilt {
    let items = collapse_doubled_blocks(entries);
    let root_local = if cx.holdout { None } else { cx.local.root() };
    let mut beam = vec![Reading { stack: Vec::new(), root_kids: Vec::new(), score: 0, depth_sum: 0, trail: None }];
    for pos in 0..items.len() {
        let mut next: Vec<Reading> = Vec::with_capacity(beam.len() * 3);
        for reading in &beam {
            expand(reading, pos, &items, cx, root_local, &mut next);
        }
        // Best score first; among equals the deeper reading (the default
        // rule), then the earlier one, so the result is deterministic.
        next.sort_by(|a, b| b.score.cmp(&a.score).then(b.depth_sum.cmp(&a.depth_sum)));
        next.truncate(BEAM);
        beam = next;
    }
    let best = beam.into_iter().next().expect("the beam is never empty");
    replay(&items, best.trail, cx)
}

/// The readings that follow `reading` when item `pos` is placed.
fn expand(
    reading: &Reading,
    pos: usize,
    items: &[Item<'_>],
    cx: &ListContext<'_>,
    root_local: Option<LocalNode>,
    out: &mut Vec<Reading>,
) {
    let item = &items[pos];
    let stack = &reading.stack;
    let depth = stack.len();
    let taken = |level: usize| {
        let kids = if level == 0 { &reading.root_kids } else { &stack[level - 1].kids };
        kids.contains(&item.name)
    };
    let excluded =
        |level: usize| level > 0 && stack[level - 1].allowed.as_ref().is_some_and(|a| !a.contains(&item.entry.name));
    let free = |level: usize| !taken(level) && !excluded(level);

    let mut lo = 0;
    let mut hi = depth;
    let mut note = None;
    for parent in &item.close {
        if let Some(j) = stack.iter().position(|o| o.item == *parent) {
            hi = hi.min(j);
        }
    }
    for parent in &item.inside {
        if let Some(j) = stack.iter().position(|o| o.item == *parent) {
            lo = lo.max(j + 1);
        }
    }
    let (vv_lo, vv_hi) = enum_bounds(stack, items, item);
    if vv_lo.max(lo) <= vv_hi.min(hi) {
        lo = lo.max(vv_lo);
        hi = hi.min(vv_hi);
    } else {
        note = Some("the valid-values rule contradicts the other constraints");
    }
    if depth > 0 && stack[depth - 1].kids.is_empty() && depth <= hi {
        lo = lo.max(depth);
    }
    let mut candidates: Vec<usize> = (lo..=hi).filter(|&l| free(l)).collect();
    if candidates.is_empty() {
        candidates = (0..=depth).filter(|&l| free(l)).collect();
        if !candidates.is_empty() && lo <= hi {
            note = Some("no level satisfies every constraint; the name rule wins");
        }
    }
    if candidates.is_empty() {
        let mut dropped = reading.clone();
        dropped.score -= DROP_COST;
        dropped.trail = Some(Rc::new(Step {
            pos,
            parent: None,
            evidence: Evidence::Structure,
            opened: false,
            note: Some(DROPPED),
            prev: reading.trail.clone(),
        }));
        out.push(dropped);
        return;
    }

    // Every reading scores its choices the same way, forced or not, so that
    // readings with fewer choices are not favoured.
    let scores: Vec<(usize, Score)> =
        candidates.iter().map(|&l| (l, score(l, reading, items, pos, cx, root_local))).collect();
    for (i, &(level, own)) in scores.iter().enumerate() {
        let evidence = if scores.len() == 1 {
            Evidence::Structure
        } else {
            let rival = scores
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .max_by_key(|(_, (l, s))| (s.total, *l))
                .map(|(_, (_, s))| *s);
            [Some(own), rival].into_iter().flatten().filter_map(|s| s.strongest).min().unwrap_or(Evidence::Rule)
        };
        out.push(place(reading, pos, items, level, own.total, evidence, note, cx, root_local));
    }
}

/// The note of a dropped entry.
const DROPPED: &str = "dropped";

#[allow(clippy::too_many_arguments)]
fn place(
    reading: &Reading,
    pos: usize,
    items: &[Item<'_>],
    level: usize,
    points: i32,
    evidence: Evidence,
    note: Option<&'static str>,
    cx: &ListContext<'_>,
    root_local: Option<LocalNode>,
) -> Reading {
    let item = &items[pos];
    let mut next = reading.clone();
    next.stack.truncate(level);
    next.score += i64::from(points);
    next.depth_sum += level as u64;
    let parent = next.stack.last().map(|o| o.item);
    let parent_local = match next.stack.last_mut() {
        Some(open) => {
            open.kids.push(item.name);
            open.ops += usize::from(item.collection_op);
            open.local
        }
        None => {
            next.root_kids.push(item.name);
            root_local
        }
    };
    if let Some(values) = &item.entry.valid_values {
        for open in next.stack.iter_mut().filter(|o| o.pending_enum) {
            if items[open.item].entry.valid_values.as_ref() == Some(values) {
                open.pending_enum = false;
            }
        }
    }
    let opened = item.opens && next.stack.len() < MAX_DEPTH;
    if opened {
        let allowed = (!cx.nesting.is_empty())
            .then(|| {
                let mut path: Vec<&str> = next.stack.iter().map(|o| items[o.item].entry.name.as_str()).collect();
                path.push(&item.entry.name);
                cx.nesting.get(&path.join("/")).map(|n| Rc::new(n.children.iter().cloned().collect()))
            })
            .flatten();
        next.stack.push(Open {
            item: pos,
            pending_enum: item.hint && item.entry.valid_values.is_some(),
            kids: Vec::new(),
            ops: 0,
            local: parent_local.and_then(|n| cx.local.child(n, &item.entry.name)),
            allowed,
        });
    }
    next.trail = Some(Rc::new(Step {
        pos,
        parent,
        evidence,
        opened,
        note: note
            .or((item.opens && !opened).then_some("nested deeper than the generator follows; kept as a plain value")),
        prev: reading.trail.clone(),
    }));
    next
}

/// The bounds the valid-values rule puts on the level of an item.
fn enum_bounds(stack: &[Open], items: &[Item<'_>], item: &Item<'_>) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = stack.len();
    let values = item.entry.valid_values.as_ref();
    for (j, open) in stack.iter().enumerate() {
        let parent = &items[open.item];
        if !parent.hint {
            continue;
        }
        match (&parent.entry.valid_values, values) {
            // A marker without valid values has no enum descendant.
            (None, Some(_)) => hi = hi.min(j),
            (Some(own), Some(values)) if open.pending_enum && own != values => hi = hi.min(j),
            (Some(_), _) if open.pending_enum => lo = lo.max(j + 1),
            _ => {}
        }
    }
    (lo, hi)
}

#[derive(Clone, Copy, Debug, Default)]
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

fn score(
    level: usize,
    reading: &Reading,
    items: &[Item<'_>],
    pos: usize,
    cx: &ListContext<'_>,
    root_local: Option<LocalNode>,
) -> Score {
    let item = &items[pos];
    let e = item.entry;
    let stack = &reading.stack;
    let mut s = Score::default();
    let parent = level.checked_sub(1).map(|j| &stack[j]);
    if parent.and_then(|p| p.allowed.as_ref()).is_some_and(|a| a.contains(&e.name)) {
        s.add(100, Evidence::Override);
    }
    let local = match parent {
        Some(p) => p.local,
        None => root_local,
    };
    if let Some(node) = local {
        if cx.local.child(node, &e.name).is_some() {
            s.add(40, Evidence::Example);
        } else if level > 0 && cx.local.is_object(node) {
            // Examples show only some fields: a weak sign.
            s.add(-10, Evidence::Example);
        }
    }
    // A marker followed by its open sibling's child names is a sibling.
    let depth = stack.len();
    if e.is_parent_marker() && level + 1 == depth && depth > 0 {
        let order = &stack[depth - 1].kids;
        let next = items[pos + 1..].iter().take(order.len()).map(|i| i.name);
        if !order.is_empty() && next.eq(order.iter().copied()) {
            s.add(50, Evidence::Structure);
        }
    }
    let own = cx.holdout.then_some(cx.command);
    match parent {
        Some(p) => match cx.knowledge.child(cx.side, &items[p.item].entry.name, &e.name, own) {
            ChildEvidence::Seen => s.add(20, Evidence::Corpus),
            ChildEvidence::Rare => s.add(-5, Evidence::Corpus),
            ChildEvidence::NotSeen => s.add(-10, Evidence::Corpus),
            ChildEvidence::Unknown => {}
        },
        None => {
            if cx.knowledge.family_root(cx.command, &e.name, own) {
                s.add(10, Evidence::Corpus);
            }
            if cx.knowledge.common_root(cx.side, &e.name, own) {
                s.add(15, Evidence::Corpus);
            }
            if cx.request_roots.contains(&e.name) {
                s.add(10, Evidence::Corpus);
            }
        }
    }
    if level == depth && depth > 0 && stack[depth - 1].kids.len() == 1 {
        s.add(30, Evidence::Rule);
    }
    // `set-*` commands change collections with `add`, `remove` and `update`
    // side by side in one object; that object holds nothing else.
    if let Some(p) = parent {
        let ops = p.ops;
        if ops > 0 && ops == p.kids.len() {
            let points = if item.collection_op { 25 } else { -25 };
            s.add(points, Evidence::Structure);
        }
    }
    s
}

/// Follows the best reading's decisions: placements, parents' evidence,
/// findings, and the tree.
fn replay(items: &[Item<'_>], trail: Option<Rc<Step>>, cx: &ListContext<'_>) -> Rebuilt {
    let mut steps = Vec::with_capacity(items.len());
    let mut cursor = trail;
    while let Some(step) = cursor {
        cursor = step.prev.clone();
        steps.push(step);
    }
    steps.reverse();

    let mut findings = Vec::new();
    let mut parents = Vec::new();
    let mut used = BTreeSet::new();
    let mut placement: Vec<Option<Option<usize>>> = vec![None; items.len()];
    let mut evidence = vec![Evidence::Rule; items.len()];
    // Open parents: (item, weakest evidence so far, child names in order).
    let mut open: Vec<(usize, Evidence, Vec<String>)> = Vec::new();
    for step in &steps {
        let e = items[step.pos].entry;
        if step.note == Some(DROPPED) {
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
        if let Some(note) = step.note {
            findings.push(
                Finding::new(
                    Rule::NestingConflict,
                    cx.file,
                    &e.pointer,
                    format!("{} list, `{}`: {note}", cx.list, e.name),
                )
                .for_command(cx.command),
            );
        }
        while open.last().is_some_and(|(item, _, _)| Some(*item) != step.parent) {
            let (item, weakest, children) = open.pop().expect("not empty");
            parents.push(decision(cx, items, &open, item, weakest.max(step.evidence), children, &mut used));
        }
        if let Some((_, weakest, children)) = open.last_mut() {
            // The first child is forced; the extent is decided by the others.
            if !children.is_empty() {
                *weakest = (*weakest).max(step.evidence);
            }
            children.push(e.name.clone());
        }
        placement[step.pos] = Some(step.parent);
        evidence[step.pos] = step.evidence;
        if step.opened {
            open.push((step.pos, Evidence::Override, Vec::new()));
        }
    }
    // The end of the list closes what is open; a parent whose children all
    // came by one forced decision is decided by structure.
    while let Some((item, weakest, children)) = open.pop() {
        let weakest = if children.len() <= 1 { weakest.max(Evidence::Structure) } else { weakest };
        parents.push(decision(cx, items, &open, item, weakest, children, &mut used));
    }
    let nodes = build_tree(items, &placement, &evidence);
    Rebuilt { nodes, parents, findings, used_overrides: used }
}

fn decision(
    cx: &ListContext<'_>,
    items: &[Item<'_>],
    ancestors: &[(usize, Evidence, Vec<String>)],
    item: usize,
    weakest: Evidence,
    children: Vec<String>,
    used: &mut BTreeSet<String>,
) -> ParentDecision {
    let mut path: Vec<&str> = ancestors.iter().map(|(i, _, _)| items[*i].entry.name.as_str()).collect();
    path.push(&items[item].entry.name);
    let key = path.join("/");
    let evidence = if cx.nesting.contains_key(&key) {
        used.insert(key.clone());
        Evidence::Override
    } else {
        weakest
    };
    ParentDecision {
        command: cx.command.to_owned(),
        list: cx.list,
        path: key,
        pointer: items[item].entry.pointer.clone(),
        evidence,
        children,
    }
}

/// Whether the block of `k` entries after the value entry `i` can be the
/// object it also takes: flat, without the entry's own name, and not one
/// period of a list that repeats itself further (several kinds of the same
/// thing listed one after the other).
fn plain_block(entries: &[Entry], i: usize, k: usize) -> bool {
    let block = &entries[i + 1..i + 1 + k];
    let third = entries.get(i + 1 + 2 * k).is_some_and(|e| e.name == block[0].name);
    block.iter().all(|e| !e.is_parent_marker() && e.name != entries[i].name) && !third
}

/// Finds child blocks listed twice right after an entry ("object or array
/// of objects"): the second copy is dropped, the entry becomes a parent of
/// the first, and the entry after the copies must be outside it.
fn collapse_doubled_blocks(entries: &[Entry]) -> Vec<Item<'_>> {
    let n = entries.len();
    let mut dropped = vec![false; n];
    let mut repeated = vec![false; n];
    let mut close: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut inside: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let same = |a: &Entry, b: &Entry| {
        a.name == b.name && a.ty == b.ty && a.description == b.description && a.valid_values == b.valid_values
    };
    for i in 0..n {
        if dropped[i] || i + 2 >= n {
            continue;
        }
        let marker = entries[i].is_parent_marker();
        // A single entry listed twice is too weak a sign for a non-marker.
        let min = if marker { 1 } else { 2 };
        let max = (n - i - 1) / 2;
        let found = (min..=max).rev().find(|&k| {
            same(&entries[i + 1], &entries[i + 1 + k])
                && (0..k).all(|t| same(&entries[i + 1 + t], &entries[i + 1 + k + t]))
                // A value that also takes an object takes a flat one; a
                // repeated block with nested objects is the same structure
                // at two levels.
                && (marker || plain_block(entries, i, k))
        });
        if let Some(k) = found {
            repeated[i] = true;
            for flag in &mut dropped[i + 1 + k..i + 1 + 2 * k] {
                *flag = true;
            }
            for t in i + 1..i + 1 + k {
                inside.entry(t).or_default().push(i);
            }
            if i + 1 + 2 * k < n {
                close.entry(i + 1 + 2 * k).or_default().push(i);
            }
        }
    }
    let mut names: HashMap<&str, u32> = HashMap::new();
    let kept: Vec<usize> = (0..n).filter(|&i| !dropped[i]).collect();
    let position: HashMap<usize, usize> = kept.iter().enumerate().map(|(p, &i)| (i, p)).collect();
    kept.iter()
        .map(|&i| {
            let next = names.len() as u32;
            let name = *names.entry(entries[i].name.as_str()).or_insert(next);
            let marker = entries[i].is_parent_marker();
            Item {
                entry: &entries[i],
                name,
                repeated: repeated[i],
                opens: marker || repeated[i],
                hint: marker,
                close: close.remove(&i).unwrap_or_default().iter().filter_map(|p| position.get(p).copied()).collect(),
                inside: inside.remove(&i).unwrap_or_default().iter().filter_map(|p| position.get(p).copied()).collect(),
                collection_op: COLLECTION_OPS.contains(&entries[i].name.as_str()),
            }
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
