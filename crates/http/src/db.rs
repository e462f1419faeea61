//! Runs blocking diesel work on actix's blocking thread pool, never on the async
//! executor threads.

use actix_web::web;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use samverkan_persistence::interrupt::{self, Limit};
use samverkan_persistence::{DbConnection, Tx, WriteContext, write};

use crate::AppState;
use crate::error::ApiError;

/// Checks a connection out of the pool and runs `f` on a blocking thread, within the
/// pool's statement time limit. A read stops as soon as its request is dropped (the
/// client is gone), on SQLite at once, on PostgreSQL at its statement time limit; a write
/// runs to its end. A connection on which `f` found the server gone is discarded, so the
/// pool recovers by itself.
pub async fn run<F, T>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    /// Sets the flag when the request's future is dropped, finished or not.
    struct CancelOnDrop(Arc<AtomicBool>);
    impl Drop for CancelOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let gone = Arc::new(AtomicBool::new(false));
    let _cancel = CancelOnDrop(gone.clone());
    run_limited(state, Some(gone), f).await
}

async fn run_limited<F, T>(
    state: &AppState,
    cancel: Option<Arc<AtomicBool>>,
    f: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let asked = std::time::Instant::now();
        let conn = pool.get();
        crate::ops::pool_checkout(asked.elapsed(), conn.is_ok());
        let mut conn = conn
            .map_err(|e| ApiError::Unavailable(format!("no database connection available: {e}")))?;
        let mut limit = Limit::after(conn.statement_timeout());
        if let Some(flag) = cancel {
            limit = limit.or_when(flag);
        }
        let r = interrupt::within(limit, || f(&mut conn));
        if matches!(r, Err(ApiError::Unavailable(_))) {
            conn.mark_broken();
        }
        r
    })
    .await
    .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
}

/// How many expensive reads may run at once on a pool of `max_size` connections: a
/// quarter of it, at least one, so that other reads, writes and health checks always
/// find a connection.
pub fn expensive_share(max_size: u32) -> u32 {
    (max_size / 4).max(1)
}

/// [`run`] for an expensive read (a full-text search): when its share of the pool is
/// taken, 503 at once (with Retry-After) instead of waiting for a connection that
/// cheaper requests need.
pub async fn run_expensive<F, T>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    use std::sync::atomic::Ordering;
    struct Slot(std::sync::Arc<std::sync::atomic::AtomicU32>);
    impl Drop for Slot {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::AcqRel);
        }
    }
    let share = expensive_share(state.pool.max_size());
    let running = state.expensive.fetch_add(1, Ordering::AcqRel);
    let _slot = Slot(state.expensive.clone());
    if running >= share {
        return Err(ApiError::Unavailable(format!(
            "{share} searches are running, the most this server runs at once: try again shortly"
        )));
    }
    run(state, f).await
}

/// Runs a command through the one write path ([`write::execute`]): one locked
/// transaction with its audit events, retried when the database was busy. The way a
/// handler writes; the only writes besides are the ones `tests/api/layers.rs` lists with
/// why (an Idempotency-Key's claim and release around the command, a token's use stamp).
pub async fn write<F, T>(state: &AppState, ctx: WriteContext, f: F) -> Result<T, ApiError>
where
    F: FnMut(&mut Tx<'_>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run_limited(state, None, move |conn| write::execute(conn, &ctx, f)).await
}
