//! Unknown paths answer 404 and known paths with the wrong method 405 (with `Allow`),
//! both as problem documents. The table of paths comes from the OpenAPI spec, so it is
//! always the same set of routes the app serves.

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// Path templates and the methods each allows.
#[derive(Debug, Default)]
pub struct RouteTable(Vec<(ResourceDef, Vec<String>)>);

impl RouteTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let mut rows = Vec::new();
        for (path, item) in &spec.paths.paths {
            let mut methods = Vec::new();
            let ops = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
                ("HEAD", &item.head),
            ];
            for (name, op) in ops {
                if op.is_some() {
                    methods.push(name.to_owned());
                }
            }
            rows.push((ResourceDef::new(path.as_str()), methods));
        }
        RouteTable(rows)
    }

    /// The methods allowed on `path`, if it is a known resource.
    pub fn allowed(&self, path: &str) -> Option<&[String]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, m)| m.as_slice())
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
