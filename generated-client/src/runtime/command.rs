//! What the generated code implements: one type per command.

use super::Secret;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An API command: its request body type names it, and names its answer.
///
/// Implemented by the generated request structs (`AddHost`, `ShowHosts`, …).
pub trait Command: Serialize + Send + Sync + 'static {
    /// The command name, the last segment of the URL (`add-host`).
    const NAME: &'static str;
    /// The HTTP method; `None` where the documentation leaves it to the
    /// caller (the generated method then takes one).
    const HTTP_METHOD: Option<&'static str> = Some("POST");
    /// Whether requests carry the session id (all commands but `login`).
    const NEEDS_SESSION: bool = true;
    /// What the command does to the session.
    const LIFECYCLE: Lifecycle = Lifecycle::Call;
    /// The success answer.
    type Response: DeserializeOwned + Send + 'static;
}

/// What a command does to the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Nothing: an ordinary call.
    Call,
    /// Its answer carries a new session id (`login`, `login-to-domain`).
    Opens,
    /// The session ends (`logout`, `continue-session-in-smartconsole`).
    Ends,
}

/// A command that needs a session: its methods exist only on `Session`.
pub trait SessionCommand: Command {}

/// A response that opens a session (`login`, `login-to-domain`).
pub trait SessionGrant {
    /// The new session id.
    fn sid(&self) -> Option<&Secret>;
    /// The server's API version, when it says.
    fn api_server_version(&self) -> Option<&str>;
}

/// A response that names asynchronous tasks (`publish`, `install-policy`).
pub trait HasTasks {
    /// The ids of the tasks, to wait for with `Session::wait_for_tasks`.
    fn task_ids(&self) -> Vec<String>;
}

/// One page of a paging `show-*` command.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// Number of the first item of the page (1-based), as the server says.
    pub from: Option<i64>,
    /// Number of the last item of the page.
    pub to: Option<i64>,
    /// Number of items of the whole query.
    pub total: Option<i64>,
    /// The items.
    pub items: Vec<T>,
}

/// A `show-*` command that pages with `limit` and `offset`.
pub trait Paginated: SessionCommand + Clone {
    /// The type of one item.
    type Item: Send + 'static;
    /// The request's `(offset, limit)`.
    fn window(&self) -> (Option<i64>, Option<i64>);
    /// Sets the request's `offset` and `limit`.
    fn set_window(&mut self, offset: i64, limit: i64);
    /// The page a response holds.
    fn into_page(response: Self::Response) -> Page<Self::Item>;
}
