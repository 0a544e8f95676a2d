//! Prints every host's name, one per line, from a paged `show-hosts`.
//!
//! ```sh
//! CHKP_SERVER=https://mgmt.example.com CHKP_USER=admin CHKP_PASSWORD=… \
//! CHKP_FINGERPRINT=<hex SHA-256 of the server certificate> \
//!     cargo run -p generated-client --features host --example hosts
//! ```
//!
//! Environment: as `examples/session.rs`: `CHKP_SERVER`; `CHKP_USER` and
//! `CHKP_PASSWORD`, or `CHKP_API_KEY`; optional `CHKP_DOMAIN`;
//! `CHKP_FINGERPRINT` (pin) or `CHKP_CA_FILE` (a CA's PEM).

use futures_util::TryStreamExt;
use generated_client::types::{Logout, ShowHosts};
use generated_client::{ObjectOrId, Session};
use std::io::Write;
use std::process::ExitCode;

#[path = "support/login.rs"]
mod support;
use support::login;

/// Writes the names; a host listed by uid only writes its uid.
pub async fn print_hosts(session: &Session, out: &mut impl Write) -> Result<(), String> {
    let mut hosts = std::pin::pin!(session.show_hosts_pages(ShowHosts::new()));
    while let Some(host) = hosts.try_next().await.map_err(|e| format!("show-hosts failed: {e}"))? {
        let name = match host {
            ObjectOrId::Object(host) => host.name.or(host.uid).unwrap_or_default(),
            ObjectOrId::Id(uid) => uid,
        };
        writeln!(out, "{name}").map_err(|e| format!("cannot write: {e}"))?;
    }
    Ok(())
}

/// Logs in, lists the hosts, and logs out whatever the listing did.
pub async fn run(out: &mut impl Write) -> Result<(), String> {
    let session = login().await?;
    let listed = print_hosts(&session, out).await;
    let logged_out = session.logout(Logout::new()).await.map_err(|e| format!("logout failed: {e}"));
    listed.and(logged_out.map(drop))
}

#[allow(dead_code)] // a test runs this file as a module, without `main`
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(&mut std::io::stdout().lock()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
