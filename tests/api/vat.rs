//! VAT regimes, Peppol parties, partial credit notes and the CSV, on both backends: what
//! the invoice aggregate refuses, and that nothing is stored when it does.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::{Backend, TestApp, invoicing};
use samverkan_http::Invoicing;

/// A cost stream of `year` under `vat`, split equally among `participants`.
async fn stream(
    app: &TestApp,
    year: i32,
    name: &str,
    amount: i64,
    vat: Value,
    participants: &[&str],
) -> Value {
    let mut body = json!({"year": year, "name": name, "kind": "shared_service",
        "amount_ore": amount, "rounding_unit_ore": 1, "model": {"kind": "equal"},
        "participants": participants});
    for (k, v) in vat.as_object().expect("vat") {
        body[k] = v.clone();
    }
    let r = app
        .as_role(Role::Treasurer)
        .post("/api/v1/cost-streams", &body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

/// Creates and approves the invoice of `body`; its id.
async fn approved(app: &TestApp, body: Value) -> i64 {
    let t = app.as_role(Role::Treasurer);
    let r = t.post("/api/v1/invoices", &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().expect("id");
    let r = t
        .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    id
}

/// Creates, approves and issues the invoice of `body`.
async fn issued(app: &TestApp, body: Value) -> Value {
    let t = app.as_role(Role::Treasurer);
    let id = approved(app, body).await;
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2022-02-01", "buyer_reference": "B"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn count(app: &TestApp, uri: &str) -> usize {
    let r = app.as_role(Role::Treasurer).get(uri).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"].as_array().expect("items").len()
}

both!(
    standard_rate_is_billed_and_paid_with_its_vat,
    |app| async move {
        let t = app.as_role(Role::Treasurer);
        stream(
            &app,
            2022,
            "Plattform",
            200_000,
            json!({"vat_category": "S", "vat_percent": 25}),
            &["2582", "2584"],
        )
        .await;
        let inv = issued(&app, json!({"municipality": "2582", "period": "2022"})).await;
        // 1 000 kr net at 25 %: the JSON and the UBL both ask for 1 250 kr.
        assert_eq!(inv["vat_regime"], "vat");
        assert_eq!(inv["totals"]["line_extension_ore"], 100_000);
        assert_eq!(inv["totals"]["tax_ore"], 25_000);
        assert_eq!(inv["totals"]["payable_ore"], 125_000);
        assert_eq!(inv["total_ore"], 125_000);
        assert_eq!(inv["outstanding_ore"], 125_000);
        assert_eq!(inv["vat_breakdown"][0]["vat_category"], "S");
        assert_eq!(inv["vat_breakdown"][0]["tax_ore"], 25_000);
        let id = inv["id"].as_i64().expect("id");
        let x = t.get(&format!("/api/v1/invoices/{id}/ubl")).await.text();
        assert!(x.contains("<cbc:PayableAmount currencyID=\"SEK\">1250.00</cbc:PayableAmount>"));
        assert!(x.contains("<cac:PartyTaxScheme><cbc:CompanyID>SE212000274201</cbc:CompanyID>"));
        // 1 000 kr leaves 250 kr outstanding: partially paid, not paid.
        let r = t
            .post(
                &format!("/api/v1/invoices/{id}/payments"),
                &json!({"amount_ore": 100_000, "paid_on": "2022-03-01"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["status"], "partially_paid");
        assert_eq!(r.json()["outstanding_ore"], 25_000);
        // Above the payable amount: 422 on amount_ore, nothing stored.
        t.post(
            &format!("/api/v1/invoices/{id}/payments"),
            &json!({"amount_ore": 25_001, "paid_on": "2022-03-02"}),
        )
        .await
        .problem_field(422, "amount_ore");
        let after = t.get(&format!("/api/v1/invoices/{id}")).await.json();
        assert_eq!(after["paid_ore"], 100_000);
        assert_eq!(after["payments"].as_array().expect("payments").len(), 1);
    }
);

both!(
    an_invoice_never_mixes_outside_scope_with_vat,
    |app| async move {
        let t = app.as_role(Role::Treasurer);
        stream(
            &app,
            2022,
            "Grundbelopp",
            100_000,
            json!({"vat_category": "O"}),
            &["2582", "2584"],
        )
        .await;
        stream(
            &app,
            2022,
            "Plattform",
            100_000,
            json!({"vat_category": "S", "vat_percent": 25}),
            &["2582", "2584"],
        )
        .await;
        // Both regimes in the period: say which.
        t.post(
            "/api/v1/invoices",
            &json!({"municipality": "2582", "period": "2022"}),
        )
        .await
        .problem_field(409, "vat_regime");
        assert_eq!(count(&app, "/api/v1/invoices?period=2022").await, 0);
        let o = issued(
            &app,
            json!({"municipality": "2582", "period": "2022", "vat_regime": "outside_scope"}),
        )
        .await;
        let v = issued(
            &app,
            json!({"municipality": "2582", "period": "2022", "vat_regime": "vat"}),
        )
        .await;
        assert_eq!(o["lines"].as_array().expect("lines").len(), 1);
        assert_eq!(o["lines"][0]["vat_category"], "O");
        assert_eq!(o["totals"]["tax_ore"], 0);
        assert_eq!(v["lines"][0]["vat_category"], "S");
        // One per regime and period.
        t.post(
            "/api/v1/invoices",
            &json!({"municipality": "2582", "period": "2022", "vat_regime": "vat"}),
        )
        .await
        .problem(409);
        let x = t
            .get(&format!("/api/v1/invoices/{}/ubl", o["id"]))
            .await
            .text();
        assert!(!x.contains("PartyTaxScheme"), "BR-O-02");
        assert!(!x.contains("<cbc:ID>S</cbc:ID>"), "BR-O-11");
    }
);

#[actix_web::test]
async fn vat_streams_need_the_sellers_vat_id_sqlite() {
    no_vat_id(Backend::Sqlite).await;
}

#[actix_web::test]
async fn vat_streams_need_the_sellers_vat_id_postgres() {
    no_vat_id(Backend::Postgres).await;
}

async fn no_vat_id(backend: Backend) {
    let mut cfg = invoicing();
    cfg.seller_vat_id = None;
    let app = TestApp::with_invoicing(backend, cfg).await;
    let t = app.as_role(Role::Treasurer);
    let before = count(&app, "/api/v1/cost-streams?year=2022").await;
    t.post(
        "/api/v1/cost-streams",
        &json!({"year": 2022, "name": "Plattform", "kind": "shared_service", "amount_ore": 100,
            "model": {"kind": "equal"}, "vat_category": "S", "vat_percent": 25}),
    )
    .await
    // A valid request the server's configuration cannot serve: 409, not 422.
    .problem_field(409, "vat_category");
    assert_eq!(count(&app, "/api/v1/cost-streams?year=2022").await, before);
    // Category O needs none.
    stream(
        &app,
        2022,
        "Grundbelopp",
        100_000,
        json!({"vat_category": "O"}),
        &["2582"],
    )
    .await;
}

#[actix_web::test]
async fn issuing_needs_a_payment_account() {
    let mut cfg = invoicing();
    cfg.payment = None;
    let app = TestApp::with_invoicing(Backend::Sqlite, cfg).await;
    let t = app.as_role(Role::Treasurer);
    stream(
        &app,
        2022,
        "Grundbelopp",
        100_000,
        json!({"vat_category": "O"}),
        &["2582"],
    )
    .await;
    let id = approved(&app, json!({"municipality": "2582", "period": "2022"})).await;
    let p = t
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"buyer_reference": "B"}),
        )
        .await
        .problem(409);
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("SAMVERKAN_BANKGIRO")
    );
    let inv = t.get(&format!("/api/v1/invoices/{id}")).await.json();
    assert_eq!(inv["status"], "approved");
    assert_eq!(inv["number"], Value::Null);
}

both!(
    buyer_endpoints_are_checked_and_kept_apart_from_the_org_number,
    |app| async move {
        let admin = app.as_role(Role::Admin);
        let before = app.get("/api/v1/municipalities/2582").await.json();
        // The Luhn digit is wrong: refused, nothing stored.
        admin
            .patch(
                "/api/v1/municipalities/2582",
                &json!({"peppol_endpoint_id": "2120002651"}),
            )
            .await
            .problem_field(422, "peppol_endpoint_id");
        admin
            .patch(
                "/api/v1/municipalities/2582",
                &json!({"peppol_endpoint_scheme": "1234", "peppol_endpoint_id": "x"}),
            )
            .await
            .problem_field(422, "peppol_endpoint_scheme");
        admin
            .patch(
                "/api/v1/municipalities/2582",
                &json!({"peppol_endpoint_scheme": "0088", "peppol_endpoint_id": "7300010000002"}),
            )
            .await
            .problem_field(422, "peppol_endpoint_id");
        assert_eq!(
            app.get("/api/v1/municipalities/2582").await.json()["invoicing"],
            before["invoicing"]
        );
        // A GLN: the endpoint, while the legal id stays the organisation number.
        let r = admin
            .patch(
                "/api/v1/municipalities/2582",
                &json!({"peppol_endpoint_scheme": "0088", "peppol_endpoint_id": "7300010000001"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["invoicing"]["peppol_endpoint_scheme"], "0088");
        stream(
            &app,
            2022,
            "Grundbelopp",
            100_000,
            json!({"vat_category": "O"}),
            &["2582"],
        )
        .await;
        let inv = issued(&app, json!({"municipality": "2582", "period": "2022"})).await;
        let x = app
            .as_role(Role::Treasurer)
            .get(&format!("/api/v1/invoices/{}/ubl", inv["id"]))
            .await
            .text();
        assert!(
            x.contains("<cbc:EndpointID schemeID=\"0088\">7300010000001</cbc:EndpointID>"),
            "{x}"
        );
        assert!(
            x.contains("<cbc:CompanyID schemeID=\"0007\">2120002767</cbc:CompanyID>"),
            "{x}"
        );
    }
);

both!(
    partial_credit_notes_then_credited_takes_no_payment,
    |app| async move {
        let t = app.as_role(Role::Treasurer);
        stream(
            &app,
            2022,
            "Plattform",
            200_002,
            json!({"vat_category": "S", "vat_percent": 25}),
            &["2582", "2584"],
        )
        .await;
        let inv = issued(&app, json!({"municipality": "2582", "period": "2022"})).await;
        let id = inv["id"].as_i64().expect("id");
        let payable = inv["total_ore"].as_i64().expect("total");
        let cn_uri = format!("/api/v1/invoices/{id}/credit-notes");
        // Bad lines: refused, nothing stored.
        t.post(
            &cn_uri,
            &json!({"lines": [{"line_no": 9, "amount_ore": 1}]}),
        )
        .await
        .problem_field(422, "lines[0].line_no");
        t.post(
            &cn_uri,
            &json!({"lines": [{"line_no": 1, "amount_ore": 100_002}]}),
        )
        .await
        .problem_field(422, "lines[0].amount_ore");
        t.post(
            &cn_uri,
            &json!({"lines": [{"line_no": 1, "amount_ore": 0}]}),
        )
        .await
        .problem_field(422, "lines[0].amount_ore");
        assert_eq!(count(&app, "/api/v1/invoices?period=2022").await, 1);
        // A partial credit note, then the rest.
        let mut credited = 0;
        for body in [
            json!({"lines": [{"line_no": 1, "amount_ore": 33_333}]}),
            json!({}),
        ] {
            let r = t.post(&cn_uri, &body).await;
            assert_eq!(r.status, 201, "{}", r.text());
            let cn = r.json().clone();
            let cn_id = cn["id"].as_i64().expect("id");
            t.post(&format!("/api/v1/invoices/{cn_id}/approval"), &json!({}))
                .await;
            let r = t
                .post(
                    &format!("/api/v1/invoices/{cn_id}/issue"),
                    &json!({"issue_date": "2022-03-01", "buyer_reference": "B"}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text());
            credited += r.json()["total_ore"].as_i64().expect("total");
        }
        // The sync filter for issued documents, whatever their payment status.
        assert_eq!(
            count(&app, "/api/v1/invoices?period=2022&issued=true").await,
            3
        );
        assert_eq!(
            count(&app, "/api/v1/invoices?period=2022&issued=false").await,
            0
        );
        // Nothing is left to credit; the invoice is credited exactly, VAT included.
        t.post(&cn_uri, &json!({})).await.problem(409);
        let orig = t.get(&format!("/api/v1/invoices/{id}")).await.json();
        assert_eq!(orig["status"], "credited");
        assert_eq!(credited, payable);
        assert_eq!(orig["credited_ore"], payable);
        assert_eq!(orig["outstanding_ore"], 0);
        // A credited invoice takes no payment: 409, nothing stored.
        t.post(
            &format!("/api/v1/invoices/{id}/payments"),
            &json!({"amount_ore": 1, "paid_on": "2022-04-01"}),
        )
        .await
        .problem(409);
        assert_eq!(
            t.get(&format!("/api/v1/invoices/{id}")).await.json()["paid_ore"],
            0
        );
        // The period's CSV: credit notes negative, so belopp sums to billed − credited = 0.
        let csv = t.get("/api/v1/invoices/export?period=2022").await.text();
        let mut sum = 0i64;
        for row in csv.lines().skip(1) {
            let f: Vec<&str> = row.split(';').collect();
            let (kr, ore) = f[12].split_once(',').expect("decimal comma");
            let v = kr.trim_start_matches('-').parse::<i64>().expect("kr") * 100
                + ore.parse::<i64>().expect("öre");
            sum += if kr.starts_with('-') { -v } else { v };
            assert!(["Faktura", "Kreditfaktura"].contains(&f[1]), "{row}");
        }
        assert_eq!(sum, 0, "{csv}");
        assert!(csv.contains(";Kreditfaktura;Utställd;"), "{csv}");
        assert!(csv.contains(";Faktura;Krediterad;"), "{csv}");
        assert!(csv.contains(";Moms;"), "{csv}");
    }
);

both!(csv_text_is_defused, |app| async move {
    stream(
        &app,
        2022,
        "=HYPERLINK(\"http://x\")",
        100_000,
        json!({"vat_category": "O"}),
        &["2582"],
    )
    .await;
    let inv = issued(&app, json!({"municipality": "2582", "period": "2022"})).await;
    let csv = app
        .as_role(Role::Treasurer)
        .get(&format!("/api/v1/invoices/{}/csv", inv["id"]))
        .await
        .text();
    assert!(csv.contains(";\"'=HYPERLINK(\"\"http://x\"\")\";"), "{csv}");
});

both!(default_issue_date_is_the_swedish_day, |app| async move {
    stream(
        &app,
        2022,
        "Grundbelopp",
        100_000,
        json!({"vat_category": "O"}),
        &["2582"],
    )
    .await;
    let t = app.as_role(Role::Treasurer);
    let id = approved(&app, json!({"municipality": "2582", "period": "2022"})).await;
    let before = samverkan_domain::calendar::stockholm_date(chrono::Utc::now());
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"buyer_reference": "B"}),
        )
        .await;
    let after = samverkan_domain::calendar::stockholm_date(chrono::Utc::now());
    assert_eq!(r.status, 200, "{}", r.text());
    let date: chrono::NaiveDate = r.json()["issue_date"]
        .as_str()
        .expect("date")
        .parse()
        .expect("date");
    assert!(date == before || date == after, "{date}");
    assert!(
        r.json()["number"]
            .as_str()
            .expect("number")
            .starts_with(&date.format("%Y-").to_string())
    );
});

both!(
    a_stream_added_mid_year_gets_an_invoice_of_its_own,
    |app| async move {
        let t = app.as_role(Role::Treasurer);
        stream(
            &app,
            2022,
            "Grundbelopp",
            100_000,
            json!({"vat_category": "O"}),
            &["2514", "2582"],
        )
        .await;
        let first = issued(&app, json!({"municipality": "2514", "period": "2022"})).await;
        // Everything billed: 409.
        t.post(
            "/api/v1/invoices",
            &json!({"municipality": "2514", "period": "2022"}),
        )
        .await
        .problem(409);
        // Kalix buys in to a solution from 1 July.
        stream(
            &app,
            2022,
            "E-arkiv från 1 juli",
            30_000,
            json!({"vat_category": "O"}),
            &["2514"],
        )
        .await;
        let second = issued(&app, json!({"municipality": "2514", "period": "2022"})).await;
        assert_ne!(first["id"], second["id"]);
        let lines = second["lines"].as_array().expect("lines");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["description"], "E-arkiv från 1 juli");
        assert_eq!(second["total_ore"], 30_000);
        t.post(
            "/api/v1/invoices",
            &json!({"municipality": "2514", "period": "2022"}),
        )
        .await
        .problem(409);
    }
);

/// UBL, CSV and JSON of invoice `id` as the treasurer sees them.
async fn documents(app: &TestApp, id: i64) -> (String, String, Value) {
    let t = app.as_role(Role::Treasurer);
    let ubl = t.get(&format!("/api/v1/invoices/{id}/ubl")).await;
    assert_eq!(ubl.status, 200, "{}", ubl.text());
    let csv = t.get(&format!("/api/v1/invoices/{id}/csv")).await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    let json = t.get(&format!("/api/v1/invoices/{id}")).await;
    assert_eq!(json.status, 200, "{}", json.text());
    (ubl.text(), csv.text(), json.json())
}

/// Edits everything an invoice shows of the buyer (2582) and the seller (the host, 2580).
async fn edit_parties(app: &TestApp) {
    let admin = app.as_role(Role::Admin);
    for (code, name) in [("2582", "Nya Bodens kommun"), ("2580", "Nya Luleå kommun")] {
        let r = admin
            .patch(
                &format!("/api/v1/municipalities/{code}"),
                &json!({"legal_name": name, "buyer_reference": "NY-REF",
                    "peppol_endpoint_scheme": "0007", "peppol_endpoint_id": "2120000001",
                    "address": {"street": "Ny gata 1", "postcode": "999 99", "city": "Nystad"}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
}

both!(an_issued_invoice_never_changes, |app| async move {
    use sha2::Digest;
    stream(
        &app,
        2022,
        "Plattform",
        200_000,
        json!({"vat_category": "S", "vat_percent": 25}),
        &["2582"],
    )
    .await;
    let id = issued(&app, json!({"municipality": "2582", "period": "2022"})).await["id"]
        .as_i64()
        .expect("id");
    let (ubl, csv, json) = documents(&app, id).await;
    assert_eq!(
        json["ubl_sha256"],
        hex::encode(sha2::Sha256::digest(ubl.as_bytes())),
        "the hash shown is the hash of the bytes served"
    );
    assert!(ubl.contains("Bodens kommun") && !ubl.contains("Nya Bodens"));
    edit_parties(&app).await;
    // The same server, and one restarted with another bankgiro and VAT number.
    let other = Invoicing::from_settings(Some("555-5552"), None, Some("SE556677889901"), None)
        .expect("settings");
    let reconfigured = app.instance_with(other).await;
    for a in [&app, &reconfigured] {
        let (u, c, j) = documents(a, id).await;
        assert_eq!(u, ubl, "UBL unchanged");
        assert_eq!(c, csv, "CSV unchanged");
        assert_eq!(j, json, "JSON unchanged");
    }
    // The edits took effect: a document issued after them shows them.
    stream(
        &app,
        2023,
        "Plattform",
        100_000,
        json!({"vat_category": "S", "vat_percent": 25}),
        &["2582"],
    )
    .await;
    let t = reconfigured.as_role(Role::Treasurer);
    let r = t
        .post(
            "/api/v1/invoices",
            &json!({"municipality": "2582", "period": "2023"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let next = r.json()["id"].as_i64().expect("id");
    let r = t
        .post(&format!("/api/v1/invoices/{next}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = t
        .post(
            &format!("/api/v1/invoices/{next}/issue"),
            &json!({"issue_date": "2023-02-01"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let (u, _, _) = documents(&reconfigured, next).await;
    for new in [
        "Nya Bodens kommun",
        "Nya Luleå kommun",
        "Nystad",
        "NY-REF",
        "SE556677889901",
    ] {
        assert!(u.contains(new), "{new} in {u}");
    }
});

both!(
    documents_issued_before_freezing_are_frozen_as_they_render,
    |app| async move {
        stream(
            &app,
            2022,
            "Plattform",
            100_000,
            json!({"vat_category": "O"}),
            &["2582"],
        )
        .await;
        let id = issued(&app, json!({"municipality": "2582", "period": "2022"})).await["id"]
            .as_i64()
            .expect("id");
        let (ubl, csv, _) = documents(&app, id).await;
        // As a database migrated from before: nothing stored with the document.
        let mut pooled = app.pool.get().expect("connection");
        let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "UPDATE invoices SET issued_ubl = NULL, issued_ubl_sha256 = NULL, buyer_name = NULL",
        )
        .execute(conn)
        .expect("update");
        let (frozen, failed) =
            samverkan_http::money::freeze_issued(conn, &invoicing()).expect("freeze");
        assert_eq!((frozen, failed.len()), (1, 0), "{failed:?}");
        // A second run finds nothing to do.
        let (again, _) = samverkan_http::money::freeze_issued(conn, &invoicing()).expect("freeze");
        assert_eq!(again, 0);
        drop(pooled);
        edit_parties(&app).await;
        let (u, c, j) = documents(&app, id).await;
        assert_eq!((u, c), (ubl, csv));
        assert!(j["ubl_sha256"].is_string());
    }
);
