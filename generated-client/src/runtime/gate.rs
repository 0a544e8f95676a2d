//! One login gate per server: concurrent logins with the same request share
//! one login in flight, and a login the server throttles waits out the
//! server's window, within a deadline, instead of failing at once.
//!
//! Since R81 a management server allows 3 logins per administrator per
//! domain per minute and answers `err_too_many_requests` past that. Tools
//! that log in per task, or per domain in parallel, hit it (TF#167); Check
//! Point's advice is to back off and reuse sessions, and its own automation
//! (ARO) shares one gate per server and waits about 70 s.

use super::error::{Error, Result};
use super::session::Session;
use super::Secret;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a throttled login waits before it tries again by default: the
/// server's window is a minute; ARO waits about 70 s.
pub const DEFAULT_LOGIN_THROTTLE_WAIT: Duration = Duration::from_secs(70);

/// How long a throttled login keeps trying by default: two waits.
pub const DEFAULT_LOGIN_DEADLINE: Duration = Duration::from_secs(150);

/// What a login answers to every caller that shares it: each gets a clone
/// of the session or of the error.
type Outcome = Result<Session>;

/// The logins in flight of one client (and its clones), and how a
/// throttled login waits.
pub(crate) struct LoginGate {
    in_flight: Mutex<HashMap<GateKey, Flight>>,
    /// Tells flights apart, so that a finished one removes only itself.
    next_id: std::sync::atomic::AtomicU64,
    pub(crate) wait: Duration,
    pub(crate) deadline: Duration,
}

struct Flight {
    id: u64,
    login: Shared<BoxFuture<'static, Outcome>>,
}

/// What makes two logins the same: the whole request (identity, domain and
/// options such as `session-name`), so a caller never gets a session opened
/// with options it did not ask for. `Debug` names the user and the domain
/// only; the request, which holds the password or the API key, is a
/// [`Secret`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct GateKey {
    user: Option<String>,
    domain: Option<String>,
    request: Secret,
}

impl fmt::Debug for GateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GateKey")
            .field("user", &self.user)
            .field("domain", &self.domain)
            .field("request", &self.request)
            .finish()
    }
}

impl GateKey {
    /// The key of a login request's body.
    pub(crate) fn of(body: &serde_json::Value) -> GateKey {
        let text = |key: &str| body.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        // serde_json's maps are ordered, so equal requests print equally.
        GateKey { user: text("user"), domain: text("domain"), request: Secret::new(body.to_string()) }
    }
}

impl fmt::Debug for LoginGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginGate").field("wait", &self.wait).field("deadline", &self.deadline).finish_non_exhaustive()
    }
}

impl LoginGate {
    pub(crate) fn new(wait: Duration, deadline: Duration) -> LoginGate {
        LoginGate {
            in_flight: Mutex::new(HashMap::new()),
            next_id: std::sync::atomic::AtomicU64::new(0),
            wait,
            deadline,
        }
    }

    fn flights(&self) -> std::sync::MutexGuard<'_, HashMap<GateKey, Flight>> {
        // The map holds no invariant a panic could break.
        self.in_flight.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Joins the login in flight for `key`, or starts `login` as it. Every
    /// caller gets the session (the same sid) or a copy of the error.
    ///
    /// The login runs as long as one caller still waits for it: a caller
    /// that gives up does not cancel it for the others.
    pub(crate) async fn share(
        &self,
        key: GateKey,
        login: impl FnOnce() -> BoxFuture<'static, Result<Session>>,
    ) -> Result<Session> {
        let (id, flight) = {
            let mut flights = self.flights();
            match flights.get(&key) {
                // A finished flight whose callers all went away before
                // removing it must not answer a new login.
                Some(flight) if flight.login.peek().is_none() => {
                    tracing::debug!(key = ?key, "joining the login in flight");
                    (flight.id, flight.login.clone())
                }
                _ => {
                    let id = self.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let login = login().shared();
                    flights.insert(key.clone(), Flight { id, login: login.clone() });
                    (id, login)
                }
            }
        };
        let outcome = flight.await;
        {
            let mut flights = self.flights();
            if flights.get(&key).is_some_and(|f| f.id == id) {
                flights.remove(&key);
            }
        }
        outcome
    }

    /// Sends a login with `attempt` until the server stops throttling it:
    /// each `err_too_many_requests` waits `wait` and tries again, as long as
    /// the next try starts before `deadline` (counted from the first); then
    /// [`Error::LoginThrottled`].
    pub(crate) async fn until_not_throttled<T, F, Fut>(&self, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let started = Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let error = match attempt().await {
                Err(error) if error.is_too_many_requests() => error,
                other => return other,
            };
            let elapsed = started.elapsed();
            if elapsed + self.wait > self.deadline {
                return Err(Error::LoginThrottled { attempts, waited: elapsed, source: Box::new(error) });
            }
            tracing::info!(attempts, wait_s = self.wait.as_secs_f64(), "the server throttles logins; waiting");
            tokio::time::sleep(self.wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_shows_no_secret() {
        let key = GateKey::of(&serde_json::json!({"user": "admin", "password": "hunter2", "domain": "d1"}));
        let shown = format!("{key:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("admin") && shown.contains("d1"), "{shown}");
        let key = GateKey::of(&serde_json::json!({"api-key": "k3y-value"}));
        assert!(!format!("{key:?}").contains("k3y-value"));
        assert_ne!(
            GateKey::of(&serde_json::json!({"user": "a", "password": "1"})),
            GateKey::of(&serde_json::json!({"user": "a", "password": "2"}))
        );
    }
}
