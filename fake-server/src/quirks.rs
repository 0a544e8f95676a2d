//! Behaviours of real servers that clients must survive, switched on by a
//! test when it wants them (see `api-behaviour.md` of the project).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// A real server's behaviour, on demand.
#[derive(Clone, Debug, PartialEq)]
pub enum Quirk {
    /// At most this many logins per administrator per minute; more get
    /// 429 `err_too_many_requests` (real servers allow 3 since R81).
    LoginThrottle(usize),
    /// As [`Quirk::LoginThrottle`], with a window of this length instead
    /// of a minute: for tests of clients that wait the window out.
    LoginThrottleWithin(usize, Duration),
    /// The client's address is not among the API server's allowed
    /// clients: every request gets the HTML 403 page.
    ClientNotAllowed,
    /// `show-task` fails once for each new task, right after the call
    /// that started it.
    TaskNotReadyAtFirst,
    /// Every answer comes only after this long.
    SlowAnswers(Duration),
    /// Answers of this command stop in the middle: the connection drops.
    DropConnection(String),
    /// Objects with equal names come in another order on every list
    /// request, so that paging repeats one and misses another.
    EqualNamesSwap,
}

/// The quirks switched on, and what they need to remember.
#[derive(Default, Debug)]
pub(crate) struct Quirks {
    login_limit: Option<usize>,
    /// The throttle's window; a minute when `None`, as on real servers.
    login_window: Option<Duration>,
    logins: HashMap<String, VecDeque<Instant>>,
    pub client_not_allowed: bool,
    pub task_not_ready_at_first: bool,
    pub slow: Option<Duration>,
    pub drop_connection: Vec<String>,
    pub equal_names_swap: bool,
    /// Counts list requests, to alternate the order of equal names.
    list_requests: u64,
}

impl Quirks {
    pub fn switch_on(&mut self, quirk: Quirk) {
        match quirk {
            Quirk::LoginThrottle(limit) => self.login_limit = Some(limit),
            Quirk::LoginThrottleWithin(limit, window) => {
                self.login_limit = Some(limit);
                self.login_window = Some(window);
            }
            Quirk::ClientNotAllowed => self.client_not_allowed = true,
            Quirk::TaskNotReadyAtFirst => self.task_not_ready_at_first = true,
            Quirk::SlowAnswers(delay) => self.slow = Some(delay),
            Quirk::DropConnection(command) => self.drop_connection.push(command),
            Quirk::EqualNamesSwap => self.equal_names_swap = true,
        }
    }

    /// Records a login of `user`; `false` when it is one too many this
    /// minute.
    pub fn login_allowed(&mut self, user: &str) -> bool {
        let Some(limit) = self.login_limit else { return true };
        let now = Instant::now();
        let window = self.login_window.unwrap_or(Duration::from_secs(60));
        let recent = self.logins.entry(user.to_owned()).or_default();
        while recent.front().is_some_and(|t| now.duration_since(*t) >= window) {
            recent.pop_front();
        }
        if recent.len() >= limit {
            return false;
        }
        recent.push_back(now);
        true
    }

    /// Whether this list request puts equal names in reverse uid order.
    pub fn equal_names_reversed(&mut self) -> bool {
        if !self.equal_names_swap {
            return false;
        }
        self.list_requests += 1;
        self.list_requests % 2 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_throttle_counts_per_user() {
        let mut quirks = Quirks::default();
        assert!((0..10).all(|_| quirks.login_allowed("admin")), "no throttle unless asked");
        quirks.switch_on(Quirk::LoginThrottle(3));
        quirks.logins.clear();
        assert!((0..3).all(|_| quirks.login_allowed("admin")));
        assert!(!quirks.login_allowed("admin"));
        assert!(quirks.login_allowed("other"));
    }
}
