//! Session ids: the time, what was practised, and a random suffix, so two sessions
//! started in the same second never share a file. An id is also a file stem, and only
//! a plain one is accepted: the id inside a file never chooses where anything is written.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::UtcTime;

/// Longest id accepted; file systems allow 255 bytes for a name with `.json`.
pub const MAX_ID_LEN: usize = 200;

/// 64 unpredictable bits: the std hasher's per-process random keys, the clock, the
/// process id and a counter. Not for secrets; for names that must not collide.
pub fn random_bits(salt: u32) -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(salt);
    hasher.write_u32(std::process::id());
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}

/// `20261122-073012-mock-openai-api-3f9c2a`: sortable by time, readable, unique.
///
/// The suffix starts at a random point per process and counts up from there, so ids
/// one process makes never repeat (until 16.7 million of them) and two processes
/// collide only by chance; the store retries a name that is already taken.
pub fn new_id(now: UtcTime, label: &str, question_id: &str) -> String {
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static MADE: AtomicU64 = AtomicU64::new(0);
    let start = *START.get_or_init(|| random_bits(0));
    let suffix = start.wrapping_add(MADE.fetch_add(1, Ordering::Relaxed)) & 0xff_ffff;
    let base = format!("{}-{label}-{question_id}", now.compact());
    let base: String = base.chars().take(MAX_ID_LEN - 7).collect();
    format!("{base}-{suffix:06x}")
}

/// Why `id` cannot name a file in the store, if it cannot.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("the id is empty".into());
    }
    if id.len() > MAX_ID_LEN {
        return Err(format!("the id is {} bytes long (at most {MAX_ID_LEN})", id.len()));
    }
    if id.starts_with('.') {
        return Err("the id starts with `.`".into());
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '+')))
    {
        return Err(format!(
            "the id contains {c:?}; an id may hold only letters, digits and - _ . +"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_made_in_the_same_second_differ_and_are_plain() {
        let now = UtcTime::from_unix(1_795_250_000);
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_id(now, "mock", "rag")).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| id.starts_with("20261121-083320-mock-rag-")));
        assert!(ids.iter().all(|id| check_id(id).is_ok()));
    }

    #[test]
    fn paths_and_odd_names_are_not_ids() {
        for bad in [
            "",
            "../../../../.config/victim",
            "a/b",
            "a\\b",
            ".hidden",
            "..",
            "x\u{1b}]0;t\u{7}",
            "a b",
            &"x".repeat(300),
        ] {
            assert!(check_id(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_id("20261121-083320-review-rag-2").is_ok());
    }
}
