//! The person commands: each locks the person by id (a new one needs no lock), checks the
//! rule, saves and records the audit change; a renamed person's seats carry the new name.

use samverkan_domain::ids::PersonId;
use samverkan_domain::person::{self, PersonName};

use super::view::Person;
use super::{NewPerson, PersonChanges, PersonRow};
use crate::Tx;
use crate::command::CommandError;
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
    let name = match &c.name {
        Some(n) => n.clone(),
        None => PersonName::parse(&current.name)
            .map_err(|e| CommandError::Corrupt(format!("person {}: stored name {e}", c.id)))?,
    };
    let variants = match &c.variants {
        Some(v) => v.clone(),
        None => current
            .variants
            .iter()
            .map(|v| PersonName::parse(v))
            .collect::<Result<_, _>>()
            .map_err(|e| CommandError::Corrupt(format!("person {}: stored variant {e}", c.id)))?,
    };
    let spellings = Spellings { name, variants };
    spellings.check()?;
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
