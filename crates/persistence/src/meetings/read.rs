//! The protocol's reads: decisions, versions, meeting and decision lists with their
//! filters and cursors, and full-text search.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::meeting::ProtocolStatus;
use samverkan_domain::search::SearchTerms;

use super::*;
use crate::DbConnection;
use crate::registry::escape_like;
use crate::schema::{decision_versions, decisions, meetings};

// ---------------------------------------------------------------- reads

pub fn find_decision(conn: &mut DbConnection, id: i64) -> QueryResult<Option<DecisionRow>> {
    decisions::table
        .find(id)
        .select(DecisionRow::as_select())
        .first(conn)
        .optional()
}

pub fn decisions_of(conn: &mut DbConnection, meeting_ids: &[i64]) -> QueryResult<Vec<DecisionRow>> {
    decisions::table
        .filter(decisions::meeting_id.eq_any(meeting_ids))
        .select(DecisionRow::as_select())
        .order((decisions::meeting_id, decisions::paragraph))
        .load(conn)
}

pub fn versions_of(conn: &mut DbConnection, decision_id: i64) -> QueryResult<Vec<VersionRow>> {
    decision_versions::table
        .filter(decision_versions::decision_id.eq(decision_id))
        .select(VersionRow::as_select())
        .order(decision_versions::version.asc())
        .load(conn)
}

/// Filters of the meeting list; order is (date desc, id desc).
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub staff: bool,
    pub year: Option<i32>,
    pub kind: Option<String>,
    pub after: Option<(NaiveDate, i64)>,
    /// Changed after this instant, oldest change first (then `after_change` pages).
    pub modified_since: Option<NaiveDateTime>,
    pub after_change: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

fn year_bounds(y: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

pub fn list_meetings(conn: &mut DbConnection, f: &MeetingFilter) -> QueryResult<Vec<MeetingRow>> {
    let mut q = meetings::table
        .select(MeetingRow::as_select())
        .order((meetings::meeting_date.desc(), meetings::id.desc()))
        .limit(f.limit)
        .into_boxed();
    if !f.staff {
        q = q.filter(meetings::status.eq(ProtocolStatus::Approved.as_str()));
    }
    if let Some(y) = f.year {
        let (a, b) = year_bounds(y);
        q = q.filter(meetings::meeting_date.between(a, b));
    }
    if let Some(k) = &f.kind {
        q = q.filter(meetings::kind.eq(k.clone()));
    }
    if let Some((d, id)) = f.after {
        q = q.filter(meetings::meeting_date.le(d)).filter(
            meetings::meeting_date
                .lt(d)
                .or(meetings::meeting_date.eq(d).and(meetings::id.lt(id))),
        );
    }
    sync_page!(
        q,
        meetings,
        crate::SyncPage {
            modified_since: f.modified_since,
            after_change: f.after_change,
            ..Default::default()
        }
    );
    q.load(conn)
}

/// Where a decision list continues.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DecisionCursor {
    /// Default order (meeting date desc, id desc).
    ByDate(NaiveDate, i64),
    /// `modified_since` order (updated_at asc, id asc).
    ByUpdate(NaiveDateTime, i64),
}

/// Filters of the decision list.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub staff: bool,
    pub year: Option<i32>,
    pub paragraph: Option<i32>,
    pub meeting_id: Option<i64>,
    pub kind: Option<String>,
    pub case_number: Option<String>,
    /// Case-folded substring of a recipient.
    pub recipient: Option<String>,
    /// Case-folded fragments one of which the recipients contain (the prefilter of
    /// [`samverkan_domain::feed::concerns`]).
    pub recipients_any: Option<[String; 3]>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only these ids (full-text matches).
    pub ids: Option<Vec<i64>>,
    /// Changed after this instant; public callers then also get withdrawn decisions
    /// (tombstones), which the caller must render as `{id, deleted: true}`.
    pub modified_since: Option<NaiveDateTime>,
    pub after: Option<DecisionCursor>,
    /// None = no limit (search ranks in Rust).
    pub limit: Option<i64>,
}

/// Applies a [`DecisionFilter`] to a boxed decisions query (shared by the row and
/// id listings).
macro_rules! filter_decisions {
    ($q:ident, $f:ident) => {{
        let f = $f;
        let mut q = $q;
        match (f.staff, f.modified_since) {
            (true, _) => {}
            (false, None) => {
                q = q
                    .filter(decisions::approved.eq(true))
                    .filter(decisions::public.eq(true));
            }
            (false, Some(_)) => {
                // Visible now, or visible once and withdrawn since (a tombstone).
                q = q.filter(
                    decisions::approved
                        .eq(true)
                        .and(decisions::public.eq(true))
                        .or(decisions::published_at.is_not_null()),
                );
            }
        }
        if let Some(t) = f.modified_since {
            q = q
                .filter(decisions::updated_at.gt(t))
                .order((decisions::updated_at.asc(), decisions::id.asc()));
        } else {
            q = q.order((decisions::meeting_date.desc(), decisions::id.desc()));
        }
        if let Some(y) = f.year {
            q = q.filter(decisions::year.eq(y));
        }
        if let Some(p) = f.paragraph {
            q = q.filter(decisions::paragraph.eq(p));
        }
        if let Some(m) = f.meeting_id {
            q = q.filter(decisions::meeting_id.eq(m));
        }
        if let Some(k) = &f.kind {
            q = q.filter(decisions::kind.eq(k.clone()));
        }
        if let Some(c) = &f.case_number {
            q = q.filter(decisions::case_number.eq(c.clone()));
        }
        if let Some(r) = &f.recipient {
            q = q.filter(
                decisions::recipients_folded
                    .like(format!("%{}%", escape_like(r)))
                    .escape('\\'),
            );
        }
        if let Some([a, b, c]) = &f.recipients_any {
            let like = |s: &str| format!("%{}%", escape_like(s));
            q = q.filter(
                decisions::recipients_folded
                    .like(like(a))
                    .escape('\\')
                    .or(decisions::recipients_folded.like(like(b)).escape('\\'))
                    .or(decisions::recipients_folded.like(like(c)).escape('\\')),
            );
        }
        if let Some(d) = f.from {
            q = q.filter(decisions::meeting_date.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(decisions::meeting_date.le(d));
        }
        if let Some(ids) = &f.ids {
            q = q.filter(decisions::id.eq_any(ids.clone()));
        }
        // The cursor's first column also as a plain bound (implied by the OR): the
        // index on (column, id) then starts at the cursor instead of scanning every row
        // before it, so a deep page costs what the first page costs.
        match f.after {
            Some(DecisionCursor::ByDate(d, id)) => {
                q = q.filter(decisions::meeting_date.le(d)).filter(
                    decisions::meeting_date
                        .lt(d)
                        .or(decisions::meeting_date.eq(d).and(decisions::id.lt(id))),
                );
            }
            Some(DecisionCursor::ByUpdate(t, id)) => {
                q = q.filter(decisions::updated_at.ge(t)).filter(
                    decisions::updated_at
                        .gt(t)
                        .or(decisions::updated_at.eq(t).and(decisions::id.gt(id))),
                );
            }
            None => {}
        }
        if let Some(l) = f.limit {
            q = q.limit(l);
        }

        q
    }};
}

pub fn list_decisions(
    conn: &mut DbConnection,
    f: &DecisionFilter,
) -> QueryResult<Vec<DecisionRow>> {
    let q = decisions::table
        .select(DecisionRow::as_select())
        .into_boxed();
    filter_decisions!(q, f).load(conn)
}

/// Like [`list_decisions`], ids only (a search ranks all matches before loading a page).
pub fn list_decision_ids(conn: &mut DbConnection, f: &DecisionFilter) -> QueryResult<Vec<i64>> {
    let q = decisions::table.select(decisions::id).into_boxed();
    filter_decisions!(q, f).load(conn)
}

#[derive(Debug, QueryableByName)]
struct Hit {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    rank: f64,
}

/// Full-text matches of `terms` with their rank (higher is better), by the one rule of
/// [`samverkan_domain::search`]: every term, as a word or a word's beginning, in the
/// stemmed text. PostgreSQL: a `simple` tsquery over `search_stemmed` (ts_rank); SQLite:
/// FTS5 over the same text (bm25). The ranks differ in scale, never in what matches.
pub fn search(conn: &mut DbConnection, terms: &SearchTerms) -> QueryResult<Vec<(i64, f64)>> {
    use diesel::sql_types::Text;
    // Terms are letters and digits only; quoted all the same.
    let hits: Vec<Hit> = match conn {
        DbConnection::Pg(c) => {
            let q = terms
                .terms()
                .iter()
                .map(|t| format!("'{}':*", t.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(" & ");
            diesel::sql_query(
                "SELECT id, CAST(ts_rank(to_tsvector('simple', search_stemmed), \
                 to_tsquery('simple', $1)) AS FLOAT8) AS rank FROM decisions \
                 WHERE to_tsvector('simple', search_stemmed) @@ to_tsquery('simple', $1)",
            )
            .bind::<Text, _>(q)
            .load(c)?
        }
        DbConnection::Sqlite(c) => {
            let q = terms
                .terms()
                .iter()
                .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            diesel::sql_query(
                "SELECT rowid AS id, -bm25(decisions_fts) AS rank FROM decisions_fts \
                 WHERE decisions_fts MATCH ?",
            )
            .bind::<Text, _>(q)
            .load(c)?
        }
    };
    Ok(hits.into_iter().map(|h| (h.id, h.rank)).collect())
}
