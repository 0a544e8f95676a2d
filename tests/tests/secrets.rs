//! Passwords, API keys and session ids never show: not in `Debug`, not in
//! `Display`, not in errors, not in `tracing` output.

use fake_server::{FakeServer, Fault, Options};
use generated_client::types::{Login, ShowSession};
use generated_client::{Client, Secret};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_any_formatted_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = FakeServer::start(Options::default()).await.unwrap();
    let client = Client::builder(server.url()).add_root_pem(server.ca_pem().unwrap().as_bytes()).build().unwrap();
    let mut shown: Vec<String> = Vec::new();

    let login = Login::with_password(Options::USER, Secret::new(Options::PASSWORD));
    shown.push(format!("{login:?}"));
    let by_key = Login::with_api_key(Options::API_KEY);
    shown.push(format!("{by_key:?}"));
    let response = client.send(login.clone()).await.unwrap();
    shown.push(format!("{response:?}"));
    let sid = response.sid.clone().expect("a session id").expose().to_owned();

    let session = client.login(login).await.unwrap();
    let session_sid = session.sid().expose().to_owned();
    shown.push(format!("{session:?}"));
    shown.push(format!("{:?}", session.sid()));
    shown.push(format!("{client:?}"));
    shown.push(format!("{:?}", client.login(by_key).await.unwrap()));

    let wrong = client.login(Login::with_password(Options::USER, Secret::new("wrong-Passw0rd"))).await.unwrap_err();
    shown.push(format!("{wrong:?}"));
    shown.push(format!("{wrong}"));
    server.fail("show-session", 1, Fault::TruncatedJson);
    let broken = session.show_session(ShowSession::new()).await.unwrap_err();
    shown.push(format!("{broken:?} {broken}"));
    let expired = {
        server.expire_sessions();
        session.show_session(ShowSession::new()).await.unwrap_err()
    };
    shown.push(format!("{expired:?} {expired}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("chkp_call"), "the calls were traced:\n{logs}");
    shown.push(logs);
    for text in &shown {
        for secret in [Options::PASSWORD, Options::API_KEY, "wrong-Passw0rd", sid.as_str(), session_sid.as_str()] {
            assert!(!text.contains(secret), "`{secret}` shows in:\n{text}");
        }
    }
}
