//! The revocation list of token ids (`jti`).

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
        tx.lock("token", jti)?;
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
        tx.record(
            "token",
            jti,
            "revoke",
            None,
            Some(serde_json::json!({"jti": jti, "reason": reason})),
        );
        Ok(true)
    })
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        revoked_tokens::table.filter(revoked_tokens::jti.eq(jti)),
    ))
    .get_result(conn)
}
