//! The login every example shares, configured by the `CHKP_*` variables:
//! `CHKP_SERVER`; `CHKP_USER` and `CHKP_PASSWORD`, or `CHKP_API_KEY`;
//! optional `CHKP_DOMAIN`; `CHKP_FINGERPRINT` (pin) or `CHKP_CA_FILE` (a
//! CA's PEM).

use generated_client::types::Login;
use generated_client::{Client, Secret, Session};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Logs in as the environment says; the error is a readable sentence.
pub async fn login() -> Result<Session, String> {
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
