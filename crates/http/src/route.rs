//! The scaffolding every operation shares, written once: its OpenAPI declaration,
//! its route and its signature ([`operation!`]), and the short names of the extractors
//! its signature takes.
//!
//! ```ignore
//! operation! {
//!     /// Get one activity
//!     ///
//!     /// With its participants. Public.
//!     get_activity: get "/activities/{id}", tag = "activities",
//!     params(("id" = i64, Path, description = "Activity id")),
//!     200 "The activity" => Activity, 404 "No such activity";
//!     |_query: NoQuery, state: State, path: Id| {
//!         let id = path.into_inner();
//!         ...
//!     }
//! }
//! ```
//!
//! An operation that needs a token names it before its parameters
//! (`security(("bearer" = [])), params(…)`), one that takes a body names its type after
//! them (`request_body = X`). The success response is a status, a description and a
//! schema by name (`X`, `Vec<X>` or `Page<X>`; none for an empty answer), with
//! `located "…"` where it carries a `Location`; each error status after it is a problem
//! document with that description. A list says `page of Item by ListQuery as (q, limit),
//! "A page of …"`: the query type is its parameters and its last extractor, the answer a
//! `Page<Item>`, and its body starts with the query parsed as `q` and the page size checked
//! as `limit`. Statuses that follow from the operation's shape (400 for a bad query, 401,
//! 500 …) are added to every operation by [`crate::docs`] and are not written here.

/// The application state, as a handler takes it.
pub type State = actix_web::web::Data<crate::AppState>;
/// A path holding one numeric id.
pub type Id = actix_web::web::Path<i64>;
/// A path holding one municipality code, checked by the handler.
pub type Code = actix_web::web::Path<String>;
/// The query of an operation that takes no parameter (any parameter is 400).
pub type NoQuery = crate::extract::Query<crate::extract::NoQuery>;
/// What a handler answers.
pub type Reply = Result<actix_web::HttpResponse, crate::error::ApiError>;

/// Declares an operation: the doc comment becomes its summary and description, the
/// method and route its path, and the closure-like part its handler (each argument an
/// extractor named by one identifier, optionally with one type argument). The calling
/// module imports the method's route attribute (`actix_web::get`, `post` …).
macro_rules! operation {
    // A list: its query type is its parameters, its answer a page of its items; the
    // handler gets the query parsed (`$q`) and the page size checked (`$limit`).
    (
        $(#[doc = $doc:literal])*
        $name:ident: get $route:literal, tag = $tag:literal, $(security($($security:tt)*),)?
        page of $item:ident by $query:ident as ($q:ident, $limit:ident), $ok:literal
        $(, $status:literal $desc:literal)* ;
        |$($arg:ident: $aty:ident $(<$ainner:ident>)?),* $(,)?| $block:block
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params($query),
            $(security($($security)*),)?
            responses(
                (status = 200, description = $ok, body = crate::pagination::Page<$item>),
                $((status = $status, description = $desc, body = crate::error::Problem, content_type = "application/problem+json"),)*
            )
        )]
        #[get($route)]
        pub async fn $name(
            $($arg: $aty $(<$ainner>)?,)*
            query: crate::extract::Query<$query>,
        ) -> $crate::route::Reply {
            let $q = query.into_inner();
            let $limit = crate::pagination::limit($q.limit)?;
            $block
        }
    };
    (
        $(#[doc = $doc:literal])*
        $name:ident: $method:ident $route:literal, tag = $tag:literal,
        $(security($($security:tt)*),)? $(params($($params:tt)*),)? $(request_body = $req:ident,)?
        $ok_status:literal $ok:literal $(=> $body:ident $(<$inner:ident>)?)? $(, located $location:literal)?
        $(, $status:literal $desc:literal)* ;
        |$($arg:ident: $aty:ident $(<$ainner:ident>)?),* $(,)?| $block:block
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            $(params($($params)*),)?
            $(request_body = $req,)?
            $(security($($security)*),)?
            responses(
                (status = $ok_status, description = $ok $(, body = $body $(<$inner>)?)?
                    $(, headers(("Location" = String, description = $location)))?),
                $((status = $status, description = $desc, body = crate::error::Problem, content_type = "application/problem+json"),)*
            )
        )]
        #[$method($route)]
        pub async fn $name($($arg: $aty $(<$ainner>)?),*) -> $crate::route::Reply $block
    };
}

pub use crate::extract::Query;
