//! `generator diff OLD NEW`: what changes in the API between two specs, and
//! what each change means for the semver of `generated-client`.
//!
//! Commands and fields are compared by wire name and path, not by Rust type
//! names, so that a change shows where it happens. Rules, from the shape of
//! the generated code (structs and enums are `#[non_exhaustive]`, requests
//! are built with `new(required…)` and setters):
//!
//! - command added: minor; removed: major;
//! - optional request field added: minor; required request field added:
//!   major (the constructor changes); any field removed: major;
//! - response field added: minor;
//! - required flag or type changed: major (the field's Rust type changes);
//! - a field found under another parent: nesting changed, major;
//! - enum value added: minor; removed: major;
//! - documentation only: patch.

use crate::ir::{Api, Command, StructDef, TypeRef};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The semver effect of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Nothing a user's code can see, but the docs.
    Patch,
    /// New API; existing code still compiles.
    Minor,
    /// Existing code may no longer compile or behave the same.
    Major,
}

impl Effect {
    /// `major`, `minor` or `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Major => "major",
            Effect::Minor => "minor",
            Effect::Patch => "patch",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The command (empty for API-wide changes).
    pub command: String,
    /// `request`, `response` or empty.
    pub side: String,
    /// Wire path of the field, `/`-separated (empty for the command).
    pub path: String,
    /// What changed.
    pub what: String,
    /// Its semver effect.
    pub effect: Effect,
}

impl Change {
    fn new(command: &str, side: &str, path: &str, what: String, effect: Effect) -> Change {
        Change { command: command.to_owned(), side: side.to_owned(), path: path.to_owned(), what, effect }
    }
}

/// Every change and the overall verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// The highest effect (patch when nothing changed).
    pub verdict: Effect,
    /// The changes, by command and path.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether a change reaches `level` (`--fail-on`): with no change,
    /// nothing does, not even `patch`.
    pub fn reaches(&self, level: Effect) -> bool {
        self.changes.iter().any(|c| c.effect >= level)
    }
}

/// What a field looks like, for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FieldView {
    ty: String,
    required: bool,
    values: Option<BTreeSet<String>>,
    docs: String,
}

fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::Integer => "integer".into(),
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Secret => "secret string".into(),
        TypeRef::Json => "any JSON".into(),
        TypeRef::Enum(_) => "enum".into(),
        TypeRef::Struct(_) => "object".into(),
        TypeRef::List(inner) => format!("list of {}", describe(inner)),
        TypeRef::OneOrMany(inner) => format!("one or many {}", describe(inner)),
        TypeRef::ObjectOrId(inner) => format!("{} or its id", describe(inner)),
        TypeRef::AnyObject => "object of any type".into(),
        TypeRef::Edit(inner) => format!("collection or changes of {}", describe(inner)),
        TypeRef::Boxed(inner) => describe(inner),
    }
}

fn enum_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a crate::ir::EnumDef> {
    match ty {
        TypeRef::Enum(name) => api.find_enum(name),
        other => enum_of(api, other.inner()?),
    }
}

fn struct_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a StructDef> {
    match ty {
        TypeRef::Struct(name) => api.find_struct(name),
        other => struct_of(api, other.inner()?),
    }
}

/// Every field under a struct, by wire path.
fn fields(api: &Api, s: &StructDef, prefix: &str, out: &mut BTreeMap<String, FieldView>, depth: usize) {
    for f in &s.fields {
        let path = if prefix.is_empty() { f.wire_name.clone() } else { format!("{prefix}/{}", f.wire_name) };
        let values = enum_of(api, &f.ty).map(|e| e.variants.iter().map(|v| v.wire.clone()).collect());
        out.insert(path.clone(), FieldView { ty: describe(&f.ty), required: f.required, values, docs: f.docs.clone() });
        if let Some(inner) = struct_of(api, &f.ty).filter(|_| depth < 32) {
            fields(api, inner, &path, out, depth + 1);
        }
    }
}

fn view(api: &Api, root: &str) -> BTreeMap<String, FieldView> {
    let mut out = BTreeMap::new();
    if let Some(s) = api.find_struct(root) {
        fields(api, s, "", &mut out, 0);
    }
    out
}

/// Compares two APIs.
pub fn diff(old: &Api, new: &Api) -> Diff {
    let mut changes = Vec::new();
    // A change of the command as a whole (no side, no field).
    let change = |command: &str, what: String, effect: Effect| Change::new(command, "", "", what, effect);
    let old_commands: BTreeMap<&str, &Command> = old.commands.iter().map(|c| (c.name.as_str(), c)).collect();
    let new_commands: BTreeMap<&str, &Command> = new.commands.iter().map(|c| (c.name.as_str(), c)).collect();
    for (name, c) in &old_commands {
        if !new_commands.contains_key(name) {
            changes.push(change(name, format!("command removed (`{}`)", c.request), Effect::Major));
        }
    }
    for (name, c) in &new_commands {
        let Some(before) = old_commands.get(name) else {
            changes.push(change(name, format!("command added (`{}`)", c.request), Effect::Minor));
            continue;
        };
        if before.needs_session != c.needs_session || before.lifecycle != c.lifecycle {
            changes.push(change(name, "session behaviour changed".to_owned(), Effect::Major));
        }
        for (what, old_name, new_name) in
            [("request", &before.request, &c.request), ("response", &before.response, &c.response)]
        {
            if old_name != new_name {
                let renamed = format!("{what} type renamed `{old_name}` → `{new_name}`");
                changes.push(change(name, renamed, Effect::Major));
            }
        }
        for (side, old_root, new_root) in
            [("request", &before.request, &c.request), ("response", &before.response_struct, &c.response_struct)]
        {
            compare(name, side, &view(old, old_root), &view(new, new_root), &mut changes);
        }
    }
    let verdict = changes.iter().map(|c| c.effect).max().unwrap_or(Effect::Patch);
    Diff { verdict, changes }
}

fn compare(
    command: &str,
    side: &str,
    old: &BTreeMap<String, FieldView>,
    new: &BTreeMap<String, FieldView>,
    changes: &mut Vec<Change>,
) {
    let request = side == "request";
    let leaf = |path: &str| path.rsplit('/').next().unwrap_or(path).to_owned();
    let mut push =
        |path: &str, what: String, effect: Effect| changes.push(Change::new(command, side, path, what, effect));
    for (path, before) in old {
        let Some(after) = new.get(path) else {
            let moved = new.keys().find(|p| leaf(p) == leaf(path) && !old.contains_key(*p));
            match moved {
                Some(to) => push(path, format!("nesting changed: now at `{to}`"), Effect::Major),
                None => push(path, "field removed".to_owned(), Effect::Major),
            }
            continue;
        };
        if before.ty != after.ty {
            push(path, format!("type changed: {} → {}", before.ty, after.ty), Effect::Major);
        }
        if before.required != after.required {
            let what = if after.required { "now required" } else { "no longer required" };
            push(path, what.to_owned(), Effect::Major);
        }
        if let (Some(a), Some(b)) = (&before.values, &after.values) {
            let removed: Vec<&String> = a.difference(b).collect();
            let added: Vec<&String> = b.difference(a).collect();
            if !removed.is_empty() {
                push(path, format!("enum values removed: {}", quoted(&removed)), Effect::Major);
            }
            if !added.is_empty() {
                push(path, format!("enum values added: {}", quoted(&added)), Effect::Minor);
            }
        }
        if before.docs != after.docs && before.ty == after.ty {
            push(path, "documentation changed".to_owned(), Effect::Patch);
        }
    }
    for (path, after) in new {
        if old.contains_key(path) {
            continue;
        }
        let moved = old.keys().any(|p| leaf(p) == leaf(path) && !new.contains_key(p));
        if moved {
            continue; // reported as a nesting change
        }
        let (what, effect) = match (request, after.required) {
            (true, true) => ("required field added", Effect::Major),
            _ => ("field added", Effect::Minor),
        };
        push(path, what.to_owned(), effect);
    }
}

fn quoted(values: &[&String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

/// The diff as markdown, for a pull request.
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## API changes: **{}**\n", diff.verdict.as_str());
    if diff.changes.is_empty() {
        let _ = writeln!(out, "No change to the API.");
        return out;
    }
    let count = |e: Effect| diff.changes.iter().filter(|c| c.effect == e).count();
    let _ = writeln!(
        out,
        "{} changes: {} major, {} minor, {} patch.\n",
        diff.changes.len(),
        count(Effect::Major),
        count(Effect::Minor),
        count(Effect::Patch)
    );
    let _ = writeln!(out, "| semver | command | where | change |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    let mut sorted: Vec<&Change> = diff.changes.iter().collect();
    sorted.sort_by(|a, b| b.effect.cmp(&a.effect).then(a.command.cmp(&b.command)).then(a.path.cmp(&b.path)));
    for c in sorted {
        let effect = match c.effect {
            Effect::Major => "major",
            Effect::Minor => "minor",
            Effect::Patch => "patch",
        };
        let place = if c.path.is_empty() { c.side.clone() } else { format!("{} `{}`", c.side, c.path) };
        let _ = writeln!(out, "| {effect} | `{}` | {place} | {} |", c.command, c.what.replace('|', "\\|"));
    }
    out
}
