//! `samverkan`: serve, migrate, seed, token, openapi.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use samverkan_persistence::Backend;
use samverkan_server::{Cli, Command, SeedMode, ServeArgs, Startup, TokenCommand};

/// `println!` that does not panic when stdout is a closed pipe
/// (`samverkan token issue | head -1`): the reader has what it wanted, so the command
/// ends quietly with success, as `grep` or `rg` do. Other write errors fail the command.
macro_rules! say {
    ($($arg:tt)*) => {
        print_line(format_args!($($arg)*))
    };
}

fn print_line(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(line).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("samverkan: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Migrate { db } => samverkan_server::migrate(&db).map(|applied| {
            say!("applied {} migration(s)", applied.len());
            for m in applied {
                say!("  {m}");
            }
        }),
        Command::Seed { db, force } => samverkan_server::seed(&db, force).map(|r| {
            if r.skipped {
                say!("database already has data; nothing seeded (use --force to add missing rows)");
            } else {
                say!(
                    "seeded {} municipalities, {} population snapshots, {} committee seats",
                    r.municipalities,
                    r.populations,
                    r.members
                );
            }
        }),
        Command::Export { db, out } => samverkan_server::export(&db, &out).map(|m| {
            let rows: u64 = m.tables.iter().map(|t| t.rows).sum();
            say!(
                "exported {rows} rows of {} tables to {}",
                m.tables.len(),
                out.display()
            );
        }),
        Command::Backup { db, to } => {
            samverkan_server::backup(&db, &to).map(|()| say!("backed up to {}", to.display()))
        }
        Command::Import { db, from } => samverkan_server::import(&db, &from).map(|m| {
            let rows: u64 = m.tables.iter().map(|t| t.rows).sum();
            say!(
                "imported {rows} rows of {} tables from {}",
                m.tables.len(),
                from.display()
            );
        }),
        Command::Token(TokenCommand::Issue {
            db,
            jwt,
            role,
            municipality,
            ttl,
            sub,
        }) => samverkan_server::parse_ttl(&ttl).and_then(|ttl| {
            let keys = samverkan_server::keys(&jwt, false)?;
            let sub = match sub {
                Some(s) if s.trim().is_empty() => return Err("--sub must not be empty".into()),
                Some(s) => s.trim().to_owned(),
                None => format!("cli-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
            };
            let (token, claims) = keys
                .issue(&sub, role, municipality.as_deref(), ttl)
                .map_err(|e| e.to_string())?;
            samverkan_server::record_token(&db, &claims)?;
            say!("jti: {}", claims.jti);
            say!("sub: {}", claims.sub);
            say!(
                "expires: {}",
                chrono::DateTime::from_timestamp(claims.exp, 0)
                    .map(|d| d.to_rfc3339())
                    .unwrap_or_default()
            );
            say!("{token}");
            Ok(())
        }),
        Command::Token(TokenCommand::List { db }) => {
            samverkan_server::list_tokens(&db).map(|rows| {
                say!("jti\tsub\trole\tmunicipality\texpires\tlast used\trevoked");
                for r in rows {
                    let t = r.token;
                    let ts = |d: Option<chrono::NaiveDateTime>| {
                        d.map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_else(|| "-".into())
                    };
                    say!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        t.jti,
                        t.sub,
                        t.role,
                        t.municipality.as_deref().unwrap_or("-"),
                        ts(Some(t.expires_at)),
                        ts(t.last_used_at),
                        ts(r.revoked_at)
                    );
                }
            })
        }
        Command::Token(TokenCommand::Revoke { db, jti, reason }) => {
            let ctx =
                samverkan_persistence::WriteContext::new(samverkan_persistence::Actor::cli(), None);
            samverkan_server::with_conn(&db, true, |conn| {
                samverkan_persistence::tokens::revoke(conn, &ctx, &jti, reason.as_deref())
            })
            .map(|fresh| {
                say!(
                    "{} {jti}",
                    if fresh { "revoked" } else { "already revoked:" }
                );
            })
        }
        Command::Openapi => serde_json::to_string_pretty(&samverkan_http::openapi())
            .map(|s| say!("{s}"))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samverkan: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let started = Instant::now();
    samverkan_server::telemetry::init(&args.log_format)?;
    if args.jwt.jwt_secret.is_none() {
        tracing::warn!(
            "SAMVERKAN_JWT_SECRET is not set: serving public data only; no issued token will be accepted"
        );
    }
    let keys = samverkan_server::keys(&args.jwt, true)?;
    // Invoicing settings are checked before the database is touched.
    let invoicing = samverkan_http::Invoicing::from_settings(
        args.bankgiro.as_deref(),
        args.plusgiro.as_deref(),
        args.seller_vat_id.as_deref(),
        args.seller_endpoint.as_deref(),
    )?;
    if invoicing.payment.is_none() {
        tracing::warn!(
            "neither SAMVERKAN_BANKGIRO nor SAMVERKAN_PLUSGIRO is set: invoices can be drafted and approved, not issued"
        );
    }
    let settings = samverkan_server::http_settings(&args)?;
    let backend = Backend::from_url(&args.db.database_url).map_err(|e| e.to_string())?;
    // The port first: a busy port is reported before the database is touched.
    let listeners = samverkan_server::listen(&args.bind)?;
    let startup = Startup {
        migrate: args.migrate,
        seed: args.seed.applies_to(backend).then_some(false),
    };
    let (pool, done) = samverkan_server::open_serving(&args.db, startup)?;
    if args.migrate {
        tracing::info!(count = done.migrations.len(), "migrations applied");
    }
    if args.seed == SeedMode::Auto && startup.seed.is_none() {
        tracing::info!(
            "demo dataset not loaded (SAMVERKAN_SEED=auto seeds SQLite only); `samverkan seed` loads it"
        );
    }
    if let Some(r) = done.seed {
        if r.skipped {
            tracing::info!("database already has data; demo dataset not loaded");
        } else {
            tracing::info!(
                municipalities = r.municipalities,
                populations = r.populations,
                members = r.members,
                "seeded the demo dataset"
            );
        }
    }
    // Documents issued before issued documents were stored are frozen as they render now.
    {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let (frozen, failed) = samverkan_http::money::freeze_issued(&mut conn, &invoicing)?;
        if frozen > 0 {
            tracing::info!(
                count = frozen,
                "issued documents frozen as they render today"
            );
        }
        for f in failed {
            tracing::warn!("cannot freeze an issued document: {f}");
        }
    }
    let mut state = samverkan_http::AppState::new(pool, keys, invoicing);
    if !args.read_cache {
        state.reads = std::sync::Arc::new(samverkan_http::read_cache::ReadCache::off());
    }
    let bind = args.bind.clone();
    let workers = args.workers;
    let pool_size = args.db.db_pool_size as usize;
    let shutdown = args.shutdown_timeout_secs;
    let metrics_listeners = match &args.metrics_bind {
        Some(b) => samverkan_server::listen(b)?,
        None => Vec::new(),
    };
    let (metrics_state, metrics_ops) = (state.clone(), settings.ops.clone());
    let (keep_alive, header_timeout) = (args.keep_alive_secs, args.header_timeout_secs);
    actix_web::rt::System::new().block_on(async move {
        let server = samverkan_server::serve::http_server(
            listeners,
            samverkan_server::serve::Connections {
                keep_alive: std::time::Duration::from_secs(keep_alive),
                header_timeout: std::time::Duration::from_secs(header_timeout),
                shutdown_timeout: shutdown,
                workers,
                // The pool's connections, and two for work that waits for one.
                blocking_threads: pool_size + 2,
            },
            move || samverkan_http::app(state.clone(), settings.clone()),
        )
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
        tracing::info!(
            bind = %bind,
            ready_ms = started.elapsed().as_millis() as u64,
            "samverkan serving; docs at /docs/"
        );
        if metrics_listeners.is_empty() {
            return server.await.map_err(|e| e.to_string());
        }
        // Metrics on their own private address: one worker, no token.
        let mut metrics = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(actix_web::web::Data::new(metrics_state.clone()))
                .app_data(actix_web::web::Data::new(metrics_ops.clone()))
                .route(
                    "/metrics",
                    actix_web::web::get().to(samverkan_http::ops::metrics_open),
                )
        })
        .workers(1)
        .shutdown_timeout(1);
        for l in metrics_listeners {
            metrics = metrics.listen(l).map_err(|e| e.to_string())?;
        }
        tracing::info!("metrics served on SAMVERKAN_METRICS_BIND");
        let metrics = metrics.run();
        let metrics_handle = metrics.handle();
        let metrics_task = actix_web::rt::spawn(metrics);
        let result = server.await.map_err(|e| e.to_string());
        metrics_handle.stop(true).await;
        let _ = metrics_task.await;
        result
    })
}
