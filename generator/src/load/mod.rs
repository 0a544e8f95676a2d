//! Stage 1: files → raw descriptors.
//!
//! Reads every `.md` (one fenced json block) and `.json` file under the spec
//! folder, recursively and in a stable order, plus the overrides file. Every
//! problem names the file and a JSON pointer (or a line, for text that is not
//! JSON yet). Nothing here interprets nesting: that is the shapes stage.

mod descriptor;
mod markdown;
mod types;

pub use descriptor::{Descriptor, Entry, Example, Origin};
pub use types::{parse_type, TypeParse, WireType};

use crate::diag::{Finding, Findings, Rule};
use crate::overrides::{self, Overrides};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the overrides file, at the top of the spec folder.
pub const OVERRIDES_FILE: &str = "overrides.toml";

/// Everything read from the spec folder.
#[derive(Debug, Default)]
pub struct Spec {
    /// Descriptors, sorted by command name.
    pub descriptors: Vec<Descriptor>,
    /// The maintainer's explicit decisions.
    pub overrides: Overrides,
    /// Files under the spec folder that are not descriptors (skipped).
    pub skipped: Vec<String>,
}

/// Reads the spec folder. Errors and warnings go to `findings`; the caller
/// stops when it holds errors.
pub fn load_spec(root: &Path, findings: &mut Findings) -> Spec {
    let mut spec = Spec::default();
    let files = match list_files(root) {
        Ok(files) => files,
        Err(finding) => {
            findings.push(finding);
            return spec;
        }
    };
    // The overrides come first: they may map type strings the descriptors use.
    if let Some((rel, path)) = files.iter().find(|(rel, _)| rel == OVERRIDES_FILE) {
        if let Some(text) = read_text(path, rel, findings) {
            spec.overrides = overrides::parse(&text, rel, findings);
        }
    }
    // Reading and parsing are independent per file: on every core.
    let aliases = &spec.overrides.type_aliases;
    let parsed = crate::par::map(&files, |(rel, path)| {
        let mut found = Findings::default();
        if rel == OVERRIDES_FILE {
            return (Parsed::Overrides, found);
        }
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => SourceKind::Json,
            Some("md") => SourceKind::Markdown,
            _ => return (Parsed::Skipped(rel.clone()), found),
        };
        let descriptor =
            read_text(path, rel, &mut found).and_then(|text| parse_file(&text, rel, kind, aliases, &mut found));
        (descriptor.map_or(Parsed::Broken, |d| Parsed::Descriptor(Box::new(d))), found)
    });
    for (outcome, found) in parsed {
        findings.extend(found.0);
        match outcome {
            Parsed::Descriptor(d) => spec.descriptors.push(*d),
            Parsed::Skipped(rel) => spec.skipped.push(rel),
            Parsed::Overrides | Parsed::Broken => {}
        }
    }
    for added in &spec.overrides.commands {
        spec.descriptors.push(added.to_descriptor());
    }
    reject_duplicates(&mut spec.descriptors, findings);
    let commands: std::collections::BTreeSet<&str> = spec.descriptors.iter().map(|d| d.command.as_str()).collect();
    spec.overrides.check_commands(&|name| commands.contains(name), findings);
    spec
}

/// What one file of the spec folder turned out to be.
enum Parsed {
    Descriptor(Box<Descriptor>),
    Overrides,
    Skipped(String),
    Broken,
}

#[derive(Clone, Copy)]
enum SourceKind {
    Json,
    Markdown,
}

/// Lists regular files under `root`, sorted by relative path.
fn list_files(root: &Path) -> Result<Vec<(String, PathBuf)>, Finding> {
    let display = root.display().to_string();
    match std::fs::metadata(root) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(Finding::new(Rule::Io, &display, "", "the spec path is not a folder"));
        }
        Err(e) => {
            return Err(Finding::new(Rule::Io, &display, "", format!("cannot read the spec folder: {e}")));
        }
    }
    let mut files = Vec::new();
    for item in walkdir::WalkDir::new(root).sort_by_file_name() {
        let item = item.map_err(|e| {
            let at = e.path().map(|p| p.display().to_string()).unwrap_or_else(|| display.clone());
            Finding::new(Rule::Io, &at, "", format!("cannot read: {e}"))
        })?;
        if !item.file_type().is_file() {
            continue;
        }
        let rel = item
            .path()
            .strip_prefix(root)
            .unwrap_or(item.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        files.push((rel, item.into_path()));
    }
    Ok(files)
}

/// Reads a file as UTF-8 text, locating decoding errors by line.
fn read_text(path: &Path, rel: &str, findings: &mut Findings) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            findings.push(Finding::new(Rule::Io, rel, "", format!("cannot read: {e}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count();
            findings.push(
                Finding::new(Rule::InvalidUtf8, rel, "", format!("not valid UTF-8 (byte {offset})")).at_line(line),
            );
            None
        }
    }
}

fn parse_file(
    text: &str,
    rel: &str,
    kind: SourceKind,
    aliases: &BTreeMap<String, String>,
    findings: &mut Findings,
) -> Option<Descriptor> {
    if text.trim().is_empty() {
        findings.push(Finding::new(Rule::EmptyFile, rel, "", "the file is empty"));
        return None;
    }
    let (json, first_line, heading) = match kind {
        SourceKind::Json => (text, 1, None),
        SourceKind::Markdown => {
            let block = markdown::fenced_json(text).or_else(|| {
                findings.push(
                    Finding::new(Rule::NoFencedBlock, rel, "", "no fenced ```json block in this markdown file")
                        .at_line(1),
                );
                None
            })?;
            (block.json, block.first_line, block.heading)
        }
    };
    let value: serde_json::Value = match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => {
            let line = first_line + e.line().saturating_sub(1);
            findings.push(Finding::new(Rule::InvalidJson, rel, "", format!("invalid JSON: {e}")).at_line(line));
            return None;
        }
    };
    let descriptor = descriptor::from_value(&value, rel, aliases, findings)?;
    if let Some(heading) = heading {
        if heading != descriptor.command {
            findings.push(
                Finding::new(
                    Rule::HeadingMismatch,
                    rel,
                    "/command",
                    format!("the heading says `{heading}` but the JSON describes `{}`", descriptor.command),
                )
                .for_command(&descriptor.command),
            );
        }
    }
    Some(descriptor)
}

/// Two files for one command would give two sets of types for one name: an
/// error that names both files.
fn reject_duplicates(descriptors: &mut Vec<Descriptor>, findings: &mut Findings) {
    descriptors.sort_by(|a, b| a.command.cmp(&b.command).then(a.file.cmp(&b.file)));
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for d in descriptors.iter() {
        if let Some(first) = seen.get(&d.command) {
            findings.push(
                Finding::new(
                    Rule::DuplicateCommand,
                    &d.file,
                    "/command",
                    format!("command `{}` is already described by {first}", d.command),
                )
                .for_command(&d.command),
            );
        } else {
            seen.insert(d.command.clone(), d.file.clone());
        }
    }
    descriptors.dedup_by(|b, a| a.command == b.command);
}
