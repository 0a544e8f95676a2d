//! The HTTP exchange behind a small trait, so tests and special deployments
//! can put something else in its place; the default is reqwest with rustls.

use super::Secret;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// One request to the API.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: String,
    /// Full URL.
    pub url: String,
    /// The session id, sent as `X-chkp-sid`.
    pub sid: Option<Secret>,
    /// The JSON body.
    pub body: Vec<u8>,
}

/// The server's answer.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, when given.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why an exchange got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportError {
    /// No answer in time.
    Timeout,
    /// The server certificate was not accepted.
    Tls(String),
    /// The server certificate is not the pinned one; its SHA-256 in hex.
    PinMismatch(String),
    /// Anything else (connection refused, reset, DNS).
    Other(String),
}

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one request and returns the answer. Implementations never retry.
pub trait Transport: Send + Sync + 'static {
    /// Performs the exchange.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// The default transport: reqwest over rustls.
pub(crate) struct ReqwestTransport {
    pub(crate) client: reqwest::Client,
    pub(crate) pin_log: Arc<super::tls::PinLog>,
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes())
                .map_err(|e| TransportError::Other(format!("bad HTTP method: {e}")))?;
            let mut builder = self
                .client
                .request(method, &request.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(request.body);
            if let Some(sid) = &request.sid {
                let mut value = reqwest::header::HeaderValue::from_str(sid.expose())
                    .map_err(|_| TransportError::Other("the session id is not a valid header value".to_owned()))?;
                value.set_sensitive(true);
                builder = builder.header("X-chkp-sid", value);
            }
            let response = builder.send().await.map_err(|e| self.classify(e))?;
            let status = response.status().as_u16();
            let content_type =
                response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body = response.bytes().await.map_err(|e| self.classify(e))?;
            Ok(HttpResponse { status, content_type, body: body.to_vec() })
        })
    }
}

impl ReqwestTransport {
    fn classify(&self, error: reqwest::Error) -> TransportError {
        if error.is_timeout() {
            return TransportError::Timeout;
        }
        if let Some(found) = self.pin_log.take_mismatch() {
            return TransportError::PinMismatch(found);
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            if let Some(tls) = e.downcast_ref::<rustls::Error>() {
                return TransportError::Tls(tls.to_string());
            }
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::TimedOut {
                    return TransportError::Timeout;
                }
                if let Some(tls) = io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                    return TransportError::Tls(tls.to_string());
                }
            }
            source = e.source();
        }
        // Without the URL: it may carry credentials of a proxy.
        let text = error.without_url().to_string_chain();
        // Some HTTP stacks box the TLS error as text only.
        if text.contains("invalid peer certificate") || text.contains("certificate verify failed") {
            return TransportError::Tls(text);
        }
        TransportError::Other(text)
    }
}

trait ErrorChain {
    fn to_string_chain(&self) -> String;
}

impl ErrorChain for reqwest::Error {
    fn to_string_chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(e) = source {
            text.push_str(": ");
            text.push_str(&e.to_string());
            source = e.source();
        }
        text
    }
}
