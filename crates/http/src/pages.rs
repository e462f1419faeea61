//! Public pages: server-rendered HTML in Swedish, no JavaScript, for people rather than
//! programs. A decision has a page at `/beslut/{year}/{paragraph}` (the decision's `web`
//! link, and where the intranet widget links to). Only published decisions have one.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use samverkan_persistence::meetings::{self, DecisionFilter};

use crate::decisions::json::Decision;
use crate::error::ApiError;
use crate::{AppState, db};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/beslut/{year}/{paragraph}").get(decision_page));
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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
         <title>{t} – Norrbottens e-nämnd</title><style>{STYLE}</style></head>\
         <body><header><p class=\"meta\">Norrbottens e-nämnd</p></header>\
         <main>{main}</main></body></html>\n",
        t = esc(title),
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
            "<h1>Hittades inte</h1><p>{}</p>",
            esc(&format!("Det finns inget publicerat beslut {what}."))
        ),
    )
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
    let what = format!("§ {p} år {y}");
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
        let a = crate::decisions::list::appeals(conn, std::slice::from_ref(&d))?
            .remove(&d.meeting_id)
            .flatten();
        Ok(Some(Ok(Decision::from_row(d, a))))
    })
    .await?;
    Ok(match found {
        None => not_found(&what),
        Some(Err(_)) => page(
            StatusCode::GONE,
            "Återkallat",
            &format!(
                "<h1>Återkallat</h1><p>{}</p>",
                esc(&format!("Beslutet {what} är inte längre publicerat."))
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
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn swedish_dates() {
        let d = chrono::NaiveDate::from_ymd_opt(2021, 1, 28).expect("date");
        assert_eq!(datum(d), "28 januari 2021");
    }
}
