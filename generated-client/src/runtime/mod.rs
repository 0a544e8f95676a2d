//! The hand-written runtime the generated code calls: HTTP, TLS, sessions,
//! errors, retries, paging and tasks.

mod client;
pub(crate) mod codegen;
mod command;
mod diagnose;
mod error;
mod gate;
mod locks;
mod login;
mod paging;
#[cfg(feature = "registry")]
pub mod registry;
mod retry;
mod rulebase;
mod scope;
mod secret;
mod session;
mod tasks;
mod tls;
mod transport;
mod wire;

pub use client::{ApiVersion, Client, ClientBuilder};
pub use command::{Command, HasTasks, Lifecycle, Page, Paginated, SessionCommand, SessionGrant};
pub use error::{Error, Result};
pub use gate::{DEFAULT_LOGIN_DEADLINE, DEFAULT_LOGIN_THROTTLE_WAIT};
pub use locks::LockHolder;
pub use paging::{DEFAULT_PAGES_IN_FLIGHT, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use retry::RetryPolicy;
pub use rulebase::{
    LayerRef, ObjectsDictionary, Rulebase, RulebaseEntry, RulebaseReader, RulebaseRule, SectionRef, WholeRulebase,
};
pub use scope::{Outcome, Scope, Scoped};
pub use secret::Secret;
pub use session::Session;
pub use tasks::{ProgressFn, TaskOutcome, TaskPolicy, TaskProgress, TaskStatus, TaskWait, SHOW_TASK_RETRIES};
pub use tls::fingerprint;
pub use transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
pub use wire::{Edit, ObjectOrId, OneOrMany};
