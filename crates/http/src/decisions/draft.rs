use actix_web::{HttpRequest, HttpResponse, delete, patch};
use samverkan_domain::ids::DecisionId;
use samverkan_persistence::protocol::commands;

use super::json::{Decision, DraftDecisionPatch};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::extract::ValidJson;
use crate::meetings::write::Shown;
use crate::middleware::IF_MATCH_DOC;
use crate::route::{Id, State};

operation! {
    /// Change a draft paragraph
    ///
    /// Rewrites a paragraph of a draft protocol in place (absent fields are kept): a draft
    /// has no public history, so no version is added. The paragraph number may move to
    /// one that is free in the calendar year (409 naming `paragraph` otherwise); a new
    /// number that leaves a gap next to it is answered with `warnings`. Once the
    /// protocol is approved a decision changes only by a correction: 409. With `If-Match`
    /// (the ETag of `GET /decisions/{id}`) the change is made only if nobody changed the
    /// paragraph since (412 otherwise). Secretary only.
    update_decision: patch "/decisions/{id}", tag = "decisions",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Decision id"),
        ("If-Match" = Option<String>, Header, description = IF_MATCH_DOC)
    ),
    request_body = DraftDecisionPatch,
    200 "The changed paragraph" => Decision, 404 "No such decision",
    409 "The protocol is approved, or the paragraph number is in use",
    412 "If-Match names an ETag the paragraph no longer has: someone changed it since";
    |who: Authorized<SecretaryOnly>, state: State, req: HttpRequest, path: Id, body: ValidJson<DraftDecisionPatch>| {
        let id = DecisionId(path.into_inner());
        let tags = crate::middleware::if_match(&req)?;
        let changes = body.into_inner().changes();
        let (row, warnings) = db::write(&state, who.context(), move |tx| {
            Ok(commands::edit_paragraph(
                tx,
                &Shown,
                id,
                &changes,
                tags.as_deref(),
            )?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(Decision::of(row).warned(warnings)))
    }
}

operation! {
    /// Delete a draft paragraph
    ///
    /// Removes a paragraph from a draft protocol; its number is free again. A draft was
    /// never public, so no tombstone is left. An approved protocol keeps its paragraphs
    /// (409; withdraw one with a correction setting `public` to false). Secretary only.
    delete_decision: delete "/decisions/{id}", tag = "decisions",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Decision id")),
    204 "Deleted", 404 "No such decision", 409 "The protocol is approved";
    |who: Authorized<SecretaryOnly>, state: State, path: Id| {
        let id = DecisionId(path.into_inner());
        db::write(&state, who.context(), move |tx| {
            Ok(commands::delete_paragraph(tx, &Shown, id)?)
        })
        .await?;
        Ok(HttpResponse::NoContent().finish())
    }
}
