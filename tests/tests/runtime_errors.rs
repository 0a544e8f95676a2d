//! Errors that diagnose: the known puzzles of real servers explained, the
//! cause chain kept, session ids masked; and the URLs of versions and path
//! prefixes.

use fake_server::{Answer, FakeServer, Options};
use generated_client::types::{DeleteHost, Login, ShowSession};
use generated_client::{ApiVersion, Client, Error, Secret, Session};
use serde_json::json;
use std::error::Error as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

async fn fake() -> (FakeServer, Session) {
    let server = FakeServer::start(Options::default()).await.unwrap();
    let client = Client::builder(server.url()).add_root_pem(server.ca_pem().unwrap().as_bytes()).build().unwrap();
    let session =
        client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login");
    (server, session)
}

/// A bare HTTP/1.1 server on loopback for answers the fake server cannot
/// give (an HTML 403 of the API server's address filter): every request
/// gets `status`, `content_type` and `body`. Returns its URL and the paths
/// it was asked for.
fn bare_server(status: u16, content_type: &'static str, body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let paths = Arc::new(Mutex::new(Vec::new()));
    let seen = paths.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or_default().to_owned();
                    let mut length = 0;
                    loop {
                        let mut header = String::new();
                        reader.read_line(&mut header).unwrap();
                        if header.trim().is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            if name.eq_ignore_ascii_case("content-length") {
                                length = value.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut request_body = vec![0; length];
                    reader.read_exact(&mut request_body).unwrap();
                    seen.lock().unwrap().push(path);
                    let answer = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    stream.write_all(answer.as_bytes()).unwrap();
                }
            });
        }
    });
    (url, paths)
}

#[tokio::test]
async fn an_html_403_explains_the_allowed_client_addresses() {
    let (url, _) = bare_server(403, "text/html", "<html><body><h1>403 Forbidden</h1></body></html>");
    let client = Client::builder(url).build().unwrap();
    let error = client.login(Login::with_password("admin", Secret::new("pw"))).await.unwrap_err();
    assert!(matches!(error, Error::NotJson { status: 403, .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("client addresses") && text.contains("api restart"), "{text}");
}

#[tokio::test]
async fn a_missing_command_names_the_servers_version() {
    let (_server, session) = fake().await;
    let error = session.call_json("show-something-newer", &json!({})).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    let hint = error.hint().expect("a hint");
    assert!(hint.contains("2.0.1") && hint.contains("show-something-newer"), "{hint}");
    assert!(error.to_string().contains(&hint));
}

#[tokio::test]
async fn a_refused_deletion_points_to_where_used() {
    let (server, session) = fake().await;
    server.respond(
        "delete-host",
        Answer::Failure {
            status: 409,
            code: "generic_err_object_deletion".to_owned(),
            message: "Object is used by other objects".to_owned(),
        },
    );
    let error = session.delete_host(DeleteHost::new().name("web-01")).await.unwrap_err();
    assert_eq!(error.status(), Some(409));
    assert!(error.to_string().contains("where-used"), "{error}");
}

#[tokio::test]
async fn a_lock_names_the_way_to_release_it() {
    let (server, session) = fake().await;
    server.respond(
        "delete-host",
        Answer::Failure {
            status: 409,
            code: "generic_err_object_locked".to_owned(),
            message: "Object is locked by another session".to_owned(),
        },
    );
    let error = session.delete_host(DeleteHost::new().name("web-01")).await.unwrap_err();
    assert!(error.to_string().contains("show-sessions"), "{error}");
}

#[tokio::test]
async fn session_ids_the_server_echoes_are_masked() {
    let (server, session) = fake().await;
    let sid = session.sid().expose().to_owned();
    server.respond(
        "show-session",
        Answer::Failure {
            status: 401,
            code: "generic_err_wrong_session_id".to_owned(),
            message: format!("Wrong session id [{sid}]"),
        },
    );
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(&sid), "{text}");
        assert!(text.contains("Wrong session id [***]"), "{text}");
    }
}

#[tokio::test]
async fn a_decode_error_keeps_its_cause() {
    let (server, session) = fake().await;
    server.respond("show-session", Answer::Json(json!({"uid": 5})));
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let cause = error.source().expect("serde's error");
    assert!(cause.to_string().contains("invalid type"), "{cause}");
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_and_a_pinned_version() {
    let (url, paths) = bare_server(200, "application/json", r#"{"sid": "sid-1", "api-server-version": "1.9"}"#);
    let client = Client::builder(format!("{url}/mgmt-4711")).build().unwrap();
    let session = client.login(Login::with_password("admin", Secret::new("pw"))).await.unwrap();
    assert_eq!(session.api_server_version(), Some("1.9"));
    session.call_json("show-hosts", &json!({})).await.unwrap();
    let pinned =
        Client::builder(format!("{url}/mgmt-4711/")).api_version(ApiVersion::Fixed("1.8".into())).build().unwrap();
    pinned.login(Login::with_password("admin", Secret::new("pw"))).await.unwrap();
    let from_login =
        Client::builder(format!("{url}/mgmt-4711/web_api")).api_version(ApiVersion::FromLogin).build().unwrap();
    let session = from_login.login(Login::with_password("admin", Secret::new("pw"))).await.unwrap();
    session.call_json("show-hosts", &json!({})).await.unwrap();
    assert_eq!(
        *paths.lock().unwrap(),
        [
            "/mgmt-4711/web_api/login",
            "/mgmt-4711/web_api/show-hosts",
            "/mgmt-4711/web_api/v1.8/login",
            "/mgmt-4711/web_api/login",
            "/mgmt-4711/web_api/v1.9/show-hosts",
        ]
    );
}
