//! JSON shapes of municipalities and population snapshots.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use samverkan_persistence::municipality::view::{
    Address, Invoicing, Municipality, MunicipalityLinks, Population,
};

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
pub(crate) fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
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
    /// digits, schemes with another national rule are refused. `null` clears the endpoint
    /// (and then `peppol_endpoint_id` is null or absent).
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
