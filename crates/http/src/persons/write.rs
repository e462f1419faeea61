use actix_web::http::header;
use actix_web::{HttpResponse, patch, post};
use samverkan_domain::ids::PersonId;
use samverkan_persistence::person::commands;

use super::json::{NewPersonBody, Person, PersonPatch, parse_name, parse_note, parse_variants};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::route::{Id, State};

operation! {
    /// Register a person
    ///
    /// Adds a person to the registry (secretary or admin), with the other spellings
    /// protocols have used for them. Two persons may share a name (the id tells them
    /// apart); a variant may not repeat the name or another variant (422 naming it).
    create_person: post "/persons", tag = "registry",
    security(("bearer" = [])), request_body = NewPersonBody,
    201 "Created" => Person, located "URL of the person", 422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<NewPersonBody>| {
        let b = body.into_inner();
        let mut errors = Vec::new();
        let name = parse_name("name", &b.name, &mut errors);
        let variants = parse_variants(&b.variants, &mut errors);
        let note = b.note.as_deref().and_then(|n| parse_note(n, &mut errors));
        ApiError::fail_on(errors)?;
        let Some(name) = name else {
            return Err(ApiError::internal("a checked name is missing"));
        };
        let cmd = commands::Create {
            spellings: commands::Spellings { name, variants },
            note,
        };
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::create(tx, &cmd)?)
        })
        .await?;
        let person = Person::from(row);
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, person.links.self_.clone()))
            .json(person))
    }
}

operation! {
    /// Correct a person
    ///
    /// Changes a person's name, spellings or note (secretary or admin); absent fields stay
    /// as they are, `variants` replaces the list, `note: null` clears the note. A new name
    /// is written on the seats the person holds (their `updated_at` moves, so a sync of
    /// `/members` sees it). The audit log keeps the person before and after.
    correct_person: patch "/persons/{id}", tag = "registry",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Person id")),
    request_body = PersonPatch,
    200 "The corrected person" => Person, 404 "No such person", 422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<PersonPatch>| {
        let id = PersonId(path.into_inner());
        let b = body.into_inner();
        let mut errors = Vec::new();
        let name = b
            .name
            .as_deref()
            .and_then(|n| parse_name("name", n, &mut errors));
        let variants = b
            .variants
            .as_deref()
            .map(|v| parse_variants(v, &mut errors));
        let note = b
            .note
            .map(|n| n.as_deref().and_then(|n| parse_note(n, &mut errors)));
        ApiError::fail_on(errors)?;
        let cmd = commands::Correct {
            id,
            name,
            variants,
            note,
        };
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::correct(tx, &cmd)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(Person::from(row)))
    }
}
