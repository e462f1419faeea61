use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;

const CODES: [&str; 14] = [
    "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523", "2560", "2580", "2581", "2582",
    "2583", "2584",
];

fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["scb_code"].as_str().expect("code").to_owned())
        .collect()
}

both!(
    lists_the_fourteen_members_with_populations,
    |app| async move {
        let r = app.get("/api/v1/municipalities").await;
        assert_eq!(r.status, 200);
        let page = r.json();
        assert_eq!(codes(&page), CODES);
        assert!(page["next"].is_null());
        let lulea = &page["items"][9];
        assert_eq!(lulea["name"], "Luleå");
        assert_eq!(lulea["host"], true);
        assert_eq!(lulea["org_number"], "212000-2742");
        assert_eq!(lulea["latest_population"]["date"], "2020-12-31");
        assert_eq!(lulea["latest_population"]["count"], 78549);
        let hosts = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|m| m["host"] == true)
            .count();
        assert_eq!(hosts, 1);
    }
);

both!(
    pages_follow_next_without_gaps_or_duplicates,
    |app| async move {
        let mut url = "/api/v1/municipalities?limit=4".to_owned();
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = app.get(&url).await.json();
            assert!(page["items"].as_array().expect("items").len() <= 4);
            seen.extend(codes(&page));
            pages += 1;
            match page["next"].as_str() {
                Some(next) => url = next.to_owned(),
                None => break,
            }
        }
        assert_eq!(pages, 4);
        assert_eq!(seen, CODES);
        app.get("/api/v1/municipalities?limit=0")
            .await
            .problem_field(400, "limit");
        app.get("/api/v1/municipalities?limit=201")
            .await
            .problem_field(400, "limit");
    }
);

both!(name_search_folds_swedish_letters, |app| async move {
    let page = app.get("/api/v1/municipalities?q=%C3%96VER").await.json();
    assert_eq!(codes(&page), ["2513", "2518"]);
    let page = app.get("/api/v1/municipalities?q=lule%C3%85").await.json();
    assert_eq!(codes(&page), ["2580"]);
    let page = app.get("/api/v1/municipalities?q=100%25").await.json();
    assert_eq!(codes(&page), Vec::<String>::new());
});

both!(population_in_force_on_a_date, |app| async move {
    let m = app
        .get("/api/v1/municipalities/2580?on=2020-06-30")
        .await
        .json();
    assert_eq!(m["population_on"]["date"], "2019-12-31");
    assert_eq!(m["population_on"]["count"], 78105);
    assert_eq!(m["latest_population"]["date"], "2020-12-31");
    let m = app
        .get("/api/v1/municipalities/2580?on=2018-12-31")
        .await
        .json();
    assert_eq!(m["population_on"]["date"], "2018-12-31");
    let m = app
        .get("/api/v1/municipalities/2580?on=2010-01-01")
        .await
        .json();
    assert!(m["population_on"].is_null());
    let m = app.get("/api/v1/municipalities/2580").await.json();
    assert!(m["population_on"].is_null());
    app.get("/api/v1/municipalities/2580?on=2020-13-01")
        .await
        .problem(400);
    app.get("/api/v1/municipalities/2580?bogus=1")
        .await
        .problem_field(400, "bogus");
});

both!(unknown_and_malformed_codes_are_404, |app| async move {
    let p = app.get("/api/v1/municipalities/0180").await.problem(404);
    assert_eq!(p["instance"], "/api/v1/municipalities/0180");
    app.get("/api/v1/municipalities/25x0").await.problem(404);
    app.get("/api/v1/municipalities/0180/populations")
        .await
        .problem(404);
});

both!(populations_are_listed_newest_first, |app| async move {
    let r = app.get("/api/v1/municipalities/2505/populations").await;
    assert_eq!(r.status, 200);
    let body = r.json();
    let dates: Vec<&str> = body
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["date"].as_str().expect("date"))
        .collect();
    assert_eq!(dates, ["2020-12-31", "2019-12-31", "2018-12-31"]);
});

both!(adding_a_population_needs_admin, |app| async move {
    let body = json!({"date": "2021-12-31", "count": 6100, "source": "SCB"});
    let url = "/api/v1/municipalities/2505/populations";
    app.post(url, &body).await.problem(401);
    for role in [Role::Secretary, Role::Treasurer, Role::Municipality] {
        app.as_role(role).post(url, &body).await.problem(403);
    }
    let admin = app.as_role(Role::Admin);
    let r = admin.post(url, &body).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("location"), Some(url));
    assert_eq!(
        r.json(),
        json!({"date": "2021-12-31", "count": 6100, "source": "SCB"})
    );
    let m = app.get("/api/v1/municipalities/2505").await.json();
    assert_eq!(m["latest_population"]["count"], 6100);
    // The same date again: never overwritten.
    admin
        .post(
            url,
            &json!({"date": "2021-12-31", "count": 1, "source": "SCB"}),
        )
        .await
        .problem(409);
    let m = app
        .get("/api/v1/municipalities/2505?on=2022-01-01")
        .await
        .json();
    assert_eq!(m["population_on"]["count"], 6100);
    admin
        .post("/api/v1/municipalities/0180/populations", &body)
        .await
        .problem(404);
});

both!(bad_population_bodies_name_the_field, |app| async move {
    let admin = app.as_role(Role::Admin);
    let url = "/api/v1/municipalities/2505/populations";
    admin
        .post(
            url,
            &json!({"date": "2021-12-31", "count": -1, "source": "SCB"}),
        )
        .await
        .problem_field(422, "count");
    admin
        .post(
            url,
            &json!({"date": "2021-12-31", "count": 5, "source": ""}),
        )
        .await
        .problem_field(422, "source");
    admin
        .post(
            url,
            &json!({"date": "2021-12-31", "count": 5, "source": "   "}),
        )
        .await
        .problem_field(422, "source");
    admin
        .post(
            url,
            &json!({"date": "31/12/2021", "count": 5, "source": "SCB"}),
        )
        .await
        .problem_field(422, "date");
    admin
        .post(
            url,
            &json!({"date": "2021-12-31", "count": "many", "source": "SCB"}),
        )
        .await
        .problem_field(422, "count");
    admin
        .post(url, &json!({"date": "2021-12-31", "source": "SCB"}))
        .await
        .problem_field(422, "body");
    admin
        .post(
            url,
            &json!({"date": "2021-12-31", "count": 5, "source": "SCB", "extra": 1}),
        )
        .await
        .problem_field(422, "extra");
    // Nothing was written.
    let pops = app.get(url).await.json();
    assert_eq!(pops.as_array().expect("array").len(), 3);
});

both!(cursor_is_validated, |app| async move {
    app.get("/api/v1/municipalities?after=")
        .await
        .problem_field(400, "after");
    app.get("/api/v1/municipalities?after=25")
        .await
        .problem_field(400, "after");
    let page = app.get("/api/v1/municipalities?after=2580").await.json();
    assert_eq!(codes(&page), ["2581", "2582", "2583", "2584"]);
});

both!(admin_sets_invoicing_fields, |app| async move {
    let url = "/api/v1/municipalities/2582";
    let body = json!({"buyer_reference": "E-NÄMND-2582", "peppol_endpoint_id": "2120002767",
        "address": {"street": "Kyrkgatan 24", "postcode": "961 86", "city": "Boden"}});
    app.patch(url, &body).await.problem(401);
    app.as_role(Role::Secretary)
        .patch(url, &body)
        .await
        .problem(403);
    let admin = app.as_role(Role::Admin);
    let r = admin.patch(url, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let m = app.get(url).await.json();
    assert_eq!(m["invoicing"]["buyer_reference"], "E-NÄMND-2582");
    assert_eq!(m["invoicing"]["address"]["city"], "Boden");
    assert_eq!(m["legal_name"], "Bodens kommun");
    assert_eq!(m["org_number"], "212000-2767");
    // Absent fields stay; null clears.
    let r = admin.patch(url, &json!({"buyer_reference": null})).await;
    assert_eq!(r.status, 200);
    let m = r.json();
    assert!(m["invoicing"]["buyer_reference"].is_null());
    assert_eq!(m["invoicing"]["peppol_endpoint_id"], "2120002767");
    // Bad input names the field and changes nothing.
    admin
        .patch(url, &json!({"peppol_endpoint_id": "212000-2767"}))
        .await
        .problem_field(422, "peppol_endpoint_id");
    admin
        .patch(url, &json!({"buyer_reference": "  "}))
        .await
        .problem_field(422, "buyer_reference");
    admin
        .patch(url, &json!({"member_to": "2010-01-01"}))
        .await
        // Before the stored start of membership: a conflict with what is stored.
        .problem_field(409, "member_to");
    admin
        .patch(url, &json!({"scb_code": "9999"}))
        .await
        .problem_field(422, "scb_code");
    admin
        .patch("/api/v1/municipalities/0180", &body)
        .await
        .problem(404);
    let m = app.get(url).await.json();
    assert_eq!(m["invoicing"]["peppol_endpoint_id"], "2120002767");
    assert!(m["member_to"].is_null());
});

// JSON Schema's `integer` is any number with a zero fraction: `6100.0` and `6.1e3` are
// the integer 6100 (what a client generated from the spec may send); `6100.5` is not.
both!(
    whole_numbers_with_a_fraction_are_integers,
    |app| async move {
        let admin = app.as_role(Role::Admin);
        let url = "/api/v1/municipalities/2505/populations";
        let send = |body: &'static str| {
            admin.raw(
                actix_web::http::Method::POST,
                url,
                "application/json",
                body.as_bytes().to_vec(),
            )
        };
        send(r#"{"date": "2021-12-30", "count": 6100.5, "source": "SCB"}"#)
            .await
            .problem_field(422, "count");
        let r = send(r#"{"date": "2021-12-31", "count": 6100.0, "source": "SCB 6100.0"}"#).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(
            r.json(),
            json!({"date": "2021-12-31", "count": 6100, "source": "SCB 6100.0"})
        );
        let r = send(r#"{"date": "2022-12-31", "count": 6.1e3, "source": "SCB"}"#).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["count"], 6100);
        // Duplicate fields are still refused.
        send(r#"{"date": "2023-12-31", "count": 1.0, "count": 2, "source": "SCB"}"#)
            .await
            .problem(422);
    }
);
