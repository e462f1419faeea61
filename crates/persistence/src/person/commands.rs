//! The person commands: each locks the person by id (a new one needs no lock), checks the
//! rule, saves and records the audit change; a renamed person's seats carry the new name.

use chrono::NaiveDate;
use samverkan_domain::ScbCode;
use samverkan_domain::ids::PersonId;
use samverkan_domain::person::{self, PersonName};
use samverkan_domain::registry::{self as registry_rules, Office, SeatRole, StaffRole};

use super::view::{Person, StaffMember};
use super::{NewPerson, NewStaff, PersonChanges, PersonRow, StaffChanges};
use crate::Tx;
use crate::command::CommandError;
use crate::registry::{self, MemberRow, NewMember, SeatChanges};
use crate::write::state as audit_state;

/// A person's spellings, parsed: the name and the other spellings on record.
#[derive(Debug, Clone)]
pub struct Spellings {
    pub name: PersonName,
    pub variants: Vec<PersonName>,
}

impl Spellings {
    /// A variant may not repeat the name or another variant (422 naming it).
    fn check(&self) -> Result<(), CommandError> {
        match person::repeated_variant(&self.name, &self.variants) {
            Some(i) => Err(CommandError::invalid(
                format!("variants[{i}]"),
                "repeats the name or another variant",
            )),
            None => Ok(()),
        }
    }

    fn variants_json(&self) -> Result<String, CommandError> {
        let v: Vec<&str> = self.variants.iter().map(PersonName::as_str).collect();
        Ok(crate::command::shown(&v)?.to_string())
    }
}

/// Register a person.
#[derive(Debug, Clone)]
pub struct Create {
    pub spellings: Spellings,
    pub note: Option<String>,
}

pub fn create(tx: &mut Tx<'_>, c: &Create) -> Result<PersonRow, CommandError> {
    c.spellings.check()?;
    let now = crate::now();
    let row = super::insert_person(
        tx,
        &NewPerson {
            name: c.spellings.name.to_string(),
            variants: c.spellings.variants_json()?,
            note: c.note.clone(),
            created_at: now,
            updated_at: now,
        },
    )?;
    tx.changed(
        &PersonId(row.id),
        "create",
        None,
        audit_state(&Person::from(row.clone())),
    );
    Ok(row)
}

/// Correct a person: `None` leaves a field as it is, `note: Some(None)` clears the note.
#[derive(Debug, Clone)]
pub struct Correct {
    pub id: PersonId,
    pub name: Option<PersonName>,
    pub variants: Option<Vec<PersonName>>,
    pub note: Option<Option<String>>,
}

/// Applies `c`; a new name is written on the person's seats too. The audit event keeps
/// the person before and after.
pub fn correct(tx: &mut Tx<'_>, c: &Correct) -> Result<PersonRow, CommandError> {
    tx.lock(&c.id)?;
    let current = super::find_person(tx, c.id.0)?
        .ok_or_else(|| CommandError::not_found(format!("no person {}", c.id)))?;
    let (stored_name, stored_variants) = current.spellings()?;
    let name = c.name.clone().unwrap_or(stored_name);
    let variants = c.variants.clone().unwrap_or(stored_variants);
    let spellings = Spellings { name, variants };
    // Spellings the request repeats among themselves are invalid (422); a repeat that
    // needs a stored spelling (a new variant that is the stored name, a new name that is
    // a stored variant) conflicts with the person as stored (409).
    if let Err(e) = spellings.check() {
        let own = match (&c.name, &c.variants) {
            (Some(n), Some(v)) => person::repeated_variant(n, v).is_some(),
            (None, Some(v)) => person::repeated_within(v).is_some(),
            _ => false,
        };
        return Err(match e {
            CommandError::Invalid(fields) if !own => CommandError::Conflicts(fields),
            e => e,
        });
    }
    let now = crate::now();
    let changes = PersonChanges {
        name: spellings.name.to_string(),
        variants: spellings.variants_json()?,
        note: c.note.clone().unwrap_or(current.note.clone()),
        updated_at: now,
    };
    let renamed = changes.name != current.name;
    let before = Person::from(current);
    let row = super::update_person(tx, c.id.0, &changes)?;
    if renamed {
        super::rename_seats(tx, c.id.0, &changes.name, now)?;
    }
    tx.changed(
        &c.id,
        "correct",
        audit_state(&before),
        audit_state(&Person::from(row.clone())),
    );
    Ok(row)
}

/// A seat (member or substitute for a municipality, for a term) as written by the
/// secretary; `person` holds it.
#[derive(Debug, Clone)]
pub struct Seat {
    pub person: PersonId,
    pub party: String,
    pub scb: ScbCode,
    pub role: SeatRole,
    pub office: Office,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
    pub source: Option<String>,
}

impl Seat {
    /// The term may not end before it starts (422 when the request gives both ends, 409
    /// when one of them is the stored seat's); the municipality must be a member on the
    /// first day of the term (409, naming it).
    fn check(&self, tx: &mut Tx<'_>, both_ends_given: bool) -> Result<(), CommandError> {
        if !registry_rules::valid_range(self.term_from, self.term_to) {
            let message = format!("must not be before term_from ({})", self.term_from);
            return Err(if both_ends_given {
                CommandError::invalid("term_to", message)
            } else {
                CommandError::conflicts("term_to", message)
            });
        }
        let m = registry::find_municipality(tx, self.scb.as_str())?;
        if !m.is_some_and(|m| registry_rules::in_force(m.member_from, m.member_to, self.term_from))
        {
            return Err(CommandError::conflicts(
                "scb_code",
                format!(
                    "{} is not a member municipality on {}",
                    self.scb, self.term_from
                ),
            ));
        }
        Ok(())
    }
}

/// Locks the person and loads them (a missing person conflicts with the request: 409
/// naming `field`).
fn lock_person(tx: &mut Tx<'_>, id: PersonId, field: &str) -> Result<PersonRow, CommandError> {
    tx.lock(&id)?;
    super::find_person(tx, id.0)?
        .ok_or_else(|| CommandError::conflicts(field, format!("no person {id} in the registry")))
}

/// Records a seat a person holds. Audited on the person (`create_seat`) with the seat.
pub fn add_seat(tx: &mut Tx<'_>, s: &Seat) -> Result<MemberRow, CommandError> {
    s.check(tx, true)?;
    let person = lock_person(tx, s.person, "person_id")?;
    let now = crate::now();
    let row = registry::insert_member(
        tx,
        &NewMember {
            name: person.name,
            party: s.party.clone(),
            scb_code: s.scb.to_string(),
            seat_role: s.role.as_str().into(),
            office: s.office.as_str().into(),
            term_from: s.term_from,
            term_to: s.term_to,
            source: s.source.clone(),
            created_at: now,
            updated_at: now,
            person_id: Some(s.person.0),
        },
    )?;
    tx.changed(
        &s.person,
        "create_seat",
        None,
        audit_state(&SeatView::from(&row)),
    );
    Ok(row)
}

/// Changes to a seat: `None` keeps a field; `term_to: Some(None)` reopens the term,
/// `source: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct SeatPatch {
    pub party: Option<String>,
    pub scb: Option<ScbCode>,
    pub role: Option<SeatRole>,
    pub office: Option<Office>,
    pub term_from: Option<NaiveDate>,
    pub term_to: Option<Option<NaiveDate>>,
    pub source: Option<Option<String>>,
}

/// Corrects or ends a seat (its person stays). Audited on the person (`correct_seat`)
/// with the seat before and after.
pub fn correct_seat(tx: &mut Tx<'_>, id: i64, p: &SeatPatch) -> Result<MemberRow, CommandError> {
    let missing = || CommandError::not_found(format!("no seat {id}"));
    let found = registry::find_member(tx, id)?.ok_or_else(missing)?;
    let Some(person) = found.person_id.map(PersonId) else {
        return Err(CommandError::Conflict(format!(
            "seat {id} names no person; link it first"
        )));
    };
    lock_person(tx, person, "person_id")?;
    // Read again under the person's lock (as a staff correction does): a concurrent
    // correction has committed by now, and the patch goes over what it left.
    let current = registry::find_member(tx, id)?.ok_or_else(missing)?;
    let p = p.clone();
    let s = Seat {
        person,
        party: p.party.unwrap_or_else(|| current.party.clone()),
        scb: p.scb.unwrap_or(current.scb_code),
        role: p.role.unwrap_or(current.seat_role),
        office: p.office.unwrap_or(current.office),
        term_from: p.term_from.unwrap_or(current.term_from),
        term_to: p.term_to.unwrap_or(current.term_to),
        source: p.source.unwrap_or_else(|| current.source.clone()),
    };
    s.check(tx, p.term_from.is_some() && p.term_to.is_some())?;
    let row = registry::update_member(
        tx,
        id,
        &SeatChanges {
            party: s.party.clone(),
            scb_code: s.scb.to_string(),
            seat_role: s.role.as_str().into(),
            office: s.office.as_str().into(),
            term_from: s.term_from,
            term_to: s.term_to,
            source: s.source.clone(),
            updated_at: crate::now(),
        },
    )?;
    tx.changed(
        &person,
        "correct_seat",
        audit_state(&SeatView::from(&current)),
        audit_state(&SeatView::from(&row)),
    );
    Ok(row)
}

/// What the audit log records of a seat.
#[derive(Debug, serde::Serialize)]
struct SeatView {
    seat_id: i64,
    person_id: Option<i64>,
    name: String,
    party: String,
    scb_code: String,
    role: &'static str,
    office: &'static str,
    term_from: NaiveDate,
    term_to: Option<NaiveDate>,
    source: Option<String>,
}

impl From<&MemberRow> for SeatView {
    fn from(m: &MemberRow) -> Self {
        SeatView {
            seat_id: m.id,
            person_id: m.person_id,
            name: m.name.clone(),
            party: m.party.clone(),
            scb_code: m.scb_code.to_string(),
            role: m.seat_role.as_str(),
            office: m.office.as_str(),
            term_from: m.term_from,
            term_to: m.term_to,
            source: m.source.clone(),
        }
    }
}

/// A staff appointment as written by the secretary: `person` serves as `role` with the
/// printed `title` for a term.
#[derive(Debug, Clone)]
pub struct Appointment {
    pub person: PersonId,
    pub role: StaffRole,
    pub title: String,
    pub organisation: Option<String>,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
    pub source: Option<String>,
}

impl Appointment {
    /// The term may not end before it starts: 422 when the request gives both ends, 409
    /// when one of them is the stored appointment's (the rule of seats).
    fn check(&self, both_ends_given: bool) -> Result<(), CommandError> {
        if registry_rules::valid_range(self.term_from, self.term_to) {
            return Ok(());
        }
        let message = format!("must not be before term_from ({})", self.term_from);
        Err(if both_ends_given {
            CommandError::invalid("term_to", message)
        } else {
            CommandError::conflicts("term_to", message)
        })
    }

    fn changes(&self) -> StaffChanges {
        StaffChanges {
            role: self.role.as_str().into(),
            title: self.title.clone(),
            organisation: self.organisation.clone(),
            term_from: self.term_from,
            term_to: self.term_to,
            source: self.source.clone(),
            updated_at: crate::now(),
        }
    }
}

/// Appoints a person of the registry to the staff. Audited on the person
/// (`create_staff`) with the appointment.
pub fn appoint(tx: &mut Tx<'_>, a: &Appointment) -> Result<StaffMember, CommandError> {
    a.check(true)?;
    let person = lock_person(tx, a.person, "person_id")?;
    let c = a.changes();
    let row = super::insert_staff(
        tx,
        &NewStaff {
            person_id: a.person.0,
            role: c.role,
            title: c.title,
            organisation: c.organisation,
            term_from: c.term_from,
            term_to: c.term_to,
            source: c.source,
            created_at: c.updated_at,
            updated_at: c.updated_at,
        },
    )?;
    let shown = StaffMember::new(row, person.name);
    tx.changed(&a.person, "create_staff", None, audit_state(&shown));
    Ok(shown)
}

/// Changes to an appointment: `None` keeps a field; `Some(None)` clears an optional one
/// (`term_to: Some(None)` reopens the term).
#[derive(Debug, Clone, Default)]
pub struct AppointmentPatch {
    pub role: Option<StaffRole>,
    pub title: Option<String>,
    pub organisation: Option<Option<String>>,
    pub term_from: Option<NaiveDate>,
    pub term_to: Option<Option<NaiveDate>>,
    pub source: Option<Option<String>>,
}

/// Corrects or ends a staff appointment (its person stays). Audited on the person
/// (`correct_staff`) with the appointment before and after.
pub fn correct_appointment(
    tx: &mut Tx<'_>,
    id: i64,
    p: &AppointmentPatch,
) -> Result<StaffMember, CommandError> {
    let missing = || CommandError::not_found(format!("no staff appointment {id}"));
    let (found, _) = super::find_staff(tx, id)?.ok_or_else(missing)?;
    let person = PersonId(found.person_id);
    tx.lock(&person)?;
    // Read again under the person's lock: a concurrent correction has committed by now.
    let (current, name) = super::find_staff(tx, id)?.ok_or_else(missing)?;
    let p = p.clone();
    let a = Appointment {
        person,
        role: p.role.unwrap_or(current.role),
        title: p.title.unwrap_or_else(|| current.title.clone()),
        organisation: p
            .organisation
            .unwrap_or_else(|| current.organisation.clone()),
        term_from: p.term_from.unwrap_or(current.term_from),
        term_to: p.term_to.unwrap_or(current.term_to),
        source: p.source.unwrap_or_else(|| current.source.clone()),
    };
    a.check(p.term_from.is_some() && p.term_to.is_some())?;
    let row = super::update_staff(tx, id, &a.changes())?;
    let before = StaffMember::new(current, name.clone());
    let after = StaffMember::new(row, name);
    tx.changed(
        &person,
        "correct_staff",
        audit_state(&before),
        audit_state(&after),
    );
    Ok(after)
}
