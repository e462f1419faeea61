//! What the API shows of a person, and what the audit log records of them.

use serde::Serialize;
use utoipa::ToSchema;

use super::PersonRow;

/// A person of the registry: a member, substitute, officer or member of staff, with one
/// id however many seats, offices and years they hold. `variants` are other spellings
/// protocols have used for them: a name written that way is theirs without a warning.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "name": "Isak Utsi", "variants": ["Isak Utsi (S)"], "note": null,
    "created_at": "2021-01-28T09:00:00Z", "updated_at": "2021-01-28T09:00:00Z",
    "links": {"self": "/api/v1/persons/12", "seats": "/api/v1/members?person=12"}
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
}

impl From<PersonRow> for Person {
    fn from(p: PersonRow) -> Self {
        Person {
            links: PersonLinks {
                self_: format!("/api/v1/persons/{}", p.id),
                seats: format!("/api/v1/members?person={}", p.id),
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
