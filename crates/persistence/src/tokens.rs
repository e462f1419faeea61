//! Tokens: the record of issued ones (with their last use) and the revocation list of
//! token ids (`jti`). The tokens themselves are never stored.

use diesel::prelude::*;

use crate::DbConnection;
use crate::schema::revoked_tokens;

/// Records a revoked jti through the write path (audited as `token` `revoke`); revoking
/// twice is not an error and records nothing.
pub fn revoke(
    conn: &mut DbConnection,
    ctx: &crate::WriteContext,
    jti: &str,
    reason: Option<&str>,
) -> QueryResult<bool> {
    crate::write::execute(conn, ctx, |tx| {
        tx.lock(&crate::write::Token(jti))?;
        if is_revoked(tx, jti)? {
            return Ok(false);
        }
        diesel::insert_into(revoked_tokens::table)
            .values((
                revoked_tokens::jti.eq(jti),
                revoked_tokens::revoked_at.eq(crate::now()),
                revoked_tokens::reason.eq(reason),
            ))
            .execute(&mut **tx)?;
        tx.changed(
            &crate::write::Token(jti),
            "revoke",
            None,
            Some(serde_json::json!({"jti": jti, "reason": reason})),
        );
        Ok(true)
    })
}

/// Whether a token may be used: the registry of issued tokens is the list of valid
/// tokens, less the revoked ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// Never issued against this database (forged with a leaked secret, or issued
    /// against another database sharing the secret).
    Unknown,
    Revoked,
    Valid,
}

/// The status of token `jti`, in one query.
pub fn status(conn: &mut DbConnection, jti: &str) -> QueryResult<TokenStatus> {
    let (issued, revoked): (bool, bool) = diesel::select((
        diesel::dsl::exists(issued_tokens::table.filter(issued_tokens::jti.eq(jti))),
        diesel::dsl::exists(revoked_tokens::table.filter(revoked_tokens::jti.eq(jti))),
    ))
    .get_result(conn)?;
    Ok(match (issued, revoked) {
        (_, true) => TokenStatus::Revoked,
        (false, false) => TokenStatus::Unknown,
        (true, false) => TokenStatus::Valid,
    })
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        revoked_tokens::table.filter(revoked_tokens::jti.eq(jti)),
    ))
    .get_result(conn)
}

use chrono::NaiveDateTime;

use crate::schema::issued_tokens;

/// An issued token as recorded (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = issued_tokens)]
pub struct IssuedToken {
    pub jti: String,
    pub sub: String,
    pub role: String,
    pub municipality: Option<String>,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

/// Records an issued token through the write path (audited as `token` `issue`).
pub fn record_issued(
    conn: &mut DbConnection,
    ctx: &crate::WriteContext,
    t: &IssuedToken,
) -> QueryResult<()> {
    crate::write::execute(conn, ctx, |tx| {
        tx.lock(&crate::write::Token(&t.jti))?;
        diesel::insert_into(issued_tokens::table)
            .values(t)
            .execute(&mut **tx)?;
        tx.changed(
            &crate::write::Token(&t.jti),
            "issue",
            None,
            crate::write::state(t),
        );
        Ok(())
    })
}

/// Stamps a token's last use when the stamp is older than `stale_before` (or absent): one
/// write per token and hour at most. A usage stamp, not a change of the record: no audit
/// event. Tokens not recorded (issued before recording began) are left alone.
pub fn touch(
    conn: &mut DbConnection,
    jti: &str,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        issued_tokens::table
            .filter(issued_tokens::jti.eq(jti))
            .filter(
                issued_tokens::last_used_at
                    .is_null()
                    .or(issued_tokens::last_used_at.lt(stale_before)),
            ),
    )
    .set(issued_tokens::last_used_at.eq(now))
    .execute(conn)
    .map(|_| ())
}

/// A recorded token with its revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub token: IssuedToken,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Recorded tokens by jti, after `after`, at most `limit`; `unused_since`: only those not
/// used since that time (never used counts as not used).
pub fn list(
    conn: &mut DbConnection,
    unused_since: Option<NaiveDateTime>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TokenRecord>> {
    let mut q = issued_tokens::table
        .left_join(revoked_tokens::table.on(revoked_tokens::jti.eq(issued_tokens::jti)))
        .select((
            IssuedToken::as_select(),
            revoked_tokens::revoked_at.nullable(),
        ))
        .order(issued_tokens::jti.asc())
        .limit(limit)
        .into_boxed();
    if let Some(t) = unused_since {
        q = q.filter(
            issued_tokens::last_used_at
                .is_null()
                .or(issued_tokens::last_used_at.lt(t)),
        );
    }
    if let Some(a) = after {
        q = q.filter(issued_tokens::jti.gt(a.to_owned()));
    }
    Ok(q.load::<(IssuedToken, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(token, revoked_at)| TokenRecord { token, revoked_at })
        .collect())
}
