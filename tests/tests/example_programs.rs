//! The example programs (`examples/hosts.rs`, `examples/rulebase.rs`), their
//! own code, against the fake server over TLS with the certificate pinned,
//! configured by the same `CHKP_*` variables a user sets.
//!
//! One test in its own binary: it sets the process's environment.

// Both examples load the login they share (`examples/support/login.rs`).
#![allow(clippy::duplicate_mod)]

use fake_server::{FakeServer, Options};
use serde_json::{json, Value};

#[allow(dead_code, unreachable_pub)]
#[path = "../../generated-client/examples/hosts.rs"]
mod hosts;

#[allow(dead_code, unreachable_pub)]
#[path = "../../generated-client/examples/rulebase.rs"]
mod rulebase;

fn state() -> Value {
    let layer = |uid: &str, name: &str| json!({"uid": uid, "name": name, "type": "access-layer", "meta-info": {}});
    let host = |uid: &str, name: &str| json!({"uid": uid, "name": name, "type": "host", "ipv4-address": "192.0.2.1"});
    let action = |uid: &str, name: &str| json!({"uid": uid, "name": name, "type": "RulebaseAction"});
    let section = |uid: &str, name: &str| json!({"uid": uid, "name": name, "type": "access-section", "layer": "L1"});
    let rule = |uid: &str, name: &str, layer: &str, extra: Value| {
        let mut rule = json!({"uid": uid, "name": name, "type": "access-rule", "layer": layer});
        rule.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        rule
    };
    let reference = |uid: &str, name: &str, ty: &str| json!({"uid": uid, "name": name, "type": ty});
    json!({
        "objects": [
            layer("L1", "Network"), layer("L2", "Guests"),
            host("H1", "web"), host("H2", "db"),
            action("A1", "Accept"), action("A2", "Drop"),
            section("S1", "Servers"),
            rule("R1", "to-web", "L1", json!({
                "source": [reference("H2", "db", "host")],
                "destination": [reference("H1", "web", "host")],
                "action": reference("A1", "Accept", "RulebaseAction"),
            })),
            rule("R2", "guests", "L1", json!({
                "inline-layer": reference("L2", "Guests", "access-layer"),
                "action": reference("A1", "Accept", "RulebaseAction"),
            })),
            rule("R3", "guest-drop", "L2", json!({"action": reference("A2", "Drop", "RulebaseAction")})),
        ],
        "rulebases": {"L1": ["S1", "R1", "R2"], "L2": ["R3"]},
    })
}

#[tokio::test]
async fn the_examples_read_the_fake_server_as_a_real_one() {
    let server = FakeServer::start(Options::default()).await.expect("server starts");
    server.load_state(&state()).expect("state loads");
    std::env::set_var("CHKP_SERVER", server.url());
    std::env::set_var("CHKP_FINGERPRINT", server.certificate_sha256().expect("a TLS server"));
    std::env::set_var("CHKP_USER", Options::USER);
    std::env::set_var("CHKP_PASSWORD", Options::PASSWORD);

    let mut out = Vec::new();
    rulebase::run("Network", &mut out).await.expect("the rulebase example succeeds");
    let lines: Vec<Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(
        lines,
        [
            json!({"number": "1", "layer": "Network", "section": "Servers", "uid": "R1", "name": "to-web",
                   "source": ["db"], "destination": ["web"], "service": [], "action": "Accept"}),
            json!({"number": "2", "layer": "Network", "section": "Servers", "uid": "R2", "name": "guests",
                   "source": [], "destination": [], "service": [], "action": "Accept"}),
            json!({"number": "2.1", "layer": "Guests", "section": null, "uid": "R3", "name": "guest-drop",
                   "source": [], "destination": [], "service": [], "action": "Drop"}),
        ]
    );

    let mut out = Vec::new();
    hosts::run(&mut out).await.expect("the hosts example succeeds");
    assert_eq!(String::from_utf8(out).unwrap(), "db\nweb\n");

    // Every session logged out, and an unknown layer is a readable error.
    assert_eq!(server.open_sessions(), 0);
    let error = rulebase::run("Nope", &mut Vec::new()).await.unwrap_err();
    assert!(error.contains("show-access-rulebase failed") && error.contains("Nope"), "{error}");
    assert_eq!(server.open_sessions(), 0);
}
