//! Sessions on the fake server: private changes until publish, locks
//! between sessions, discard, logout, idle expiry, the session list.

use fake_server::{FakeServer, Options};
use generated_client::types::{
    AddHost, Discard, ErrorCode, Keepalive, Login, Logout, Publish, SetHost, ShowHost, ShowSession, ShowSessions,
};
use generated_client::{Client, Secret, Session, TaskStatus, TaskWait};
use serde_json::json;
use std::time::Duration;

async fn server() -> FakeServer {
    FakeServer::start(Options::default().plain_http()).await.expect("server starts")
}

async fn login(server: &FakeServer) -> Session {
    let client = Client::builder(server.url()).build().unwrap();
    client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login succeeds")
}

fn wait() -> TaskWait {
    TaskWait::new(Duration::from_millis(10), Duration::from_secs(10))
}

#[tokio::test]
async fn changes_are_private_until_published_through_a_task() {
    let server = server().await;
    server.task_polls(Some(2));
    let alice = login(&server).await;
    let bob = login(&server).await;
    alice.add_host(AddHost::new("h1").ip_address("192.0.2.1")).await.unwrap();
    let unseen = bob.show_host(ShowHost::new().name("h1")).await.unwrap_err();
    assert_eq!(unseen.code(), Some(&ErrorCode::GenericErrObjectNotFound));
    let me = alice.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(me.changes, Some(1));

    let (_, outcomes) = alice.send_and_wait(Publish::new(), wait()).await.unwrap();
    assert_eq!(outcomes[0].status, TaskStatus::Succeeded);
    assert_eq!(outcomes[0].details[0]["publishResponse"]["numberOfPublishedChanges"], 1);
    assert_eq!(server.calls("show-task"), 3, "the task progressed through polls");
    let seen = bob.show_host(ShowHost::new().name("h1")).await.unwrap();
    assert_eq!(seen.ipv4_address.as_deref(), Some("192.0.2.1"));
    let me = alice.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(me.changes, Some(0));
}

#[tokio::test]
async fn an_object_changed_in_one_session_is_locked_for_the_others() {
    let server = server().await;
    server.seed("host", 1).unwrap();
    let alice = login(&server).await;
    let bob = login(&server).await;
    alice.set_host(SetHost::new().name("host-00001").comments("alice was here")).await.unwrap();

    let error = bob.set_host(SetHost::new().name("host-00001").comments("bob too")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectLocked));
    let error = bob.call_json("delete-host", &json!({"name": "host-00001"})).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectLocked));

    let as_bob = bob.show_host(ShowHost::new().name("host-00001")).await.unwrap();
    assert_eq!(
        as_bob.meta_info.as_ref().and_then(|m| m.lock.as_ref()).map(ToString::to_string).as_deref(),
        Some("locked by other session")
    );
    assert_eq!(as_bob.comments.as_deref(), Some(""), "bob sees the published object");
    let as_alice = alice.show_host(ShowHost::new().name("host-00001")).await.unwrap();
    assert_eq!(as_alice.comments.as_deref(), Some("alice was here"));
    let mine = alice.show_session(ShowSession::new()).await.unwrap();
    assert_eq!(mine.locks, Some(1));

    let discarded = alice.discard(Discard::new()).await.unwrap();
    assert_eq!(discarded.number_of_discarded_changes, Some(1));
    bob.set_host(SetHost::new().name("host-00001").comments("bob too")).await.expect("the lock is gone");
    let as_alice = alice.show_host(ShowHost::new().name("host-00001")).await.unwrap();
    assert_eq!(as_alice.comments.as_deref(), Some(""), "alice's change was dropped");
}

#[tokio::test]
async fn discard_of_another_session_by_uid_releases_its_locks() {
    let server = server().await;
    server.seed("host", 1).unwrap();
    let alice = login(&server).await;
    let bob = login(&server).await;
    alice.set_host(SetHost::new().name("host-00001").comments("left behind")).await.unwrap();
    let alice_uid = alice.show_session(ShowSession::new()).await.unwrap().uid.unwrap();
    bob.discard(Discard::new().uid(alice_uid)).await.unwrap();
    bob.set_host(SetHost::new().name("host-00001").comments("mine now")).await.unwrap();
}

#[tokio::test]
async fn publishing_another_session_is_not_implemented() {
    let server = server().await;
    let alice = login(&server).await;
    let bob = login(&server).await;
    let bob_uid = bob.show_session(ShowSession::new()).await.unwrap().uid.unwrap();
    let error = alice.publish(Publish::new().uid(bob_uid)).await.unwrap_err();
    assert_eq!((error.code(), error.status()), (Some(&ErrorCode::NotImplemented), Some(501)));
}

#[tokio::test]
async fn logout_without_publish_discards_and_the_old_sid_is_refused() {
    let server = server().await;
    let alice = login(&server).await;
    alice.add_host(AddHost::new("temporary").ip_address("192.0.2.4")).await.unwrap();
    let client = Client::builder(server.url()).build().unwrap();
    let sid = alice.sid().clone();
    alice.logout(Logout::new()).await.unwrap();

    let stale = Session::resume(client, sid);
    let error = stale.show_session(ShowSession::new()).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrWrongSessionId));

    let bob = login(&server).await;
    let error = bob.show_host(ShowHost::new().name("temporary")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectNotFound));
    bob.add_host(AddHost::new("temporary").ip_address("192.0.2.4")).await.expect("the name is free again");
}

#[tokio::test]
async fn idle_sessions_expire_and_keepalive_renews_them() {
    let server = server().await;
    let session = login(&server).await;
    server.pass_time(Duration::from_secs(590));
    session.keepalive(Keepalive::new()).await.expect("still alive after 590 idle seconds");
    server.pass_time(Duration::from_secs(590));
    session.show_session(ShowSession::new()).await.expect("keepalive renewed it");
    server.pass_time(Duration::from_secs(601));
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrSessionExpired));
}

#[tokio::test]
async fn the_session_timeout_is_the_one_asked_for_at_login() {
    let server = server().await;
    let client = Client::builder(server.url()).build().unwrap();
    let login = Login::with_password(Options::USER, Secret::new(Options::PASSWORD)).session_timeout(30);
    let session = client.login(login).await.unwrap();
    server.pass_time(Duration::from_secs(31));
    let error = session.show_session(ShowSession::new()).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrSessionExpired));
    let too_long = Login::with_password(Options::USER, Secret::new(Options::PASSWORD)).session_timeout(3601);
    let error = client.login(too_long).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrInvalidParameter));
}

#[tokio::test]
async fn show_sessions_lists_every_open_session() {
    let server = server().await;
    let alice = login(&server).await;
    let _bob = login(&server).await;
    let listed = alice.show_sessions(ShowSessions::new()).await.unwrap();
    assert_eq!(listed.total, Some(2));
    let full = alice.call_json("show-sessions", &json!({"details-level": "full"})).await.unwrap();
    assert_eq!(full["objects"][0]["application"], "WEB_API");
    assert_eq!(full["objects"][1]["user-name"], Options::USER);
}
