//! The demo meetings (`data/seed/meetings.json`).

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::*;
use crate::Tx;
use crate::command::CommandError;
use crate::schema::meetings;

// ---------------------------------------------------------------- demo data

const MEETINGS_JSON: &str = include_str!("../../../../data/seed/meetings.json");

#[derive(Deserialize)]
struct SeedFile {
    meetings: Vec<SeedMeeting>,
}

#[derive(Deserialize)]
struct SeedApproval {
    approved_on: NaiveDate,
    signatures: Vec<Signature>,
}

#[derive(Deserialize)]
struct SeedMeeting {
    #[allow(dead_code)]
    source: String,
    meeting: MeetingInput,
    decisions: Vec<DecisionInput>,
    approval: SeedApproval,
    notices: Vec<NoticeInput>,
}

/// Loads the protocols of `data/seed/meetings.json` through the same rules as the API
/// (approved, with the notices the protocols give). Does nothing when meetings exist.
/// Signatures without a SHA-256 or BankID reference are accepted here only: the
/// January 2021 extract does not contain its signature page.
pub fn seed_meetings(tx: &mut Tx<'_>) -> Result<(usize, usize), CommandError> {
    if meetings::table.count().get_result::<i64>(&mut **tx)? > 0 {
        return Ok((0, 0));
    }
    let file: SeedFile =
        serde_json::from_str(MEETINGS_JSON).map_err(|e| invalid("meetings.json", e.to_string()))?;
    let mut counts = (0, 0);
    for m in file.meetings {
        let row = insert_meeting(tx, &m.meeting)?;
        for d in &m.decisions {
            insert_decision(tx, row.id, d)?;
            counts.1 += 1;
        }
        approve_meeting(
            tx,
            row.id,
            m.approval.approved_on,
            &m.approval.signatures,
            false,
        )?;
        for n in &m.notices {
            post_notice(tx, row.id, n)?;
        }
        counts.0 += 1;
    }
    Ok(counts)
}
