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
use generated_client::types::{Login, Logout, ShowHosts};
use generated_client::{Client, ObjectOrId, Secret, Session};
use std::process::ExitCode;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

async fn login() -> Result<Session, String> {
    let server = env("CHKP_SERVER").ok_or("set CHKP_SERVER to the server's URL, e.g. https://127.0.0.1:8443")?;
    let mut builder = Client::builder(server);
    if let Some(pin) = env("CHKP_FINGERPRINT") {
        builder = builder.pin_sha256(&pin);
    }
    if let Some(path) = env("CHKP_CA_FILE") {
        let pem = std::fs::read(&path).map_err(|e| format!("cannot read CHKP_CA_FILE {path}: {e}"))?;
        builder = builder.add_root_pem(&pem);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let mut login = match (env("CHKP_API_KEY"), env("CHKP_USER"), env("CHKP_PASSWORD")) {
        (Some(key), _, _) => Login::with_api_key(Secret::new(key)),
        (None, Some(user), Some(password)) => Login::with_password(user, Secret::new(password)),
        _ => return Err("set CHKP_USER and CHKP_PASSWORD, or CHKP_API_KEY".to_owned()),
    };
    if let Some(domain) = env("CHKP_DOMAIN") {
        login = login.domain(domain);
    }
    client.login(login).await.map_err(|e| format!("login failed: {e}"))
}

/// Prints the names; a host listed by uid only prints its uid.
async fn print_hosts(session: &Session) -> Result<(), String> {
    let mut hosts = std::pin::pin!(session.show_hosts_pages(ShowHosts::new()));
    while let Some(host) = hosts.try_next().await.map_err(|e| format!("show-hosts failed: {e}"))? {
        match host {
            ObjectOrId::Object(host) => println!("{}", host.name.or(host.uid).unwrap_or_default()),
            ObjectOrId::Id(uid) => println!("{uid}"),
        }
    }
    Ok(())
}

async fn run() -> Result<(), String> {
    let session = login().await?;
    // Log out whatever the listing did.
    let listed = print_hosts(&session).await;
    let logged_out = session.logout(Logout::new()).await.map_err(|e| format!("logout failed: {e}"));
    listed.and(logged_out.map(drop))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
