use samverkan_domain::person::{MAX_VARIANTS, PersonName};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::FieldError;
use crate::municipalities::json::double_option;
pub use samverkan_persistence::person::view::{MatchKind, Person, PersonLinks, Suggestion};

/// A new person of the registry.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Isak Utsi", "variants": ["Iska Utsi"], "note": "misspelt in the protocol of 2021-12-17"}))]
pub struct NewPersonBody {
    /// The name as the registry spells it (white space is folded to single spaces).
    #[schema(pattern = "\\S", max_length = 120)]
    pub name: String,
    /// Other spellings of the same person that protocols have used: a name written that
    /// way is theirs without a warning. None may repeat the name or another.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub variants: Vec<String>,
    /// A free note (where a spelling comes from, say).
    #[schema(pattern = "\\S", max_length = 1000)]
    pub note: Option<String>,
}

/// A correction of a person: absent fields stay as they are; `variants` replaces the
/// whole list; `note: null` clears the note. A new name is written on the person's
/// seats too.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Isak Utsi", "variants": ["Iska Utsi", "Isak Utsi (S)"]}))]
pub struct PersonPatch {
    #[schema(pattern = "\\S", max_length = 120)]
    pub name: Option<String>,
    #[schema(max_items = 20)]
    pub variants: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "\\S", max_length = 1000)]
    pub note: Option<Option<String>>,
}

/// Parses a name field; the error names it.
pub fn parse_name(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<PersonName> {
    PersonName::parse(s)
        .map_err(|e| errors.push(FieldError::new(field, e.to_string())))
        .ok()
}

/// Parses the variants; each error names its index.
pub fn parse_variants(v: &[String], errors: &mut Vec<FieldError>) -> Vec<PersonName> {
    if v.len() > MAX_VARIANTS {
        errors.push(FieldError::new(
            "variants",
            format!("must hold at most {MAX_VARIANTS} spellings"),
        ));
    }
    v.iter()
        .enumerate()
        .filter_map(|(i, s)| parse_name(&format!("variants[{i}]"), s, errors))
        .collect()
}

/// A note: trimmed, not blank, at most 1 000 characters.
pub fn parse_note(s: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        errors.push(FieldError::new(
            "note",
            "must not be blank; send null to clear it",
        ));
    } else if t.chars().count() > 1000 {
        errors.push(FieldError::new("note", "must be at most 1000 characters"));
    } else if t.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        errors.push(FieldError::new(
            "note",
            "must not contain control characters",
        ));
    } else {
        return Some(t.to_owned());
    }
    None
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListPersonsQuery {
    /// Only persons changed after this instant (exclusive), oldest change first; RFC 3339
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

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// The name as a protocol writes it.
    #[param(
        example = "Isak Utis",
        max_length = 120,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
}

/// The registry's answer for a written name.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "name": "Iska Utsi", "result": "near", "person_id": null,
    "suggestions": [{"person_id": 12, "name": "Isak Utsi", "spelling": "Isak Utsi", "distance": 1, "href": "/api/v1/persons/12"}]
}))]
pub struct NameMatchJson {
    /// The name asked about, white space folded.
    pub name: String,
    pub result: MatchKind,
    /// The person, when the result is `exact`.
    pub person_id: Option<i64>,
    /// With `near`: the persons it may mean, nearest first.
    pub suggestions: Vec<Suggestion>,
}
