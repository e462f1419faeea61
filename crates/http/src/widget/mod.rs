//! The intranet widgets: `<samverkan-decisions>` and `<samverkan-status>`, one script
//! embedded in the binary and served at `/widget/samverkan.js` (no CDN, no build step).

use actix_web::HttpResponse;
use actix_web::http::header;

/// The script, as served.
pub const SCRIPT: &str = include_str!("samverkan.js");

/// `GET /widget/samverkan.js`: cacheable for five minutes, then revalidated by ETag.
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(SCRIPT)
}
