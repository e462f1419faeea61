//! `/api/v1/feeds/…`: subscriptions without code — an Atom feed of the published
//! decisions (all, or those that concern one municipality) and an iCalendar calendar of
//! the meetings. Both are written from the same repository reads as the JSON lists
//! (`list_decisions`, `list_meetings`, the public filter included), are conditional (the
//! ETag of every GET, 304) and cacheable for five minutes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use samverkan_domain::feed;
use samverkan_domain::ubl::escape as esc;
use samverkan_persistence::meetings::{self, DecisionCursor, DecisionFilter, MeetingFilter};
use samverkan_persistence::registry;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::decisions::json::Decision;
use crate::error::ApiError;
use crate::ops::Ops;
use crate::route::{NoQuery, State};
use crate::system::BODY_NAME;
use crate::{db, pagination};

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(decisions_feed).service(meetings_calendar);
}

/// Entries per page of the decision feed (RFC 5005 paging after them).
pub const FEED_PAGE: i64 = 50;

/// How long a reader may keep a feed before asking again (it then revalidates with the
/// ETag and gets 304 while nothing changed).
const CACHE: &str = "public, max-age=300";

/// The time every Atom id of this server is minted under (RFC 4151 tag URIs).
const TAG: &str = "tag:samverkan.se,2026";

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DecisionFeedQuery {
    /// Only decisions that concern this member municipality (SCB code): a recipient names
    /// it ("Kiruna kommun") or addresses every member ("Samtliga ingående kommuner").
    #[param(example = "2584", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")]
    pub municipality: Option<String>,
    /// Older entries: the cursor of the feed's `next` link (RFC 5005), opaque.
    #[param(pattern = "^d_[0-9]{1,7}_[0-9]{1,18}$")]
    pub after: Option<String>,
}

/// `scheme://host` of the request as the client addressed it: links in a feed are
/// absolute, since a reader stores entries apart from the feed. `Forwarded` and
/// `X-Forwarded-Host`/`-Proto` count only from a trusted proxy
/// (`SAMVERKAN_TRUSTED_PROXIES`): a feed may be kept by a shared cache for five minutes,
/// and a client must not be able to plant links to another host in it.
fn base(req: &HttpRequest, ops: &Ops) -> String {
    let trusted = req
        .peer_addr()
        .is_some_and(|p| ops.limits.trusted_proxies.contains(&p.ip()));
    if trusted {
        let c = req.connection_info();
        return format!("{}://{}", c.scheme(), c.host());
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    let scheme = if req.app_config().secure() {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One decision as an Atom entry: its id never changes, `updated` moves with a
/// correction.
fn entry(x: &mut String, d: &Decision, base: &str) {
    let title = format!("§ {} {}", d.paragraph, d.title);
    let api = format!("{base}/api/v1/decisions/{}", d.id);
    x.push_str("<entry>");
    x.push_str(&format!("<id>{TAG}:decision:{}</id>", d.id));
    x.push_str(&format!("<title type=\"text\">{}</title>", esc(&title)));
    x.push_str(&format!("<updated>{}</updated>", rfc3339(d.updated_at)));
    if let Some(web) = &d.web {
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            esc(&format!("{base}{web}"))
        ));
    }
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>",
        esc(&api)
    ));
    x.push_str(&format!("<category term=\"{}\"/>", esc(&d.kind)));
    let mut head = format!("Sammanträde {}", d.meeting_date);
    if let Some(c) = &d.case_number {
        head.push_str(&format!(", ärende {c}"));
    }
    let summary = match &d.summary {
        Some(s) => format!("{head}. {s}"),
        None => format!("{head}."),
    };
    x.push_str(&format!(
        "<summary type=\"text\">{}</summary>",
        esc(&summary)
    ));
    let mut content = format!("{head}.\n\nBeslut:\n");
    for (i, p) in d.points.iter().enumerate() {
        content.push_str(&format!("{}. {p}\n", i + 1));
    }
    if let Some(h) = &d.how_decided {
        content.push_str(&format!("\n{h}\n"));
    }
    if !d.recipients.is_empty() {
        content.push_str(&format!("\nExpedieras till: {}\n", d.recipients.join("; ")));
    }
    x.push_str(&format!(
        "<content type=\"text\">{}</content>",
        esc(&content)
    ));
    x.push_str("</entry>");
}

/// Subscribe to published decisions (Atom)
///
/// An Atom 1.0 feed (RFC 4287) of the decisions of approved protocols that are public,
/// newest meeting first, 50 entries a page with older pages linked as `next` (RFC 5005);
/// `?municipality=` gives those that concern one member municipality. An entry's `id`
/// stays when the decision is corrected and its `updated` moves; a withdrawn decision
/// leaves the feed; drafts and non-public paragraphs never appear. Each entry links the
/// decision's public page and its JSON. Add the URL to a feed reader (Outlook, Thunderbird)
/// or an intranet's news box. Public.
#[utoipa::path(
    tag = "feeds",
    params(DecisionFeedQuery),
    responses(
        (status = 200, description = "An Atom feed", body = String, content_type = "application/atom+xml",
            example = json!("<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">…</feed>")),
        (status = 404, description = "No such municipality", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/decisions.atom")]
pub async fn decisions_feed(
    req: HttpRequest,
    ops: web::Data<Ops>,
    state: State,
    query: crate::extract::Query<DecisionFeedQuery>,
) -> crate::route::Reply {
    let q = query.into_inner();
    let code = crate::municipalities::query_code("municipality", q.municipality.as_deref())?;
    let after = q
        .after
        .as_deref()
        .map(pagination::parse_date_cursor)
        .transpose()?;
    let filter = DecisionFilter {
        after: after.map(|(d, id)| DecisionCursor::ByDate(d, id)),
        limit: Some(FEED_PAGE + 1),
        ..Default::default()
    };
    let (name, rows) = db::run(&state, move |conn| {
        let name = match &code {
            Some(c) => Some(
                registry::find_municipality(conn, c)?
                    .ok_or_else(|| ApiError::not_found(format!("no municipality {c}")))?
                    .name,
            ),
            None => None,
        };
        let mut filter = filter;
        filter.recipients_any = name.as_deref().map(feed::concerns_fragments);
        Ok((name, meetings::list_decisions(conn, &filter)?))
    })
    .await?;
    // The page is the rows read; with a municipality the rule then keeps those that
    // concern it (a page may hold fewer than 50, the next link goes on from the last row).
    let more = rows.len() as i64 > FEED_PAGE;
    let rows: Vec<_> = rows.into_iter().take(FEED_PAGE as usize).collect();
    let next = more
        .then(|| {
            rows.last()
                .map(|d| pagination::date_cursor(d.meeting_date, d.id))
        })
        .flatten();
    let decisions: Vec<Decision> = rows
        .into_iter()
        .map(Decision::of)
        .filter(|d| {
            name.as_deref()
                .is_none_or(|n| feed::concerns(&d.recipients, n))
        })
        .collect();

    let base = base(&req, &ops);
    let mut path = "/api/v1/feeds/decisions.atom".to_owned();
    if let Some(c) = &q.municipality {
        path.push_str(&format!("?municipality={c}"));
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    let head = format!("{base}{path}");
    let this = match &q.after {
        Some(a) => format!("{head}{sep}after={a}"),
        None => head.clone(),
    };
    let title = match &name {
        Some(n) => format!("{BODY_NAME}: beslut som rör {n}"),
        None => format!("{BODY_NAME}: beslut"),
    };
    let feed_id = match &q.municipality {
        Some(c) => format!("{TAG}:decisions:{c}"),
        None => format!("{TAG}:decisions"),
    };
    // The newest change among the entries; an empty page has none to tell, so a fixed
    // instant keeps its ETag stable.
    let updated = decisions
        .iter()
        .map(|d| d.updated_at)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut x = String::with_capacity(2048 + decisions.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"sv\">");
    x.push_str(&format!("<id>{}</id>", esc(&feed_id)));
    x.push_str(&format!("<title type=\"text\">{}</title>", esc(&title)));
    x.push_str(&format!("<updated>{}</updated>", rfc3339(updated)));
    x.push_str(&format!("<author><name>{}</name></author>", esc(BODY_NAME)));
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&this)
    ));
    x.push_str(&format!(
        "<link rel=\"first\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&head)
    ));
    if let Some(n) = &next {
        x.push_str(&format!(
            "<link rel=\"next\" type=\"application/atom+xml\" href=\"{}\"/>",
            esc(&format!("{head}{sep}after={n}"))
        ));
    }
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&format!("{base}/"))
    ));
    x.push_str("<generator uri=\"https://samverkan.se\">samverkan</generator>");
    for d in &decisions {
        entry(&mut x, d, &base);
    }
    x.push_str("</feed>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, CACHE))
        .body(x))
}

/// Subscribe to the meetings (iCalendar)
///
/// An iCalendar calendar (RFC 5545) of the committee's meetings whose protocol is
/// approved, one event each in Europe/Stockholm time (with its `VTIMEZONE`), the place,
/// and a link to the protocol's page. An event's `UID` never changes; its `SEQUENCE`
/// grows with every change (seconds from the meeting's creation to its last change).
/// Subscribe to the URL in Outlook or Thunderbird. Public.
#[utoipa::path(
    tag = "feeds",
    responses(
        (status = 200, description = "An iCalendar calendar", body = String, content_type = "text/calendar",
            example = json!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…\r\nEND:VCALENDAR\r\n")),
    )
)]
#[get("/feeds/meetings.ics")]
pub async fn meetings_calendar(
    req: HttpRequest,
    ops: web::Data<Ops>,
    state: State,
    _query: NoQuery,
) -> crate::route::Reply {
    let filter = MeetingFilter {
        staff: false,
        year: None,
        kind: None,
        after: None,
        modified_since: None,
        after_change: None,
        limit: 10_000,
    };
    let rows = db::run(&state, move |conn| {
        Ok(meetings::list_meetings(conn, &filter)?)
    })
    .await?;
    let base = base(&req, &ops);
    let line = |x: &mut String, l: &str| x.push_str(&feed::ics_line(l));
    let stamp = |t: chrono::NaiveDateTime| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut x = String::with_capacity(1024 + rows.len() * 512);
    line(&mut x, "BEGIN:VCALENDAR");
    line(&mut x, "VERSION:2.0");
    line(&mut x, &format!("PRODID:-//samverkan//{BODY_NAME}//SV"));
    line(&mut x, "CALSCALE:GREGORIAN");
    line(&mut x, "METHOD:PUBLISH");
    line(
        &mut x,
        &format!(
            "X-WR-CALNAME:{}",
            feed::ics_text(&format!("{BODY_NAME}: sammanträden"))
        ),
    );
    line(&mut x, "X-WR-TIMEZONE:Europe/Stockholm");
    x.push_str(feed::VTIMEZONE_STOCKHOLM);
    for m in rows.iter().rev() {
        line(&mut x, "BEGIN:VEVENT");
        line(&mut x, &format!("UID:meeting-{}@samverkan.se", m.id));
        line(&mut x, &format!("DTSTAMP:{}", stamp(m.updated_at)));
        line(&mut x, &format!("CREATED:{}", stamp(m.created_at)));
        line(&mut x, &format!("LAST-MODIFIED:{}", stamp(m.updated_at)));
        let sequence = (m.updated_at - m.created_at).num_seconds().max(0);
        line(&mut x, &format!("SEQUENCE:{sequence}"));
        match m.start_time {
            Some(start) => {
                line(
                    &mut x,
                    &format!(
                        "DTSTART;TZID=Europe/Stockholm:{}",
                        feed::ics_local(m.meeting_date, start)
                    ),
                );
                if let Some(end) = m.end_time.filter(|e| *e >= start) {
                    line(
                        &mut x,
                        &format!(
                            "DTEND;TZID=Europe/Stockholm:{}",
                            feed::ics_local(m.meeting_date, end)
                        ),
                    );
                }
            }
            None => {
                line(
                    &mut x,
                    &format!("DTSTART;VALUE=DATE:{}", m.meeting_date.format("%Y%m%d")),
                );
                if let Some(next) = m.meeting_date.succ_opt() {
                    line(
                        &mut x,
                        &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
                    );
                }
            }
        }
        line(
            &mut x,
            &format!(
                "SUMMARY:{}",
                feed::ics_text(&format!("{BODY_NAME}: sammanträde"))
            ),
        );
        line(&mut x, &format!("LOCATION:{}", feed::ics_text(&m.place)));
        let page = format!("{base}/sammantraden/{}", m.id);
        line(&mut x, &format!("URL:{page}"));
        line(
            &mut x,
            &format!(
                "DESCRIPTION:{}",
                feed::ics_text(&format!("Protokoll: {page}"))
            ),
        );
        line(&mut x, "STATUS:CONFIRMED");
        line(&mut x, "END:VEVENT");
    }
    line(&mut x, "END:VCALENDAR");
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, CACHE))
        .body(x))
}
