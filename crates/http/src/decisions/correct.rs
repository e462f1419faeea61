use actix_web::{HttpResponse, post};
use samverkan_domain::ids::DecisionId;
use samverkan_persistence::protocol::commands;

use super::json::{CorrectionRequest, Decision};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::extract::ValidJson;
use crate::meetings::write::Shown;
use crate::route::{Id, State};

operation! {
    /// Correct an approved decision
    ///
    /// The content of an approved protocol is frozen: a correction makes a new version
    /// with a reason; the history stays readable at `/decisions/{id}/versions`. Setting
    /// `public` to false withdraws the paragraph (it then appears as a tombstone in
    /// `modified_since` feeds). Secretary only.
    create_correction: post "/decisions/{id}/corrections", tag = "decisions",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Decision id")),
    request_body = CorrectionRequest,
    201 "The corrected decision (new version)" => Decision, 409 "The protocol is still a draft";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<CorrectionRequest>| {
        let id = path.into_inner();
        let correction = body.into_inner().correction();
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::correct(tx, &Shown, DecisionId(id), &correction)?)
        })
        .await?;
        Ok(HttpResponse::Created().json(Decision::of(row)))
    }
}
