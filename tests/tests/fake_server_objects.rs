//! The fake server's objects: every family of the object model is added,
//! shown, changed, listed and deleted through the generated client, over
//! real sockets.

use fake_server::{FakeServer, Options};
use futures_util::TryStreamExt;
use generated_client::registry::Family;
use generated_client::types::{
    registry, AddGroup, AddHost, DeleteHost, ErrorCode, Login, Publish, SetHost, ShowHost, ShowHosts, ShowObjects,
};
use generated_client::{Client, Error, Secret, Session, TaskWait};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

async fn server() -> FakeServer {
    FakeServer::start(Options::default().plain_http()).await.expect("server starts")
}

async fn login(server: &FakeServer) -> Session {
    let client = Client::builder(server.url()).build().unwrap();
    client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login succeeds")
}

fn code(error: &Error) -> Option<String> {
    error.code().map(ToString::to_string)
}

async fn publish(session: &Session) {
    let wait = TaskWait::new(Duration::from_millis(10), Duration::from_secs(10));
    session.send_and_wait(Publish::new(), wait).await.expect("publish succeeds");
}

#[tokio::test]
async fn a_host_is_added_shown_renamed_and_deleted() {
    let server = server().await;
    let session = login(&server).await;
    let added = session.add_host(AddHost::new("web-1").ip_address("192.0.2.10")).await.unwrap();
    let uid = added.uid.clone().expect("a new object has a uid");
    assert_eq!(added.ipv4_address.as_deref(), Some("192.0.2.10"), "ip-address is stored as the IPv4 address");
    assert_eq!(added.meta_info.as_ref().and_then(|m| m.creator.as_deref()), Some(Options::USER));

    let shown = session.show_host(ShowHost::new().name("web-1")).await.unwrap();
    assert_eq!(shown.uid.as_deref(), Some(uid.as_str()));

    session.set_host(SetHost::new().uid(uid.clone()).new_name("web-2").comments("renamed")).await.unwrap();
    let renamed = session.show_host(ShowHost::new().uid(uid.clone())).await.unwrap();
    assert_eq!((renamed.name.as_deref(), renamed.comments.as_deref()), (Some("web-2"), Some("renamed")));
    let gone = session.show_host(ShowHost::new().name("web-1")).await.unwrap_err();
    assert_eq!(code(&gone).as_deref(), Some("generic_err_object_not_found"));

    session.delete_host(DeleteHost::new().name("web-2")).await.unwrap();
    let error = session.show_host(ShowHost::new().uid(uid)).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectNotFound));
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn a_duplicate_name_is_refused_with_an_error_entry() {
    let server = server().await;
    let session = login(&server).await;
    session.add_host(AddHost::new("dup").ip_address("192.0.2.1")).await.unwrap();
    let error = session.add_host(AddHost::new("dup").ip_address("192.0.2.2")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ErrValidationFailed));
    assert_eq!(error.status(), Some(400));
    let errors = error.failure().and_then(|f| f.errors.clone()).unwrap_or_default();
    assert_eq!(errors.len(), 1, "{error}");
    assert_eq!(errors[0].message.as_deref(), Some("More than one object named 'dup' exists."));
    // A rename onto a taken name is refused the same way.
    session.add_host(AddHost::new("other").ip_address("192.0.2.3")).await.unwrap();
    let error = session.set_host(SetHost::new().name("other").new_name("dup")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ErrValidationFailed));
}

#[tokio::test]
async fn lists_page_filter_and_order_by_name() {
    let server = server().await;
    server.seed("host", 120).unwrap();
    let session = login(&server).await;
    let all: Vec<_> = session.show_hosts_pages(ShowHosts::new().limit(50)).try_collect().await.unwrap();
    let names: Vec<String> = all.iter().filter_map(|h| h.object().and_then(|o| o.name.clone())).collect();
    assert_eq!(names.len(), 120);
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), 120, "no host twice");
    assert_eq!((names[0].as_str(), names[119].as_str()), ("host-00001", "host-00120"));

    let page = session.call_json("show-hosts", &json!({"filter": "host-0011", "order": [{"DESC": "name"}]})).await;
    let page = page.unwrap();
    assert_eq!(page["total"], 10);
    assert_eq!(page["objects"][0]["name"], "host-00119");

    let uids = session.call_json("show-hosts", &json!({"details-level": "uid", "limit": 3, "offset": 118})).await;
    let uids = uids.unwrap();
    assert_eq!((uids["from"].clone(), uids["to"].clone(), uids["total"].clone()), (json!(119), json!(120), json!(120)));
    assert!(uids["objects"][0].is_string(), "{uids}");

    let empty = session.call_json("show-hosts", &json!({"filter": "nothing-like-it"})).await.unwrap();
    assert_eq!(empty, json!({"objects": [], "total": 0}), "an empty list has no from/to");

    let error = session.show_hosts(ShowHosts::new().limit(501)).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrInvalidParameter));
    assert!(error.failure().and_then(|f| f.message.as_deref()).is_some_and(|m| m.contains("[1-500]")));
}

#[tokio::test]
async fn a_referenced_object_cannot_be_deleted_and_where_used_finds_its_user() {
    let server = server().await;
    let session = login(&server).await;
    let host = session.add_host(AddHost::new("member").ip_address("192.0.2.5")).await.unwrap();
    session.add_group(AddGroup::new("team").members(vec!["member".to_owned()])).await.unwrap();

    let error = session.delete_host(DeleteHost::new().name("member")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectDeletion));
    assert_eq!(error.status(), Some(409));

    let used = session.call_json("where-used", &json!({"uid": host.uid})).await.unwrap();
    assert_eq!(used["used-directly"]["total"], 1);
    assert_eq!(used["used-directly"]["objects"][0]["name"], "team");

    let everything = session.show_objects(ShowObjects::new()).await.unwrap();
    assert_eq!(everything.total, Some(2));
    let groups = session.call_json("show-objects", &json!({"type": "group"})).await.unwrap();
    assert_eq!(groups["total"], 1);

    session.call_json("set-group", &json!({"name": "team", "members": {"remove": "member"}})).await.unwrap();
    session.delete_host(DeleteHost::new().name("member")).await.expect("no longer used");
}

/// The families whose `add-` takes a body with just a name.
fn families_added_by_name() -> Vec<&'static Family> {
    registry::FAMILIES
        .iter()
        .filter(|f| f.wire_type.is_some() && f.command("show").is_some())
        .filter(|f| {
            let add = f.command("add").and_then(registry::lookup);
            add.is_some_and(|add| add.roundtrip_request(json!({"name": "probe"})).is_ok())
        })
        .collect()
}

#[tokio::test]
async fn every_family_is_stored_from_the_object_model() {
    let server = server().await;
    let session = login(&server).await;
    let families = families_added_by_name();
    assert!(families.len() >= 40, "only {} families", families.len());
    for family in &families {
        let name = format!("my-{}", family.name);
        let add = family.command("add").unwrap();
        let added = session.call_json(add, &json!({"name": name})).await.unwrap_or_else(|e| panic!("{add}: {e}"));
        assert_eq!(added["type"], family.wire_type.unwrap(), "{add}");
        let show = family.command("show").unwrap();
        let shown = session.call_json(show, &json!({"uid": added["uid"]})).await.unwrap();
        assert_eq!(shown["name"], name.as_str(), "{show}");
        if let (Some(list), Some(items)) = (family.command("list"), family.list_items) {
            let listed = session.call_json(list, &json!({"filter": name})).await.unwrap();
            assert_eq!(listed[items][0]["uid"], added["uid"], "{list}");
        }
        if let Some(delete) = family.command("delete") {
            session.call_json(delete, &json!({"name": name})).await.unwrap_or_else(|e| panic!("{delete}: {e}"));
            let error = session.call_json(show, &json!({"name": name})).await.unwrap_err();
            assert_eq!(error.status(), Some(404), "{show} after {delete}");
        }
    }
}

#[tokio::test]
async fn a_required_field_missing_is_refused() {
    let server = server().await;
    let session = login(&server).await;
    let error = session.call_json("add-host", &json!({"ip-address": "192.0.2.1"})).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrInvalidParameter));
    assert_eq!(server.dump_state()["objects"], json!([]));
}

#[tokio::test]
async fn the_state_is_dumped_and_loaded() {
    let first = server().await;
    first.seed("network", 3).unwrap();
    let session = login(&first).await;
    session.add_host(AddHost::new("kept").ip_address("192.0.2.7")).await.unwrap();
    session.add_host(AddHost::new("also-kept").ip_address("192.0.2.8")).await.unwrap();
    publish(&session).await;
    session.add_host(AddHost::new("never-published").ip_address("192.0.2.9")).await.unwrap();
    let state = first.dump_state();
    assert_eq!(state["objects"].as_array().map(Vec::len), Some(5));

    let second = server().await;
    assert_eq!(second.load_state(&state), Ok(5));
    let session = login(&second).await;
    let kept = session.show_host(ShowHost::new().name("kept")).await.unwrap();
    assert_eq!(kept.ipv4_address.as_deref(), Some("192.0.2.7"));
    let networks = session.call_json("show-objects", &json!({"type": "network"})).await.unwrap();
    assert_eq!(networks["total"], 3);
    let error = session.show_host(ShowHost::new().name("never-published")).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::GenericErrObjectNotFound));

    assert!(second.load_state(&json!({"objects": [{"name": "no uid"}]})).is_err());
    assert!(second.seed("no-such-family", 1).is_err());
}

#[tokio::test]
async fn seeded_names_continue_after_earlier_seeds() {
    let server = server().await;
    server.seed("host", 2).unwrap();
    server.seed("host", 2).unwrap();
    let names: Vec<Value> =
        server.dump_state()["objects"].as_array().unwrap().iter().map(|o| o["name"].clone()).collect::<Vec<_>>();
    let names: HashSet<_> = names.iter().filter_map(Value::as_str).collect();
    assert_eq!(names, HashSet::from(["host-00001", "host-00002", "host-00003", "host-00004"]));
}
