//! Money: splits, cost streams, invoices, PEPPOL UBL and CSV, on both backends.

use actix_web::test;
use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::{Res, TestApp};

/// The directive's table (protocol 2021-01-28 § 2, attachment), kronor; Kalix outside.
const DIRECTIVE: [(&str, i64); 13] = [
    ("2580", 160_524),
    ("2581", 87_681),
    ("2582", 58_707),
    ("2584", 48_551),
    ("2523", 37_444),
    ("2583", 20_456),
    ("2560", 17_295),
    ("2505", 13_492),
    ("2521", 12_702),
    ("2510", 10_595),
    ("2518", 9_449),
    ("2513", 7_116),
    ("2506", 5_989),
];

fn shares(alloc: &Value) -> Vec<(String, i64)> {
    alloc["shares"]
        .as_array()
        .expect("shares")
        .iter()
        .map(|s| {
            (
                s["scb_code"].as_str().expect("code").to_owned(),
                s["amount_ore"].as_i64().expect("amount"),
            )
        })
        .collect()
}

async fn streams_2021(app: &TestApp) -> Vec<Value> {
    let r = app.get("/api/v1/cost-streams?year=2021").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"].as_array().expect("items").clone()
}

async fn stream_of_kind(app: &TestApp, kind: &str) -> Value {
    streams_2021(app)
        .await
        .into_iter()
        .find(|s| s["kind"] == kind)
        .expect("seeded stream")
}

async fn post_key(app: &TestApp, uri: &str, key: &str, body: &Value) -> Res {
    app.send(
        test::TestRequest::post()
            .uri(uri)
            .insert_header(("Idempotency-Key", key.to_owned()))
            .set_json(body),
    )
    .await
}

/// The seeded draft invoice of a municipality for 2021.
async fn draft_of(app: &TestApp, code: &str) -> Value {
    let r = app
        .as_role(Role::Treasurer)
        .get(&format!("/api/v1/invoices?municipality={code}&period=2021"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let items = r.json()["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 1, "one invoice per municipality and period");
    items[0].clone()
}

both!(golden_base_funding_equal_parts, |app| async move {
    let s = stream_of_kind(&app, "base_funding").await;
    assert_eq!(s["amount_ore"], 104_440_000);
    assert_eq!(s["vat_category"], "O");
    assert_eq!(s["vat_exemption_reason"], "Not subject to VAT");
    let r = app
        .get(s["links"]["allocation"].as_str().expect("link"))
        .await;
    assert_eq!(r.status, 200);
    let sh = shares(&r.json());
    assert_eq!(sh.len(), 14);
    assert!(sh.iter().all(|(_, a)| *a == 7_460_000), "{sh:?}");
});

both!(student_health_split_matches_directive, |app| async move {
    let s = stream_of_kind(&app, "project").await;
    assert_eq!(
        s["decision"],
        json!({"year": 2021, "paragraph": 2, "case_number": null, "href": "/api/v1/decisions?year=2021&paragraph=2"})
    );
    assert!(
        s["population_source"]
            .as_str()
            .expect("source")
            .contains("Projektdirektiv")
    );
    let a = app
        .get(&format!("/api/v1/cost-streams/{}/allocation", s["id"]))
        .await
        .json();
    let sh = shares(&a);
    assert_eq!(sh.len(), 13);
    assert!(sh.iter().all(|(c, _)| c != "2514"), "Kalix is outside");
    assert_eq!(sh.iter().map(|(_, a)| a).sum::<i64>(), 49_000_000);
    for (code, kr) in DIRECTIVE {
        let got = sh.iter().find(|(c, _)| c == code).expect("share").1;
        assert!((got - kr * 100).abs() <= 100, "{code}: {got} vs {kr} kr");
        assert_eq!(got % 100, 0, "whole kronor");
    }
    // The basis records the directive's figures.
    let lulea = a["shares"]
        .as_array()
        .expect("shares")
        .iter()
        .find(|s| s["scb_code"] == "2580")
        .expect("Luleå")
        .clone();
    assert_eq!(lulea["basis"]["population"], 76_739);
    assert_eq!(lulea["basis"]["population_total"], 234_246);
});

both!(preview_is_public_and_exact, |app| async move {
    let r = app
        .post(
            "/api/v1/allocations/preview",
            &json!({"amount_ore": 104_440_000, "rounding_unit_ore": 10_000, "model": {"kind": "equal"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(shares(&r.json()).iter().all(|(_, a)| *a == 7_460_000));
    let r = app
        .post(
            "/api/v1/allocations/preview",
            &json!({"amount_ore": 93_060_000, "rounding_unit_ore": 10_000,
                    "model": {"kind": "mixed", "flat_percent": 50, "population_date": "2020-12-31"},
                    "participants": ["2505", "2506", "2580"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let sh = shares(&r.json());
    assert_eq!(sh.iter().map(|(_, a)| a).sum::<i64>(), 93_060_000);
    assert!(
        sh[2].1 > sh[0].1 && sh[0].1 > sh[1].1,
        "Luleå > Arvidsjaur > Arjeplog"
    );
});

both!(bad_splits_name_the_field, |app| async move {
    let cases = [
        // A well-formed date of which the registry holds no population snapshot: a
        // conflict with what is stored.
        (
            json!({"amount_ore": 100_000, "model": {"kind": "per_capita", "population_date": "2015-12-31"}}),
            "model.population_date",
            409,
        ),
        (
            json!({"amount_ore": 100_000, "model": {"kind": "equal"}, "participants": ["2505", "9999"]}),
            "participants[1]",
            409,
        ),
        (
            json!({"amount_ore": 100_000, "model": {"kind": "equal"}, "participants": ["0180"]}),
            "participants[0]",
            409,
        ),
        (
            json!({"amount_ore": -1, "model": {"kind": "equal"}}),
            "amount_ore",
            422,
        ),
        (
            json!({"amount_ore": 100_000, "model": {"kind": "capped", "caps_ore": {"2505": 40_000, "2506": 40_000}}, "participants": ["2505", "2506"]}),
            "model.caps_ore",
            422,
        ),
        (
            json!({"amount_ore": 100_000, "model": {"kind": "fixed", "amounts_ore": {"2505": 40_000, "2506": 40_000}}, "participants": ["2505", "2506"]}),
            "model.amounts_ore",
            422,
        ),
        (
            json!({"amount_ore": 100_000, "model": {"kind": "bogus"}}),
            "model",
            422,
        ),
        // The variants take no field of another (an optional field of their own may be
        // null, see below).
        (
            json!({"amount_ore": 100_000, "model": {"kind": "equal", "flat_percent": 5}}),
            "model.flat_percent",
            422,
        ),
    ];
    // A well-formed code that is not a member conflicts with the registry (409); the
    // rest break rules of the request itself (422).
    for (body, field, status) in cases {
        app.post("/api/v1/allocations/preview", &body)
            .await
            .problem_field(status, field);
    }
    // An optional field of the variant's own, sent as null, is its absence.
    let usage = app
        .post(
            "/api/v1/allocations/preview",
            &json!({"amount_ore": 300, "participants": ["2505", "2506"],
                "model": {"kind": "usage", "quantities": {"2505": 1, "2506": 2},
                    "unit_price_ore": 100, "one_off_ore": null}}),
        )
        .await;
    assert_eq!(usage.status, 200, "{}", usage.text());
    // Stream creation: same rules, nothing written.
    let t = app.as_role(Role::Treasurer);
    let before = streams_2021(&app).await.len();
    t.post(
        "/api/v1/cost-streams",
        &json!({"year": 2021, "name": "X", "kind": "project", "amount_ore": 100_000,
                "model": {"kind": "capped", "caps_ore": {"2505": 1}}, "participants": ["2505"]}),
    )
    .await
    .problem_field(422, "model.caps_ore");
    t.post(
        "/api/v1/cost-streams",
        &json!({"year": 2021, "name": "X", "kind": "nope", "amount_ore": 1, "model": {"kind": "equal"}}),
    )
    .await
    .problem_field(422, "kind");
    assert_eq!(streams_2021(&app).await.len(), before);
    // Writes need the treasurer.
    let r = app
        .as_role(Role::Secretary)
        .post(
            "/api/v1/cost-streams",
            &json!({"year": 2021, "name": "X", "kind": "project", "amount_ore": 1, "model": {"kind": "equal"}}),
        )
        .await;
    r.problem(403);
});

both!(stored_split_ignores_newer_snapshots, |app| async move {
    let t = app.as_role(Role::Treasurer);
    let body = json!({"year": 2022, "name": "Systemförvaltare", "kind": "system_manager",
        "amount_ore": 50_000_000, "rounding_unit_ore": 100,
        "model": {"kind": "mixed", "flat_percent": 50, "population_date": "2020-12-31"},
        "activity_id": 42, "decision": {"year": 2021, "paragraph": 7}});
    let r = t.post("/api/v1/cost-streams", &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let s = r.json();
    assert_eq!(s["activity_id"], 42);
    let url = format!("/api/v1/cost-streams/{}/allocation", s["id"]);
    let before = app.get(&url).await.json();
    // Overwriting a cited snapshot is refused; a new one is added.
    let admin = app.as_role(Role::Admin);
    admin
        .post(
            "/api/v1/municipalities/2580/populations",
            &json!({"date": "2020-12-31", "count": 99_999, "source": "x"}),
        )
        .await
        .problem(409);
    let r = admin
        .post(
            "/api/v1/municipalities/2580/populations",
            &json!({"date": "2021-12-31", "count": 99_999, "source": "SCB"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let after = app.get(&url).await.json();
    assert_eq!(before, after);
    assert_eq!(
        shares(&after).iter().map(|(_, a)| a).sum::<i64>(),
        50_000_000
    );
});

both!(invoice_lifecycle, |app| async move {
    let t = app.as_role(Role::Treasurer);
    let inv = draft_of(&app, "2582").await;
    assert_eq!(inv["status"], "draft");
    let lines = inv["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["amount_ore"], 7_460_000);
    let total = inv["total_ore"].as_i64().expect("total");
    assert_eq!(
        total,
        7_460_000 + lines[1]["amount_ore"].as_i64().expect("a")
    );
    let id = inv["id"].as_i64().expect("id");
    // One invoice per municipality and period.
    t.post(
        "/api/v1/invoices",
        &json!({"municipality": "2582", "period": "2021"}),
    )
    .await
    .problem(409);
    // Only an approved invoice is issued.
    t.post(
        &format!("/api/v1/invoices/{id}/issue"),
        &json!({"buyer_reference": "B1"}),
    )
    .await
    .problem(409);
    let r = t
        .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["status"], "approved");
    // No buyer reference registered, none given: 422, and no number is used up.
    t.post(&format!("/api/v1/invoices/{id}/issue"), &json!({}))
        .await
        .problem_field(422, "buyer_reference");
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2021-02-01", "due_date": "2021-03-03", "buyer_reference": "Boden <4711> & Co"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let issued = r.json();
    assert_eq!(issued["number"], "2021-000001");
    assert_eq!(issued["status"], "issued");
    // Issued is final.
    t.post(
        &format!("/api/v1/invoices/{id}/issue"),
        &json!({"buyer_reference": "x"}),
    )
    .await
    .problem(409);
    t.post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await
        .problem(409);
    // UBL.
    let r = t.get(&format!("/api/v1/invoices/{id}/ubl")).await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .expect("ct")
            .starts_with("application/xml")
    );
    let x = r.text();
    for needle in [
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>",
        "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>",
        "<cbc:ID>2021-000001</cbc:ID>",
        "<cbc:IssueDate>2021-02-01</cbc:IssueDate>",
        "<cbc:DueDate>2021-03-03</cbc:DueDate>",
        "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
        "<cbc:BuyerReference>Boden &lt;4711&gt; &amp; Co</cbc:BuyerReference>",
        "<cbc:EndpointID schemeID=\"0007\">2120002742</cbc:EndpointID>",
        "<cbc:EndpointID schemeID=\"0007\">2120002767</cbc:EndpointID>",
        "<cbc:RegistrationName>Luleå kommun</cbc:RegistrationName>",
        "<cbc:RegistrationName>Bodens kommun</cbc:RegistrationName>",
        ">30</cbc:PaymentMeansCode>",
        // The configured 5050-1055 as Peppol wants it (SE-R-008, SE-R-009).
        "<cbc:ID>50501055</cbc:ID>",
        "<cbc:TaxExemptionReason>Not subject to VAT</cbc:TaxExemptionReason>",
    ] {
        assert!(x.contains(needle), "missing {needle} in {x}");
    }
    let payable = format!(
        "<cbc:PayableAmount currencyID=\"SEK\">{}.{:02}</cbc:PayableAmount>",
        total / 100,
        total % 100
    );
    assert!(x.contains(&payable), "{payable}");
    assert!(!x.contains("PartyTaxScheme"), "BR-O-02");
    // Payments.
    t.post(
        &format!("/api/v1/invoices/{id}/payments"),
        &json!({"amount_ore": total + 1, "paid_on": "2021-03-01"}),
    )
    .await
    .problem_field(422, "amount_ore");
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/payments"),
            &json!({"amount_ore": 1000, "paid_on": "2021-03-01"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["status"], "partially_paid");
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/payments"),
            &json!({"amount_ore": total - 1000, "paid_on": "2021-03-02"}),
        )
        .await;
    assert_eq!(r.json()["status"], "paid");
    // Credit note: references the original, which stays as it was.
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            &json!({"reason": "fel"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let cn = r.json();
    assert_eq!(cn["type"], "credit_note");
    assert_eq!(cn["credits_invoice_id"], id);
    assert_eq!(cn["total_ore"], total);
    let cn_id = cn["id"].as_i64().expect("id");
    t.post(&format!("/api/v1/invoices/{id}/credit-notes"), &json!({}))
        .await
        .problem(409);
    t.post(&format!("/api/v1/invoices/{cn_id}/approval"), &json!({}))
        .await;
    let r = t
        .post(
            &format!("/api/v1/invoices/{cn_id}/issue"),
            &json!({"issue_date": "2021-04-01", "buyer_reference": "B"}),
        )
        .await;
    assert_eq!(r.json()["number"], "2021-000002");
    let x = t.get(&format!("/api/v1/invoices/{cn_id}/ubl")).await.text();
    assert!(x.contains(
        "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""
    ));
    assert!(x.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
    assert!(x.contains("<cac:InvoiceDocumentReference><cbc:ID>2021-000001</cbc:ID>"));
    let orig = t.get(&format!("/api/v1/invoices/{id}")).await.json();
    assert_eq!(orig["number"], issued["number"]);
    assert_eq!(orig["lines"], issued["lines"]);
    assert_eq!(orig["status"], "credited");
    assert_eq!(orig["credited_ore"], total);
    // Paid, then credited in full: the buyer is owed the payment back.
    assert_eq!(orig["outstanding_ore"], -total);
    // Corrected by a new invoice for the period.
    let r = t
        .post(
            "/api/v1/invoices",
            &json!({"municipality": "2582", "period": "2021"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    // Summary.
    let s = t
        .get("/api/v1/municipalities/2582/invoice-summary?year=2021")
        .await
        .json();
    assert_eq!(s["billed_ore"], total);
    assert_eq!(s["credited_ore"], total);
    assert_eq!(s["paid_ore"], total);
    assert_eq!(s["outstanding_ore"], -total);
    assert_eq!(s["not_issued_ore"], total);
    assert_eq!(s["by_stream"].as_array().expect("streams").len(), 2);
    // Drafts have no PEPPOL document.
    let d = draft_of(&app, "2505").await;
    t.get(&format!("/api/v1/invoices/{}/ubl", d["id"]))
        .await
        .problem(409);
});

both!(idempotent_retries, |app| async move {
    let t = app.as_role(Role::Treasurer);
    let r = t
        .post(
            "/api/v1/cost-streams",
            &json!({"year": 2022, "name": "Grundbelopp 2022", "kind": "base_funding",
                    "amount_ore": 1_400_000, "model": {"kind": "equal"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let body = json!({"municipality": "2505", "period": "2022"});
    let first = post_key(&t, "/api/v1/invoices", "k-1", &body).await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json()["total_ore"], 100_000);
    let again = post_key(&t, "/api/v1/invoices", "k-1", &body).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.json(), first.json());
    let other = post_key(
        &t,
        "/api/v1/invoices",
        "k-1",
        &json!({"municipality": "2506", "period": "2022"}),
    )
    .await;
    other.problem_field(422, "Idempotency-Key");
    // A key is 1–200 visible ASCII characters, as the spec declares: a space inside is 400.
    post_key(&t, "/api/v1/invoices", "k 2", &body)
        .await
        .problem_field(400, "Idempotency-Key");
    let list = t.get("/api/v1/invoices?period=2022").await.json();
    assert_eq!(
        list["items"].as_array().expect("items").len(),
        1,
        "never a second invoice"
    );
    // Payments too.
    let id = first.json()["id"].as_i64().expect("id");
    t.post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    t.post(
        &format!("/api/v1/invoices/{id}/issue"),
        &json!({"buyer_reference": "A"}),
    )
    .await;
    let p = json!({"amount_ore": 500, "paid_on": "2022-03-01"});
    let uri = format!("/api/v1/invoices/{id}/payments");
    let a = post_key(&t, &uri, "p-1", &p).await;
    let b = post_key(&t, &uri, "p-1", &p).await;
    assert_eq!(a.status, 201);
    assert_eq!(a.json(), b.json());
    let inv = t.get(&format!("/api/v1/invoices/{id}")).await.json();
    assert_eq!(inv["paid_ore"], 500);
    assert_eq!(inv["payments"].as_array().expect("p").len(), 1);
});

both!(concurrent_issuing_is_gap_free, |app| async move {
    let t = app.as_role(Role::Treasurer);
    let codes = [
        "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523",
    ];
    let mut ids = Vec::new();
    for c in codes {
        let id = draft_of(&app, c).await["id"].as_i64().expect("id");
        t.post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
            .await;
        ids.push(id);
    }
    let futures = ids.iter().map(|id| {
        let t = &t;
        async move {
            t.post(
                &format!("/api/v1/invoices/{id}/issue"),
                &json!({"issue_date": "2021-02-01", "buyer_reference": "R"}),
            )
            .await
        }
    });
    let results = futures_util::future::join_all(futures).await;
    let mut numbers: Vec<String> = results
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.text());
            r.json()["number"].as_str().expect("number").to_owned()
        })
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=codes.len()).map(|n| format!("2021-{n:06}")).collect();
    assert_eq!(numbers, expected);
});

both!(invoice_access_rules, |app| async move {
    app.get("/api/v1/invoices").await.problem(401);
    app.get("/api/v1/municipalities/2580/invoice-summary?year=2021")
        .await
        .problem(401);
    app.as_role(Role::Secretary)
        .get("/api/v1/invoices")
        .await
        .problem(403);
    let lulea = app.as_role(Role::Municipality);
    let mine = lulea.get("/api/v1/invoices").await.json();
    let items = mine["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert!(items.iter().all(|i| i["scb_code"] == "2580"));
    let boden = draft_of(&app, "2582").await;
    lulea
        .get(&format!("/api/v1/invoices/{}", boden["id"]))
        .await
        .problem(404);
    lulea
        .get(&format!("/api/v1/invoices/{}/csv", boden["id"]))
        .await
        .problem(404);
    lulea
        .get("/api/v1/invoices?municipality=2582")
        .await
        .problem(404);
    lulea
        .get("/api/v1/municipalities/2582/invoices")
        .await
        .problem(404);
    lulea
        .get("/api/v1/municipalities/2582/invoice-summary?year=2021")
        .await
        .problem(404);
    let r = lulea
        .get(&format!("/api/v1/invoices/{}", items[0]["id"]))
        .await;
    assert_eq!(r.status, 200);
    let r = lulea
        .get("/api/v1/municipalities/2580/invoice-summary?year=2021")
        .await;
    assert_eq!(r.status, 200);
    let r = lulea.get("/api/v1/municipalities/2580/invoices").await;
    assert_eq!(r.json()["items"].as_array().expect("items").len(), 1);
    // Municipalities do not write invoices; stream splits stay public.
    lulea
        .post(
            "/api/v1/invoices",
            &json!({"municipality": "2580", "period": "2021"}),
        )
        .await
        .problem(403);
    let s = stream_of_kind(&app, "project").await;
    let r = app
        .get(&format!("/api/v1/cost-streams/{}/allocation", s["id"]))
        .await;
    assert_eq!(r.status, 200);
});

both!(csv_is_swedish_excel_friendly, |app| async move {
    let t = app.as_role(Role::Treasurer);
    let inv = draft_of(&app, "2580").await;
    let r = t.get(&format!("/api/v1/invoices/{}/csv", inv["id"])).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(r.body.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM");
    let text = r.text();
    let rows: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(rows.len(), 3, "header + 2 lines");
    assert!(rows[0].contains("fakturanummer;"));
    assert!(rows[1].contains(";74600,00;"), "{}", rows[1]);
    assert!(rows[2].contains(";160524,00;"), "{}", rows[2]);
    assert!(rows[1].contains(";Luleå;"));
    let r = t.get("/api/v1/invoices/export?period=2021").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text().trim_end().split("\r\n").count(), 1 + 14 + 13);
});

both!(concurrent_creation_makes_one_invoice, |app| async move {
    let t = app.as_role(Role::Treasurer);
    let r = t
        .post(
            "/api/v1/cost-streams",
            &json!({"year": 2023, "name": "Grundbelopp 2023", "kind": "base_funding",
                    "amount_ore": 1_400_000, "model": {"kind": "equal"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let body = json!({"municipality": "2505", "period": "2023"});
    let results =
        futures_util::future::join_all((0..6).map(|_| t.post("/api/v1/invoices", &body))).await;
    let created = results.iter().filter(|r| r.status == 201).count();
    assert_eq!(
        created,
        1,
        "{:?}",
        results.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    assert!(results.iter().all(|r| r.status == 201 || r.status == 409));
    let list = t.get("/api/v1/invoices?period=2023").await.json();
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
});

both!(export_period_is_validated, |app| async move {
    let t = app.as_role(Role::Treasurer);
    t.get("/api/v1/invoices/export?period=20x1")
        .await
        .problem_field(400, "period");
    t.get("/api/v1/invoices/export?period=%C2%A0b%0B")
        .await
        .problem_field(400, "period");
    let r = t.get("/api/v1/invoices/export?period=2021").await;
    assert_eq!(r.status, 200);
});

// The summary of a year without invoices is empty; of a municipality that is not a
// member, 404 (the existence check runs only when no invoice names it).
both!(
    summary_of_an_empty_year_and_of_no_municipality,
    |app| async move {
        let t = app.as_role(Role::Treasurer);
        let r = t
            .get("/api/v1/municipalities/2580/invoice-summary?year=1999")
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let s = r.json();
        assert_eq!(s["year"], 1999, "{s}");
        assert_eq!(s["billed_ore"], 0, "{s}");
        assert_eq!(s["by_stream"], json!([]), "{s}");
        t.get("/api/v1/municipalities/0180/invoice-summary?year=2021")
            .await
            .problem(404);
    }
);
