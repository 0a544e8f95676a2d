//! Rebuilds the nesting of one flat list.
//!
//! The documentation lists a nested object as a parent entry followed by its
//! children, with no end marker. Reading the list in order, every entry is
//! attached to one of the parents still open (or to the root). A beam search
//! keeps the best few partial readings, so that a later entry can prove an
//! earlier choice wrong (a name that would otherwise appear twice in one
//! object).
//!
//! Before the reading, the list is read for its own structure (`items`):
//! child blocks listed twice, parents listed several times with the same
//! block, runs of entries listed again, references to other objects.
//!
//! Constraints (never broken unless they contradict each other):
//! - a name appears once per object: an entry whose name is taken at a level
//!   cannot go there (an entry that fits nowhere is dropped and reported);
//! - a parent marker has at least one child: the entry after it goes inside;
//! - an entry whose child block is listed twice right after it ("object or
//!   array of objects") is a parent, even when its type is a string (then
//!   of a flat block); the first copy is inside it, it ends after the second
//!   copy, which is dropped;
//! - a reference to another object (`name`, `uid`, `type`, `color`,
//!   `domain{name uid domain-type}`, `icon`) holds its summary fields;
//!   `icon` is outside `domain`;
//! - a parent marker repeats the valid values of its first enum descendant:
//!   a marker without valid values holds no entry with valid values, and a
//!   marker with them stays open until that descendant has come;
//! - the overrides file fixes the direct children of a parent.
//!
//! Preferences, where the constraints leave a choice (`score` weighs them):
//! 1. the overrides file;
//! 2. this command's examples: a key seen at a path puts the entry there; a
//!    parent seen in an example without the key weighs against it;
//! 3. the examples of the command's object family (`family`): a key seen at
//!    the same place of the object, or under the same parent name
//!    elsewhere; a key the family's objects never show at their top level
//!    stays nested;
//! 4. the list's own structure: a marker followed by the same child names
//!    as its open sibling is that sibling's sibling; a run of entries listed
//!    again nests as its first listing; a collection's own block, listed
//!    after its `add` and `remove` blocks, sits beside them; `ike-phase-2`
//!    is not inside `ike-phase-1`; the block after every copy of a repeated
//!    parent stays in it; a reference ends with its `icon`; an object whose
//!    children make a closed shape of the examples (keys seen alone under
//!    many parent names in many commands: a timestamp's `iso-8601` and
//!    `posix`) holds nothing else; an entry that would break a level's
//!    alphabetical run leaves it;
//! 5. all examples of the API: a parent name seen with or without the key;
//!    at the root, keys seen at the root of commands of the same family or
//!    of many commands, and (for a response) top-level names of the
//!    command's own request, unless the entry is a setting repeated in
//!    several objects while the list has another field of its name;
//! 6. a parent with one child takes a second one; an object of `add`,
//!    `remove`, `update` (how `set-*` commands change a collection) holds
//!    those and nothing else (but the collection's own block);
//! 7. otherwise the entry stays in the innermost open parent.

use super::evidence::{Knowledge, Local, LocalNode};
use super::family::{object_place, ObjectPlace};
use super::items::{
    collapse_doubled_blocks, mark_nested_namesakes, mark_references, mark_repeated_parent_blocks, mark_twins,
    name_ranks, Item, Twin, SUMMARY_END,
};
use super::score::{score, Candidate, Score, Suggested};

use super::{Evidence, Node, ParentDecision};
use crate::diag::{Finding, Rule};
use crate::load::Entry;
use crate::overrides::{NestingOverride, Side};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Deeper nesting than this is kept as plain JSON: the real API nests a few
/// levels, and a broken list must not build a tree deep enough to exhaust
/// the stack of later stages.
pub const MAX_DEPTH: usize = 24;

/// Partial readings kept at each step.
const BEAM: usize = 24;

/// The cost of dropping an entry that fits nowhere.
const DROP_COST: i64 = 200;

/// The inputs of one list's reconstruction.
pub struct ListContext<'a> {
    /// The command.
    pub command: &'a str,
    /// Its family (see [`super::family`]).
    pub family_name: &'a str,
    /// The descriptor's file, for findings.
    pub file: &'a str,
    /// Which examples and knowledge apply.
    pub side: Side,
    /// `request`, `response` or `failure`, for reports.
    pub list: &'static str,
    /// This command's examples of this side.
    pub local: &'a Local,
    /// The examples of its object family (the other commands, and this
    /// command's other side), rooted at the object.
    pub family: Option<&'a Local>,
    /// Examples of the whole API.
    pub knowledge: &'a Knowledge,
    /// When set, the command's own examples are ignored, here and in the
    /// knowledge and the family's pool (to measure how well the rules and
    /// the other commands' examples do).
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

/// A parent still open in a reading.
#[derive(Clone)]
pub(super) struct Open {
    /// The parent item.
    pub item: usize,
    /// It waits for its first enum descendant (the valid-values rule).
    pub pending_enum: bool,
    /// Its children's names so far (shared between readings until one
    /// adds a child).
    pub kids: Rc<Vec<u32>>,
    /// How many kids are collection operations.
    pub ops: usize,
    /// The same place in the command's examples.
    pub local: Option<LocalNode>,
    /// The same place in the family's pool.
    pub family: Option<LocalNode>,
    /// A reference whose summary has ended, or a closed shape of the
    /// examples (a timestamp).
    pub complete: bool,
    /// The children the overrides file allows.
    pub allowed: Option<Rc<BTreeSet<String>>>,
}

/// Facts of the whole list: where its top level is in the command's
/// examples and in its family's pool, and the order of its names.
pub(super) struct Roots {
    pub local: Option<LocalNode>,
    pub family: Option<LocalNode>,
    /// A top-level list whose items are the family's object (`objects`).
    pub family_items: Option<String>,
    /// The alphabetical rank of every name (by interned name).
    pub ranks: Vec<u32>,
    /// Every name, by interned name.
    pub names: Vec<String>,
}

impl Roots {
    fn of(items: &[Item<'_>], cx: &ListContext<'_>) -> Roots {
        let pool_root = cx.family.and_then(Local::root);
        let parents = items.iter().filter(|i| i.opens).map(|i| i.entry.name.as_str());
        let (family, family_items) = match object_place(cx.command, cx.side, parents) {
            ObjectPlace::None => (None, None),
            ObjectPlace::Root => (pool_root, None),
            ObjectPlace::Items(list) => (None, pool_root.map(|_| list)),
        };
        let mut names = vec![String::new(); items.iter().map(|i| i.name as usize + 1).max().unwrap_or(0)];
        for item in items {
            names[item.name as usize].clone_from(&item.entry.name);
        }
        Roots {
            local: if cx.holdout { None } else { cx.local.root() },
            family,
            family_items,
            ranks: name_ranks(items),
            names,
        }
    }
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

/// One partial reading of the list.
#[derive(Clone)]
pub(super) struct Reading {
    /// The open parents, outermost first.
    pub stack: Vec<Open>,
    /// The names at the top level so far.
    pub root_kids: Rc<Vec<u32>>,
    score: i64,
    depth_sum: u64,
    trail: Option<Rc<Step>>,
}

/// Rebuilds the tree of `entries`.
pub fn rebuild(entries: &[Entry], cx: &ListContext<'_>) -> Rebuilt {
    let mut items = collapse_doubled_blocks(entries);
    mark_repeated_parent_blocks(&mut items);
    mark_references(&mut items);
    mark_twins(&mut items);
    mark_nested_namesakes(&mut items);
    let roots = Roots::of(&items, cx);
    let mut beam = vec![Reading { stack: Vec::new(), root_kids: Rc::default(), score: 0, depth_sum: 0, trail: None }];
    let mut proposals: Vec<Proposal> = Vec::with_capacity(BEAM * 4);
    for pos in 0..items.len() {
        proposals.clear();
        for (index, reading) in beam.iter().enumerate() {
            propose(index, reading, pos, &items, cx, &roots, &mut proposals);
        }
        // Best score first; among equals the deeper reading (the default
        // rule), then the earlier one, so the result is deterministic.
        proposals.sort_by(|a, b| b.score.cmp(&a.score).then(b.depth_sum.cmp(&a.depth_sum)));
        proposals.truncate(BEAM);
        beam = proposals.iter().map(|p| follow(&beam[p.reading], p, pos, &items, cx, &roots)).collect();
    }
    let best = beam.into_iter().next().expect("the beam is never empty");
    replay(&items, best.trail, cx)
}

/// One way to place an item in one reading, before the reading is made.
struct Proposal {
    /// The reading in the beam.
    reading: usize,
    /// The level, `None` to drop the item.
    level: Option<usize>,
    /// The reading's score after it.
    score: i64,
    depth_sum: u64,
    points: i32,
    evidence: Evidence,
    note: Option<&'static str>,
}

/// The reading a proposal makes.
fn follow(
    reading: &Reading,
    p: &Proposal,
    pos: usize,
    items: &[Item<'_>],
    cx: &ListContext<'_>,
    roots: &Roots,
) -> Reading {
    match p.level {
        Some(level) => place(reading, pos, items, level, p.points, p.evidence, p.note, cx, roots),
        None => {
            let mut dropped = reading.clone();
            dropped.score = p.score;
            dropped.trail = Some(Rc::new(Step {
                pos,
                parent: None,
                evidence: Evidence::Structure,
                opened: false,
                note: Some(DROPPED),
                prev: reading.trail.clone(),
            }));
            dropped
        }
    }
}

/// The ways to place item `pos` in `reading` (the `index`th of the beam).
fn propose(
    index: usize,
    reading: &Reading,
    pos: usize,
    items: &[Item<'_>],
    cx: &ListContext<'_>,
    roots: &Roots,
    out: &mut Vec<Proposal>,
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
        out.push(Proposal {
            reading: index,
            level: None,
            score: reading.score - DROP_COST,
            depth_sum: reading.depth_sum,
            points: 0,
            evidence: Evidence::Structure,
            note: Some(DROPPED),
        });
        return;
    }

    // Every reading scores its choices the same way, forced or not, so that
    // readings with fewer choices are not favoured.
    let suggested = Suggested {
        twin: item.twin.and_then(|twin| twin_parent(reading, pos, twin)),
        collection: item.items_of.and_then(|op| parent_in(reading, op)),
    };
    let scores: Vec<(usize, Score)> = candidates
        .iter()
        .map(|&level| (level, score(&Candidate { reading, items, pos, level }, cx, roots, suggested)))
        .collect();
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
        out.push(Proposal {
            reading: index,
            level: Some(level),
            score: reading.score + i64::from(own.total),
            depth_sum: reading.depth_sum + level as u64,
            points: own.total,
            evidence,
            note,
        });
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
    roots: &Roots,
) -> Reading {
    let item = &items[pos];
    let mut next = Reading {
        stack: reading.stack[..level].to_vec(),
        root_kids: Rc::clone(&reading.root_kids),
        score: reading.score + i64::from(points),
        depth_sum: reading.depth_sum + level as u64,
        trail: None,
    };
    let parent = next.stack.last().map(|o| o.item);
    let (parent_local, parent_family) = match next.stack.last_mut() {
        Some(open) => {
            Rc::make_mut(&mut open.kids).push(item.name);
            open.ops += usize::from(item.collection_op);
            open.complete |= items[open.item].reference && item.entry.name == SUMMARY_END;
            open.complete |= closes_shape(&open.kids, cx, roots);
            (open.local, open.family)
        }
        None => {
            Rc::make_mut(&mut next.root_kids).push(item.name);
            (roots.local, roots.family)
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
            kids: Rc::default(),
            ops: 0,
            local: parent_local.and_then(|n| cx.local.child(n, &item.entry.name)),
            family: family_node(cx, roots, level, parent_family, &item.entry.name),
            complete: false,
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

/// Whether children (by interned name) make a closed shape.
fn closes_shape(kids: &[u32], cx: &ListContext<'_>, roots: &Roots) -> bool {
    if kids.len() > MAX_CLOSED || kids.len() < 2 {
        return false;
    }
    let mut names: Vec<&str> = kids.iter().map(|k| roots.names[*k as usize].as_str()).collect();
    names.sort_unstable();
    cx.knowledge.closes(&names)
}

/// The most keys of a closed shape worth checking.
const MAX_CLOSED: usize = 6;

/// The place of a new parent `name` at `level` in the family's pool.
fn family_node(
    cx: &ListContext<'_>,
    roots: &Roots,
    level: usize,
    parent: Option<LocalNode>,
    name: &str,
) -> Option<LocalNode> {
    let pool = cx.family?;
    match parent {
        Some(node) => pool.child(node, name),
        None if level == 0 && roots.family_items.as_deref() == Some(name) => pool.root(),
        None => None,
    }
}

/// Where a reading put item `pos`: its parent (`None` at the top level);
/// `None` when it was dropped or is not placed yet.
fn parent_in(reading: &Reading, pos: usize) -> Option<Option<usize>> {
    let mut cursor = reading.trail.as_deref();
    while let Some(step) = cursor {
        if step.pos == pos {
            return (step.note != Some(DROPPED)).then_some(step.parent);
        }
        if step.pos < pos {
            return None;
        }
        cursor = step.prev.as_deref();
    }
    None
}

/// The parent the earlier twin of item `pos` suggests: the counterpart of
/// its twin's parent when that parent is in the earlier run, else the
/// parent of this run's first item (the run's top level). `None`: no
/// suggestion (the first item of a run, or a twin that was dropped).
fn twin_parent(reading: &Reading, pos: usize, twin: Twin) -> Option<Option<usize>> {
    let earlier_parent = parent_in(reading, twin.earlier)?;
    match earlier_parent {
        Some(p) if p >= twin.earlier_start => Some(Some(p - twin.earlier_start + twin.start)),
        _ if pos == twin.start => None,
        _ => parent_in(reading, twin.start),
    }
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
