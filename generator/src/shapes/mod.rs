//! Stage 2: flat lists → trees.
//!
//! Rebuilds the nesting of every request, response and failure list (see
//! `rebuild` for the rules), and records for every parent entry which
//! evidence decided its children, so that `report` can show the maintainer
//! where the generator guessed.

mod evidence;
mod rebuild;

pub use evidence::{family, singular, Knowledge, Local};
pub use rebuild::MAX_DEPTH;

use crate::diag::{Finding, Findings, Rule};
use crate::examples::ParsedExample;
use crate::load::{Entry, Spec};
use crate::overrides::Side;
use rebuild::{rebuild, ListContext};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The kind of evidence behind a decision, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// The overrides file.
    Override,
    /// This command's examples.
    Example,
    /// A structural rule of the lists (unique names, valid values, repeated blocks).
    Structure,
    /// Examples of other commands.
    Corpus,
    /// No evidence: the entry stayed in the innermost open parent.
    Rule,
}

impl Evidence {
    /// Every kind, strongest first.
    pub const ALL: [Evidence; 5] =
        [Evidence::Override, Evidence::Example, Evidence::Structure, Evidence::Corpus, Evidence::Rule];

    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Override => "override",
            Evidence::Example => "example",
            Evidence::Structure => "structure",
            Evidence::Corpus => "corpus",
            Evidence::Rule => "rule",
        }
    }
}

/// One entry with its rebuilt children.
#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// The entry.
    pub entry: Entry,
    /// Its children, in list order.
    pub children: Vec<Node>,
    /// The child block was listed twice: an object or an array of objects.
    pub repeated: bool,
    /// What decided where this entry went.
    pub evidence: Evidence,
}

/// How one parent's children were decided.
#[derive(Clone, Debug, Serialize)]
pub struct ParentDecision {
    /// The command.
    pub command: String,
    /// `request`, `response` or `failure`.
    pub list: &'static str,
    /// Wire names from the root to the parent.
    pub path: String,
    /// The parent entry's JSON pointer.
    pub pointer: String,
    /// The weakest evidence among the decisions that gave it its children.
    pub evidence: Evidence,
    /// Its direct children.
    pub children: Vec<String>,
}

/// The rebuilt lists of one command.
#[derive(Clone, Debug, Serialize)]
pub struct CommandShape {
    /// The request body; `None` when the descriptor has no body list.
    pub request: Option<Vec<Node>>,
    /// The success response.
    pub response: Vec<Node>,
    /// The failure response.
    pub failure: Vec<Node>,
}

/// Every command's rebuilt lists.
#[derive(Debug, Default)]
pub struct Shapes {
    /// By command name.
    pub commands: BTreeMap<String, CommandShape>,
    /// Every parent decision, in command and list order.
    pub decisions: Vec<ParentDecision>,
}

/// Rebuilds every list of the spec.
pub fn build(spec: &Spec, examples: &BTreeMap<String, Vec<ParsedExample>>, findings: &mut Findings) -> Shapes {
    let none = Vec::new();
    let mut locals = BTreeMap::new();
    let mut knowledge = Knowledge::default();
    for d in &spec.descriptors {
        let parsed = examples.get(&d.command).unwrap_or(&none);
        for side in [Side::Request, Side::Response] {
            let local = Local::collect(parsed, side);
            knowledge.add(&d.command, side, &local);
            locals.insert((d.command.clone(), side), local);
        }
    }
    let empty = Local::default();
    let mut shapes = Shapes::default();
    let mut used: BTreeSet<(String, Side, String)> = BTreeSet::new();
    for d in &spec.descriptors {
        let local = |side| locals.get(&(d.command.clone(), side)).unwrap_or(&empty);
        let mut run = |entries: &[Entry], side: Side, list: &'static str, local: &Local, roots: BTreeSet<String>| {
            let cx = ListContext {
                request_roots: roots,
                command: &d.command,
                file: &d.file,
                side,
                list,
                local,
                knowledge: &knowledge,
                nesting: if list == "failure" { BTreeMap::new() } else { spec.overrides.nesting_for(&d.command, side) },
            };
            let rebuilt = rebuild(entries, &cx);
            findings.extend(rebuilt.findings);
            used.extend(rebuilt.used_overrides.into_iter().map(|p| (d.command.clone(), side, p)));
            shapes.decisions.extend(rebuilt.parents);
            rebuilt.nodes
        };
        let request =
            d.body.as_ref().map(|body| run(body, Side::Request, "request", local(Side::Request), BTreeSet::new()));
        let roots = request.iter().flatten().map(|n| n.entry.name.clone()).collect();
        let response = run(&d.success, Side::Response, "response", local(Side::Response), roots);
        let failure = run(&d.failure, Side::Response, "failure", &empty, BTreeSet::new());
        for nodes in [request.as_deref().unwrap_or_default(), &response, &failure] {
            report_childless(nodes, d, findings);
        }
        shapes.commands.insert(d.command.clone(), CommandShape { request, response, failure });
    }
    for (index, n) in spec.overrides.nesting.iter().enumerate() {
        if !used.contains(&(n.command.clone(), n.side, n.parent.clone())) {
            findings.push(
                Finding::new(
                    Rule::UnusedOverride,
                    crate::load::OVERRIDES_FILE,
                    &format!("/nesting/{index}"),
                    format!("no parent entry `{}` in the {} list of `{}`", n.parent, n.side.as_str(), n.command),
                )
                .for_command(&n.command),
            );
        }
    }
    shapes
}

fn report_childless(nodes: &[Node], d: &crate::load::Descriptor, findings: &mut Findings) {
    for node in nodes {
        if node.entry.is_parent_marker() && node.children.is_empty() {
            findings.push(
                Finding::new(
                    Rule::ParentWithoutChildren,
                    &d.file,
                    &node.entry.pointer,
                    format!("`{}` opens a nested object but has no children; kept as plain JSON", node.entry.name),
                )
                .for_command(&d.command),
            );
        }
        report_childless(&node.children, d, findings);
    }
}
