//! The client against the fake server, over real sockets and real TLS.

use fake_server::{Answer, FakeServer, Fault, Options};
use futures_util::TryStreamExt;
use generated_client::types::{
    ContinueSessionInSmartconsole, ErrorCode, Login, LoginToDomain, Logout, Publish, ShowHosts, ShowSession,
};
use generated_client::{ApiVersion, Client, Error, RetryPolicy, Secret, Session, TaskStatus, TaskWait};
use serde_json::json;
use std::time::Duration;

async fn https() -> FakeServer {
    FakeServer::start(Options::default()).await.expect("server starts")
}

fn trusting(server: &FakeServer) -> generated_client::ClientBuilder {
    Client::builder(server.url()).add_root_pem(server.ca_pem().expect("https").as_bytes())
}

async fn login(client: &Client) -> Session {
    client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login succeeds")
}

#[tokio::test]
async fn password_login_show_session_logout() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    assert_eq!(session.api_server_version(), Some("2.0.1"));
    assert_eq!(server.open_sessions(), 1);
    let me = session.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(me.user_name.as_deref(), Some(Options::USER));
    session.logout(Logout::new()).await.unwrap();
    assert_eq!(server.open_sessions(), 0);
}

#[tokio::test]
async fn api_key_login() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = client.login(Login::with_api_key(Options::API_KEY)).await.unwrap();
    let me = session.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(me.user_name.as_deref(), Some("api-key-admin"));
}

#[tokio::test]
async fn wrong_password_is_a_typed_api_error() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let error = client.login(Login::with_password(Options::USER, Secret::new("nope"))).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ErrLoginFailedWrongUsernameOrPassword), "{error}");
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn read_only_login() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = client
        .login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD)).read_only(true))
        .await
        .unwrap();
    let me = session.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(me.connection_mode.map(|m| m.to_string()).as_deref(), Some("read only"));
}

#[tokio::test]
async fn login_to_domain_gives_a_new_session() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    let domain = session.login_to_domain(LoginToDomain::new("Domain A")).await.unwrap();
    assert_ne!(domain.sid(), session.sid());
    assert_eq!(server.open_sessions(), 2);
    let me = domain.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(me.description.as_deref(), Some("domain Domain A"));
}

#[tokio::test]
async fn continue_session_in_smartconsole_ends_the_session() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    let sid = session.sid().clone();
    session.continue_session_in_smartconsole(ContinueSessionInSmartconsole::new()).await.unwrap();
    assert_eq!(server.open_sessions(), 0);
    // The old id is refused (the typed API cannot even try: the session was consumed).
    let error = client.call_json("show-session", Some(&sid), &json!({})).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrWrongSessionId));
}

#[tokio::test]
async fn api_failures_carry_their_error_code() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    server.respond(
        "show-session",
        Answer::Failure { status: 404, code: "generic_err_object_not_found".into(), message: "not there".into() },
    );
    match session.show_session(ShowSession::new()).await {
        Err(Error::Api { status, failure, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(failure.code, Some(ErrorCode::GenericErrObjectNotFound));
            assert_eq!(failure.message.as_deref(), Some("not there"));
        }
        other => panic!("expected an API failure, got {other:?}"),
    }
}

#[tokio::test]
async fn requests_the_server_cannot_decode_get_a_typed_400() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    let error = session.call_json("add-host", &json!({"name": 5, "ip-address": "192.0.2.1"})).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrInvalidParameter), "{error}");
    let missing = client.call_json("show-session", None, &json!({})).await.unwrap_err();
    assert_eq!(missing.code(), Some(&ErrorCode::GenericErrMissingSessionId));
}

#[tokio::test]
async fn an_expired_session_is_reported() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    server.expire_sessions();
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrSessionExpired));
}

#[tokio::test]
async fn tls_rejects_an_unknown_certificate() {
    let server = https().await;
    let client = Client::builder(server.url()).build().unwrap();
    let error = client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert_eq!(server.calls("login"), 0, "nothing was sent over the refused connection");
}

#[tokio::test]
async fn tls_accepts_the_right_ca() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    login(&client).await;
}

#[tokio::test]
async fn tls_pins_the_certificate() {
    let server = https().await;
    let right = server.certificate_sha256().unwrap();
    let client = Client::builder(server.url()).pin_sha256(&right).build().unwrap();
    login(&client).await;

    let wrong = "00".repeat(32);
    let client = Client::builder(server.url()).pin_sha256(&wrong).build().unwrap();
    match client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await {
        Err(Error::PinMismatch { found, .. }) => assert_eq!(found, right),
        other => panic!("expected a pin mismatch, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_pins_and_pems_are_configuration_errors() {
    assert!(matches!(Client::builder("https://x").pin_sha256("12ab").build(), Err(Error::Config(_))));
    assert!(matches!(Client::builder("https://x").add_root_pem(b"not a pem").build(), Err(Error::Config(_))));
    assert!(matches!(Client::builder("ftp://x").build(), Err(Error::Config(_))));
}

#[tokio::test]
async fn timeouts_are_not_retried() {
    let server = https().await;
    let client = trusting(&server).timeout(Duration::from_millis(300)).build().unwrap();
    let session = login(&client).await;
    server.delay("show-session", Duration::from_secs(3));
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(server.calls("show-session"), 1);
}

#[tokio::test]
async fn html_error_pages_are_not_json() {
    let server = https().await;
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    server.fail("show-session", 1, Fault::HtmlError);
    match session.show_session(ShowSession::new()).await {
        Err(Error::NotJson { status, content_type, excerpt, .. }) => {
            assert_eq!(status, 500);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(excerpt.contains("Internal Server Error"), "{excerpt}");
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
    server.fail("show-session", 1, Fault::TruncatedJson);
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert!(matches!(error, Error::NotJson { status: 200, .. }), "{error:?}");
}

#[tokio::test]
async fn rate_limits_are_retried_with_backoff() {
    let server = https().await;
    let quick =
        RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(10), max_delay: Duration::from_millis(40) };
    let client = trusting(&server).retry(quick).build().unwrap();
    let session = login(&client).await;
    server.fail("show-session", 2, Fault::RateLimited);
    session.show_session(ShowSession::new()).await.expect("succeeds on the third attempt");
    assert_eq!(server.calls("show-session"), 3);

    let client = trusting(&server).retry(RetryPolicy::none()).build().unwrap();
    let session = login(&client).await;
    server.fail("show-session", 1, Fault::RateLimited);
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ErrTooManyRequests));
    assert_eq!(error.status(), Some(429));
}

#[tokio::test]
async fn versioned_urls() {
    let server = https().await;
    let client = trusting(&server).api_version(ApiVersion::FromLogin).build().unwrap();
    let session = login(&client).await;
    session.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(server.paths(), ["/web_api/login", "/web_api/v2.0.1/show-session"]);
}

#[tokio::test]
async fn plain_http_works_for_test_servers() {
    let server = FakeServer::start(Options::default().plain_http()).await.unwrap();
    let client = Client::builder(server.url()).build().unwrap();
    login(&client).await;
}

#[tokio::test]
async fn pages_are_fetched_until_done() {
    let server = https().await;
    let hosts: Vec<_> = (0..120)
        .map(|i| json!({"name": format!("host-{i}"), "uid": format!("uid-{i}"), "type": "host", "ipv4-address": "192.0.2.1"}))
        .collect();
    server.collection("show-hosts", hosts);
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    let all: Vec<_> = session.show_hosts_pages(ShowHosts::new().limit(50)).try_collect().await.unwrap();
    assert_eq!(all.len(), 120);
    // Listed items are objects, or their UIDs at details level `uid`.
    assert_eq!(all[119].object().and_then(|h| h.name.as_deref()), Some("host-119"));
    assert_eq!(server.calls("show-hosts"), 3);
    // From an offset, with another page size.
    let rest: Vec<_> = session.show_hosts_pages(ShowHosts::new().offset(100).limit(7)).try_collect().await.unwrap();
    assert_eq!(rest.len(), 20);
    assert_eq!(rest[0].object().and_then(|h| h.name.as_deref()), Some("host-100"));
}

#[tokio::test]
async fn publish_waits_for_its_task() {
    let server = https().await;
    server.task_polls(Some(2));
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    let wait = TaskWait::new(Duration::from_millis(20), Duration::from_secs(5));
    let (response, outcomes) = session.send_and_wait(Publish::new(), wait).await.unwrap();
    assert!(response.task_id.is_some());
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].status, TaskStatus::Succeeded);
    assert_eq!(outcomes[0].details.len(), 1);
    assert_eq!(server.calls("show-task"), 3);
}

#[tokio::test]
async fn a_task_deadline_names_the_task() {
    let server = https().await;
    server.task_polls(None);
    let client = trusting(&server).build().unwrap();
    let session = login(&client).await;
    let response = session.publish(Publish::new()).await.unwrap();
    let wait = TaskWait::new(Duration::from_millis(20), Duration::from_millis(150));
    match session.wait_for_tasks(&response, wait).await {
        Err(Error::TaskTimeout { task_ids, .. }) => assert_eq!(Some(&task_ids[0]), response.task_id.as_ref()),
        other => panic!("expected a task timeout, got {other:?}"),
    }
}
