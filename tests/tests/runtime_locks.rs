//! Locks explained, against the fake server: a call refused for a lock
//! says which session holds it, and this administrator's stale API
//! sessions can be found and discarded.

use fake_server::{FakeServer, Fault, Options};
use generated_client::types::{ErrorCode, Login, SetHost, ShowSession};
use generated_client::{Client, Error, Secret, Session};
use serde_json::json;
use std::error::Error as _;
use std::time::Duration;

async fn server() -> FakeServer {
    let server = FakeServer::start(Options::default().plain_http()).await.expect("server starts");
    server.seed("host", 1).unwrap();
    server
}

/// A session named `name`, of its own client (as another process would).
async fn login(server: &FakeServer, name: &str) -> Session {
    let client = Client::builder(server.url()).build().unwrap();
    let login = Login::with_password(Options::USER, Secret::new(Options::PASSWORD)).session_name(name);
    client.login(login).await.expect("login succeeds")
}

async fn uid_of(session: &Session) -> String {
    session.show_session(ShowSession::new()).await.unwrap().uid.unwrap()
}

#[tokio::test]
async fn a_lock_refusal_names_the_session_that_holds_it() {
    let server = server().await;
    let alice = login(&server, "nightly sync").await;
    let bob = login(&server, "bob's fix").await;
    alice.set_host(SetHost::new().name("host-00001").comments("alice was here")).await.unwrap();

    let error = bob.set_host(SetHost::new().name("host-00001").comments("bob too")).await.unwrap_err();
    // One lookup of the object, one of the session that holds it.
    assert_eq!((server.calls("show-host"), server.calls("show-session")), (1, 1));
    let alice_uid = uid_of(&alice).await;
    let message = error.to_string();
    for words in ["`host-00001` is locked by session 'nightly sync'", &alice_uid, "administrator 'admin'", "WEB_API"] {
        assert!(message.contains(words), "{words}: {message}");
    }
    assert!(message.contains("`discard` with a session's `uid`"), "the hint stays: {message}");
    let Error::Locked { holder, .. } = &error else { panic!("not Locked: {error:?}") };
    assert_eq!(holder.session_uid.as_deref(), Some(alice_uid.as_str()));
    assert_eq!((holder.changes, holder.locks), (Some(1), Some(1)));
    // The refusal itself is still there.
    assert_eq!((error.code(), error.status()), (Some(&ErrorCode::GenericErrObjectLocked), Some(409)));
    assert!(error.source().is_some_and(|cause| cause.to_string().contains("generic_err_object_locked")));
    assert!(!format!("{error:?}").contains(alice.sid().expose()) && !message.contains(bob.sid().expose()));

    // Untyped calls are explained as well.
    let error = bob.call_json("delete-host", &json!({"name": "host-00001"})).await.unwrap_err();
    assert_eq!(error.lock_holder().and_then(|h| h.session_name.as_deref()), Some("nightly sync"));
}

#[tokio::test]
async fn a_failed_lookup_leaves_the_refusal_as_it_is() {
    let server = server().await;
    let alice = login(&server, "alice").await;
    let bob = login(&server, "bob").await;
    alice.set_host(SetHost::new().name("host-00001").comments("alice was here")).await.unwrap();
    server.fail("show-host", 1, Fault::HtmlError);
    let error = bob.set_host(SetHost::new().name("host-00001").comments("bob too")).await.unwrap_err();
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectLocked));
    assert_eq!(server.calls("show-session"), 0, "no second lookup without the first");
}

#[tokio::test]
async fn stale_sessions_of_this_administrator_are_discarded_and_their_locks_released() {
    let server = server().await;
    let alice = login(&server, "left behind").await;
    let bob = login(&server, "bob").await;
    let idle = login(&server, "idle, nothing to discard").await;
    alice.set_host(SetHost::new().name("host-00001").comments("never published")).await.unwrap();
    bob.set_host(SetHost::new().name("host-00001").comments("bob too")).await.unwrap_err();

    let stale = bob.stale_sessions(None).await.unwrap();
    let mut names: Vec<_> = stale.iter().filter_map(|s| s.name.as_deref()).collect();
    names.sort_unstable();
    assert_eq!(names, ["idle, nothing to discard", "left behind"], "never the current session");
    assert!(
        bob.stale_sessions(Some(Duration::from_secs(3600))).await.unwrap().is_empty(),
        "sessions of unknown age are kept when an age is asked for"
    );

    let discarded = bob.discard_stale_sessions(None).await.unwrap();
    assert_eq!(discarded.len(), 1, "only sessions with changes or locks");
    assert_eq!(discarded[0].uid.as_deref(), Some(uid_of(&alice).await.as_str()));
    assert_eq!(server.calls("discard"), 1);
    bob.set_host(SetHost::new().name("host-00001").comments("bob too")).await.expect("the lock is released");
    idle.show_session(ShowSession::new()).await.expect("the other sessions stay open");
}
