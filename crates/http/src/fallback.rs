//! Unknown paths answer 404 and known paths with the wrong method 405 (with `Allow`),
//! both as problem documents. The table of paths comes from the OpenAPI spec, so it is
//! always the same set of routes the app serves.

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// Path templates, the methods each allows, and the methods the spec marks as secured
/// (a non-empty security requirement without an anonymous alternative).
#[derive(Debug, Default)]
pub struct RouteTable(Vec<Route>);

#[derive(Debug)]
struct Route {
    def: ResourceDef,
    methods: Vec<String>,
    secured: Vec<String>,
}

impl RouteTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let mut rows = Vec::new();
        for (path, item) in &spec.paths.paths {
            let mut methods = Vec::new();
            let mut secured = Vec::new();
            let ops = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
                ("HEAD", &item.head),
            ];
            for (name, op) in ops {
                if let Some(op) = op {
                    methods.push(name.to_owned());
                    let reqs = op.security.as_deref().unwrap_or_default();
                    let anonymous_allowed = reqs.iter().any(|r| {
                        serde_json::to_value(r)
                            .is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
                    });
                    if !reqs.is_empty() && !anonymous_allowed {
                        secured.push(name.to_owned());
                    }
                }
            }
            rows.push(Route {
                def: ResourceDef::new(path.as_str()),
                methods,
                secured,
            });
        }
        RouteTable(rows)
    }

    /// The methods allowed on `path`, if it is a known resource.
    pub fn allowed(&self, path: &str) -> Option<&[String]> {
        self.find(path).map(|r| r.methods.as_slice())
    }

    /// True when the operation `method path` requires a token.
    pub fn is_secured(&self, path: &str, method: &str) -> bool {
        self.find(path)
            .is_some_and(|r| r.secured.iter().any(|m| m == method))
    }

    fn find(&self, path: &str) -> Option<&Route> {
        // Literal segments win over parameters (`/invoices/export` over `/invoices/{id}`).
        self.0
            .iter()
            .filter(|r| r.def.is_match(path))
            .min_by_key(|r| r.def.pattern().map(|p| p.matches('{').count()).unwrap_or(0))
    }
}

pub async fn fallback(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<actix_web::HttpResponse, ApiError> {
    Err(match table.allowed(req.path()) {
        Some(methods) => ApiError::MethodNotAllowed {
            allow: methods.to_vec(),
        },
        None => ApiError::NotFound(format!("there is no resource at {}", req.path())),
    })
}
