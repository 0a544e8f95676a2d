//! Locks explained: which session holds the object a call was refused on,
//! and a way to release the locks this administrator's forgotten API
//! sessions hold.
//!
//! An object changed in one session is locked for the others until that
//! session publishes or discards. The refusal (`generic_err_object_locked`)
//! does not say who holds the lock, and "locks nobody can explain" are what
//! users of the SDKs report most (TF#72, TF#75, TF#92, ANS#38). The object
//! itself says it: `meta-info` has `locking-session-id` and
//! `locking-admin` (`lock` only says `locked by other session`), and
//! `show-session` names that session.

use super::error::{Error, Result};
use super::session::Session;
use super::ObjectOrId;
use crate::types::{DetailsLevel, Discard, ErrorCode, SessionObject, ShowSession, ShowSessions};
use futures_util::StreamExt;
use serde_json::{Map, Value};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Who holds the lock on an object, as far as the API tells
/// ([`Error::Locked`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockHolder {
    /// The locked object, by the name (or uid) the call used.
    pub object: Option<String>,
    /// The holding session's uid: `discard` with it releases the lock.
    pub session_uid: Option<String>,
    /// The holding session's name (`session-name` at login).
    pub session_name: Option<String>,
    /// The administrator logged in to it.
    pub user: Option<String>,
    /// What opened it: `WEB_API` for the API, SmartConsole otherwise.
    pub application: Option<String>,
    /// When it logged in (ISO 8601, as the server writes it).
    pub logged_in_at: Option<String>,
    /// Its unpublished changes.
    pub changes: Option<i64>,
    /// The objects it locks.
    pub locks: Option<i64>,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.object {
            Some(object) => write!(f, "`{object}` is locked by session")?,
            None => f.write_str("locked by session")?,
        }
        match (&self.session_name, &self.session_uid) {
            (Some(name), Some(uid)) => write!(f, " '{name}' (uid {uid})")?,
            (Some(name), None) => write!(f, " '{name}'")?,
            (None, Some(uid)) => write!(f, " {uid}")?,
            (None, None) => {}
        }
        if let Some(user) = &self.user {
            write!(f, " of administrator '{user}'")?;
        }
        let mut details = Vec::new();
        if let Some(application) = &self.application {
            details.push(application.clone());
        }
        if let Some(at) = &self.logged_in_at {
            details.push(format!("logged in {at}"));
        }
        if let Some(changes) = self.changes {
            details.push(format!("{changes} unpublished changes"));
        }
        if let Some(locks) = self.locks {
            details.push(format!("{locks} locks"));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

/// Whether the server refused a call because of a lock.
fn is_lock(error: &Error) -> bool {
    let Error::Api { failure, .. } = error else { return false };
    if failure.code.as_ref() == Some(&ErrorCode::GenericErrObjectLocked) {
        return true;
    }
    let messages = failure.message.iter().chain(failure.errors.iter().flatten().filter_map(|e| e.message.as_ref()));
    messages.map(|m| m.to_ascii_lowercase()).any(|m| m.contains("is locked") || m.contains("locked by"))
}

/// The identifying fields of a request, for the lookup of its object.
const KEYS: &[&str] = &["uid", "name", "layer", "rule-number"];

/// The lookup that shows the object a refused call named: the command's
/// own `show-…` (`set-host` → `show-host`) with the request's identifying
/// fields, else `show-object` with a uid.
fn lookup(command: &str, request: Option<&Value>, error: &Error) -> Option<(String, Value, String)> {
    let request = request.and_then(Value::as_object);
    let keys: Map<String, Value> = request
        .into_iter()
        .flatten()
        .filter(|(key, value)| KEYS.contains(&key.as_str()) && (value.is_string() || value.is_number()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let named = keys.get("uid").or_else(|| keys.get("name")).and_then(Value::as_str).map(str::to_owned);
    let family = command.strip_prefix("set-").or_else(|| command.strip_prefix("delete-"));
    if let (Some(family), Some(named)) = (family, &named) {
        return Some((format!("show-{family}"), Value::Object(keys), named.clone()));
    }
    // Else a uid: the request's, or the one the message names in brackets
    // ("Object [<uid>] is locked").
    let uid = keys.get("uid").and_then(Value::as_str).map(str::to_owned).or_else(|| {
        let message = error.failure()?.message.as_deref()?;
        let start = message.find('[')? + 1;
        let end = start + message[start..].find(']')?;
        Some(message[start..end].to_owned()).filter(|uid| !uid.is_empty() && !uid.contains(' '))
    })?;
    Some(("show-object".to_owned(), serde_json::json!({"uid": uid, "details-level": "full"}), uid))
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl Session {
    /// `error` with the lock's holder, when it is a lock refusal and the
    /// server tells who holds it: one lookup of the object, then one of
    /// the holding session. A failed lookup leaves the error as it is: it
    /// must never hide the refusal.
    pub(crate) async fn explain_lock(&self, command: &str, request: Option<&Value>, error: Error) -> Error {
        if !is_lock(&error) {
            return error;
        }
        match self.lock_holder(command, request, &error).await {
            Some(holder) => Error::Locked { holder: Box::new(holder), source: Box::new(error) },
            None => error,
        }
    }

    async fn lock_holder(&self, command: &str, request: Option<&Value>, error: &Error) -> Option<LockHolder> {
        let (show, body, named) = lookup(command, request, error)?;
        // Through the client, not `Session::call_json`: a lookup refused
        // for a lock must not be explained in turn.
        let object = match self.client().call_json_at(&show, Some(self.sid()), self.version(), &body).await {
            Ok(object) => object,
            Err(lookup_error) => {
                tracing::debug!(%lookup_error, "cannot look up the locked object");
                return None;
            }
        };
        let meta = object.get("meta-info").cloned().unwrap_or_default();
        let mut holder = LockHolder {
            object: Some(named),
            session_uid: text(&meta, "locking-session-id"),
            user: text(&meta, "locking-admin"),
            ..LockHolder::default()
        };
        let Some(uid) = holder.session_uid.clone() else {
            // The lock's owner is unknown (an older server): nothing to add.
            return holder.user.is_some().then_some(holder);
        };
        let body = serde_json::json!({"uid": uid});
        match self.client().call_json_at("show-session", Some(self.sid()), self.version(), &body).await {
            Ok(session) => {
                let session: SessionObject = serde_json::from_value(session).unwrap_or_default();
                holder.session_name = session.name.filter(|n| !n.is_empty());
                holder.user = session.user_name.or(holder.user);
                holder.application = session.application;
                holder.logged_in_at = session.last_login_time.and_then(|t| t.iso_8601);
                holder.changes = session.changes;
                holder.locks = session.locks;
            }
            Err(lookup_error) => tracing::debug!(%lookup_error, "cannot look up the session holding the lock"),
        }
        Some(holder)
    }

    /// This administrator's other sessions opened through the API (as
    /// `show-sessions` lists them, `application` `WEB_API`): those a
    /// crashed script or a forgotten `Outcome::Keep` left behind with their
    /// changes and locks. The current session is never among them, nor are
    /// SmartConsole sessions, where someone may be at work.
    ///
    /// With `min_age`, only sessions that logged in at least that long ago
    /// (by `last-login-time`; a session whose login time the server does
    /// not give is left out).
    pub async fn stale_sessions(&self, min_age: Option<Duration>) -> Result<Vec<SessionObject>> {
        let me = self.show_session(ShowSession::new()).await?;
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let old_enough = |session: &SessionObject| match min_age {
            None => true,
            Some(age) => session
                .last_login_time
                .as_ref()
                .and_then(|t| t.posix)
                .is_some_and(|at| now_ms.saturating_sub(at) >= age.as_millis() as i64),
        };
        let mut stale = Vec::new();
        let mut listing = std::pin::pin!(self.pages(ShowSessions::new().details_level(DetailsLevel::Full)));
        while let Some(item) = listing.next().await {
            let ObjectOrId::Object(session) = item? else { continue };
            let mine = session.user_name.is_some() && session.user_name == me.user_name;
            let other = session.uid.is_some() && session.uid != me.uid;
            let api = session.application.as_deref() == Some("WEB_API");
            if mine && other && api && old_enough(&session) {
                stale.push(*session);
            }
        }
        Ok(stale)
    }

    /// Discards the changes of [`stale_sessions`](Session::stale_sessions)
    /// that hold changes or locks (`discard` with the session's `uid`),
    /// which releases their locks; answers the sessions discarded. The
    /// sessions stay open (they expire after their `session-timeout`):
    /// another process may still use one, and a discarded session only
    /// loses its unpublished work. Stops at the first failure.
    pub async fn discard_stale_sessions(&self, min_age: Option<Duration>) -> Result<Vec<SessionObject>> {
        let mut discarded = Vec::new();
        for session in self.stale_sessions(min_age).await? {
            // Unknown counts are discarded: the server did not say "none".
            if session.changes.unwrap_or(1) == 0 && session.locks.unwrap_or(1) == 0 {
                continue;
            }
            let Some(uid) = session.uid.clone() else { continue };
            tracing::info!(session = %uid, name = ?session.name, "discarding a stale session");
            self.discard(Discard::new().uid(uid)).await?;
            discarded.push(session);
        }
        Ok(discarded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_reads_as_a_sentence() {
        let holder = LockHolder {
            object: Some("web-01".to_owned()),
            session_uid: Some("u-1".to_owned()),
            session_name: Some("nightly sync".to_owned()),
            user: Some("admin".to_owned()),
            application: Some("WEB_API".to_owned()),
            changes: Some(2),
            ..LockHolder::default()
        };
        assert_eq!(
            holder.to_string(),
            "`web-01` is locked by session 'nightly sync' (uid u-1) of administrator 'admin' (WEB_API, 2 unpublished changes)"
        );
    }
}
