//! The last value a pane computed, kept with its key: a pane whose lines depend only on
//! some text and its width computes them again when those change, not on every clock tick.

use std::cell::RefCell;

pub struct Memo<K, V>(RefCell<Option<(K, V)>>);

impl<K: PartialEq, V: Clone> Memo<K, V> {
    pub const fn new() -> Self {
        Memo(RefCell::new(None))
    }

    /// The value kept for `key`, or `compute`'s, which is then kept.
    pub fn get_or(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let mut last = self.0.borrow_mut();
        if let Some((k, v)) = last.as_ref()
            && *k == key
        {
            return v.clone();
        }
        let value = compute();
        *last = Some((key, value.clone()));
        value
    }
}
