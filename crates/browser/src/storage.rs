//! `localStorage` with a memory fallback: where storage is disabled, full or refuses a write,
//! values are kept in memory for the page's life, and the caller is told the first time so it
//! can say once what that means for its data.

use std::cell::{Cell, RefCell};

thread_local! {
    /// Values storage refused, by key. Read before storage, so they win.
    static MEMORY: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
    /// Whether any value had to be kept in memory yet.
    static FELL_BACK: Cell<bool> = const { Cell::new(false) };
}

fn local() -> Option<web_sys::Storage> {
    crate::js::global("localStorage")
}

/// How a [`store`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Stored {
    /// In `localStorage`.
    Durably,
    /// In memory, for this page only; `first` on the first time on this page.
    InMemory {
        /// True the first time any value went to memory on this page.
        first: bool,
    },
}

/// The value under `key`: from memory when storage refused it, else from storage.
pub fn load(key: &str) -> Option<String> {
    MEMORY
        .with_borrow(|m| m.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
        .or_else(|| local()?.get_item(key).ok().flatten())
}

/// Stores `value` under `key`: in `localStorage`, or in memory when it refuses.
pub fn store(key: &str, value: &str) -> Stored {
    let durable = MEMORY.with_borrow(|m| !m.iter().any(|(k, _)| k == key))
        && local().is_some_and(|s| s.set_item(key, value).is_ok());
    if durable {
        return Stored::Durably;
    }
    // Once a key lives in memory it stays there, so a later write cannot leave an older value
    // in storage to be read on the next page as if it were current.
    MEMORY.with_borrow_mut(|m| match m.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value.to_owned(),
        None => m.push((key.to_owned(), value.to_owned())),
    });
    Stored::InMemory {
        first: !FELL_BACK.replace(true),
    }
}

/// The keys in `localStorage` (none when it is disabled).
pub fn keys() -> Vec<String> {
    let Some(s) = local() else {
        return Vec::new();
    };
    let n = s.length().unwrap_or(0);
    (0..n).filter_map(|i| s.key(i).ok().flatten()).collect()
}
