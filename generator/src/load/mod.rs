//! Stage 1: files → raw descriptors.
//!
//! Reads every file under the spec folder, recursively and in a stable
//! order, and decides by content whether it holds a descriptor (see
//! `detect.rs`): the extractor delivers `.md`, `.txt` and `.json` files alike.
//! Two files are recognised by name at the top of the folder: the overrides
//! file and the baseline of acknowledged findings. Hidden files and folders
//! (`.DS_Store`, `.gitkeep`, `.git/`) are skipped without a word; any other
//! file that holds no descriptor is reported (`not-a-descriptor`).
//!
//! Every problem names the file and a JSON pointer (or a line, for text that
//! is not JSON yet). Nothing here interprets nesting: that is the shapes
//! stage.

mod descriptor;
mod detect;
mod markdown;
mod types;

pub use descriptor::{Descriptor, Entry, Example, Origin};
pub use types::{parse_type, TypeParse, WireType};

use crate::diag::{Finding, Findings, Rule};
use crate::overrides::{self, Overrides};
use detect::{Content, Source};
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
    /// Files under the spec folder that hold no descriptor (skipped).
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
        let outcome = if is_reserved(rel) { Parsed::Reserved } else { load_file(path, rel, aliases, &mut found) };
        (outcome, found)
    });
    for (outcome, found) in parsed {
        findings.extend(found.0);
        match outcome {
            Parsed::Descriptor(d) => spec.descriptors.push(*d),
            Parsed::Skipped(rel) => spec.skipped.push(rel),
            Parsed::Reserved | Parsed::Broken => {}
        }
    }
    let documented: BTreeMap<String, String> =
        spec.descriptors.iter().map(|d| (d.command.clone(), d.file.clone())).collect();
    let added = spec.overrides.adopt_commands(&documented, findings);
    spec.descriptors.extend(added);
    reject_duplicates(&mut spec.descriptors, findings);
    let commands: std::collections::BTreeSet<&str> = spec.descriptors.iter().map(|d| d.command.as_str()).collect();
    spec.overrides.check_commands(&|name| commands.contains(name), findings);
    spec
}

/// What one file of the spec folder turned out to be.
enum Parsed {
    Descriptor(Box<Descriptor>),
    /// The overrides or baseline file, read by their own readers.
    Reserved,
    Skipped(String),
    Broken,
}

/// Files recognised by name, at the top of the spec folder.
fn is_reserved(rel: &str) -> bool {
    rel == OVERRIDES_FILE || rel == crate::baseline::BASELINE_FILE
}

/// Reads one file and, when its content holds a descriptor, parses it.
fn load_file(path: &Path, rel: &str, aliases: &BTreeMap<String, String>, findings: &mut Findings) -> Parsed {
    let json_extension = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            findings.push(Finding::new(Rule::Io, rel, "", format!("cannot read: {e}")));
            return Parsed::Broken;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            // A binary file (an image, an archive) is not a descriptor; a
            // descriptor in another encoding is one, and is an error.
            let lossy = String::from_utf8_lossy(e.as_bytes());
            if let Content::Other(_) = detect::classify(&lossy, json_extension) {
                return not_a_descriptor(rel, "not UTF-8 text", findings);
            }
            findings.push(utf8_error(&e, rel));
            return Parsed::Broken;
        }
    };
    // Editors on Windows start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match detect::classify(text, json_extension) {
        Content::Descriptor(source) => parse_descriptor(&source, rel, aliases, findings)
            .map_or(Parsed::Broken, |d| Parsed::Descriptor(Box::new(d))),
        Content::Unterminated { line } => {
            let message = "this ```json block is never closed: the file was cut short";
            findings.push(Finding::new(Rule::NoFencedBlock, rel, "", message).at_line(line));
            Parsed::Broken
        }
        Content::Other(why) => not_a_descriptor(rel, why, findings),
    }
}

fn not_a_descriptor(rel: &str, why: &str, findings: &mut Findings) -> Parsed {
    let message = format!("holds no descriptor ({why}); skipped");
    findings.push(Finding::new(Rule::NotADescriptor, rel, "", message));
    Parsed::Skipped(rel.to_owned())
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
    // Hidden files and folders are the tools' (`.DS_Store`, `.gitkeep`), not deliveries.
    let visible = |item: &walkdir::DirEntry| item.depth() == 0 || !item.file_name().to_string_lossy().starts_with('.');
    for item in walkdir::WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(visible) {
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
    String::from_utf8(bytes).map_err(|e| findings.push(utf8_error(&e, rel))).ok()
}

fn utf8_error(e: &std::string::FromUtf8Error, rel: &str) -> Finding {
    let offset = e.utf8_error().valid_up_to();
    let line = 1 + e.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count();
    Finding::new(Rule::InvalidUtf8, rel, "", format!("not valid UTF-8 (byte {offset})")).at_line(line)
}

fn parse_descriptor(
    source: &Source<'_>,
    rel: &str,
    aliases: &BTreeMap<String, String>,
    findings: &mut Findings,
) -> Option<Descriptor> {
    if source.json.trim().is_empty() {
        findings.push(if source.fenced {
            Finding::new(Rule::EmptyFile, rel, "", "the ```json block is empty").at_line(source.first_line)
        } else {
            Finding::new(Rule::EmptyFile, rel, "", "the file is empty")
        });
        return None;
    }
    let value: serde_json::Value = match serde_json::from_str(source.json) {
        Ok(value) => value,
        Err(e) => {
            let line = source.first_line + e.line().saturating_sub(1);
            findings.push(Finding::new(Rule::InvalidJson, rel, "", format!("invalid JSON: {e}")).at_line(line));
            return None;
        }
    };
    let descriptor = descriptor::from_value(&value, rel, aliases, findings)?;
    if let Some(heading) = &source.heading {
        if *heading != descriptor.command {
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
