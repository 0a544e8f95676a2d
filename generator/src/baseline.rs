//! The baseline: findings the maintainers have acknowledged, kept in
//! `spec/lint-baseline.json` and reviewed like code, so that a regeneration
//! shows only what is new.
//!
//! A finding is known by its rule, file and JSON pointer: the place and the
//! kind of fault, which stay the same across regenerations, while messages
//! may be reworded. A key may repeat (two findings of one rule at one
//! place); the baseline then lists it as many times. Errors are never
//! baselined: they always stop generation.
//!
//! The file is sorted, one finding a line, so that a change to the spec
//! shows as a few added and removed lines in review:
//!
//! ```json
//! {
//!   "about": "…",
//!   "findings": [
//!     {"file": "seeds/login.md", "pointer": "/examples/login with API key/request/api-key", "rule": "undeclared-example-field"}
//!   ]
//! }
//! ```

use crate::diag::{Finding, Rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the baseline file, at the top of the spec folder.
pub const BASELINE_FILE: &str = "lint-baseline.json";

/// What the file's `about` says to a reader who opens it.
const ABOUT: &str =
    "Findings acknowledged by the maintainers: `cargo run -p generator` shows only findings not listed \
                     here. Regenerate this file with `cargo run -p generator -- baseline` and review its diff.";

/// What identifies a finding across regenerations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    /// File, relative to the spec folder.
    pub file: String,
    /// JSON pointer in the file.
    pub pointer: String,
    /// Rule id. Kept as text: a rule that is renamed or retired makes its
    /// entries stale, not the file unreadable.
    pub rule: String,
}

impl Key {
    /// The key of a finding.
    pub fn of(finding: &Finding) -> Key {
        Key { file: finding.file.clone(), pointer: finding.pointer.clone(), rule: finding.rule.id().to_owned() }
    }
}

/// The acknowledged findings, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// One key per acknowledged finding.
    pub keys: Vec<Key>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "about")]
    _about: String,
    findings: Vec<Key>,
}

impl Baseline {
    /// The baseline acknowledging every finding that is not an error.
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut keys: Vec<Key> = findings.iter().filter(|f| !f.is_error()).map(Key::of).collect();
        keys.sort();
        Baseline { keys }
    }

    /// The baseline file of the spec folder `spec`.
    pub fn path(spec: &Path) -> PathBuf {
        spec.join(BASELINE_FILE)
    }

    /// Reads the baseline of the spec folder `spec`; an absent file is
    /// `None`, an unreadable one an error that names the file and line.
    pub fn read(spec: &Path) -> Result<Option<Baseline>, Finding> {
        let text = match std::fs::read_to_string(Baseline::path(spec)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Finding::new(Rule::InvalidBaseline, BASELINE_FILE, "", format!("cannot read: {e}"))),
        };
        let file: File = serde_json::from_str(&text).map_err(|e| {
            let message = format!("{e} (rewrite it with `cargo run -p generator -- baseline`)");
            Finding::new(Rule::InvalidBaseline, BASELINE_FILE, "", message).at_line(e.line())
        })?;
        let mut keys = file.findings;
        keys.sort();
        Ok(Some(Baseline { keys }))
    }

    /// Writes the baseline of the spec folder `spec`: whole, then renamed
    /// over the old file, so that there is never half a baseline.
    pub fn write(&self, spec: &Path) -> std::io::Result<()> {
        let path = Baseline::path(spec);
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, self.to_text())?;
        std::fs::rename(&temporary, &path)
    }

    /// The file's text: sorted, one finding a line.
    pub fn to_text(&self) -> String {
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut out = format!("{{\n  \"about\": {},\n  \"findings\": [\n", quote(ABOUT));
        for (index, key) in self.keys.iter().enumerate() {
            let comma = if index + 1 < self.keys.len() { "," } else { "" };
            out.push_str(&format!(
                "    {{\"file\": {}, \"pointer\": {}, \"rule\": {}}}{comma}\n",
                quote(&key.file),
                quote(&key.pointer),
                quote(&key.rule)
            ));
        }
        out.push_str("  ]\n}\n");
        out
    }

    /// Splits `findings` into new and known ones, and lists the entries
    /// that match no finding any more (stale: the fault was fixed, or moved).
    pub fn partition<'a>(&self, findings: &'a [Finding]) -> Partition<'a> {
        let mut unmatched: BTreeMap<&Key, usize> = BTreeMap::new();
        for key in &self.keys {
            *unmatched.entry(key).or_default() += 1;
        }
        let mut partition = Partition::default();
        for finding in findings {
            let left = if finding.is_error() { None } else { unmatched.get_mut(&Key::of(finding)) };
            match left {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    partition.known.push(finding);
                }
                _ => partition.new.push(finding),
            }
        }
        partition.stale =
            unmatched.into_iter().flat_map(|(key, count)| std::iter::repeat_n(key.clone(), count)).collect();
        partition
    }
}

/// Findings split by the baseline.
#[derive(Debug, Default)]
pub struct Partition<'a> {
    /// Not in the baseline (errors always are new).
    pub new: Vec<&'a Finding>,
    /// Acknowledged by the baseline.
    pub known: Vec<&'a Finding>,
    /// Baseline entries no finding matches.
    pub stale: Vec<Key>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: Rule, pointer: &str) -> Finding {
        Finding::new(rule, "api-ref/add-host.json", pointer, "m")
    }

    #[test]
    fn known_new_and_stale() {
        let old = [finding(Rule::RepeatedName, "/request/body/3"), finding(Rule::RepeatedName, "/request/body/9")];
        let baseline = Baseline::of(&old);
        let now = [
            finding(Rule::RepeatedName, "/request/body/3"),
            finding(Rule::RepeatedName, "/request/body/3"),
            finding(Rule::BrokenTypeString, "/request/body/4/type"),
            finding(Rule::InvalidJson, ""),
        ];
        let split = baseline.partition(&now);
        assert_eq!(split.known, [&now[0]]);
        assert_eq!(split.new, [&now[1], &now[2], &now[3]], "a repeat beyond the baseline's count is new");
        assert_eq!(split.stale, [Key::of(&old[1])]);
    }

    #[test]
    fn errors_are_never_acknowledged() {
        let baseline = Baseline::of(&[finding(Rule::InvalidJson, ""), finding(Rule::RepeatedName, "/x")]);
        assert_eq!(baseline.keys.len(), 1);
        let hand_written = Baseline { keys: vec![Key::of(&finding(Rule::InvalidJson, ""))] };
        let errors = [finding(Rule::InvalidJson, "")];
        assert_eq!(hand_written.partition(&errors).new.len(), 1);
    }

    #[test]
    fn the_file_round_trips_one_finding_a_line() {
        let baseline = Baseline::of(&[finding(Rule::RepeatedName, "/a \"b\"~1c"), finding(Rule::RepeatedName, "/a")]);
        let text = baseline.to_text();
        assert_eq!(text.lines().filter(|l| l.contains("\"rule\"")).count(), 2, "{text}");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Baseline::read(dir.path()).unwrap(), None, "no baseline yet");
        baseline.write(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(Baseline::path(dir.path())).unwrap(), text);
        assert_eq!(Baseline::read(dir.path()).unwrap(), Some(baseline));
        std::fs::write(Baseline::path(dir.path()), "{\n  \"findings\": [\n<<<<<<< HEAD\n").unwrap();
        let error = Baseline::read(dir.path()).unwrap_err();
        assert_eq!((error.file.as_str(), error.rule, error.line), (BASELINE_FILE, Rule::InvalidBaseline, Some(3)));
    }
}
