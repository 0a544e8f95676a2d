//! Reading whole rulebases with the client: sections cut by pages merged,
//! trailing empty sections kept, the objects dictionary gathered from every
//! page, inline layers followed (and cycles not), typed rules in order.

use fake_server::{FakeServer, Options};
use generated_client::types::{AccessRule, AnyObject, Login, ShowAccessRulebase};
use generated_client::{Client, Error, ObjectOrId, RulebaseEntry, Secret, Session, WholeRulebase};
use serde_json::{json, Value};

async fn server() -> FakeServer {
    let server = FakeServer::start(Options::default().plain_http()).await.expect("server starts");
    let layer = |uid: &str, name: &str| json!({"uid": uid, "name": name, "type": "access-layer", "meta-info": {}});
    let objects = [layer("layer-network", "Network"), layer("layer-guests", "Guests")];
    server.load_state(&json!({"objects": objects})).unwrap();
    server
}

async fn login(server: &FakeServer) -> Session {
    let client = Client::builder(server.url()).build().unwrap();
    client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login succeeds")
}

async fn call(session: &Session, command: &str, body: Value) {
    session.call_json(command, &body).await.unwrap_or_else(|e| panic!("{command} {body}: {e}"));
}

async fn section(session: &Session, layer: &str, name: &str) {
    call(session, "add-access-section", json!({"layer": layer, "name": name, "position": 1000})).await;
}

async fn rule(session: &Session, layer: &str, section: &str, name: &str, extra: Value) {
    let mut body = json!({"layer": layer, "name": name, "position": {"bottom": section}});
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    call(session, "add-access-rule", body).await;
}

/// `number name [section]` per rule, `== section` per section.
fn outline(rulebase: &WholeRulebase<AccessRule, AnyObject>) -> Vec<String> {
    rulebase
        .entries
        .iter()
        .map(|entry| match entry {
            RulebaseEntry::Section { section, layer } => {
                format!("== {} ({})", section.name.as_deref().unwrap_or("?"), layer.name.as_deref().unwrap_or("?"))
            }
            RulebaseEntry::Rule(rule) => format!(
                "{} {} [{}]",
                rule.number,
                rule.rule.name.as_deref().unwrap_or("?"),
                rule.section.as_ref().and_then(|s| s.name.as_deref()).unwrap_or("-")
            ),
        })
        .collect()
}

fn show(layer: &str, limit: i64) -> ShowAccessRulebase {
    ShowAccessRulebase::new().name(layer).limit(limit)
}

/// Network: S1 [a b c], S2 [d → Guests], S3 [] ; Guests: G [g1 g2].
async fn estate(session: &Session) {
    call(session, "add-host", json!({"name": "web", "ip-address": "192.0.2.80"})).await;
    call(session, "add-host", json!({"name": "db", "ip-address": "192.0.2.81"})).await;
    for name in ["S1", "S2", "S3"] {
        section(session, "Network", name).await;
    }
    rule(session, "Network", "S1", "a", json!({"source": ["web"], "destination": ["db"]})).await;
    rule(session, "Network", "S1", "b", json!({"destination": ["web"]})).await;
    rule(session, "Network", "S1", "c", json!({})).await;
    rule(session, "Network", "S2", "d", json!({"inline-layer": "Guests"})).await;
    section(session, "Guests", "G").await;
    rule(session, "Guests", "G", "g1", json!({"source": ["db"]})).await;
    rule(session, "Guests", "G", "g2", json!({})).await;
}

#[tokio::test]
async fn every_rule_in_order_with_its_section_number_and_inline_layer() {
    let server = server().await;
    let session = login(&server).await;
    estate(&session).await;

    // Two rules a page: S1 is cut by the first page and comes again.
    let whole = session.show_access_rulebase_rules(show("Network", 2)).read_all().await.unwrap();
    assert_eq!(
        outline(&whole),
        [
            "== S1 (Network)",
            "1 a [S1]",
            "2 b [S1]",
            "3 c [S1]",
            "== S2 (Network)",
            "4 d [S2]",
            "== G (Guests)",
            "4.1 g1 [G]",
            "4.2 g2 [G]",
            "== S3 (Network)",
        ]
    );
    // A full last page leaves trailing empty sections out: each layer is
    // asked once more, past its last rule.
    assert_eq!(server.calls("show-access-rulebase"), (2 + 1) + (1 + 1), "Network's pages, then Guests'");

    // References resolve through the dictionary gathered from every page.
    let rules: Vec<_> = whole.rules().collect();
    fn names_in<T: serde::Serialize>(
        whole: &WholeRulebase<AccessRule, AnyObject>,
        list: &Option<Vec<ObjectOrId<T>>>,
    ) -> Vec<String> {
        list.iter().flatten().map(|r| whole.objects.name_of(r)).collect()
    }
    let names = |list| names_in(&whole, list);
    let names_ref = |list| names_in(&whole, list);
    assert_eq!(names(&rules[0].rule.source), ["web"]);
    assert_eq!(names_ref(&rules[0].rule.destination), ["db"]);
    assert_eq!(names(&rules[4].rule.source), ["db"], "the inline layer's page has its own dictionary");
    let web = whole.rules().find_map(|r| r.rule.source.as_ref()?.first().cloned()).unwrap();
    let ObjectOrId::Id(uid) = web else { panic!("a uid with the dictionary on: {web:?}") };
    assert!(
        matches!(whole.objects.get(&uid), Some(AnyObject::Host(_))),
        "the dictionary types its objects: {:?}",
        whole.objects.get(&uid)
    );
    // The fake server keeps the layer as the request named it; a real one
    // answers its uid: the reader follows either.
    assert_eq!(rules[3].inline_layer.as_deref(), Some("Guests"));
    assert_eq!(rules[4].layer.name.as_deref(), Some("Guests"));
}

#[tokio::test]
async fn without_the_dictionary_references_come_whole() {
    let server = server().await;
    let session = login(&server).await;
    estate(&session).await;
    let request = ShowAccessRulebase::new().name("Network").use_object_dictionary(false);
    let whole = session.show_access_rulebase_rules(request).read_all().await.unwrap();
    assert!(whole.objects.is_empty());
    let first = whole.rules().next().unwrap();
    let source = first.rule.source.as_ref().unwrap();
    assert!(matches!(source[0], ObjectOrId::Object(_)), "{source:?}");
    assert_eq!(whole.objects.name_of(&source[0]), "web");
}

#[tokio::test]
async fn a_layer_that_applies_itself_is_not_followed_again() {
    let server = server().await;
    let session = login(&server).await;
    section(&session, "Network", "S").await;
    rule(&session, "Network", "S", "to-guests", json!({"inline-layer": "Guests"})).await;
    let back = json!({"layer": "Guests", "name": "back", "position": "top", "inline-layer": "Network"});
    call(&session, "add-access-rule", back).await;
    let whole = session.show_access_rulebase_rules(show("Network", 500)).read_all().await.unwrap();
    let numbers: Vec<String> =
        whole.rules().map(|r| format!("{} {}", r.number, r.layer.name.clone().unwrap())).collect();
    assert_eq!(numbers, ["1 Network", "1.1 Guests"]);
}

#[tokio::test]
async fn a_page_size_out_of_range_is_refused_before_any_request() {
    let server = server().await;
    let session = login(&server).await;
    for limit in [0, 501] {
        let error = session.show_access_rulebase_rules(show("Network", limit)).read_all().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
        assert!(error.to_string().contains("1 to 500"), "{error}");
    }
    assert_eq!(server.calls("show-access-rulebase"), 0);
}

#[tokio::test]
async fn a_rulebase_that_changes_while_it_is_read_is_an_error() {
    let server = server().await;
    let reader_session = login(&server).await;
    let writer = login(&server).await;
    section(&writer, "Network", "S").await;
    for name in ["a", "b", "c"] {
        rule(&writer, "Network", "S", name, json!({})).await;
    }
    call(&writer, "publish", json!({})).await;

    let mut reader = reader_session.show_access_rulebase_rules(show("Network", 2));
    let mut read = Vec::new();
    while read.len() < 3 {
        read.push(reader.next().await.unwrap().expect("the first page"));
    }
    rule(&writer, "Network", "S", "d", json!({})).await;
    call(&writer, "publish", json!({})).await;
    let error = reader.next().await.unwrap_err();
    assert!(matches!(error, Error::PagingInconsistent { .. }), "{error}");
    assert!(reader.next().await.unwrap().is_none(), "nothing after an error");
}
