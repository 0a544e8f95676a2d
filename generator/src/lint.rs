//! `generator lint`: the findings of the analysis, for people (grouped by
//! rule) and for tools (JSON).

use crate::baseline::{Key, Partition};
use crate::diag::{Finding, Rule, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The JSON form: stable for tools.
#[derive(Serialize)]
pub struct Report<'a> {
    /// Counts by severity of the findings listed.
    pub summary: Summary,
    /// How the findings compare with the baseline, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// The findings listed (all, or the new ones), sorted by file, pointer
    /// and rule.
    pub findings: &'a [&'a Finding],
}

/// Counts by severity.
#[derive(Serialize, Default, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

/// How the findings compare with the baseline.
#[derive(Serialize, Debug)]
pub struct BaselineSummary {
    /// The baseline file.
    pub file: String,
    /// Findings the baseline acknowledges.
    pub known: usize,
    /// Findings it does not.
    pub new: usize,
    /// Its entries that match no finding any more.
    pub stale: Vec<Key>,
}

impl BaselineSummary {
    /// The summary of a partition of the findings by the baseline `file`.
    pub fn of(file: String, partition: &Partition<'_>) -> BaselineSummary {
        BaselineSummary { file, known: partition.known.len(), new: partition.new.len(), stale: partition.stale.clone() }
    }

    /// For people: the counts, then the stale entries.
    pub fn text(&self) -> String {
        let mut out =
            format!("baseline {}: {} known, {} new, {} stale\n", self.file, self.known, self.new, self.stale.len());
        for key in &self.stale {
            let _ = writeln!(out, "  stale: {} at {} [{}]", key.file, key.pointer, key.rule);
        }
        if !self.stale.is_empty() {
            out.push_str("  (`cargo run -p generator -- baseline` rewrites the baseline without them)\n");
        }
        out
    }
}

/// Counts the findings by severity.
pub fn summary<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
    let mut s = Summary::default();
    for f in findings {
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Note => s.notes += 1,
        }
    }
    s
}

/// The JSON report of `findings`.
pub fn json(findings: &[&Finding], baseline: Option<BaselineSummary>) -> String {
    let report = Report { summary: summary(findings.iter().copied()), baseline, findings };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// The findings grouped by rule, most severe rules first; each group shows
/// at most `per_rule` findings (all with `None`).
pub fn grouped<'a>(findings: impl IntoIterator<Item = &'a Finding>, min: Severity, per_rule: Option<usize>) -> String {
    let mut groups: BTreeMap<(Severity, Rule), Vec<&Finding>> = BTreeMap::new();
    for f in findings.into_iter().filter(|f| f.severity <= min) {
        groups.entry((f.severity, f.rule)).or_default().push(f);
    }
    let mut out = String::new();
    for ((severity, rule), list) in groups {
        let _ = writeln!(out, "{severity} [{rule}]: {} finding{}", list.len(), if list.len() == 1 { "" } else { "s" });
        let shown = per_rule.unwrap_or(usize::MAX);
        for f in list.iter().take(shown) {
            let _ = writeln!(out, "  {f}");
        }
        if list.len() > shown {
            let _ = writeln!(out, "  … and {} more (--verbose lists them all)", list.len() - shown);
        }
    }
    out
}
