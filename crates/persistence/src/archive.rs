//! Export and import of the whole state: a versioned, documented archive that is the same
//! bytes whichever backend wrote it, and so also the way from the embedded SQLite to
//! PostgreSQL and back.
//!
//! An archive is a directory: one `<table>.ndjson` per table (one JSON object per row, by
//! primary key, keys sorted; text as strings, integers as numbers, booleans, dates
//! `YYYY-MM-DD`, times `HH:MM:SS.ffffff`, timestamps `YYYY-MM-DDTHH:MM:SS.ffffff` in
//! UTC, `null`) and `manifest.json` with the format, its version, the schema's migration
//! and per table its file, row count and SHA-256. Everything but idempotency keys (a
//! 24-hour retry cache) is in it: registry, meetings, decisions and versions, activities,
//! money, the audit log and token revocations. The export reads one consistent snapshot;
//! the import fills an empty, migrated database in one transaction, checks every count
//! and digest first, and writes no audit event of its own (a restore is not a change).

use std::fmt::Write as _;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Backend, DbConnection};

/// The archive format's name and version.
pub const FORMAT: &str = "samverkan-export";
pub const VERSION: u32 = 1;

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Bool,
    Date,
    Time,
    Timestamp,
}

/// A table of the archive.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// Primary key columns: the order of the rows.
    pub key: &'static [&'static str],
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::{Bool, Date, Int, Text as Str, Time, Timestamp as Ts};

/// Every table, parents before children (the import order). A test holds this list to
/// `schema.rs`.
pub const TABLES: &[Table] = &[
    Table {
        name: "municipalities",
        key: &["scb_code"],
        columns: &[
            ("scb_code", Str),
            ("name", Str),
            ("name_folded", Str),
            ("org_number", Str),
            ("is_host", Bool),
            ("member_from", Date),
            ("member_to", Date),
            ("peppol_endpoint_id", Str),
            ("buyer_reference", Str),
            ("address_street", Str),
            ("address_postcode", Str),
            ("address_city", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("legal_name", Str),
            ("peppol_endpoint_scheme", Str),
        ],
    },
    Table {
        name: "population_snapshots",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("scb_code", Str),
            ("snapshot_date", Date),
            ("population", Int),
            ("source", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "persons",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("name", Str),
            ("variants", Str),
            ("note", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
        ],
    },
    Table {
        name: "committee_members",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("name", Str),
            ("party", Str),
            ("scb_code", Str),
            ("seat_role", Str),
            ("office", Str),
            ("term_from", Date),
            ("term_to", Date),
            ("source", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("person_id", Int),
        ],
    },
    Table {
        name: "staff",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("person_id", Int),
            ("role", Str),
            ("title", Str),
            ("organisation", Str),
            ("term_from", Date),
            ("term_to", Date),
            ("source", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
        ],
    },
    Table {
        name: "revoked_tokens",
        key: &["jti"],
        columns: &[("jti", Str), ("revoked_at", Ts), ("reason", Str)],
    },
    Table {
        name: "issued_tokens",
        key: &["jti"],
        columns: &[
            ("jti", Str),
            ("sub", Str),
            ("role", Str),
            ("municipality", Str),
            ("issued_at", Ts),
            ("expires_at", Ts),
            ("last_used_at", Ts),
        ],
    },
    Table {
        name: "meetings",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("kind", Str),
            ("meeting_date", Date),
            ("start_time", Time),
            ("end_time", Time),
            ("place", Str),
            ("chair", Str),
            ("secretary", Str),
            ("adjusters", Str),
            ("attendance", Str),
            ("status", Str),
            ("approved_on", Date),
            ("signatures", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
        ],
    },
    Table {
        name: "meeting_notices",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("meeting_id", Int),
            ("scb_code", Str),
            ("posted_on", Date),
            ("taken_down_on", Date),
            ("kept_at", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "decisions",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("meeting_id", Int),
            ("meeting_date", Date),
            ("year", Int),
            ("paragraph", Int),
            ("case_number", Str),
            ("kind", Str),
            ("public", Bool),
            ("approved", Bool),
            ("title", Str),
            ("body", Str),
            ("recipients_folded", Str),
            ("search_raw", Str),
            ("search_stemmed", Str),
            ("version", Int),
            ("published_at", Ts),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("appeal_posted_all_on", Date),
            ("appeal_last_day", Date),
            ("appeal_moved_from", Date),
        ],
    },
    Table {
        name: "decision_versions",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("decision_id", Int),
            ("version", Int),
            ("content", Str),
            ("reason", Str),
            ("changed", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "activities",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("category", Str),
            ("name", Str),
            ("goal", Str),
            ("phase", Str),
            ("start_year", Int),
            ("start_date", Date),
            ("expected_end", Date),
            ("contacts", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("latest_report_id", Int),
        ],
    },
    Table {
        name: "activity_participants",
        key: &["activity_id", "scb_code"],
        columns: &[("activity_id", Int), ("scb_code", Str)],
    },
    Table {
        name: "phase_changes",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("activity_id", Int),
            ("changed_on", Date),
            ("from_phase", Str),
            ("to_phase", Str),
            ("reason", Str),
            ("decision_year", Int),
            ("decision_paragraph", Int),
            ("case_number", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "status_reports",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("activity_id", Int),
            ("reported_on", Date),
            ("text", Str),
            ("meeting_date", Date),
            ("meeting_paragraph", Int),
            ("created_at", Ts),
            ("updated_at", Ts),
        ],
    },
    Table {
        name: "rollouts",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("activity_id", Int),
            ("scb_code", Str),
            ("state", Str),
            ("started_on", Date),
            ("completed_on", Date),
            ("as_of", Date),
            ("note", Str),
            ("updated_at", Ts),
        ],
    },
    Table {
        name: "procurements",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("activity_id", Int),
            ("name", Str),
            ("status", Str),
            ("award_decision_year", Int),
            ("award_decision_paragraph", Int),
            ("award_case_number", Str),
            ("award_note", Str),
            ("supplier_name", Str),
            ("supplier_org_number", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "contracts",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("activity_id", Int),
            ("procurement_id", Int),
            ("name", Str),
            ("supplier_name", Str),
            ("supplier_org_number", Str),
            ("start_date", Date),
            ("end_date", Date),
            ("extendable", Bool),
            ("extension_options", Str),
            ("call_off_members", Bool),
            ("call_off_companies", Bool),
            ("call_off_foundations", Bool),
            ("note", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "cost_streams",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("year", Int),
            ("name", Str),
            ("kind", Str),
            ("model_json", Str),
            ("amount_ore", Int),
            ("rounding_unit_ore", Int),
            ("participants_json", Str),
            ("vat_category", Str),
            ("vat_percent", Int),
            ("vat_exemption_reason", Str),
            ("activity_id", Int),
            ("decision_year", Int),
            ("decision_paragraph", Int),
            ("population_source", Str),
            ("allocation_json", Str),
            ("created_at", Ts),
            ("updated_at", Ts),
        ],
    },
    Table {
        name: "invoices",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("doc_type", Str),
            ("scb_code", Str),
            ("year", Int),
            ("period", Str),
            ("status", Str),
            ("series", Str),
            ("number", Str),
            ("issue_date", Date),
            ("due_date", Date),
            ("buyer_reference", Str),
            ("credits_invoice_id", Int),
            ("total_ore", Int),
            ("paid_ore", Int),
            ("created_at", Ts),
            ("updated_at", Ts),
            ("vat_regime", Str),
            ("line_extension_ore", Int),
            ("tax_ore", Int),
            ("credited_ore", Int),
            ("payment_account", Str),
            ("seller_vat_id", Str),
            ("issued_ubl", Str),
            ("issued_ubl_sha256", Str),
            ("buyer_name", Str),
        ],
    },
    Table {
        name: "invoice_vat",
        key: &["invoice_id", "vat_category", "vat_percent"],
        columns: &[
            ("invoice_id", Int),
            ("vat_category", Str),
            ("vat_percent", Int),
            ("taxable_ore", Int),
            ("tax_ore", Int),
            ("vat_exemption_reason", Str),
        ],
    },
    Table {
        name: "invoice_lines",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("invoice_id", Int),
            ("line_no", Int),
            ("cost_stream_id", Int),
            ("description", Str),
            ("amount_ore", Int),
            ("vat_category", Str),
            ("vat_percent", Int),
            ("vat_exemption_reason", Str),
        ],
    },
    Table {
        name: "payments",
        key: &["id"],
        columns: &[
            ("id", Int),
            ("invoice_id", Int),
            ("amount_ore", Int),
            ("paid_on", Date),
            ("reference", Str),
            ("created_at", Ts),
        ],
    },
    Table {
        name: "number_series",
        key: &["series"],
        columns: &[("series", Str), ("last_number", Int)],
    },
    Table {
        name: "audit_events",
        key: &["seq"],
        columns: &[
            ("seq", Int),
            ("at", Ts),
            ("actor_sub", Str),
            ("actor_role", Str),
            ("request_id", Str),
            ("aggregate_type", Str),
            ("aggregate_id", Str),
            ("action", Str),
            ("change_json", Str),
            ("actor_jti", Str),
        ],
    },
];

/// Tables the archive leaves out, and why (a test checks every table is in one list).
pub const LEFT_OUT: &[(&str, &str)] = &[(
    "idempotency_keys",
    "a retry cache kept 24 hours; a restored database starts without one",
)];

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The newest migration of the schema the archive was read from.
    pub migration: String,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub file: String,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Invalid(String),
}

fn io(path: &Path, e: std::io::Error) -> ArchiveError {
    ArchiveError::Io(format!("{}: {e}", path.display()))
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    row: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    version: Option<String>,
}

fn backend(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Pg(_) => Backend::Postgres,
        DbConnection::Sqlite(_) => Backend::Sqlite,
    }
}

/// The newest applied migration.
pub fn schema_migration(conn: &mut DbConnection) -> Result<String, ArchiveError> {
    let v: Version = diesel::sql_query(
        "SELECT CAST(MAX(version) AS TEXT) AS version FROM __diesel_schema_migrations",
    )
    .get_result(conn)?;
    v.version
        .ok_or_else(|| ArchiveError::Invalid("the database is not migrated".into()))
}

const TS_OUT: &str = "%Y-%m-%dT%H:%M:%S%.6f";
const TIME_OUT: &str = "%H:%M:%S%.6f";

fn bad(table: &str, column: &str, v: &str) -> ArchiveError {
    ArchiveError::Invalid(format!("{table}.{column}: cannot read `{v}`"))
}

/// A value as the database gave it (text or NULL) in the archive's form.
fn to_json(
    t: &Table,
    (column, kind): (&str, Kind),
    v: Option<&str>,
) -> Result<serde_json::Value, ArchiveError> {
    use serde_json::Value;
    let Some(v) = v else { return Ok(Value::Null) };
    let err = || bad(t.name, column, v);
    Ok(match kind {
        Kind::Text => Value::String(v.to_owned()),
        Kind::Int => Value::from(v.parse::<i64>().map_err(|_| err())?),
        Kind::Bool => Value::Bool(match v {
            "t" | "true" | "1" => true,
            "f" | "false" | "0" => false,
            _ => return Err(err()),
        }),
        Kind::Date => Value::String(
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| err())?
                .to_string(),
        ),
        Kind::Time => Value::String(
            NaiveTime::parse_from_str(v, "%H:%M:%S%.f")
                .map_err(|_| err())?
                .format(TIME_OUT)
                .to_string(),
        ),
        Kind::Timestamp => Value::String(
            NaiveDateTime::parse_from_str(&v.replacen('T', " ", 1), "%Y-%m-%d %H:%M:%S%.f")
                .map_err(|_| err())?
                .format(TS_OUT)
                .to_string(),
        ),
    })
}

/// The rows of a table as NDJSON lines, by key.
fn table_lines(conn: &mut DbConnection, t: &Table) -> Result<String, ArchiveError> {
    let cols = t
        .columns
        .iter()
        .map(|(c, _)| format!("CAST({c} AS TEXT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let select = match backend(conn) {
        Backend::Postgres => format!("json_build_array({cols})::text"),
        Backend::Sqlite => format!("json_array({cols})"),
    };
    let sql = format!(
        "SELECT {select} AS row FROM {} ORDER BY {}",
        t.name,
        t.key.join(", ")
    );
    let rows: Vec<JsonRow> = diesel::sql_query(sql).load(conn)?;
    let mut out = String::new();
    for r in rows {
        let values: Vec<Option<String>> = serde_json::from_str(&r.row)
            .map_err(|e| ArchiveError::Invalid(format!("{}: {e}", t.name)))?;
        let mut obj = serde_json::Map::new();
        for (col, v) in t.columns.iter().zip(values.iter()) {
            obj.insert(col.0.to_owned(), to_json(t, *col, v.as_deref())?);
        }
        out.push_str(&serde_json::Value::Object(obj).to_string());
        out.push('\n');
    }
    Ok(out)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Writes the archive of the whole state into `dir` (created if absent; it must hold no
/// archive yet) from one consistent snapshot.
pub fn export(conn: &mut DbConnection, dir: &Path) -> Result<Manifest, ArchiveError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    if dir.join("manifest.json").exists() {
        return Err(ArchiveError::Invalid(format!(
            "{} already holds an archive",
            dir.display()
        )));
    }
    let begin = match backend(conn) {
        Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        Backend::Sqlite => "BEGIN DEFERRED",
    };
    conn.batch_execute(begin)?;
    let read = (|| {
        let migration = schema_migration(conn)?;
        let mut tables = Vec::new();
        for t in TABLES {
            let text = table_lines(conn, t)?;
            tables.push((t, text));
        }
        Ok::<_, ArchiveError>((migration, tables))
    })();
    conn.batch_execute("COMMIT")?;
    let (migration, tables) = read?;
    let mut manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        migration,
        tables: Vec::new(),
    };
    for (t, text) in tables {
        let file = format!("{}.ndjson", t.name);
        let path = dir.join(&file);
        std::fs::write(&path, &text).map_err(|e| io(&path, e))?;
        manifest.tables.push(TableEntry {
            name: t.name.into(),
            file,
            rows: text.lines().count() as u64,
            sha256: sha256_hex(text.as_bytes()),
        });
    }
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    std::fs::write(&path, json + "\n").map_err(|e| io(&path, e))?;
    Ok(manifest)
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A value of the archive as an SQL literal of the backend.
fn literal(
    b: Backend,
    t: &Table,
    (column, kind): (&str, Kind),
    v: &serde_json::Value,
) -> Result<String, ArchiveError> {
    use serde_json::Value;
    let err = || ArchiveError::Invalid(format!("{}.{column}: unexpected {v}", t.name));
    Ok(match (kind, v) {
        (_, Value::Null) => "NULL".into(),
        (Kind::Int, Value::Number(n)) => n.as_i64().ok_or_else(err)?.to_string(),
        (Kind::Bool, Value::Bool(x)) => match (b, x) {
            (Backend::Postgres, true) => "TRUE".into(),
            (Backend::Postgres, false) => "FALSE".into(),
            (Backend::Sqlite, true) => "1".into(),
            (Backend::Sqlite, false) => "0".into(),
        },
        (Kind::Text, Value::String(s)) => quote(s),
        (Kind::Date, Value::String(s)) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| err())?;
            quote(s)
        }
        (Kind::Time, Value::String(s)) => {
            let t = NaiveTime::parse_from_str(s, "%H:%M:%S%.f").map_err(|_| err())?;
            quote(&t.format("%H:%M:%S%.f").to_string())
        }
        (Kind::Timestamp, Value::String(s)) => {
            let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| err())?;
            // The form diesel writes on SQLite; PostgreSQL reads it too.
            quote(&t.format("%Y-%m-%d %H:%M:%S%.f").to_string())
        }
        _ => return Err(err()),
    })
}

/// Reads and checks an archive: the manifest's format, version and migration, and every
/// file's row count and SHA-256.
pub fn read(dir: &Path, migration: &str) -> Result<(Manifest, Vec<String>), ArchiveError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
    let m: Manifest = serde_json::from_str(&text)
        .map_err(|e| ArchiveError::Invalid(format!("manifest.json: {e}")))?;
    if m.format != FORMAT || m.version != VERSION {
        return Err(ArchiveError::Invalid(format!(
            "manifest.json: format {} version {} is not {FORMAT} version {VERSION}",
            m.format, m.version
        )));
    }
    if m.migration != migration {
        return Err(ArchiveError::Invalid(format!(
            "the archive is of schema {}, the database of {migration}: migrate to the same version",
            m.migration
        )));
    }
    let names: Vec<&str> = m.tables.iter().map(|t| t.name.as_str()).collect();
    let expected: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    if names != expected {
        return Err(ArchiveError::Invalid(format!(
            "manifest.json lists tables {names:?}, expected {expected:?}"
        )));
    }
    let mut files = Vec::new();
    for e in &m.tables {
        let path = dir.join(&e.file);
        let text = std::fs::read_to_string(&path).map_err(|err| io(&path, err))?;
        if sha256_hex(text.as_bytes()) != e.sha256 || text.lines().count() as u64 != e.rows {
            return Err(ArchiveError::Invalid(format!(
                "{}: its rows or SHA-256 differ from manifest.json",
                e.file
            )));
        }
        files.push(text);
    }
    Ok((m, files))
}

/// Restores an archive into an empty, migrated database of either backend, in one
/// transaction: everything or nothing.
pub fn import(conn: &mut DbConnection, dir: &Path) -> Result<Manifest, ArchiveError> {
    let b = backend(conn);
    let migration = schema_migration(conn)?;
    let (manifest, files) = read(dir, &migration)?;
    conn.transaction(|conn| {
        for t in TABLES {
            #[derive(QueryableByName)]
            struct Count {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let c: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {}", t.name))
                .get_result(conn)?;
            if c.n > 0 {
                return Err(ArchiveError::Invalid(format!(
                    "import needs an empty database; table {} has {} rows",
                    t.name, c.n
                )));
            }
        }
        for (t, text) in TABLES.iter().zip(&files) {
            let cols = t.columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
            let lines: Vec<&str> = text.lines().collect();
            for chunk in lines.chunks(200) {
                let mut rows = Vec::new();
                for line in chunk {
                    let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
                        .map_err(|e| ArchiveError::Invalid(format!("{}: {e}", t.name)))?;
                    if obj.len() != t.columns.len() {
                        return Err(ArchiveError::Invalid(format!(
                            "{}: a row has {} fields, the table {} columns",
                            t.name,
                            obj.len(),
                            t.columns.len()
                        )));
                    }
                    let values = t
                        .columns
                        .iter()
                        .map(|col| {
                            let v = obj.get(col.0).ok_or_else(|| {
                                ArchiveError::Invalid(format!("{}: a row lacks {}", t.name, col.0))
                            })?;
                            literal(b, t, *col, v)
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    rows.push(format!("({})", values.join(", ")));
                }
                diesel::sql_query(format!(
                    "INSERT INTO {} ({cols}) VALUES {}",
                    t.name,
                    rows.join(", ")
                ))
                .execute(conn)?;
            }
            // Serial keys continue after the restored rows.
            if b == Backend::Postgres && t.key.len() == 1 && t.columns[0].1 == Kind::Int {
                let k = t.key[0];
                conn.batch_execute(&format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', '{k}'), COALESCE((SELECT MAX({k}) FROM {0}), 0) + 1, false)",
                    t.name
                ))?;
            }
        }
        if b == Backend::Sqlite {
            conn.batch_execute(
                "INSERT INTO decisions_fts (rowid, search_stemmed) SELECT id, search_stemmed FROM decisions",
            )?;
        }
        Ok(())
    })?;
    Ok(manifest)
}

/// A consistent online copy of a SQLite database into the new file `to`, taken while the
/// server keeps serving: `VACUUM INTO` reads one snapshot (a read transaction, which in
/// WAL mode blocks no writer) and writes a compact, self-contained database file. Every
/// write committed before the copy began is in it; none committed after. PostgreSQL is
/// backed up with its own tools (`pg_dump`, base backups with WAL archiving).
pub fn backup_sqlite(conn: &mut DbConnection, to: &Path) -> Result<(), ArchiveError> {
    if backend(conn) != Backend::Sqlite {
        return Err(ArchiveError::Invalid(
            "samverkan backup copies SQLite databases; back up PostgreSQL with pg_dump or a base backup (README: Operating samverkan)".into(),
        ));
    }
    if to.exists() {
        return Err(ArchiveError::Invalid(format!(
            "{} exists already",
            to.display()
        )));
    }
    let target = to
        .to_str()
        .ok_or_else(|| ArchiveError::Invalid(format!("{} is not UTF-8", to.display())))?;
    conn.batch_execute(&format!("VACUUM INTO {}", quote(target)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The archive covers every table of `schema.rs` with its columns in order, or says
    /// why it leaves one out.
    #[test]
    fn tables_match_the_schema() {
        let schema = include_str!("schema.rs");
        let mut found = Vec::new();
        for block in schema.split("diesel::table! {").skip(1) {
            let head = block.trim_start();
            let name = head.split_whitespace().next().unwrap_or_default();
            let body = &head[head.find('{').unwrap_or(0) + 1..head.find('}').unwrap_or(0)];
            let cols: Vec<(String, String)> = body
                .lines()
                .filter_map(|l| l.trim().strip_suffix(','))
                .filter_map(|l| l.split_once(" -> "))
                .map(|(c, t)| (c.to_owned(), t.to_owned()))
                .collect();
            found.push((name.to_owned(), cols));
        }
        for (name, cols) in &found {
            if LEFT_OUT.iter().any(|(n, _)| n == name) {
                continue;
            }
            let t = TABLES
                .iter()
                .find(|t| t.name == name)
                .unwrap_or_else(|| panic!("table {name} is neither archived nor left out"));
            let ours: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
            let theirs: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(ours, theirs, "columns of {name}");
            for ((c, kind), (_, sql)) in t.columns.iter().zip(cols) {
                let base = sql.trim_start_matches("Nullable<").trim_end_matches('>');
                let want = match base {
                    "Text" => Kind::Text,
                    "BigInt" | "Integer" => Kind::Int,
                    "Bool" => Kind::Bool,
                    "Date" => Kind::Date,
                    "Time" => Kind::Time,
                    "Timestamp" => Kind::Timestamp,
                    other => panic!("{name}.{c}: no archive kind for {other}"),
                };
                assert_eq!(*kind, want, "{name}.{c}");
            }
        }
        assert_eq!(found.len(), TABLES.len() + LEFT_OUT.len());
    }

    #[test]
    fn values_have_one_form_whichever_backend_wrote_them() {
        let t = &TABLES[0];
        let ts = ("created_at", Kind::Timestamp);
        for v in [
            "2021-01-28 12:00:00",
            "2021-01-28 12:00:00.000000",
            "2021-01-28T12:00:00",
        ] {
            assert_eq!(
                to_json(t, ts, Some(v)).ok(),
                Some(serde_json::json!("2021-01-28T12:00:00.000000"))
            );
        }
        let b = ("is_host", Kind::Bool);
        assert_eq!(
            to_json(t, b, Some("1")).ok(),
            to_json(t, b, Some("true")).ok()
        );
        assert_eq!(
            literal(
                Backend::Sqlite,
                t,
                ("name", Kind::Text),
                &serde_json::json!("Luleå's")
            )
            .ok(),
            Some("'Luleå''s'".into())
        );
        assert!(to_json(t, ("x", Kind::Int), Some("1.5")).is_err());
    }
}
