//! Logs in, prints what `show-session` returns as JSON, logs out.
//!
//! ```sh
//! CHKP_SERVER=https://mgmt.example.com CHKP_USER=admin CHKP_PASSWORD=… \
//! CHKP_FINGERPRINT=<hex SHA-256 of the server certificate> \
//!     cargo run -p generated-client --features roundtrip --example session
//! ```
//!
//! Environment: `CHKP_SERVER` (`https://host:port`, plain `http://` allowed);
//! `CHKP_USER` and `CHKP_PASSWORD`, or `CHKP_API_KEY`; optional
//! `CHKP_DOMAIN`; `CHKP_FINGERPRINT` (pin) or `CHKP_CA_FILE` (a CA's PEM).

use generated_client::types::{Logout, ShowSession};
use std::process::ExitCode;

#[path = "support/login.rs"]
mod support;
use support::login;

async fn run() -> Result<(), String> {
    let session = login().await?;
    // Log out whatever `show-session` did.
    let shown = match session.show_session(ShowSession::new()).await {
        Ok(me) => serde_json::to_string_pretty(&me).map(|json| println!("{json}")).map_err(|e| e.to_string()),
        Err(e) => Err(format!("show-session failed: {e}")),
    };
    let logged_out = session.logout(Logout::new()).await.map_err(|e| format!("logout failed: {e}"));
    shown.and(logged_out.map(drop))
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
