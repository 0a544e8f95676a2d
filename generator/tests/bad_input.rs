//! Broken descriptors: the generator exits non-zero with a message that
//! names the file and the place, never panics, and leaves the previous
//! output exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch workspace with the seed descriptors and a generated client.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec");
        fs::create_dir_all(spec.join("seeds")).unwrap();
        for seed in ["login.md", "login-to-domain.md", "continue-session-in-smartconsole.md"] {
            fs::copy(workspace().join("spec/seeds").join(seed), spec.join("seeds").join(seed)).unwrap();
        }
        fs::write(spec.join("overrides.toml"), "").unwrap();
        fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = [\"generated-client\"]\n").unwrap();
        fs::create_dir_all(dir.path().join("generated-client")).unwrap();
        fs::write(
            dir.path().join("generated-client/Cargo.toml"),
            "[package]\nname = \"x\"\n\n[features]\n# BEGIN GENERATED FEATURES\n# END GENERATED FEATURES\n",
        )
        .unwrap();
        let scratch = Scratch { dir };
        let out = scratch.run();
        assert!(out.status.success(), "the seeds generate: {}", String::from_utf8_lossy(&out.stderr));
        scratch
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self) -> std::process::Output {
        self.run_with(&[])
    }

    /// Runs the generator on this workspace with `args`.
    fn run_with(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_generator")).args(args).arg("--root").arg(self.root()).output().unwrap()
    }

    fn spec(&self) -> PathBuf {
        self.root().join("spec")
    }

    /// Every file the generator owns, with its bytes.
    fn output_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(self.root().join("generated-client")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                files.insert(entry.path().to_owned(), fs::read(entry.path()).unwrap());
            }
        }
        files
    }

    /// Adds a broken file, runs the generator, checks the outcome, and
    /// removes the file. Returns stderr.
    fn expect_failure(&self, rel: &str, content: &[u8], expected: &[&str]) -> String {
        let before = self.output_files();
        let path = self.root().join("spec").join(rel);
        fs::write(&path, content).unwrap();
        let out = self.run();
        fs::remove_file(&path).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{rel}: exit code; stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{rel}: the generator panicked:\n{stderr}");
        assert!(stderr.contains(rel), "{rel}: the message names the file:\n{stderr}");
        for text in expected {
            assert!(stderr.contains(text), "{rel}: expected `{text}` in:\n{stderr}");
        }
        assert_eq!(before, self.output_files(), "{rel}: the previous output changed");
        stderr
    }
}

fn descriptor(command: &str, body: &str) -> String {
    format!(
        r#"{{"command": "{command}", "description": "d",
            "request": {{"url": "POST https://<mgmt-server>:<port>/web_api/{command}", "headers": [], "body": {body}}},
            "response": {{"success": [], "failure": []}}}}"#
    )
}

#[test]
fn broken_descriptors_fail_cleanly() {
    let s = Scratch::new();
    s.expect_failure("broken.json", b"{\n  \"command\": \"x\",\n  \"request\": {\n", &["invalid JSON", ":4"]);
    s.expect_failure("no-command.json", br#"{"description": "no command here"}"#, &["missing key `command`"]);
    s.expect_failure(
        "nameless.json",
        descriptor("show-thing", r#"[{"description": "d", "type": "string", "required": true}]"#).as_bytes(),
        &["/request/body/0", "missing key `name`"],
    );
    s.expect_failure(
        "odd-type.json",
        descriptor("show-thing", r#"[{"name": "a", "description": "d", "type": "frobnicate", "required": true}]"#)
            .as_bytes(),
        &["/request/body/0/type", "unknown type string `frobnicate`"],
    );
    s.expect_failure("dup.json", descriptor("login", "[]").as_bytes(), &["duplicate-command", "already described by"]);
    s.expect_failure("empty.json", b"  \n", &["empty"]);
    // Deliveries of any extension, recognised by content, fail as loudly.
    s.expect_failure("cut.txt", b"# show-thing\n\n```json\n{\"command\": \"show-thing\",\n", &["never closed", ":3"]);
    s.expect_failure("typo.txt", b"# show-thing\n\n```json\n{\n  \"command\": x\n}\n```\n", &["invalid JSON", ":5"]);
    s.expect_failure("bare.txt", b"\n{\"command\": \"show-thing\"}\n", &["missing key `request`"]);
    s.expect_failure(
        "untagged.md",
        b"# show-thing\n\n```\n{\"command\": 1}\n```\n",
        &["/command", "expected a string"],
    );
    s.expect_failure("latin1.txt", b"# caf\xe9\n\n```json\n{}\n```\n", &["UTF-8", ":1"]);
    s.expect_failure("latin1.json", b"{\"command\": \"caf\xe9\"}", &["UTF-8", ":1"]);
    s.expect_failure(
        "wrong-kind.json",
        descriptor("show-thing", r#"{"not": "a list"}"#).as_bytes(),
        &["/request/body", "expected an array"],
    );
    s.expect_failure("bad-name.json", descriptor("Show Thing", "[]").as_bytes(), &["/command", "not a command name"]);
}

#[test]
fn check_detects_a_hand_edit() {
    let s = Scratch::new();
    let check =
        || Command::new(env!("CARGO_BIN_EXE_generator")).args(["check", "--root"]).arg(s.root()).output().unwrap();
    assert!(check().status.success(), "fresh output passes the check");
    let file = s.root().join("generated-client/src/generated/base.rs");
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("\n// a hand edit\n");
    fs::write(&file, text).unwrap();
    let out = check();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("stale: generated-client/src/generated/base.rs"), "{stderr}");
    // Regenerating repairs it; a second run changes nothing.
    assert!(s.run().status.success());
    assert!(check().status.success());
    let before = s.output_files();
    assert!(s.run().status.success());
    assert_eq!(before, s.output_files(), "a second run writes the same bytes");
}

#[test]
fn files_without_a_descriptor_are_reported_and_skipped() {
    let s = Scratch::new();
    let before = s.output_files();
    let spec = s.spec();
    fs::write(spec.join("notes.txt"), "some notes").unwrap();
    fs::write(spec.join("logo.png"), [0x89u8, b'P', b'N', b'G', 0, 0xff, 0xfe]).unwrap();
    fs::write(spec.join("README.md"), "# Spec\n\nRegenerate with:\n\n```\ncargo run -p generator\n```\n").unwrap();
    fs::write(spec.join("empty.md"), "").unwrap();
    fs::write(spec.join(".DS_Store"), [0u8, 1, 2, 0xff]).unwrap();
    fs::create_dir_all(spec.join(".cache")).unwrap();
    fs::write(spec.join(".cache/blob.json"), "{").unwrap();
    fs::write(spec.join("seeds/.gitkeep"), "").unwrap();
    let out = s.run_with(&["--verbose"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("warning [not-a-descriptor]: 4 findings"), "{stderr}");
    for (file, why) in [
        ("notes.txt", "no fenced json block and no JSON object"),
        ("logo.png", "not UTF-8 text"),
        ("README.md", "no fenced json block and no JSON object"),
        ("empty.md", "the file is empty"),
    ] {
        assert!(
            stderr.contains(&format!("warning: {file}: holds no descriptor ({why}); skipped")),
            "{file}:\n{stderr}"
        );
    }
    assert!(!stderr.contains(".DS_Store") && !stderr.contains(".gitkeep") && !stderr.contains(".cache"), "{stderr}");
    assert!(stderr.contains("generated 3 commands"), "{stderr}");
    assert_eq!(before, s.output_files(), "the same output as without those files");
    let binary = s.expect_failure("blob.json", &[0u8, 0xff, 0xfe, 0x01], &["UTF-8"]);
    assert!(!binary.contains("panicked"));
}

#[test]
fn a_missing_spec_folder_is_an_error() {
    let s = Scratch::new();
    let out = Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("--root")
        .arg(s.root())
        .args(["--spec", "/nonexistent/spec"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("/nonexistent/spec") && stderr.contains("cannot read the spec folder"), "{stderr}");
}

#[test]
fn an_output_folder_that_cannot_be_written_changes_nothing() {
    let s = Scratch::new();
    let generated = s.root().join("generated-client/src/generated");
    fs::remove_dir_all(&generated).unwrap();
    fs::write(&generated, "a file where the folder should be").unwrap();
    let before = s.output_files();
    let out = s.run();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write") && stderr.contains("previous output is unchanged"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(before, s.output_files(), "nothing was written");
}

/// A descriptor whose one field has a broken type string: one new warning.
const NEW_WARNING: &str = r#"{"command": "show-thing", "description": "d",
    "request": {"url": "POST https://<mgmt-server>:<port>/web_api/show-thing", "headers": [],
                "body": [{"name": "limit", "description": "d", "type": "integerDescription:", "required": false}]},
    "response": {"success": [], "failure": []}}"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_baseline_shows_only_new_findings() {
    let s = Scratch::new();
    let baseline = s.spec().join("lint-baseline.json");
    let out = s.run_with(&["baseline"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = fs::read_to_string(&baseline).unwrap();
    let entries: Vec<&str> = written.lines().filter(|l| l.contains("\"rule\": ")).collect();
    assert!(entries.iter().any(|l| l.contains("login with API key/request/api-key")), "{written}");
    assert!(entries.windows(2).all(|w| w[0] <= w[1]), "sorted, one finding a line:\n{written}");
    let lint: serde_json::Value = serde_json::from_slice(&s.run_with(&["lint", "--format", "json"]).stdout).unwrap();
    let known = lint["summary"]["warnings"].as_u64().unwrap();
    assert!(known > 0, "the seeds have warnings");

    let out = s.run();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("0 new warnings (") && stderr.contains(" known, see "), "{stderr}");
    assert!(!stderr.contains("api-key"), "known findings are not printed:\n{stderr}");

    fs::write(s.spec().join("thing.json"), NEW_WARNING).unwrap();
    let out = s.run();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("thing.json at /request/body/0/type") && stderr.contains("1 new warning ("), "{stderr}");
    assert!(!stderr.contains("api-key"), "{stderr}");
    assert!(stderr.contains(&format!("({known} known, see ")), "{known} known warnings:\n{stderr}");

    let all = text(&s.run_with(&["lint"]).stdout);
    assert!(all.contains("api-key") && all.contains("thing.json"), "lint prints every finding:\n{all}");
    let new = text(&s.run_with(&["lint", "--new"]).stdout);
    assert!(!new.contains("api-key") && new.contains("thing.json"), "lint --new:\n{new}");
    let json: serde_json::Value =
        serde_json::from_slice(&s.run_with(&["lint", "--new", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(
        (json["baseline"]["new"].as_u64(), json["baseline"]["stale"].as_array().map(Vec::len)),
        (Some(1), Some(0))
    );

    // An entry that matches nothing any more is counted, and refreshing drops it.
    fs::remove_file(s.spec().join("thing.json")).unwrap();
    fs::remove_file(s.spec().join("seeds/login.md")).unwrap();
    let stderr = text(&s.run().stderr);
    assert!(stderr.contains(" stale entries: `generator baseline` refreshes it"), "{stderr}");
    let new = text(&s.run_with(&["lint", "--new"]).stdout);
    assert!(new.contains("stale: seeds/login.md at /examples/login with API key/request/api-key"), "{new}");
    assert!(s.run_with(&["baseline"]).status.success());
    assert!(!fs::read_to_string(&baseline).unwrap().contains("seeds/login.md"));
}

#[test]
fn errors_are_never_baselined_and_a_broken_baseline_is_an_error() {
    let s = Scratch::new();
    let baseline = s.spec().join("lint-baseline.json");
    assert!(s.run_with(&["baseline"]).status.success());
    let acknowledged = fs::read(&baseline).unwrap();
    fs::write(s.spec().join("broken.json"), "{").unwrap();
    let out = s.run_with(&["baseline"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("errors are never acknowledged"), "{}", text(&out.stderr));
    assert_eq!(acknowledged, fs::read(&baseline).unwrap(), "the baseline is unchanged");
    fs::remove_file(s.spec().join("broken.json")).unwrap();

    // A merge conflict left in the baseline: named with its line, nothing written.
    let before = s.output_files();
    fs::write(&baseline, "{\n  \"findings\": [\n<<<<<<< HEAD\n").unwrap();
    let out = s.run();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("lint-baseline.json:3") && stderr.contains("[invalid-baseline]"), "{stderr}");
    assert_eq!(before, s.output_files());
    assert!(s.run_with(&["baseline"]).status.success(), "the baseline subcommand rewrites it");
    assert!(s.run().status.success());
}

#[test]
fn the_workspace_comes_from_the_current_folder() {
    let s = Scratch::new();
    let generator = || Command::new(env!("CARGO_BIN_EXE_generator"));
    // Not the workspace the binary was built in (whose output is fresh): this one.
    let base = s.root().join("generated-client/src/generated/base.rs");
    fs::write(&base, "// a hand edit\n").unwrap();
    let out = generator().arg("check").current_dir(s.spec().join("seeds")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("stale: generated-client/src/generated/base.rs"), "{}", text(&out.stderr));
    let out = generator().current_dir(s.root().join("generated-client")).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(fs::read_to_string(&base).unwrap().contains("@generated"), "regenerated in place");

    // Outside any workspace: a clear error, unless --root or --spec says where.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = generator().current_dir(elsewhere.path()).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no workspace found") && stderr.contains("--root"), "{stderr}");
    let out = generator().arg("--root").arg(s.root()).current_dir(elsewhere.path()).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = generator().arg("lint").arg("--spec").arg(s.spec()).current_dir(elsewhere.path()).output().unwrap();
    assert!(out.status.success(), "lint needs only the spec folder: {}", text(&out.stderr));
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written where it ran");
}
