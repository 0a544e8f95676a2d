//! A logged-in session: the only way to call commands that need one.

use super::client::{method_for, Client};
use super::error::{Error, Result};
use super::{Secret, SessionCommand, SessionGrant};
use std::fmt;
use std::sync::Arc;

/// A session of the management API, opened by `Client::login` (or
/// `Session::login_to_domain`). Every call sends its id in `X-chkp-sid`.
///
/// A session ends on the server when it times out, or when `logout` (or
/// `continue_session_in_smartconsole`) consumes it; dropping it does not log
/// out.
///
/// Cheap to clone and to share between tasks: clones share the client, the
/// id and the version.
#[derive(Clone)]
pub struct Session {
    client: Client,
    sid: Arc<Secret>,
    api_version: Option<Arc<str>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("base", &self.client.base_url())
            .field("sid", &self.sid)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl Session {
    pub(crate) fn from_grant(client: Client, command: &str, grant: &impl SessionGrant) -> Result<Session> {
        let sid = grant.sid().cloned().ok_or_else(|| Error::NoSession { command: command.to_owned() })?;
        Ok(Session { client, sid: Arc::new(sid), api_version: grant.api_server_version().map(Arc::from) })
    }

    /// A session from an id obtained elsewhere (another process's login).
    pub fn resume(client: Client, sid: Secret) -> Session {
        Session { client, sid: Arc::new(sid), api_version: None }
    }

    /// The session id; printing it shows `Secret(***)`.
    pub fn sid(&self) -> &Secret {
        &self.sid
    }

    /// The API version the server named at login.
    pub fn api_server_version(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// The client this session uses.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn version(&self) -> Option<&str> {
        self.client.version_for_session(self.api_version.as_deref())
    }

    /// Sends a command in this session.
    pub async fn send<C: SessionCommand>(&self, request: C) -> Result<C::Response> {
        self.send_with(method_for::<C>(), request).await
    }

    /// One typed call; a lock refusal is explained (see
    /// [`Error::Locked`]).
    async fn send_with<C: SessionCommand>(&self, method: &str, request: C) -> Result<C::Response> {
        match self.client.call(&request, method, Some(&self.sid), self.version()).await {
            Ok(response) => Ok(response),
            Err(error) => {
                let error = self.annotate(error);
                // The request is encoded again only on this path: the
                // lookup of a locked object needs its identifying fields.
                let body = serde_json::to_value(&request).ok();
                Err(self.explain_lock(C::NAME, body.as_ref(), error).await)
            }
        }
    }

    /// Adds what the session knows to an error: the server's version.
    pub(crate) fn annotate(&self, error: Error) -> Error {
        error.with_server_version(self.api_version.as_deref())
    }

    /// Sends a command with an HTTP method the caller chooses (for commands
    /// whose documentation leaves the method open).
    pub async fn send_with_method<C: SessionCommand>(
        &self,
        method: reqwest::Method,
        request: C,
    ) -> Result<C::Response> {
        self.send_with(method.as_str(), request).await
    }

    /// Sends a command whose answer opens another session
    /// (`login-to-domain`), and returns that session.
    ///
    /// On a Multi-Domain Server, `login_to_domain` from one session is how
    /// to work in many domains with one `login`: each domain is a call in
    /// that session, where a `login` per domain, in parallel, runs into the
    /// server's login throttle (3 logins per minute per administrator).
    pub async fn open_session<C: SessionCommand>(&self, request: C) -> Result<Session>
    where
        C::Response: SessionGrant,
    {
        let response = self.send(request).await?;
        Session::from_grant(self.client.clone(), C::NAME, &response)
    }

    /// Sends a command that ends the session (`logout`); the session is
    /// consumed whatever the outcome.
    pub async fn end<C: SessionCommand>(self, request: C) -> Result<C::Response> {
        self.send(request).await
    }

    /// Sends any command as raw JSON in this session: for commands or
    /// parameters this version does not know.
    pub async fn call_json(&self, command: &str, body: &serde_json::Value) -> Result<serde_json::Value> {
        // At the session's version, as typed calls are.
        match self.client.call_json_at(command, Some(&self.sid), self.version(), body).await {
            Ok(answer) => Ok(answer),
            Err(error) => Err(self.explain_lock(command, Some(body), self.annotate(error)).await),
        }
    }
}
