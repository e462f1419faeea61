use std::collections::HashMap;

use actix_web::{HttpResponse, get};
use samverkan_domain::meeting::CaseNumber;
use samverkan_persistence::meetings::{self, DecisionCursor, DecisionFilter, DecisionRow};
use samverkan_persistence::registry::fold;

use super::json::{Decision, DecisionItem, DecisionVersion, ListDecisionsQuery, Tombstone};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::meetings::{last_modified, sees_drafts};
use crate::pagination::{self};
use crate::route::{Id, NoQuery, State};
use crate::{AppState, db};
use samverkan_domain::search::SearchTerms;

enum Cursor {
    Db(DecisionCursor),
    Rank(u64, i64),
}

fn parse_cursor(s: &str) -> Result<Cursor, ApiError> {
    let bad = pagination::not_a_cursor;
    let mut parts = s.splitn(3, '_');
    let (Some(k), Some(v), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let id: i64 = id.parse().map_err(|_| bad())?;
    Ok(match k {
        "d" => {
            let (date, id) = pagination::parse_date_cursor(s)?;
            Cursor::Db(DecisionCursor::ByDate(date, id))
        }
        "u" => {
            let (t, id) = pagination::parse_sync_cursor(s)?;
            Cursor::Db(DecisionCursor::ByUpdate(t, id))
        }
        "s" => Cursor::Rank(u64::from_str_radix(v, 16).map_err(|_| bad())?, id),
        _ => return Err(bad()),
    })
}

operation! {
    /// List and search decisions
    ///
    /// Anonymous and municipality callers see public paragraphs of approved protocols only;
    /// the secretary sees everything. Default order: newest meeting first. With `q`:
    /// Swedish full-text search, best match first. With `modified_since`: changes oldest
    /// first, and decisions withdrawn from view since then as tombstones
    /// `{"id": …, "deleted": true, "updated_at": …}` — follow `next` to the end, then keep the
    /// largest `updated_at` (of decisions and tombstones alike) for the next sync. A withdrawn
    /// decision's own URL answers 410 Gone with its tombstone.
    list_decisions: get "/decisions", tag = "decisions",
    page of DecisionItem by ListDecisionsQuery as (q, limit), "A page of decisions";
    |state: State, caller: Caller| {
        let staff = sees_drafts(&caller);
        if let Some(p) = q.paragraph
            && !(1..=10_000).contains(&p)
        {
            return Err(ApiError::bad_request(
                "paragraph",
                "must be between 1 and 10000",
            ));
        }
        if let Some(c) = &q.case_number {
            CaseNumber::parse(c)
                .map_err(|e| ApiError::bad_request("case_number", e.to_string()))?;
        }
        let text =
            q.q.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
        let terms = text
            .as_deref()
            .map(SearchTerms::parse)
            .transpose()
            .map_err(|e| ApiError::bad_request("q", e.to_string()))?;
        // With `modified_since`, `q` only filters: the listing stays a sync (changes oldest
        // first), not a ranking.
        let feed = q.modified_since.is_some();
        let ranked = text.is_some() && !feed;
        let cursor = q.after.as_deref().map(parse_cursor).transpose()?;
        let (db_after, rank_after) = match cursor {
            Some(Cursor::Db(c)) => {
                let ok = matches!(
                    (c, q.modified_since, &text),
                    (DecisionCursor::ByDate(..), None, None)
                        | (DecisionCursor::ByUpdate(..), Some(_), _)
                );
                if !ok {
                    return Err(ApiError::bad_request(
                        "after",
                        "the cursor belongs to another listing",
                    ));
                }
                (Some(c), None)
            }
            Some(Cursor::Rank(r, id)) if ranked => (None, Some((f64::from_bits(r), id))),
            Some(Cursor::Rank(..)) => {
                return Err(ApiError::bad_request(
                    "after",
                    "the cursor belongs to another listing",
                ));
            }
            None => (None, None),
        };
        let mut filter = DecisionFilter {
            staff,
            year: q.year,
            paragraph: q.paragraph,
            meeting_id: q.meeting,
            kind: q.kind.map(|k| k.domain().as_str().to_owned()),
            case_number: q.case_number.clone(),
            recipient: q.recipient.as_deref().map(fold),
            recipients_any: None,
            from: q.from,
            to: q.to,
            ids: None,
            modified_since: q.modified_since.map(|t| t.naive_utc()),
            after: db_after,
            limit: Some(limit + 1),
        };
        let searching = terms.is_some();
        let run = move |conn: &mut samverkan_persistence::DbConnection| {
            let mut ranks = HashMap::new();
            let rows = if let Some(t) = terms.as_ref().filter(|_| feed) {
                let hits = meetings::search(conn, t)?;
                filter.ids = Some(hits.into_iter().map(|h| h.0).collect());
                meetings::list_decisions(conn, &filter)?
            } else if let Some(t) = &terms {
                // Rank all matches by id (cheap), then load only the page's rows.
                let hits = meetings::search(conn, t)?;
                filter.ids = Some(hits.iter().map(|h| h.0).collect());
                filter.limit = None;
                ranks = hits.into_iter().collect::<HashMap<i64, f64>>();
                let key = |id: i64| (ranks.get(&id).copied().unwrap_or(0.0), id);
                let mut ids = meetings::list_decision_ids(conn, &filter)?;
                ids.sort_by(|a, b| {
                    let (ra, ia) = key(*a);
                    let (rb, ib) = key(*b);
                    rb.total_cmp(&ra).then(ia.cmp(&ib))
                });
                if let Some((r, after)) = rank_after {
                    ids.retain(|id| {
                        let (rd, idd) = key(*id);
                        rd.total_cmp(&r).is_lt() || (rd.total_cmp(&r).is_eq() && idd > after)
                    });
                }
                ids.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
                let mut rows = meetings::list_decisions(
                    conn,
                    &DecisionFilter {
                        staff: filter.staff,
                        ids: Some(ids.clone()),
                        ..DecisionFilter::default()
                    },
                )?;
                rows.sort_by_key(|d| ids.iter().position(|i| *i == d.id));
                rows
            } else {
                meetings::list_decisions(conn, &filter)?
            };
            Ok((rows, ranks))
        };
        // A search may hold only its share of the pool: reads, writes and health checks
        // always find a connection.
        let (rows, ranks) = if searching {
            db::run_expensive(&state, run).await?
        } else {
            db::run(&state, run).await?
        };
        let kind = q.kind.map(|k| k.domain().as_str().to_owned());
        let page = pagination::Next::new("/api/v1/decisions", limit)
            .with("year", q.year)
            .with("paragraph", q.paragraph)
            .with("meeting", q.meeting)
            .with("kind", kind.clone())
            .with("case_number", q.case_number.clone())
            .with("recipient", q.recipient.clone())
            .with("from", q.from)
            .with("to", q.to)
            .with("q", text.clone())
            .with_time("modified_since", q.modified_since)
            .page(
                rows,
                |d| {
                    if ranked {
                        format!(
                            "s_{:x}_{}",
                            ranks.get(&d.id).copied().unwrap_or(0.0).to_bits(),
                            d.id
                        )
                    } else if feed {
                        pagination::sync_cursor(d.updated_at, d.id)
                    } else {
                        pagination::date_cursor(d.meeting_date, d.id)
                    }
                },
                |d| {
                    if staff || d.is_published() {
                        DecisionItem::Decision(Box::new(Decision::of(d)))
                    } else {
                        DecisionItem::Tombstone(Tombstone::of(&d))
                    }
                },
            );
        Ok(HttpResponse::Ok().json(page))
    }
}

/// A decision as the caller may see it: 404 for one never published (to this caller it
/// does not exist), 410 with its tombstone for one withdrawn after it was published.
async fn visible(state: &AppState, id: i64, staff: bool) -> Result<DecisionRow, ApiError> {
    db::run(state, move |conn| {
        let missing = || ApiError::not_found(format!("no decision {id}"));
        let d = meetings::find_decision(conn, id)?.ok_or_else(missing)?;
        if !(staff || d.is_published()) {
            return Err(match d.published_at {
                Some(_) => gone(Tombstone::of(&d)),
                None => missing(),
            });
        }
        Ok(d)
    })
    .await
}

/// 410 Gone: a problem document whose extension members are the withdrawn decision's
/// tombstone (`id`, `deleted`, `updated_at`).
fn gone(t: Tombstone) -> ApiError {
    let tombstone = match serde_json::to_value(&t) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    ApiError::Gone {
        detail: format!("decision {} was withdrawn", t.id),
        tombstone,
    }
}

operation! {
    /// Get one decision
    ///
    /// A paragraph with its decision points, summary, basis documents, recipients and
    /// appeal deadline. Drafts and non-public paragraphs are 404 except for the secretary.
    get_decision: get "/decisions/{id}", tag = "decisions",
    params(("id" = i64, Path, description = "Decision id")),
    200 "The decision" => Decision, 404 "No such decision (or not visible)",
    410 "Withdrawn after it was published: a problem document whose members `id`, `deleted` and `updated_at` are its tombstone";
    |_query: NoQuery, state: State, caller: Caller, path: Id| {
        let d = visible(&state, path.into_inner(), sees_drafts(&caller)).await?;
        let mut res = HttpResponse::Ok();
        last_modified(&mut res, d.updated_at);
        Ok(res.json(Decision::of(d)))
    }
}

operation! {
    /// List a decision's versions
    ///
    /// Version 1 is the text as written in the protocol; each correction adds a version
    /// with its reason and the fields it changed.
    list_decision_versions: get "/decisions/{id}/versions", tag = "decisions",
    params(("id" = i64, Path, description = "Decision id")),
    200 "The versions, oldest first" => Vec<DecisionVersion>,
    404 "No such decision (or not visible)",
    410 "Withdrawn after it was published: a problem document whose members `id`, `deleted` and `updated_at` are its tombstone";
    |_query: NoQuery, state: State, caller: Caller, path: Id| {
        let id = path.into_inner();
        let d = visible(&state, id, sees_drafts(&caller)).await?;
        let rows = db::run(&state, move |conn| Ok(meetings::versions_of(conn, id)?)).await?;
        let versions: Vec<DecisionVersion> = rows
            .into_iter()
            .map(|v| {
                Ok(DecisionVersion {
                    version: v.version,
                    reason: v.reason,
                    changed: serde_json::from_str(&v.changed).map_err(ApiError::internal)?,
                    created_at: v.created_at.and_utc(),
                    content: serde_json::from_str(&v.content).map_err(ApiError::internal)?,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        let mut res = HttpResponse::Ok();
        last_modified(&mut res, d.updated_at);
        Ok(res.json(versions))
    }
}
