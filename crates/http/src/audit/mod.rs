//! `/api/v1/audit`: the append-only audit log of every write, and `/api/v1/tokens`: the
//! issued tokens with their last use (admin). What the auditors of the members check.

use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use samverkan_persistence::write::{self, AuditEventRow, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AdminOnly, Authorized};
use crate::db;
use crate::pagination::{self};
use crate::route::State;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list_audit_events).service(list_tokens);
}

/// Kinds of aggregate a write changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AggregateType {
    Meeting,
    Decision,
    Activity,
    Procurement,
    Contract,
    Municipality,
    CostStream,
    Invoice,
    /// A person of the registry.
    Person,
    /// The demo seed (`samverkan seed`).
    Seed,
    /// A token revoked with `samverkan token revoke`.
    Token,
}

impl AggregateType {
    fn as_str(self) -> &'static str {
        match self {
            AggregateType::Meeting => "meeting",
            AggregateType::Decision => "decision",
            AggregateType::Activity => "activity",
            AggregateType::Procurement => "procurement",
            AggregateType::Contract => "contract",
            AggregateType::Municipality => "municipality",
            AggregateType::CostStream => "cost_stream",
            AggregateType::Invoice => "invoice",
            AggregateType::Person => "person",
            AggregateType::Seed => "seed",
            AggregateType::Token => "token",
        }
    }
}

/// One write to one aggregate.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "seq": 42,
    "at": "2021-12-21T10:31:00.000000Z",
    "actor": {"sub": "kansliet@lulea.se", "role": "treasurer", "jti": "0b6f3c5e-8f1a-4d2b-9c7e-5a4f3e2d1c0b"},
    "request_id": "4d3c1f0e-52a8-4c1f-9a57-0d2b8e0f4a11",
    "aggregate_type": "invoice",
    "aggregate_id": "7",
    "action": "record_payment",
    "change": {"before": {"paid_ore": 0}, "after": {"paid_ore": 100}}
}))]
pub struct AuditEvent {
    /// Position in the log: increasing in commit order, never reused. Keep the last one
    /// you read and continue with `after`.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: AuditActor,
    /// The request's `X-Request-Id`; null for the command line and the seed.
    pub request_id: Option<String>,
    /// What kind of aggregate.
    #[schema(value_type = AggregateType)]
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The operation, e.g. `create`, `update`, `approve`, `issue`, `record_payment`.
    pub action: String,
    /// The aggregate before and after the write, as the API shows it (`before` is null
    /// when the write created it).
    #[schema(value_type = Object)]
    pub change: serde_json::Value,
}

/// Who wrote: the token's `sub` and role, or `cli` / `seed`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActor {
    pub sub: String,
    pub role: String,
    /// The token the write was made with (see `GET /api/v1/tokens`); null for the command
    /// line, the seed and writes logged before tokens were recorded in the log.
    pub jti: Option<String>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(r: AuditEventRow) -> Self {
        AuditEvent {
            seq: r.seq,
            at: r.at.and_utc(),
            actor: AuditActor {
                sub: r.actor_sub,
                role: r.actor_role,
                jti: r.actor_jti,
            },
            request_id: r.request_id,
            aggregate_type: r.aggregate_type,
            aggregate_id: r.aggregate_id,
            action: r.action,
            change: r.change,
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListAuditQuery {
    /// Only events of this kind of aggregate.
    #[param(inline)]
    pub aggregate_type: Option<AggregateType>,
    /// Only events of aggregates with this id (of one kind with `aggregate_type`, else of
    /// every kind).
    pub aggregate_id: Option<String>,
    /// Only writes by this token `sub` (or `cli`, `seed`).
    pub actor: Option<String>,
    /// Only events at or after this UTC time (`2021-02-01T00:00:00Z`).
    pub since: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// The `seq` of the last event already read.
    pub after: Option<i64>,
}

operation! {
    /// List the audit log
    ///
    /// Every write of the API appends one event per aggregate it changed, in the same
    /// transaction as the change: who (token `sub` and role), when, which request, what and
    /// the state before and after. Ordered by `seq`; page with `after`. Admin only.
    list_audit_events: get "/audit", tag = "audit",
    security(("bearer" = [])), page of AuditEvent by ListAuditQuery as (q, limit), "A page of events", 400 "A query parameter is invalid";
    |_admin: Authorized<AdminOnly>, state: State| {
        let filter = AuditFilter {
            aggregate_type: q.aggregate_type.map(|t| t.as_str().to_owned()),
            aggregate_id: q.aggregate_id.clone(),
            actor: q.actor.clone(),
            since: q.since.map(|t| t.naive_utc()),
            after_seq: q.after,
            limit: limit + 1,
        };
        let rows = db::run(&state, move |conn| Ok(write::list_audit(conn, &filter)?)).await?;
        let page = pagination::Next::new("/api/v1/audit", limit)
            .with("aggregate_type", q.aggregate_type.map(|t| t.as_str()))
            .with("aggregate_id", q.aggregate_id.clone())
            .with("actor", q.actor.clone())
            .with_time("since", q.since)
            .page(rows, |e| e.seq.to_string(), AuditEvent::from);
        Ok(HttpResponse::Ok().json(page))
    }
}

/// A token's role.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleCode {
    Municipality,
    Secretary,
    Treasurer,
    Admin,
}

/// A token issued with `samverkan token issue` (the token itself is stored nowhere).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"jti": "0b6f4c1e-…", "sub": "ekonomi@boden.se", "role": "municipality",
    "municipality": "2582", "issued_at": "2021-02-01T08:00:00Z", "expires_at": "2021-05-02T08:00:00Z",
    "last_used_at": "2021-03-01T10:00:00Z", "revoked_at": null}))]
pub struct IssuedToken {
    pub jti: String,
    pub sub: String,
    #[schema(value_type = RoleCode)]
    pub role: String,
    pub municipality: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The last authenticated request, to the hour; null if never used.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListTokensQuery {
    /// Only tokens not used since this UTC time (never-used ones included): stale access.
    pub unused_since: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// The `jti` of the last token already read.
    pub after: Option<String>,
}

operation! {
    /// List issued tokens
    ///
    /// Every token `samverkan token issue` made: to whom, with which role and municipality,
    /// when it expires, when it was last used (to the hour) and whether it is revoked — so
    /// that access of staff who left can be found and revoked (`samverkan token revoke`).
    /// By jti; page with `after`. Admin only.
    list_tokens: get "/tokens", tag = "audit",
    security(("bearer" = [])), page of IssuedToken by ListTokensQuery as (q, limit), "A page of tokens", 400 "A query parameter is invalid";
    |_admin: Authorized<AdminOnly>, state: State| {
        let (unused, after) = (q.unused_since.map(|t| t.naive_utc()), q.after.clone());
        let rows = db::run(&state, move |conn| {
            Ok(samverkan_persistence::tokens::list(
                conn,
                unused,
                after.as_deref(),
                limit + 1,
            )?)
        })
        .await?;
        let page = pagination::Next::new("/api/v1/tokens", limit)
            .with_time("unused_since", q.unused_since)
            .page(
                rows,
                |r| r.token.jti.clone(),
                |r| IssuedToken {
                    jti: r.token.jti,
                    sub: r.token.sub,
                    role: r.token.role,
                    municipality: r.token.municipality,
                    issued_at: r.token.issued_at.and_utc(),
                    expires_at: r.token.expires_at.and_utc(),
                    last_used_at: r.token.last_used_at.map(|t| t.and_utc()),
                    revoked_at: r.revoked_at.map(|t| t.and_utc()),
                },
            );
        Ok(HttpResponse::Ok().json(page))
    }
}
