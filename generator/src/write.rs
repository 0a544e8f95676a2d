//! Stage 7: writing the output, all files or none, and checking that what
//! is committed is what the spec gives.

use crate::emit::{Feature, GENERATED_DIR};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The manifest whose feature list the generator maintains.
pub const MANIFEST: &str = "generated-client/Cargo.toml";
const BEGIN: &str = "# BEGIN GENERATED FEATURES";
const END: &str = "# END GENERATED FEATURES";

/// Every file the generator owns, by path relative to the workspace root,
/// with its content.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Contents by path.
    pub files: BTreeMap<String, String>,
}

/// What differs between the output and the files on disk.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Files whose content differs or that are missing.
    pub changed: Vec<String>,
    /// Generated files on disk that the spec no longer gives.
    pub removed: Vec<String>,
}

impl Staleness {
    /// Whether the files on disk are up to date.
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The manifest with its feature section replaced.
pub fn manifest_with_features(current: &str, features: &[Feature]) -> Result<String, String> {
    let start = current.find(BEGIN).ok_or_else(|| format!("{MANIFEST}: no `{BEGIN}` line"))?;
    let end = current.find(END).ok_or_else(|| format!("{MANIFEST}: no `{END}` line"))?;
    if end < start {
        return Err(format!("{MANIFEST}: `{END}` comes before `{BEGIN}`"));
    }
    let mut section = format!("{BEGIN} (cargo run -p generator; do not edit)\n");
    let names: Vec<String> = features.iter().map(|f| format!("\"{}\"", f.name)).collect();
    section.push_str("# Every command group.\n");
    section.push_str(&format!("full = [{}]\n", names.join(", ")));
    for f in features {
        section.push_str(&format!("{} = [] # {} commands\n", toml_key(&f.name), f.commands));
    }
    Ok(format!("{}{section}{}", &current[..start], &current[end..]))
}

fn toml_key(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\\\""))
    }
}

/// Compares the output with the files under `root`.
pub fn staleness(root: &Path, output: &Output) -> Staleness {
    let mut report = Staleness::default();
    for (path, content) in &output.files {
        if fs::read_to_string(root.join(path)).ok().as_deref() != Some(content.as_str()) {
            report.changed.push(path.clone());
        }
    }
    report.removed = leftovers(root, output);
    report
}

/// Generated files on disk that the output does not contain.
fn leftovers(root: &Path, output: &Output) -> Vec<String> {
    let Ok(entries) = fs::read_dir(root.join(GENERATED_DIR)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| format!("{GENERATED_DIR}/{}", e.file_name().to_string_lossy()))
        .filter(|p| !output.files.contains_key(p))
        .collect();
    out.sort();
    out
}

/// Writes the files that changed and removes generated files the spec no
/// longer gives. All or nothing: every new content is first written beside
/// its target; only when all are written do they replace the targets, and a
/// failure while replacing restores what was there.
pub fn write_all(root: &Path, output: &Output) -> Result<Staleness, String> {
    let report = staleness(root, output);
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf)]| {
        for (temp, _) in staged {
            let _ = fs::remove_file(temp);
        }
    };
    for path in &report.changed {
        let target = root.join(path);
        let temp = sibling(&target, "gen-new");
        let result =
            target.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&temp, &output.files[path]));
        if let Err(e) = result {
            cleanup(&staged);
            let _ = fs::remove_file(&temp);
            return Err(format!("cannot write {}: {e}", target.display()));
        }
        staged.push((temp, target));
    }
    let mut backups: Vec<(PathBuf, PathBuf)> = Vec::new();
    let restore = |backups: &[(PathBuf, PathBuf)]| {
        for (backup, target) in backups.iter().rev() {
            let _ = fs::rename(backup, target);
        }
    };
    let doomed: Vec<PathBuf> = report.removed.iter().map(|p| root.join(p)).collect();
    for target in staged.iter().map(|(_, t)| t).chain(&doomed) {
        if target.exists() {
            let backup = sibling(target, "gen-old");
            if let Err(e) = fs::rename(target, &backup) {
                restore(&backups);
                cleanup(&staged);
                return Err(format!("cannot replace {}: {e}", target.display()));
            }
            backups.push((backup, target.clone()));
        }
    }
    for (index, (temp, target)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(temp, target) {
            for (_, done) in &staged[..index] {
                let _ = fs::remove_file(done);
            }
            restore(&backups);
            cleanup(&staged[index..]);
            return Err(format!("cannot replace {}: {e}", target.display()));
        }
    }
    for (backup, _) in &backups {
        let _ = fs::remove_file(backup);
    }
    Ok(report)
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.{tag}"))
}
