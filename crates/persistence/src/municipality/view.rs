//! What the API shows of a member municipality and its population snapshots, and what
//! the audit log records of them.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::registry::{MunicipalityRow, PopulationRow};

/// A member municipality (*medlemskommun*) of the joint committee.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "scb_code": "2580", "name": "Luleå", "legal_name": "Luleå kommun", "org_number": "212000-2742", "host": true,
    "member_from": "2019-01-01", "member_to": null,
    "invoicing": {"peppol_endpoint_scheme": "0007", "peppol_endpoint_id": "2120002742", "buyer_reference": null,
                  "address": {"street": null, "postcode": null, "city": null}},
    "latest_population": {"date": "2020-12-31", "count": 78549, "source": "SCB (Registret över totalbefolkningen)"},
    "population_on": null,
    "links": {"self": "/api/v1/municipalities/2580", "populations": "/api/v1/municipalities/2580/populations",
              "members": "/api/v1/members?municipality=2580"}
}))]
pub struct Municipality {
    /// SCB municipality code (*kommunkod*), the natural key.
    pub scb_code: String,
    pub name: String,
    /// Registered legal name (*juridiskt namn*), as on invoices, e.g. `Bodens kommun`.
    pub legal_name: Option<String>,
    /// Swedish organisation number (*organisationsnummer*), `NNNNNN-NNNN`.
    pub org_number: String,
    /// True for the host municipality (*värdkommun*), which employs the staff.
    pub host: bool,
    pub member_from: NaiveDate,
    pub member_to: Option<NaiveDate>,
    pub invoicing: Invoicing,
    /// The newest population snapshot.
    pub latest_population: Option<Population>,
    /// The snapshot in force on the `on` date asked for (the latest dated on or before
    /// it); null when `on` is not given or no snapshot is that old.
    pub population_on: Option<Population>,
    pub links: MunicipalityLinks,
}

/// Where and how the municipality receives invoices (PEPPOL BIS Billing 3.0).
#[derive(Debug, Serialize, ToSchema)]
pub struct Invoicing {
    /// EAS scheme of the Peppol endpoint: `0007` (Swedish organisation number), `0088`
    /// (GLN) … Null when no endpoint is registered: invoices then address the
    /// organisation number (0007).
    pub peppol_endpoint_scheme: Option<String>,
    /// Peppol endpoint id (BT-49), e.g. the organisation number without hyphen. The
    /// municipality's legal id on invoices (BT-47) is always `org_number`.
    pub peppol_endpoint_id: Option<String>,
    /// Buyer reference (*beställarreferens*) that must be on every invoice.
    pub buyer_reference: Option<String>,
    pub address: Address,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Address {
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityLinks {
    #[serde(rename = "self")]
    pub self_: String,
    pub populations: String,
    pub members: String,
}

/// A population snapshot (*folkmängd*) at a date.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"date": "2020-12-31", "count": 78549, "source": "SCB (Registret över totalbefolkningen)"}))]
pub struct Population {
    pub date: NaiveDate,
    pub count: i64,
    pub source: String,
}

impl From<&PopulationRow> for Population {
    fn from(p: &PopulationRow) -> Self {
        Population {
            date: p.snapshot_date,
            count: p.population,
            source: p.source.clone(),
        }
    }
}

impl Municipality {
    pub fn from_row(
        m: MunicipalityRow,
        latest: Option<Population>,
        population_on: Option<Population>,
    ) -> Self {
        let base = format!("/api/v1/municipalities/{}", m.scb_code);
        Municipality {
            links: MunicipalityLinks {
                populations: format!("{base}/populations"),
                members: format!("/api/v1/members?municipality={}", m.scb_code),
                self_: base,
            },
            scb_code: m.scb_code.to_string(),
            name: m.name,
            legal_name: m.legal_name,
            org_number: m.org_number,
            host: m.is_host,
            member_from: m.member_from,
            member_to: m.member_to,
            invoicing: Invoicing {
                peppol_endpoint_scheme: m.peppol_endpoint_scheme,
                peppol_endpoint_id: m.peppol_endpoint_id,
                buyer_reference: m.buyer_reference,
                address: Address {
                    street: m.address_street,
                    postcode: m.address_postcode,
                    city: m.address_city,
                },
            },
            latest_population: latest,
            population_on,
        }
    }
}
