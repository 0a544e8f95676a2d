//! What a flat list says about itself, before any reading: entries grouped
//! into items, and the structure their order shows: child blocks listed
//! twice (and the block a collection takes after its `add` and `remove`
//! blocks), the same parent listed several times with its block, runs of
//! entries listed again, references to other objects, settings repeated in
//! several objects, and the alphabetical order of the names.

use crate::load::Entry;
use std::collections::{BTreeMap, HashMap};

/// Keys of the objects that change a collection (`set-*` commands).
const COLLECTION_OPS: [&str; 3] = ["add", "remove", "update"];

/// How the documentation lists a reference to another object: the other
/// object's summary (what the API answers at `details-level: standard`),
/// `domain` being the summary of its domain.
pub const SUMMARY: [&str; 6] = ["name", "uid", "type", "color", "domain", "icon"];
/// Sorted.
const DOMAIN_SUMMARY: [&str; 3] = ["domain-type", "name", "uid"];

/// The summary field that ends a reference.
pub const SUMMARY_END: &str = "icon";

/// One entry, after doubled blocks are collapsed.
pub struct Item<'e> {
    /// The entry.
    pub entry: &'e Entry,
    /// Interned name.
    pub name: u32,
    /// Its child block was listed twice.
    pub repeated: bool,
    /// It may open a nested object.
    pub opens: bool,
    /// Its valid values hint at its first enum descendant (markers only).
    pub hint: bool,
    /// Items this one must be outside of (end of a doubled block).
    pub close: Vec<usize>,
    /// Items this one must be inside of (the first copy of a doubled block).
    pub inside: Vec<usize>,
    /// Its name is `add`, `remove` or `update`.
    pub collection_op: bool,
    /// Parents this one is likely inside of: it is in the block that
    /// follows every copy of a parent listed several times.
    pub block_of: Vec<usize>,
    /// It holds a reference to another object (its summary fields).
    pub reference: bool,
    /// Its counterpart in an earlier run of the same entries.
    pub twin: Option<Twin>,
    /// It starts the block a collection takes itself, listed after the
    /// collection's `add` or `remove` block (that item): it belongs to the
    /// collection, beside the operation.
    pub items_of: Option<usize>,
    /// The list holds its name with another description too, and this
    /// description several times: the same setting in several objects,
    /// while the other field may be the one the name stands for elsewhere
    /// (at the top level).
    pub nested_namesake: bool,
}

/// Where an item repeats an earlier one: a run of entries listed again
/// (the block a collection takes after its `add` and `remove` blocks, the
/// same settings under several features) nests the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Twin {
    /// The earlier item at the same place of the earlier run.
    pub earlier: usize,
    /// The first item of this run.
    pub start: usize,
    /// The first item of the earlier run.
    pub earlier_start: usize,
}

/// The shortest run worth aligning: shorter repeats are common fields
/// (`name`, `uid`) more than repeated structure.
const MIN_TWIN_RUN: usize = 3;

/// Whether two entries are the same listing (name, type, description and
/// valid values): the documentation repeating itself.
fn same_entry(a: &Entry, b: &Entry) -> bool {
    a.name == b.name && a.ty == b.ty && a.description == b.description && a.valid_values == b.valid_values
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

/// Whether the entry at `at`, right after the doubled block of the
/// collection operation `op`, starts the same entries again: the block the
/// collection takes itself (`set-*` commands accept `{"add": [...]}` or the
/// whole list).
fn is_collection_items(entries: &[Entry], op: usize, at: usize) -> bool {
    COLLECTION_OPS.contains(&entries[op].name.as_str())
        && entries.get(op + 1).is_some_and(|e| e.name == entries[at].name)
}

/// Finds child blocks listed twice right after an entry ("object or array
/// of objects"): the second copy is dropped, the entry becomes a parent of
/// the first, and the entry after the copies must be outside it. The
/// shortest doubled block is taken (a block listed four times is two
/// doubled blocks), and a block doubled inside the first copy of another
/// stays inside that copy. After the doubled blocks of a collection's `add`
/// and `remove`, the block the collection takes itself is listed twice too:
/// its second copy is dropped, and its first item is marked as the
/// collection's own.
pub fn collapse_doubled_blocks(entries: &[Entry]) -> Vec<Item<'_>> {
    let mut doubling = Doubling::new(entries);
    for i in 0..entries.len() {
        if doubling.dropped[i] {
            continue;
        }
        if let Some(op) = doubling.after_doubled[i].filter(|&op| is_collection_items(entries, op, i)) {
            doubling.items_of.insert(i, op);
        }
        match doubling.block_after(i) {
            Some(k) => doubling.take_block_after(i, k),
            // `set-*` commands list a collection's `add` and `remove`
            // blocks twice each, then the block the collection itself
            // takes, twice too: the second copy repeats the first.
            None if doubling.after_doubled[i].is_some() => {
                if let Some(k) = doubling.block_twice_from(i) {
                    doubling.drop_second_copy(i, k);
                }
            }
            None => {}
        }
    }
    doubling.items()
}

/// The search for doubled blocks, entry by entry.
struct Doubling<'e> {
    entries: &'e [Entry],
    dropped: Vec<bool>,
    /// Entries whose child block is listed twice.
    repeated: Vec<bool>,
    /// Entries that must be outside these entries.
    close: BTreeMap<usize, Vec<usize>>,
    /// Entries that must be inside these entries.
    inside: BTreeMap<usize, Vec<usize>>,
    /// Where an entry is inside the first copy of a doubled block, the end
    /// of that copy: a block nested in it is doubled within it.
    end: Vec<usize>,
    /// At the entry right after the second copy of a doubled block: the
    /// entry that took the block.
    after_doubled: Vec<Option<usize>>,
    /// Entries that start a collection's own block, after its `add` or
    /// `remove` block: the operation's entry.
    items_of: BTreeMap<usize, usize>,
}

impl<'e> Doubling<'e> {
    fn new(entries: &'e [Entry]) -> Doubling<'e> {
        let n = entries.len();
        Doubling {
            entries,
            dropped: vec![false; n],
            repeated: vec![false; n],
            close: BTreeMap::new(),
            inside: BTreeMap::new(),
            end: vec![n; n],
            after_doubled: vec![None; n],
            items_of: BTreeMap::new(),
        }
    }

    /// Whether the `k` entries from `a` are listed again from `b`.
    fn same_run(&self, a: usize, b: usize, k: usize) -> bool {
        (0..k).all(|t| same_entry(&self.entries[a + t], &self.entries[b + t]))
    }

    /// The length of the shortest block listed twice right after entry
    /// `i`, when `i` can take it.
    fn block_after(&self, i: usize) -> Option<usize> {
        let marker = self.entries[i].is_parent_marker();
        // A single entry listed twice is too weak a sign for a non-marker.
        let min = if marker { 1 } else { 2 };
        let max = self.end[i].saturating_sub(i + 1) / 2;
        (min..=max).find(|&k| {
            self.same_run(i + 1, i + 1 + k, k)
                // A value that also takes an object takes a flat one; a
                // repeated block with nested objects is the same structure
                // at two levels.
                && (marker || plain_block(self.entries, i, k))
        })
    }

    /// The length of the shortest block (of two entries or more) listed
    /// twice from entry `i`.
    fn block_twice_from(&self, i: usize) -> Option<usize> {
        (2..=(self.end[i] - i) / 2).find(|&k| self.same_run(i, i + k, k))
    }

    /// Entry `i` takes the block of `k` entries after it, listed twice.
    fn take_block_after(&mut self, i: usize, k: usize) {
        self.repeated[i] = true;
        self.drop_second_copy(i + 1, k);
        for t in i + 1..i + 1 + k {
            self.inside.entry(t).or_default().push(i);
        }
        let after = i + 1 + 2 * k;
        if after < self.entries.len() {
            self.close.entry(after).or_default().push(i);
            self.after_doubled[after] = Some(i);
        }
    }

    /// Drops the second copy of the `k` entries from `i`.
    fn drop_second_copy(&mut self, i: usize, k: usize) {
        for flag in &mut self.dropped[i + k..i + 2 * k] {
            *flag = true;
        }
        for end in &mut self.end[i..i + k] {
            *end = i + k;
        }
    }

    /// The entries kept, as items.
    fn items(mut self) -> Vec<Item<'e>> {
        let entries = self.entries;
        let kept: Vec<usize> = (0..entries.len()).filter(|&i| !self.dropped[i]).collect();
        let position: HashMap<usize, usize> = kept.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let positions = |list: Option<Vec<usize>>| -> Vec<usize> {
            list.unwrap_or_default().iter().filter_map(|p| position.get(p).copied()).collect()
        };
        let mut names: HashMap<&str, u32> = HashMap::new();
        let mut items = Vec::with_capacity(kept.len());
        for &i in &kept {
            let next = names.len() as u32;
            let name = *names.entry(entries[i].name.as_str()).or_insert(next);
            let marker = entries[i].is_parent_marker();
            items.push(Item {
                entry: &entries[i],
                name,
                repeated: self.repeated[i],
                opens: marker || self.repeated[i],
                hint: marker,
                close: positions(self.close.remove(&i)),
                inside: positions(self.inside.remove(&i)),
                collection_op: COLLECTION_OPS.contains(&entries[i].name.as_str()),
                block_of: Vec::new(),
                reference: false,
                twin: None,
                items_of: self.items_of.get(&i).and_then(|op| position.get(op).copied()),
                nested_namesake: false,
            });
        }
        items
    }
}

/// A parent listed several times in one list (the same settings under
/// several features) is followed each time by its children. The entries
/// that follow every copy alike, up to the first nested parent, are its
/// children; where the copies are followed by different entries (or one
/// copy by the end of the list), the block has ended. When the first copy
/// reaches the end of the list, nothing is learned (the block's end is
/// unknown).
pub fn mark_repeated_parent_blocks(items: &mut [Item<'_>]) {
    let mut copies: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (pos, item) in items.iter().enumerate() {
        if item.hint {
            copies.entry(item.name).or_default().push(pos);
        }
    }
    let same = |a: &Item<'_>, b: &Item<'_>| a.name == b.name && a.entry.description == b.entry.description;
    for starts in copies.values().filter(|s| s.len() > 1) {
        let mut len = 0;
        let ended = loop {
            let next: Vec<Option<&Item<'_>>> = starts.iter().map(|&s| items.get(s + 1 + len)).collect();
            let Some(Some(first)) = next.first() else { break false };
            if first.opens {
                break true;
            }
            if !next.iter().all(|n| n.is_some_and(|n| same(n, first))) {
                break true;
            }
            len += 1;
        };
        if !ended || len == 0 {
            continue;
        }
        for &start in starts {
            for item in &mut items[start + 1..=start + len] {
                item.block_of.push(start);
            }
        }
    }
}

/// Finds references to other objects: a parent followed by summary fields
/// (`name`, `uid`, `type`, `color`), its `domain` summary (`name`, `uid`,
/// `domain-type`) and `icon`. `icon` closes `domain` and belongs to the
/// reference, which ends with it.
pub fn mark_references(items: &mut [Item<'_>]) {
    for domain in 0..items.len() {
        let Some((icon, parent)) = reference_at(items, domain) else { continue };
        items[icon].close.push(domain);
        if let Some(parent) = parent {
            items[parent].reference = true;
            for item in &mut items[parent + 1..=icon] {
                item.inside.push(parent);
            }
        }
    }
}

/// Where the domain summary at `domain` is followed by `icon`: the position
/// of `icon`, and the reference parent when summary fields lead from it to
/// `domain`.
fn reference_at(items: &[Item<'_>], domain: usize) -> Option<(usize, Option<usize>)> {
    let item = &items[domain];
    if item.entry.name != "domain" || !item.hint {
        return None;
    }
    let icon = domain + 1 + DOMAIN_SUMMARY.len();
    let mut summary: Vec<&str> = items.get(domain + 1..icon)?.iter().map(|i| i.entry.name.as_str()).collect();
    summary.sort_unstable();
    if summary != DOMAIN_SUMMARY || items.get(icon)?.entry.name != SUMMARY_END {
        return None;
    }
    let leading =
        items[..domain].iter().rev().take_while(|i| !i.opens && SUMMARY[..4].contains(&i.entry.name.as_str())).count();
    let parent = (domain - leading).checked_sub(1).filter(|&p| leading > 0 && items[p].opens);
    Some((icon, parent))
}

/// Finds runs of entries that repeat an earlier run (same names, types,
/// descriptions, valid values) and holds a nested parent: each item of the
/// later run gets its earlier twin. At each position the longest earlier
/// match is taken.
pub fn mark_twins(items: &mut [Item<'_>]) {
    let same = |a: &Item<'_>, b: &Item<'_>| same_entry(a.entry, b.entry);
    let mut earlier_of: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut pos = 0;
    while pos < items.len() {
        let candidates = earlier_of.get(&items[pos].name).map(Vec::as_slice).unwrap_or_default();
        let matched = |&from: &usize| {
            let len =
                (0..pos - from).take_while(|&o| items.get(pos + o).is_some_and(|i| same(i, &items[from + o]))).count();
            (len, from)
        };
        let best = candidates.iter().map(matched).max_by_key(|&(len, from)| (len, std::cmp::Reverse(from)));
        let run = best.filter(|&(len, from)| len >= MIN_TWIN_RUN && items[from..from + len].iter().any(|i| i.opens));
        let len = run.map_or(1, |(len, _)| len);
        if let Some((_, from)) = run {
            for o in 0..len {
                items[pos + o].twin = Some(Twin { earlier: from + o, start: pos, earlier_start: from });
            }
        }
        for (p, item) in items.iter().enumerate().skip(pos).take(len) {
            earlier_of.entry(item.name).or_default().push(p);
        }
        pos += len;
    }
}

/// The alphabetical rank of every interned name (indexed by name).
pub fn name_ranks(items: &[Item<'_>]) -> Vec<u32> {
    let mut names: Vec<(&str, u32)> = items.iter().map(|i| (i.entry.name.as_str(), i.name)).collect();
    names.sort_unstable();
    names.dedup();
    let mut ranks = vec![0; names.iter().map(|(_, id)| *id as usize + 1).max().unwrap_or(0)];
    for (rank, (_, id)) in names.iter().enumerate() {
        ranks[*id as usize] = rank as u32;
    }
    ranks
}

/// Marks the items whose name the list holds with several descriptions,
/// their own description more than once.
pub fn mark_nested_namesakes(items: &mut [Item<'_>]) {
    let mut descriptions: HashMap<u32, HashMap<&str, usize>> = HashMap::new();
    for item in items.iter() {
        *descriptions.entry(item.name).or_default().entry(&item.entry.description).or_default() += 1;
    }
    let nested: Vec<bool> = items
        .iter()
        .map(|item| {
            let of_name = &descriptions[&item.name];
            of_name.len() > 1 && of_name[item.entry.description.as_str()] > 1
        })
        .collect();
    for (item, nested) in items.iter_mut().zip(nested) {
        item.nested_namesake = nested;
    }
}
