//! The `samverkan` binary's library half: typed configuration loaded once at start,
//! and the commands (serve, migrate, seed, token, openapi).

pub mod config;
pub mod serve;
pub mod telemetry;

use std::time::Duration;

use samverkan_http::{HttpSettings, JwtKeys};
use samverkan_persistence::seed::{SeedError, SeedReport};
use samverkan_persistence::startup::with_startup_lock;
use samverkan_persistence::{DbError, DbPool, PoolConfig};

pub use config::{Cli, Command, DbArgs, JwtArgs, SeedMode, ServeArgs, TokenCommand};

/// The pool settings of the configured database.
/// The pool of a one-shot command keeps no idle connection (see [`PoolConfig::min_idle`]);
/// `serve` keeps one ([`open_serving`]).
pub fn pool_config(db: &DbArgs) -> PoolConfig {
    PoolConfig {
        url: db.database_url.clone(),
        max_size: db.db_pool_size,
        connect_timeout: Duration::from_secs(db.db_timeout_secs),
        busy_timeout: Duration::from_secs(db.db_timeout_secs),
        min_idle: Some(0),
        statement_timeout: None,
    }
}

/// What to do before the database is used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Startup {
    /// Apply pending migrations.
    pub migrate: bool,
    /// Load the demo dataset: `Some(force)`; into an empty database unless `force`.
    pub seed: Option<bool>,
}

/// What the startup did.
#[derive(Debug, Clone, Default)]
pub struct Started {
    /// Migrations applied now (empty when none were pending or `migrate` was off).
    pub migrations: Vec<String>,
    /// The seed's report, when it ran (`skipped` when the database had data).
    pub seed: Option<SeedReport>,
}

#[derive(Debug, thiserror::Error)]
enum StartupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Seed(#[from] SeedError),
}

/// Opens the pool and runs the startup steps under the database's startup lock
/// (`samverkan_persistence::startup`), so any number of instances and commands can
/// start at once on one database: one migrates and seeds, the others wait and find it
/// done.
pub fn open(db: &DbArgs, startup: Startup) -> Result<(DbPool, Started), String> {
    open_with(db, &pool_config(db), startup)
}

/// [`open`] for the server: its pool keeps a connection ready.
pub fn open_serving(db: &DbArgs, startup: Startup) -> Result<(DbPool, Started), String> {
    let cfg = PoolConfig {
        min_idle: Some(1),
        statement_timeout: Some(Duration::from_secs(db.db_statement_timeout_secs)),
        ..pool_config(db)
    };
    open_with(db, &cfg, startup)
}

fn open_with(db: &DbArgs, cfg: &PoolConfig, startup: Startup) -> Result<(DbPool, Started), String> {
    with_startup_lock(cfg, |conn| {
        let migrations = if startup.migrate {
            conn.run_migrations()?
        } else {
            Vec::new()
        };
        let seed = match startup.seed {
            Some(force) => Some(samverkan_persistence::seed::seed(conn, force)?),
            None => None,
        };
        Ok::<_, StartupError>(Started { migrations, seed })
    })
    .map_err(|e| format!("database {}: {e}", redact(&db.database_url)))
}

/// Runs pending migrations (under the startup lock); returns their names.
pub fn migrate(db: &DbArgs) -> Result<Vec<String>, String> {
    let startup = Startup {
        migrate: true,
        seed: None,
    };
    open(db, startup).map(|(_, s)| s.migrations)
}

/// Migrates, then loads the demo dataset if the database is empty (or always with
/// `force`), under the startup lock.
pub fn seed(db: &DbArgs, force: bool) -> Result<SeedReport, String> {
    let startup = Startup {
        migrate: true,
        seed: Some(force),
    };
    open(db, startup).map(|(_, s)| s.seed.unwrap_or_default())
}

/// Opens the database for a one-shot command (migrated first when `migrate`, under the
/// startup lock) and runs `f` on one connection.
pub fn with_conn<T, E: std::fmt::Display>(
    db: &DbArgs,
    migrate: bool,
    f: impl FnOnce(&mut samverkan_persistence::DbConnection) -> Result<T, E>,
) -> Result<T, String> {
    let (pool, _) = open(
        db,
        Startup {
            migrate,
            seed: None,
        },
    )?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    f(&mut conn).map_err(|e| e.to_string())
}

/// Writes the archive of the database into `out`.
pub fn export(
    db: &DbArgs,
    out: &std::path::Path,
) -> Result<samverkan_persistence::archive::Manifest, String> {
    with_conn(db, false, |conn| {
        samverkan_persistence::archive::export(conn, out)
    })
}

/// Records an issued token (migrating the database first), audited with actor `cli`.
pub fn record_token(db: &DbArgs, c: &samverkan_http::auth::Claims) -> Result<(), String> {
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.naive_utc())
            .ok_or_else(|| format!("timestamp {t} out of range"))
    };
    let token = samverkan_persistence::tokens::IssuedToken {
        jti: c.jti.clone(),
        sub: c.sub.clone(),
        role: c.role.as_str().into(),
        municipality: c.municipality.clone(),
        issued_at: at(c.iat)?,
        expires_at: at(c.exp)?,
        last_used_at: None,
    };
    if let Some(code) = &c.municipality {
        let known = with_conn(db, true, |conn| {
            samverkan_persistence::registry::find_municipality(conn, code).map(|m| m.is_some())
        })?;
        if !known {
            return Err(format!(
                "municipality {code} is not in this database's registry (a token is bound to a member municipality)"
            ));
        }
    }
    let ctx = samverkan_persistence::WriteContext::new(samverkan_persistence::Actor::cli(), None);
    with_conn(db, true, |conn| {
        samverkan_persistence::tokens::record_issued(conn, &ctx, &token)
    })
}

/// The recorded tokens, by jti.
pub fn list_tokens(db: &DbArgs) -> Result<Vec<samverkan_persistence::tokens::TokenRecord>, String> {
    with_conn(db, true, |conn| {
        samverkan_persistence::tokens::list(conn, None, None, i64::MAX)
    })
}

/// Copies the SQLite database to `to` while it may be serving.
pub fn backup(db: &DbArgs, to: &std::path::Path) -> Result<(), String> {
    let pool = samverkan_persistence::connect_pool(&pool_config(db)).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    samverkan_persistence::archive::backup_sqlite(&mut conn, to).map_err(|e| e.to_string())
}

/// Migrates the database, then restores the archive in `from` into it (it must be empty).
pub fn import(
    db: &DbArgs,
    from: &std::path::Path,
) -> Result<samverkan_persistence::archive::Manifest, String> {
    with_conn(db, true, |conn| {
        samverkan_persistence::archive::import(conn, from)
    })
}

/// Binds every address `bind` resolves to (`localhost:8080` → IPv4 and IPv6, as
/// actix-web's own `bind` does); fails unless at least one is bound. `serve` calls it
/// before opening the database, so a busy port is reported before migrating and seeding.
pub fn listen(bind: &str) -> Result<Vec<std::net::TcpListener>, String> {
    use std::net::ToSocketAddrs;
    let addrs = bind
        .to_socket_addrs()
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let mut listeners = Vec::new();
    let mut last_error = None;
    for addr in addrs {
        match std::net::TcpListener::bind(addr) {
            Ok(l) => listeners.push(l),
            Err(e) => last_error = Some(e),
        }
    }
    match (listeners.is_empty(), last_error) {
        (false, _) => Ok(listeners),
        (true, Some(e)) => Err(format!("cannot listen on {bind}: {e}")),
        (true, None) => Err(format!(
            "cannot listen on {bind}: it resolves to no address"
        )),
    }
}

/// Hides a password in a database URL for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The JWT keys from configuration. With no secret configured, `serve` runs with a
/// random per-process key: public reads work, no token can be issued that it accepts.
pub fn keys(jwt: &JwtArgs, allow_ephemeral: bool) -> Result<JwtKeys, String> {
    match &jwt.jwt_secret {
        Some(secret) => JwtKeys::new(&jwt.jwt_kid, secret.as_bytes(), &jwt.jwt_verify_keys)
            .map_err(|e| e.to_string()),
        None if allow_ephemeral => {
            use rand::RngCore;
            let mut secret = [0u8; 48];
            rand::rng().fill_bytes(&mut secret);
            JwtKeys::new("ephemeral", &secret, &jwt.jwt_verify_keys).map_err(|e| e.to_string())
        }
        None => Err("SAMVERKAN_JWT_SECRET is not set (at least 32 bytes)".into()),
    }
}

/// Parses a token lifetime: `90d`, `12h`, `30m`, `3600s`.
pub fn parse_ttl(s: &str) -> Result<chrono::Duration, String> {
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 90d, 12h, 30m or 3600s"))?;
    let d = match unit {
        "d" => chrono::Duration::try_days(n),
        "h" => chrono::Duration::try_hours(n),
        "m" => chrono::Duration::try_minutes(n),
        "s" | "" => chrono::Duration::try_seconds(n),
        _ => None,
    };
    match d {
        Some(d) if n > 0 && d <= chrono::Duration::days(3650) => Ok(d),
        _ => Err(format!(
            "`{s}` must be a positive duration of at most 3650d, e.g. 90d"
        )),
    }
}

pub fn http_settings(args: &ServeArgs) -> Result<HttpSettings, String> {
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let trusted_proxies = list(&args.trusted_proxies)
        .iter()
        .map(|p| {
            p.parse::<std::net::IpAddr>()
                .map_err(|_| format!("SAMVERKAN_TRUSTED_PROXIES: `{p}` is not an IP address"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let metrics_token = args.metrics_token.clone().filter(|t| !t.trim().is_empty());
    if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
        return Err("SAMVERKAN_METRICS_TOKEN must be at least 16 characters".into());
    }
    if args.body_timeout_secs == 0 {
        return Err("SAMVERKAN_BODY_TIMEOUT_SECS must be at least 1".into());
    }
    Ok(HttpSettings {
        cors_allowed_origins: list(&args.cors_origins),
        body_limit: args.body_limit,
        ops: samverkan_http::ops::Ops {
            limits: samverkan_http::ops::Limits {
                anonymous_per_minute: args.rate_limit_anonymous,
                token_per_minute: args.rate_limit_token,
                body_timeout: Duration::from_secs(args.body_timeout_secs),
                trusted_proxies,
                metrics_token,
            },
            ..Default::default()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl() {
        assert_eq!(parse_ttl("90d"), Ok(chrono::Duration::days(90)));
        assert_eq!(parse_ttl("12h"), Ok(chrono::Duration::hours(12)));
        assert_eq!(parse_ttl("3600"), Ok(chrono::Duration::seconds(3600)));
        for bad in ["", "d", "0d", "-5d", "5w", "99999d"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("sqlite://samverkan.db"), "sqlite://samverkan.db");
    }
}
