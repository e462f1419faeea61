use chrono::NaiveDate;
use samverkan_domain::registry::{Office, SeatRole};
use samverkan_persistence::registry::MemberRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::municipalities::json::double_option;

/// A seat held by a person on the committee for a period. A person who changes seat or
/// office has one entry per period, so history is kept.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "name": "Carina Sammeli", "person_id": 3, "party": "S", "scb_code": "2580",
    "role": "member", "office": "chair", "term_from": "2021-09-17", "term_to": "2022-12-31",
    "source": "protocol 2021-09-17 § 28",
    "created_at": "2021-09-17T12:00:00Z", "updated_at": "2021-09-17T12:00:00Z"
}))]
pub struct Member {
    pub id: i64,
    pub name: String,
    /// The person holding the seat (`/api/v1/persons/{id}`); null for a seat not linked
    /// to one.
    pub person_id: Option<i64>,
    /// Party abbreviation (S, C, M, MP, KD, V, FS, SJVP …).
    pub party: String,
    /// The municipality the seat represents.
    pub scb_code: String,
    pub role: SeatRole,
    pub office: Office,
    pub term_from: NaiveDate,
    /// Null while serving.
    pub term_to: Option<NaiveDate>,
    /// Where the record comes from (protocol and paragraph).
    pub source: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the entry last changed: the watermark of `modified_since`.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<MemberRow> for Member {
    fn from(m: MemberRow) -> Self {
        Member {
            id: m.id,
            name: m.name,
            person_id: m.person_id,
            party: m.party,
            scb_code: m.scb_code.to_string(),
            role: m.seat_role,
            office: m.office,
            term_from: m.term_from,
            term_to: m.term_to,
            source: m.source,
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMembersQuery {
    /// SCB code of the municipality the seat represents.
    #[param(example = "2580", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")]
    pub municipality: Option<String>,
    /// Only the seats of this person.
    #[param(minimum = 1)]
    pub person: Option<i64>,
    #[param(inline)]
    pub role: Option<SeatRole>,
    #[param(inline)]
    pub office: Option<Office>,
    /// Only seats held on this date.
    #[param(example = "2021-01-28")]
    pub active_on: Option<NaiveDate>,
    /// Only seats changed after this instant (exclusive), oldest change first; RFC 3339
    /// with `Z` or an offset. Follow `next` to the end and keep the largest `updated_at`
    /// for the next sync.
    pub modified_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    #[param(pattern = "^u_[0-9]{1,17}_[0-9]{1,18}$")]
    pub after: Option<String>,
}

/// A seat to record: who holds it, for which municipality, as what, for which term.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"person_id": 12, "party": "S", "scb_code": "2506", "role": "member",
    "office": "none", "term_from": "2023-01-01", "source": "KF Arjeplog 2022-11-28 § 112"}))]
pub struct NewSeatBody {
    /// The person of the registry (`/api/v1/persons`).
    #[schema(minimum = 1)]
    pub person_id: i64,
    /// Party abbreviation.
    #[schema(pattern = "\\S", max_length = 20)]
    pub party: String,
    /// The member municipality the seat represents.
    pub scb_code: String,
    pub role: SeatRole,
    /// Default `none`.
    pub office: Option<Office>,
    pub term_from: NaiveDate,
    /// Null while serving; not before `term_from`.
    pub term_to: Option<NaiveDate>,
    /// Where the seat is decided (protocol and paragraph).
    #[schema(max_length = 500)]
    pub source: Option<String>,
}

/// A correction of a seat: absent fields are kept; `term_to: null` reopens the term.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"term_to": "2022-12-31", "source": "protocol 2022-12-15 § 60"}))]
pub struct SeatPatch {
    #[schema(pattern = "\\S", max_length = 20)]
    pub party: Option<String>,
    pub scb_code: Option<String>,
    pub role: Option<SeatRole>,
    pub office: Option<Office>,
    pub term_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub term_to: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub source: Option<Option<String>>,
}
