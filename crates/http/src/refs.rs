//! References between resources that do not depend on how the other resource is stored:
//! a decision by `{year, paragraph}` (the paragraph number `§ N` is unique within a
//! calendar year) and a meeting paragraph by `{date, paragraph}`. Shared by activities,
//! status reports, procurements and cost streams, so the spec has one schema for each.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;

fn decision_href(year: i32, paragraph: i32) -> String {
    format!("/api/v1/decisions?year={year}&paragraph={paragraph}")
}

/// A decision (*beslut*) by the paragraph (*§*) that recorded it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"year": 2021, "paragraph": 2, "case_number": "2021/19-2.2.0.1",
    "href": "/api/v1/decisions?year=2021&paragraph=2"}))]
pub struct DecisionRef {
    pub year: i32,
    /// The paragraph number `§ N`.
    pub paragraph: i32,
    /// Case number (*ärendenummer*) when known.
    pub case_number: Option<String>,
    /// Where the decision is served.
    pub href: String,
}

impl DecisionRef {
    /// A reference when both parts are known.
    pub fn new(
        year: Option<i32>,
        paragraph: Option<i32>,
        case_number: Option<String>,
    ) -> Option<Self> {
        let (year, paragraph) = (year?, paragraph?);
        Some(DecisionRef {
            href: decision_href(year, paragraph),
            year,
            paragraph,
            case_number,
        })
    }
}

/// A decision reference given in a request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2021, "paragraph": 2, "case_number": "2021/19-2.2.0.1"}))]
pub struct DecisionRefBody {
    #[schema(minimum = 1990, maximum = 2100)]
    pub year: i32,
    /// The paragraph number `§ N`.
    #[schema(minimum = 1, maximum = 10000)]
    pub paragraph: i32,
    /// Case number (*ärendenummer*) when known.
    #[serde(default)]
    pub case_number: Option<String>,
}

impl DecisionRefBody {
    /// Checks the reference given under `field`.
    pub fn check(&self, field: &str, errors: &mut Vec<FieldError>) {
        if !(1990..=2100).contains(&self.year) {
            errors.push(FieldError::new(
                format!("{field}.year"),
                "must be between 1990 and 2100",
            ));
        }
        if !(1..=10_000).contains(&self.paragraph) {
            errors.push(FieldError::new(
                format!("{field}.paragraph"),
                "must be between 1 and 10000",
            ));
        }
    }
}

/// The meeting paragraph that recorded something (e.g. a status report in
/// "Aktuellt och pågående").
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"date": "2023-10-12", "paragraph": 16,
    "href": "/api/v1/decisions?year=2023&paragraph=16"}))]
pub struct MeetingRef {
    /// Date of the meeting (*sammanträdesdatum*).
    pub date: NaiveDate,
    /// The paragraph `§ N` of that meeting's protocol.
    pub paragraph: i32,
    /// The paragraph as a decision.
    pub href: String,
}

impl MeetingRef {
    pub fn new(date: Option<NaiveDate>, paragraph: Option<i32>) -> Option<Self> {
        let (date, paragraph) = (date?, paragraph?);
        Some(MeetingRef {
            href: decision_href(date.year(), paragraph),
            date,
            paragraph,
        })
    }
}

/// A meeting paragraph given in a request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2023-10-12", "paragraph": 16}))]
pub struct MeetingRefBody {
    pub date: NaiveDate,
    #[schema(minimum = 1, maximum = 10000)]
    pub paragraph: i32,
}
