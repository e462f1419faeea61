//! A time limit and a cancel flag for the database work of one request.
//!
//! PostgreSQL enforces `statement_timeout` itself. SQLite has no such setting, so every
//! SQLite connection this process opens gets a progress handler (installed through
//! `sqlite3_auto_extension`, as diesel exposes no raw handle) that SQLite calls every
//! [`CHECK_EVERY`] virtual-machine steps; it interrupts the running statement
//! (`SQLITE_INTERRUPT`, "interrupted") once the [`Limit`] of the thread that runs it is
//! reached: its deadline has passed or its request was cancelled (the client is gone).
//! Work run outside [`within`] (migrations, the CLI) has no limit.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use libsqlite3_sys as ffi;

/// SQLite virtual-machine steps between two checks of the limit (a few microseconds of
/// work: an interrupted statement stops within a millisecond of its limit).
pub const CHECK_EVERY: c_int = 10_000;

/// When the work of one request must stop.
#[derive(Debug, Clone, Default)]
pub struct Limit {
    deadline: Option<Instant>,
    cancelled: Option<Arc<AtomicBool>>,
}

impl Limit {
    /// Stops `timeout` from now (`None`: no time limit).
    pub fn after(timeout: Option<Duration>) -> Self {
        Self {
            deadline: timeout.map(|t| Instant::now() + t),
            cancelled: None,
        }
    }

    /// Also stops once `flag` is set (by whoever knows the result is no longer wanted).
    pub fn or_when(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancelled = Some(flag);
        self
    }

    fn reached(&self) -> bool {
        self.cancelled
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Limit>> = const { RefCell::new(None) };
}

/// Runs `f` under `limit` on this thread: a SQLite statement that `f` runs is
/// interrupted when the limit is reached (PostgreSQL's own limit is `statement_timeout`).
pub fn within<T>(limit: Limit, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Limit>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|c| c.replace(Some(limit)));
    let _restore = Restore(previous);
    f()
}

/// True when an error is SQLite's answer to an interrupted statement.
pub fn is_interrupted(message: &str) -> bool {
    message == "interrupted"
}

/// The progress handler: non-zero interrupts the statement. Never panics (it runs
/// inside SQLite's C code).
unsafe extern "C" fn progress(_: *mut c_void) -> c_int {
    CURRENT
        .try_with(|c| {
            c.try_borrow()
                .map(|l| l.as_ref().is_some_and(Limit::reached))
                .unwrap_or(false)
        })
        .unwrap_or(false)
        .into()
}

/// Called by SQLite for every connection opened after [`install`].
unsafe extern "C" fn on_open(
    db: *mut ffi::sqlite3,
    _: *mut *mut c_char,
    _: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: SQLite passes the connection being opened; the handler takes no data.
    unsafe { ffi::sqlite3_progress_handler(db, CHECK_EVERY, Some(progress), std::ptr::null_mut()) };
    ffi::SQLITE_OK
}

/// Installs the progress handler on every SQLite connection opened from now on (once per
/// process).
pub(crate) fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: registers a function with the signature SQLite expects; it is never
        // unregistered, and SQLite serialises the registration.
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(on_open)) };
        if rc != ffi::SQLITE_OK {
            tracing::warn!(rc, "cannot install the SQLite statement time limit");
        }
    });
}
