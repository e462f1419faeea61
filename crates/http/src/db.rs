//! Runs blocking diesel work on actix's blocking thread pool, never on the async
//! executor threads.

use actix_web::web;
use samverkan_persistence::{DbConnection, Tx, WriteContext, write};

use crate::AppState;
use crate::error::ApiError;

/// Checks a connection out of the pool and runs `f` on a blocking thread. A connection
/// on which `f` found the server gone is discarded, so the pool recovers by itself.
pub async fn run<F, T>(state: &AppState, f: F) -> Result<T, ApiError>
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
        let r = f(&mut conn);
        if matches!(r, Err(ApiError::Unavailable(_))) {
            conn.mark_broken();
        }
        r
    })
    .await
    .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
}

/// Runs a command through the one write path ([`write::execute`]): one locked
/// transaction with its audit events, retried when the database was busy. The only way
/// a handler writes.
pub async fn write<F, T>(state: &AppState, ctx: WriteContext, f: F) -> Result<T, ApiError>
where
    F: FnMut(&mut Tx<'_>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(state, move |conn| write::execute(conn, &ctx, f)).await
}
