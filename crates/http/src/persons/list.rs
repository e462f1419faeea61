use actix_web::{HttpResponse, get};
use samverkan_domain::person::{NameMatch, PersonName};
use samverkan_persistence::person;

use super::json::{ListPersonsQuery, MatchKind, MatchQuery, NameMatchJson, Person};
use crate::db;
use crate::error::ApiError;
use crate::pagination::{self};
use crate::route::{Id, NoQuery, Query, State};

operation! {
    /// List persons
    ///
    /// The people of the registry (members, substitutes, officers, staff), ordered by id
    /// (with `modified_since`: changes oldest first). Each person keeps one id across
    /// seats, offices and years; their seats are `GET /members?person={id}`. Public.
    list_persons: get "/persons", tag = "registry",
    page of Person by ListPersonsQuery as (q, limit), "A page of persons";
    |state: State| {
        let page = pagination::sync_page(q.after.as_deref(), q.modified_since, limit)?;
        let rows = db::run(&state, move |conn| Ok(person::list_persons(conn, &page)?)).await?;
        let page = pagination::Next::new("/api/v1/persons", limit)
            .with_time("modified_since", q.modified_since)
            .page(
                rows,
                |p| pagination::row_cursor(p.updated_at, p.id),
                Person::from,
            );
        Ok(HttpResponse::Ok().json(page))
    }
}

operation! {
    /// Match a written name against the registry
    ///
    /// What a name as a protocol writes it is: `exact` (a person's name or recorded
    /// variant, letter for letter), `near` (within one edit of a person's spelling, two
    /// from 12 letters — a transposed, dropped, added or changed letter; case and
    /// diacritics do not count — with the persons it may mean, nearest first) or
    /// `unknown`. Nothing is stored. Public.
    match_person: get "/name-check", tag = "registry",
    params(MatchQuery),
    200 "What the name is to the registry" => NameMatchJson;
    |state: State, query: Query<MatchQuery>| {
        let written = PersonName::parse(&query.name)
            .map_err(|e| ApiError::bad_request("name", e.to_string()))?;
        let people = db::run(&state, move |conn| Ok(person::People::load(conn)?)).await?;
        let (result, person_id, suggestions) = match people.check(&written) {
            NameMatch::Exact(id) => (MatchKind::Exact, Some(id), Vec::new()),
            NameMatch::Near(s) => (MatchKind::Near, None, people.suggestions(s)),
            NameMatch::Unknown => (MatchKind::Unknown, None, Vec::new()),
        };
        Ok(HttpResponse::Ok().json(NameMatchJson {
            name: written.to_string(),
            result,
            person_id,
            suggestions,
        }))
    }
}

operation! {
    /// Get one person
    ///
    /// With the spellings on record. Public.
    get_person: get "/persons/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Person id")),
    200 "The person" => Person, 404 "No such person";
    |_query: NoQuery, state: State, path: Id| {
        let id = path.into_inner();
        let row = db::run(&state, move |conn| {
            person::find_person(conn, id)?
                .ok_or_else(|| ApiError::not_found(format!("no person {id}")))
        })
        .await?;
        Ok(HttpResponse::Ok().json(Person::from(row)))
    }
}
