//! The OpenAPI export is valid for an independent validator
//! (openapi-spec-validator, from PyPI) and says what the IR says.

mod common;

use std::path::PathBuf;
use std::process::Command;

/// A Python with openapi-spec-validator, installed on first use.
fn validator() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("python-openapi");
    let python = venv.join("bin/python");
    if !python.exists() {
        let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("python3 runs");
        assert!(made.success(), "python3 -m venv failed");
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "openapi-spec-validator"])
            .status()
            .expect("pip runs");
        assert!(pip.success(), "pip install openapi-spec-validator failed (PyPI unreachable?)");
    }
    python
}

#[test]
fn the_export_validates_and_matches_the_ir() {
    let api = &common::analysis().api;
    let document = generator::openapi::document(api);
    assert_eq!(document, generator::openapi::document(api), "deterministic");
    assert_eq!(document["paths"].as_object().unwrap().len(), api.commands.len());
    assert_eq!(document["paths"]["/login"]["post"]["security"], serde_json::json!([]));
    assert_eq!(document["paths"]["/logout"]["post"]["security"], serde_json::json!([{"session": []}]));
    let nat = &document["components"]["schemas"]["AddHost"]["properties"]["nat-settings"];
    assert!(nat.to_string().contains("#/components/schemas/"), "nested objects are schemas: {nat}");
    // `ip-address` or its alternatives `ipv4-address`/`ipv6-address`: none alone is required.
    assert_eq!(document["components"]["schemas"]["AddHost"]["required"], serde_json::json!(["name"]));
    let add_host = &document["components"]["schemas"]["AddHost"]["properties"];
    assert!(add_host["ipv4-address"].is_object() && add_host["ipv6-address"].is_object(), "{add_host}");

    // Every reference resolves (aliases of shared structs and enums too).
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut dangling = Vec::new();
    refs(&document, &mut |target| {
        let name = target.trim_start_matches("#/components/schemas/");
        if !schemas.contains_key(name) {
            dangling.push(name.to_owned());
        }
    });
    assert!(dangling.is_empty(), "references without a schema: {dangling:?}");

    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("openapi.json");
    std::fs::write(&file, serde_json::to_string(&document).unwrap()).unwrap();
    let out = Command::new(validator())
        .args(["-c", "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "the validator rejects the document:\n{}", String::from_utf8_lossy(&out.stderr));
}

fn refs(value: &serde_json::Value, f: &mut dyn FnMut(&str)) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                f(target);
            }
            map.values().for_each(|v| refs(v, f));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, f)),
        _ => {}
    }
}
