//! `generator report`: how the nesting was decided.
//!
//! For every parent entry (an `Object`/`array` that opens a nested object),
//! the weakest evidence among the decisions that gave it its children:
//! counts per kind of evidence, and the list of parents decided by rule
//! alone, where a maintainer should look first (and add a `[[nesting]]`
//! override if the examples or the real API say otherwise).

use crate::shapes::{CommandShape, Evidence, Node, ParentDecision};
use crate::Analysis;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The object model as text: the common fields, then every family with its
/// object type and its commands by role.
pub fn families(analysis: &Analysis) -> String {
    let api = &analysis.api;
    let mut out = String::new();
    let kinds = api.families.iter().filter(|f| f.object.is_some()).count();
    let _ = writeln!(
        out,
        "Object model: {} families of commands, {kinds} of them about a kind of object.",
        api.families.len()
    );
    let _ = writeln!(out, "Fields every object carries: {}.", analysis.model.common_fields.join(", "));
    for family in &api.families {
        let object = match (&family.object, &family.wire_type) {
            (Some(object), Some(wire)) => format!("{object} (type `{wire}`)"),
            _ => "no object".to_owned(),
        };
        let _ = writeln!(
            out,
            "
{}: {object}",
            family.name
        );
        for (role, commands) in &family.commands {
            let _ = writeln!(out, "  {role:<7} {}", commands.join(", "));
        }
    }
    out
}

/// The report as text.
pub fn text(analysis: &Analysis, command: Option<&str>, misses: bool) -> Result<String, String> {
    let mut out = String::new();
    if let Some(name) = command {
        let shape = analysis.shapes.commands.get(name).ok_or_else(|| format!("no command `{name}` in the spec"))?;
        tree(&mut out, name, shape);
        return Ok(out);
    }
    let decisions = &analysis.shapes.decisions;
    let mut counts: BTreeMap<Evidence, usize> = BTreeMap::new();
    for d in decisions {
        *counts.entry(d.evidence).or_default() += 1;
    }
    let _ =
        writeln!(out, "Nesting of {} parent entries in {} commands:", decisions.len(), analysis.shapes.commands.len());
    for kind in Evidence::ALL {
        let n = counts.get(&kind).copied().unwrap_or(0);
        let _ = writeln!(out, "  {:<10} {n:>6}  {}", kind.as_str(), explain(kind));
    }
    let sharing = &analysis.api.sharing;
    let _ = writeln!(
        out,
        "\nTypes: {} uses of {} types of the object model became {} structs; {} lists of valid values became {} enums.",
        sharing.objects,
        analysis.model.types.len(),
        sharing.structs,
        sharing.value_lists,
        sharing.enums
    );
    let kinds = analysis.api.families.iter().filter(|f| f.object.is_some()).count();
    let _ = writeln!(
        out,
        "Object model: {} families, {kinds} kinds of objects (`report --families` lists them).",
        analysis.api.families.len()
    );
    let agreement = agreement_text(&example_agreement(&analysis.examples, &analysis.shapes));
    let _ = writeln!(out, "\nExample paths the trees place where the examples show them: {agreement}.");
    let mut ignored = crate::diag::Findings::default();
    let holdout = crate::shapes::build_with(&analysis.spec, &analysis.examples, &mut ignored, true);
    let agreement = agreement_text(&example_agreement(&analysis.examples, &holdout));
    let _ = writeln!(
        out,
        "The same with each command's own examples left out (rules and other commands' examples): {agreement}."
    );
    if misses {
        let _ = writeln!(out, "\nExample paths the trees do not hold where the examples show them:");
        for ((command, side), (missed, total)) in example_misses(&analysis.examples, &analysis.shapes) {
            if !missed.is_empty() {
                let _ = writeln!(out, "  {command} {side} ({} of {total}): {}", missed.len(), missed.join(", "));
            }
        }
    }
    let rule_only: Vec<&ParentDecision> = decisions.iter().filter(|d| d.evidence == Evidence::Rule).collect();
    let _ = writeln!(out, "\nParents decided by rule alone ({}):", rule_only.len());
    for d in rule_only {
        let _ = writeln!(out, "  {} {} `{}` ({}): {}", d.command, d.list, d.path, d.pointer, d.children.join(", "));
    }
    Ok(out)
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn explain(kind: Evidence) -> &'static str {
    match kind {
        Evidence::Override => "the overrides file",
        Evidence::Example => "this command's examples",
        Evidence::Family => "examples of its object family (other commands, the other side)",
        Evidence::Structure => "structural rules (unique names, valid values, repeated blocks)",
        Evidence::Corpus => "examples of other commands",
        Evidence::Rule => "no evidence: entries stayed in the innermost open parent",
    }
}

/// How many key paths of the examples (whose every name the descriptor
/// declares) the rebuilt trees hold at the same place, per side
/// (`request`, `response`): (agreeing, compared).
pub fn example_agreement(
    examples: &BTreeMap<String, Vec<crate::examples::ParsedExample>>,
    shapes: &crate::shapes::Shapes,
) -> BTreeMap<&'static str, (usize, usize)> {
    let mut sides = BTreeMap::new();
    for ((_, side), (missed, total)) in example_misses(examples, shapes) {
        let (agree, compared) = sides.entry(side).or_insert((0, 0));
        *agree += total - missed.len();
        *compared += total;
    }
    sides
}

/// "a of b (p%; requests c of d, q%; responses e of f, r%)".
fn agreement_text(sides: &BTreeMap<&'static str, (usize, usize)>) -> String {
    let agree: usize = sides.values().map(|(a, _)| a).sum();
    let total: usize = sides.values().map(|(_, t)| t).sum();
    let per_side: Vec<String> =
        sides.iter().map(|(side, (a, t))| format!("{side}s {a} of {t}, {:.1}%", percent(*a, *t))).collect();
    format!("{agree} of {total} ({:.1}%; {})", percent(agree, total), per_side.join("; "))
}

/// Per command and side: the example paths the trees do not hold where the
/// examples show them, and how many paths were compared.
pub fn example_misses(
    examples: &BTreeMap<String, Vec<crate::examples::ParsedExample>>,
    shapes: &crate::shapes::Shapes,
) -> BTreeMap<(String, &'static str), (Vec<String>, usize)> {
    let mut out = BTreeMap::new();
    use crate::overrides::Side;
    use crate::shapes::Local;
    for (command, shape) in &shapes.commands {
        let Some(examples) = examples.get(command) else { continue };
        for side in [Side::Request, Side::Response] {
            let nodes = match side {
                Side::Request => shape.request.as_deref().unwrap_or_default(),
                Side::Response => &shape.response,
            };
            let mut paths = std::collections::BTreeSet::new();
            let mut names = std::collections::BTreeSet::new();
            collect(nodes, &mut Vec::new(), &mut paths, &mut names);
            let mut missed = Vec::new();
            let mut total = 0;
            for path in Local::collect(examples, side).paths {
                if path.iter().all(|p| names.contains(p)) {
                    total += 1;
                    if !paths.contains(&path) {
                        missed.push(path.join("/"));
                    }
                }
            }
            if total > 0 {
                out.insert((command.clone(), side.as_str()), (missed, total));
            }
        }
    }
    out
}

fn collect(
    nodes: &[Node],
    prefix: &mut Vec<String>,
    paths: &mut std::collections::BTreeSet<Vec<String>>,
    names: &mut std::collections::BTreeSet<String>,
) {
    for n in nodes {
        prefix.push(n.entry.name.clone());
        paths.insert(prefix.clone());
        names.insert(n.entry.name.clone());
        collect(&n.children, prefix, paths, names);
        prefix.pop();
    }
}

fn tree(out: &mut String, name: &str, shape: &CommandShape) {
    for (list, nodes) in [("request", shape.request.as_deref()), ("response", Some(&shape.response[..]))] {
        let _ = writeln!(out, "{name} {list}:");
        match nodes {
            None => {
                let _ = writeln!(out, "  (no body list)");
            }
            Some(nodes) => print_nodes(out, nodes, 1),
        }
    }
}

fn print_nodes(out: &mut String, nodes: &[Node], depth: usize) {
    for n in nodes {
        let marker = if n.repeated { " (one or many)" } else { "" };
        let _ = writeln!(
            out,
            "{:indent$}{} [{}]{marker}  {}",
            "",
            n.entry.name,
            n.evidence.as_str(),
            n.entry.pointer,
            indent = depth * 2
        );
        print_nodes(out, &n.children, depth + 1);
    }
}
