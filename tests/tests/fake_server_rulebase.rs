//! Rulebases on the fake server: rule positions, paging by rules with
//! sections cut across pages, and the objects dictionary of each page.

use fake_server::{FakeServer, Options};
use generated_client::types::Login;
use generated_client::{Client, Secret, Session};
use serde_json::{json, Value};

async fn server_with_layer() -> FakeServer {
    let server = FakeServer::start(Options::default().plain_http()).await.expect("server starts");
    let layer = json!({"uid": "layer-network", "name": "Network", "type": "access-layer", "meta-info": {}});
    server.load_state(&json!({"objects": [layer]})).unwrap();
    server
}

async fn login(server: &FakeServer) -> Session {
    let client = Client::builder(server.url()).build().unwrap();
    client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login succeeds")
}

async fn add(session: &Session, command: &str, name: &str, position: Value) {
    let body = json!({"layer": "Network", "name": name, "position": position});
    session.call_json(command, &body).await.unwrap_or_else(|e| panic!("{command} {name}: {e}"));
}

/// The names on a rulebase page, sections as `[name: rules…]`.
fn names(page: &Value) -> Vec<String> {
    let name = |v: &Value| v["name"].as_str().unwrap_or_default().to_owned();
    page["rulebase"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| match entry["rulebase"].as_array() {
            Some(rules) => format!("[{}: {}]", name(entry), rules.iter().map(name).collect::<Vec<_>>().join(" ")),
            None => name(entry),
        })
        .collect()
}

#[tokio::test]
async fn rules_go_where_their_position_says() {
    let server = server_with_layer().await;
    let session = login(&server).await;
    add(&session, "add-access-rule", "r1", json!("bottom")).await;
    add(&session, "add-access-rule", "r2", json!("top")).await;
    // This spec types a section's `position` as a rule number: past the
    // last rule is the bottom.
    add(&session, "add-access-section", "S1", json!(100)).await;
    add(&session, "add-access-rule", "r3", json!({"bottom": "S1"})).await;
    add(&session, "add-access-rule", "r4", json!(2)).await;
    add(&session, "add-access-rule", "r5", json!({"above": "r1"})).await;
    add(&session, "add-access-rule", "r6", json!({"below": "r2"})).await;
    let page = session.call_json("show-access-rulebase", &json!({"name": "Network"})).await.unwrap();
    assert_eq!(names(&page), ["r2", "r6", "r4", "r5", "r1", "[S1: r3]"]);
    assert_eq!((page["from"].clone(), page["to"].clone(), page["total"].clone()), (json!(1), json!(6), json!(6)));
    assert_eq!(page["rulebase"][5]["rulebase"][0]["rule-number"], 6);

    let unknown =
        session.call_json("add-access-rule", &json!({"layer": "Network", "position": {"above": "nope"}})).await;
    assert_eq!(unknown.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn pages_count_rules_and_a_cut_section_comes_again() {
    let server = server_with_layer().await;
    let session = login(&server).await;
    add(&session, "add-access-section", "S1", json!(100)).await;
    for rule in ["a", "b", "c", "d"] {
        add(&session, "add-access-rule", rule, json!({"bottom": "S1"})).await;
    }
    add(&session, "add-access-section", "S2", json!(100)).await;
    add(&session, "add-access-rule", "e", json!({"bottom": "S2"})).await;
    add(&session, "add-access-section", "S3", json!(100)).await;

    let first = session.call_json("show-access-rulebase", &json!({"name": "Network", "limit": 3})).await.unwrap();
    assert_eq!(names(&first), ["[S1: a b c]"]);
    assert_eq!((first["from"].clone(), first["to"].clone(), first["total"].clone()), (json!(1), json!(3), json!(5)));
    let second =
        session.call_json("show-access-rulebase", &json!({"name": "Network", "limit": 3, "offset": 3})).await.unwrap();
    assert_eq!(
        names(&second),
        ["[S1: d]", "[S2: e]", "[S3: ]"],
        "the last page, not full, ends with the empty section"
    );
    assert_eq!(first["rulebase"][0]["uid"], second["rulebase"][0]["uid"], "the cut section comes again");

    // A full last page leaves the trailing empty section out, as real servers do.
    let full_last =
        session.call_json("show-access-rulebase", &json!({"name": "Network", "limit": 2, "offset": 3})).await.unwrap();
    assert_eq!(names(&full_last), ["[S1: d]", "[S2: e]"]);
}

#[tokio::test]
async fn each_page_has_the_objects_its_rules_use() {
    let server = server_with_layer().await;
    let session = login(&server).await;
    session.call_json("add-host", &json!({"name": "web", "ip-address": "192.0.2.80"})).await.unwrap();
    session.call_json("add-host", &json!({"name": "db", "ip-address": "192.0.2.81"})).await.unwrap();
    let rule =
        |name: &str, host: &str| json!({"layer": "Network", "position": "bottom", "name": name, "destination": [host]});
    session.call_json("add-access-rule", &rule("to-web", "web")).await.unwrap();
    session.call_json("add-access-rule", &rule("to-db", "db")).await.unwrap();

    let dictionary = |page: &Value| -> Vec<String> {
        page["objects-dictionary"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect()
    };
    let first = session.call_json("show-access-rulebase", &json!({"name": "Network", "limit": 1})).await.unwrap();
    assert_eq!(dictionary(&first), ["web"]);
    let second =
        session.call_json("show-access-rulebase", &json!({"name": "Network", "limit": 1, "offset": 1})).await.unwrap();
    assert_eq!(dictionary(&second), ["db"]);

    // A host a rule uses cannot be deleted.
    let error = session.call_json("delete-host", &json!({"name": "web"})).await.unwrap_err();
    assert_eq!(error.status(), Some(409));
}

#[tokio::test]
async fn rules_are_private_to_their_session_until_publish() {
    let server = server_with_layer().await;
    let alice = login(&server).await;
    let bob = login(&server).await;
    add(&alice, "add-access-rule", "mine", json!("top")).await;
    let seen = bob.call_json("show-access-rulebase", &json!({"name": "Network"})).await.unwrap();
    assert_eq!(seen["total"], 0);
    alice.call_json("publish", &json!({})).await.unwrap();
    let seen = bob.call_json("show-access-rulebase", &json!({"name": "Network"})).await.unwrap();
    assert_eq!(names(&seen), ["mine"]);
}
