//! The preferences of a reading: how much each kind of evidence favours
//! placing an entry in one open parent rather than another.
//!
//! Each rule adds points (and names the kind of evidence behind them) to
//! one candidate level; the beam sums them over a whole reading. The
//! weights are relative: an example of the command (40) outweighs the
//! family's examples (30), which outweigh the examples of other commands
//! (10–20); the structural rules weigh about as much as the evidence they
//! stand in for.

use super::evidence::ChildEvidence;
use super::items::{Item, SUMMARY};
use super::rebuild::{ListContext, Open, Reading, Roots};
use super::Evidence;

/// The weight of a parent's children in the overrides file.
const OVERRIDE: i32 = 100;
/// The weight of a key this command's examples show at the place, and of
/// its absence from an object they show there (examples show only some
/// fields: a weak sign).
const EXAMPLE_SEEN: i32 = 40;
const EXAMPLE_NOT_SEEN: i32 = -10;
/// The weight of a key the family's pool shows at the place, and of a key
/// its objects never show at their top level.
const FAMILY_SEEN: i32 = 30;
const FAMILY_ROOT_NOT_SEEN: i32 = -10;
/// The weight of a key the family shows under the same parent name
/// elsewhere.
const FAMILY_NAME_SEEN: i32 = 30;
/// The weights of what the examples of all commands show under a parent
/// name.
const CORPUS_SEEN: i32 = 20;
const CORPUS_RARE: i32 = -5;
const CORPUS_NOT_SEEN: i32 = -10;
/// The weights of a key seen at the top level of the family's commands, of
/// many commands, and of the command's own request (for a response).
const FAMILY_ROOT: i32 = 10;
const COMMON_ROOT: i32 = 15;
const REQUEST_ROOT: i32 = 10;
/// The weight of a marker followed by its open sibling's child names.
const SIBLING_MARKER: i32 = 50;
/// The weight of nesting an entry the way its earlier twin is nested.
const AS_ITS_TWIN: i32 = 40;
/// The weight of placing a collection's own block beside its `add` and
/// `remove` blocks.
const COLLECTION_ITEMS: i32 = 40;
/// The weight of placing an entry inside its numbered sibling.
const INSIDE_NUMBERED_SIBLING: i32 = -40;
/// The weight of breaking a level's alphabetical order.
const BREAKS_ORDER: i32 = -15;
/// How many fields in alphabetical order make a level's order evident.
const SORTED_RUN: usize = 5;
/// The weight of placing a field in an object whose shape has ended (a
/// reference after its `icon`, a closed shape of the examples).
const AFTER_COMPLETE: i32 = -40;
/// The weight of leaving the parent whose repeated block holds the entry.
const OUT_OF_BLOCK: i32 = -15;
/// The weight of giving a parent with one child a second one.
const SECOND_CHILD: i32 = 30;
/// The weight of a collection operation beside the others (and of anything
/// else there).
const COLLECTION_OP: i32 = 25;

/// The points of one candidate level, and the strongest evidence behind
/// them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Score {
    pub total: i32,
    pub strongest: Option<Evidence>,
}

impl Score {
    fn add(&mut self, points: i32, kind: Evidence) {
        self.total += points;
        self.strongest = Some(self.strongest.map_or(kind, |s| s.min(kind)));
    }
}

/// Where the list's own structure suggests the item's parent, for one
/// reading (`Some(None)`: the top level).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Suggested {
    /// As its earlier twin is nested.
    pub twin: Option<Option<usize>>,
    /// Beside the collection operation it follows.
    pub collection: Option<Option<usize>>,
}

/// One candidate: item `pos` placed at `level` of `reading`.
pub(super) struct Candidate<'r, 'i, 'e> {
    pub reading: &'r Reading,
    pub items: &'i [Item<'e>],
    pub pos: usize,
    pub level: usize,
}

impl Candidate<'_, '_, '_> {
    fn item(&self) -> &Item<'_> {
        &self.items[self.pos]
    }

    fn parent(&self) -> Option<&Open> {
        self.level.checked_sub(1).map(|j| &self.reading.stack[j])
    }

    fn parent_name(&self) -> Option<&str> {
        self.parent().map(|p| self.items[p.item].entry.name.as_str())
    }

    /// The names already at the level.
    fn siblings(&self) -> &[u32] {
        self.parent().map_or(&self.reading.root_kids, |p| &p.kids)
    }
}

/// The points of one candidate.
pub(super) fn score(c: &Candidate<'_, '_, '_>, cx: &ListContext<'_>, roots: &Roots, suggested: Suggested) -> Score {
    let mut s = Score::default();
    overrides(c, &mut s);
    examples(c, cx, roots, &mut s);
    family(c, cx, roots, &mut s);
    corpus(c, cx, &mut s);
    list_structure(c, roots, suggested, &mut s);
    s
}

fn overrides(c: &Candidate<'_, '_, '_>, s: &mut Score) {
    if c.parent().and_then(|p| p.allowed.as_ref()).is_some_and(|a| a.contains(&c.item().entry.name)) {
        s.add(OVERRIDE, Evidence::Override);
    }
}

/// This command's examples of this side.
fn examples(c: &Candidate<'_, '_, '_>, cx: &ListContext<'_>, roots: &Roots, s: &mut Score) {
    let Some(node) = c.parent().map_or(roots.local, |p| p.local) else { return };
    if cx.local.child(node, &c.item().entry.name).is_some() {
        s.add(EXAMPLE_SEEN, Evidence::Example);
    } else if c.level > 0 && cx.local.is_object(node) {
        s.add(EXAMPLE_NOT_SEEN, Evidence::Example);
    }
}

/// What the family shows counts; what it does not show counts only at the
/// top level, where its examples show the whole object (deeper, an object
/// shown without a key says little: answers omit fields at their defaults,
/// requests send a few fields).
fn family(c: &Candidate<'_, '_, '_>, cx: &ListContext<'_>, roots: &Roots, s: &mut Score) {
    let Some(pool) = cx.family else { return };
    let name = &c.item().entry.name;
    match c.parent().map_or(roots.family, |p| p.family) {
        // The family's top level names its own field (see `corpus`).
        Some(_) if c.level == 0 && c.item().nested_namesake => {}
        Some(node) if pool.child(node, name).is_some() => s.add(FAMILY_SEEN, Evidence::Family),
        Some(_) if c.level == 0 => s.add(FAMILY_ROOT_NOT_SEEN, Evidence::Family),
        // A parent the family shows elsewhere (`ike-phase-1` at the top
        // level, not in `granular-encryptions`) holds the same keys here.
        None if c.parent_name().is_some_and(|p| pool.seen_under(p, name)) => {
            s.add(FAMILY_NAME_SEEN, Evidence::Family);
        }
        _ => {}
    }
}

/// The examples of all commands: a parent name seen with or without the
/// key; at the top level, keys common there.
fn corpus(c: &Candidate<'_, '_, '_>, cx: &ListContext<'_>, s: &mut Score) {
    let name = &c.item().entry.name;
    let own = cx.holdout.then_some(cx.command);
    match c.parent_name() {
        Some(parent) => match cx.knowledge.child(cx.side, parent, name, own) {
            ChildEvidence::Seen => s.add(CORPUS_SEEN, Evidence::Corpus),
            ChildEvidence::Rare => s.add(CORPUS_RARE, Evidence::Corpus),
            ChildEvidence::NotSeen => s.add(CORPUS_NOT_SEEN, Evidence::Corpus),
            ChildEvidence::Unknown => {}
        },
        // A setting repeated in several objects is not the top-level
        // field of its name, when the list has another field of that name.
        None if c.item().nested_namesake => {}
        None => {
            if cx.knowledge.family_root(cx.family_name, name, own) {
                s.add(FAMILY_ROOT, Evidence::Corpus);
            }
            if cx.knowledge.common_root(cx.side, name, own) {
                s.add(COMMON_ROOT, Evidence::Corpus);
            }
            if cx.request_roots.contains(name) {
                s.add(REQUEST_ROOT, Evidence::Corpus);
            }
        }
    }
}

/// What the order and the repetitions of the list show.
fn list_structure(c: &Candidate<'_, '_, '_>, roots: &Roots, suggested: Suggested, s: &mut Score) {
    let item = c.item();
    let name = item.entry.name.as_str();
    let stack = &c.reading.stack;
    let depth = stack.len();
    let here = c.parent().map(|p| p.item);
    // A marker followed by its open sibling's child names is a sibling.
    if item.entry.is_parent_marker() && c.level + 1 == depth {
        let order = &stack[depth - 1].kids;
        let next = c.items[c.pos + 1..].iter().take(order.len()).map(|i| i.name);
        if !order.is_empty() && next.eq(order.iter().copied()) {
            s.add(SIBLING_MARKER, Evidence::Structure);
        }
    }
    if suggested.twin == Some(here) {
        s.add(AS_ITS_TWIN, Evidence::Structure);
    }
    if suggested.collection == Some(here) {
        s.add(COLLECTION_ITEMS, Evidence::Structure);
    }
    // `ike-phase-2` is the sibling of `ike-phase-1`, not its child.
    if stack[..c.level].iter().any(|o| numbered_siblings(name, &c.items[o.item].entry.name)) {
        s.add(INSIDE_NUMBERED_SIBLING, Evidence::Structure);
    }
    // Many objects list their fields in alphabetical order: an entry that
    // would break a sorted run of a level's fields is less likely its own.
    if breaks_sorted_run(c.siblings(), item.name, &roots.ranks) {
        s.add(BREAKS_ORDER, Evidence::Structure);
    }
    // A reference holds the summary of the object it names, a closed shape
    // (a timestamp) its keys: nothing else.
    if c.parent().is_some_and(|p| p.complete) && !SUMMARY.contains(&name) {
        s.add(AFTER_COMPLETE, Evidence::Structure);
    }
    // The block after every copy of a repeated parent stays inside it (a
    // later copy follows its twin instead).
    if item.twin.is_none() && item.block_of.iter().any(|b| stack[c.level..].iter().any(|o| o.item == *b)) {
        s.add(OUT_OF_BLOCK, Evidence::Structure);
    }
    if c.level == depth && depth > 0 && stack[depth - 1].kids.len() == 1 {
        s.add(SECOND_CHILD, Evidence::Rule);
    }
    // `set-*` commands change collections with `add`, `remove` and `update`
    // side by side in one object; that object holds nothing else (but the
    // block the collection takes itself, listed after them).
    if let Some(p) = c.parent() {
        if p.ops > 0 && p.ops == p.kids.len() && item.items_of.is_none() {
            let points = if item.collection_op { COLLECTION_OP } else { -COLLECTION_OP };
            s.add(points, Evidence::Structure);
        }
    }
}

/// Whether two names differ only in a trailing number (`action-1`,
/// `action-2`).
pub(super) fn numbered_siblings(a: &str, b: &str) -> bool {
    fn split(n: &str) -> (&str, &str) {
        let stem = n.trim_end_matches(|c: char| c.is_ascii_digit());
        (stem, &n[stem.len()..])
    }
    let ((stem_a, number_a), (stem_b, number_b)) = (split(a), split(b));
    !stem_a.is_empty() && stem_a == stem_b && !number_a.is_empty() && !number_b.is_empty() && number_a != number_b
}

/// Whether the last fields of a level (by interned name) are in
/// alphabetical order and `name` would come before the last one.
pub(super) fn breaks_sorted_run(kids: &[u32], name: u32, ranks: &[u32]) -> bool {
    let rank = |id: u32| ranks[id as usize];
    let Some(&last) = kids.last() else { return false };
    kids.len() >= SORTED_RUN
        && kids[kids.len() - SORTED_RUN..].windows(2).all(|w| rank(w[0]) < rank(w[1]))
        && rank(name) < rank(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names() {
        assert!(numbered_siblings("ike-phase-1", "ike-phase-2"));
        assert!(numbered_siblings("group1", "group14"));
        assert!(!numbered_siblings("ike-phase-1", "ike-phase-1"));
        assert!(!numbered_siblings("ike-phase-1", "ike-phase"));
        assert!(!numbered_siblings("12", "13"), "a bare number has no stem");
        assert!(!numbered_siblings("action-1", "track-2"));
    }

    #[test]
    fn sorted_runs() {
        // Names by rank: a=0 b=1 c=2 d=3 e=4 f=5.
        let ranks = [0, 1, 2, 3, 4, 5];
        assert!(breaks_sorted_run(&[1, 2, 3, 4, 5], 0, &ranks));
        assert!(!breaks_sorted_run(&[0, 1, 2, 3, 4], 5, &ranks), "it continues the order");
        assert!(!breaks_sorted_run(&[1, 2, 3, 5], 0, &ranks), "too short a run to tell");
        assert!(!breaks_sorted_run(&[1, 3, 2, 4, 5], 0, &ranks), "not sorted");
    }
}
