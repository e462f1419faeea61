//! The code's layers, checked on its source: a handler parses HTTP, runs one command and
//! renders; the command (in `samverkan-persistence`) takes the aggregate's lock.

use crate::both;

/// Every write of the HTTP layer is a command: no handler takes an aggregate's lock or
/// records an audit change itself (invoices, the registry, the protocol, activities and
/// cost streams all run as commands in `samverkan-persistence`).
#[test]
fn handlers_take_no_lock_and_record_no_change() {
    for file in crate::support::sources("http") {
        let text = std::fs::read_to_string(&file).expect("source");
        // `Tx::lock(&key)`, `Tx::record(…)`, `Tx::changed(…)`; a mutex's `.lock()` takes
        // no argument.
        for call in [".lock(&", ".record(", ".changed("] {
            assert!(
                !text.contains(call),
                "{} calls `{call}…)`: a write is a command in samverkan-persistence that \
                 locks and records (see invoice/commands.rs)",
                file.display()
            );
        }
    }
}

/// Lock keys come from the aggregates' id types, never from a string a caller spells.
#[test]
fn locks_are_typed() {
    for krate in ["http", "persistence"] {
        for file in crate::support::sources(krate) {
            let text = std::fs::read_to_string(&file).expect("source");
            assert!(
                !text.contains(".lock(\""),
                "{} locks by a string: lock by the aggregate's id type (write::Aggregate)",
                file.display()
            );
        }
    }
}

both!(
    stored_json_that_does_not_parse_is_an_error_naming_the_row,
    |app| async move {
        use diesel::RunQueryDsl;
        use samverkan_persistence::{activities, meetings, write};
        let secretary = app.as_role(samverkan_domain::Role::Secretary);
        let r = secretary
            .post(
                "/api/v1/meetings",
                &crate::meetings::meeting_body("2031-03-04"),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let id = r.json()["id"].as_i64().expect("id");
        let mut pooled = app.pool.get().expect("connection");
        let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
        diesel::sql_query(format!(
            "UPDATE meetings SET attendance = '[{{\"nam\": 1}}]' WHERE id = {id}"
        ))
        .execute(conn)
        .expect("update");
        diesel::sql_query("UPDATE activities SET contacts = 'not json'")
            .execute(conn)
            .expect("update");
        // The audit log is append-only: a broken event can only be appended.
        diesel::sql_query(
            "INSERT INTO audit_events (seq, at, actor_sub, actor_role, aggregate_type, \
         aggregate_id, action, change_json) SELECT COALESCE(MAX(seq), 0) + 1, \
         CURRENT_TIMESTAMP, 'test', 'test', 'meeting', '1', 'update', '{' FROM audit_events",
        )
        .execute(conn)
        .expect("insert");
        // Never an empty list in its place: an error that names the row and the column.
        let e = meetings::find_meeting(conn, id).expect_err("a broken attendance");
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("meeting {id}")) && msg.contains("attendance"),
            "{msg}"
        );
        let e = activities::list_activities(
            conn,
            &activities::ActivityFilter {
                page: samverkan_persistence::SyncPage::all(),
                ..Default::default()
            },
        )
        .expect_err("broken contacts");
        assert!(e.to_string().contains("contacts"), "{e}");
        let e = write::list_audit(
            conn,
            &write::AuditFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .expect_err("a broken change");
        assert!(e.to_string().contains("change_json"), "{e}");
        drop(pooled);
        // Through HTTP: a 500, not a meeting without its attendance list.
        let r = secretary.get(&format!("/api/v1/meetings/{id}")).await;
        assert_eq!(r.status, 500, "{}", r.text());
    }
);

/// Stored data that does not parse is an error, never a silent default: no parse of
/// stored text falls back to an empty value.
#[test]
fn no_silent_default_on_parsed_data() {
    for krate in ["http", "persistence"] {
        for file in crate::support::sources(krate) {
            let text = std::fs::read_to_string(&file).expect("source");
            for (i, line) in text.lines().enumerate() {
                let parses = line.contains("serde_json::from_str(")
                    || line.contains("serde_json::from_value(");
                let defaults = line.contains("unwrap_or_default()")
                    || line.contains("unwrap_or(Value::Null)")
                    || line.contains(").ok()");
                assert!(
                    !(parses && defaults),
                    "{}:{}: a parse that falls back to a default: {}",
                    file.display(),
                    i + 1,
                    line.trim()
                );
            }
        }
    }
}

/// The writes that deliberately run outside a command's write transaction, each with why.
const WRITES_OUTSIDE_COMMANDS: &[(&str, &str)] = &[
    // A usage stamp on a token, not a change of the record: no audit event.
    ("tokens.rs", "touch"),
    // Issue and revoke run the write path themselves (they are the CLI's commands).
    ("tokens.rs", "revoke"),
    ("tokens.rs", "record_issued"),
    // At start, documents issued before documents were frozen get their stored copy.
    ("invoices.rs", "freeze"),
    ("document.rs", "freeze_issued"),
    // Idempotency keys are claimed before the command's transaction and released after.
    ("idempotency.rs", "claim"),
    ("idempotency.rs", "complete"),
    ("idempotency.rs", "release"),
    // Like `seed`, the reference data's loader runs the write path itself (one audited
    // transaction), from the command line or a test's set-up.
    ("seed.rs", "seed_reference"),
];

/// Only the write path can write: a repository writer takes the open write transaction
/// (`&mut Tx`), so a read (`db::run`, a plain connection) cannot call it.
#[test]
fn repository_writers_take_the_write_transaction() {
    const WRITERS: &[&str] = &[
        "insert",
        "update",
        "set_",
        "put_",
        "touch",
        "approve",
        "post_",
        "correct",
        "create",
        "mark_",
        "transition",
        "freeze",
        "next_number",
        "claim",
        "complete",
        "release",
        "revoke",
        "record_",
        "seed_",
    ];
    let mut checked = 0;
    for file in crate::support::sources("persistence") {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let text = std::fs::read_to_string(&file).expect("source");
        // Public writers: a private one is reachable only from its module's writers.
        for (at, _) in text
            .match_indices("pub fn ")
            .chain(text.match_indices("pub(crate) fn "))
        {
            let at = at + text[at..].find("fn ").unwrap_or(0);
            let rest = &text[at + 3..];
            let Some(open) = rest.find('(') else { continue };
            let f = &rest[..open];
            if !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                || !WRITERS.iter().any(|w| f.starts_with(w))
            {
                continue;
            }
            let sig = &rest[..rest.find('{').unwrap_or(rest.len())];
            if !sig.contains("&mut DbConnection") && !sig.contains("Tx<'_>") {
                continue;
            }
            checked += 1;
            let outside = WRITES_OUTSIDE_COMMANDS.contains(&(name.as_str(), f));
            assert!(
                sig.contains("Tx<'_>") != outside,
                "{name}: `{f}` {}",
                if outside {
                    "is listed as a write outside commands but takes the transaction: take it off"
                } else {
                    "writes on a plain connection: take `tx: &mut Tx<'_>` (or list it, with why)"
                }
            );
        }
    }
    assert!(
        checked > 30,
        "only {checked} writers found: the check lost its way"
    );
}

/// The stored rows that still carry a closed set as text, each with why.
const TEXT_STATES: &[(&str, &str)] = &[
    // A cost stream's kind is checked against the domain's list of kinds (an open list
    // the committee extends), not an enum.
    ("CostStreamRow", "kind"),
];

/// No state is a string below the JSON boundary: the rows the repositories return carry
/// the domain's enums (and the `ScbCode` of a municipality), parsed where the row is read.
#[test]
fn rows_carry_domain_states() {
    const STATES: &[&str] = &[
        "status",
        "kind",
        "phase",
        "state",
        "category",
        "doc_type",
        "seat_role",
        "office",
        "vat_regime",
        "vat_category",
        "from_phase",
        "to_phase",
        // Not a state but a parsed code: a row carries `ScbCode`, never its text.
        "scb_code",
    ];
    let mut rows = 0;
    for file in crate::support::sources("persistence") {
        let text = std::fs::read_to_string(&file).expect("source");
        for (at, _) in text.match_indices("pub struct ") {
            let rest = &text[at + 11..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !name.ends_with("Row") {
                continue;
            }
            rows += 1;
            let body = &rest[..rest.find("\n}").unwrap_or(rest.len())];
            for line in body.lines().map(str::trim) {
                let Some(field) = line.strip_prefix("pub ") else {
                    continue;
                };
                let Some((f, ty)) = field.split_once(':') else {
                    continue;
                };
                let text_state = STATES.contains(&f.trim())
                    && matches!(ty.trim().trim_end_matches(','), "String" | "Option<String>");
                assert!(
                    !text_state || TEXT_STATES.contains(&(name.as_str(), f.trim())),
                    "{name}.{f} is a state stored as text: give it the domain's enum (parse it \
                     in the row's parsed_row!)"
                );
            }
        }
    }
    assert!(rows > 15, "only {rows} rows found: the check lost its way");
}
