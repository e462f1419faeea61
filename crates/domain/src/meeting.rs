//! Meetings (*sammanträden*), protocols and decisions (*paragrafer*): the kinds, the case
//! number (*ärendenummer*), the date rules of the protocol lifecycle and the crude Swedish
//! stemming used for search on backends without a Swedish stemmer.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What kind of meeting: *sammanträde*, *strategidag*, *beredningsgruppsmöte*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    CommitteeMeeting,
    StrategyDay,
    PreparatoryGroupMeeting,
}
str_enum!(MeetingKind {
    CommitteeMeeting => "committee_meeting",
    StrategyDay => "strategy_day",
    PreparatoryGroupMeeting => "preparatory_group_meeting",
});

/// One line of the attendance list (*närvarolista*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttendanceKind {
    /// *Tjänstgörande ledamot*.
    ServingMember,
    /// *Tjänstgörande ersättare* (serving for a named member).
    ServingSubstitute,
    /// *Närvarande / deltagande ersättare* (present, not serving).
    PresentSubstitute,
    /// *Frånvarande*.
    Absent,
    /// *Övriga närvarande* (staff, guests).
    OtherPresent,
}
str_enum!(AttendanceKind {
    ServingMember => "serving_member",
    ServingSubstitute => "serving_substitute",
    PresentSubstitute => "present_substitute",
    Absent => "absent",
    OtherPresent => "other_present",
});

impl AttendanceKind {
    /// True when the line gives its municipality a vote at the meeting.
    pub fn represents(self) -> bool {
        matches!(
            self,
            AttendanceKind::ServingMember | AttendanceKind::ServingSubstitute
        )
    }
}

/// The kind of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DecisionKind {
    /// An ordinary decision (*beslut*).
    Decision,
    /// *Tilldelningsbeslut*.
    ContractAward,
    /// *Informationen läggs till handlingarna*.
    InformationNoted,
    /// *Val* (e.g. of a chair).
    Election,
    /// Meeting schedule (*sammanträdesdatum*).
    Schedule,
    /// *Anmälan av delegationsbeslut*.
    DelegatedDecisionReported,
}
str_enum!(DecisionKind {
    Decision => "decision",
    ContractAward => "contract_award",
    InformationNoted => "information_noted",
    Election => "election",
    Schedule => "schedule",
    DelegatedDecisionReported => "delegated_decision_reported",
});

/// Protocol state: *utkast* (draft) or *justerat* (approved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProtocolStatus {
    Draft,
    Approved,
}
str_enum!(ProtocolStatus { Draft => "draft", Approved => "approved" });

/// What the secretary does to a protocol (the meeting aggregate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolCommand {
    /// Change the cover data or attendance of the protocol.
    Edit,
    /// Add a paragraph.
    AddParagraph,
    /// Rewrite a paragraph in place (a draft's; an approved one is corrected).
    EditParagraph,
    /// Delete a paragraph.
    DeleteParagraph,
    /// Delete the whole protocol (a draft entered by mistake).
    Delete,
    /// *Justera*: freeze the content.
    Approve,
    /// Correct a decision of the protocol (a new version with a reason).
    Correct,
    /// Record a municipality's posting of the notice (*anslag*).
    PostNotice,
}

/// Why the protocol's state refuses a command (HTTP 409).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("the protocol is approved; its content is frozen")]
    Frozen,
    #[error("the protocol is approved; correct a decision instead")]
    FrozenParagraphs,
    #[error("the protocol is already approved")]
    AlreadyApproved,
    #[error("the protocol is still a draft; corrections apply to approved decisions")]
    NotApprovedYet,
    #[error("the protocol is not approved yet; a notice comes after approval")]
    NoticeBeforeApproval,
}

impl ProtocolStatus {
    pub fn from_approved(approved: bool) -> Self {
        if approved {
            ProtocolStatus::Approved
        } else {
            ProtocolStatus::Draft
        }
    }

    /// The protocol's life: a draft is edited, gets paragraphs and is approved; an
    /// approved protocol is frozen, gets notices and corrections. Returns the status
    /// after the command.
    pub fn decide(self, cmd: ProtocolCommand) -> Result<ProtocolStatus, ProtocolError> {
        use ProtocolCommand as C;
        use ProtocolStatus::{Approved, Draft};
        match (self, cmd) {
            (
                Draft,
                C::Edit | C::AddParagraph | C::EditParagraph | C::DeleteParagraph | C::Delete,
            ) => Ok(Draft),
            (Draft, C::Approve) => Ok(Approved),
            (Draft, C::Correct) => Err(ProtocolError::NotApprovedYet),
            (Draft, C::PostNotice) => Err(ProtocolError::NoticeBeforeApproval),
            (Approved, C::Edit | C::Delete) => Err(ProtocolError::Frozen),
            (Approved, C::AddParagraph | C::EditParagraph | C::DeleteParagraph) => {
                Err(ProtocolError::FrozenParagraphs)
            }
            (Approved, C::Approve) => Err(ProtocolError::AlreadyApproved),
            (Approved, C::Correct | C::PostNotice) => Ok(Approved),
        }
    }
}

/// Why a case number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("must have the form YYYY/N-class, e.g. 2021/19-2.2.0.1")]
    Form,
    #[error("year must be between 1900 and 2999")]
    Year,
}

/// A case number (*ärendenummer*) `YYYY/N-class`: year, serial within the year (no
/// leading zero), and the class of the filing plan (*klassificeringsstruktur*),
/// dot-separated numbers such as `2.2.0.1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    year: i32,
    serial: u32,
    class: Vec<u32>,
}

impl CaseNumber {
    pub fn parse(s: &str) -> Result<Self, CaseNumberError> {
        let (year, rest) = s.split_once('/').ok_or(CaseNumberError::Form)?;
        let (serial, class) = rest.split_once('-').ok_or(CaseNumberError::Form)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || !digits(serial) || serial.starts_with('0') {
            return Err(CaseNumberError::Form);
        }
        let year: i32 = year.parse().map_err(|_| CaseNumberError::Form)?;
        if !(1900..=2999).contains(&year) {
            return Err(CaseNumberError::Year);
        }
        let serial: u32 = serial.parse().map_err(|_| CaseNumberError::Form)?;
        let class = class
            .split('.')
            .map(|p| {
                if digits(p) && p.len() <= 3 && !(p.len() > 1 && p.starts_with('0')) {
                    p.parse::<u32>().map_err(|_| CaseNumberError::Form)
                } else {
                    Err(CaseNumberError::Form)
                }
            })
            .collect::<Result<Vec<u32>, _>>()?;
        Ok(CaseNumber {
            year,
            serial,
            class,
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}-", self.year, self.serial)?;
        for (i, c) in self.class.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// One line of an attendance list as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct AttendanceLine<'a> {
    pub name: &'a str,
    pub scb_code: Option<&'a str>,
    pub kind: AttendanceKind,
    pub from_paragraph: Option<i32>,
    pub to_paragraph: Option<i32>,
}

/// `(field, message)` pairs, one per rule broken.
pub type FieldErrors = Vec<(String, String)>;

/// What is wrong with a meeting's cover data and attendance: `(field, message)` for each
/// rule broken, fields relative to the meeting (`attendance[2].scb_code`). `members`: the
/// member municipalities on the meeting's date. Two lists: the rules the meeting breaks on
/// its own, and the codes the registry does not hold as members that day (what is stored
/// says otherwise).
pub fn check_meeting(
    place: &str,
    start: Option<chrono::NaiveTime>,
    end: Option<chrono::NaiveTime>,
    date: NaiveDate,
    members: &[String],
    attendance: &[AttendanceLine<'_>],
) -> (FieldErrors, FieldErrors) {
    let mut errs = Vec::new();
    let mut conflicts = Vec::new();
    if place.trim().is_empty() {
        errs.push(("place".into(), "must not be empty".into()));
    }
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errs.push(("end_time".into(), "is before start_time".into()));
    }
    for (i, a) in attendance.iter().enumerate() {
        if a.name.trim().is_empty() {
            errs.push((format!("attendance[{i}].name"), "must not be empty".into()));
        }
        if let Some(c) = a.scb_code
            && !members.iter().any(|m| m == c)
        {
            conflicts.push((
                format!("attendance[{i}].scb_code"),
                format!("{c} is not a member municipality on {date}"),
            ));
        }
        if a.kind != AttendanceKind::OtherPresent && a.scb_code.is_none() {
            errs.push((
                format!("attendance[{i}].scb_code"),
                "is required for members and substitutes".into(),
            ));
        }
        if let (Some(f), Some(t)) = (a.from_paragraph, a.to_paragraph)
            && t < f
        {
            errs.push((
                format!("attendance[{i}].to_paragraph"),
                "is before from_paragraph".into(),
            ));
        }
    }
    (errs, conflicts)
}

/// One signature of an approval as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct SignatureLine<'a> {
    pub name: &'a str,
    pub sha256: Option<&'a str>,
    pub bankid_reference: Option<&'a str>,
    pub signed_at: Option<chrono::NaiveDateTime>,
}

/// The first rule an approval's signatures break, as `(field, message)`: at least one
/// signature, each named, with a proof (the SHA-256 of the signed document, 64 hex
/// digits, or a BankID reference) when `require_proof`, and none before the meeting.
pub fn check_signatures(
    meeting_date: NaiveDate,
    signatures: &[SignatureLine<'_>],
    require_proof: bool,
) -> Result<(), (String, String)> {
    if signatures.is_empty() {
        return Err((
            "signatures".into(),
            "at least one signature is required".into(),
        ));
    }
    for (i, s) in signatures.iter().enumerate() {
        if s.name.trim().is_empty() {
            return Err((format!("signatures[{i}].name"), "must not be empty".into()));
        }
        match (s.sha256, s.bankid_reference) {
            (None, None) if require_proof => {
                return Err((
                    format!("signatures[{i}]"),
                    "needs sha256 or bankid_reference".into(),
                ));
            }
            (Some(h), _) if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) => {
                return Err((
                    format!("signatures[{i}].sha256"),
                    "must be 64 hexadecimal digits".into(),
                ));
            }
            _ => {}
        }
        if let Some(t) = s.signed_at
            && t.date() < meeting_date
        {
            return Err((
                format!("signatures[{i}].signed_at"),
                "is before the meeting".into(),
            ));
        }
    }
    Ok(())
}

/// A protocol cannot be approved (*justeras*) before its meeting.
pub fn approval_date_ok(meeting_date: NaiveDate, approved_on: NaiveDate) -> bool {
    approved_on >= meeting_date
}

/// A notice cannot be posted before the protocol was approved, nor taken down before
/// it was posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeError {
    /// `posted_on` is before the approval date.
    PostedBeforeApproval,
    /// `taken_down_on` is before `posted_on`.
    TakenDownBeforePosted,
}

pub fn check_notice(
    approved_on: NaiveDate,
    posted_on: NaiveDate,
    taken_down_on: Option<NaiveDate>,
) -> Result<(), NoticeError> {
    if posted_on < approved_on {
        return Err(NoticeError::PostedBeforeApproval);
    }
    if taken_down_on.is_some_and(|t| t < posted_on) {
        return Err(NoticeError::TakenDownBeforePosted);
    }
    Ok(())
}

/// The calendar year paragraphs are numbered in.
pub fn paragraph_year(meeting_date: NaiveDate) -> i32 {
    meeting_date.year()
}

/// The numbers missing next to paragraph `new` among the year's `others` (its other
/// paragraphs): between `new` and the nearest number below it, and between `new` and the
/// nearest above, each as `(first, last)` missing. Paragraphs are numbered consecutively
/// through the calendar year, so a gap is worth a warning; it is not refused, since a
/// protocol may be entered before an earlier one of the same year. A year's first
/// paragraph has no neighbour and no gap.
pub fn numbering_gaps(others: &[i32], new: i32) -> Vec<(i32, i32)> {
    let below = others.iter().copied().filter(|n| *n < new).max();
    let above = others.iter().copied().filter(|n| *n > new).min();
    let mut gaps = Vec::new();
    if let Some(b) = below
        && new - b > 1
    {
        gaps.push((b + 1, new - 1));
    }
    if let Some(a) = above
        && a - new > 1
    {
        gaps.push((new + 1, a - 1));
    }
    gaps
}

/// Common Swedish inflection endings, longest first (definite forms, plurals).
const SUFFIXES: &[&str] = &[
    "arnas", "ernas", "ornas", "arna", "erna", "orna", "heten", "ande", "ende", "ens", "ets",
    "ans", "an", "en", "na", "et", "ar", "er", "or", "a", "e", "s",
];

/// A crude Swedish stem of one case-folded word: strips the longest common inflection
/// ending while at least three letters remain, so "elevhälsan" and "elevhälsa" meet.
pub fn stem_word(word: &str) -> String {
    let w = word.to_lowercase();
    let n = w.chars().count();
    for s in SUFFIXES {
        if let Some(stem) = w.strip_suffix(s)
            && stem.chars().count() >= 3
            && n > 3
        {
            return stem.to_owned();
        }
    }
    w
}

/// Splits text into words (letters and digits), case-folds and stems each.
pub fn stem_text(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(stem_word)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn protocol_lifecycle() {
        use ProtocolCommand as C;
        let d = ProtocolStatus::Draft;
        assert_eq!(d.decide(C::Edit), Ok(d));
        assert_eq!(d.decide(C::AddParagraph), Ok(d));
        assert_eq!(d.decide(C::Correct), Err(ProtocolError::NotApprovedYet));
        assert_eq!(
            d.decide(C::PostNotice),
            Err(ProtocolError::NoticeBeforeApproval)
        );
        let a = d.decide(C::Approve).expect("approve");
        assert_eq!(a, ProtocolStatus::Approved);
        for c in [C::Edit, C::AddParagraph, C::Approve] {
            assert!(a.decide(c).is_err(), "{c:?} on an approved protocol");
        }
        assert_eq!(a.decide(C::Correct), Ok(a));
        assert_eq!(a.decide(C::PostNotice), Ok(a));
    }

    use super::*;

    #[test]
    fn meeting_and_signature_rules() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let t = |s: &str| s.parse::<chrono::NaiveTime>().expect("time");
        let line = |name, code, kind| AttendanceLine {
            name,
            scb_code: code,
            kind,
            from_paragraph: Some(5),
            to_paragraph: Some(3),
        };
        let members = vec!["2580".to_owned()];
        let (errs, conflicts) = check_meeting(
            " ",
            Some(t("13:00")),
            Some(t("12:00")),
            d("2021-01-28"),
            &members,
            &[
                line("A", Some("2580"), AttendanceKind::ServingMember),
                line("", Some("9999"), AttendanceKind::Absent),
                line("Gäst", None, AttendanceKind::OtherPresent),
                line("B", None, AttendanceKind::ServingSubstitute),
            ],
        );
        let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "place",
                "end_time",
                "attendance[0].to_paragraph",
                "attendance[1].name",
                "attendance[1].to_paragraph",
                "attendance[2].to_paragraph",
                "attendance[3].scb_code",
                "attendance[3].to_paragraph",
            ]
        );
        let conflicting: Vec<&str> = conflicts.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(conflicting, ["attendance[1].scb_code"]);
        let sig = |name, sha256, at: &str| SignatureLine {
            name,
            sha256,
            bankid_reference: None,
            signed_at: Some(d(at).and_hms_opt(11, 31, 0).expect("time")),
        };
        let hash = "a".repeat(64);
        let day = d("2021-01-28");
        assert_eq!(
            check_signatures(day, &[], false).map_err(|e| e.0),
            Err("signatures".into())
        );
        assert!(check_signatures(day, &[sig("Ordf", Some(&hash), "2021-01-29")], true).is_ok());
        assert_eq!(
            check_signatures(day, &[sig("Ordf", None, "2021-01-29")], true).map_err(|e| e.0),
            Err("signatures[0]".into())
        );
        assert!(check_signatures(day, &[sig("Ordf", None, "2021-01-29")], false).is_ok());
        assert_eq!(
            check_signatures(day, &[sig("Ordf", Some("abc"), "2021-01-29")], true).map_err(|e| e.0),
            Err("signatures[0].sha256".into())
        );
        assert_eq!(
            check_signatures(day, &[sig("Ordf", Some(&hash), "2021-01-27")], true).map_err(|e| e.0),
            Err("signatures[0].signed_at".into())
        );
        assert_eq!(
            check_signatures(day, &[sig(" ", Some(&hash), "2021-01-29")], true).map_err(|e| e.0),
            Err("signatures[0].name".into())
        );
    }
    use proptest::prelude::*;

    #[test]
    fn case_numbers_from_the_protocols() {
        for s in ["2021/19-2.2.0.1", "2021/7-1.2", "2023/112-4"] {
            assert_eq!(CaseNumber::parse(s).expect(s).to_string(), s);
        }
        let c = CaseNumber::parse("2021/19-2.2.0.1").expect("valid");
        assert_eq!((c.year(), c.serial()), (2021, 19));
    }

    #[test]
    fn malformed_case_numbers() {
        for s in [
            "",
            "2021",
            "2021/19",
            "21/19-2.2",
            "2021/019-2",
            "2021/-2",
            "2021/19-",
            "2021/19-2..1",
            "2021/19-2.",
            "2021/19-02",
            "2021/x-2",
            "0999/1-2",
            "2021/19-2.2.0.1 ",
            "E-NÄMND 2021.48",
        ] {
            assert!(CaseNumber::parse(s).is_err(), "{s} accepted");
        }
        assert_eq!(CaseNumber::parse("1899/1-1"), Err(CaseNumberError::Year));
    }

    #[test]
    fn notice_dates() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        assert!(check_notice(d("2021-02-05"), d("2021-02-08"), Some(d("2021-03-02"))).is_ok());
        assert_eq!(
            check_notice(d("2021-02-05"), d("2021-02-04"), None),
            Err(NoticeError::PostedBeforeApproval)
        );
        assert_eq!(
            check_notice(d("2021-02-05"), d("2021-02-08"), Some(d("2021-02-07"))),
            Err(NoticeError::TakenDownBeforePosted)
        );
        assert!(approval_date_ok(d("2021-01-28"), d("2021-01-28")));
        assert!(!approval_date_ok(d("2021-01-28"), d("2021-01-27")));
    }

    #[test]
    fn stemming_meets_inflections() {
        assert_eq!(stem_word("elevhälsan"), stem_word("elevhälsa"));
        assert_eq!(stem_word("Elevhälsan"), "elevhäls");
        assert_eq!(stem_word("projektet"), stem_word("projekt"));
        assert_eq!(stem_word("kommunerna"), stem_word("kommuner"));
        assert_eq!(stem_word("och"), "och");
        assert_eq!(stem_text("Gemensamt system, elevhälsan!").len(), 3);
    }

    #[test]
    fn kinds_round_trip() {
        for k in DecisionKind::ALL {
            assert_eq!(DecisionKind::parse(k.as_str()), Some(*k));
        }
        for k in AttendanceKind::ALL {
            assert_eq!(AttendanceKind::parse(k.as_str()), Some(*k));
        }
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn numbering_gaps_around_a_new_paragraph() {
        assert_eq!(numbering_gaps(&[], 7), vec![]);
        assert_eq!(numbering_gaps(&[1, 2, 3], 4), vec![]);
        assert_eq!(numbering_gaps(&[1, 2, 3], 6), vec![(4, 5)]);
        assert_eq!(numbering_gaps(&[1, 9], 5), vec![(2, 4), (6, 8)]);
        assert_eq!(numbering_gaps(&[8, 9], 1), vec![(2, 7)]);
    }

    proptest! {
        /// A gap reported lies between the new number and its nearest neighbour and
        /// holds no number in use; the numbers around `new` are consecutive exactly when
        /// nothing is reported.
        #[test]
        fn numbering_gaps_are_exactly_the_holes_next_to_the_new_number(
            others in proptest::collection::btree_set(1i32..60, 0..20),
            new in 1i32..60,
        ) {
            prop_assume!(!others.contains(&new));
            let list: Vec<i32> = others.iter().copied().collect();
            let gaps = numbering_gaps(&list, new);
            for (first, last) in &gaps {
                prop_assert!(first <= last);
                prop_assert!(!(*first..=*last).contains(&new));
                prop_assert!((*first..=*last).all(|n| !others.contains(&n)));
                // Next to `new` and bounded by a number in use on the other side.
                prop_assert!(*last + 1 == new || *first - 1 == new);
                prop_assert!(others.contains(&(first - 1)) || others.contains(&(last + 1)));
            }
            let below = list.iter().copied().filter(|n| *n < new).max();
            let above = list.iter().copied().filter(|n| *n > new).min();
            let tight = below.is_none_or(|b| b + 1 == new) && above.is_none_or(|a| a == new + 1);
            prop_assert_eq!(gaps.is_empty(), tight);
        }

        #[test]
        fn valid_case_numbers_round_trip(
            year in 1900i32..=2999,
            serial in 1u32..100_000,
            class in proptest::collection::vec(0u32..1000, 1..6),
        ) {
            let s = format!(
                "{year}/{serial}-{}",
                class.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
            );
            let c = CaseNumber::parse(&s).expect("valid");
            prop_assert_eq!(c.to_string(), s);
            prop_assert_eq!(c.year(), year);
        }

        #[test]
        fn parse_never_panics_and_display_reparses(s in "\\PC{0,24}") {
            if let Ok(c) = CaseNumber::parse(&s) {
                prop_assert_eq!(CaseNumber::parse(&c.to_string()), Ok(c.clone()));
                prop_assert_eq!(c.to_string(), s);
            }
        }

        #[test]
        fn stemming_is_idempotent_on_length(w in "[a-zåäö]{1,16}") {
            let s = stem_word(&w);
            prop_assert!(s.chars().count() <= w.chars().count());
            prop_assert!(w.starts_with(&s));
        }
    }
}
