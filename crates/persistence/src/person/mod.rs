//! The person aggregate (the people of the registry): its rows and queries, its commands
//! and what the API shows of it.

pub mod commands;
pub mod view;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::person::{self, Known, NameMatch, PersonName};
use samverkan_domain::registry::StaffRole;

use crate::registry::MemberRow;
use crate::schema::{committee_members, persons, staff};
use crate::{DbConnection, SyncPage, Tx};

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct PersonRow as PersonRecord in persons, "person" by id,
        new pub(crate) NewPerson {
        pub id: i64,
        pub name: String,
        /// Other spellings on record, as a JSON array of names.
        pub variants: Vec<String> [json],
        pub note: Option<String>,
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }
}

impl PersonRow {
    /// The stored name and variants, parsed; one that is not a name is an error naming
    /// the person, never skipped.
    pub fn spellings(&self) -> Result<(PersonName, Vec<PersonName>), crate::CommandError> {
        let bad = |e: person::NameError| {
            crate::CommandError::Corrupt(format!("person {}: a stored spelling {e}", self.id))
        };
        let name = PersonName::parse(&self.name).map_err(bad)?;
        let variants = self
            .variants
            .iter()
            .map(|v| PersonName::parse(v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        Ok((name, variants))
    }
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct StaffRow as StaffRecord in staff, "staff appointment" by id,
        new pub(crate) NewStaff {
        pub id: i64,
        pub person_id: i64,
        pub role: StaffRole [state],
        /// The title the protocols print (*nämndsekreterare*, *samordnare* …).
        pub title: String,
        /// The employing organisation (the host municipality, usually).
        pub organisation: Option<String>,
        pub term_from: NaiveDate,
        pub term_to: Option<NaiveDate>,
        pub source: Option<String>,
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }
}

/// Filters of the staff list.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub person_id: Option<i64>,
    pub role: Option<StaffRole>,
    /// Appointments in force on this date.
    pub active_on: Option<NaiveDate>,
    pub page: SyncPage,
}

/// A page of the staff list: by id, or with `modified_since` by change.
pub fn list_staff(
    conn: &mut DbConnection,
    f: &StaffFilter,
) -> QueryResult<Vec<(StaffRow, String)>> {
    let mut q = staff::table
        .inner_join(persons::table)
        .select((StaffRow::as_select(), persons::name))
        .order(staff::id.asc())
        .limit(f.page.limit)
        .into_boxed();
    if let Some(p) = f.person_id {
        q = q.filter(staff::person_id.eq(p));
    }
    if let Some(r) = f.role {
        q = q.filter(staff::role.eq(r.as_str()));
    }
    if let Some(d) = f.active_on {
        q = q
            .filter(staff::term_from.le(d))
            .filter(staff::term_to.is_null().or(staff::term_to.ge(d)));
    }
    sync_page!(q, staff, f.page);
    q.load(conn)
}

/// One appointment with its person's name.
pub fn find_staff(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(StaffRow, String)>> {
    staff::table
        .find(id)
        .inner_join(persons::table)
        .select((StaffRow::as_select(), persons::name))
        .first(conn)
        .optional()
}

/// Only through [`commands::appoint`] and the demo seed.
pub(crate) fn insert_staff(tx: &mut Tx<'_>, s: &NewStaff) -> QueryResult<StaffRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(staff::table)
        .values(s)
        .returning(crate::columns_of::<StaffRow>())
        .get_result(conn)
}

/// The fields of an appointment that a correction may change.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = staff, treat_none_as_null = true)]
pub(crate) struct StaffChanges {
    pub role: String,
    pub title: String,
    pub organisation: Option<String>,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
    pub source: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// Only through [`commands::correct_appointment`].
pub(crate) fn update_staff(tx: &mut Tx<'_>, id: i64, c: &StaffChanges) -> QueryResult<StaffRow> {
    let conn: &mut DbConnection = tx;
    diesel::update(staff::table.find(id))
        .set(c)
        .returning(crate::columns_of::<StaffRow>())
        .get_result(conn)
}

/// A page of the persons list: by id, or with `modified_since` by change.
pub fn list_persons(conn: &mut DbConnection, page: &SyncPage) -> QueryResult<Vec<PersonRow>> {
    let mut q = persons::table
        .select(PersonRow::as_select())
        .order(persons::id.asc())
        .limit(page.limit)
        .into_boxed();
    sync_page!(q, persons, page);
    q.load(conn)
}

/// Everyone on record, by id (the registry is small: the name rule compares with all).
pub fn all_persons(conn: &mut DbConnection) -> QueryResult<Vec<PersonRow>> {
    list_persons(conn, &SyncPage::all())
}

pub fn find_person(conn: &mut DbConnection, id: i64) -> QueryResult<Option<PersonRow>> {
    persons::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// The seats a person has held, by term.
pub fn seats_of(conn: &mut DbConnection, person: i64) -> QueryResult<Vec<MemberRow>> {
    committee_members::table
        .filter(committee_members::person_id.eq(person))
        .select(MemberRow::as_select())
        .order((
            committee_members::term_from.asc(),
            committee_members::id.asc(),
        ))
        .load(conn)
}

/// Outside the person commands only for bulk loads (the demo seed).
pub(crate) fn insert_person(tx: &mut Tx<'_>, p: &NewPerson) -> QueryResult<PersonRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(persons::table)
        .values(p)
        .returning(crate::columns_of::<PersonRow>())
        .get_result(conn)
}

/// The fields of a person that a correction may change.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = persons, treat_none_as_null = true)]
pub(crate) struct PersonChanges {
    pub name: String,
    pub variants: String,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub(crate) fn update_person(
    tx: &mut Tx<'_>,
    id: i64,
    changes: &PersonChanges,
) -> QueryResult<PersonRow> {
    let conn: &mut DbConnection = tx;
    diesel::update(persons::table.find(id))
        .set(changes)
        .returning(crate::columns_of::<PersonRow>())
        .get_result(conn)
}

/// Writes a renamed person's name on the seats they hold (each seat's change time moves,
/// so a sync of the members list sees it) and moves the change time of their staff
/// appointments (the staff list shows the name too).
pub(crate) fn rename_seats(
    tx: &mut Tx<'_>,
    person: i64,
    name: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let conn: &mut DbConnection = tx;
    diesel::update(committee_members::table.filter(committee_members::person_id.eq(person)))
        .set((
            committee_members::name.eq(name),
            committee_members::updated_at.eq(at),
        ))
        .execute(conn)?;
    // The staff list shows the person's name: its appointments change with it.
    diesel::update(staff::table.filter(staff::person_id.eq(person)))
        .set(staff::updated_at.eq(at))
        .execute(conn)
}

/// Everyone on record with their spellings parsed: what the name rule compares a written
/// name with.
pub struct People(Vec<(i64, PersonName, Vec<PersonName>)>);

impl People {
    /// Loads every person; a stored spelling that is not a name is an error naming the
    /// person, never skipped.
    pub fn load(conn: &mut DbConnection) -> Result<People, crate::CommandError> {
        all_persons(conn)?
            .into_iter()
            .map(|p| {
                let (name, variants) = p.spellings()?;
                Ok((p.id, name, variants))
            })
            .collect::<Result<_, _>>()
            .map(People)
    }

    pub fn contains(&self, id: i64) -> bool {
        self.0.iter().any(|(i, _, _)| *i == id)
    }

    /// What `written` is to the registry.
    pub fn check(&self, written: &PersonName) -> NameMatch<i64> {
        let known: Vec<Known<'_, i64>> = self
            .0
            .iter()
            .map(|(id, name, variants)| Known {
                id: *id,
                name,
                variants,
            })
            .collect();
        person::match_name(written, &known)
    }

    /// The suggestions of a near miss as the API shows them.
    pub fn suggestions(&self, near: Vec<person::Suggestion<i64>>) -> Vec<view::Suggestion> {
        near.into_iter()
            .filter_map(|s| {
                let (_, name, _) = self.0.iter().find(|(id, _, _)| *id == s.id)?;
                Some(view::Suggestion {
                    person_id: s.id,
                    name: name.to_string(),
                    spelling: s.spelling,
                    distance: u32::try_from(s.distance).unwrap_or(u32::MAX),
                    href: format!("/api/v1/persons/{}", s.id),
                })
            })
            .collect()
    }

    /// What an attendance line's name is to the registry; the line gets the person's id
    /// when the name is their own spelling and it names nobody yet. `None`: the text is
    /// not a name.
    pub fn link(
        &self,
        a: &mut crate::meetings::AttendanceEntry,
    ) -> Option<(PersonName, NameMatch<i64>)> {
        let name = PersonName::parse(&a.name).ok()?;
        let found = self.check(&name);
        if let (None, NameMatch::Exact(id)) = (a.person_id, &found) {
            a.person_id = Some(*id);
        }
        Some((name, found))
    }

    /// A warning for a name written in `field` that is not a person's own spelling (near
    /// a person's, or nobody's); none for an exact one or a text that is not a name.
    pub fn warning(&self, field: String, written: &str) -> Option<view::NameWarning> {
        let name = PersonName::parse(written).ok()?;
        let found = self.check(&name);
        self.warning_of(field, &name, found)
    }

    /// The warning for `name` in `field`, which the rule found to be `found`.
    pub fn warning_of(
        &self,
        field: String,
        name: &PersonName,
        found: NameMatch<i64>,
    ) -> Option<view::NameWarning> {
        let (kind, suggestions) = match found {
            NameMatch::Exact(_) => return None,
            NameMatch::Near(s) => (view::MatchKind::Near, self.suggestions(s)),
            NameMatch::Unknown => (view::MatchKind::Unknown, Vec::new()),
        };
        let message = match suggestions.first() {
            Some(s) => format!(
                "`{name}` is not in the registry; did you mean {} (person {})? Stored as written",
                s.name, s.person_id
            ),
            None => format!("`{name}` is not in the registry; stored as written"),
        };
        Some(view::NameWarning {
            field,
            name: name.to_string(),
            result: kind,
            message,
            suggestions,
        })
    }
}
