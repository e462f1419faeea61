//! What the API shows of a person, and what the audit log records of them.

use serde::Serialize;
use utoipa::ToSchema;

use super::{PersonRow, StaffRow};
use samverkan_domain::registry::StaffRole;

/// A person of the registry: a member, substitute, officer or member of staff, with one
/// id however many seats, offices and years they hold. `variants` are other spellings
/// protocols have used for them: a name written that way is theirs without a warning.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "name": "Isak Utsi", "variants": ["Isak Utsi (S)"], "note": null,
    "created_at": "2021-01-28T09:00:00Z", "updated_at": "2021-01-28T09:00:00Z",
    "links": {"self": "/api/v1/persons/12", "seats": "/api/v1/members?person=12",
        "staff": "/api/v1/staff?person=12"}
}))]
pub struct Person {
    pub id: i64,
    /// The name as the registry spells it.
    pub name: String,
    /// Other spellings on record (letter for letter), oldest first.
    pub variants: Vec<String>,
    /// A free note of the secretary's (e.g. where a spelling comes from).
    pub note: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the person last changed: the watermark of `modified_since`.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub links: PersonLinks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonLinks {
    #[serde(rename = "self")]
    pub self_: String,
    /// The seats (member or substitute periods) the person has held.
    pub seats: String,
    /// The staff appointments (secretary, official) the person has held.
    pub staff: String,
}

impl From<PersonRow> for Person {
    fn from(p: PersonRow) -> Self {
        Person {
            links: PersonLinks {
                self_: format!("/api/v1/persons/{}", p.id),
                seats: format!("/api/v1/members?person={}", p.id),
                staff: format!("/api/v1/staff?person={}", p.id),
            },
            id: p.id,
            name: p.name,
            variants: p.variants,
            note: p.note,
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// A staff appointment: a person of the registry serving the committee as its secretary
/// or as an official for a period. Staff hold no seat and have no vote; protocols name
/// them (the secretary signs). An appointment that changes has one entry per period.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "person_id": 40, "name": "Jenny Lindqvist", "role": "secretary",
    "title": "nämndsekreterare", "organisation": "Luleå kommun",
    "term_from": "2021-01-01", "term_to": null, "source": "delegation 2021-01-01",
    "created_at": "2021-01-28T09:00:00Z", "updated_at": "2021-01-28T09:00:00Z",
    "links": {"person": "/api/v1/persons/40"}
}))]
pub struct StaffMember {
    pub id: i64,
    /// The person (`/api/v1/persons/{id}`).
    pub person_id: i64,
    /// The person's name as the registry spells it now.
    pub name: String,
    pub role: StaffRole,
    /// The title the protocols print (*nämndsekreterare*, *samordnare* …).
    pub title: String,
    /// The employing organisation (the host municipality, usually).
    pub organisation: Option<String>,
    pub term_from: chrono::NaiveDate,
    /// Null while serving.
    pub term_to: Option<chrono::NaiveDate>,
    /// Where the appointment is recorded (a decision, a delegation).
    pub source: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the appointment last changed: the watermark of `modified_since`.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub links: StaffLinks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffLinks {
    pub person: String,
}

impl StaffMember {
    /// The appointment with its person's name.
    pub fn new(s: StaffRow, name: String) -> Self {
        StaffMember {
            links: StaffLinks {
                person: format!("/api/v1/persons/{}", s.person_id),
            },
            id: s.id,
            person_id: s.person_id,
            name,
            role: s.role,
            title: s.title,
            organisation: s.organisation,
            term_from: s.term_from,
            term_to: s.term_to,
            source: s.source,
            created_at: s.created_at.and_utc(),
            updated_at: s.updated_at.and_utc(),
        }
    }
}

/// What a written name is to the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// A person's name or recorded variant, letter for letter.
    Exact,
    /// Close to a person's spelling (a transposed, dropped, added or changed letter, or
    /// a missing diacritic): kept as written, with the suggestions.
    Near,
    /// Nobody on record is near it.
    Unknown,
}

/// A person a near miss may mean.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    pub person_id: i64,
    /// The person's name as the registry spells it.
    pub name: String,
    /// The spelling on record the written name is nearest to.
    pub spelling: String,
    /// Edits between the two (a swap of neighbouring letters is one; letters compared
    /// without case or diacritics).
    pub distance: u32,
    pub href: String,
}

/// A name written in a record that is not a person's own spelling: stored as written,
/// never merged, never refused for it; `suggestions` name whom it may mean.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "field": "attendance[3].name", "name": "Iska Utsi", "result": "near",
    "message": "`Iska Utsi` is not in the registry; did you mean Isak Utsi (person 12)? Stored as written",
    "suggestions": [{"person_id": 12, "name": "Isak Utsi", "spelling": "Isak Utsi", "distance": 1, "href": "/api/v1/persons/12"}]
}))]
pub struct NameWarning {
    /// Where the name stands in the request (`chair`, `adjusters[0]`, `attendance[3].name` …).
    pub field: String,
    /// The name as written, white space folded.
    pub name: String,
    /// `near` or `unknown`.
    pub result: MatchKind,
    pub message: String,
    pub suggestions: Vec<Suggestion>,
}
