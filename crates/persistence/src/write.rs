//! The one write path. Every write of samverkan goes through [`execute`]: it opens a write
//! transaction (SQLite `BEGIN IMMEDIATE`, so a writer never reads a snapshot it cannot
//! write from; PostgreSQL `BEGIN`, then [`Tx::lock`] takes a transaction-scoped advisory
//! lock on the aggregate before anything of it is read), runs the command, appends one
//! audit event per aggregate it changed, and commits — or rolls everything back. A busy
//! database, a deadlock or a serialization failure is retried a bounded number of times.
//!
//! The audit log (`audit_events`) is append-only and doubles as the outbox of feeds and
//! webhooks: its `seq` is handed out under a lock held until commit, so sequence order is
//! commit order and a reader that keeps the last `seq` it saw never misses an event.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use crate::DbConnection;
use crate::schema::audit_events;

/// How many times a command is tried when the database is busy or a transaction lost a
/// race it can win by running again.
pub const MAX_ATTEMPTS: u32 = 4;

/// Who makes a write: the token's `sub` and role, or the command line / the demo seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub sub: String,
    pub role: String,
    /// The `jti` of the token the write was made with (none for the CLI and the seed).
    pub jti: Option<String>,
}

impl Actor {
    pub fn new(sub: impl Into<String>, role: impl Into<String>) -> Self {
        Self {
            sub: sub.into(),
            role: role.into(),
            jti: None,
        }
    }

    /// The actor of a request made with token `jti`.
    pub fn with_jti(self, jti: impl Into<String>) -> Self {
        Self {
            jti: Some(jti.into()),
            ..self
        }
    }

    /// A command run by an operator on the server (`samverkan …`).
    pub fn cli() -> Self {
        Self::new("cli", "cli")
    }

    /// The demo seed.
    pub fn seed() -> Self {
        Self::new("seed", "seed")
    }
}

/// Who writes and for which request.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub actor: Actor,
    /// The request id also sent as `X-Request-Id` and written to the log.
    pub request_id: Option<String>,
}

impl WriteContext {
    pub fn new(actor: Actor, request_id: Option<String>) -> Self {
        Self { actor, request_id }
    }
}

/// One aggregate a command changed.
#[derive(Debug, Clone)]
struct Change {
    aggregate_type: &'static str,
    aggregate_id: String,
    action: &'static str,
    change: serde_json::Value,
}

/// The open write transaction a command runs in. Derefs to the connection, so the
/// repositories take it as they are.
pub struct Tx<'a> {
    conn: &'a mut DbConnection,
    changes: Vec<Change>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        self.conn
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.conn
    }
}

impl Tx<'_> {
    /// Locks an aggregate until commit. Take it before reading the aggregate: two writers
    /// of one aggregate then run one after the other and each sees the other's result.
    /// PostgreSQL: `pg_advisory_xact_lock`; SQLite: the transaction already holds the
    /// database's write lock. The key comes from the aggregate's id type ([`Aggregate`]),
    /// never from a string a caller spells.
    pub fn lock<A: Aggregate + ?Sized>(&mut self, aggregate: &A) -> QueryResult<()> {
        self.lock_key(A::TYPE, &aggregate.lock_id())
    }

    fn lock_key(&mut self, aggregate_type: &str, aggregate_id: &str) -> QueryResult<()> {
        if let DbConnection::Pg(c) = &mut *self.conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(lock_key(aggregate_type, aggregate_id))
                .execute(c)?;
        }
        Ok(())
    }

    /// Records that this command changed `aggregate` ([`Tx::record`] under the
    /// aggregate's own name and id).
    pub fn changed<A: Aggregate + ?Sized>(
        &mut self,
        aggregate: &A,
        action: &'static str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) {
        self.record(A::TYPE, aggregate.lock_id(), action, before, after);
    }

    /// Records that this command changed an aggregate; appended to the audit log at
    /// commit. `before`/`after` are the aggregate's state (`None` when it did not exist
    /// or was removed).
    pub fn record(
        &mut self,
        aggregate_type: &'static str,
        aggregate_id: impl ToString,
        action: &'static str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) {
        let aggregate_id = aggregate_id.to_string();
        let change = serde_json::json!({ "before": before, "after": after });
        if let Some(prev) = self
            .changes
            .iter_mut()
            .find(|c| c.aggregate_type == aggregate_type && c.aggregate_id == aggregate_id)
        {
            // One event per aggregate and write: keep the first `before`, the last `after`.
            prev.change["after"] = change["after"].clone();
            return;
        }
        self.changes.push(Change {
            aggregate_type,
            aggregate_id,
            action,
            change,
        });
    }
}

/// What a write locks: an aggregate, named by its id type. Two writers of one
/// aggregate run one after the other ([`Tx::lock`]).
pub trait Aggregate {
    /// The aggregate's name in locks and in the audit log (`invoice`, `meeting` …).
    const TYPE: &'static str;
    /// The id within the type.
    fn lock_id(&self) -> String;
}

/// `Aggregate` for an id newtype whose `Display` is its id.
macro_rules! aggregate {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl Aggregate for $t {
            const TYPE: &'static str = $name;
            fn lock_id(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

aggregate! {
    samverkan_domain::invoice::InvoiceId => "invoice",
    samverkan_domain::ids::MeetingId => "meeting",
    samverkan_domain::ids::DecisionId => "decision",
    samverkan_domain::ids::ActivityId => "activity",
    samverkan_domain::ids::ProcurementId => "procurement",
    samverkan_domain::ids::ContractId => "contract",
    samverkan_domain::ids::CostStreamId => "cost_stream",
    samverkan_domain::ids::PersonId => "person",
    samverkan_domain::ScbCode => "municipality",
}

/// The gap-free number series of a year (`2021`): issuing takes its next number under
/// this lock, so numbers are unique and without gaps, and a rollback gives one back.
pub struct NumberSeries<'a>(pub &'a str);

impl Aggregate for NumberSeries<'_> {
    const TYPE: &'static str = "number_series";
    fn lock_id(&self) -> String {
        self.0.to_owned()
    }
}

/// An API token, by its `jti`: revoking it and stamping its use are serialised.
pub struct Token<'a>(pub &'a str);

impl Aggregate for Token<'_> {
    const TYPE: &'static str = "token";
    fn lock_id(&self) -> String {
        self.0.to_owned()
    }
}

/// A municipality's invoicing of one period: creating its invoices is serialised under
/// this lock, so each share of the period is billed once.
pub struct InvoicePeriod<'a> {
    pub scb_code: &'a str,
    pub period: &'a str,
}

impl Aggregate for InvoicePeriod<'_> {
    const TYPE: &'static str = "invoice_period";
    fn lock_id(&self) -> String {
        format!("{}:{}", self.scb_code, self.period)
    }
}

/// A stable 64-bit key for an aggregate's advisory lock (FNV-1a of `type:id`).
pub fn lock_key(aggregate_type: &str, aggregate_id: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in aggregate_type
        .bytes()
        .chain(std::iter::once(b':'))
        .chain(aggregate_id.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

/// The lock that orders audit appends (commit order = sequence order).
const AUDIT_LOCK: &str = "audit_events";

/// What a database error means for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Busy, deadlock, serialization failure: running the transaction again may succeed.
    Retryable,
    /// The connection is gone (server restarted, network): discard it; 503.
    ConnectionLost,
    /// Anything else: the statement's own fault.
    Other,
}

/// Classifies a database error.
pub fn classify(e: &DieselError) -> Fault {
    match e {
        DieselError::DatabaseError(kind, info) => {
            let msg = info.message().to_ascii_lowercase();
            match kind {
                DatabaseErrorKind::SerializationFailure => Fault::Retryable,
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                    Fault::ConnectionLost
                }
                _ if msg.contains("deadlock detected")
                    || msg.contains("database is locked")
                    || msg.contains("database table is locked") =>
                {
                    Fault::Retryable
                }
                _ if connection_message(&msg) => Fault::ConnectionLost,
                _ => Fault::Other,
            }
        }
        DieselError::BrokenTransactionManager => Fault::ConnectionLost,
        _ => Fault::Other,
    }
}

fn connection_message(msg: &str) -> bool {
    [
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "connection to server",
        "could not receive data",
        "could not send data",
        "the database system is shutting down",
        "the database system is starting up",
        "ssl connection has been closed",
    ]
    .iter()
    .any(|m| msg.contains(m))
}

/// Errors a command can fail with; the write path needs to know whether to retry.
pub trait WriteError: From<DieselError> {
    fn is_retryable(&self) -> bool;
}

impl WriteError for DieselError {
    fn is_retryable(&self) -> bool {
        classify(self) == Fault::Retryable
    }
}

/// Runs `command` as one write: lock, load, apply, save, audit, commit. See the module
/// documentation. `command` may run more than once (retries), so it must not have effects
/// outside the transaction.
pub fn execute<T, E, F>(conn: &mut DbConnection, ctx: &WriteContext, mut command: F) -> Result<T, E>
where
    E: WriteError,
    F: FnMut(&mut Tx<'_>) -> Result<T, E>,
{
    let mut attempt = 1;
    loop {
        match attempt_once(conn, ctx, &mut command) {
            Err(e) if e.is_retryable() && attempt < MAX_ATTEMPTS => {
                tracing::debug!(attempt, "write retried");
                std::thread::sleep(Duration::from_millis(10 * u64::from(attempt * attempt)));
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn begin(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c),
    }
}

fn attempt_once<T, E, F>(
    conn: &mut DbConnection,
    ctx: &WriteContext,
    command: &mut F,
) -> Result<T, E>
where
    E: WriteError,
    F: FnMut(&mut Tx<'_>) -> Result<T, E>,
{
    begin(conn)?;
    let mut tx = Tx {
        conn,
        changes: Vec::new(),
    };
    let result = command(&mut tx).and_then(|v| {
        let changes = std::mem::take(&mut tx.changes);
        append(&mut tx, ctx, &changes)?;
        Ok((v, changes))
    });
    match result {
        Ok((v, changes)) => {
            if let Err(e) =
                <DbConnection as Connection>::TransactionManager::commit_transaction(conn)
            {
                let _ =
                    <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
                return Err(e.into());
            }
            for c in &changes {
                tracing::info!(
                    actor = %ctx.actor.sub,
                    role = %ctx.actor.role,
                    request_id = ctx.request_id.as_deref().unwrap_or("-"),
                    aggregate = c.aggregate_type,
                    id = %c.aggregate_id,
                    action = c.action,
                    "write"
                );
            }
            Ok(v)
        }
        Err(e) => {
            let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewEvent<'a> {
    at: NaiveDateTime,
    actor_sub: &'a str,
    actor_role: &'a str,
    actor_jti: Option<&'a str>,
    request_id: Option<&'a str>,
    aggregate_type: &'a str,
    aggregate_id: &'a str,
    action: &'a str,
    change_json: String,
}

fn append(tx: &mut Tx<'_>, ctx: &WriteContext, changes: &[Change]) -> QueryResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    tx.lock_key(AUDIT_LOCK, "")?;
    let at = crate::now();
    for c in changes {
        diesel::insert_into(audit_events::table)
            .values(&NewEvent {
                at,
                actor_sub: &ctx.actor.sub,
                actor_role: &ctx.actor.role,
                actor_jti: ctx.actor.jti.as_deref(),
                request_id: ctx.request_id.as_deref(),
                aggregate_type: c.aggregate_type,
                aggregate_id: &c.aggregate_id,
                action: c.action,
                change_json: c.change.to_string(),
            })
            .execute(&mut **tx)?;
    }
    Ok(())
}

/// One event of the audit log as stored; read as [`AuditEventRow`].
#[doc(hidden)]
#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRecord {
    seq: i64,
    at: NaiveDateTime,
    actor_sub: String,
    actor_role: String,
    request_id: Option<String>,
    aggregate_type: String,
    aggregate_id: String,
    action: String,
    change_json: String,
    actor_jti: Option<String>,
}

/// One event of the audit log, its change parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEventRow {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_sub: String,
    pub actor_role: String,
    pub request_id: Option<String>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub action: String,
    /// `{"before": …, "after": …}`.
    pub change: serde_json::Value,
    /// The `jti` of the token the write was made with.
    pub actor_jti: Option<String>,
}

parsed_row!(AuditEventRow from AuditEventRecord by seq, "audit event", |r| {
    Ok(AuditEventRow {
        change: crate::stored("change_json", &r.change_json)?,
        seq: r.seq,
        at: r.at,
        actor_sub: r.actor_sub,
        actor_role: r.actor_role,
        request_id: r.request_id,
        aggregate_type: r.aggregate_type,
        aggregate_id: r.aggregate_id,
        action: r.action,
        actor_jti: r.actor_jti,
    })
});

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    pub actor: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub after_seq: Option<i64>,
    pub limit: i64,
}

/// The `seq` of the last audit event: the state of the database as every replica sees it
/// (sequence order is commit order, and every write appends an event). `None` before the
/// first write.
pub fn latest_seq(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    audit_events::table
        .select(diesel::dsl::max(audit_events::seq))
        .first(conn)
}

/// Events in sequence order.
pub fn list_audit(conn: &mut DbConnection, f: &AuditFilter) -> QueryResult<Vec<AuditEventRow>> {
    let mut q = audit_events::table
        .select(AuditEventRow::as_select())
        .order(audit_events::seq.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(t) = &f.aggregate_type {
        q = q.filter(audit_events::aggregate_type.eq(t.clone()));
    }
    if let Some(i) = &f.aggregate_id {
        q = q.filter(audit_events::aggregate_id.eq(i.clone()));
    }
    if let Some(a) = &f.actor {
        q = q.filter(audit_events::actor_sub.eq(a.clone()));
    }
    if let Some(s) = f.since {
        q = q.filter(audit_events::at.ge(s));
    }
    if let Some(a) = f.after_seq {
        q = q.filter(audit_events::seq.gt(a));
    }
    q.load(conn)
}

/// JSON of any serialisable state, for [`Tx::record`].
pub fn state<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_stable_and_distinct() {
        assert_eq!(lock_key("invoice", "1"), lock_key("invoice", "1"));
        assert_ne!(lock_key("invoice", "1"), lock_key("invoice", "2"));
        assert_ne!(lock_key("invoice", "12"), lock_key("invoice1", "2"));
    }
}
