//! What the examples say about nesting, for one command and for the whole API.

use crate::examples::ParsedExample;
use crate::overrides::Side;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Key paths seen in one command's examples, for one side. Arrays are
/// transparent: `{"a": [{"b": 1}]}` gives the paths `a` and `a/b`.
#[derive(Debug, Default)]
pub struct Local {
    /// Every key path seen.
    pub paths: BTreeSet<Vec<String>>,
    /// Paths seen holding an object (or array of objects), with their keys.
    pub objects: BTreeMap<Vec<String>, BTreeSet<String>>,
}

impl Local {
    /// Collects the JSON examples of one side.
    pub fn collect(examples: &[ParsedExample], side: Side) -> Local {
        let mut local = Local::default();
        for example in examples {
            let part = match side {
                Side::Request => &example.request,
                Side::Response => &example.response,
            };
            if let Some(value @ Value::Object(_)) = part.json() {
                local.walk(value, &mut Vec::new());
            }
        }
        local
    }

    fn walk(&mut self, value: &Value, path: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                let keys = self.objects.entry(path.clone()).or_default();
                keys.extend(map.keys().cloned());
                for (key, child) in map {
                    path.push(key.clone());
                    self.paths.insert(path.clone());
                    self.walk(child, path);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, path);
                }
            }
            _ => {}
        }
    }

    /// Whether any example of this side was an object.
    pub fn has_root(&self) -> bool {
        self.objects.contains_key(&Vec::new())
    }
}

/// Evidence gathered from the examples of every command.
#[derive(Debug, Default)]
pub struct Knowledge {
    sides: [SideKnowledge; 2],
    /// Root keys seen in the examples of each command family (both sides).
    family_roots: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Debug, Default)]
struct SideKnowledge {
    /// How many objects were seen under each key name.
    parents: HashMap<String, u32>,
    /// How often each (parent key, child key) pair was seen.
    children: HashMap<(String, String), u32>,
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
        let k = &mut self.sides[index(side)];
        if local.has_root() {
            k.commands += 1;
        }
        for (path, keys) in &local.objects {
            match path.last() {
                None => {
                    for key in keys {
                        *k.roots.entry(key.clone()).or_default() += 1;
                    }
                    self.family_roots.entry(family(command)).or_default().extend(keys.iter().cloned());
                }
                Some(parent) => {
                    *k.parents.entry(parent.clone()).or_default() += 1;
                    for key in keys {
                        *k.children.entry((parent.clone(), key.clone())).or_default() += 1;
                    }
                }
            }
        }
    }

    /// Whether objects under the key `parent` were seen holding `child`.
    pub fn child(&self, side: Side, parent: &str, child: &str) -> ChildEvidence {
        let k = &self.sides[index(side)];
        if !k.parents.contains_key(parent) {
            return ChildEvidence::Unknown;
        }
        if k.children.contains_key(&(parent.to_owned(), child.to_owned())) {
            ChildEvidence::Seen
        } else {
            ChildEvidence::NotSeen
        }
    }

    /// Whether `key` is a common root key of this side across commands.
    pub fn common_root(&self, side: Side, key: &str) -> bool {
        let k = &self.sides[index(side)];
        let seen = k.roots.get(key).copied().unwrap_or(0);
        // One command in a hundred is enough: root keys of one command are
        // rarely the names of nested fields elsewhere.
        seen >= 2 && u64::from(seen) * 100 >= u64::from(k.commands)
    }

    /// Whether `key` was seen at the root of a command of the same family.
    pub fn family_root(&self, command: &str, key: &str) -> bool {
        self.family_roots.get(&family(command)).is_some_and(|keys| keys.contains(key))
    }
}

/// The family of a command: the object it acts on, verb removed and words
/// made singular (`show-hosts`, `add-host`, `set-host` → `host`).
pub fn family(command: &str) -> String {
    let object = command.split_once('-').map_or(command, |(_, rest)| rest);
    object.split('-').map(singular).collect::<Vec<_>>().join("-")
}

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
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is")
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
        assert_eq!(family("show-address-ranges"), "address-range");
        assert_eq!(family("show-access-policies"), "access-policy");
        assert_eq!(family("publish"), "publish");
    }
}
