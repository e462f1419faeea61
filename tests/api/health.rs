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
