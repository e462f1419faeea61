use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::calendar::AppealDeadline;
use samverkan_persistence::meetings::{BasisDocument, DecisionContent, DecisionRow};
use samverkan_persistence::protocol::commands::{Correction, DecisionChanges, ParagraphWarning};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The last day to appeal (*laglighetsprövning*, Kommunallagen 13 kap. 5 §): three weeks
/// from the day the notice had been posted by every member municipality, moved to the
/// next working day. Null until every member has posted.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"posted_all_on": "2022-03-28", "last_day": "2022-04-19", "moved_from": "2022-04-18"}))]
pub struct Appeal {
    /// The day the last member municipality posted the notice.
    pub posted_all_on: NaiveDate,
    pub last_day: NaiveDate,
    /// The unadjusted day, when it fell on a Saturday, Sunday or holiday.
    pub moved_from: Option<NaiveDate>,
}

impl From<AppealDeadline> for Appeal {
    fn from(a: AppealDeadline) -> Self {
        Appeal {
            posted_all_on: a.posted_all_on,
            last_day: a.last_day,
            moved_from: a.moved_from,
        }
    }
}

/// A decision: one paragraph (*§*) of a protocol.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "meeting_id": 1, "meeting_date": "2021-01-28", "year": 2021, "paragraph": 2,
    "case_number": null, "title": "Beslut om utvecklingsprojekt gemensamt system för elevhälsan i Norrbotten",
    "kind": "decision", "public": true, "status": "approved",
    "points": ["E-nämnden beslutar att utvecklingsprojektet genomförs genom nämnden."],
    "summary": "En gemensam förstudie genomfördes 2019 …", "how_decided": null,
    "basis_documents": [{"title": "Projektdirektiv gemensamt system elevhälsa"}],
    "recipients": [], "version": 1, "appeal_deadline": null, "updated_at": "2026-11-23T12:00:00Z",
    "web": "/beslut/2021/2"
}))]
pub struct Decision {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_date: NaiveDate,
    /// Paragraphs are numbered through the calendar year.
    pub year: i32,
    pub paragraph: i32,
    /// *Ärendenummer* `YYYY/N-class`.
    pub case_number: Option<String>,
    pub title: String,
    #[schema(value_type = samverkan_domain::meeting::DecisionKind)]
    pub kind: String,
    pub public: bool,
    /// `draft` until the protocol is approved (*justerat*).
    #[schema(value_type = samverkan_domain::meeting::ProtocolStatus)]
    pub status: String,
    pub points: Vec<String>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    pub basis_documents: Vec<BasisDocument>,
    pub recipients: Vec<String>,
    /// 1, plus one per correction.
    pub version: i32,
    pub appeal_deadline: Option<Appeal>,
    pub updated_at: DateTime<Utc>,
    /// The decision's public page (HTML, Swedish) — null for drafts and non-public ones.
    pub web: Option<String>,
    /// Only in the answer to adding or renumbering a draft paragraph: the numbers missing
    /// next to it in its year (stored all the same; not stored as warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ParagraphWarning>,
}

impl Decision {
    /// The decision with the appeal deadline stored on it.
    pub fn of(d: DecisionRow) -> Self {
        let appeal = d.appeal().map(Appeal::from);
        Self::from_row(d, appeal)
    }

    /// The decision as the answer to a write that warns (adding or renumbering a draft
    /// paragraph).
    pub fn warned(mut self, warnings: Vec<ParagraphWarning>) -> Self {
        self.warnings = warnings;
        self
    }

    pub fn from_row(d: DecisionRow, appeal: Option<Appeal>) -> Self {
        let b = d.body.clone();
        let web = d
            .is_published()
            .then(|| format!("/beslut/{}/{}", d.year, d.paragraph));
        Decision {
            id: d.id,
            meeting_id: d.meeting_id,
            meeting_date: d.meeting_date,
            year: d.year,
            paragraph: d.paragraph,
            case_number: d.case_number,
            title: d.title,
            kind: d.kind.as_str().to_owned(),
            public: d.public,
            status: if d.approved { "approved" } else { "draft" }.into(),
            points: b.points,
            summary: b.summary,
            how_decided: b.how_decided,
            basis_documents: b.basis_documents,
            recipients: b.recipients,
            version: d.version,
            appeal_deadline: appeal,
            updated_at: d.updated_at.and_utc(),
            web,
            warnings: Vec::new(),
        }
    }
}

/// A withdrawn decision: in a `modified_since` feed, and the body of its URL's 410 Gone.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 41, "deleted": true, "updated_at": "2022-01-10T09:12:00Z"}))]
pub struct Tombstone {
    pub id: i64,
    /// Always true.
    pub deleted: bool,
    /// When it was withdrawn: sorted with the changes, so a sync's watermark moves past it.
    pub updated_at: DateTime<Utc>,
}

impl Tombstone {
    pub fn of(d: &samverkan_persistence::meetings::DecisionRow) -> Tombstone {
        Tombstone {
            id: d.id,
            deleted: true,
            updated_at: d.updated_at.and_utc(),
        }
    }
}

/// An item of the decision list: a decision or, in a `modified_since` feed, a tombstone.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum DecisionItem {
    Decision(Box<Decision>),
    Tombstone(Tombstone),
}

/// `decision`, `contract_award`, `information_noted`, `election`, `schedule`,
/// `delegated_decision_reported`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindParam {
    Decision,
    ContractAward,
    InformationNoted,
    Election,
    Schedule,
    DelegatedDecisionReported,
}

impl KindParam {
    pub fn domain(self) -> samverkan_domain::meeting::DecisionKind {
        use samverkan_domain::meeting::DecisionKind as K;
        match self {
            KindParam::Decision => K::Decision,
            KindParam::ContractAward => K::ContractAward,
            KindParam::InformationNoted => K::InformationNoted,
            KindParam::Election => K::Election,
            KindParam::Schedule => K::Schedule,
            KindParam::DelegatedDecisionReported => K::DelegatedDecisionReported,
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListDecisionsQuery {
    /// Calendar year of the meeting.
    #[param(example = 2021)]
    pub year: Option<i32>,
    /// The paragraph number `§ N` (unique within a year): with `year`, the one decision
    /// that a `{year, paragraph}` reference names.
    #[param(minimum = 1, maximum = 10000)]
    pub paragraph: Option<i32>,
    /// Id of the meeting.
    pub meeting: Option<i64>,
    pub kind: Option<KindParam>,
    /// Exact case number (*ärendenummer*).
    #[param(
        example = "2021/19-2.2.0.1",
        pattern = "^(19[0-9]{2}|2[0-9]{3})/[1-9][0-9]{0,8}-(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2}))*$"
    )]
    pub case_number: Option<String>,
    /// A recipient (*beslutet skickas till*), case-insensitive substring.
    pub recipient: Option<String>,
    /// Meetings on or after this date.
    pub from: Option<NaiveDate>,
    /// Meetings on or before this date.
    pub to: Option<NaiveDate>,
    /// Full-text search in Swedish, ranked best first: the words (letters and digits) of
    /// `q`, each stemmed, must all occur, each as a word or the beginning of one. Nothing
    /// is an operator (quotes, `OR` and `-` are words or separators), and the rule is the
    /// same on SQLite and PostgreSQL. At most 200 characters and 8 distinct words, and at
    /// least one word (400 otherwise). With `modified_since` it only filters: the
    /// matching decisions that changed, oldest change first. While a quarter of
    /// the server's database pool is busy with searches, a further search answers 503
    /// with Retry-After.
    #[param(example = "elevhälsan")]
    pub q: Option<String>,
    /// Only decisions changed after this instant (exclusive), oldest change first; RFC
    /// 3339 with `Z` or an offset. Decisions withdrawn since come as tombstones
    /// `{"id": …, "deleted": true, "updated_at": …}`. Follow `next` to the end and keep
    /// the largest `updated_at` for the next sync.
    pub modified_since: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise): `d_…` newest first, `s_…` ranked
    /// by `q`, `u_…` with `modified_since`.
    #[param(
        pattern = "^(d_[0-9]{1,7}_[0-9]{1,18}|s_[0-9a-f]{1,16}_[0-9]{1,18}|u_[0-9]{1,17}_[0-9]{1,18})$"
    )]
    pub after: Option<String>,
}

/// A version of a decision (version 1 is the text as approved).
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionVersion {
    pub version: i32,
    /// Why it was corrected (null for version 1).
    pub reason: Option<String>,
    /// Fields that differ from the previous version.
    pub changed: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub content: DecisionContent,
}

/// A correction of an approved decision: the reason and the fields that change.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Fel ärendenummer i justerat protokoll", "case_number": "2021/20-2.2.0.1"}))]
pub struct CorrectionRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 2000)]
    pub reason: String,
    #[schema(minimum = 1)]
    pub paragraph: Option<i32>,
    #[schema(
        pattern = "^(19[0-9]{2}|2[0-9]{3})/[1-9][0-9]{0,8}-(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2}))*$"
    )]
    pub case_number: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 500)]
    pub title: Option<String>,
    pub kind: Option<KindParam>,
    pub public: Option<bool>,
    pub points: Option<Vec<String>>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    pub basis_documents: Option<Vec<BasisDocument>>,
    pub recipients: Option<Vec<String>>,
}

/// Changes to a draft paragraph: absent fields are kept.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Budget 2022", "points": ["Nämnden antar budgeten för 2022."]}))]
pub struct DraftDecisionPatch {
    #[schema(minimum = 1)]
    pub paragraph: Option<i32>,
    #[schema(
        pattern = "^(19[0-9]{2}|2[0-9]{3})/[1-9][0-9]{0,8}-(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2}))*$"
    )]
    pub case_number: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 500)]
    pub title: Option<String>,
    pub kind: Option<KindParam>,
    pub public: Option<bool>,
    pub points: Option<Vec<String>>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    pub basis_documents: Option<Vec<BasisDocument>>,
    pub recipients: Option<Vec<String>>,
}

/// The [`DecisionChanges`] of a request that holds the changeable fields by their names
/// (a draft's patch, a correction).
macro_rules! changes_of {
    ($b:ident) => {
        DecisionChanges {
            paragraph: $b.paragraph,
            case_number: $b.case_number,
            title: $b.title,
            kind: $b.kind.map(|k| k.domain()),
            public: $b.public,
            points: $b.points,
            summary: $b.summary,
            how_decided: $b.how_decided,
            basis_documents: $b.basis_documents,
            recipients: $b.recipients,
        }
    };
}

impl DraftDecisionPatch {
    /// The changes it asks for.
    pub fn changes(self) -> DecisionChanges {
        changes_of!(self)
    }
}

impl CorrectionRequest {
    /// The correction it asks for.
    pub fn correction(self) -> Correction {
        Correction {
            reason: self.reason,
            changes: changes_of!(self),
        }
    }
}
