//! `Idempotency-Key` records that hold across replicas: a key is claimed first (an
//! insert that only one caller can win), bound to the caller and a fingerprint of the
//! request, and completed with the response in the same transaction as the write.

use chrono::TimeDelta;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::DbConnection;
use crate::schema::idempotency_keys as k;

/// A completed key is replayed for this long, then forgotten.
pub const RETENTION_HOURS: i64 = 24;
/// A claim that was never completed (its process died mid-request) may be taken over
/// after this long, well within a client's usual retries. Taking over early is safe: the
/// write that completes the key first wins, and the other's `complete` finds the claim
/// gone or completed and rolls its write back, so the effect happens exactly once.
pub const ABANDONED_AFTER_SECONDS: i64 = 5;

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The caller owns the key now: do the work, then [`complete`] (or [`release`]).
    Claimed,
    /// The key was completed before: answer exactly this.
    Replay { status: i32, body: String },
    /// Another request with this key is still running.
    InFlight,
    /// The key was used with a different request.
    Mismatch,
}

#[derive(Queryable)]
struct Existing {
    request_hash: String,
    state: String,
    status: Option<i32>,
    body: Option<String>,
}

type KeyFilter<'a> = diesel::dsl::And<
    diesel::dsl::And<diesel::dsl::Eq<k::caller, &'a str>, diesel::dsl::Eq<k::scope, &'a str>>,
    diesel::dsl::Eq<k::idem_key, &'a str>,
>;

fn key_filter<'a>(caller: &'a str, scope: &'a str, key: &'a str) -> KeyFilter<'a> {
    k::caller
        .eq(caller)
        .and(k::scope.eq(scope))
        .and(k::idem_key.eq(key))
}

/// Claims `key` of `caller` for the request `scope` with fingerprint `hash`.
pub fn claim(
    conn: &mut DbConnection,
    caller: &str,
    scope: &str,
    key: &str,
    hash: &str,
) -> QueryResult<Claim> {
    let now = crate::now();
    // Forget expired keys (all of them: cheap with the index) and this key's abandoned claim.
    diesel::delete(k::table.filter(k::created_at.lt(now - TimeDelta::hours(RETENTION_HOURS))))
        .execute(conn)?;
    diesel::delete(
        k::table
            .filter(key_filter(caller, scope, key))
            .filter(k::state.eq("in_flight"))
            .filter(k::created_at.lt(now - TimeDelta::seconds(ABANDONED_AFTER_SECONDS))),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(k::table)
        .values((
            k::caller.eq(caller),
            k::scope.eq(scope),
            k::idem_key.eq(key),
            k::request_hash.eq(hash),
            k::state.eq("in_flight"),
            k::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => return Ok(Claim::Claimed),
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
        Err(e) => return Err(e),
    }
    let Some(prev) = k::table
        .filter(key_filter(caller, scope, key))
        .select((k::request_hash, k::state, k::status, k::body))
        .first::<Existing>(conn)
        .optional()?
    else {
        // Completed and expired between our insert and this read: the caller may retry.
        return Ok(Claim::InFlight);
    };
    Ok(if prev.request_hash != hash {
        Claim::Mismatch
    } else if prev.state == "completed" {
        Claim::Replay {
            status: prev.status.unwrap_or(200),
            body: prev.body.unwrap_or_default(),
        }
    } else {
        Claim::InFlight
    })
}

/// Stores the response of a claimed key; call it inside the write's transaction so the
/// effect and the record commit together. False if the claim was lost.
pub fn complete(
    conn: &mut DbConnection,
    caller: &str,
    scope: &str,
    key: &str,
    status: i32,
    body: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        k::table
            .filter(key_filter(caller, scope, key))
            .filter(k::state.eq("in_flight")),
    )
    .set((
        k::state.eq("completed"),
        k::status.eq(Some(status)),
        k::body.eq(Some(body)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives a claim back after the request failed: a retry runs the request again.
pub fn release(conn: &mut DbConnection, caller: &str, scope: &str, key: &str) -> QueryResult<()> {
    diesel::delete(
        k::table
            .filter(key_filter(caller, scope, key))
            .filter(k::state.eq("in_flight")),
    )
    .execute(conn)
    .map(|_| ())
}
