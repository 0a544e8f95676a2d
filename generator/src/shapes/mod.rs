//! Stage 2: flat lists → trees.
//!
//! Rebuilds the nesting of every request, response and failure list (see
//! `rebuild` for the rules, `items` for what a list shows of itself,
//! `family` and `evidence` for what the examples show, `score` for the
//! weights), and records for every parent entry which evidence decided its
//! children, so that `report` can show the maintainer where the generator
//! guessed.

mod evidence;
mod family;
mod items;
mod rebuild;
mod score;
#[cfg(test)]
mod tests;

pub use evidence::{family, singular, Knowledge, Local};
pub use rebuild::MAX_DEPTH;

use crate::diag::{Finding, Findings, Rule};
use crate::examples::ParsedExample;
use crate::load::{Entry, Spec};
use crate::overrides::Side;
use family::FamilyPools;
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
    /// Examples of the other commands of its object family (`add-host`,
    /// `set-host`, `show-hosts`).
    Family,
    /// A structural rule of the lists (unique names, valid values, repeated blocks).
    Structure,
    /// Examples of other commands.
    Corpus,
    /// No evidence: the entry stayed in the innermost open parent.
    Rule,
}

impl Evidence {
    /// Every kind, strongest first.
    pub const ALL: [Evidence; 6] = [
        Evidence::Override,
        Evidence::Example,
        Evidence::Family,
        Evidence::Structure,
        Evidence::Corpus,
        Evidence::Rule,
    ];

    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Override => "override",
            Evidence::Example => "example",
            Evidence::Family => "family",
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

/// What rebuilding one command produced besides its shape.
#[derive(Default)]
struct CommandOutcome {
    findings: Vec<Finding>,
    used: Vec<(Side, String)>,
    decisions: Vec<ParentDecision>,
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
    build_with(spec, examples, findings, false)
}

/// Rebuilds every list; with `holdout`, each command is rebuilt as if its
/// own examples did not exist (to measure the rules on the examples): its
/// family's other commands and the other commands of the API still count.
pub fn build_with(
    spec: &Spec,
    examples: &BTreeMap<String, Vec<ParsedExample>>,
    findings: &mut Findings,
    holdout: bool,
) -> Shapes {
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
    knowledge.finish();
    let commands: Vec<&str> = spec.descriptors.iter().map(|d| d.command.as_str()).collect();
    let pools = FamilyPools::collect(examples, &commands, holdout);
    let empty = Local::default();
    // Every command is rebuilt on its own: on every core.
    let rebuilt = crate::par::map(&spec.descriptors, |d| {
        let family_name = family(&d.command);
        let local = |side| locals.get(&(d.command.clone(), side)).unwrap_or(&empty);
        let mut out = CommandOutcome::default();
        let mut run = |entries: &[Entry], side: Side, list: &'static str, local: &Local, roots: BTreeSet<String>| {
            let cx = ListContext {
                family_name: &family_name,
                holdout,
                request_roots: roots,
                command: &d.command,
                file: &d.file,
                side,
                list,
                local,
                family: if list == "failure" { None } else { pools.of(&d.command, side) },
                knowledge: &knowledge,
                nesting: if list == "failure" { BTreeMap::new() } else { spec.overrides.nesting_for(&d.command, side) },
            };
            let rebuilt = rebuild(entries, &cx);
            out.findings.extend(rebuilt.findings);
            out.used.extend(rebuilt.used_overrides.into_iter().map(|p| (side, p)));
            out.decisions.extend(rebuilt.parents);
            rebuilt.nodes
        };
        let mut request =
            d.body.as_ref().map(|body| run(body, Side::Request, "request", local(Side::Request), BTreeSet::new()));
        let roots = request.iter().flatten().map(|n| n.entry.name.clone()).collect();
        let mut response = run(&d.success, Side::Response, "response", local(Side::Response), roots);
        let failure = run(&d.failure, Side::Response, "failure", &empty, BTreeSet::new());
        let mut findings = Findings::default();
        if !holdout {
            if let Some(request) = &mut request {
                complete_from_examples(request, local(Side::Request), d, "request", &mut findings);
            }
            complete_from_examples(&mut response, local(Side::Response), d, "response", &mut findings);
        }
        for nodes in [request.as_deref().unwrap_or_default(), &response, &failure] {
            report_childless(nodes, d, &mut findings);
        }
        out.findings.extend(findings.0);
        (CommandShape { request, response, failure }, out)
    });
    let mut shapes = Shapes::default();
    let mut used: BTreeSet<(String, Side, String)> = BTreeSet::new();
    for (d, (shape, out)) in spec.descriptors.iter().zip(rebuilt) {
        findings.extend(out.findings);
        used.extend(out.used.into_iter().map(|(side, p)| (d.command.clone(), side, p)));
        shapes.decisions.extend(out.decisions);
        shapes.commands.insert(d.command.clone(), shape);
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

/// The extractor lists a field once even where the API has it at several
/// places (`color` of an object and of its groups). Where this command's
/// examples show a declared name at a place the tree lacks it, and the
/// parent there is in the tree, the declared entry is copied there.
fn complete_from_examples(
    nodes: &mut Vec<Node>,
    local: &Local,
    d: &crate::load::Descriptor,
    list: &str,
    findings: &mut Findings,
) {
    let mut paths: Vec<&Vec<String>> = local.paths.iter().collect();
    paths.sort_by_key(|p| p.len());
    for path in paths {
        let Some((name, parent_path)) = path.split_last() else { continue };
        let Some(source) = find_named(nodes, name).cloned() else { continue };
        let Some(siblings) = children_at(nodes, parent_path) else { continue };
        if siblings.iter().any(|n| &n.entry.name == name) {
            continue;
        }
        let place =
            if parent_path.is_empty() { "the top level".to_owned() } else { format!("`{}`", parent_path.join("/")) };
        findings.push(
            Finding::new(
                Rule::CopiedFromExample,
                &d.file,
                &source.entry.pointer,
                format!("{list} list: the examples also show `{name}` at {place}; the declared entry is copied there"),
            )
            .for_command(&d.command),
        );
        let mut copy = source;
        set_evidence(&mut copy, Evidence::Example);
        siblings.push(copy);
    }
}

fn set_evidence(node: &mut Node, evidence: Evidence) {
    node.evidence = evidence;
    for child in &mut node.children {
        set_evidence(child, evidence);
    }
}

/// The first node named `name`, in list order.
fn find_named<'a>(nodes: &'a [Node], name: &str) -> Option<&'a Node> {
    nodes.iter().find_map(|n| if n.entry.name == name { Some(n) } else { find_named(&n.children, name) })
}

/// The children of the object at `path` (the root for an empty path); only
/// where that object has children already (a parent of the tree).
fn children_at<'a>(nodes: &'a mut Vec<Node>, path: &[String]) -> Option<&'a mut Vec<Node>> {
    match path.split_first() {
        None => Some(nodes),
        Some((first, rest)) => {
            let node = nodes.iter_mut().find(|n| &n.entry.name == first)?;
            if node.children.is_empty() {
                return None;
            }
            children_at(&mut node.children, rest)
        }
    }
}
