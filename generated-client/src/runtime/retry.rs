//! Retries of rate-limited calls.
//!
//! Only answers that say "too many requests" (HTTP 429 or the error code
//! `err_too_many_requests`) are retried: the server did not act on them. A
//! timeout or a dropped connection is never retried, since the server may
//! have acted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Bounded exponential backoff with full jitter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: u32,
    /// The first backoff's upper bound.
    pub base_delay: Duration,
    /// No backoff is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 4, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(16) }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// The wait before retry number `attempt` (1 after the first attempt),
    /// or `None` when the retries are used up: a random duration up to
    /// `base_delay * 2^(attempt-1)`, capped at `max_delay`.
    pub fn delay(&self, attempt: u32) -> Option<Duration> {
        if attempt > self.max_retries {
            return None;
        }
        let exp = attempt.saturating_sub(1).min(20);
        let ceiling = self.base_delay.saturating_mul(1 << exp).min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Some(Duration::from_nanos(if nanos == 0 { 0 } else { jitter() % (nanos + 1) }))
    }
}

/// A cheap random number: jitter only needs to spread clients apart.
fn jitter() -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_bounded_and_stop() {
        let policy = RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
        };
        for attempt in 1..=3 {
            let d = policy.delay(attempt).unwrap();
            let cap = Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_millis(250));
            assert!(d <= cap, "{d:?} > {cap:?}");
        }
        assert_eq!(policy.delay(4), None);
        assert_eq!(RetryPolicy::none().delay(1), None);
    }
}
