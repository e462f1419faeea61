//! The HTTP face of samverkan: actix-web handlers by resource, the OpenAPI document,
//! authentication, errors as problem documents, and the middleware around them.

#[macro_use]
pub mod route;

pub mod activities;
pub mod audit;
pub mod auth;
pub mod db;
pub mod decisions;
pub mod docs;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod feeds;
pub mod health;
pub mod meetings;
pub mod members;
pub mod middleware;
pub mod money;
pub mod municipalities;
pub mod ops;
pub mod pages;
pub mod pagination;
pub mod persons;
pub mod read_cache;
pub mod refs;
pub mod staff;
pub mod system;
pub mod widget;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, web};
use samverkan_persistence::DbPool;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Spec;
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

pub use auth::JwtKeys;
pub use error::ApiError;

/// Shared state of every worker.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub keys: JwtKeys,
    /// The seller's invoicing data, validated at start.
    pub invoicing: Invoicing,
    /// Expensive reads (full-text search) now running: they may hold at most
    /// [`db::expensive_share`] of the pool.
    pub expensive: std::sync::Arc<std::sync::atomic::AtomicU32>,
    /// Anonymous reads kept while nothing is written ([`read_cache`]).
    pub reads: std::sync::Arc<read_cache::ReadCache>,
}

impl AppState {
    pub fn new(pool: DbPool, keys: JwtKeys, invoicing: Invoicing) -> AppState {
        AppState {
            pool,
            keys,
            invoicing,
            expensive: Default::default(),
            reads: Default::default(),
        }
    }
}

/// Today in Sweden (Europe/Stockholm): the calendar day every default date of the API
/// means (issue dates, membership on a day), never the UTC date.
pub fn today() -> chrono::NaiveDate {
    samverkan_domain::calendar::stockholm_date(chrono::Utc::now())
}

pub use samverkan_persistence::invoice::document::Invoicing;

/// HTTP settings that are not state.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed to make authenticated or writing cross-origin calls.
    pub cors_allowed_origins: Vec<String>,
    /// Maximum JSON body size in bytes.
    pub body_limit: usize,
    /// Rate limits, timeouts, trusted proxies, and the process's limiter and metrics.
    pub ops: ops::Ops,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_allowed_origins: Vec::new(),
            body_limit: extract::BodyLimit::default().0,
            ops: ops::Ops::default(),
        }
    }
}

/// Registers every API operation. Only `service(..)` is used, so each one is in the spec.
fn api(cfg: &mut ServiceConfig<'_>) {
    health::configure(cfg);
    cfg.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(system::configure)
            .configure(municipalities::configure)
            .configure(members::configure)
            .configure(persons::configure)
            .configure(staff::configure)
            .configure(meetings::configure)
            .configure(decisions::configure)
            .configure(activities::configure)
            .configure(money::configure)
            .configure(feeds::configure)
            .configure(audit::configure),
    );
}

/// The OpenAPI document of the API, exactly as served at `/api-docs/openapi.json`.
pub fn openapi() -> Spec {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(docs::ApiDoc::openapi())
        .configure(api)
        .split_for_parts();
    docs::finish(spec)
}

/// Hands the heap memory freed so far back to the system. Building a worker's routes
/// builds (and drops) a copy of the whole spec; glibc's allocator keeps what was freed, so
/// without this each worker would hold on to several MiB it never uses again.
#[allow(unsafe_code)]
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heaps to the kernel; it
    // touches no live allocation and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Requests begun since the server started (counted by [`ops::observe`]; read by
/// [`trim_when_quiet`]).
pub static REQUESTS_BEGUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Gives the heap that a burst of traffic freed back to the kernel once the server has
/// gone quiet: every `period` it looks at [`REQUESTS_BEGUN`]; after the first quiet
/// period that follows traffic it trims, and once more after [`QUIET_AGAIN`] quiet
/// periods, when the blocking threads the burst started have ended (they linger for ten
/// seconds) and left their memory free; that second time it also pages out the code and
/// constants serving brought in. A trim takes a few milliseconds and never runs while
/// requests keep coming. Runs for the server's life.
pub async fn trim_when_quiet(period: std::time::Duration) {
    use std::sync::atomic::Ordering;
    let mut seen = REQUESTS_BEGUN.load(Ordering::Relaxed);
    // Quiet periods since the last request; `None` once both trims are done.
    let mut quiet: Option<u32> = None;
    loop {
        actix_web::rt::time::sleep(period).await;
        let now = REQUESTS_BEGUN.load(Ordering::Relaxed);
        if now != seen {
            seen = now;
            quiet = Some(0);
            continue;
        }
        if let Some(q) = quiet.as_mut() {
            *q += 1;
            if *q == 1 {
                release_free_memory();
            } else if *q == QUIET_AGAIN {
                // What serving faulted in goes as well, as after starting: the server is
                // back where it was idle. The first request after pays for it (its code
                // is read back in: ~10 ms once instead of under 1 ms, see README).
                page_out_read_only_mappings();
                release_free_memory();
            }
            if *q >= QUIET_AGAIN {
                quiet = None;
            }
        }
    }
}

/// Quiet periods (of two seconds in `serve`) before the second trim: past the blocking
/// threads' ten-second keep-alive.
pub const QUIET_AGAIN: u32 = 7;

/// Gives back the memory that only starting needed, once the server has started.
/// Starting runs code that serving never runs again (migrations, the seed, building the
/// spec and the route tables, the TLS and database libraries' set-up), and a page of code
/// or constants, once read, stays resident; so do the heap pages freed since the workers
/// were built. Every read-only file mapping (the executable's and the libraries' code and
/// constants) is marked as read at random (no read-ahead, so a later fault brings in the
/// page it needs, not its neighbours) and paged out; what serving runs comes back as it
/// runs. Read-only mappings are never written, and paging out never drops a changed page,
/// so nothing can be lost; pages other processes share stay.
pub fn release_startup_memory() {
    page_out_read_only_mappings();
    release_free_memory();
}

/// Pages out every read-only file mapping of the process (see [`release_startup_memory`]).
#[allow(unsafe_code)]
fn page_out_read_only_mappings() {
    #[cfg(target_os = "linux")]
    {
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
            return;
        };
        let read_only = maps.lines().filter_map(|line| {
            let mut f = line.split_whitespace();
            let (range, perms) = (f.next()?, f.next()?);
            // A file's mapping: its path is absolute (not [heap], [stack], anonymous).
            let path = f.nth(3)?;
            if !path.starts_with('/') || !perms.starts_with('r') || perms.as_bytes()[1] != b'-' {
                return None;
            }
            let (a, b) = range.split_once('-')?;
            let a = usize::from_str_radix(a, 16).ok()?;
            let b = usize::from_str_radix(b, 16).ok()?;
            Some((a, b.checked_sub(a)?))
        });
        for (start, len) in read_only {
            // SAFETY: the range is a whole read-only file mapping of this process, as the
            // kernel lists it; both advices only change how its pages are kept and read
            // back, never what they hold.
            unsafe {
                let at = start as *mut libc::c_void;
                libc::madvise(at, len, libc::MADV_RANDOM);
                libc::madvise(at, len, libc::MADV_PAGEOUT);
            }
        }
    }
}

/// The whole application, used by the server and by the tests alike.
pub fn app(
    state: AppState,
    settings: HttpSettings,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, spec) = App::new()
        .into_utoipa_app()
        .openapi(docs::ApiDoc::openapi())
        .configure(api)
        .split_for_parts();
    // Every worker registers the routes (which builds their part of the spec); the
    // finished spec, its JSON and the route table are made once per process and shared.
    let shared = docs::Shared::of(spec);
    release_free_memory();
    app.app_data(web::Data::new(state))
        .app_data(shared.routes.clone())
        .app_data(shared.json.clone())
        .app_data(web::Data::new(extract::BodyLimit(settings.body_limit)))
        .app_data(web::Data::new(settings.ops.clone()))
        .app_data(web::PathConfig::default().error_handler(extract::path_error))
        .app_data(web::JsonConfig::default().error_handler(extract::json_error))
        .service(web::resource("/metrics").get(ops::metrics_endpoint))
        .service(web::resource("/widget/samverkan.js").get(widget::script))
        .configure(pages::configure)
        .service(web::redirect("/docs", "/docs/"))
        // Before Swagger UI's own service, so this one answers (see the constant).
        .service(web::resource("/docs/swagger-initializer.js").get(docs::swagger_initializer))
        .service(web::resource("/api-docs/openapi.json").get(docs::served_spec))
        .service(SwaggerUi::new("/docs/{_:.*}"))
        .default_service(web::to(fallback::fallback))
        .wrap(actix_web::middleware::from_fn(read_cache::serve))
        .wrap(actix_web::middleware::from_fn(middleware::head_as_get))
        .wrap(actix_web::middleware::from_fn(
            extract::check_request_target,
        ))
        .wrap(actix_web::middleware::from_fn(middleware::conditional))
        // gzip, brotli or zstd as the client accepts, on bodies of 1 KiB and more.
        .wrap(actix_web::middleware::Compress::default())
        .wrap(actix_web::middleware::from_fn(middleware::unmark_identity))
        .wrap(actix_web::middleware::from_fn(auth::authenticate))
        .wrap(actix_web::middleware::from_fn(middleware::problems))
        .wrap(actix_web::middleware::from_fn(ops::observe))
        .wrap(middleware::cors(&settings.cors_allowed_origins))
        .wrap(
            actix_web::middleware::DefaultHeaders::new()
                .add((actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")),
        )
        .wrap(tracing_actix_web::TracingLogger::default())
}
