//! Real servers' behaviours on demand: the client's error paths against
//! the fake server.

use fake_server::{FakeServer, Options, Quirk};
use generated_client::types::{ErrorCode, Login, Publish, ShowHosts, ShowSession};
use generated_client::{Client, Error, RetryPolicy, Secret, Session};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

async fn server() -> FakeServer {
    FakeServer::start(Options::default().plain_http()).await.expect("server starts")
}

fn client(server: &FakeServer) -> Client {
    // No waiting: these tests look at the refusals themselves.
    Client::builder(server.url()).retry(RetryPolicy::none()).login_deadline(Duration::ZERO).build().unwrap()
}

fn password() -> Login {
    Login::with_password(Options::USER, Secret::new(Options::PASSWORD))
}

async fn login(server: &FakeServer) -> Session {
    client(server).login(password()).await.expect("login succeeds")
}

#[tokio::test]
async fn the_fourth_login_in_a_minute_is_throttled() {
    let server = server().await;
    server.quirk(Quirk::LoginThrottle(3));
    let client = client(&server);
    for _ in 0..3 {
        client.login(password()).await.expect("three logins a minute are allowed");
    }
    let error = client.login(password()).await.unwrap_err();
    assert_eq!((error.code(), error.status()), (Some(&ErrorCode::ErrTooManyRequests), Some(429)));
}

#[tokio::test]
async fn a_client_address_not_allowed_gets_an_html_403() {
    let server = server().await;
    server.quirk(Quirk::ClientNotAllowed);
    match client(&server).login(password()).await {
        Err(Error::NotJson { status, excerpt, .. }) => {
            assert_eq!(status, 403);
            assert!(excerpt.contains("Forbidden"), "{excerpt}");
        }
        other => panic!("expected the HTML 403, got {other:?}"),
    }
}

#[tokio::test]
async fn show_task_fails_once_right_after_the_call() {
    let server = server().await;
    server.quirk(Quirk::TaskNotReadyAtFirst);
    let session = login(&server).await;
    let task = session.publish(Publish::new()).await.unwrap().task_id.unwrap();
    let first = session.call_json("show-task", &json!({"task-id": task})).await.unwrap_err();
    assert_eq!(first.code(), Some(&ErrorCode::GenericErrObjectNotFound));
    let second = session.call_json("show-task", &json!({"task-id": task})).await.unwrap();
    assert_eq!(second["tasks"][0]["task-id"], task.as_str());
}

#[tokio::test]
async fn slow_answers_reach_the_client_timeout() {
    let server = server().await;
    let session = login(&server).await;
    server.quirk(Quirk::SlowAnswers(Duration::from_secs(5)));
    let impatient = Client::builder(server.url()).timeout(Duration::from_millis(200)).build().unwrap();
    let session = Session::resume(impatient, session.sid().clone());
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn a_connection_dropped_mid_answer_is_an_error_not_a_panic() {
    let server = server().await;
    let session = login(&server).await;
    server.quirk(Quirk::DropConnection("show-session".to_owned()));
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. } | Error::Decode { .. } | Error::NotJson { .. }), "{error:?}");
    assert_eq!(server.calls("show-session"), 1, "a dropped connection is not retried");
}

#[tokio::test]
async fn equal_names_swap_order_between_pages() {
    let server = server().await;
    let same: Vec<_> =
        (0..4).map(|i| json!({"uid": format!("uid-{i}"), "name": "same", "type": "host", "meta-info": {}})).collect();
    server.load_state(&json!({"objects": same})).unwrap();
    server.quirk(Quirk::EqualNamesSwap);
    let session = login(&server).await;
    let mut seen = Vec::new();
    for offset in 0..4 {
        let page = session.show_hosts(ShowHosts::new().limit(1).offset(offset)).await.unwrap();
        let uid =
            page.objects.unwrap_or_default().into_iter().next().and_then(|h| h.object().and_then(|o| o.uid.clone()));
        seen.push(uid.unwrap());
    }
    let distinct: HashSet<_> = seen.iter().collect();
    assert!(distinct.len() < 4, "paging by one repeats an object and misses another: {seen:?}");
}
