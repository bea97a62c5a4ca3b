//! The header values a policy renders from its own lists, kept once per
//! process so that answers copy them without touching a reference count.
//!
//! A `HeaderValue` built at run time shares its bytes through an atomic
//! reference count: every answer that carries a copy increments it, and
//! drops it again, which on a busy server costs more time than the
//! instruction count shows. A value made from `'static` bytes has no count.
//! No value can borrow from its policy for `'static` (an answer may outlive
//! the policy, across a reload), so the bytes are leaked instead: once per
//! distinct byte string, into a set that every policy of the process
//! shares. Building or reloading a policy with the same lists again finds
//! them there and keeps nothing more.
//!
//! What is kept is bounded, [`MAX_INTERNED_BYTES`] in all; past the bound,
//! and if the set's lock is poisoned, values are built reference-counted,
//! as correct as the others. Requests never take the lock: values are
//! rendered when a policy is built.

use std::collections::BTreeSet;
use std::sync::Mutex;

use bytes::Bytes;
use http::HeaderValue;

/// The most the process keeps, values and their places in the set
/// together: 64 KiB.
pub(crate) const MAX_INTERNED_BYTES: usize = 64 * 1024;

/// What each value costs beyond its bytes: its place in the set.
const ENTRY_BYTES: usize = std::mem::size_of::<&[u8]>();

/// The values kept for the process.
static INTERNED: Mutex<Interner> = Mutex::new(Interner::new(MAX_INTERNED_BYTES));

/// A set of leaked byte strings, each kept once, up to a bound.
#[derive(Debug)]
pub(crate) struct Interner {
    values: BTreeSet<&'static [u8]>,
    /// Bytes kept so far, each value counted with its place in the set.
    used: usize,
    max: usize,
}

impl Interner {
    pub(crate) const fn new(max: usize) -> Self {
        Interner {
            values: BTreeSet::new(),
            used: 0,
            max,
        }
    }

    /// `bytes`, kept for the process: the copy kept before if there is
    /// one, else a new one if it fits under the bound, else `None`.
    fn intern(&mut self, bytes: &[u8]) -> Option<&'static [u8]> {
        if let Some(kept) = self.values.get(bytes) {
            return Some(kept);
        }
        let used = self
            .used
            .checked_add(bytes.len())
            .and_then(|used| used.checked_add(ENTRY_BYTES))
            .filter(|&used| used <= self.max)?;
        let kept: &'static [u8] = Box::leak(bytes.into());
        self.values.insert(kept);
        self.used = used;
        #[cfg(test)]
        tests::KEPT_HERE.with(|kept| kept.set(kept.get() + 1));
        Some(kept)
    }
}

/// `value` with the same bytes, made from the process's copy of them (no
/// reference count), or `value` itself past the bound, its bytes made
/// shareable here so that no answer pays for that.
pub(crate) fn uncounted(value: HeaderValue) -> HeaderValue {
    uncounted_in(&INTERNED, value)
}

/// [`uncounted`], with the values kept in `interner`.
pub(crate) fn uncounted_in(interner: &Mutex<Interner>, value: HeaderValue) -> HeaderValue {
    let kept = match interner.lock() {
        Ok(mut interner) => interner.intern(value.as_bytes()),
        Err(_) => None,
    };
    // The bytes of a valid value make a valid value again.
    match kept.map(|bytes| HeaderValue::from_maybe_shared(Bytes::from_static(bytes))) {
        Some(Ok(kept)) => kept,
        _ => {
            // Bytes built at run time become shareable on their first
            // copy, which allocates: made here, not by the first answer.
            let _ = value.clone();
            value
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local! {
        /// How many values this thread has kept: tests run in parallel,
        /// and each counts what its own thread did.
        pub(crate) static KEPT_HERE: Cell<usize> = const { Cell::new(0) };
    }

    fn value(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    fn address(value: &HeaderValue) -> *const u8 {
        value.as_bytes().as_ptr()
    }

    #[test]
    fn the_same_bytes_give_the_same_address() {
        let interner = Mutex::new(Interner::new(1024));
        let first = uncounted_in(&interner, value("x-a,x-b"));
        let again = uncounted_in(&interner, value("x-a,x-b"));
        let other = uncounted_in(&interner, value("x-a,x-c"));
        assert_eq!([&first, &again, &other], ["x-a,x-b", "x-a,x-b", "x-a,x-c"]);
        assert_eq!(address(&first), address(&again));
        assert_ne!(address(&first), address(&other));
        // Copies share the kept bytes.
        assert_eq!(address(&first.clone()), address(&first));
        let used = 2 * ENTRY_BYTES + "x-a,x-b".len() + "x-a,x-c".len();
        assert_eq!(interner.lock().unwrap().used, used);
    }

    #[test]
    fn past_the_bound_values_are_built_and_correct() {
        // Room for one value of 8 bytes and its place in the set, exactly.
        let interner = Mutex::new(Interner::new(8 + ENTRY_BYTES));
        let kept = uncounted_in(&interner, value("x-aaaaa,"));
        assert_eq!(interner.lock().unwrap().used, 8 + ENTRY_BYTES);
        let over = uncounted_in(&interner, value("x-b"));
        let over_again = uncounted_in(&interner, value("x-b"));
        assert_eq!([&kept, &over, &over_again], ["x-aaaaa,", "x-b", "x-b"]);
        assert_ne!(address(&over), address(&over_again), "not kept");
        assert_eq!(interner.lock().unwrap().used, 8 + ENTRY_BYTES);
        // What was kept is still found.
        let kept_again = uncounted_in(&interner, value("x-aaaaa,"));
        assert_eq!(address(&kept), address(&kept_again));
        // A value larger than the whole bound is never kept.
        let huge = "x".repeat(1 << 20);
        let big = Mutex::new(Interner::new(MAX_INTERNED_BYTES));
        assert_eq!(uncounted_in(&big, value(&huge)), huge.as_str());
        assert_eq!(big.lock().unwrap().used, 0);
    }

    #[test]
    fn a_poisoned_lock_gives_a_counted_value() {
        let interner = Mutex::new(Interner::new(1024));
        let poisoned = std::panic::catch_unwind(|| {
            let _guard = interner.lock();
            panic!("poisons the lock");
        });
        assert!(poisoned.is_err() && interner.is_poisoned());
        let first = uncounted_in(&interner, value("x-a"));
        let again = uncounted_in(&interner, value("x-a"));
        assert_eq!([&first, &again], ["x-a", "x-a"]);
        assert_ne!(address(&first), address(&again));
    }
}
