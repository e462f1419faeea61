//! Repository of the member registry: municipalities, population snapshots and
//! committee members.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::codes::ScbCode;
use samverkan_domain::registry::{Office, SeatRole};

use crate::schema::{committee_members, municipalities, population_snapshots};
use crate::{DbConnection, Tx};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = municipalities)]
pub struct MunicipalityRow {
    #[diesel(deserialize_as = String)]
    pub scb_code: ScbCode,
    pub name: String,
    pub name_folded: String,
    pub org_number: String,
    pub is_host: bool,
    pub member_from: NaiveDate,
    pub member_to: Option<NaiveDate>,
    pub peppol_endpoint_id: Option<String>,
    pub buyer_reference: Option<String>,
    pub address_street: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Registered legal name, e.g. `Bodens kommun`.
    pub legal_name: Option<String>,
    /// EAS scheme of `peppol_endpoint_id` (`0007`, `0088` …).
    pub peppol_endpoint_scheme: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = municipalities)]
pub struct NewMunicipality {
    pub scb_code: String,
    pub name: String,
    pub name_folded: String,
    pub org_number: String,
    pub is_host: bool,
    pub member_from: NaiveDate,
    pub member_to: Option<NaiveDate>,
    pub peppol_endpoint_id: Option<String>,
    pub buyer_reference: Option<String>,
    pub address_street: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub legal_name: Option<String>,
    pub peppol_endpoint_scheme: Option<String>,
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct PopulationRow as PopulationRecord in population_snapshots, "population snapshot" by id,
        new pub NewPopulation {
        pub id: i64,
        pub scb_code: ScbCode [code],
        pub snapshot_date: NaiveDate,
        pub population: i64,
        pub source: String,
        pub created_at: NaiveDateTime,
    }
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct MemberRow as MemberRecord in committee_members, "member" by id,
        new pub NewMember {
        pub id: i64,
        pub name: String,
        pub party: String,
        pub scb_code: ScbCode [code],
        pub seat_role: SeatRole [state],
        pub office: Office [state],
        pub term_from: NaiveDate,
        pub term_to: Option<NaiveDate>,
        pub source: Option<String>,
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
        /// The person holding the seat (null for a seat recorded before persons were).
        pub person_id: Option<i64>,
    }
}

/// Filters of the municipality list.
#[derive(Debug, Clone, Default)]
pub struct MunicipalityFilter {
    /// Members on this date (member_from ≤ d ≤ member_to).
    pub member_on: Option<NaiveDate>,
    /// Case-folded substring of the name (Swedish letters folded in Rust).
    pub name_contains: Option<String>,
    pub after_code: Option<String>,
    pub limit: i64,
}

pub fn list_municipalities(
    conn: &mut DbConnection,
    f: &MunicipalityFilter,
) -> QueryResult<Vec<MunicipalityRow>> {
    let mut q = municipalities::table
        .select(MunicipalityRow::as_select())
        .order(municipalities::scb_code.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(d) = f.member_on {
        q = q.filter(municipalities::member_from.le(d)).filter(
            municipalities::member_to
                .is_null()
                .or(municipalities::member_to.ge(d)),
        );
    }
    if let Some(n) = &f.name_contains {
        q = q.filter(
            municipalities::name_folded
                .like(format!("%{}%", escape_like(n)))
                .escape('\\'),
        );
    }
    if let Some(a) = &f.after_code {
        q = q.filter(municipalities::scb_code.gt(a.clone()));
    }
    q.load(conn)
}

/// All municipalities (the registry is small; used for membership checks).
pub fn all_municipalities(conn: &mut DbConnection) -> QueryResult<Vec<MunicipalityRow>> {
    municipalities::table
        .select(MunicipalityRow::as_select())
        .order(municipalities::scb_code.asc())
        .load(conn)
}

pub fn find_municipality(
    conn: &mut DbConnection,
    code: &str,
) -> QueryResult<Option<MunicipalityRow>> {
    municipalities::table
        .find(code)
        .select(MunicipalityRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_municipality(tx: &mut Tx<'_>, m: &NewMunicipality) -> QueryResult<usize> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(municipalities::table)
        .values(m)
        .execute(conn)
}

pub fn count_municipalities(conn: &mut DbConnection) -> QueryResult<i64> {
    municipalities::table.count().get_result(conn)
}

/// Snapshots of one municipality, newest first.
pub fn list_populations(conn: &mut DbConnection, code: &str) -> QueryResult<Vec<PopulationRow>> {
    population_snapshots::table
        .filter(population_snapshots::scb_code.eq(code))
        .select(PopulationRow::as_select())
        .order(population_snapshots::snapshot_date.desc())
        .load(conn)
}

/// Every snapshot, for computing latest / in-force figures of many municipalities at once.
pub fn all_populations(conn: &mut DbConnection) -> QueryResult<Vec<PopulationRow>> {
    population_snapshots::table
        .select(PopulationRow::as_select())
        .order((
            population_snapshots::scb_code.asc(),
            population_snapshots::snapshot_date.desc(),
        ))
        .load(conn)
}

/// The snapshot in force on `on`: the latest dated on or before it.
pub fn population_on(
    conn: &mut DbConnection,
    code: &str,
    on: NaiveDate,
) -> QueryResult<Option<PopulationRow>> {
    population_snapshots::table
        .filter(population_snapshots::scb_code.eq(code))
        .filter(population_snapshots::snapshot_date.le(on))
        .select(PopulationRow::as_select())
        .order(population_snapshots::snapshot_date.desc())
        .first(conn)
        .optional()
}

/// Outside the registry's commands only for bulk loads (the demo seed, the invoice-run
/// benchmark): a new snapshot through the API is [`crate::municipality::commands::add_population`].
pub fn insert_population(tx: &mut Tx<'_>, p: &NewPopulation) -> QueryResult<PopulationRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(population_snapshots::table)
        .values(p)
        .returning(population_snapshots::all_columns)
        .get_result(conn)
}

pub fn find_population(
    conn: &mut DbConnection,
    code: &str,
    date: NaiveDate,
) -> QueryResult<Option<PopulationRow>> {
    population_snapshots::table
        .filter(population_snapshots::scb_code.eq(code))
        .filter(population_snapshots::snapshot_date.eq(date))
        .select(PopulationRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the committee member list.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub scb_code: Option<String>,
    pub seat_role: Option<String>,
    pub office: Option<String>,
    pub active_on: Option<NaiveDate>,
    /// The seats of one person.
    pub person_id: Option<i64>,
    pub page: crate::SyncPage,
}

pub fn list_members(conn: &mut DbConnection, f: &MemberFilter) -> QueryResult<Vec<MemberRow>> {
    let mut q = committee_members::table
        .select(MemberRow::as_select())
        .order(committee_members::id.asc())
        .limit(f.page.limit)
        .into_boxed();
    if let Some(c) = &f.scb_code {
        q = q.filter(committee_members::scb_code.eq(c.clone()));
    }
    if let Some(r) = &f.seat_role {
        q = q.filter(committee_members::seat_role.eq(r.clone()));
    }
    if let Some(o) = &f.office {
        q = q.filter(committee_members::office.eq(o.clone()));
    }
    if let Some(p) = f.person_id {
        q = q.filter(committee_members::person_id.eq(p));
    }
    if let Some(d) = f.active_on {
        q = q.filter(committee_members::term_from.le(d)).filter(
            committee_members::term_to
                .is_null()
                .or(committee_members::term_to.ge(d)),
        );
    }
    sync_page!(q, committee_members, f.page);
    q.load(conn)
}

pub fn find_member(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MemberRow>> {
    committee_members::table
        .find(id)
        .select(MemberRow::as_select())
        .first(conn)
        .optional()
}

/// The fields of a seat that a correction may change (`term_to: None` writes NULL).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = committee_members, treat_none_as_null = true)]
pub(crate) struct SeatChanges {
    pub party: String,
    pub scb_code: String,
    pub seat_role: String,
    pub office: String,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
    pub source: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub(crate) fn update_member(tx: &mut Tx<'_>, id: i64, c: &SeatChanges) -> QueryResult<MemberRow> {
    let conn: &mut DbConnection = tx;
    diesel::update(committee_members::table.find(id))
        .set(c)
        .returning(committee_members::all_columns)
        .get_result(conn)
}

/// Outside the person commands only for bulk loads (the demo seed): a seat through the
/// API is [`crate::person::commands::add_seat`].
pub fn insert_member(tx: &mut Tx<'_>, m: &NewMember) -> QueryResult<MemberRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(committee_members::table)
        .values(m)
        .returning(committee_members::all_columns)
        .get_result(conn)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Folds text for case-insensitive search the same way on both backends
/// (SQLite's `lower()` folds ASCII only; Å, Ä, Ö must fold too).
pub fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// The fields of a municipality that may change (never the SCB code or organisation
/// number). `None` writes NULL.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = municipalities, treat_none_as_null = true)]
pub struct MunicipalityChanges {
    pub legal_name: Option<String>,
    pub member_to: Option<NaiveDate>,
    pub peppol_endpoint_id: Option<String>,
    pub peppol_endpoint_scheme: Option<String>,
    pub buyer_reference: Option<String>,
    pub address_street: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub(crate) fn update_municipality(
    tx: &mut Tx<'_>,
    code: &str,
    changes: &MunicipalityChanges,
) -> QueryResult<MunicipalityRow> {
    let conn: &mut DbConnection = tx;
    diesel::update(municipalities::table.find(code))
        .set(changes)
        .returning(municipalities::all_columns)
        .get_result(conn)
}
