//! Public pages: server-rendered HTML in Swedish, no JavaScript, for people rather than
//! programs: an index (`/`), a meeting with its protocol (`/sammantraden/{id}`), a
//! decision (`/beslut/{year}/{paragraph}`, where the intranet widget links to) and an
//! activity with its status history (`/aktiviteter/{id}`); each API object's `web` link
//! points to its page. Only what the public may see has a page.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use samverkan_domain::activity::{Category, Phase};
use samverkan_persistence::meetings::{self, DecisionFilter};

use crate::decisions::json::Decision;
use crate::error::ApiError;
use crate::{AppState, db};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").get(index_page))
        .service(web::resource("/sammantraden/{id}").get(meeting_page))
        .service(web::resource("/beslut/{year}/{paragraph}").get(decision_page))
        .service(web::resource("/aktiviteter/{id}").get(activity_page));
}

/// Escapes text for HTML content and attribute values: the same rule as the UBL's XML
/// (`&`, `<`, `>`, quotes; control characters dropped).
use samverkan_domain::ubl::escape as esc;

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;\
max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}\
a{color:#0b4f8a}a:focus-visible{outline:2px solid #0b4f8a;outline-offset:2px}\
.meta{color:#4a4a4a}h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.15rem;margin-top:1.5rem}\
@media (prefers-color-scheme:dark){body{color:#f1f1f1;background:#161616}a{color:#8cc4ff}\
.meta{color:#c8c8c8}}";

/// A whole page: `lang="sv"`, a title, one `main` landmark.
fn page(status: StatusCode, title: &str, main: &str) -> HttpResponse {
    let body = format!(
        "<!doctype html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} – {b}</title><style>{STYLE}</style>\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Beslut\" \
         href=\"/api/v1/feeds/decisions.atom\">\
         <link rel=\"alternate\" type=\"text/calendar\" title=\"Sammanträden\" \
         href=\"/api/v1/feeds/meetings.ics\"></head>\
         <body><header><p class=\"meta\">{b}</p></header>\
         <main>{main}</main></body></html>\n",
        t = esc(title),
        b = esc(crate::system::BODY_NAME),
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_LANGUAGE, "sv"))
        .body(body)
}

fn not_found(what: &str) -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        "Hittades inte",
        &format!(
            "<h1>Hittades inte</h1><p>{}</p><p><a href=\"/\">Till startsidan</a></p>",
            esc(&format!("Det finns inget publicerat {what}."))
        ),
    )
}

/// Municipality names by SCB code.
fn names(
    conn: &mut samverkan_persistence::DbConnection,
) -> Result<std::collections::HashMap<String, String>, ApiError> {
    Ok(samverkan_persistence::registry::all_municipalities(conn)?
        .into_iter()
        .map(|m| (m.scb_code.to_string(), m.name))
        .collect())
}

fn phase_sv(p: Phase) -> &'static str {
    match p {
        Phase::Idea => "Idé",
        Phase::PreStudy => "Förstudie",
        Phase::Development => "Utveckling",
        Phase::Procurement => "Upphandling",
        Phase::Implementation => "Införande",
        Phase::Management => "Förvaltning",
        Phase::Paused => "Pausad",
        Phase::Closed => "Avslutad",
    }
}

fn category_sv(c: Category) -> &'static str {
    match c {
        Category::Project => "Projekt",
        Category::Management => "Förvaltning",
        Category::Operations => "Löpande verksamhet",
    }
}

fn attendance_sv(k: samverkan_domain::meeting::AttendanceKind) -> &'static str {
    use samverkan_domain::meeting::AttendanceKind as K;
    match k {
        K::ServingMember => "Tjänstgörande ledamöter",
        K::ServingSubstitute => "Tjänstgörande ersättare",
        K::PresentSubstitute => "Närvarande ersättare",
        K::Absent => "Frånvarande",
        K::OtherPresent => "Övriga närvarande",
    }
}

/// `GET /`: the latest meetings and the activities, linked to their pages.
pub async fn index_page(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (ms, acts) = db::run(&state, |conn| {
        let ms = meetings::list_meetings(
            conn,
            &meetings::MeetingFilter {
                staff: false,
                year: None,
                kind: None,
                after: None,
                modified_since: None,
                after_change: None,
                limit: 20,
            },
        )?;
        let acts = samverkan_persistence::activities::list_activities(
            conn,
            &samverkan_persistence::activities::ActivityFilter {
                page: samverkan_persistence::SyncPage {
                    limit: 200,
                    ..Default::default()
                },
                ..Default::default()
            },
        )?;
        Ok((ms, acts))
    })
    .await?;
    let mut h = String::from(
        "<h1>Norrbottens e-nämnd</h1><p>Den gemensamma e-nämnden för Norrbottens 14 \
         kommuner, med Luleå som värdkommun: protokoll, beslut och pågående arbete.</p>\
         <h2>Sammanträden</h2><ul>",
    );
    for m in &ms {
        h.push_str(&format!(
            "<li><a href=\"/sammantraden/{}\">{}</a> – {}</li>",
            m.id,
            datum(m.meeting_date),
            esc(&m.place)
        ));
    }
    h.push_str("</ul><h2>Projekt och tjänster</h2><ul>");
    for a in acts.iter().filter(|a| a.phase != Phase::Closed) {
        h.push_str(&format!(
            "<li><a href=\"/aktiviteter/{}\">{}</a> <span class=\"meta\">({})</span></li>",
            a.id,
            esc(&a.name),
            esc(phase_sv(a.phase))
        ));
    }
    h.push_str(
        "</ul><p class=\"meta\"><a href=\"/api/v1\">Öppet API (JSON)</a> · \
         <a href=\"/docs/\">API-dokumentation</a></p>",
    );
    Ok(page(StatusCode::OK, "Startsida", &h))
}

/// `GET /sammantraden/{id}`: an approved meeting with its protocol (attendance, the
/// published paragraphs linked to their pages, the notices and the appeal deadline).
pub async fn meeting_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw = path.into_inner();
    let what = format!("sammanträde {raw}");
    let Ok(id) = raw.parse::<i64>() else {
        return Ok(not_found(&what));
    };
    let found = db::run(&state, move |conn| {
        let Some(m) = meetings::find_meeting(conn, id)?.filter(|m| m.is_approved()) else {
            return Ok(None);
        };
        let notices = meetings::notices_of(conn, &[id])?;
        let members = meetings::member_codes_on(conn, m.meeting_date)?;
        let decisions = meetings::decisions_of(conn, &[id])?;
        Ok(Some((m, notices, members, decisions, names(conn)?)))
    })
    .await?;
    let Some((m, notices, members, decisions, names)) = found else {
        return Ok(not_found(&what));
    };
    let appeal = crate::meetings::appeal(&members, &notices);
    let attendance = m.attendance.clone();
    let mut h = format!(
        "<h1>Sammanträde {}</h1><p class=\"meta\">{}",
        datum(m.meeting_date),
        esc(&m.place)
    );
    if let (Some(a), Some(b)) = (m.start_time, m.end_time) {
        h.push_str(&format!(
            " · kl. {}–{}",
            a.format("%H.%M"),
            b.format("%H.%M")
        ));
    }
    h.push_str("</p><dl>");
    for (label, v) in [
        ("Ordförande", m.chair.clone()),
        ("Sekreterare", m.secretary.clone()),
    ] {
        if let Some(v) = v {
            h.push_str(&format!("<dt>{label}</dt><dd>{}</dd>", esc(&v)));
        }
    }
    let adjusters = m.adjusters.clone();
    if !adjusters.is_empty() {
        h.push_str(&format!(
            "<dt>Justerare</dt><dd>{}</dd>",
            esc(&adjusters.join(", "))
        ));
    }
    if let Some(d) = m.approved_on {
        h.push_str(&format!("<dt>Justerat</dt><dd>{}</dd>", datum(d)));
    }
    h.push_str("</dl><h2>Paragrafer</h2><ol class=\"paragraphs\">");
    for d in decisions.iter().filter(|d| d.is_published()) {
        h.push_str(&format!(
            "<li value=\"{p}\"><a href=\"/beslut/{y}/{p}\">§ {p} {t}</a></li>",
            p = d.paragraph,
            y = d.year,
            t = esc(&d.title)
        ));
    }
    h.push_str("</ol><h2>Närvaro</h2>");
    use samverkan_domain::meeting::AttendanceKind;
    for kind in AttendanceKind::ALL {
        let rows: Vec<_> = attendance.iter().filter(|a| a.kind == *kind).collect();
        if rows.is_empty() {
            continue;
        }
        h.push_str(&format!("<h3>{}</h3><ul>", attendance_sv(*kind)));
        for a in rows {
            let mut line = esc(&a.name);
            if let Some(p) = &a.party {
                line.push_str(&format!(" ({})", esc(p)));
            }
            if let Some(c) = &a.scb_code {
                let n = names.get(c).cloned().unwrap_or_else(|| c.clone());
                line.push_str(&format!(", {}", esc(&n)));
            }
            if let Some(r) = &a.replaces {
                line.push_str(&format!(", ersätter {}", esc(r)));
            }
            h.push_str(&format!("<li>{line}</li>"));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Anslag och överklagande</h2><p>");
    match &appeal {
        Some(a) => h.push_str(&format!(
            "Protokollet har anslagits hos alla medlemskommuner. Besluten kan överklagas \
             genom laglighetsprövning senast {}.",
            datum(a.last_day)
        )),
        None => h.push_str(&format!(
            "Protokollet har anslagits hos {} av {} medlemskommuner; tiden för \
             överklagande börjar när alla har anslagit det.",
            notices.len(),
            members.len()
        )),
    }
    h.push_str(&format!(
        "</p><p class=\"meta\"><a href=\"/api/v1/meetings/{id}\">Sammanträdet som data (JSON)</a> · \
         <a href=\"/\">Startsidan</a></p>"
    ));
    Ok(page(
        StatusCode::OK,
        &format!("Sammanträde {}", datum(m.meeting_date)),
        &h,
    ))
}

/// `GET /aktiviteter/{id}`: an activity with its phase, participants, status history and
/// phase history.
pub async fn activity_page(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw = path.into_inner();
    let what = format!("projekt {raw}");
    let Ok(id) = raw.parse::<i64>() else {
        return Ok(not_found(&what));
    };
    use samverkan_persistence::activities as repo;
    let found = db::run(&state, move |conn| {
        let Some(a) = repo::find_activity(conn, id)? else {
            return Ok(None);
        };
        let participants = repo::participants(conn, id)?;
        let reports = repo::list_status_reports(conn, id)?;
        let phases = repo::list_phase_changes(conn, id)?;
        Ok(Some((a, participants, reports, phases, names(conn)?)))
    })
    .await?;
    let Some((a, participants, reports, phases, names)) = found else {
        return Ok(not_found(&what));
    };
    let mut h = format!(
        "<h1>{}</h1><p class=\"meta\">{} · Fas: {}</p>",
        esc(&a.name),
        esc(category_sv(a.category)),
        esc(phase_sv(a.phase))
    );
    if let Some(g) = &a.goal {
        h.push_str(&format!("<h2>Mål</h2><p>{}</p>", esc(g)));
    }
    if !participants.is_empty() {
        let mut ns: Vec<String> = participants
            .iter()
            .map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone()))
            .collect();
        ns.sort();
        h.push_str(&format!(
            "<h2>Deltagande kommuner</h2><p>{}</p>",
            esc(&ns.join(", "))
        ));
    }
    h.push_str("<h2>Lägesrapporter</h2>");
    if reports.is_empty() {
        h.push_str("<p>Inga lägesrapporter ännu.</p>");
    }
    for r in &reports {
        h.push_str(&format!(
            "<h3>{}</h3><p>{}</p>",
            datum(r.reported_on),
            esc(&r.text)
        ));
    }
    if !phases.is_empty() {
        h.push_str("<h2>Faser</h2><ul>");
        for p in &phases {
            h.push_str(&format!(
                "<li>{}: {}</li>",
                datum(p.changed_on),
                esc(phase_sv(p.to_phase))
            ));
        }
        h.push_str("</ul>");
    }
    h.push_str(&format!(
        "<p class=\"meta\"><a href=\"/api/v1/activities/{id}\">Projektet som data (JSON)</a> · \
         <a href=\"/\">Startsidan</a></p>"
    ));
    Ok(page(StatusCode::OK, &a.name, &h))
}

/// Swedish long date: `28 januari 2021`.
fn datum(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const M: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    format!("{} {} {}", d.day(), M[d.month0() as usize], d.year())
}

fn render(d: &Decision) -> String {
    let mut h = format!(
        "<h1>§ {} {}</h1><p class=\"meta\">Sammanträde {}",
        d.paragraph,
        esc(&d.title),
        datum(d.meeting_date)
    );
    if let Some(c) = &d.case_number {
        h.push_str(&format!(" · Ärendenummer {}", esc(c)));
    }
    h.push_str("</p>");
    if !d.points.is_empty() {
        h.push_str("<h2>Beslut</h2><ol>");
        for p in &d.points {
            h.push_str(&format!("<li>{}</li>", esc(p)));
        }
        h.push_str("</ol>");
    }
    if let Some(s) = &d.summary {
        h.push_str(&format!("<h2>Sammanfattning</h2><p>{}</p>", esc(s)));
    }
    if let Some(s) = &d.how_decided {
        h.push_str(&format!("<h2>Beslutsgång</h2><p>{}</p>", esc(s)));
    }
    if !d.basis_documents.is_empty() {
        h.push_str("<h2>Beslutsunderlag</h2><ul>");
        for b in &d.basis_documents {
            let id = b
                .registry_id
                .as_deref()
                .map(|r| format!(" ({})", esc(r)))
                .unwrap_or_default();
            h.push_str(&format!("<li>{}{id}</li>", esc(&b.title)));
        }
        h.push_str("</ul>");
    }
    if !d.recipients.is_empty() {
        h.push_str("<h2>Beslutet skickas till</h2><ul>");
        for r in &d.recipients {
            h.push_str(&format!("<li>{}</li>", esc(r)));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Överklagande</h2><p>");
    match &d.appeal_deadline {
        Some(a) => h.push_str(&format!(
            "Beslutet kan överklagas genom laglighetsprövning senast {} \
             (tre veckor från att protokollet anslogs hos alla medlemskommuner).",
            datum(a.last_day)
        )),
        None => h.push_str(
            "Tiden för överklagande börjar när protokollet har anslagits hos alla \
             medlemskommuner.",
        ),
    }
    h.push_str(&format!(
        "</p><p class=\"meta\"><a href=\"/api/v1/decisions/{}\">Beslutet som data (JSON)</a></p>",
        d.id
    ));
    h
}

/// `GET /beslut/{year}/{paragraph}`: the published decision as a page (404 when there is
/// none, 410 when it was withdrawn).
pub async fn decision_page(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (y, p) = path.into_inner();
    let what = format!("beslut § {p} år {y}");
    let (Ok(year), Ok(paragraph)) = (y.parse::<i32>(), p.parse::<i32>()) else {
        return Ok(not_found(&what));
    };
    let found = db::run(&state, move |conn| {
        let rows = meetings::list_decisions(
            conn,
            &DecisionFilter {
                // Withdrawn ones too (as in a sync): told apart below.
                staff: true,
                year: Some(year),
                paragraph: Some(paragraph),
                ..DecisionFilter::default()
            },
        )?;
        let Some(d) = rows.into_iter().find(|d| d.published_at.is_some()) else {
            return Ok(None);
        };
        if !d.is_published() {
            return Ok(Some(Err(d.id)));
        }
        Ok(Some(Ok(Decision::of(d))))
    })
    .await?;
    Ok(match found {
        None => not_found(&what),
        Some(Err(_)) => page(
            StatusCode::GONE,
            "Återkallat",
            &format!(
                "<h1>Återkallat</h1><p>{}</p>",
                esc(&format!("{what} är inte längre publicerat."))
            ),
        ),
        Some(Ok(d)) => page(
            StatusCode::OK,
            &format!("§ {} {}", d.paragraph, d.title),
            &render(&d),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn swedish_dates() {
        let d = chrono::NaiveDate::from_ymd_opt(2021, 1, 28).expect("date");
        assert_eq!(datum(d), "28 januari 2021");
    }
}
