//! The maintainer's subcommands: lint, diff, openapi, report.

use generator::diff::{diff, Effect};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn seeds() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/seeds")
}

/// A spec folder with the three seeds and an extra descriptor.
fn spec_with(dir: &Path, extra: &[(&str, String)]) {
    fs::create_dir_all(dir).unwrap();
    for seed in ["login.md", "login-to-domain.md", "continue-session-in-smartconsole.md"] {
        fs::copy(seeds().join(seed), dir.join(seed)).unwrap();
    }
    for (name, text) in extra {
        fs::write(dir.join(name), text).unwrap();
    }
}

fn descriptor(command: &str, body: &str) -> String {
    format!(
        r#"{{"command": "{command}", "description": "Shows a thing.",
            "request": {{"url": "POST https://<mgmt-server>:<port>/web_api/{command}",
                         "headers": [{{"name": "X-chkp-sid", "value": "s", "description": "d"}}], "body": {body}}},
            "response": {{"success": [{{"name": "uid", "description": "UID.", "type": "string", "required": false}}], "failure": []}}}}"#
    )
}

const COLORS: &str = r#"[{"name": "name", "description": "Name.", "type": "string", "required": true},
    {"name": "color", "description": "Color.", "type": "string", "required": false, "valid_values": ["red", "blue"]}]"#;
const MORE_COLORS: &str = r#"[{"name": "name", "description": "Name.", "type": "string", "required": true},
    {"name": "color", "description": "Color.", "type": "string", "required": false, "valid_values": ["red", "blue", "green"]}]"#;
const REQUIRED_COLOR: &str = r#"[{"name": "name", "description": "Name.", "type": "string", "required": true},
    {"name": "color", "description": "Color.", "type": "string", "required": true, "valid_values": ["red", "blue"]}]"#;
const NO_COLOR: &str = r#"[{"name": "name", "description": "Name.", "type": "string", "required": true}]"#;

fn api(dir: &Path) -> generator::ir::Api {
    generator::analyze(dir).unwrap_or_else(|f| panic!("{f:#?}")).api
}

fn pair(old: &[(&str, String)], new: &[(&str, String)]) -> generator::diff::Diff {
    let tmp = tempfile::tempdir().unwrap();
    spec_with(&tmp.path().join("old"), old);
    spec_with(&tmp.path().join("new"), new);
    diff(&api(&tmp.path().join("old")), &api(&tmp.path().join("new")))
}

#[test]
fn diff_gives_semver_verdicts() {
    let base = [("thing.json", descriptor("show-thing", COLORS))];
    let same = pair(&base, &base);
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    assert_eq!(same.verdict, Effect::Patch);

    let removed = pair(&base, &[("thing.json", descriptor("show-thing", NO_COLOR))]);
    assert_eq!(removed.verdict, Effect::Major);
    assert!(removed
        .changes
        .iter()
        .any(|c| c.path == "color" && c.what == "field removed" && c.effect == Effect::Major));

    let more = pair(&base, &[("thing.json", descriptor("show-thing", MORE_COLORS))]);
    assert_eq!(more.verdict, Effect::Minor, "{:?}", more.changes);
    assert!(more.changes.iter().any(|c| c.what.contains("enum values added") && c.what.contains("green")));

    let required = pair(&base, &[("thing.json", descriptor("show-thing", REQUIRED_COLOR))]);
    assert_eq!(required.verdict, Effect::Major);
    assert!(required.changes.iter().any(|c| c.path == "color" && c.what == "now required"));

    let added = pair(
        &base,
        &[("thing.json", descriptor("show-thing", COLORS)), ("other.json", descriptor("show-other", NO_COLOR))],
    );
    assert_eq!(added.verdict, Effect::Minor);
    assert!(added.changes.iter().any(|c| c.command == "show-other" && c.what.starts_with("command added")));

    let markdown = generator::diff::markdown(&removed);
    assert!(
        markdown.contains("**major**")
            && markdown.contains("| major | `show-thing` | request `color` | field removed |"),
        "{markdown}"
    );
}

fn generator(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_generator")).args(args).output().unwrap()
}

#[test]
fn lint_reports_login_api_key_and_exit_codes() {
    let out = generator(&["lint", "--format", "json"]);
    assert!(out.status.success(), "only warnings: exit 0");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "undeclared-example-field"
        && f["command"] == "login"
        && f["pointer"] == "/examples/login with API key/request/api-key"));
    for rule in ["broken-type-string", "repeated-name", "override-applied", "example-type-mismatch"] {
        assert!(findings.iter().any(|f| f["rule"] == rule), "the committed spec has findings of {rule}");
    }
    assert_eq!(report["summary"]["errors"], 0);

    let tmp = tempfile::tempdir().unwrap();
    spec_with(tmp.path(), &[("bad.json", "{".to_owned())]);
    let out = generator(&["lint", "--spec", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "errors: exit 1");
    assert!(String::from_utf8_lossy(&out.stdout).contains("error [invalid-json]"));
}

#[test]
fn openapi_is_deterministic_json() {
    let tmp = tempfile::tempdir().unwrap();
    spec_with(tmp.path(), &[]);
    let spec = tmp.path().to_str().unwrap();
    let first = generator(&["openapi", "--spec", spec]);
    let second = generator(&["openapi", "--spec", spec]);
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    // Without the overrides file, each place names the shape by its owner
    // and path; the places that agree share one schema named by their tail.
    let schemas = &doc["components"]["schemas"];
    for place in ["LoginLastLoginWasAt", "LoginToDomainLastLoginWasAt"] {
        assert_eq!(schemas[place]["$ref"], "#/components/schemas/LastLoginWasAt", "{place}");
    }
    let time = &schemas["LastLoginWasAt"]["properties"];
    assert!(time["iso-8601"].is_object() && time["posix"].is_object(), "{time}");
}

#[test]
fn report_counts_decisions_by_evidence() {
    let out = generator(&["report"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for kind in ["override", "example", "structure", "corpus", "rule"] {
        assert!(text.lines().any(|l| l.trim_start().starts_with(kind)), "{kind} in:\n{text}");
    }
    assert!(text.contains("Parents decided by rule alone"));
    let holdout = text.lines().find(|l| l.contains("own examples left out")).expect("the holdout figure");
    assert!(holdout.contains("requests ") && holdout.contains("responses "), "{holdout}");
    assert!(text.lines().any(|l| l.starts_with("Types: ") && l.contains(" structs; ")), "{text}");
    let one = generator(&["report", "--command", "login"]);
    assert!(String::from_utf8_lossy(&one.stdout).contains("login-message [example]"));
}

#[test]
fn lint_reports_non_json_examples_and_colliding_values() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = r#"{"command": "show-odd", "description": "d",
        "request": {"url": "POST x/web_api/show-odd", "headers": [{"name": "X-chkp-sid", "value": "s", "description": "d"}],
                    "body": [{"name": "mode", "description": "Mode.", "type": "string", "required": false,
                              "valid_values": ["TACACS", "tacacs", "a b", "a-b"]}]},
        "response": {"success": [], "failure": []},
        "examples": {"cut": {"description": "d", "request": "POST x\n\n{\"mode\": \"a b\"}", "response": "{ \"uid\": ... }"}}}"#;
    spec_with(tmp.path(), &[("odd.json", odd.to_owned())]);
    let out = generator(&["lint", "--format", "json", "--spec", tmp.path().to_str().unwrap()]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"non-json-example"), "{rules:?}");
    assert!(rules.contains(&"enum-value-collision"), "{rules:?}");
}

/// The seeds as the extractor delivers them: `.txt` files named by number
/// and hash, each a `# command` heading and a fenced json block.
const DELIVERED: [(&str, &str); 3] = [
    ("login.md", "000_4c3ed30861f362b7.txt"),
    ("login-to-domain.md", "001_faf551f109beff9a.txt"),
    ("continue-session-in-smartconsole.md", "002_c3879ef87cdffeb0.txt"),
];

#[test]
fn seed_deliveries_as_txt_generate_the_same_api() {
    let tmp = tempfile::tempdir().unwrap();
    let (as_md, as_txt) = (tmp.path().join("md"), tmp.path().join("txt"));
    spec_with(&as_md, &[]);
    fs::create_dir_all(&as_txt).unwrap();
    for (seed, delivered) in DELIVERED {
        fs::copy(seeds().join(seed), as_txt.join(delivered)).unwrap();
    }
    let (md, txt) = (generator::analyze(&as_md).unwrap(), generator::analyze(&as_txt).unwrap());
    assert_eq!(txt.api.commands.len(), 3, "every delivery is read");
    // The IR names each command's source file; all else is the same.
    let mut txt_ir = serde_json::to_string(&txt.api).unwrap();
    for (seed, delivered) in DELIVERED {
        txt_ir = txt_ir.replace(delivered, seed);
    }
    assert!(serde_json::to_string(&md.api).unwrap() == txt_ir, "the same IR but for the file names");
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let render = |analysis| generator::render(analysis, &workspace).unwrap().files;
    assert!(render(&md) == render(&txt), "the same generated files");
    let rules = |a: &generator::Analysis| a.findings.iter().map(|f| f.rule).collect::<Vec<_>>();
    assert_eq!(rules(&md), rules(&txt), "the same findings, in files of other names");
}

/// A spec folder with the seeds, `show-thing` added by the overrides file,
/// and, when `documented`, a descriptor of `show-thing` as well.
fn override_caught_up(dir: &Path, documented: bool) -> generator::Analysis {
    let overrides = r#"
[[command]]
name = "show-thing"
description = "Shows a thing."
why = "the documentation lacked it"
response = [{ name = "owner", type = "Object", children = [{ name = "name", type = "string", description = "Name." }] }]
"#;
    let mut extra = vec![("overrides.toml", overrides.to_owned())];
    if documented {
        extra.push(("show-thing.json", descriptor("show-thing", COLORS)));
    }
    spec_with(dir, &extra);
    generator::analyze(dir).unwrap_or_else(|f| panic!("{f:#?}"))
}

#[test]
fn an_override_the_documentation_catches_up_with_is_obsolete() {
    let tmp = tempfile::tempdir().unwrap();
    let before = override_caught_up(&tmp.path().join("before"), false);
    assert!(!before.findings.iter().any(|f| f.rule.id() == "obsolete-override"));
    let after = override_caught_up(&tmp.path().join("after"), true);
    let obsolete: Vec<_> = after.findings.iter().filter(|f| f.rule.id() == "obsolete-override").collect();
    assert_eq!(obsolete.len(), 1, "{:#?}", after.findings);
    assert_eq!((obsolete[0].file.as_str(), obsolete[0].pointer.as_str()), ("overrides.toml", "/command/0"));
    assert!(obsolete[0].message.contains("show-thing.json"), "{}", obsolete[0].message);
    let thing = after.spec.descriptors.iter().find(|d| d.command == "show-thing").unwrap();
    assert_eq!((thing.file.as_str(), &thing.origin), ("show-thing.json", &generator::load::Origin::Documentation));
    // The descriptor's API, not the override's: its request fields, its
    // response; the override's nesting of `owner` is gone with it.
    let changes = diff(&before.api, &after.api).changes;
    assert!(changes.iter().any(|c| c.command == "show-thing" && c.path == "color" && c.what == "field added"));
    assert!(changes.iter().any(|c| c.command == "show-thing" && c.path == "owner" && c.what == "field removed"));
    assert!(!after.findings.iter().any(|f| f.rule.id() == "unused-override"), "{:#?}", after.findings);
}

#[test]
fn control_characters_are_reported_and_removed() {
    let body = r#"[{"name": "dom\u0000ain", "description": "Domain.", "type": "string", "required": false},
        {"name": "mode", "description": "Mode.", "type": "string", "required": false, "valid_values": ["fast", "sl\u001bow"]}]"#;
    let mut text: serde_json::Value = serde_json::from_str(&descriptor("show-thing", body)).unwrap();
    text["examples"] =
        serde_json::json!({"first\nexample": {"description": "d", "request": "POST x\n\n{\"mode\": \"fast\"}"}});
    let tmp = tempfile::tempdir().unwrap();
    spec_with(tmp.path(), &[("thing.json", text.to_string())]);
    let analysis = generator::analyze(tmp.path()).unwrap_or_else(|f| panic!("{f:#?}"));
    let found: Vec<(&str, &str)> = analysis
        .findings
        .iter()
        .filter(|f| f.rule.id() == "control-character")
        .map(|f| (f.pointer.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    let nul = "field name `dom\\0ain` holds control characters (U+0000); read as `domain`";
    assert!(found.contains(&("/request/body/0/name", nul)), "{found:#?}");
    assert!(found.iter().any(|(p, m)| *p == "/request/body/1/valid_values/1" && m.ends_with("read as `slow`")));
    assert!(found.iter().any(|(p, m)| *p == "/examples/first\nexample" && m.ends_with("read as `firstexample`")));
    let thing = analysis.spec.descriptors.iter().find(|d| d.command == "show-thing").unwrap();
    let body = thing.body.as_ref().unwrap();
    assert_eq!(body[0].name, "domain");
    assert_eq!(body[1].valid_values.as_deref(), Some(&["fast".to_owned(), "slow".to_owned()][..]));
    assert_eq!(thing.examples[0].name, "firstexample");
}

#[test]
fn diff_fail_on_exits_2_when_the_changes_reach_the_level() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = [
        ("base", descriptor("show-thing", COLORS)),
        ("same", descriptor("show-thing", COLORS)),
        ("minor", descriptor("show-thing", MORE_COLORS)),
        ("major", descriptor("show-thing", NO_COLOR)),
        ("broken", "{".to_owned()),
    ];
    for (name, text) in specs {
        spec_with(&tmp.path().join(name), &[("thing.json", text)]);
    }
    let run = |new: &str, level: &str| {
        let dir = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();
        let out = generator(&["diff", &dir("base"), &dir(new), "--fail-on", level]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code(), stdout)
    };
    for (new, level, code) in [
        ("major", "major", 2),
        ("major", "minor", 2),
        ("minor", "major", 0),
        ("minor", "minor", 2),
        ("minor", "patch", 2),
        ("same", "patch", 0),
        ("broken", "major", 1),
    ] {
        let (status, stdout) = run(new, level);
        assert_eq!(status, Some(code), "{new} with --fail-on {level}");
        if code != 1 {
            assert!(stdout.starts_with("## API changes: "), "the verdict is printed all the same: {stdout}");
        }
    }
}
