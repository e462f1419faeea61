//! The demo dataset: the real registry of Norrbottens e-nämnd, loaded from the data
//! files in `data/seed/` (embedded in the binary so `seed` works anywhere).

use chrono::NaiveDate;
use samverkan_domain::registry::{Office, SeatRole, StaffRole};
use samverkan_domain::{OrgNumber, ScbCode};
use serde::Deserialize;

use crate::registry::{self, NewMember, NewMunicipality, NewPopulation};
use crate::{DbConnection, DbError};

const MUNICIPALITIES_CSV: &str = include_str!("../../../data/seed/municipalities.csv");
const POPULATIONS_CSV: &str = include_str!("../../../data/seed/population-norrbotten.csv");
const MEMBERS_CSV: &str = include_str!("../../../data/seed/members.csv");
const VARIANTS_CSV: &str = include_str!("../../../data/seed/person-variants.csv");
const STAFF_CSV: &str = include_str!("../../../data/seed/staff.csv");

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{file} line {line}: {message}")]
    Data {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl crate::write::WriteError for SeedError {
    fn is_retryable(&self) -> bool {
        matches!(self, SeedError::Db(DbError::Query(e)) if crate::write::WriteError::is_retryable(e))
    }
}

impl From<diesel::result::Error> for SeedError {
    fn from(e: diesel::result::Error) -> Self {
        SeedError::Db(DbError::Query(e))
    }
}

/// What a seed run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeedReport {
    pub skipped: bool,
    pub municipalities: usize,
    pub populations: usize,
    pub members: usize,
    pub persons: usize,
    /// Staff appointments (secretaries, officials) of staff.csv.
    pub staff: usize,
    /// Attendance lines of the seeded meetings linked to their person.
    pub linked_attendance: usize,
    pub meetings: usize,
    pub decisions: usize,
}

#[derive(Deserialize)]
struct MunicipalityCsv {
    scb_code: String,
    name: String,
    legal_name: String,
    org_number: String,
    host: bool,
    member_from: NaiveDate,
    member_to: Option<NaiveDate>,
    address_street: Option<String>,
    address_postcode: Option<String>,
    address_city: Option<String>,
}

#[derive(Deserialize)]
struct PopulationCsv {
    scb_code: String,
    date: NaiveDate,
    population: i64,
    source: String,
}

/// A row of person-variants.csv (its `source` column is for readers).
#[derive(Deserialize)]
struct VariantCsv {
    name: String,
    variant: String,
}

#[derive(Debug, Deserialize)]
struct StaffCsv {
    name: String,
    role: String,
    title: String,
    organisation: Option<String>,
    term_from: NaiveDate,
    term_to: Option<NaiveDate>,
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
struct MemberCsv {
    name: String,
    party: String,
    scb_code: String,
    role: String,
    office: String,
    term_from: NaiveDate,
    term_to: Option<NaiveDate>,
    source: Option<String>,
}

fn rows<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<Vec<(usize, T)>, SeedError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| {
            r.map(|row| (i + 2, row)).map_err(|e| SeedError::Data {
                file,
                line: i + 2,
                message: e.to_string(),
            })
        })
        .collect()
}

fn bad(file: &'static str, line: usize, message: impl Into<String>) -> SeedError {
    SeedError::Data {
        file,
        line,
        message: message.into(),
    }
}

fn code(file: &'static str, line: usize, s: &str) -> Result<String, SeedError> {
    ScbCode::parse(s)
        .map(|c| c.to_string())
        .map_err(|e| bad(file, line, format!("scb_code `{s}` {e}")))
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.trim().is_empty())
}

/// The reference data every database needs before anything is entered: the member
/// municipalities (`municipalities.csv`) and their population snapshots (SCB). Rows
/// already there are kept.
fn load_reference(
    conn: &mut crate::Tx<'_>,
    now: chrono::NaiveDateTime,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    const M: &str = "municipalities.csv";
    for (line, r) in rows::<MunicipalityCsv>(M, MUNICIPALITIES_CSV)? {
        let org = OrgNumber::parse(&r.org_number)
            .map_err(|e| bad(M, line, format!("org_number `{}` {e}", r.org_number)))?;
        if registry::find_municipality(conn, &r.scb_code)?.is_some() {
            continue;
        }
        registry::insert_municipality(
            conn,
            &NewMunicipality {
                scb_code: code(M, line, &r.scb_code)?,
                name_folded: registry::fold(&r.name),
                name: r.name,
                org_number: org.to_string(),
                is_host: r.host,
                member_from: r.member_from,
                member_to: r.member_to,
                peppol_endpoint_id: Some(org.digits()),
                buyer_reference: None,
                address_street: non_empty(r.address_street),
                address_postcode: non_empty(r.address_postcode),
                address_city: non_empty(r.address_city),
                created_at: now,
                updated_at: now,
                legal_name: non_empty(Some(r.legal_name)),
                peppol_endpoint_scheme: Some("0007".into()),
            },
        )?;
        report.municipalities += 1;
    }
    const P: &str = "population-norrbotten.csv";
    for (line, r) in rows::<PopulationCsv>(P, POPULATIONS_CSV)? {
        let scb_code = code(P, line, &r.scb_code)?;
        if r.population < 0 {
            return Err(bad(P, line, "population must not be negative"));
        }
        if registry::find_population(conn, &scb_code, r.date)?.is_some() {
            continue;
        }
        registry::insert_population(
            conn,
            &NewPopulation {
                scb_code,
                snapshot_date: r.date,
                population: r.population,
                source: r.source,
                created_at: now,
            },
        )?;
        report.populations += 1;
    }
    Ok(())
}

/// Only the reference data ([`load_reference`]): a database in which the registry of
/// people, the meetings and the rest are entered through the API.
pub fn seed_reference(conn: &mut DbConnection) -> Result<SeedReport, SeedError> {
    use crate::write::{Actor, WriteContext, execute};
    execute(conn, &WriteContext::new(Actor::seed(), None), |conn| {
        let mut report = SeedReport::default();
        load_reference(conn, crate::now(), &mut report)?;
        Ok(report)
    })
}

/// Loads the registry into an empty database in one write (actor `seed`, one audit
/// event). With `force = false` a database that already has municipalities is left alone
/// (`skipped`).
pub fn seed(conn: &mut DbConnection, force: bool) -> Result<SeedReport, SeedError> {
    use crate::write::{Actor, WriteContext, execute};
    execute(conn, &WriteContext::new(Actor::seed(), None), |conn| {
        if registry::count_municipalities(conn)? > 0 && !force {
            return Ok(SeedReport {
                skipped: true,
                ..SeedReport::default()
            });
        }
        let now = crate::now();
        let mut report = SeedReport::default();
        load_reference(conn, now, &mut report)?;
        (report.meetings, report.decisions) = crate::meetings::seed_meetings(conn)
            .map_err(|e| bad("meetings.json", 0, e.to_string()))?;
        crate::activities::seed::seed_activities(conn)?;
        crate::money::seed_money(conn)
            .map_err(|e| bad("cost-streams-2021.json", 0, e.to_string()))?;
        const C: &str = "members.csv";
        if force {
            // Members have no natural key; a forced reseed does not duplicate them.
            let existing = registry::list_members(
                conn,
                &registry::MemberFilter {
                    page: crate::SyncPage {
                        limit: 1,
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )?;
            if !existing.is_empty() {
                return Ok(report);
            }
        }
        // Other spellings protocols have used, by the person's name.
        const V: &str = "person-variants.csv";
        let mut variants: std::collections::HashMap<String, Vec<String>> = Default::default();
        for (line, r) in rows::<VariantCsv>(V, VARIANTS_CSV)? {
            let listed = |csv: &str| csv.lines().any(|l| l.starts_with(&format!("{},", r.name)));
            if !listed(MEMBERS_CSV) && !listed(STAFF_CSV) {
                return Err(bad(
                    V,
                    line,
                    format!("{} is not in members.csv or staff.csv", r.name),
                ));
            }
            samverkan_domain::person::PersonName::parse(&r.variant)
                .map_err(|e| bad(V, line, format!("variant {e}")))?;
            variants.entry(r.name).or_default().push(r.variant);
        }
        // One person per name: a member who holds several seats, or a seat and a post on
        // the staff, keeps one id.
        let mut people = SeedPersons {
            ids: Default::default(),
            variants,
            now,
        };
        for (line, r) in rows::<MemberCsv>(C, MEMBERS_CSV)? {
            let seat_role = SeatRole::parse(&r.role).ok_or_else(|| {
                bad(
                    C,
                    line,
                    format!("role `{}` is not member/substitute", r.role),
                )
            })?;
            let office = Office::parse(&r.office).ok_or_else(|| {
                bad(
                    C,
                    line,
                    format!("office `{}` is not chair/vice_chair/none", r.office),
                )
            })?;
            if !samverkan_domain::registry::valid_range(r.term_from, r.term_to) {
                return Err(bad(C, line, "term_to is before term_from"));
            }
            let person_id = people.person(conn, C, line, &r.name)?;
            registry::insert_member(
                conn,
                &NewMember {
                    person_id: Some(person_id),
                    name: r.name,
                    party: r.party,
                    scb_code: code(C, line, &r.scb_code)?,
                    seat_role: seat_role.as_str().into(),
                    office: office.as_str().into(),
                    term_from: r.term_from,
                    term_to: r.term_to,
                    source: non_empty(r.source),
                    created_at: now,
                    updated_at: now,
                },
            )?;
            report.members += 1;
        }
        const S: &str = "staff.csv";
        for (line, r) in rows::<StaffCsv>(S, STAFF_CSV)? {
            let role = StaffRole::parse(&r.role).ok_or_else(|| {
                bad(
                    S,
                    line,
                    format!("role `{}` is not secretary/official", r.role),
                )
            })?;
            if !samverkan_domain::registry::valid_range(r.term_from, r.term_to) {
                return Err(bad(S, line, "term_to is before term_from"));
            }
            let person_id = people.person(conn, S, line, &r.name)?;
            crate::person::insert_staff(
                conn,
                &crate::person::NewStaff {
                    person_id,
                    role: role.as_str().into(),
                    title: r.title,
                    organisation: non_empty(r.organisation),
                    term_from: r.term_from,
                    term_to: r.term_to,
                    source: non_empty(r.source),
                    created_at: now,
                    updated_at: now,
                },
            )?;
            report.staff += 1;
        }
        report.persons = people.ids.len();
        report.linked_attendance =
            link_attendance(conn).map_err(|e| bad("meetings.json", 0, e.to_string()))?;
        conn.record("seed", "demo", "load", None, crate::write::state(&report));
        Ok(report)
    })
}

/// The persons the seed has made so far, by name: a name met again (a member with several
/// seats, a member on the staff) keeps its one id.
struct SeedPersons {
    ids: std::collections::HashMap<String, i64>,
    /// Other spellings of person-variants.csv, by the person's name.
    variants: std::collections::HashMap<String, Vec<String>>,
    now: chrono::NaiveDateTime,
}

impl SeedPersons {
    /// The id of the person named `name`, registered with their variants when new.
    fn person(
        &mut self,
        tx: &mut crate::Tx<'_>,
        file: &'static str,
        line: usize,
        name: &str,
    ) -> Result<i64, SeedError> {
        if let Some(id) = self.ids.get(name) {
            return Ok(*id);
        }
        let parsed = samverkan_domain::person::PersonName::parse(name)
            .map_err(|e| bad(file, line, format!("name {e}")))?;
        let p = crate::person::insert_person(
            tx,
            &crate::person::NewPerson {
                name: parsed.to_string(),
                variants: serde_json::to_string(
                    self.variants.get(name).map_or(&[][..], Vec::as_slice),
                )
                .map_err(|e| bad(file, line, e.to_string()))?,
                note: None,
                created_at: self.now,
                updated_at: self.now,
            },
        )?;
        self.ids.insert(name.to_owned(), p.id);
        Ok(p.id)
    }
}

/// Links the seeded meetings' attendance lines to the registry: a line whose name is a
/// person's own spelling (name or recorded variant) gets their id, as a meeting written
/// through the API does; the others stay as written.
fn link_attendance(tx: &mut crate::Tx<'_>) -> Result<usize, crate::CommandError> {
    use crate::schema::meetings;
    use diesel::prelude::*;
    use samverkan_domain::person::NameMatch;
    let people = crate::person::People::load(tx)?;
    let rows: Vec<crate::meetings::MeetingRow> = {
        let conn: &mut DbConnection = tx;
        meetings::table
            .select(crate::meetings::MeetingRow::as_select())
            .order(meetings::id.asc())
            .load(conn)?
    };
    let mut linked = 0;
    for m in rows {
        let mut attendance = m.attendance.clone();
        for a in attendance.iter_mut().filter(|a| a.person_id.is_none()) {
            if let Some((_, NameMatch::Exact(_))) = people.link(a) {
                linked += 1;
            }
        }
        if attendance != m.attendance {
            let text = crate::command::shown(&attendance)?.to_string();
            let conn: &mut DbConnection = tx;
            diesel::update(meetings::table.find(m.id))
                .set(meetings::attendance.eq(text))
                .execute(conn)?;
        }
    }
    Ok(linked)
}
