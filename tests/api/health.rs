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
