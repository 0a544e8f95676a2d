//! The generator's command line. See `--help`.

use clap::{Parser, Subcommand};

// The generator allocates many small strings and trees; mimalloc makes a
// run about a third faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use generator::baseline::Baseline;
use generator::diag::{Finding, Severity};
use generator::diff::Effect;
use generator::lint::BaselineSummary;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "generator", about = "Generates generated-client from the API descriptors in spec/")]
struct Cli {
    /// The workspace root (default: the nearest folder, from the current
    /// one up, with a Cargo.toml declaring [workspace] and a spec/ folder).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// The spec folder (default: <root>/spec).
    #[arg(long, global = true)]
    spec: Option<PathBuf>,
    /// Print errors only.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every new finding, notes included.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the bindings (the default). Prints the findings the
    /// baseline (spec/lint-baseline.json) does not acknowledge.
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
        /// Only the findings the baseline does not acknowledge.
        #[arg(long)]
        new: bool,
    },
    /// Acknowledge every current warning and note: (re)write
    /// spec/lint-baseline.json. Refused while the spec has errors.
    Baseline,
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
        /// Exit 2 when a change reaches this semver level (the changes are
        /// printed all the same).
        #[arg(long, value_enum)]
        fail_on: Option<Level>,
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

/// A semver level for `diff --fail-on`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Level {
    Major,
    Minor,
    Patch,
}

impl Level {
    fn effect(self) -> Effect {
        match self {
            Level::Major => Effect::Major,
            Level::Minor => Effect::Minor,
            Level::Patch => Effect::Patch,
        }
    }
}

/// The exit status of `diff --fail-on` when a change reaches the level: 1
/// stays "could not compare".
const DIFF_REACHES_LEVEL: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.as_ref().unwrap_or(&Command::Generate) {
        Command::Generate => generate(&cli, false),
        Command::Check => generate(&cli, true),
        Command::Report { command, misses, families } => report(&cli, command.as_deref(), *misses, *families),
        Command::Lint { format, new } => lint(&cli, *format, *new),
        Command::Baseline => baseline(&cli),
        Command::Diff { old, new, format, fail_on } => diff(&cli, old, new, *format, *fail_on),
        Command::Openapi => openapi(&cli),
    };
    outcome.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::FAILURE
    })
}

impl Cli {
    /// `--root`, or the workspace around the current folder.
    fn root(&self) -> Result<PathBuf, String> {
        match &self.root {
            Some(root) => Ok(root.clone()),
            None => {
                let here = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
                generator::workspace::find_root(&here)
            }
        }
    }

    /// `--spec`, or the workspace's `spec/`.
    fn spec(&self) -> Result<PathBuf, String> {
        match &self.spec {
            Some(spec) => Ok(spec.clone()),
            None => Ok(self.root()?.join("spec")),
        }
    }

    /// Prints findings on stderr, grouped by rule: errors always, warnings
    /// unless `--quiet` (a few per rule; all with `--verbose`), notes with
    /// `--verbose`.
    fn print_findings<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>) {
        let (min, per_rule) = match (self.quiet, self.verbose) {
            (true, _) => (Severity::Error, None),
            (_, true) => (Severity::Note, None),
            _ => (Severity::Warning, Some(3)),
        };
        eprint!("{}", generator::lint::grouped(findings, min, per_rule));
    }

    /// The analysis of `spec`; when it fails, its findings (but those the
    /// baseline acknowledges) are printed, then `consequence`, if any.
    fn analyzed(&self, spec: &Path, baseline: &Baseline, consequence: Option<&str>) -> Option<generator::Analysis> {
        match generator::analyze(spec) {
            Ok(analysis) => Some(analysis),
            Err(findings) => {
                self.print_findings(baseline.partition(&findings).new);
                if let Some(consequence) = consequence {
                    eprintln!("{consequence}");
                }
                None
            }
        }
    }
}

/// A path as the user would type it: relative to the current folder when
/// it is inside it.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&here).unwrap_or(path).display().to_string()
}

fn generate(cli: &Cli, check_only: bool) -> Result<ExitCode, String> {
    let started = Instant::now();
    let (root, spec) = (cli.root()?, cli.spec()?);
    let baseline = match Baseline::read(&spec) {
        Ok(baseline) => baseline,
        Err(finding) => {
            eprintln!("{finding}\ngeneration failed; nothing was written");
            return Ok(ExitCode::FAILURE);
        }
    };
    // Without a baseline file, every finding is new.
    let acknowledged = baseline.clone().unwrap_or_default();
    let Some(analysis) = cli.analyzed(&spec, &acknowledged, Some("generation failed; nothing was written")) else {
        return Ok(ExitCode::FAILURE);
    };
    let partition = acknowledged.partition(&analysis.findings);
    cli.print_findings(partition.new.iter().copied());
    let baseline_file = baseline.is_some().then(|| Baseline::path(&spec));
    let warnings = warnings_phrase(&partition, baseline_file.as_deref());
    let output = match generator::render(&analysis, &root) {
        Ok(output) => output,
        Err(finding) => {
            eprintln!("{finding}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if check_only {
        let stale = generator::write::staleness(&root, &output);
        if stale.is_fresh() {
            if !cli.quiet {
                eprintln!("generated code is up to date ({} files); {warnings}", output.files.len());
            }
            return Ok(ExitCode::SUCCESS);
        }
        for path in &stale.changed {
            eprintln!("stale: {path}");
        }
        for path in &stale.removed {
            eprintln!("stale (no longer generated): {path}");
        }
        eprintln!("run `cargo run -p generator` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    let report =
        generator::write::write_all(&root, &output).map_err(|e| format!("{e}; the previous output is unchanged"))?;
    if !cli.quiet {
        eprintln!(
            "generated {} commands, {} types, {warnings} in {:.2} s ({} files changed, {} removed)",
            analysis.api.commands.len(),
            analysis.api.structs.len() + analysis.api.enums.len(),
            started.elapsed().as_secs_f64(),
            report.changed.len(),
            report.removed.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `4444 warnings` without a baseline file; `3 new warnings (4441 known,
/// see spec/lint-baseline.json)` with one, and a word when some of its
/// entries match nothing any more.
fn warnings_phrase(partition: &generator::baseline::Partition<'_>, baseline_file: Option<&Path>) -> String {
    let is_warning = |f: &&Finding| f.severity == Severity::Warning;
    let new = partition.new.iter().copied().filter(is_warning).count();
    let Some(file) = baseline_file else {
        return plural(new, "warning");
    };
    let known = partition.known.iter().copied().filter(is_warning).count();
    let stale = match partition.stale.len() {
        0 => String::new(),
        n => format!(", {}: `generator baseline` refreshes it", plural(n, "stale entry")),
    };
    format!("{} ({known} known, see {}{stale})", plural(new, "new warning"), shown(file))
}

/// `1 warning`, `2 warnings`; `1 stale entry`, `2 stale entries`.
fn plural(count: usize, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{count} {stem}ies"),
        _ => format!("{count} {noun}s"),
    }
}

fn lint(cli: &Cli, format: LintFormat, only_new: bool) -> Result<ExitCode, String> {
    let spec = cli.spec()?;
    let mut findings = match generator::analyze(&spec) {
        Ok(analysis) => analysis.findings,
        Err(findings) => findings,
    };
    // A broken baseline is one more error to show, not a reason to show nothing.
    let baseline = Baseline::read(&spec).unwrap_or_else(|finding| {
        findings.push(finding);
        None
    });
    let partition = baseline.clone().unwrap_or_default().partition(&findings);
    let listed: Vec<&Finding> = if only_new { partition.new.clone() } else { findings.iter().collect() };
    let summary = baseline.is_some().then(|| BaselineSummary::of(shown(&Baseline::path(&spec)), &partition));
    match format {
        LintFormat::Json => stdout(&format!("{}\n", generator::lint::json(&listed, summary))),
        LintFormat::Text => {
            let s = generator::lint::summary(listed.iter().copied());
            let grouped = generator::lint::grouped(listed.iter().copied(), Severity::Note, None);
            let counts = format!("{} errors, {} warnings, {} notes", s.errors, s.warnings, s.notes);
            let baseline = summary.map(|s| s.text()).unwrap_or_default();
            stdout(&format!("{grouped}{counts}\n{baseline}"));
        }
    }
    Ok(if findings.iter().any(Finding::is_error) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn baseline(cli: &Cli) -> Result<ExitCode, String> {
    let spec = cli.spec()?;
    let Some(analysis) =
        cli.analyzed(&spec, &Baseline::default(), Some("errors are never acknowledged; the baseline is unchanged"))
    else {
        return Ok(ExitCode::FAILURE);
    };
    let path = Baseline::path(&spec);
    // An unreadable old baseline (conflict markers) is what this rewrites.
    let before = Baseline::read(&spec).ok().flatten().unwrap_or_default();
    let after = Baseline::of(&analysis.findings);
    let partition = before.partition(&analysis.findings);
    after.write(&spec).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if !cli.quiet {
        eprintln!(
            "wrote {}: {} acknowledged ({} added, {} removed)",
            shown(&path),
            plural(after.keys.len(), "finding"),
            partition.new.len(),
            plural(partition.stale.len(), "stale entry")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn diff(cli: &Cli, old: &Path, new: &Path, format: DiffFormat, fail_on: Option<Level>) -> Result<ExitCode, String> {
    let analyze = |dir: &Path| {
        let consequence = format!("{} does not generate", dir.display());
        cli.analyzed(dir, &Baseline::default(), Some(&consequence)).map(|analysis| analysis.api)
    };
    let (Some(old), Some(new)) = (analyze(old), analyze(new)) else {
        return Ok(ExitCode::FAILURE);
    };
    let diff = generator::diff::diff(&old, &new);
    match format {
        DiffFormat::Markdown => stdout(&generator::diff::markdown(&diff)),
        DiffFormat::Json => stdout(&format!("{}\n", serde_json::to_string_pretty(&diff).unwrap_or_default())),
    }
    match fail_on {
        Some(level) if diff.reaches(level.effect()) => {
            eprintln!(
                "the API changes are {}: failing, as --fail-on {} asks",
                diff.verdict.as_str(),
                level.effect().as_str()
            );
            Ok(ExitCode::from(DIFF_REACHES_LEVEL))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn openapi(cli: &Cli) -> Result<ExitCode, String> {
    let Some(analysis) = cli.analyzed(&cli.spec()?, &Baseline::default(), None) else {
        return Ok(ExitCode::FAILURE);
    };
    let document = generator::openapi::document(&analysis.api);
    stdout(&format!("{}\n", serde_json::to_string_pretty(&document).unwrap_or_default()));
    Ok(ExitCode::SUCCESS)
}

fn report(cli: &Cli, command: Option<&str>, misses: bool, families: bool) -> Result<ExitCode, String> {
    let Some(analysis) = cli.analyzed(&cli.spec()?, &Baseline::default(), None) else {
        return Ok(ExitCode::FAILURE);
    };
    let text = match families {
        true => generator::report::families(&analysis),
        false => generator::report::text(&analysis, command, misses)?,
    };
    stdout(&text);
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
