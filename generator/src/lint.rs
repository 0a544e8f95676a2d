//! `generator lint`: the findings of the analysis, for people (grouped by
//! rule) and for tools (JSON).

use crate::diag::{Finding, Rule, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The JSON form: stable for tools.
#[derive(Serialize)]
pub struct Report<'a> {
    /// Counts by severity.
    pub summary: Summary,
    /// Every finding, sorted by file, pointer and rule.
    pub findings: &'a [Finding],
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

/// Counts the findings by severity.
pub fn summary(findings: &[Finding]) -> Summary {
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

/// The JSON report.
pub fn json(findings: &[Finding]) -> String {
    let report = Report { summary: summary(findings), findings };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// The findings grouped by rule, most severe rules first; each group shows
/// at most `per_rule` findings (all with `None`).
pub fn grouped(findings: &[Finding], min: Severity, per_rule: Option<usize>) -> String {
    let mut groups: BTreeMap<(Severity, Rule), Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity <= min) {
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
