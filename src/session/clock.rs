//! Time, injected. The session core never reads a clock: callers pass `now` in
//! milliseconds from a `Clock`, so tests drive time by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub trait Clock: Send + Sync {
    /// Milliseconds on a monotonic scale; only differences matter.
    fn now_ms(&self) -> u64;
}

/// The real monotonic clock.
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    pub fn new() -> Self {
        Self { start: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// A clock tests move forward by hand.
#[derive(Clone, Default)]
pub struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    pub fn advance_ms(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn advance_secs(&self, secs: u64) {
        self.advance_ms(secs * 1000);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// `mm:ss`, or `h:mm:ss` past an hour.
pub fn format_ms(ms: u64) -> String {
    let secs = ms / 1000;
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

/// A budget or duration in words: "45 s", "7 min", "1 min 30 s" — never "0 min".
pub fn format_duration(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_words_and_never_say_zero_minutes() {
        assert_eq!(format_duration(30_000), "30 s");
        assert_eq!(format_duration(7 * 60_000), "7 min");
        assert_eq!(format_duration(93_400), "1 min 34 s");
        assert_eq!(format_duration(0), "0 s");
        assert_eq!(format_ms(3_723_000), "1:02:03");
    }
}
