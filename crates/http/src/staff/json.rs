use chrono::NaiveDate;
use samverkan_domain::registry::StaffRole;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::municipalities::json::double_option;
pub use samverkan_persistence::person::view::StaffMember;

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListStaffQuery {
    /// Only the appointments of this person.
    #[param(minimum = 1)]
    pub person: Option<i64>,
    #[param(inline)]
    pub role: Option<StaffRole>,
    /// Only appointments in force on this date.
    #[param(example = "2023-10-12")]
    pub active_on: Option<NaiveDate>,
    /// Only appointments changed after this instant (exclusive), oldest change first;
    /// RFC 3339 with `Z` or an offset. Follow `next` to the end and keep the largest
    /// `updated_at` for the next sync.
    pub modified_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    #[param(pattern = "^u_[0-9]{1,17}_[0-9]{1,18}$")]
    pub after: Option<String>,
}

/// A staff appointment to record: who, as what, with which title, for which period.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"person_id": 40, "role": "secretary", "title": "nämndsekreterare",
    "organisation": "Luleå kommun", "term_from": "2021-01-01", "source": "delegation 2021-01-01"}))]
pub struct NewStaffBody {
    /// The person of the registry (`/api/v1/persons`).
    #[schema(minimum = 1)]
    pub person_id: i64,
    pub role: StaffRole,
    /// The title the protocols print.
    #[schema(pattern = "\\S", max_length = 120)]
    pub title: String,
    /// The employing organisation.
    #[schema(pattern = "\\S", max_length = 200)]
    pub organisation: Option<String>,
    pub term_from: NaiveDate,
    /// Null while serving; not before `term_from`.
    pub term_to: Option<NaiveDate>,
    /// Where the appointment is recorded.
    #[schema(max_length = 500)]
    pub source: Option<String>,
}

/// A correction of a staff appointment: absent fields are kept; `term_to: null` reopens
/// it, `organisation: null` and `source: null` clear them.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"term_to": "2023-12-31", "source": "resigned 2023-11-30"}))]
pub struct StaffPatch {
    pub role: Option<StaffRole>,
    #[schema(pattern = "\\S", max_length = 120)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "\\S", max_length = 200)]
    pub organisation: Option<Option<String>>,
    pub term_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub term_to: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub source: Option<Option<String>>,
}
