//! A type's name does not depend on which other commands exist: the API
//! generated from a part of the spec names every type its commands reach as
//! the whole API does. New descriptors that arrive must not rename the types
//! of commands they do not touch (downstream code would break on a
//! regeneration that changed nothing it uses).

mod common;

use generator::ir::{Api, TypeRef};
use std::collections::BTreeMap;
use std::path::Path;

/// Every (command, side, wire path) → the name of the type there and its
/// shape (field names, or values), for every struct and enum a command
/// reaches.
fn names_by_path(api: &Api) -> BTreeMap<(String, String), (String, String)> {
    fn walk(api: &Api, ty: &TypeRef, at: String, out: &mut BTreeMap<String, (String, String)>, depth: usize) {
        if depth > 12 {
            return;
        }
        match ty {
            TypeRef::Enum(name) => {
                let values = api.find_enum(name).map(|e| e.variants.len()).unwrap_or_default();
                out.insert(at, (name.clone(), format!("{values} values")));
            }
            TypeRef::Struct(name) => {
                let shape = api
                    .find_struct(name)
                    .map(|s| s.fields.iter().map(|f| f.wire_name.as_str()).collect::<Vec<_>>().join(","));
                out.insert(at.clone(), (name.clone(), shape.unwrap_or_default()));
                if let Some(s) = api.find_struct(name) {
                    for f in &s.fields {
                        walk(api, &f.ty, format!("{at}/{}", f.wire_name), out, depth + 1);
                    }
                }
            }
            other => {
                if let Some(inner) = other.inner() {
                    walk(api, inner, at, out, depth);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for c in &api.commands {
        // Roots by the command's own names (a shared answer struct is an
        // alias per command).
        for (side, root) in [("request", &c.request), ("response", &c.response)] {
            let mut paths = BTreeMap::new();
            walk(api, &TypeRef::Struct(root.clone()), String::new(), &mut paths, 0);
            for (path, name) in paths {
                out.insert((c.name.clone(), format!("{side}{path}")), name);
            }
        }
    }
    out
}

/// Copies the spec folder without the descriptors `drop` selects (by file,
/// in sorted order); the overrides and the commands they name stay.
fn partial_spec(into: &Path, drop: impl Fn(usize, &str) -> bool) {
    let spec = common::spec();
    let kept_by_overrides = ["login", "show-session"];
    let mut files: Vec<_> = walkdir(&spec);
    files.sort();
    for (index, rel) in files.iter().enumerate() {
        let command = Path::new(rel).file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let is_descriptor = rel.ends_with(".json") || rel.ends_with(".md");
        if is_descriptor && !kept_by_overrides.contains(&command) && drop(index, command) {
            continue;
        }
        let target = into.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(spec.join(rel), target).unwrap();
    }
}

fn walkdir(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// The types of the part that the whole names otherwise although they
/// have the same shape there; and how many places changed shape (more
/// descriptors are more evidence: a type may be rebuilt differently, which
/// is not a naming fault).
fn renamed(part: &Api, whole: &Api) -> (Vec<String>, usize) {
    let whole = names_by_path(whole);
    let mut reshaped = 0;
    let mut renamed = Vec::new();
    for (place, (name, shape)) in names_by_path(part) {
        let Some((other, other_shape)) = whole.get(&place) else { continue };
        if *other == name {
            continue;
        }
        if *other_shape == shape {
            renamed.push(format!("{} {}: `{name}` in the part, `{other}` in the whole", place.0, place.1));
        } else {
            reshaped += 1;
        }
    }
    (renamed, reshaped)
}

fn check(drop: impl Fn(usize, &str) -> bool, what: &str) {
    let whole = &common::analysis().api;
    let dir = tempfile::tempdir().unwrap();
    partial_spec(dir.path(), drop);
    let part = generator::analyze(dir.path()).unwrap_or_else(|f| panic!("the part does not generate: {f:#?}"));
    assert!(part.api.commands.len() < whole.commands.len(), "the part must lack some commands");
    let (renamed, reshaped) = renamed(&part.api, whole);
    eprintln!("{what}: {reshaped} places hold a type of another shape in the whole (more evidence)");
    assert!(
        renamed.is_empty(),
        "{what}: {} types are named otherwise when the other commands are added:\n{}",
        renamed.len(),
        renamed.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// One descriptor in seven missing, spread over every family: as when the
/// 120 descriptors this spec lacks arrive.
#[test]
fn types_keep_their_names_when_descriptors_arrive() {
    check(|index, _| index % 7 == 3, "every seventh descriptor missing");
}

/// Whole families missing (every command about hosts, networks, groups),
/// and a family whose plural listing is missing.
#[test]
fn types_keep_their_names_when_families_arrive() {
    check(
        |_, command| {
            ["host", "network", "group"]
                .iter()
                .any(|f| command.ends_with(&format!("-{f}")) || command.ends_with(&format!("-{f}s")))
                || command == "show-access-layers"
        },
        "whole families missing",
    );
}
