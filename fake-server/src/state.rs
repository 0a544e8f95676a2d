//! What the fake server remembers: sessions, scripted answers, faults,
//! collections, tasks, and what it received.

use crate::Options;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A scripted answer.
#[derive(Clone, Debug)]
pub enum Answer {
    /// HTTP 200 with this JSON body.
    Json(Value),
    /// A failure body with this status, error code and message.
    Failure {
        /// HTTP status.
        status: u16,
        /// Error code (`generic_err_object_not_found`).
        code: String,
        /// Message.
        message: String,
    },
}

/// A fault to inject.
#[derive(Clone, Debug)]
pub enum Fault {
    /// HTTP 429 with the failure code `err_too_many_requests`.
    RateLimited,
    /// HTTP 500 with an HTML page, as a proxy would send.
    HtmlError,
    /// HTTP 200 with JSON cut in the middle.
    TruncatedJson,
}

#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub uid: String,
    pub user: String,
    pub read_only: bool,
    pub domain: Option<String>,
    pub expired: bool,
    pub name: Option<String>,
}

#[derive(Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    scripted: HashMap<String, Answer>,
    faults: HashMap<String, VecDeque<Fault>>,
    delays: HashMap<String, Duration>,
    collections: HashMap<String, Vec<Value>>,
    calls: HashMap<String, usize>,
    paths: Vec<String>,
    tasks: HashMap<String, usize>,
    task_polls: Option<usize>,
    counter: u64,
}

pub(crate) struct State {
    pub options: Options,
    inner: Mutex<Inner>,
}

impl State {
    pub fn new(options: Options) -> State {
        let inner = Inner { task_polls: Some(1), ..Inner::default() };
        State { options, inner: Mutex::new(inner) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock leaves plain data.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A fresh identifier (session ids, uids, task ids).
    pub fn fresh(&self, prefix: &str) -> String {
        let mut inner = self.lock();
        inner.counter += 1;
        let n = inner.counter;
        let noise = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        format!("{prefix}-{n:04}-{noise:08x}")
    }

    pub fn script(&self, command: &str, answer: Answer) {
        self.lock().scripted.insert(command.to_owned(), answer);
    }

    pub fn scripted(&self, command: &str) -> Option<Answer> {
        self.lock().scripted.get(command).cloned()
    }

    pub fn fail(&self, command: &str, times: usize, fault: Fault) {
        self.lock().faults.entry(command.to_owned()).or_default().extend(std::iter::repeat_n(fault, times));
    }

    pub fn take_fault(&self, command: &str) -> Option<Fault> {
        self.lock().faults.get_mut(command).and_then(VecDeque::pop_front)
    }

    pub fn delay(&self, command: &str, delay: Duration) {
        self.lock().delays.insert(command.to_owned(), delay);
    }

    pub fn delay_of(&self, command: &str) -> Option<Duration> {
        self.lock().delays.get(command).copied()
    }

    pub fn collection(&self, command: &str, items: Vec<Value>) {
        self.lock().collections.insert(command.to_owned(), items);
    }

    pub fn page(&self, command: &str, offset: usize, limit: usize) -> Option<(Vec<Value>, usize)> {
        let inner = self.lock();
        let items = inner.collections.get(command)?;
        let page = items.iter().skip(offset).take(limit).cloned().collect();
        Some((page, items.len()))
    }

    pub fn task_polls(&self, polls: Option<usize>) {
        self.lock().task_polls = polls;
    }

    pub fn new_task(&self) -> String {
        let id = self.fresh("task");
        self.lock().tasks.insert(id.clone(), 0);
        id
    }

    /// Polls a task: `None` for an unknown task, else whether it is done.
    pub fn poll_task(&self, id: &str) -> Option<(bool, usize)> {
        let mut inner = self.lock();
        let limit = inner.task_polls;
        let polls = inner.tasks.get_mut(id)?;
        *polls += 1;
        let done = limit.is_some_and(|limit| *polls > limit);
        Some((done, *polls))
    }

    pub fn record(&self, command: &str, path: &str) {
        let mut inner = self.lock();
        *inner.calls.entry(command.to_owned()).or_default() += 1;
        inner.paths.push(path.to_owned());
    }

    pub fn calls(&self, command: &str) -> usize {
        self.lock().calls.get(command).copied().unwrap_or(0)
    }

    pub fn paths(&self) -> Vec<String> {
        self.lock().paths.clone()
    }

    pub fn open(&self, session: Session) -> String {
        let sid = self.fresh("sid");
        self.lock().sessions.insert(sid.clone(), session);
        sid
    }

    pub fn session(&self, sid: &str) -> Option<Session> {
        self.lock().sessions.get(sid).cloned()
    }

    pub fn close(&self, sid: &str) {
        self.lock().sessions.remove(sid);
    }

    pub fn open_sessions(&self) -> usize {
        self.lock().sessions.values().filter(|s| !s.expired).count()
    }

    pub fn expire_sessions(&self) {
        for session in self.lock().sessions.values_mut() {
            session.expired = true;
        }
    }
}
