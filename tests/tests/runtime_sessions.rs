//! Sessions that clean up, against the fake server: a scope ends its
//! session on every path with the outcome the caller chose, keeps it alive,
//! and a saved session id is checked before it is used.

use fake_server::{FakeServer, Options};
use generated_client::types::{Login, ShowSession};
use generated_client::{Client, Error, Outcome, Scope, Secret, Session, TaskWait};
use std::time::Duration;

async fn server() -> (FakeServer, Client) {
    let server = FakeServer::start(Options::default()).await.unwrap();
    let client = Client::builder(server.url()).add_root_pem(server.ca_pem().unwrap().as_bytes()).build().unwrap();
    (server, client)
}

fn admin() -> Login {
    Login::with_password(Options::USER, Secret::new(Options::PASSWORD))
}

fn quick_publish() -> TaskWait {
    TaskWait::new(Duration::from_millis(10), Duration::from_secs(30))
}

#[tokio::test]
async fn a_scope_publishes_and_logs_out() {
    let (server, client) = server().await;
    let scoped = Scope::named("nightly import")
        .description("hosts from the CMDB")
        .publish_wait(quick_publish())
        .run(&client, admin(), |session| async move {
            let me = session.show_session(ShowSession::new()).await?;
            Ok((me.name, Outcome::Publish))
        })
        .await
        .unwrap();
    assert_eq!(scoped.value.as_deref(), Some("nightly import"), "the session carries the scope's name");
    assert_eq!(scoped.published.len(), 1);
    assert!(scoped.published[0].status.is_success());
    assert_eq!((server.calls("publish"), server.calls("discard")), (1, 0));
    assert_eq!(server.calls("logout"), 1);
    assert_eq!(server.open_sessions(), 0);
}

#[tokio::test]
async fn a_failing_scope_discards_logs_out_and_returns_the_failure() {
    let (server, client) = server().await;
    let error = Scope::named("broken")
        .run(&client, admin(), |session| async move {
            session.call_json("show-nothing-like-this", &serde_json::json!({})).await?;
            Ok(((), Outcome::Publish))
        })
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
    assert_eq!((server.calls("publish"), server.calls("discard")), (0, 1));
    assert_eq!(server.open_sessions(), 0);
}

#[tokio::test]
async fn a_scope_can_discard_or_keep() {
    let (server, client) = server().await;
    Scope::named("dry run").run(&client, admin(), |_| async { Ok(((), Outcome::Discard)) }).await.unwrap();
    assert_eq!((server.calls("publish"), server.calls("discard")), (0, 1));
    let kept = Scope::named("for review").run(&client, admin(), |_| async { Ok(((), Outcome::Keep)) }).await.unwrap();
    assert!(kept.session_uid.is_some_and(|uid| uid.starts_with("session-")));
    assert_eq!((server.calls("publish"), server.calls("discard")), (0, 1), "kept: neither published nor discarded");
    assert_eq!(server.open_sessions(), 0);
}

#[tokio::test]
async fn a_scope_sends_keepalives_while_the_work_runs() {
    let (server, client) = server().await;
    let server = &server;
    Scope::named("long job")
        .keepalive_every(Duration::from_millis(5))
        .run(&client, admin(), |_| async move {
            // Idle work: it ends once the server has seen two keepalives.
            while server.calls("keepalive") < 2 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Ok(((), Outcome::Discard))
        })
        .await
        .unwrap();
    let after = server.calls("keepalive");
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(server.calls("keepalive"), after, "no keepalive after the scope");
}

#[tokio::test]
async fn a_saved_session_is_checked_and_replaced_when_expired() {
    let (server, client) = server().await;
    let first = client.login(admin()).await.unwrap();
    let saved = first.sid().clone();
    let resumed = Session::resume_or_login(&client, saved.clone(), admin()).await.unwrap();
    assert_eq!(resumed.sid(), &saved, "a live session is kept");
    assert_eq!(server.calls("login"), 1);

    server.expire_sessions();
    let fresh = Session::resume_or_login(&client, saved.clone(), admin()).await.unwrap();
    assert_ne!(fresh.sid(), &saved);
    assert_eq!(server.calls("login"), 2);
    fresh.show_session(ShowSession::new()).await.unwrap();

    let refused = Session::resume_or_login(&client, saved, Login::with_password(Options::USER, Secret::new("nope")))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Api { status: 400, .. }), "{refused:?}");
}
