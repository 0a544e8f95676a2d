// Shared by the test files (each includes it with `mod common;`).
#![allow(dead_code)]

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The spec folder.
pub fn spec() -> PathBuf {
    root().join("spec")
}

/// The analysis of the committed spec (cached per test binary).
pub fn analysis() -> &'static generator::Analysis {
    use std::sync::OnceLock;
    static ANALYSIS: OnceLock<generator::Analysis> = OnceLock::new();
    ANALYSIS.get_or_init(|| match generator::analyze(&spec()) {
        Ok(a) => a,
        Err(findings) => panic!("the spec does not generate: {findings:#?}"),
    })
}
