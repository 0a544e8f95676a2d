//! A fake Check Point management server for tests: real HTTP (and TLS with
//! a certificate made at start) on a loopback port, driven by the spec.
//!
//! It knows every generated command (through the `registry` of
//! `generated-client`), checks the session header, and decodes every
//! request body with the generated request type (a body that does not
//! decode gets a 400 with a real failure body). Object commands act on a
//! store, as a real server's do, read from the object model's families:
//! changes are private to their session until `publish`, lock the objects
//! they touch, and go with `discard` or `logout`. Other commands answer
//! with the descriptor's example answer, or a minimal valid one. Tests
//! script answers and faults, switch on real servers' quirks, and seed or
//! load objects.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_server::{FakeServer, Options};
//! use generated_client::{Client, Secret, types::{Login, ShowSession}};
//!
//! let server = FakeServer::start(Options::default()).await?;
//! let client = Client::builder(server.url())
//!     .pin_sha256(&server.certificate_sha256().unwrap())
//!     .build()
//!     .unwrap();
//! let session = client
//!     .login(Login::with_password(Options::USER, Secret::new(Options::PASSWORD)))
//!     .await
//!     .unwrap();
//! let me = session.show_session(ShowSession::new()).await.unwrap();
//! assert_eq!(me.user_name.as_deref(), Some(Options::USER));
//! # Ok(())
//! # }
//! ```

mod handler;
mod objects;
mod quirks;
mod rulebase;
mod state;
mod store;
mod tls;

pub use quirks::Quirk;
pub use state::{Answer, Fault};

use serde_json::Value;
use state::State;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How the server starts.
#[derive(Clone, Debug)]
pub struct Options {
    /// Serve HTTPS with a certificate made at start (default), or plain HTTP.
    pub tls: bool,
    /// Accepted user names and passwords.
    pub users: Vec<(String, String)>,
    /// Accepted API keys.
    pub api_keys: Vec<String>,
    /// The `api-server-version` the server reports.
    pub api_version: String,
}

impl Options {
    /// The user the default options accept.
    pub const USER: &'static str = "admin";
    /// Its password.
    pub const PASSWORD: &'static str = "s3cret-Passw0rd";
    /// The API key the default options accept.
    pub const API_KEY: &'static str = "FFl8+KF1AJ2Tisac6d0K+w==";

    /// Plain HTTP instead of HTTPS.
    pub fn plain_http(mut self) -> Self {
        self.tls = false;
        self
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tls: true,
            users: vec![(Self::USER.to_owned(), Self::PASSWORD.to_owned())],
            api_keys: vec![Self::API_KEY.to_owned()],
            api_version: "2.0.1".to_owned(),
        }
    }
}

/// A running fake server; it stops when dropped.
pub struct FakeServer {
    url: String,
    addr: SocketAddr,
    state: Arc<State>,
    certificate: Option<tls::Certificate>,
    stop: Option<oneshot::Sender<()>>,
}

impl FakeServer {
    /// Starts a server on a free loopback port.
    pub async fn start(options: Options) -> std::io::Result<FakeServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(options.clone()));
        let app = handler::router(state.clone());
        let (stop, stopped) = oneshot::channel();
        let (url, certificate) = if options.tls {
            let certificate = tls::Certificate::generate().map_err(std::io::Error::other)?;
            let config = certificate.server_config().map_err(std::io::Error::other)?;
            tokio::spawn(tls::serve(listener, config, app, stopped));
            (format!("https://127.0.0.1:{}", addr.port()), Some(certificate))
        } else {
            tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await;
            });
            (format!("http://127.0.0.1:{}", addr.port()), None)
        };
        Ok(FakeServer { url, addr, state, certificate, stop: Some(stop) })
    }

    /// The base URL: `https://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The PEM of the CA that signed the server certificate (HTTPS only).
    pub fn ca_pem(&self) -> Option<&str> {
        self.certificate.as_ref().map(|c| c.ca_pem.as_str())
    }

    /// The SHA-256 fingerprint of the server certificate, hex (HTTPS only).
    pub fn certificate_sha256(&self) -> Option<String> {
        self.certificate.as_ref().map(|c| c.fingerprint())
    }

    /// Answers `command` with `answer` from now on (until changed).
    pub fn respond(&self, command: &str, answer: Answer) {
        self.state.script(command, answer);
    }

    /// Makes the next `times` calls of `command` fail with `fault`.
    pub fn fail(&self, command: &str, times: usize, fault: Fault) {
        self.state.fail(command, times, fault);
    }

    /// Answers `command` only after `delay`.
    pub fn delay(&self, command: &str, delay: Duration) {
        self.state.delay(command, delay);
    }

    /// Gives a paging `show-*` command a collection: it answers pages of it
    /// by `offset` and `limit`.
    pub fn collection(&self, command: &str, items: Vec<serde_json::Value>) {
        self.state.collection(command, items);
    }

    /// How many `show-task` polls a task stays `in progress`; `None` for
    /// never done.
    pub fn task_polls(&self, polls: Option<usize>) {
        self.state.task_polls(polls);
    }

    /// How many requests `command` received (faults and errors included).
    pub fn calls(&self, command: &str) -> usize {
        self.state.calls(command)
    }

    /// The URL paths requests used, in order.
    pub fn paths(&self) -> Vec<String> {
        self.state.paths()
    }

    /// How many sessions are open.
    pub fn open_sessions(&self) -> usize {
        self.state.open_sessions()
    }

    /// Makes every open session expired.
    pub fn expire_sessions(&self) {
        self.state.expire_sessions();
    }

    /// Switches on a behaviour of real servers (login throttling, HTML 403,
    /// a `show-task` not ready at first, slow answers, dropped connections,
    /// equal names swapping order).
    pub fn quirk(&self, quirk: Quirk) {
        self.state.quirks(|q| q.switch_on(quirk));
    }

    /// Makes every session idle for `idle` more (sessions expire after
    /// their `session-timeout` without a request; any request, `keepalive`
    /// included, renews them).
    pub fn pass_time(&self, idle: Duration) {
        self.state.pass_time(idle);
    }

    /// Publishes `count` generated objects of `family` (`host`,
    /// `network`, … any family of the object model), named
    /// `<family>-00001` onwards, continuing after earlier seeds.
    pub fn seed(&self, family: &str, count: usize) -> Result<(), String> {
        let found = objects::family(family).filter(|f| f.wire_type.is_some());
        let Some(family) = found else { return Err(format!("no object family `{family}`")) };
        let wire_type = family.wire_type.unwrap_or_default();
        let first = self.state.objects(|store| {
            store.published().filter(|o| o.get("type").and_then(Value::as_str) == Some(wire_type)).count()
        });
        let made: Vec<Value> = (first + 1..=first + count)
            .map(|n| objects::seed_object(family, self.state.fresh("object"), format!("{}-{n:05}", family.name), n))
            .collect();
        self.state.objects(|store| made.into_iter().for_each(|o| store.insert_published(o)));
        Ok(())
    }

    /// Publishes the objects of a state file, as [`FakeServer::dump_state`]
    /// writes it: `{"objects": [{"uid", "name", "type", …}, …],
    /// "rulebases": {"<layer uid>": ["<section or rule uid>", …]}}`, the
    /// rulebases optional, in SmartConsole's order. Answers how many
    /// objects it read.
    pub fn load_state(&self, state: &Value) -> Result<usize, String> {
        let Some(items) = state.get("objects").and_then(Value::as_array) else {
            return Err("a state file is an object with an `objects` list".to_owned());
        };
        for (i, item) in items.iter().enumerate() {
            let has = |key: &str| item.get(key).is_some_and(Value::is_string);
            if !(has("uid") && has("name") && has("type")) {
                return Err(format!("objects[{i}] needs string `uid`, `name` and `type`"));
            }
        }
        let mut rulebases = Vec::new();
        if let Some(given) = state.get("rulebases") {
            let Some(layers) = given.as_object() else {
                return Err("`rulebases` maps layer uids to lists of uids".to_owned());
            };
            for (layer, entries) in layers {
                let uids: Option<Vec<String>> =
                    entries.as_array().and_then(|e| e.iter().map(|u| u.as_str().map(str::to_owned)).collect());
                let uids = uids.ok_or_else(|| format!("rulebases/{layer} is not a list of uids"))?;
                if let Some(missing) = uids.iter().find(|uid| !items.iter().any(|o| o["uid"] == uid.as_str())) {
                    return Err(format!("rulebases/{layer} names {missing}, which `objects` lacks"));
                }
                rulebases.push((layer.clone(), uids));
            }
        }
        self.state.objects(|store| {
            items.iter().cloned().for_each(|o| store.insert_published(o));
            rulebases.into_iter().for_each(|(layer, uids)| store.set_order(&layer, uids));
        });
        Ok(items.len())
    }

    /// The published objects and the order of each layer's rulebase, as
    /// [`FakeServer::load_state`] reads them.
    pub fn dump_state(&self) -> Value {
        let (objects, rulebases): (Vec<Value>, _) =
            self.state.objects(|store| (store.published().cloned().collect(), store.published_orders()));
        serde_json::json!({ "objects": objects, "rulebases": rulebases })
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
