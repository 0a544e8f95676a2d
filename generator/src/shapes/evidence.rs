//! What the examples say about nesting, for one command and for the whole API.

use crate::examples::ParsedExample;
use crate::overrides::Side;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Key paths seen in one command's examples, for one side. Arrays are
/// transparent: `{"a": [{"b": 1}]}` gives the paths `a` and `a/b`.
#[derive(Debug, Default)]
pub struct Local {
    /// Every key path seen.
    pub paths: BTreeSet<Vec<String>>,
    /// Paths seen holding an object (or array of objects), with their keys.
    pub objects: BTreeMap<Vec<String>, BTreeSet<String>>,
    /// The same paths as a tree, for quick walks.
    trie: Vec<TrieNode>,
    /// The keys seen in objects under each key name, wherever it was.
    under_name: HashMap<String, HashSet<String>>,
    /// Only the tree and the keys by name are kept (`paths` and `objects`
    /// stay empty): a family's pool needs no more.
    lean: bool,
}

#[derive(Debug, Default)]
struct TrieNode {
    children: HashMap<String, u32>,
    object: bool,
}

/// A place in a command's examples (a key path), found by walking from the
/// root with [`Local::child`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalNode(u32);

impl Local {
    /// Collects the JSON examples of one side.
    pub fn collect(examples: &[ParsedExample], side: Side) -> Local {
        let mut local = Local::default();
        for example in examples {
            let part = match side {
                Side::Request => &example.request,
                Side::Response => &example.response,
            };
            if let Some(value) = part.json() {
                local.add_root(value);
            }
        }
        local
    }

    /// Collects objects that stand for one object (a family's pool); only
    /// the walks from the root and [`Local::seen_under`] answer.
    pub fn from_objects<'v>(objects: impl Iterator<Item = &'v Value>) -> Local {
        let mut local = Local { lean: true, ..Local::default() };
        for value in objects {
            local.add_root(value);
        }
        local
    }

    fn add_root(&mut self, value: &Value) {
        if value.is_object() {
            if self.trie.is_empty() {
                self.trie.push(TrieNode::default());
            }
            self.walk(value, &mut Vec::new(), 0);
        }
    }

    fn walk(&mut self, value: &Value, path: &mut Vec<String>, node: u32) {
        match value {
            Value::Object(map) => {
                self.trie[node as usize].object = true;
                if !self.lean {
                    self.objects.entry(path.clone()).or_default().extend(map.keys().cloned());
                }
                if let Some(parent) = path.last() {
                    self.under_name.entry(parent.clone()).or_default().extend(map.keys().cloned());
                }
                for (key, child) in map {
                    path.push(key.clone());
                    if !self.lean {
                        self.paths.insert(path.clone());
                    }
                    let next = self.trie.len() as u32;
                    let id = *self.trie[node as usize].children.entry(key.clone()).or_insert(next);
                    if id == next {
                        self.trie.push(TrieNode::default());
                    }
                    self.walk(child, path, id);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, path, node);
                }
            }
            _ => {}
        }
    }

    /// The root, when an example of this side was an object.
    pub fn root(&self) -> Option<LocalNode> {
        (!self.trie.is_empty()).then_some(LocalNode(0))
    }

    /// The key `name` under `node`, if an example has it.
    pub fn child(&self, node: LocalNode, name: &str) -> Option<LocalNode> {
        self.trie.get(node.0 as usize)?.children.get(name).copied().map(LocalNode)
    }

    /// Whether an object under a key named `parent`, anywhere, held `key`.
    pub fn seen_under(&self, parent: &str, key: &str) -> bool {
        self.under_name.get(parent).is_some_and(|keys| keys.contains(key))
    }

    /// Whether an example holds an object (or objects) at `node`.
    pub fn is_object(&self, node: LocalNode) -> bool {
        self.trie.get(node.0 as usize).is_some_and(|n| n.object)
    }

    /// Whether any example of this side was an object.
    pub fn has_root(&self) -> bool {
        !self.trie.is_empty()
    }
}

/// Counts of keys under parent names, for one side of some examples.
#[derive(Debug, Default)]
struct Counts {
    /// How many objects were seen under each key name.
    parents: HashMap<String, u32>,
    /// How often each child key was seen under each parent name.
    children: HashMap<String, HashMap<String, u32>>,
    /// Keys seen at the root.
    roots: BTreeSet<String>,
}

impl Counts {
    fn of(local: &Local) -> Counts {
        let mut c = Counts::default();
        for (path, keys) in &local.objects {
            match path.last() {
                None => c.roots.extend(keys.iter().cloned()),
                Some(parent) => {
                    *c.parents.entry(parent.clone()).or_default() += 1;
                    let children = c.children.entry(parent.clone()).or_default();
                    for key in keys {
                        *children.entry(key.clone()).or_default() += 1;
                    }
                }
            }
        }
        c
    }
}

/// Evidence gathered from the examples of every command.
#[derive(Debug, Default)]
pub struct Knowledge {
    sides: [SideKnowledge; 2],
    /// In how many (command, side) pairs of each family each key was seen
    /// at the root.
    family_roots: BTreeMap<String, HashMap<String, u32>>,
    /// Each command's own counts, to leave them out on request.
    own: HashMap<(String, usize), Counts>,
    /// Every set of keys seen in one object (below the top level): under
    /// which parent names, in which commands.
    key_sets: BTreeMap<Vec<String>, KeySet>,
    /// The sets of keys that make a closed shape, sorted.
    closed: BTreeSet<Vec<String>>,
}

#[derive(Debug, Default)]
struct KeySet {
    parents: BTreeSet<String>,
    commands: BTreeSet<String>,
}

/// How widely a set of keys must be seen, always alone, to be a closed
/// shape: under this many parent names, in this many commands.
const CLOSED_PARENTS: usize = 5;
const CLOSED_COMMANDS: usize = 10;

#[derive(Debug, Default)]
struct SideKnowledge {
    all: Counts,
    /// In how many commands each key was seen at the root.
    roots: HashMap<String, u32>,
    /// How many commands had a JSON example on this side.
    commands: u32,
}

/// What the examples say about placing a key under a parent name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildEvidence {
    /// The parent was never seen holding an object.
    Unknown,
    /// The parent was seen holding this key.
    Seen,
    /// The parent was seen with this key rarely (under one time in twenty):
    /// more likely a misplaced or unusual object than the rule.
    Rare,
    /// The parent was seen, never with this key.
    NotSeen,
}

fn index(side: Side) -> usize {
    match side {
        Side::Request => 0,
        Side::Response => 1,
    }
}

impl Knowledge {
    /// Adds one command's local evidence.
    pub fn add(&mut self, command: &str, side: Side, local: &Local) {
        let counts = Counts::of(local);
        let k = &mut self.sides[index(side)];
        if local.has_root() {
            k.commands += 1;
        }
        for key in &counts.roots {
            *k.roots.entry(key.clone()).or_default() += 1;
            *self.family_roots.entry(family(command)).or_default().entry(key.clone()).or_default() += 1;
        }
        for (parent, n) in &counts.parents {
            *k.all.parents.entry(parent.clone()).or_default() += n;
        }
        for (parent, children) in &counts.children {
            let all = k.all.children.entry(parent.clone()).or_default();
            for (child, n) in children {
                *all.entry(child.clone()).or_default() += n;
            }
        }
        self.own.insert((command.to_owned(), index(side)), counts);
        for (path, keys) in &local.objects {
            let Some(parent) = path.last() else { continue };
            let set = self.key_sets.entry(keys.iter().cloned().collect()).or_default();
            set.parents.insert(parent.clone());
            set.commands.insert(command.to_owned());
        }
    }

    /// Finds the closed shapes once every command is added: sets of keys
    /// seen under many parent names in many commands, never with another
    /// key (a timestamp: `iso-8601`, `posix`). An object whose children are
    /// such a set is complete.
    pub fn finish(&mut self) {
        let wide = |set: &KeySet| set.parents.len() >= CLOSED_PARENTS && set.commands.len() >= CLOSED_COMMANDS;
        let candidates: Vec<&Vec<String>> =
            self.key_sets.iter().filter(|(keys, set)| keys.len() >= 2 && wide(set)).map(|(k, _)| k).collect();
        let extended = |keys: &Vec<String>| {
            self.key_sets
                .keys()
                .any(|other| other.len() > keys.len() && keys.iter().all(|k| other.binary_search(k).is_ok()))
        };
        self.closed = candidates.into_iter().filter(|keys| !extended(keys)).cloned().collect();
    }

    /// Whether these keys (sorted) make a closed shape.
    pub fn closes(&self, keys: &[&str]) -> bool {
        self.closed.iter().any(|c| c.len() == keys.len() && c.iter().zip(keys).all(|(a, b)| a == b))
    }

    fn own(&self, command: Option<&str>, side: Side) -> Option<&Counts> {
        command.and_then(|c| self.own.get(&(c.to_owned(), index(side))))
    }

    /// Whether objects under the key `parent` were seen holding `child`;
    /// `without` leaves that command's examples out.
    pub fn child(&self, side: Side, parent: &str, child: &str, without: Option<&str>) -> ChildEvidence {
        let all = &self.sides[index(side)].all;
        let own = self.own(without, side);
        let seen_parent = all.parents.get(parent).copied().unwrap_or(0)
            - own.and_then(|o| o.parents.get(parent)).copied().unwrap_or(0);
        if seen_parent == 0 {
            return ChildEvidence::Unknown;
        }
        let count = |c: &Counts| c.children.get(parent).and_then(|m| m.get(child)).copied().unwrap_or(0);
        let seen = count(all) - own.map_or(0, count);
        if seen == 0 {
            ChildEvidence::NotSeen
        } else if seen * 20 < seen_parent {
            ChildEvidence::Rare
        } else {
            ChildEvidence::Seen
        }
    }

    /// Whether `key` is a common root key of this side across commands.
    pub fn common_root(&self, side: Side, key: &str, without: Option<&str>) -> bool {
        let k = &self.sides[index(side)];
        let own = self.own(without, side);
        let mine = own.is_some_and(|o| o.roots.contains(key));
        let seen = k.roots.get(key).copied().unwrap_or(0) - u32::from(mine);
        let commands = k.commands - u32::from(own.is_some_and(|o| !o.roots.is_empty()));
        // One command in a hundred is enough: root keys of one command are
        // rarely the names of nested fields elsewhere.
        seen >= 2 && u64::from(seen) * 100 >= u64::from(commands)
    }

    /// Whether `key` was seen at the root of a command of the same family
    /// (`family` is the command's, see [`family`]).
    pub fn family_root(&self, family: &str, key: &str, without: Option<&str>) -> bool {
        let total = self.family_roots.get(family).and_then(|keys| keys.get(key)).copied().unwrap_or(0);
        let mine = [Side::Request, Side::Response]
            .into_iter()
            .filter(|s| self.own(without, *s).is_some_and(|o| o.roots.contains(key)))
            .count() as u32;
        total > mine
    }
}

/// The family of a command: the object it acts on, verb removed and words
/// made singular (`show-hosts`, `add-host`, `set-host` → `host`).
///
/// Where the verb's object is a phrase (`login-to-domain`,
/// `revert-to-revision`), not an object, the command is a family of its
/// own, so its types are named after it (`LoginToDomain…`, not
/// `ToDomain…`) and its evidence pools with no other command's.
pub fn family(command: &str) -> String {
    let object = command.split_once('-').map_or(command, |(_, rest)| rest);
    if PREPOSITIONS.contains(&object.split('-').next().unwrap_or_default()) {
        return command.to_owned();
    }
    object.split('-').map(singular).collect::<Vec<_>>().join("-")
}

/// Words that open a phrase rather than name an object.
const PREPOSITIONS: &[&str] = &["to", "from", "by", "in", "on", "for", "with", "of", "into", "as"];

/// A simple English singular, good enough for API object names.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        if !stem.is_empty() {
            return format!("{stem}y");
        }
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    // `https` is a protocol, not a plural.
    if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && word != "https"
    {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(family("show-hosts"), "host");
        assert_eq!(family("add-host"), "host");
        assert_eq!(family("show-services-tcp"), "service-tcp");
        assert_eq!(family("show-https-rules"), "https-rule");
        assert_eq!(family("show-address-ranges"), "address-range");
        assert_eq!(family("show-access-policies"), "access-policy");
        assert_eq!(family("publish"), "publish");
    }
}
