//! What the fake server remembers: sessions, scripted answers, faults,
//! collections, tasks, and what it received.

use crate::quirks::Quirks;
use crate::store::Store;
use crate::Options;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

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
    /// Idle seconds before the session expires (`session-timeout`).
    pub timeout: Duration,
    /// The last request that used the session.
    pub last_seen: Instant,
}

/// A task the server started, and what its details say when it is done.
struct Task {
    polls: usize,
    /// Whether `show-task` already failed once for it (a quirk).
    failed_once: bool,
    details: Value,
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
    tasks: HashMap<String, Task>,
    store: Store,
    quirks: Quirks,
    task_polls: Option<usize>,
}

pub(crate) struct State {
    pub options: Options,
    inner: Mutex<Inner>,
    /// Numbers fresh identifiers; outside the lock so that code holding
    /// the store can make uids.
    counter: AtomicU64,
}

impl State {
    pub fn new(options: Options) -> State {
        let inner = Inner { task_polls: Some(1), ..Inner::default() };
        State { options, inner: Mutex::new(inner), counter: AtomicU64::new(0) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock leaves plain data.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A fresh identifier (session ids, uids, task ids).
    pub fn fresh(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
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
        // `statusCode` is a word, as in the reference's examples.
        self.new_task_with(serde_json::json!([{"statusCode": "succeeded", "statusDescription": "succeeded"}]))
    }

    /// A task whose `task-details` are `details` once it is done.
    pub fn new_task_with(&self, details: Value) -> String {
        let id = self.fresh("task");
        self.lock().tasks.insert(id.clone(), Task { polls: 0, failed_once: false, details });
        id
    }

    /// Polls a task: `None` for an unknown task, else whether it is done,
    /// the polls so far and its details.
    pub fn poll_task(&self, id: &str) -> Option<(bool, usize, Value)> {
        let mut inner = self.lock();
        let limit = inner.task_polls;
        let task = inner.tasks.get_mut(id)?;
        task.polls += 1;
        let done = limit.is_some_and(|limit| task.polls > limit);
        Some((done, task.polls, task.details.clone()))
    }

    /// Whether this `show-task` of `id` fails, as right after the call on
    /// real servers (once per task, when the quirk is on).
    pub fn task_not_ready(&self, id: &str) -> bool {
        let mut inner = self.lock();
        let on = inner.quirks.task_not_ready_at_first;
        match inner.tasks.get_mut(id) {
            Some(task) if on && !task.failed_once => {
                task.failed_once = true;
                true
            }
            _ => false,
        }
    }

    /// Runs `f` on the quirks switched on.
    pub fn quirks<R>(&self, f: impl FnOnce(&mut Quirks) -> R) -> R {
        f(&mut self.lock().quirks)
    }

    /// Runs `f` on the objects store.
    pub fn objects<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(&mut self.lock().store)
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

    /// The session of `sid`, now marked as used; it is expired when it
    /// was idle longer than its timeout.
    pub fn session(&self, sid: &str) -> Option<Session> {
        let mut inner = self.lock();
        let session = inner.sessions.get_mut(sid)?;
        let now = Instant::now();
        if now.duration_since(session.last_seen) > session.timeout {
            session.expired = true;
        }
        if !session.expired {
            session.last_seen = now;
        }
        Some(session.clone())
    }

    /// Ends the session of `sid`; its unpublished changes are dropped.
    pub fn close(&self, sid: &str) {
        let mut inner = self.lock();
        if let Some(session) = inner.sessions.remove(sid) {
            inner.store.discard(&session.uid);
        }
    }

    /// Every session, in uid order.
    pub fn sessions(&self) -> Vec<Session> {
        let mut sessions: Vec<Session> = self.lock().sessions.values().cloned().collect();
        sessions.sort_by(|a, b| a.uid.cmp(&b.uid));
        sessions
    }

    pub fn open_sessions(&self) -> usize {
        self.lock().sessions.values().filter(|s| !s.expired).count()
    }

    /// Makes every session's last use `idle` earlier, as if that much
    /// time had passed without a request.
    pub fn pass_time(&self, idle: Duration) {
        for session in self.lock().sessions.values_mut() {
            match session.last_seen.checked_sub(idle) {
                Some(earlier) => session.last_seen = earlier,
                // The clock cannot go back that far: the outcome is known.
                None => session.expired |= idle > session.timeout,
            }
        }
    }

    pub fn expire_sessions(&self) {
        for session in self.lock().sessions.values_mut() {
            session.expired = true;
        }
    }
}
