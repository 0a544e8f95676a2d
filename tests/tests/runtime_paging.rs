//! Paging against the fake server: the default page size, `limit` checked
//! before any request, and listings that change while they are read.

use fake_server::{Answer, FakeServer, Options};
use futures_util::TryStreamExt;
use generated_client::types::{Login, ShowHosts};
use generated_client::{
    BoxFuture, Client, Error, HttpRequest, HttpResponse, Secret, Session, Transport, TransportError, DEFAULT_PAGE_SIZE,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn host(i: usize) -> Value {
    json!({"name": format!("host-{i:05}"), "uid": format!("uid-{i}"), "type": "host", "ipv4-address": "192.0.2.1"})
}

fn hosts(n: usize) -> Vec<Value> {
    (0..n).map(host).collect()
}

async fn login(client: &Client) -> Session {
    client.login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD))).await.expect("login succeeds")
}

fn names(items: &[generated_client::ObjectOrId<generated_client::types::Host>]) -> Vec<String> {
    items.iter().filter_map(|h| h.object().and_then(|h| h.name.clone())).collect()
}

/// Changes the server's listing between two pages: before the `n`-th
/// `show-hosts` request (counted from 1), `change(n, server)` runs. The
/// requests themselves go over HTTP to the fake server, through a second,
/// plain client.
struct Between<F> {
    server: Arc<FakeServer>,
    direct: Client,
    requests: AtomicUsize,
    change: F,
}

impl<F: Fn(usize, &FakeServer) + Send + Sync + 'static> Transport for Between<F> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let command = request.url.rsplit('/').next().unwrap_or_default().to_owned();
            if command == "show-hosts" {
                let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
                (self.change)(n, &self.server);
            }
            let body: Value =
                serde_json::from_slice(&request.body).map_err(|e| TransportError::Other(e.to_string()))?;
            match self.direct.call_json(&command, request.sid.as_ref(), &body).await {
                Ok(answer) => Ok(HttpResponse {
                    status: 200,
                    content_type: Some("application/json".to_owned()),
                    body: answer.to_string().into_bytes(),
                }),
                Err(e) => Err(TransportError::Other(e.to_string())),
            }
        })
    }
}

async fn changing(
    items: Vec<Value>,
    change: impl Fn(usize, &FakeServer) + Send + Sync + 'static,
) -> (Arc<FakeServer>, Session) {
    let server = Arc::new(FakeServer::start(Options::default().plain_http()).await.unwrap());
    server.collection("show-hosts", items);
    let direct = Client::builder(server.url()).build().unwrap();
    let transport = Between { server: server.clone(), direct, requests: AtomicUsize::new(0), change };
    let client = Client::builder(server.url()).transport(Arc::new(transport)).build().unwrap();
    let session = login(&client).await;
    (server, session)
}

#[tokio::test]
async fn the_default_page_is_the_servers_maximum() {
    assert_eq!(DEFAULT_PAGE_SIZE, 500);
    let server = FakeServer::start(Options::default()).await.unwrap();
    server.collection("show-hosts", hosts(1200));
    let client = Client::builder(server.url()).add_root_pem(server.ca_pem().unwrap().as_bytes()).build().unwrap();
    let session = login(&client).await;
    let all: Vec<_> = session.show_hosts_pages(ShowHosts::new()).try_collect().await.unwrap();
    assert_eq!(all.len(), 1200);
    assert_eq!(server.calls("show-hosts"), 3, "pages of 500, 500 and 200");
}

#[tokio::test]
async fn a_limit_outside_1_to_500_is_refused_before_any_request() {
    let server = FakeServer::start(Options::default().plain_http()).await.unwrap();
    server.collection("show-hosts", hosts(3));
    let client = Client::builder(server.url()).build().unwrap();
    let session = login(&client).await;
    for limit in [0, -1, 501] {
        let error = session.show_hosts_pages(ShowHosts::new().limit(limit)).try_collect::<Vec<_>>().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains("1 to 500"), "{error}");
    }
    assert_eq!(server.calls("show-hosts"), 0);
    let edge: Vec<_> = session.show_hosts_pages(ShowHosts::new().limit(500)).try_collect().await.unwrap();
    assert_eq!(edge.len(), 3);
}

#[tokio::test]
async fn an_empty_answer_without_from_and_to_is_an_empty_listing() {
    let server = FakeServer::start(Options::default().plain_http()).await.unwrap();
    server.respond("show-hosts", Answer::Json(json!({"objects": [], "total": 0})));
    let client = Client::builder(server.url()).build().unwrap();
    let session = login(&client).await;
    let all: Vec<_> = session.show_hosts_pages(ShowHosts::new()).try_collect().await.unwrap();
    assert!(all.is_empty());
    assert_eq!(server.calls("show-hosts"), 1);
}

#[tokio::test]
async fn a_page_that_does_not_follow_the_previous_one_is_an_error() {
    let server = FakeServer::start(Options::default().plain_http()).await.unwrap();
    server.respond("show-hosts", Answer::Json(json!({"from": 7, "to": 8, "total": 10, "objects": [host(6), host(7)]})));
    let client = Client::builder(server.url()).build().unwrap();
    let session = login(&client).await;
    let error = session.show_hosts_pages(ShowHosts::new()).try_collect::<Vec<_>>().await.unwrap_err();
    assert!(matches!(error, Error::PagingInconsistent { offset: 0, .. }), "{error:?}");
}

#[tokio::test]
async fn an_item_repeated_at_a_page_boundary_is_yielded_once() {
    // Between the pages, host 4 and host 5 swap places (equal names do that
    // on real servers): the second page starts with host 4 again.
    let (_server, session) = changing(hosts(10), |n, server| {
        if n == 2 {
            let mut swapped = hosts(10);
            swapped.swap(4, 5);
            server.collection("show-hosts", swapped);
        }
    })
    .await;
    let all: Vec<_> = session.show_hosts_pages(ShowHosts::new().limit(5)).try_collect().await.unwrap();
    let names = names(&all);
    assert_eq!(names.iter().filter(|n| *n == "host-00004").count(), 1, "{names:?}");
    assert_eq!(names.len(), 9, "{names:?}");
}

#[tokio::test]
async fn a_total_that_changes_restarts_the_listing_once() {
    // Before the second page, an eleventh host appears.
    let (server, session) = changing(hosts(10), |n, server| {
        if n == 2 {
            server.collection("show-hosts", hosts(11));
        }
    })
    .await;
    let all: Vec<_> = session.show_hosts_pages(ShowHosts::new().limit(5)).try_collect().await.unwrap();
    let mut names = names(&all);
    assert_eq!(names.len(), 11, "every host once: {names:?}");
    names.dedup();
    assert_eq!(names.len(), 11);
    // Page 1; page 2 (total changed); pages 1, 2 and 3 again.
    assert_eq!(server.calls("show-hosts"), 5);
}

#[tokio::test]
async fn a_total_that_changes_again_is_paging_inconsistent() {
    let (_server, session) = changing(hosts(10), |n, server| {
        if n >= 2 {
            server.collection("show-hosts", hosts(10 + n));
        }
    })
    .await;
    let error = session.show_hosts_pages(ShowHosts::new().limit(5)).try_collect::<Vec<_>>().await.unwrap_err();
    assert!(matches!(error, Error::PagingInconsistent { .. }), "{error:?}");
    assert!(error.to_string().contains("total"), "{error}");
}

/// A transport that answers `show-hosts` itself, `total` hosts per filter
/// (five unless set), after a pause, and counts the requests in flight.
/// The page asked from `short_at` holds one host fewer than it should.
#[derive(Default)]
struct Counting {
    in_flight: AtomicUsize,
    most: AtomicUsize,
    total: Option<u64>,
    short_at: Option<u64>,
    offsets: std::sync::Mutex<Vec<u64>>,
}

struct CountingTransport(Arc<Counting>);

impl Transport for CountingTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let now = self.0.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.0.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let (offset, limit) = (body["offset"].as_u64().unwrap_or(0), body["limit"].as_u64().unwrap_or(500));
            let filter = body["filter"].as_str().unwrap_or_default();
            self.0.offsets.lock().unwrap().push(offset);
            let total = self.0.total.unwrap_or(5);
            let short = u64::from(self.0.short_at == Some(offset));
            let last = (offset + limit).min(total) - short;
            let objects: Vec<Value> = (offset..last)
                .map(|i| json!({"uid": format!("{filter}-{i}"), "name": format!("{filter}-{i}"), "type": "host"}))
                .collect();
            let answer = json!({"objects": objects, "from": offset + 1, "to": last, "total": total});
            Ok(HttpResponse {
                status: 200,
                content_type: Some("application/json".to_owned()),
                body: answer.to_string().into_bytes(),
            })
        })
    }
}

#[tokio::test]
async fn independent_listings_run_side_by_side_within_the_bound() {
    let counting = Arc::new(Counting::default());
    let client = Client::builder("https://mgmt.example.com")
        .transport(Arc::new(CountingTransport(counting.clone())))
        .pages_in_flight(1)
        .build()
        .unwrap();
    let session = Session::resume(client, Secret::new("sid"));
    let filters = ["a", "b", "c", "d", "e"];
    let requests = filters.map(|f| ShowHosts::new().filter(f).limit(2));
    let listings = session.read_listings(requests, 2).await.unwrap();

    // Each listing whole (three pages of two), in the order asked.
    for (filter, items) in filters.iter().zip(&listings) {
        let expected: Vec<String> = (0..5).map(|i| format!("{filter}-{i}")).collect();
        assert_eq!(names(items), expected);
    }
    assert_eq!(counting.most.load(Ordering::SeqCst), 2, "two listings at a time, never more");

    // A bound of zero still reads (one at a time).
    let one = session.read_listings([ShowHosts::new().filter("z")], 0).await.unwrap();
    assert_eq!(one[0].len(), 5);
}

fn counting_session(counting: &Arc<Counting>, pages_in_flight: usize) -> Session {
    let client = Client::builder("https://mgmt.example.com")
        .transport(Arc::new(CountingTransport(counting.clone())))
        .pages_in_flight(pages_in_flight)
        .build()
        .unwrap();
    Session::resume(client, Secret::new("sid"))
}

#[tokio::test]
async fn pages_after_the_first_are_asked_for_side_by_side_and_taken_in_order() {
    let counting = Arc::new(Counting { total: Some(23), ..Counting::default() });
    let session = counting_session(&counting, 3);
    let items: Vec<_> = session.show_hosts_pages(ShowHosts::new().filter("h").limit(2)).try_collect().await.unwrap();

    let expected: Vec<String> = (0..23).map(|i| format!("h-{i}")).collect();
    assert_eq!(names(&items), expected, "every host once, in order");
    assert_eq!(counting.most.load(Ordering::SeqCst), 3, "three pages at a time once the total is known");
    // The first page alone, then each page once: none past the total.
    let mut offsets = counting.offsets.lock().unwrap().clone();
    assert_eq!(offsets[0], 0);
    offsets.sort_unstable();
    assert_eq!(offsets, (0..12).map(|p| p * 2).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_short_page_realigns_the_pages_asked_ahead() {
    // Ten hosts, pages of three; the page from 3 holds two: the pages asked
    // from 6 and 9 no longer start where the listing stands.
    let counting = Arc::new(Counting { total: Some(10), short_at: Some(3), ..Counting::default() });
    let session = counting_session(&counting, 4);
    let items: Vec<_> = session.show_hosts_pages(ShowHosts::new().filter("h").limit(3)).try_collect().await.unwrap();

    let expected: Vec<String> = (0..10).map(|i| format!("h-{i}")).collect();
    assert_eq!(names(&items), expected, "nothing skipped, nothing repeated");
    let offsets = counting.offsets.lock().unwrap().clone();
    assert!(offsets.contains(&5), "the listing went on from the short page's end: {offsets:?}");
}

#[tokio::test]
async fn one_page_in_flight_reads_one_after_another() {
    let counting = Arc::new(Counting { total: Some(9), ..Counting::default() });
    let session = counting_session(&counting, 1);
    let items: Vec<_> = session.show_hosts_pages(ShowHosts::new().filter("h").limit(2)).try_collect().await.unwrap();
    assert_eq!(items.len(), 9);
    assert_eq!(counting.most.load(Ordering::SeqCst), 1);
    assert_eq!(*counting.offsets.lock().unwrap(), vec![0, 2, 4, 6, 8]);
}
