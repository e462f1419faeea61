//! The HTTP face of samverkan: actix-web handlers by resource, the OpenAPI document,
//! authentication, errors as problem documents, and the middleware around them.

pub mod activities;
pub mod audit;
pub mod auth;
pub mod db;
pub mod decisions;
pub mod docs;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod health;
pub mod meetings;
pub mod members;
pub mod middleware;
pub mod money;
pub mod municipalities;
pub mod pagination;
pub mod refs;

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
    /// The host's bankgiro number for PaymentMeans (code 30) on invoices.
    pub bankgiro: String,
}

/// Shown on invoices when no bankgiro is configured: clearly not a real account.
pub const PLACEHOLDER_BANKGIRO: &str = "0000-0000-PLACEHOLDER";

/// HTTP settings that are not state.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed to make authenticated or writing cross-origin calls.
    pub cors_allowed_origins: Vec<String>,
    /// Maximum JSON body size in bytes.
    pub body_limit: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_allowed_origins: Vec::new(),
            body_limit: extract::BodyLimit::default().0,
        }
    }
}

/// Registers every API operation. Only `service(..)` is used, so each one is in the spec.
fn api(cfg: &mut ServiceConfig<'_>) {
    health::configure(cfg);
    cfg.service(
        utoipa_actix_web::scope("/api/v1")
            .configure(municipalities::configure)
            .configure(members::configure)
            .configure(meetings::configure)
            .configure(decisions::configure)
            .configure(activities::configure)
            .configure(money::configure)
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
    let spec = docs::finish(spec);
    let routes = fallback::RouteTable::from_spec(&spec);
    app.app_data(web::Data::new(state))
        .app_data(web::Data::new(routes))
        .app_data(web::Data::new(extract::BodyLimit(settings.body_limit)))
        .app_data(web::QueryConfig::default().error_handler(extract::query_error))
        .app_data(web::PathConfig::default().error_handler(extract::path_error))
        .app_data(web::JsonConfig::default().error_handler(extract::json_error))
        .service(web::redirect("/docs", "/docs/"))
        // Before Swagger UI's own service, so this one answers (see the constant).
        .service(web::resource("/docs/swagger-initializer.js").get(docs::swagger_initializer))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", spec))
        .default_service(web::to(fallback::fallback))
        .wrap(actix_web::middleware::from_fn(
            extract::check_request_target,
        ))
        .wrap(actix_web::middleware::from_fn(middleware::conditional))
        .wrap(actix_web::middleware::from_fn(auth::authenticate))
        .wrap(actix_web::middleware::from_fn(middleware::problems))
        .wrap(middleware::cors(&settings.cors_allowed_origins))
        .wrap(tracing_actix_web::TracingLogger::default())
}
