//! The registry's commands: each locks the municipality by its SCB code, loads it, checks
//! the rule, saves and records the audit change.

use chrono::NaiveDate;
use samverkan_domain::ScbCode;
use samverkan_domain::peppol::Endpoint;

use super::view::{Municipality, Population};
use crate::Tx;
use crate::command::CommandError;
use crate::registry::{self, MunicipalityChanges, MunicipalityRow, NewPopulation, PopulationRow};
use crate::write::state as audit_state;

/// Locks the municipality and loads it (not found if absent).
fn lock(tx: &mut Tx<'_>, scb: ScbCode) -> Result<MunicipalityRow, CommandError> {
    tx.lock(&scb)?;
    registry::find_municipality(tx, scb.as_str())?
        .ok_or_else(|| CommandError::not_found(format!("no municipality with SCB code {scb}")))
}

/// A postal address, replaced whole.
#[derive(Debug, Clone)]
pub struct PostalAddress {
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
}

/// Changes to a municipality's registry and invoicing fields: `None` leaves a field as
/// it is, `Some(None)` clears it.
#[derive(Debug, Clone)]
pub struct Update {
    pub scb: ScbCode,
    pub legal_name: Option<Option<String>>,
    pub member_to: Option<Option<NaiveDate>>,
    /// The Peppol endpoint, set or cleared as a pair (already checked).
    pub endpoint: Option<Option<Endpoint>>,
    pub buyer_reference: Option<Option<String>>,
    pub address: Option<PostalAddress>,
}

/// Applies `u`; membership may not end before it began (the stored beginning: 409).
/// Returns the municipality with its newest population snapshot.
pub fn update(tx: &mut Tx<'_>, u: &Update) -> Result<Municipality, CommandError> {
    let current = lock(tx, u.scb)?;
    let member_to = u.member_to.unwrap_or(current.member_to);
    if !samverkan_domain::registry::valid_range(current.member_from, member_to) {
        return Err(CommandError::conflicts(
            "member_to",
            format!("must not be before member_from ({})", current.member_from),
        ));
    }
    let address = u.address.as_ref();
    let changes = MunicipalityChanges {
        legal_name: u.legal_name.clone().unwrap_or(current.legal_name.clone()),
        member_to,
        peppol_endpoint_id: match &u.endpoint {
            Some(e) => e.as_ref().map(|e| e.id.clone()),
            None => current.peppol_endpoint_id.clone(),
        },
        peppol_endpoint_scheme: match &u.endpoint {
            Some(e) => e.as_ref().map(|e| e.scheme.clone()),
            None => current.peppol_endpoint_scheme.clone(),
        },
        buyer_reference: u
            .buyer_reference
            .clone()
            .map(|r| r.map(|r| r.trim().to_owned()))
            .unwrap_or(current.buyer_reference.clone()),
        address_street: address.map_or(current.address_street.clone(), |a| a.street.clone()),
        address_postcode: address.map_or(current.address_postcode.clone(), |a| a.postcode.clone()),
        address_city: address.map_or(current.address_city.clone(), |a| a.city.clone()),
        updated_at: crate::now(),
    };
    let code = u.scb.to_string();
    let before = Municipality::from_row(current, None, None);
    let m = registry::update_municipality(tx, &code, &changes)?;
    // Membership decides whose notice an appeal deadline waits for.
    crate::meetings::refresh_appeals(tx, Some(changes.updated_at))?;
    let after = Municipality::from_row(m.clone(), None, None);
    tx.changed(&u.scb, "update", audit_state(&before), audit_state(&after));
    let latest = registry::list_populations(tx, &code)?
        .first()
        .map(Population::from);
    Ok(Municipality::from_row(m, latest, None))
}

/// Add a population snapshot.
#[derive(Debug, Clone)]
pub struct AddPopulation {
    pub scb: ScbCode,
    pub date: NaiveDate,
    pub count: i64,
    /// Where the figure comes from (trimmed, not blank).
    pub source: String,
}

/// One snapshot per municipality and date (a second is a conflict).
pub fn add_population(tx: &mut Tx<'_>, c: &AddPopulation) -> Result<PopulationRow, CommandError> {
    let m = lock(tx, c.scb)?;
    if registry::find_population(tx, m.scb_code.as_str(), c.date)?.is_some() {
        return Err(CommandError::Conflict(format!(
            "municipality {} already has a snapshot dated {}",
            m.scb_code, c.date
        )));
    }
    let row = registry::insert_population(
        tx,
        &NewPopulation {
            scb_code: m.scb_code.to_string(),
            snapshot_date: c.date,
            population: c.count,
            source: c.source.clone(),
            created_at: crate::now(),
        },
    )?;
    tx.changed(
        &c.scb,
        "create_population",
        None,
        audit_state(&Population::from(&row)),
    );
    Ok(row)
}
