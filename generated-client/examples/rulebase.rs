//! Prints every rule of an access layer as one JSON line, in SmartConsole's
//! order, the rules of inline layers right after the rule that applies them.
//!
//! ```sh
//! CHKP_SERVER=https://mgmt.example.com CHKP_USER=admin CHKP_PASSWORD=… \
//! CHKP_FINGERPRINT=<hex SHA-256 of the server certificate> \
//!     cargo run -p generated-client --features access,roundtrip --example rulebase -- Network
//! ```
//!
//! Each line: `{"number": "3.1", "layer": "…", "section": "…"|null, "uid":
//! "…", "name": "…", "source": ["name", …], "destination": […], "service":
//! […], "action": "…"}`, names resolved from `objects-dictionary`.
//!
//! Environment: as `examples/session.rs`: `CHKP_SERVER`; `CHKP_USER` and
//! `CHKP_PASSWORD`, or `CHKP_API_KEY`; optional `CHKP_DOMAIN`;
//! `CHKP_FINGERPRINT` (pin) or `CHKP_CA_FILE` (a CA's PEM).

use generated_client::types::{AccessRule, Logout, ShowAccessRulebase};
use generated_client::{ObjectOrId, ObjectsDictionary, RulebaseEntry, RulebaseRule, Session};
use serde::Serialize;
use serde_json::{json, Value};
use std::io::Write;
use std::process::ExitCode;

#[path = "support/login.rs"]
mod support;
use support::login;

/// One rule as its JSON line.
fn line<O>(rule: &RulebaseRule<AccessRule>, objects: &ObjectsDictionary<O>) -> Value {
    fn names<T: Serialize, O>(list: &Option<Vec<ObjectOrId<T>>>, objects: &ObjectsDictionary<O>) -> Vec<String> {
        list.iter().flatten().map(|r| objects.name_of(r)).collect()
    }
    let r = &rule.rule;
    json!({
        "number": rule.number,
        "layer": rule.layer.name.as_deref().unwrap_or(&rule.layer.uid),
        "section": rule.section.as_ref().map(|s| s.name.as_deref().unwrap_or(&s.uid)),
        "uid": rule.uid,
        "name": r.name,
        "source": names(&r.source, objects),
        "destination": names(&r.destination, objects),
        "service": names(&r.service, objects),
        "action": r.action.as_ref().map(|a| objects.name_of(a)),
    })
}

/// Writes the layer's rules, one JSON line each.
pub async fn print_rules(session: &Session, layer: &str, out: &mut impl Write) -> Result<(), String> {
    let failed = |e: generated_client::Error| format!("show-access-rulebase failed: {e}");
    let mut reader = session.show_access_rulebase_rules(ShowAccessRulebase::new().name(layer));
    while let Some(entry) = reader.next().await.map_err(failed)? {
        if let RulebaseEntry::Rule(rule) = entry {
            writeln!(out, "{}", line(&rule, reader.objects())).map_err(|e| format!("cannot write: {e}"))?;
        }
    }
    Ok(())
}

/// Logs in, prints the rules, and logs out whatever the reading did.
pub async fn run(layer: &str, out: &mut impl Write) -> Result<(), String> {
    let session = login().await?;
    let printed = print_rules(&session, layer, out).await;
    let logged_out = session.logout(Logout::new()).await.map_err(|e| format!("logout failed: {e}"));
    printed.and(logged_out.map(drop))
}

#[allow(dead_code)] // a test runs this file as a module, without `main`
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(layer) = std::env::args().nth(1) else {
        eprintln!("usage: rulebase LAYER (the access layer's name, e.g. \"Network\")");
        return ExitCode::FAILURE;
    };
    match run(&layer, &mut std::io::stdout().lock()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
