//! Every setting, with its environment variable and default. README's configuration
//! table lists the same.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "samverkan",
    version,
    about = "The open API of Norrbottens e-nämnd"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (migrates first, and seeds an empty SQLite database, unless turned off).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load the demo dataset (the real registry of Norrbottens e-nämnd).
    Seed {
        #[command(flatten)]
        db: DbArgs,
        /// Add missing rows even if the database already has data.
        #[arg(long)]
        force: bool,
    },
    /// Write the whole state as an archive (NDJSON per table and a manifest with counts and
    /// SHA-256) into a new directory, from one consistent snapshot.
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// The directory to write (created; must not hold an archive).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Copy a SQLite database, consistently, while it serves (PostgreSQL: use pg_dump).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The new database file to write.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore an archive into an empty database of either backend (migrated first).
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// The archive's directory.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Issue or revoke bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the OpenAPI document (the committed openapi/openapi.json).
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token and record it (jti, sub, role, municipality, expiry) in the database;
    /// the token is printed as the last line of stdout and stored nowhere.
    Issue {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        jwt: JwtArgs,
        /// municipality, secretary, treasurer or admin.
        #[arg(long)]
        role: samverkan_domain::Role,
        /// SCB code the token is bound to (required for --role municipality).
        #[arg(long)]
        municipality: Option<String>,
        /// Lifetime: 90d, 12h, 30m, 3600s.
        #[arg(long, default_value = "90d")]
        ttl: String,
        /// Who the token is for (the `sub` claim), e.g. `ekonomi@boden.se`. Default: a
        /// unique `cli-…`, so that no two tokens share an audit trail or the idempotency
        /// keys of their writes.
        #[arg(long)]
        sub: Option<String>,
    },
    /// List the recorded tokens: role, municipality, expiry, last use (to the hour),
    /// revocation.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token by its jti (stored in the database; effective at once).
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        jti: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://samverkan.db")]
    pub database_url: String,
    /// Maximum connections in the pool.
    #[arg(long, env = "SAMVERKAN_DB_POOL_SIZE", default_value_t = 8)]
    pub db_pool_size: u32,
    /// Seconds to wait for a connection (and, on SQLite, for the write lock).
    #[arg(long, env = "SAMVERKAN_DB_TIMEOUT_SECS", default_value_t = 5)]
    pub db_timeout_secs: u64,
    /// Seconds the database work of a request of `serve` may run before it is cancelled
    /// (503 with Retry-After): each statement on PostgreSQL (`statement_timeout`), the
    /// request's work on SQLite (an interrupt); migrations and the seed are not limited.
    #[arg(long, env = "SAMVERKAN_DB_STATEMENT_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub db_statement_timeout_secs: u64,
}

#[derive(Debug, Clone, Args)]
pub struct JwtArgs {
    /// HS256 signing secret, at least 32 bytes.
    #[arg(long, env = "SAMVERKAN_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Key id (`kid`) of the signing secret.
    #[arg(long, env = "SAMVERKAN_JWT_KID", default_value = "primary")]
    pub jwt_kid: String,
    /// Older keys still accepted during rotation: `KID=SECRET,KID2=SECRET2`.
    #[arg(
        long,
        env = "SAMVERKAN_JWT_VERIFY_KEYS",
        default_value = "",
        hide_env_values = true
    )]
    pub jwt_verify_keys: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub jwt: JwtArgs,
    /// Address to listen on.
    #[arg(long, env = "SAMVERKAN_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// HTTP worker threads (default: number of cores).
    #[arg(long, env = "SAMVERKAN_WORKERS")]
    pub workers: Option<usize>,
    /// Run pending migrations at start.
    #[arg(long, env = "SAMVERKAN_MIGRATE", default_value_t = true, action = clap::ArgAction::Set)]
    pub migrate: bool,
    /// Load the demo dataset into an empty database at start: `auto` on SQLite only
    /// (the embedded demo), `true` on either backend, `false` never.
    #[arg(long, env = "SAMVERKAN_SEED", value_enum, default_value_t = SeedMode::Auto)]
    pub seed: SeedMode,
    /// Origins allowed for authenticated and writing cross-origin calls (comma-separated).
    /// Public GETs answer any origin.
    #[arg(long, env = "SAMVERKAN_CORS_ORIGINS", default_value = "")]
    pub cors_origins: String,
    /// Maximum JSON request body in bytes.
    #[arg(long, env = "SAMVERKAN_BODY_LIMIT", default_value_t = 65536)]
    pub body_limit: usize,
    /// Seconds to let requests finish on SIGTERM/SIGINT.
    #[arg(long, env = "SAMVERKAN_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
    pub shutdown_timeout_secs: u64,
    /// The host's bankgiro number, the payment account of every invoice (7–8 digits,
    /// Luhn-checked; `5050-1055` is written `50501055`). Unset (and no plusgiro):
    /// invoices can be drafted and approved but not issued.
    #[arg(long, env = "SAMVERKAN_BANKGIRO")]
    pub bankgiro: Option<String>,
    /// The host's plusgiro number instead of a bankgiro (2–8 digits, Luhn-checked).
    #[arg(long, env = "SAMVERKAN_PLUSGIRO")]
    pub plusgiro: Option<String>,
    /// The seller's VAT registration number (`SE` + organisation number + `01`), needed by
    /// cost streams and invoices under VAT (categories S, Z, E).
    #[arg(long, env = "SAMVERKAN_SELLER_VAT_ID")]
    pub seller_vat_id: Option<String>,
    /// The seller's Peppol address as `scheme:id`; default the host's organisation number
    /// (`0007:…`).
    #[arg(long, env = "SAMVERKAN_SELLER_ENDPOINT")]
    pub seller_endpoint: Option<String>,
    /// Requests a minute per client address without a valid token (0: no limit). The
    /// burst is ten seconds' worth. Per replica.
    #[arg(long, env = "SAMVERKAN_RATE_LIMIT_ANONYMOUS", default_value_t = 3000)]
    pub rate_limit_anonymous: u32,
    /// Requests a minute per token (0: no limit).
    #[arg(long, env = "SAMVERKAN_RATE_LIMIT_TOKEN", default_value_t = 6000)]
    pub rate_limit_token: u32,
    /// Keep anonymous answers of the hot lists in memory while nothing is written (`false`:
    /// every read runs its statements; for benchmarks, or while tables are edited by hand).
    #[arg(long, env = "SAMVERKAN_READ_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
    pub read_cache: bool,
    /// Seconds a request body may take to arrive (then 408 and the connection is closed).
    #[arg(long, env = "SAMVERKAN_BODY_TIMEOUT_SECS", default_value_t = 10)]
    pub body_timeout_secs: u64,
    /// Seconds to wait for a request's head (then 408).
    #[arg(long, env = "SAMVERKAN_HEADER_TIMEOUT_SECS", default_value_t = 5)]
    pub header_timeout_secs: u64,
    /// Seconds an idle keep-alive connection is kept open.
    #[arg(long, env = "SAMVERKAN_KEEP_ALIVE_SECS", default_value_t = 30)]
    pub keep_alive_secs: u64,
    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` names the
    /// client; from any other peer the header is ignored.
    #[arg(long, env = "SAMVERKAN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Bearer token that `/metrics` on the API address needs; unset: not served there.
    #[arg(long, env = "SAMVERKAN_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// A separate (private) address serving `/metrics` without a token, e.g. 127.0.0.1:9464.
    #[arg(long, env = "SAMVERKAN_METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "SAMVERKAN_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

/// When `serve` loads the demo dataset (into an empty database only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedMode {
    /// On SQLite, the embedded one-command demo; a PostgreSQL database is left empty.
    Auto,
    /// On either backend.
    #[value(name = "true", alias = "on", alias = "1")]
    On,
    /// Never (`samverkan seed` loads it on demand).
    #[value(name = "false", alias = "off", alias = "0")]
    Off,
}

impl SeedMode {
    /// Whether to seed a database of this backend.
    pub fn applies_to(self, backend: samverkan_persistence::Backend) -> bool {
        match self {
            SeedMode::Auto => backend == samverkan_persistence::Backend::Sqlite,
            SeedMode::On => true,
            SeedMode::Off => false,
        }
    }
}
