//! The revocation list of token ids (`jti`).

use diesel::prelude::*;

use crate::DbConnection;
use crate::schema::revoked_tokens;

/// Records a revoked jti; revoking twice is not an error.
pub fn revoke(conn: &mut DbConnection, jti: &str, reason: Option<&str>) -> QueryResult<bool> {
    if is_revoked(conn, jti)? {
        return Ok(false);
    }
    diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::jti.eq(jti),
            revoked_tokens::revoked_at.eq(crate::now()),
            revoked_tokens::reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        revoked_tokens::table.filter(revoked_tokens::jti.eq(jti)),
    ))
    .get_result(conn)
}
