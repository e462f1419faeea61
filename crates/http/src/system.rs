//! The entry point `GET /api/v1`: what this API is and where everything is (as OParl's
//! System and Body), so that a client needs one URL.

use actix_web::{HttpResponse, get};
use chrono::Datelike;
use samverkan_persistence::registry::{self, MunicipalityFilter};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::db;
use crate::route::{NoQuery, State};
use samverkan_domain::Role;

/// The committee this server keeps the record of.
pub const BODY_NAME: &str = "Norrbottens e-nämnd";

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(get_system);
}

/// The API and the committee it serves.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "name": "samverkan", "api_version": "v1",
    "body": {"name": "Norrbottens e-nämnd", "classification": "gemensam nämnd",
        "host": {"scb_code": "2580", "name": "Luleå", "href": "/api/v1/municipalities/2580"},
        "member_count": 14},
    "license": {"name": "CC0-1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"},
    "links": {"self": "/api/v1", "municipalities": "/api/v1/municipalities",
        "members": "/api/v1/members", "persons": "/api/v1/persons", "staff": "/api/v1/staff",
        "meetings": "/api/v1/meetings",
        "decisions": "/api/v1/decisions", "attendance": "/api/v1/attendance?year=2021",
        "activities": "/api/v1/activities", "status_reports": "/api/v1/status-reports",
        "status_board": "/api/v1/status-board",
        "procurements": "/api/v1/procurements", "contracts": "/api/v1/contracts",
        "cost_streams": "/api/v1/cost-streams", "invoices": "/api/v1/invoices",
        "audit": "/api/v1/audit", "decisions_feed": "/api/v1/feeds/decisions.atom",
        "meetings_calendar": "/api/v1/feeds/meetings.ics", "openapi": "/api-docs/openapi.json", "docs": "/docs/"}
}))]
pub struct System {
    /// `samverkan`.
    pub name: &'static str,
    /// The version in the paths (`/api/v1`).
    pub api_version: &'static str,
    pub body: Body,
    /// The licence of the data served (public records of a Swedish authority).
    pub license: License,
    pub links: SystemLinks,
}

/// The committee (OParl's Body).
#[derive(Debug, Serialize, ToSchema)]
pub struct Body {
    pub name: &'static str,
    /// A joint committee of several municipalities (*gemensam nämnd*, Kommunallagen 9 kap.).
    pub classification: &'static str,
    /// The host municipality (*värdkommun*); null until the registry names one.
    pub host: Option<HostRef>,
    /// Member municipalities today.
    pub member_count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HostRef {
    pub scb_code: String,
    pub name: String,
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct License {
    pub name: &'static str,
    pub url: &'static str,
}

/// Where every list of the API is. Lists that need a token say so in the spec.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemLinks {
    #[serde(rename = "self")]
    pub self_: &'static str,
    pub municipalities: &'static str,
    pub members: &'static str,
    /// The people of the registry, one id per person across seats and years.
    pub persons: &'static str,
    /// The committee's staff: its secretary and officials, by period.
    pub staff: &'static str,
    pub meetings: &'static str,
    pub decisions: &'static str,
    /// Attendance statistics of this year (`year` is required; change it for another).
    pub attendance: String,
    pub activities: &'static str,
    pub status_reports: &'static str,
    pub status_board: &'static str,
    pub procurements: &'static str,
    pub contracts: &'static str,
    pub cost_streams: &'static str,
    /// Invoices: for the treasurer, the admin and a municipality (its own); null for
    /// other callers.
    pub invoices: Option<&'static str>,
    /// The audit log: for the admin; null for other callers.
    pub audit: Option<&'static str>,
    /// Published decisions as an Atom feed (`?municipality=` for one member's).
    pub decisions_feed: &'static str,
    /// The meetings as an iCalendar calendar.
    pub meetings_calendar: &'static str,
    /// This API's OpenAPI 3.1 document.
    pub openapi: &'static str,
    /// The documentation (Swagger UI).
    pub docs: &'static str,
}

operation! {
    /// The entry point
    ///
    /// What this API is, the committee it serves (name, host municipality, number of members
    /// today), the licence of the data, and links to every list the caller may read, the
    /// spec and the documentation. Public.
    get_system: get "", tag = "registry",
    200 "The API and the committee" => System;
    |_query: NoQuery, state: State, caller: Caller| {
        // A link is shown only to a caller it answers.
        let role = caller.role();
        let invoices = matches!(
            role,
            Some(Role::Treasurer | Role::Admin | Role::Municipality)
        )
        .then_some("/api/v1/invoices");
        let audit = (role == Some(Role::Admin)).then_some("/api/v1/audit");
        let today = crate::today();
        let (host, member_count) = db::run(&state, move |conn| {
            let all = registry::list_municipalities(
                conn,
                &MunicipalityFilter {
                    limit: 1000,
                    ..Default::default()
                },
            )?;
            let members = all
                .iter()
                .filter(|m| m.member_from <= today && m.member_to.is_none_or(|t| t >= today))
                .count();
            Ok((all.into_iter().find(|m| m.is_host), members))
        })
        .await?;
        Ok(HttpResponse::Ok().json(System {
            name: "samverkan",
            api_version: "v1",
            body: Body {
                name: BODY_NAME,
                classification: "gemensam nämnd",
                host: host.map(|h| HostRef {
                    href: format!("/api/v1/municipalities/{}", h.scb_code),
                    scb_code: h.scb_code.to_string(),
                    name: h.name,
                }),
                member_count,
            },
            license: License {
                name: "CC0-1.0",
                url: "https://creativecommons.org/publicdomain/zero/1.0/",
            },
            links: SystemLinks {
                self_: "/api/v1",
                municipalities: "/api/v1/municipalities",
                members: "/api/v1/members",
                persons: "/api/v1/persons",
            staff: "/api/v1/staff",
                meetings: "/api/v1/meetings",
                decisions: "/api/v1/decisions",
                attendance: format!("/api/v1/attendance?year={}", today.year()),
                activities: "/api/v1/activities",
                status_reports: "/api/v1/status-reports",
                status_board: "/api/v1/status-board",
                procurements: "/api/v1/procurements",
                contracts: "/api/v1/contracts",
                cost_streams: "/api/v1/cost-streams",
                invoices,
                audit,
                decisions_feed: "/api/v1/feeds/decisions.atom",
                meetings_calendar: "/api/v1/feeds/meetings.ics",
                openapi: "/api-docs/openapi.json",
                docs: "/docs/",
            },
        }))
    }
}
