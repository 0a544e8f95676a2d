//! Turns the Check Point Management API's command descriptors into the
//! `generated-client` crate.
//!
//! The pipeline, one module per stage, each taking the previous stage's data:
//!
//! 1. [`load`]: files under `spec/` → descriptors and overrides;
//! 2. [`examples`]: the JSON inside the examples;
//! 3. [`shapes`]: flat parameter lists → trees, each decision tagged with
//!    its evidence;
//! 4. [`check`]: the trees against the examples (undeclared fields, type
//!    faults);
//! 5. [`model`]: the object model: families, one type per object, common
//!    fields and parameters, references, polymorphic lists, every type keyed
//!    by its owner and path;
//! 6. [`lower`]: the model → [`ir`], every name chosen from a type's key by
//!    [`naming`];
//! 7. [`emit`]: IR → token streams; [`format`](mod@format): → text with the header;
//! 8. [`write`](mod@write): all files or none, or a staleness check.
//!
//! Around them: [`workspace`] finds the workspace to work on, [`lint`] and
//! [`baseline`] report the findings (the baseline holds those the
//! maintainers acknowledged), [`diff`], [`openapi`] and [`report`] serve the
//! maintainer's other subcommands.

pub mod baseline;
pub mod check;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod examples;
pub mod format;
pub mod ir;
pub mod lint;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod openapi;
pub mod overrides;
pub mod par;
pub mod report;
pub mod shapes;
pub mod workspace;
pub mod write;

use diag::{Finding, Findings, Rule};
use examples::ParsedExample;
use std::collections::BTreeMap;
use std::path::Path;

/// Everything the stages before emission know about a spec.
pub struct Analysis {
    /// Descriptors and overrides.
    pub spec: load::Spec,
    /// Parsed examples by command.
    pub examples: BTreeMap<String, Vec<ParsedExample>>,
    /// Rebuilt trees and their decisions.
    pub shapes: shapes::Shapes,
    /// The object model.
    pub model: model::Model,
    /// The IR.
    pub api: ir::Api,
    /// Every finding, sorted (no errors, or `analyze` would have failed).
    pub findings: Vec<Finding>,
}

/// Runs the stages up to the IR. `Err` holds every finding when any is an
/// error.
pub fn analyze(spec_dir: &Path) -> Result<Analysis, Vec<Finding>> {
    let mut findings = Findings::default();
    let spec = load::load_spec(spec_dir, &mut findings);
    if findings.has_errors() {
        return Err(findings.into_sorted());
    }
    let examples: BTreeMap<String, Vec<ParsedExample>> =
        spec.descriptors.iter().map(|d| (d.command.clone(), examples::parse_examples(d, &mut findings))).collect();
    let shapes = shapes::build(&spec, &examples, &mut findings);
    let observations = check::run(&spec.descriptors, &examples, &shapes, &spec.overrides, &mut findings);
    for d in &spec.descriptors {
        for e in d.body.iter().flatten().chain(&d.success).chain(&d.failure) {
            if let Some(fault) = &e.type_fault {
                findings.push(
                    Finding::new(
                        Rule::BrokenTypeString,
                        &d.file,
                        &diag::pointer_push(&e.pointer, "type"),
                        format!("type `{fault}` of `{}` read as {}", e.name, type_word(&e.ty)),
                    )
                    .for_command(&d.command),
                );
            }
        }
    }
    let model = model::build(&spec, &examples, &shapes, &observations, &mut findings);
    let api = lower::build(&spec, &model, &mut findings);
    check::kept_in_extra(&api, &spec.descriptors, &examples, &mut findings);
    if findings.has_errors() {
        return Err(findings.into_sorted());
    }
    Ok(Analysis { spec, examples, shapes, model, api, findings: findings.into_sorted() })
}

fn type_word(ty: &load::WireType) -> &'static str {
    match ty {
        load::WireType::String => "`string`",
        load::WireType::Integer => "`integer`",
        load::WireType::Number => "`number`",
        load::WireType::Boolean => "`boolean`",
        load::WireType::Object => "`Object`",
        load::WireType::Array(_) => "`array`",
    }
}

/// Where the fake server finds the answers of the examples.
pub const EXAMPLE_ANSWERS: &str = "fake-server/src/generated/answers.json";

/// Emits and formats every generated file; `root` is the workspace, whose
/// `generated-client/Cargo.toml` gets its feature list.
pub fn render(analysis: &Analysis, root: &Path) -> Result<write::Output, Finding> {
    let api = &analysis.api;
    let mut output = write::Output::default();
    for (path, text) in emit_and_format(api) {
        let text = text.map_err(|e| Finding::new(Rule::Internal, &path, "", e))?;
        output.files.insert(path, text);
    }
    let manifest_path = root.join(write::MANIFEST);
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| Finding::new(Rule::Io, write::MANIFEST, "", format!("cannot read: {e}")))?;
    let manifest = write::manifest_with_features(&manifest, &emit::features(api))
        .map_err(|e| Finding::new(Rule::Io, write::MANIFEST, "", e))?;
    output.files.insert(write::MANIFEST.to_owned(), manifest);
    output.files.insert(EXAMPLE_ANSWERS.to_owned(), example_answers(&analysis.examples));
    Ok(output)
}

/// The first JSON object each command's examples answer with: what the
/// fake server answers when a test scripts nothing else.
fn example_answers(examples: &BTreeMap<String, Vec<ParsedExample>>) -> String {
    let answers: serde_json::Map<String, serde_json::Value> = examples
        .iter()
        .filter_map(|(command, list)| {
            let first = list.iter().find_map(|e| e.response.json().filter(|v| v.is_object()))?;
            Some((command.clone(), first.clone()))
        })
        .collect();
    let document = serde_json::json!({
        "@generated": "by `cargo run -p generator` from the examples in spec/; do not edit",
        "answers": answers,
    });
    let mut text = serde_json::to_string(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// Emits and formats the files on every core: they are independent, and
/// together most of a run.
fn emit_and_format(api: &ir::Api) -> Vec<(String, Result<String, String>)> {
    let files = emit::files(api);
    let files = &files;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len()).max(1);
    let mut results: Vec<(String, Result<String, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    files
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .map(|kind| {
                            let file = emit::emit_file(api, kind);
                            (file.path.clone(), format::format_file(&file))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|_| vec![(String::new(), Err("a formatting thread failed".into()))]))
            .collect()
    });
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}
