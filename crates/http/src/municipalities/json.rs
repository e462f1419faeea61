//! JSON shapes of municipalities and population snapshots.

use chrono::NaiveDate;
use samverkan_persistence::registry::{MunicipalityRow, PopulationRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

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
            scb_code: m.scb_code,
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

/// Query of the municipality list.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMunicipalitiesQuery {
    /// Only municipalities that are members on this date.
    pub member_on: Option<NaiveDate>,
    /// Case-insensitive part of the name (Å, Ä, Ö fold too).
    #[param(example = "över")]
    pub q: Option<String>,
    /// Adds `population_on`: the snapshot in force on this date.
    pub on: Option<NaiveDate>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (an SCB code).
    #[param(pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")]
    pub after: Option<String>,
}

/// Query of a single municipality.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GetMunicipalityQuery {
    /// Adds `population_on`: the snapshot in force on this date.
    #[param(example = "2020-06-30")]
    pub on: Option<NaiveDate>,
}

/// A new population snapshot.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2021-12-31", "count": 78725, "source": "SCB (Registret över totalbefolkningen)"}))]
pub struct NewPopulationBody {
    /// The date the figure applies to (SCB uses 31 December).
    pub date: NaiveDate,
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub count: i64,
    /// Where the figure comes from, e.g. `SCB (Registret över totalbefolkningen)`.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub source: String,
}

/// `Some(None)` for an explicit `null`, `None` for an absent field.
fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a municipality: absent fields stay, `null` clears.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"buyer_reference": "E-NÄMND-2582", "peppol_endpoint_scheme": "0007", "peppol_endpoint_id": "2120002767",
    "address": {"street": "Kyrkgatan 24", "postcode": "961 86", "city": "Boden"}}))]
pub struct MunicipalityPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: Option<Option<String>>,
    /// Last day of membership; null while a member.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub member_to: Option<Option<NaiveDate>>,
    /// EAS scheme of the Peppol endpoint (default `0007` when an id is given): a code of
    /// the Peppol EAS list; `0007`, `0088` (GLN) and `0192` are checked by their check
    /// digits, schemes with another national rule are refused. `null` clears the endpoint.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "^([0-9]{4}|[A-Z]{2})$")]
    pub peppol_endpoint_scheme: Option<Option<String>>,
    /// Peppol endpoint id: for 0007 the ten digits of a Luhn-valid organisation number,
    /// for 0088 a 13-digit GLN. `null` clears the endpoint.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub peppol_endpoint_id: Option<Option<String>>,
    /// The buyer reference every invoice to this municipality must carry.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub buyer_reference: Option<Option<String>>,
    /// Replaces the whole postal address.
    #[validate(nested)]
    pub address: Option<AddressPatch>,
}

#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressPatch {
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub street: Option<String>,
    #[validate(length(max = 20))]
    #[schema(max_length = 20)]
    pub postcode: Option<String>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub city: Option<String>,
}
