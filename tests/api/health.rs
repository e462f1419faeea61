use crate::both;

both!(live_and_ready, |app| async move {
    let r = app.get("/health/live").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    assert!(r.header("x-request-id").is_some());
    let r = app.get("/health/ready").await;
    assert_eq!(r.status, 200);
    let expected = match app.backend() {
        crate::support::Backend::Sqlite => "sqlite",
        crate::support::Backend::Postgres => "postgres",
    };
    assert_eq!(r.json()["database"], expected);
});

/// PostgreSQL: a pool configured with a statement time limit cancels a longer statement,
/// and the API answers it as 503 (with Retry-After), not as an internal error.
#[actix_web::test]
async fn a_statement_over_the_time_limit_is_503() {
    use actix_web::ResponseError;
    use diesel::RunQueryDsl;
    let db = crate::support::TestDb::new(crate::support::Backend::Postgres);
    let pool = samverkan_persistence::connect_pool(&samverkan_persistence::PoolConfig {
        max_size: 1,
        statement_timeout: Some(std::time::Duration::from_millis(200)),
        ..samverkan_persistence::PoolConfig::new(&db.url)
    })
    .expect("pool");
    let mut pooled = pool.get().expect("connection");
    let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
    let err = diesel::sql_query("SELECT pg_sleep(2)")
        .execute(conn)
        .expect_err("cancelled");
    let api = samverkan_http::ApiError::from(err);
    assert_eq!(api.status_code().as_u16(), 503, "{api}");
    let res = api.error_response();
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    // A short statement still runs.
    diesel::sql_query("SELECT pg_sleep(0.01)")
        .execute(conn)
        .expect("short statement");
}

/// SQLite: work run within the pool's statement time limit is interrupted at the limit
/// (503 with Retry-After), or at once when its request is cancelled; work outside a
/// limit (migrations, the CLI) and short statements run.
#[actix_web::test]
async fn sqlite_interrupts_a_statement_at_its_limit_or_when_cancelled() {
    use actix_web::ResponseError;
    use diesel::RunQueryDsl;
    use samverkan_persistence::interrupt::{Limit, within};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};
    // Counts to a billion: minutes of work without an interrupt.
    const ENDLESS: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
                           WHERE x < 1000000000) SELECT count(*) FROM c";
    let db = crate::support::TestDb::new(crate::support::Backend::Sqlite);
    let pool = samverkan_persistence::connect_pool(&samverkan_persistence::PoolConfig {
        max_size: 1,
        statement_timeout: Some(Duration::from_millis(200)),
        ..samverkan_persistence::PoolConfig::new(&db.url)
    })
    .expect("pool");
    let mut pooled = pool.get().expect("connection");
    let timeout = pooled.statement_timeout();
    assert_eq!(timeout, Some(Duration::from_millis(200)));
    let conn: &mut samverkan_persistence::DbConnection = &mut pooled;

    let started = Instant::now();
    let err = within(Limit::after(timeout), || {
        diesel::sql_query(ENDLESS).execute(conn)
    })
    .expect_err("interrupted at the limit");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(2),
        "{took:?}"
    );
    let api = samverkan_http::ApiError::from(err);
    assert_eq!(api.status_code().as_u16(), 503, "{api}");
    assert!(api.error_response().headers().contains_key("retry-after"));

    // Cancelled from another thread (the request's future was dropped): stops at once,
    // long before the limit.
    let gone = Arc::new(AtomicBool::new(false));
    let flag = gone.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        flag.store(true, Ordering::Relaxed);
    });
    let started = Instant::now();
    within(
        Limit::after(Some(Duration::from_secs(60))).or_when(gone),
        || diesel::sql_query(ENDLESS).execute(conn),
    )
    .expect_err("interrupted when cancelled");
    assert!(started.elapsed() < Duration::from_secs(2));
    canceller.join().expect("canceller");

    // Short work under a limit, and work outside any limit, still run.
    within(Limit::after(timeout), || {
        diesel::sql_query("SELECT 1").execute(conn)
    })
    .expect("short statement");
    diesel::sql_query(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) \
         SELECT count(*) FROM c",
    )
    .execute(conn)
    .expect("no limit outside `within`");
}
