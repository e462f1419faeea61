//! Runs blocking diesel work on actix's blocking thread pool, never on the async
//! executor threads.

use actix_web::web;
use samverkan_persistence::DbConnection;

use crate::AppState;
use crate::error::ApiError;

/// Checks a connection out of the pool and runs `f` on a blocking thread.
pub async fn run<F, T>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| ApiError::Unavailable(format!("no database connection available: {e}")))?;
        f(&mut conn)
    })
    .await
    .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
}

/// Like [`run`], inside one transaction: all of `f` is written or nothing.
pub async fn transaction<F, T>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(state, move |conn| {
        use diesel::Connection;
        conn.transaction(f)
    })
    .await
}
