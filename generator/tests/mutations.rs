//! Mutation test: real descriptors, broken in many ways (keys dropped,
//! values of other kinds, text cut, commands duplicated, odd characters,
//! huge strings, deep nesting, names that collide once made Rust names).
//! For every case the generator must not panic, and every error must name
//! the file and a place that exists in it.

use generator::diag::Severity;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CASES: u32 = 10_000;

/// Seeds: small and large descriptors, seeds of the project among them.
fn seeds() -> &'static Vec<(String, Value)> {
    static SEEDS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/api-ref");
        [
            "logout",
            "publish",
            "show-task",
            "add-host",
            "show-hosts",
            "set-host",
            "add-access-rule",
            "add-access-role",
            "set-package",
            "show-smart-task",
            "add-threat-indicator",
            "set-domain",
        ]
        .iter()
        .map(|name| {
            let text = fs::read_to_string(spec.join(format!("{name}.json"))).expect("seed descriptor");
            (format!("{name}.json"), serde_json::from_str(&text).expect("seed JSON"))
        })
        .collect()
    })
}

/// A small deterministic random source driven by the proptest seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Every JSON pointer of a value (breadth-limited for huge documents).
fn pointers(value: &Value) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut i = 0;
    while i < out.len() && out.len() < 4000 {
        let here = out[i].clone();
        match value.pointer(&here) {
            Some(Value::Object(map)) => {
                out.extend(map.keys().map(|k| format!("{here}/{}", k.replace('~', "~0").replace('/', "~1"))))
            }
            Some(Value::Array(items)) => out.extend((0..items.len()).map(|j| format!("{here}/{j}"))),
            _ => {}
        }
        i += 1;
    }
    out
}

const ODD: &[&str] =
    &["", "type", "self", "3des", "ip_address", "IP-Address", "a/b", "~", "é", "\u{0}", "\u{202e}x", "😀", " ", "r#x"];

/// One mutation of `value`; may return raw text instead of JSON.
fn mutate(value: &mut Value, rng: &mut Rng) -> Option<String> {
    let all = pointers(value);
    let at = all[rng.below(all.len())].clone();
    match rng.below(10) {
        0 => {
            // Drop a key.
            if let Some((parent, key)) = at.rsplit_once('/') {
                if let Some(Value::Object(map)) = value.pointer_mut(parent) {
                    let key = key.replace("~1", "/").replace("~0", "~");
                    map.remove(&key);
                }
            }
        }
        1 => {
            // Another kind of value.
            let kinds =
                [json!(null), json!(17), json!(-1.5), json!("x"), json!(true), json!([]), json!({}), json!([1, "a"])];
            if let Some(slot) = value.pointer_mut(&at) {
                *slot = kinds[rng.below(kinds.len())].clone();
            }
        }
        2 => {
            // Cut the text anywhere.
            let text = value.to_string();
            let mut cut = rng.below(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return Some(text[..cut].to_owned());
        }
        3 => {
            // Odd characters or odd names in a string.
            if let Some(slot) = value.pointer_mut(&at) {
                *slot = json!(ODD[rng.below(ODD.len())]);
            }
        }
        4 => {
            // A huge string.
            if let Some(slot) = value.pointer_mut(&at) {
                *slot = json!("x".repeat(100_000 + rng.below(100_000)));
            }
        }
        5 => {
            // Deep nesting.
            if let Some(slot) = value.pointer_mut(&at) {
                let mut deep = slot.clone();
                for _ in 0..(50 + rng.below(300)) {
                    deep = json!([deep]);
                }
                *slot = deep;
            }
        }
        6 => {
            // Many parent markers in a row: a deep tree.
            if let Some(Value::Array(body)) = value.pointer_mut("/request/body") {
                for i in 0..(10 + rng.below(200)) {
                    body.insert(
                        0,
                        json!({"name": format!("p{i}"), "description": "", "type": "Object", "required": false}),
                    );
                }
            }
        }
        7 => {
            // Names and values that collide once made Rust names.
            if let Some(Value::Array(body)) = value.pointer_mut("/request/body") {
                for name in ["ip-address", "ip_address", "IP-Address", "type", "Type", ""] {
                    body.push(json!({"name": name, "description": "d", "type": "string", "required": false,
                                     "valid_values": ["a", "A", "a!", "", "1a", "a b"]}));
                }
            }
        }
        8 => {
            // An odd type string.
            let types = ["integerDescription:", "stringValid", "frobnicate", "", "array of strings", "OBJECT"];
            if let Some(Value::Array(body)) = value.pointer_mut("/request/body") {
                let i = rng.below(body.len());
                if let Some(Value::Object(entry)) = body.get_mut(i) {
                    entry.insert("type".into(), json!(types[rng.below(types.len())]));
                }
            }
        }
        _ => {
            // A broken example.
            if let Some(Value::Object(examples)) = value.pointer_mut("/examples") {
                examples.insert(
                    "broken".into(),
                    json!({"description": "x", "request": "POST x\n\n{\"a\": [1, {\"b\":", "response": "{ ... }"}),
                );
            }
        }
    }
    None
}

fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("generated-client")).unwrap();
        fs::write(
            dir.path().join("generated-client/Cargo.toml"),
            "[features]\n# BEGIN GENERATED FEATURES\n# END GENERATED FEATURES\n",
        )
        .unwrap();
        dir
    })
    .path()
}

fn run_case(seed: u64) {
    let mut rng = Rng(seed | 1);
    let root = scratch();
    let spec = root.join(format!("spec-{}", std::thread::current().name().unwrap_or("t").replace("::", "-")));
    let _ = fs::remove_dir_all(&spec);
    fs::create_dir_all(&spec).unwrap();

    let (name, original) = &seeds()[rng.below(seeds().len())];
    let mut value = original.clone();
    let mut text = None;
    for _ in 0..=rng.below(3) {
        if let Some(raw) = mutate(&mut value, &mut rng) {
            text = Some(raw);
            break;
        }
    }
    let text = text.unwrap_or_else(|| value.to_string());
    // The forms the extractor delivers: markdown (`.md`, `.txt`), plain JSON
    // (`.json`, `.txt`); the loader goes by content.
    let fenced = format!("# x\n\n```json\n{text}\n```\n");
    let (file, content) = match rng.below(8) {
        0 => (name.replace(".json", ".md"), fenced),
        1 => (name.replace(".json", ".txt"), fenced),
        2 => (name.replace(".json", ".txt"), text.clone()),
        _ => (name.clone(), text.clone()),
    };
    fs::write(spec.join(&file), &content).unwrap();
    if rng.below(5) == 0 {
        // The same command twice.
        fs::write(spec.join(format!("copy-{name}")), original.to_string()).unwrap();
    }

    let outcome = catch_unwind(AssertUnwindSafe(|| match generator::analyze(&spec) {
        Ok(analysis) => generator::render(&analysis, root).map(|_| ()).map_err(|f| vec![f]),
        Err(findings) => Err(findings),
    }));
    let Ok(result) = outcome else { panic!("the generator panicked on seed {seed} ({file})") };
    let parsed: Option<Value> = serde_json::from_str(&text).ok();
    for f in result.err().unwrap_or_default().iter().filter(|f| f.severity == Severity::Error) {
        assert!(!f.file.is_empty(), "seed {seed}: an error names no file: {f}");
        if f.file != file || f.line.is_some() {
            continue;
        }
        assert!(f.pointer.is_empty() || f.pointer.starts_with('/'), "seed {seed}: not a pointer: {f}");
        if let Some(doc) = &parsed {
            assert!(doc.pointer(&f.pointer).is_some(), "seed {seed}: the place does not exist in the file: {f}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn broken_descriptors_never_crash_the_generator(seed in any::<u64>()) {
        run_case(seed);
    }
}
