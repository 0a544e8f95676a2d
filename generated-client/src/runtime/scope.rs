//! Sessions that clean up: a scope that logs in, keeps the session alive
//! while the caller works, and ends it on every path with the outcome the
//! caller chose; and resuming a saved session id only after checking it.
//!
//! Sessions left open (with their locks and unpublished changes) are what
//! users of the SDKs report most; a scope makes leaving one behind take an
//! explicit [`Outcome::Keep`].

use super::error::{Error, Result};
use super::session::Session;
use super::tasks::{TaskOutcome, TaskWait};
use super::{Client, Secret};
use crate::types::{Discard, Keepalive, Login, Logout, Publish, ShowSession};
use std::future::Future;
use std::time::Duration;

/// How a scoped session ends when the work succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Publish the changes, wait for the publish task, log out.
    Publish,
    /// Discard the changes, log out.
    Discard,
    /// Log out and leave the changes in the session, whose uid the result
    /// names: another administrator (or SmartConsole) can take it over.
    Keep,
}

/// What a scope is called and how it is kept alive.
#[derive(Clone, Debug)]
#[must_use]
pub struct Scope {
    name: String,
    description: Option<String>,
    keepalive: Option<Duration>,
    publish_wait: TaskWait,
}

/// What a finished scope returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct Scoped<T> {
    /// What the work returned.
    pub value: T,
    /// The session's uid (as the login answered it): the handle of a kept
    /// session.
    pub session_uid: Option<String>,
    /// The publish tasks, for [`Outcome::Publish`].
    pub published: Vec<TaskOutcome>,
}

impl Scope {
    /// A session named `name` (`session-name`, shown in SmartConsole and in
    /// `show-sessions`).
    pub fn named(name: impl Into<String>) -> Scope {
        Scope { name: name.into(), description: None, keepalive: None, publish_wait: TaskWait::default() }
    }

    /// The `session-description`.
    pub fn description(mut self, description: impl Into<String>) -> Scope {
        self.description = Some(description.into());
        self
    }

    /// Sends `keepalive` this often while the work runs (default: half the
    /// `session-timeout` the login answered, so an idle stretch of the work
    /// never lets the session expire).
    pub fn keepalive_every(mut self, interval: Duration) -> Scope {
        self.keepalive = Some(interval);
        self
    }

    /// How long to wait for the publish task of [`Outcome::Publish`].
    pub fn publish_wait(mut self, wait: TaskWait) -> Scope {
        self.publish_wait = wait;
        self
    }

    /// Logs in with `login` (named by this scope), runs `work` with the
    /// session, and ends the session: with the [`Outcome`] `work` returns,
    /// or, when `work` fails, by discarding its changes. The session is
    /// logged out on every path; the work's error is the one returned.
    pub async fn run<T, F, Fut>(self, client: &Client, login: Login, work: F) -> Result<Scoped<T>>
    where
        F: FnOnce(Session) -> Fut,
        Fut: Future<Output = Result<(T, Outcome)>>,
    {
        let mut login = login.session_name(self.name.clone());
        if let Some(description) = &self.description {
            login = login.session_description(description.clone());
        }
        let answer = client.send(login).await?;
        let session_uid = answer.uid.clone();
        let session = Session::from_grant(client.clone(), "login", &answer)?;
        let every = self.keepalive.unwrap_or_else(|| {
            // At least a second: a tiny timeout would otherwise spin.
            Duration::from_secs(answer.session_timeout.map_or(600, |t| t.max(2) as u64) / 2)
        });

        let worked = keep_alive(&session, every, work(session.clone())).await;
        let ended = match &worked {
            Ok((_, Outcome::Publish)) => {
                session.send_and_wait(Publish::new(), self.publish_wait.clone()).await.map(|(_, tasks)| tasks)
            }
            Ok((_, Outcome::Keep)) => Ok(Vec::new()),
            Ok((_, Outcome::Discard)) | Err(_) => session.discard(Discard::new()).await.map(|_| Vec::new()),
        };
        // Log out even when ending failed: the session's lock on the
        // server's resources must not outlive the scope.
        let logged_out = session.logout(Logout::new()).await;
        let (value, _) = worked?;
        let published = ended?;
        logged_out?;
        Ok(Scoped { value, session_uid, published })
    }
}

/// Runs `work`, sending `keepalive` every `every` until it is done. A
/// failed keepalive is logged, not fatal: the work's own calls say more.
async fn keep_alive<T>(session: &Session, every: Duration, work: impl Future<Output = T>) -> T {
    let pings = async {
        loop {
            tokio::time::sleep(every).await;
            if let Err(error) = session.keepalive(Keepalive::new()).await {
                tracing::warn!(%error, "keepalive failed");
            }
        }
    };
    let work = std::pin::pin!(work);
    let pings = std::pin::pin!(pings);
    match futures_util::future::select(work, pings).await {
        futures_util::future::Either::Left((value, _)) => value,
        // The pings never end; only the work does.
        futures_util::future::Either::Right(((), work)) => work.await,
    }
}

impl Session {
    /// A session from a saved id, checked first with `show-session`; when
    /// the server no longer knows it (expired, logged out), logs in again
    /// with `login`.
    pub async fn resume_or_login(client: &Client, sid: Secret, login: Login) -> Result<Session> {
        let saved = Session::resume(client.clone(), sid);
        match saved.show_session(ShowSession::new()).await {
            Ok(_) => Ok(saved),
            Err(error) if is_gone(&error) => {
                tracing::debug!(%error, "the saved session is gone; logging in again");
                client.login(login).await
            }
            Err(error) => Err(error),
        }
    }
}

/// Whether an error says the session no longer exists.
fn is_gone(error: &Error) -> bool {
    error.status() == Some(401)
        || error
            .code()
            .is_some_and(|code| matches!(code.as_str(), "generic_err_session_expired" | "generic_err_wrong_session_id"))
}
