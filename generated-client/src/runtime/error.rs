//! The one error type of the client.

use super::locks::LockHolder;
use crate::types::{ApiFailure, ErrorCode};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Body excerpts in errors are cut at this many characters.
pub(crate) const EXCERPT: usize = 240;

/// What went wrong with a call. No case ever holds a password, an API key or
/// a session id, and body excerpts have such values masked. Cloning is
/// cheap (a shared login hands every caller its error).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built (bad URL, certificate, pin, proxy).
    Config(String),
    /// The request did not get an answer: connection refused or dropped.
    /// Never retried: the server may have acted.
    Transport {
        /// The command.
        command: String,
        /// What the HTTP stack said.
        message: String,
    },
    /// No answer within the configured time. Never retried.
    Timeout {
        /// The command.
        command: String,
    },
    /// The server's certificate was rejected by verification.
    Tls {
        /// The command.
        command: String,
        /// Why.
        message: String,
    },
    /// The server's certificate does not have a pinned fingerprint.
    PinMismatch {
        /// The command.
        command: String,
        /// SHA-256 of the certificate the server showed, in hex.
        found: String,
    },
    /// The API answered with a failure body.
    Api {
        /// The command.
        command: String,
        /// The HTTP status.
        status: u16,
        /// The failure body: error code, message, warnings and errors.
        failure: Box<ApiFailure>,
        /// The server's `api-server-version`, when the session knows it.
        server_version: Option<String>,
    },
    /// The answer is not JSON (an HTML error page of a proxy, say).
    NotJson {
        /// The command.
        command: String,
        /// The HTTP status.
        status: u16,
        /// The content type, when given.
        content_type: Option<String>,
        /// The start of the body.
        excerpt: String,
    },
    /// The answer is JSON but does not fit the response type.
    Decode {
        /// The command.
        command: String,
        /// JSON path of the value that does not fit (`.objects[3].name`).
        path: String,
        /// What serde said.
        message: String,
        /// The start of the body, secrets masked.
        excerpt: String,
        /// serde's error, for [`std::error::Error::source`].
        source: Option<Arc<serde_json::Error>>,
    },
    /// A session was expected in the answer but it holds no `sid`.
    NoSession {
        /// The command.
        command: String,
    },
    /// The request is refused before it is sent (a `limit` outside 1..=500).
    InvalidRequest {
        /// The command.
        command: String,
        /// What is wrong.
        message: String,
    },
    /// A listing changed under the reader more than it can make up for:
    /// `total` changed again after one restart, or the pages do not follow
    /// each other.
    PagingInconsistent {
        /// The command.
        command: String,
        /// The offset of the page that did not fit.
        offset: i64,
        /// What did not fit.
        message: String,
    },
    /// Tasks were still running at the deadline.
    TaskTimeout {
        /// The tasks waited for.
        task_ids: Vec<String>,
        /// How long the client waited.
        waited: Duration,
    },
    /// The server kept refusing `login` with `err_too_many_requests` until
    /// the login deadline (`ClientBuilder::login_deadline`). Since R81 a
    /// server allows 3 logins per administrator and domain per minute.
    /// [`code`](Error::code) and [`status`](Error::status) are those of the
    /// last refusal, which [`source`](std::error::Error::source) returns.
    LoginThrottled {
        /// Logins sent.
        attempts: u32,
        /// Time from the first login to the last refusal.
        waited: Duration,
        /// The last refusal.
        source: Box<Error>,
    },
    /// A call was refused because another session locks the object, and
    /// the server told which session that is. [`code`](Error::code),
    /// [`status`](Error::status) and [`failure`](Error::failure) are those
    /// of the refusal, which [`source`](std::error::Error::source) returns.
    /// When the holder cannot be found out, the refusal comes as it is
    /// ([`Error::Api`]), so test locks with `code()`, not with this case.
    Locked {
        /// Who holds the lock, as far as the API tells.
        holder: Box<LockHolder>,
        /// The refusal.
        source: Box<Error>,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The API error code, for failures the API reported.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.failure().and_then(|failure| failure.code.as_ref())
    }

    /// The failure body, for failures the API reported.
    pub fn failure(&self) -> Option<&ApiFailure> {
        match self {
            Error::Api { failure, .. } => Some(failure),
            Error::LoginThrottled { source, .. } | Error::Locked { source, .. } => source.failure(),
            _ => None,
        }
    }

    /// Whether the server refused for too many requests (HTTP 429 or
    /// `err_too_many_requests`).
    pub(crate) fn is_too_many_requests(&self) -> bool {
        self.status() == Some(429) || self.code().is_some_and(|code| code.as_str() == "err_too_many_requests")
    }

    /// Who holds the lock that refused the call, when the runtime found
    /// out ([`Error::Locked`]).
    pub fn lock_holder(&self) -> Option<&LockHolder> {
        match self {
            Error::Locked { holder, .. } => Some(holder),
            _ => None,
        }
    }

    /// What this error usually means on a real server and what to do, for
    /// the known puzzles (an HTML 403, a 409 on deletion, a command the
    /// server's version lacks, a lock); `Display` appends it.
    pub fn hint(&self) -> Option<String> {
        super::diagnose::hint(self)
    }

    /// Records the server's API version on an API failure (a session knows
    /// it from the login).
    pub(crate) fn with_server_version(mut self, version: Option<&str>) -> Error {
        if let Error::Api { server_version, .. } = &mut self {
            if server_version.is_none() {
                *server_version = version.map(str::to_owned);
            }
        }
        self
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::NotJson { status, .. } => Some(*status),
            Error::LoginThrottled { source, .. } | Error::Locked { source, .. } => source.status(),
            _ => None,
        }
    }

    /// A value that does not fit its type, at the place serde says: the
    /// path is `prefix` then serde's (`.tasks[].progress-percentage`);
    /// `body` is what the excerpt shows.
    pub(crate) fn decode(
        command: &str,
        prefix: &str,
        error: serde_path_to_error::Error<serde_json::Error>,
        body: &[u8],
    ) -> Error {
        let at = error.path().to_string();
        let path = match (prefix, at.as_str()) {
            ("", _) => at.clone(),
            (_, ".") => prefix.to_owned(),
            _ => format!("{prefix}.{}", at.trim_start_matches('.')),
        };
        let source = error.into_inner();
        Error::Decode {
            command: command.to_owned(),
            path,
            message: source.to_string(),
            excerpt: excerpt(body, EXCERPT),
            source: Some(Arc::new(source)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_plain(f)?;
        match self.hint() {
            Some(hint) => write!(f, " ({hint})"),
            None => Ok(()),
        }
    }
}

impl Error {
    fn fmt_plain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(message) => write!(f, "client configuration: {message}"),
            Error::Transport { command, message } => write!(f, "{command}: no answer: {message}"),
            Error::Timeout { command } => write!(f, "{command}: timed out"),
            Error::Tls { command, message } => write!(f, "{command}: TLS: {message}"),
            Error::PinMismatch { command, found } => {
                write!(f, "{command}: the server certificate (SHA-256 {found}) is not the pinned one")
            }
            Error::Api { command, status, failure, .. } => {
                write!(f, "{command}: HTTP {status}")?;
                if let Some(code) = &failure.code {
                    write!(f, " {code}")?;
                }
                if let Some(message) = &failure.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Error::NotJson { command, status, content_type, excerpt } => {
                write!(f, "{command}: HTTP {status}, the body is not JSON")?;
                if let Some(ct) = content_type {
                    write!(f, " ({ct})")?;
                }
                write!(f, ": {excerpt}")
            }
            Error::Decode { command, path, message, .. } => {
                write!(f, "{command}: the answer does not fit the response type at `{path}`: {message}")
            }
            Error::InvalidRequest { command, message } => write!(f, "{command}: not sent: {message}"),
            Error::PagingInconsistent { command, offset, message } => {
                write!(f, "{command}: the listing changed while it was read (at offset {offset}): {message}")
            }
            Error::NoSession { command } => write!(f, "{command}: the answer holds no session id"),
            Error::TaskTimeout { task_ids, waited } => {
                write!(f, "tasks {} still running after {:.0?}", task_ids.join(", "), waited)
            }
            Error::LoginThrottled { attempts, waited, .. } => write!(
                f,
                "login: the server throttles logins (since R81 it allows 3 logins per minute per administrator \
                 and domain) and still refused after {attempts} attempts in {waited:.0?}; reuse sessions instead \
                 of logging in again: share one `Session` between tasks (it is cheap to clone), log in to other \
                 domains with `login-to-domain` from one session, resume a saved session id"
            ),
            Error::Locked { holder, source } => {
                source.fmt_plain(f)?;
                write!(f, "; {holder}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source: Some(source), .. } => Some(source.as_ref()),
            Error::LoginThrottled { source, .. } | Error::Locked { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// Keys whose values an excerpt never shows.
const SECRET_KEYS: &[&str] = &["sid", "api-key", "password", "new-password", "one-time-password", "shared-secret"];

/// The start of a body for an error message: JSON with secret values masked,
/// other text as it is, cut at `max` characters.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            mask(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).split_whitespace().collect::<Vec<_>>().join(" "),
    };
    if text.chars().count() > max {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn mask(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let lower = key.to_ascii_lowercase();
                if SECRET_KEYS.contains(&lower.as_str()) || lower.ends_with("password") || lower.ends_with("secret") {
                    *v = serde_json::Value::String("***".to_owned());
                } else {
                    mask(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_mask_secrets_and_cut() {
        let body = br#"{"sid": "abc123", "nested": {"password": "pw"}, "name": "x"}"#;
        let text = excerpt(body, 200);
        assert!(!text.contains("abc123") && !text.contains("\"pw\""), "{text}");
        assert!(text.contains("\"name\":\"x\""));
        assert_eq!(excerpt(b"<html>  <body>oops</body></html>", 12), "<html> <body…");
    }
}
