//! The person aggregate (the people of the registry): its rows and queries, its commands
//! and what the API shows of it.

pub mod commands;
pub mod view;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::registry::MemberRow;
use crate::schema::{committee_members, persons};
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
/// so a sync of the members list sees it).
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
        .execute(conn)
}
