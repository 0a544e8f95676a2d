//! The generator's command line. See `--help`.

use clap::{Parser, Subcommand};

// The generator allocates many small strings and trees; mimalloc makes a
// run about a third faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use generator::diag::{Finding, Severity};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "generator", about = "Generates generated-client from the API descriptors in spec/")]
struct Cli {
    /// The workspace root (default: the workspace this generator belongs to).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// The spec folder (default: <root>/spec).
    #[arg(long, global = true)]
    spec: Option<PathBuf>,
    /// Print errors only.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every finding, notes included.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the bindings (the default).
    Generate,
    /// Write nothing; exit 1 and name the stale files when the committed
    /// output differs from what spec/ gives.
    Check,
    /// Every finding about the spec, grouped by rule (text) or for tools
    /// (json). Exit 0 with warnings only, 1 with errors.
    Lint {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: LintFormat,
    },
    /// What changes in the API between two spec folders, with its semver
    /// effect on generated-client.
    Diff {
        /// The old spec folder.
        old: PathBuf,
        /// The new spec folder.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "markdown")]
        format: DiffFormat,
    },
    /// The reconstructed API as an OpenAPI 3.1 JSON document, on stdout.
    Openapi,
    /// How the nesting of the flat lists was decided, per kind of evidence;
    /// the parents decided by rule alone.
    Report {
        /// Print one command's trees, each entry with its evidence.
        #[arg(long)]
        command: Option<String>,
        /// List the example paths the trees hold elsewhere than the examples.
        #[arg(long)]
        misses: bool,
        /// The object model instead: families, their object types and
        /// commands, the common fields.
        #[arg(long, conflicts_with_all = ["command", "misses"])]
        families: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LintFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Markdown,
    Json,
}

struct Paths {
    root: PathBuf,
    spec: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.clone().unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    let spec = cli.spec.clone().unwrap_or_else(|| root.join("spec"));
    let paths = Paths { root, spec };
    match cli.command.as_ref().unwrap_or(&Command::Generate) {
        Command::Generate => generate(&cli, &paths, false),
        Command::Check => generate(&cli, &paths, true),
        Command::Report { command, misses, families } => report(&cli, &paths, command.as_deref(), *misses, *families),
        Command::Lint { format } => lint(&paths, *format),
        Command::Diff { old, new, format } => diff(&cli, old, new, *format),
        Command::Openapi => openapi(&cli, &paths),
    }
}

/// Findings on stderr, grouped by rule: errors always, warnings unless
/// `--quiet` (a few per rule; all with `--verbose`), notes with `--verbose`.
fn print_findings(cli: &Cli, findings: &[Finding]) {
    let (min, per_rule) = match (cli.quiet, cli.verbose) {
        (true, _) => (Severity::Error, None),
        (_, true) => (Severity::Note, None),
        _ => (Severity::Warning, Some(3)),
    };
    eprint!("{}", generator::lint::grouped(findings, min, per_rule));
}

/// The analysis of `spec`; when it fails, its findings are printed, then
/// `consequence` (what the failure means for the subcommand), if any.
fn analyzed(cli: &Cli, spec: &std::path::Path, consequence: Option<&str>) -> Option<generator::Analysis> {
    match generator::analyze(spec) {
        Ok(analysis) => Some(analysis),
        Err(findings) => {
            print_findings(cli, &findings);
            if let Some(consequence) = consequence {
                eprintln!("{consequence}");
            }
            None
        }
    }
}

fn lint(paths: &Paths, format: LintFormat) -> ExitCode {
    let findings = match generator::analyze(&paths.spec) {
        Ok(analysis) => analysis.findings,
        Err(findings) => findings,
    };
    match format {
        LintFormat::Json => stdout(&format!("{}\n", generator::lint::json(&findings))),
        LintFormat::Text => {
            let s = generator::lint::summary(&findings);
            let grouped = generator::lint::grouped(&findings, Severity::Note, None);
            stdout(&format!("{grouped}{} errors, {} warnings, {} notes\n", s.errors, s.warnings, s.notes));
        }
    }
    if findings.iter().any(Finding::is_error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn diff(cli: &Cli, old: &std::path::Path, new: &std::path::Path, format: DiffFormat) -> ExitCode {
    let analyze = |dir: &std::path::Path| {
        analyzed(cli, dir, Some(&format!("{} does not generate", dir.display()))).map(|analysis| analysis.api)
    };
    let (Some(old), Some(new)) = (analyze(old), analyze(new)) else {
        return ExitCode::FAILURE;
    };
    let diff = generator::diff::diff(&old, &new);
    match format {
        DiffFormat::Markdown => stdout(&generator::diff::markdown(&diff)),
        DiffFormat::Json => stdout(&format!("{}\n", serde_json::to_string_pretty(&diff).unwrap_or_default())),
    }
    ExitCode::SUCCESS
}

fn openapi(cli: &Cli, paths: &Paths) -> ExitCode {
    let Some(analysis) = analyzed(cli, &paths.spec, None) else {
        return ExitCode::FAILURE;
    };
    let document = generator::openapi::document(&analysis.api);
    stdout(&format!("{}\n", serde_json::to_string_pretty(&document).unwrap_or_default()));
    ExitCode::SUCCESS
}

fn generate(cli: &Cli, paths: &Paths, check_only: bool) -> ExitCode {
    let started = Instant::now();
    let Some(analysis) = analyzed(cli, &paths.spec, Some("generation failed; nothing was written")) else {
        return ExitCode::FAILURE;
    };
    print_findings(cli, &analysis.findings);
    let output = match generator::render(&analysis, &paths.root) {
        Ok(output) => output,
        Err(finding) => {
            eprintln!("{finding}");
            return ExitCode::FAILURE;
        }
    };
    if check_only {
        let stale = generator::write::staleness(&paths.root, &output);
        if stale.is_fresh() {
            if !cli.quiet {
                eprintln!("generated code is up to date ({} files)", output.files.len());
            }
            return ExitCode::SUCCESS;
        }
        for path in &stale.changed {
            eprintln!("stale: {path}");
        }
        for path in &stale.removed {
            eprintln!("stale (no longer generated): {path}");
        }
        eprintln!("run `cargo run -p generator` and commit the result");
        return ExitCode::FAILURE;
    }
    match generator::write::write_all(&paths.root, &output) {
        Ok(report) => {
            if !cli.quiet {
                let warnings = analysis.findings.iter().filter(|f| f.severity == Severity::Warning).count();
                eprintln!(
                    "generated {} commands, {} types, {} warnings in {:.2} s ({} files changed, {} removed)",
                    analysis.api.commands.len(),
                    analysis.api.structs.len() + analysis.api.enums.len(),
                    warnings,
                    started.elapsed().as_secs_f64(),
                    report.changed.len(),
                    report.removed.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}; the previous output is unchanged");
            ExitCode::FAILURE
        }
    }
}

fn report(cli: &Cli, paths: &Paths, command: Option<&str>, misses: bool, families: bool) -> ExitCode {
    let Some(analysis) = analyzed(cli, &paths.spec, None) else {
        return ExitCode::FAILURE;
    };
    if families {
        stdout(&generator::report::families(&analysis));
        return ExitCode::SUCCESS;
    }
    match generator::report::text(&analysis, command, misses) {
        Ok(text) => {
            stdout(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
