//! The client: where the server is, how to trust it, and how one call goes.

use super::diagnose::mask_session_ids;
use super::error::{excerpt, Error, Result, EXCERPT};
use super::gate::{GateKey, LoginGate, DEFAULT_LOGIN_DEADLINE, DEFAULT_LOGIN_THROTTLE_WAIT};
use super::paging::DEFAULT_PAGES_IN_FLIGHT;
use super::retry::RetryPolicy;
use super::session::Session;
use super::tls::{self, TlsOptions};
use super::transport::{HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError};
use super::{Command, Secret, SessionGrant};
use crate::types::ApiFailure;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Which URL the client addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiVersion {
    /// `/web_api/<command>`: the server's current version.
    #[default]
    Latest,
    /// `/web_api/v<version>/<command>` with the version the server named at
    /// login (`api-server-version`), so that a session keeps the behaviour it
    /// started with.
    FromLogin,
    /// `/web_api/v<version>/<command>` with this version, login included.
    Fixed(String),
}

/// A client of one management server. Cheap to clone; clones share the
/// connection pool and the login gate: concurrent logins with the same
/// request share one login, and a login the server throttles waits out its
/// window (see [`ClientBuilder::login_throttle_wait`]).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
    api_version: ApiVersion,
    logins: LoginGate,
    pages_in_flight: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("retry", &self.inner.retry)
            .field("api_version", &self.inner.api_version)
            .field("logins", &self.inner.logins)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]. Certificate verification is on unless explicitly
/// turned off with the loudly named lab switch.
#[must_use]
pub struct ClientBuilder {
    base: String,
    tls: TlsOptions,
    errors: Vec<String>,
    proxy: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    api_version: ApiVersion,
    transport: Option<Arc<dyn Transport>>,
    login_throttle_wait: Duration,
    login_deadline: Duration,
    pages_in_flight: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &self.base)
            .field("pins", &self.tls.pins.len())
            .field("extra_roots", &self.tls.roots.len())
            .field("accept_any_certificate", &self.tls.accept_any)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client for `base`: `https://host:port` (the path
    /// `/web_api` is added; plain `http://` works for test servers).
    pub fn builder(base: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base.into(),
            tls: TlsOptions::default(),
            errors: Vec::new(),
            proxy: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            user_agent: concat!("generated-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            api_version: ApiVersion::Latest,
            transport: None,
            login_throttle_wait: DEFAULT_LOGIN_THROTTLE_WAIT,
            login_deadline: DEFAULT_LOGIN_DEADLINE,
            pages_in_flight: DEFAULT_PAGES_IN_FLIGHT,
        }
    }

    /// How many pages of one listing are asked for at once.
    pub(crate) fn pages_in_flight(&self) -> usize {
        self.inner.pages_in_flight
    }

    /// The base URL, `…/web_api` included.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Sends a command that needs no session (`login`). A `login` the
    /// server throttles (`err_too_many_requests`) is sent again after the
    /// server's window, until the login deadline; then
    /// [`Error::LoginThrottled`].
    pub async fn send<C: Command>(&self, request: C) -> Result<C::Response> {
        let send = || self.call(&request, method_of::<C>(None), None, self.version_for_login());
        if C::NAME == "login" {
            self.inner.logins.until_not_throttled(send).await
        } else {
            send().await
        }
    }

    /// Sends a command whose answer opens a session, and returns the session.
    ///
    /// Logins pass the client's login gate: while a `login` is in flight,
    /// another with the same request (same identity, domain and options)
    /// waits for it and gets the same session (the same sid), or the same
    /// error, instead of logging in again. Callers that share a session
    /// share its end too: one `logout` ends it for all.
    pub async fn open_session<C: Command>(&self, request: C) -> Result<Session>
    where
        C::Response: SessionGrant,
    {
        if C::NAME != "login" {
            let response = self.send(request).await?;
            return Session::from_grant(self.clone(), C::NAME, &response);
        }
        let body = serde_json::to_value(&request)
            .map_err(|e| Error::Config(format!("{}: cannot encode the request: {e}", C::NAME)))?;
        let client = self.clone();
        let login = move || -> futures_util::future::BoxFuture<'static, Result<Session>> {
            Box::pin(async move {
                let response = client.send(request).await?;
                Session::from_grant(client.clone(), C::NAME, &response)
            })
        };
        self.inner.logins.share(GateKey::of(&body), login).await
    }

    /// Sends any command as raw JSON: for commands this version does not
    /// know. `sid` is the session id, where the command needs one.
    pub async fn call_json(
        &self,
        command: &str,
        sid: Option<&Secret>,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        self.call_json_at(command, sid, None, body).await
    }

    /// [`Client::call_json`] at an API version (`/web_api/v<version>/`).
    pub(crate) async fn call_json_at(
        &self,
        command: &str,
        sid: Option<&Secret>,
        version: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
        let response = self.execute(command, "POST", sid, version, bytes).await?;
        decode(command, &response)
    }

    fn version_for_login(&self) -> Option<&str> {
        match &self.inner.api_version {
            ApiVersion::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// The version a session uses.
    pub(crate) fn version_for_session<'a>(&'a self, from_login: Option<&'a str>) -> Option<&'a str> {
        match &self.inner.api_version {
            ApiVersion::Latest => None,
            ApiVersion::FromLogin => from_login,
            ApiVersion::Fixed(v) => Some(v),
        }
    }

    /// One typed call.
    pub(crate) async fn call<C: Command>(
        &self,
        request: &C,
        method: &str,
        sid: Option<&Secret>,
        version: Option<&str>,
    ) -> Result<C::Response> {
        let response = self.call_raw(request, method, sid, version).await?;
        decode(C::NAME, &response)
    }

    /// One call, the success answer undecoded.
    pub(crate) async fn call_raw<C: Command>(
        &self,
        request: &C,
        method: &str,
        sid: Option<&Secret>,
        version: Option<&str>,
    ) -> Result<HttpResponse> {
        let body = serde_json::to_vec(request)
            .map_err(|e| Error::Config(format!("{}: cannot encode the request: {e}", C::NAME)))?;
        self.execute(C::NAME, method, sid, version, body).await
    }

    /// Sends one request, retrying rate-limit answers; returns a success
    /// answer or the error the answer means.
    async fn execute(
        &self,
        command: &str,
        method: &str,
        sid: Option<&Secret>,
        version: Option<&str>,
        body: Vec<u8>,
    ) -> Result<HttpResponse> {
        let url = match version {
            Some(v) => format!("{}/v{}/{}", self.inner.base, v.trim_start_matches('v'), command),
            None => format!("{}/{}", self.inner.base, command),
        };
        let span = tracing::debug_span!(
            "chkp_call",
            command,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty
        );
        async move {
            let started = Instant::now();
            let mut attempt = 0;
            let result = loop {
                attempt += 1;
                let request =
                    HttpRequest { method: method.to_owned(), url: url.clone(), sid: sid.cloned(), body: body.clone() };
                let response = match self.inner.transport.send(request).await {
                    Ok(response) => response,
                    Err(e) => break Err(transport_error(command, e)),
                };
                let span = tracing::Span::current();
                span.record("status", response.status);
                if response.status == 200 {
                    break Ok(response);
                }
                let error = failure(command, &response, sid);
                // A throttled login waits out the server's window (a
                // minute) in the login gate: the retry policy's short
                // backoffs would only spend attempts.
                // (A 429 whose body is not a failure body still counts.)
                let limited = command != "login" && (response.status == 429 || error.is_too_many_requests());
                match self.inner.retry.delay(attempt) {
                    Some(delay) if limited => {
                        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "rate limited; retrying");
                        tokio::time::sleep(delay).await;
                    }
                    _ => break Err(error),
                }
            };
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            tracing::debug!(ok = result.is_ok(), "call finished");
            result
        }
        .instrument(span)
        .await
    }
}

fn method_of<C: Command>(chosen: Option<&'static str>) -> &'static str {
    chosen.or(C::HTTP_METHOD).unwrap_or("POST")
}

pub(crate) fn method_for<C: Command>() -> &'static str {
    method_of::<C>(None)
}

fn transport_error(command: &str, e: TransportError) -> Error {
    let command = command.to_owned();
    match e {
        TransportError::Timeout => Error::Timeout { command },
        TransportError::Tls(message) => Error::Tls { command, message },
        TransportError::PinMismatch(found) => Error::PinMismatch { command, found },
        TransportError::Other(message) => Error::Transport { command, message },
    }
}

/// The error a non-200 answer means. Session ids the server echoes (its
/// messages can quote the one it refused) are masked first.
fn failure(command: &str, response: &HttpResponse, sid: Option<&Secret>) -> Error {
    let command = command.to_owned();
    let body = mask_session_ids(&String::from_utf8_lossy(&response.body), sid);
    match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(value @ serde_json::Value::Object(_)) => match serde_json::from_value::<ApiFailure>(value) {
            Ok(failure) => {
                Error::Api { command, status: response.status, failure: Box::new(failure), server_version: None }
            }
            Err(e) => Error::Decode {
                command,
                path: String::new(),
                message: format!("HTTP {} with a failure body of another shape: {e}", response.status),
                excerpt: excerpt(body.as_bytes(), EXCERPT),
                source: Some(std::sync::Arc::new(e)),
            },
        },
        _ => Error::NotJson {
            command,
            status: response.status,
            content_type: response.content_type.clone(),
            excerpt: excerpt(body.as_bytes(), EXCERPT),
        },
    }
}

/// Decodes a success answer; an empty body reads as `{}`. Whether the body
/// is JSON at all is asked only when decoding fails, so a good answer is
/// parsed once.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(command: &str, response: &HttpResponse) -> Result<T> {
    let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &response.body };
    let not_json = || Error::NotJson {
        command: command.to_owned(),
        status: response.status,
        content_type: response.content_type.clone(),
        excerpt: excerpt(&response.body, EXCERPT),
    };
    // The plain decoder first: tracking the path costs an allocation per
    // key (a third of the time a page of hosts takes), so only an answer
    // that fails is decoded again to say where.
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    if let Ok(decoded) = T::deserialize(&mut deserializer) {
        // Text after the JSON value: cut or concatenated answers.
        deserializer.end().map_err(|_| not_json())?;
        return Ok(decoded);
    }
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body)).map_err(|e| {
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return not_json();
        }
        Error::decode(command, "", e, body)
    })
}

impl ClientBuilder {
    /// Trusts this root certificate (PEM, one or more) besides the usual
    /// public roots: for a management server's internal CA.
    pub fn add_root_pem(mut self, pem: &[u8]) -> Self {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            match cert {
                Ok(cert) => {
                    self.tls.roots.push(cert);
                    found += 1;
                }
                Err(e) => self.errors.push(format!("bad PEM certificate: {e}")),
            }
        }
        if found == 0 {
            self.errors.push("no certificate in the PEM text".to_owned());
        }
        self
    }

    /// Accepts the server only if its certificate has this SHA-256
    /// fingerprint (hex; colons allowed), as SmartConsole shows it. Chain and
    /// name are then not checked: the fingerprint identifies the server.
    /// May be given more than once (during a certificate change).
    pub fn pin_sha256(mut self, fingerprint: &str) -> Self {
        match tls::parse_pin(fingerprint) {
            Ok(pin) => self.tls.pins.push(pin),
            Err(e) => self.errors.push(format!("bad pin: {e}")),
        }
        self
    }

    /// **Lab use only**: accepts any server certificate, which lets anyone
    /// on the path read the password and the session. Prefer
    /// [`pin_sha256`](Self::pin_sha256).
    pub fn danger_accept_any_certificate_lab_only(mut self) -> Self {
        self.tls.accept_any = true;
        self
    }

    /// Sends every request through this proxy (`http://proxy:3128`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Time to set up a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for a whole call (default 120 s). A timed-out call is never
    /// retried: the server may have acted.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How rate-limited calls are retried ([`RetryPolicy::none`] turns it off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Which URL the client addresses (default: the latest version).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    /// How long a login the server throttles (`err_too_many_requests`)
    /// waits before it tries again (default 70 s,
    /// [`DEFAULT_LOGIN_THROTTLE_WAIT`](crate::DEFAULT_LOGIN_THROTTLE_WAIT)):
    /// since R81 a server allows 3 logins per administrator and domain in
    /// a minute.
    pub fn login_throttle_wait(mut self, wait: Duration) -> Self {
        self.login_throttle_wait = wait;
        self
    }

    /// How long a throttled login keeps trying, from its first attempt
    /// (default 150 s, [`DEFAULT_LOGIN_DEADLINE`](crate::DEFAULT_LOGIN_DEADLINE));
    /// a try that would start later is not made, and the login fails with
    /// [`Error::LoginThrottled`]. `Duration::ZERO` fails at the first
    /// refusal.
    pub fn login_deadline(mut self, deadline: Duration) -> Self {
        self.login_deadline = deadline;
        self
    }

    /// How many pages of one listing are asked for at once, once its first
    /// page has told its `total` (default 4,
    /// [`DEFAULT_PAGES_IN_FLIGHT`](crate::DEFAULT_PAGES_IN_FLIGHT)); `1`
    /// reads a listing's pages one after another. Applies to
    /// [`Session::pages`](crate::Session::pages) and the `*_pages` methods.
    pub fn pages_in_flight(mut self, pages: usize) -> Self {
        self.pages_in_flight = pages.max(1);
        self
    }

    /// Uses another transport instead of reqwest (TLS settings then belong
    /// to it).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        if let Some(first) = self.errors.first() {
            return Err(Error::Config(first.clone()));
        }
        let mut base = self.base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(Error::Config(format!("the server URL must start with https:// or http://: `{base}`")));
        }
        if !base.ends_with("/web_api") {
            base.push_str("/web_api");
        }
        if self.tls.accept_any {
            tracing::warn!("certificate verification is off (lab use only)");
        }
        let transport = match self.transport {
            Some(transport) => transport,
            None => {
                let (config, pin_log) = tls::client_config(&self.tls).map_err(Error::Config)?;
                let mut http = reqwest::Client::builder()
                    .use_preconfigured_tls(config)
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .user_agent(self.user_agent);
                if let Some(proxy) = &self.proxy {
                    let proxy = reqwest::Proxy::all(proxy).map_err(|e| Error::Config(format!("bad proxy: {e}")))?;
                    http = http.proxy(proxy);
                }
                let client = http.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
                Arc::new(ReqwestTransport { client, pin_log })
            }
        };
        let logins = LoginGate::new(self.login_throttle_wait, self.login_deadline);
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport,
                retry: self.retry,
                api_version: self.api_version,
                logins,
                pages_in_flight: self.pages_in_flight,
            }),
        })
    }
}
