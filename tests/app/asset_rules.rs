//! The asset register's own rules: tags, serials, money and dates, archived
//! assets, lookups, and creates racing each other.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::TestApp;

struct Fixture {
    token: String,
    model: String,
    status: String,
    entity: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    Fixture {
        token: app.token("pm_a").await,
        model: app.id_of("asset_models", "Latitude 5440").await.to_string(),
        status: app.id_of("asset_statuses", "En stock").await.to_string(),
        entity: app.id_of("entities", "Filiale A").await.to_string(),
    }
}

fn body(f: &Fixture, extra: Value) -> Value {
    let mut body = json!({"model_id": f.model, "status_id": f.status, "entity_id": f.entity});
    if let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) {
        target.extend(source.clone());
    }
    body
}

#[tokio::test]
async fn tags_come_from_the_category_pattern_and_never_repeat() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let first = app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({})))).await;
    first.assert_status(StatusCode::CREATED);
    assert_eq!(first.json()["tag"], format!("PT-{year}-00001"), "the Portable pattern is PT-{{YYYY}}-{{#####}}");
    // Someone types the next tag by hand: the counter skips it.
    let typed = format!("PT-{year}-00002");
    app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({"tag": typed}))))
        .await
        .assert_status(StatusCode::CREATED);
    let third = app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({})))).await;
    assert_eq!(third.json()["tag"], format!("PT-{year}-00003"));
    // Typing a tag that exists is refused on the field, case-insensitively.
    let taken = app
        .api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({"tag": typed.to_lowercase()}))))
        .await;
    taken.assert_status(StatusCode::CONFLICT);
    assert_eq!(taken.json()["errors"][0]["field"], "tag");
}

#[tokio::test]
async fn a_hundred_parallel_creates_get_a_hundred_distinct_tags() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let creates = (0..100).map(|_| app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({})))));
    let responses = join_all(creates).await;
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
    let tags: BTreeSet<String> = responses.iter().filter_map(|r| r.json()["tag"].as_str().map(str::to_owned)).collect();
    assert_eq!(tags.len(), 100);
}

#[tokio::test]
async fn a_hundred_parallel_creates_with_one_serial_make_one_asset() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let creates = (0..100).map(|_| {
        app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({"serial": "5CG0000RACE"}))))
    });
    let responses = join_all(creates).await;
    let created = responses.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let refused: Vec<&crate::helpers::TestResponse> =
        responses.iter().filter(|r| r.status == StatusCode::CONFLICT).collect();
    assert_eq!((created, refused.len()), (1, 99));
    assert!(
        refused
            .iter()
            .all(|r| r.json()["type"] == "urn:parc:problem:taken" && r.json()["errors"][0]["field"] == "serial")
    );
    let count: i64 = sqlx::query_scalar("select count(*) from assets where serial = '5CG0000RACE'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn placeholder_serials_are_no_serial() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    for serial in ["To be filled by O.E.M.", "To be filled by O.E.M.", "0", "Default string"] {
        let created =
            app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({"serial": serial})))).await;
        created.assert_status(StatusCode::CREATED);
        assert_eq!(created.json()["serial"], Value::Null, "{serial}");
    }
}

#[tokio::test]
async fn wrong_money_dates_and_currencies_are_marked() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    let model = app.id_of("asset_models", "Latitude 5440").await.to_string();
    let status = app.id_of("asset_statuses", "En stock").await.to_string();
    let entity = app.id_of("entities", "Filiale A").await.to_string();
    let cases = [
        ("price", "-5", "field-negative"),
        ("price", "abc", "field-invalid-money"),
        ("purchase_date", "2026-02-30", "field-invalid-date"),
        ("warranty_end", "30/02/2026", "field-invalid-date"),
        ("currency", "euros", "field-invalid-currency"),
    ];
    for (field, value, key) in cases {
        let fields = [
            ("model_id", model.as_str()),
            ("status_id", status.as_str()),
            ("entity_id", entity.as_str()),
            (field, value),
        ];
        let page = session.post("/assets", &fields).await;
        page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.has(&format!("#f-{field}[aria-invalid=true]")), "{field}={value}");
        assert!(page.body.contains(value), "keeps what was typed");
        let messages = page.texts(&format!("#e-{field}"));
        let expected = parc::web::i18n::tr(parc::web::i18n::Lang::En, key);
        assert_eq!(messages, vec![expected], "{field}={value}");
    }
    let fields = [
        ("model_id", model.as_str()),
        ("status_id", status.as_str()),
        ("entity_id", entity.as_str()),
        ("purchase_date", "2026-03-01"),
        ("warranty_end", "2026-01-01"),
    ];
    let page = session.post("/assets", &fields).await;
    assert!(page.has("#f-warranty_end[aria-invalid=true]"), "warranty before purchase");
    let token = app.token("pm_a").await;
    let api = app
        .api(
            Some(&token),
            Method::POST,
            "/api/v1/assets",
            Some(json!({"model_id": model, "status_id": status, "entity_id": entity, "price": "-5"})),
        )
        .await;
    api.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        api.json()["errors"][0],
        json!({"field": "price", "code": "field-negative", "message": "Cannot be negative."})
    );
}

#[tokio::test]
async fn archived_assets_leave_the_default_list_but_stay_searchable() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let stolen = app.id_of("asset_statuses", "Volé").await;
    app.api(
        Some(&f.token),
        Method::POST,
        "/api/v1/assets",
        Some(body(&f, json!({"name": "Stolen laptop", "status_id": stolen}))),
    )
    .await
    .assert_status(StatusCode::CREATED);
    let names = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["name"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let default = app.api(Some(&f.token), Method::GET, "/api/v1/assets?per_page=200", None).await.json();
    assert!(!names(default).contains(&"Stolen laptop".to_owned()));
    for query in ["q=stolen", "status_kind=archived", &format!("status_id={stolen}")] {
        let found = app.api(Some(&f.token), Method::GET, &format!("/api/v1/assets?{query}"), None).await.json();
        assert!(names(found).contains(&"Stolen laptop".to_owned()), "{query}");
    }
}

#[tokio::test]
async fn lookups_by_tag_and_serial_respect_the_scope() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let found = app.api(Some(&token), Method::GET, "/api/v1/assets/by-tag/pt-fix-0001", None).await;
    found.assert_status(StatusCode::OK);
    assert_eq!(found.json()["name"], "Fixture laptop A");
    // Subsidiary B's asset answers exactly like a tag that does not exist.
    let hidden = app.api(Some(&token), Method::GET, "/api/v1/assets/by-tag/PT-FIX-0002", None).await;
    let missing = app.api(Some(&token), Method::GET, "/api/v1/assets/by-tag/NO-SUCH-TAG", None).await;
    hidden.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(hidden.body, missing.body);
    let serial = app.api(Some(&token), Method::GET, "/api/v1/assets/by-serial/sn-a-1", None).await.json();
    assert_eq!(serial.as_array().map(Vec::len), Some(1));
    let other = app.api(Some(&token), Method::GET, "/api/v1/assets/by-serial/SN-B-1", None).await.json();
    assert_eq!(other, json!([]));
}

#[tokio::test]
async fn technicians_edit_assets_but_do_not_create_or_delete_them() {
    let app = TestApp::new().await;
    let token = app.token("tech_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let asset = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}"), None).await.json();
    let changed = app
        .api(
            Some(&token),
            Method::PATCH,
            &format!("/api/v1/assets/{id}"),
            Some(json!({"version": asset["version"], "notes": "RAM upgraded"})),
        )
        .await;
    changed.assert_status(StatusCode::OK);
    app.api(Some(&token), Method::DELETE, &format!("/api/v1/assets/{id}"), None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let f = Fixture { token, ..fixture(&app).await };
    app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({}))))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn check_out_to_a_person_then_back_in() {
    let app = TestApp::new().await;
    let token = app.token("tech_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let emma = app.id_of("users", "emp_a").await;
    let out = app
        .api(
            Some(&token),
            Method::POST,
            &format!("/api/v1/assets/{id}/checkout"),
            Some(json!({"user_id": emma, "expected_return": "2099-12-31", "note": "new hire"})),
        )
        .await;
    out.assert_status(StatusCode::OK);
    assert_eq!(out.json()["assigned_user_id"], json!(emma));
    assert_eq!(out.json()["status_kind"], "deployed");
    let session = app.login("tech_a").await;
    let page = session.get(&format!("/assets/{id}")).await;
    assert!(page.texts("[data-testid=holder]").join(" ").contains("Person emp_a"));
    let back = app
        .api(
            Some(&token),
            Method::POST,
            &format!("/api/v1/assets/{id}/checkin"),
            Some(json!({"condition": "screen scratched"})),
        )
        .await;
    back.assert_status(StatusCode::OK);
    assert_eq!(back.json()["assigned_user_id"], Value::Null);
    assert_eq!(back.json()["status_kind"], "deployable");
    let page = session.get(&format!("/assets/{id}")).await;
    let timeline = page.texts("[data-testid=timeline] td").join("|");
    assert!(
        timeline.contains("Person emp_a") && timeline.contains("screen scratched") && timeline.contains("new hire"),
        "{timeline}"
    );
    let steps: Vec<Value> = sqlx::query_scalar(
        "select changes->'lifecycle'->'new' from audit_log where object_id = $1 and changes ? 'lifecycle' order by id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(steps, vec![json!("checkout"), json!("checkin")]);
}

#[tokio::test]
async fn two_people_checking_out_one_asset_one_wins_the_other_is_told_who() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let people =
        [app.id_of("users", "emp_a").await, app.id_of("users", "tech_a").await, app.id_of("users", "sup_a").await];
    let path = format!("/api/v1/assets/{id}/checkout");
    let attempts = (0..20).map(|n| {
        let body = json!({"user_id": people[n % people.len()]});
        app.api(Some(&token), Method::POST, &path, Some(body))
    });
    let responses = join_all(attempts).await;
    let winners: Vec<&crate::helpers::TestResponse> = responses.iter().filter(|r| r.status == StatusCode::OK).collect();
    assert_eq!(winners.len(), 1);
    let holder = sqlx::query_scalar::<_, String>(
        "select u.name from asset_checkouts c join users u on u.id = c.user_id where c.asset_id = $1 and c.checked_in_at is null",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("one open check-out");
    for refused in responses.iter().filter(|r| r.status != StatusCode::OK) {
        refused.assert_status(StatusCode::CONFLICT);
        let detail = refused.json()["detail"].as_str().unwrap_or_default().to_owned();
        assert!(detail.contains(&holder), "the refusal names who holds it: {detail}");
    }
    let open: i64 = sqlx::query_scalar("select count(*) from asset_checkouts where asset_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(open, 1);
}

#[tokio::test]
async fn refused_lifecycle_steps_change_nothing() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let emp_a = app.id_of("users", "emp_a").await;
    let emp_b = app.id_of("users", "emp_b").await;
    let room = app.id_of("locations", "Bureau A").await;
    let path = format!("/api/v1/assets/{id}/checkout");
    let cases = [
        (json!({"user_id": emp_a, "location_id": room}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"user_id": emp_b}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"user_id": emp_a, "expected_return": "2020-01-01"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"asset_id": id}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"user_id": emp_a, "owner": "me"}), StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (body, status) in cases {
        let response = app.api(Some(&token), Method::POST, &path, Some(body.clone())).await;
        assert_eq!(response.status, status, "{body}");
    }
    app.api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/checkin"), Some(json!({})))
        .await
        .assert_status(StatusCode::CONFLICT);
    // A stolen laptop does not go out.
    let asset = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}"), None).await.json();
    let stolen = app.id_of("asset_statuses", "Volé").await;
    app.api(
        Some(&token),
        Method::PATCH,
        &format!("/api/v1/assets/{id}"),
        Some(json!({"version": asset["version"], "status_id": stolen})),
    )
    .await
    .assert_status(StatusCode::OK);
    let refused = app.api(Some(&token), Method::POST, &path, Some(json!({"user_id": emp_a}))).await;
    refused.assert_status(StatusCode::CONFLICT);
    let checkouts: i64 =
        sqlx::query_scalar("select count(*) from asset_checkouts").fetch_one(&app.pool).await.expect("count");
    assert_eq!(checkouts, 0);
    // Employees cannot hand out equipment.
    let employee = app.token("emp_a").await;
    app.api(Some(&employee), Method::POST, &path, Some(json!({"user_id": emp_a})))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_asset_page_checks_out_and_in() {
    let app = TestApp::new().await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let emp = app.id_of("users", "emp_a").await.to_string();
    let session = app.login("tech_a").await;
    let out = session
        .post(&format!("/assets/{id}/checkout"), &[("user_id", emp.as_str()), ("expected_return", ""), ("note", "")])
        .await;
    out.assert_status(StatusCode::SEE_OTHER);
    let page = session.get(out.location()).await;
    assert!(page.has(".flash-success"));
    assert!(page.texts("[data-testid=holder]").join(" ").contains("Person emp_a"));
    // A second check-out is refused, and the page says who holds it.
    let again = session.post(&format!("/assets/{id}/checkout"), &[("user_id", emp.as_str())]).await;
    let page = session.get(again.location()).await;
    assert!(page.has(".flash-error"));
    assert!(page.texts("[data-testid=holder]").join(" ").contains("Person emp_a"));
    let back = session.post(&format!("/assets/{id}/checkin"), &[("condition", "fine"), ("status_id", "")]).await;
    back.assert_status(StatusCode::SEE_OTHER);
    let page = session.get(back.location()).await;
    assert!(page.has(".flash-success") && page.texts("[data-testid=holder]").is_empty());
}

#[tokio::test]
async fn every_person_sees_their_own_equipment() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let emp = app.id_of("users", "emp_a").await;
    let employee = app.login("emp_a").await;
    assert!(employee.get("/my-equipment").await.has(".empty"), "nothing yet");
    app.api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/checkout"), Some(json!({"user_id": emp})))
        .await
        .assert_status(StatusCode::OK);
    let page = employee.get("/my-equipment").await;
    page.assert_status(StatusCode::OK);
    let cells = page.texts("[data-testid=mine] td").join("|");
    assert!(cells.contains("PT-FIX-0001") && cells.contains("Latitude 5440"), "{cells}");
    assert!(!page.body.contains(&format!("/assets/{id}")), "an employee gets no link into the register");
    let own = app.token("emp_a").await;
    let api = app.api(Some(&own), Method::GET, "/api/v1/me/assets", None).await.json();
    assert_eq!(api[0]["tag"], "PT-FIX-0001");
    // Someone else's equipment is not theirs to see.
    let other = app.token("emp_b").await;
    assert_eq!(app.api(Some(&other), Method::GET, "/api/v1/me/assets", None).await.json(), json!([]));
}

#[tokio::test]
async fn the_search_box_finds_assets_by_tag_serial_or_a_typo() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    for query in ["PT-FIX-0001", "sn-a-1", "Fixture laptp"] {
        let page = session.get(&format!("/search?q={}", parc::web::urlencode(query))).await;
        assert!(page.texts("section.card a").iter().any(|t| t == "PT-FIX-0001"), "{query}");
        assert!(!page.body.contains("PT-FIX-0002"), "subsidiary B's asset stays hidden");
    }
}

/// Rasterise the label's QR code (one `<rect x y>` per dark module inside
/// an `<svg viewBox="0 0 size size">`) and decode it.
fn decode_qr(page: &str) -> String {
    let document = scraper::Html::parse_document(page);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    let svg = document.select(&select("[data-testid=qr] svg")).next().expect("the QR code");
    let view_box = svg.value().attr("viewBox").or_else(|| svg.value().attr("viewbox")).expect("viewBox");
    let size: usize = view_box.split(' ').nth(2).and_then(|v| v.parse().ok()).expect("size");
    let mut dark = vec![false; size * size];
    for rect in svg.select(&select("rect[x]")) {
        let coordinate =
            |name: &str| rect.value().attr(name).and_then(|v| v.parse::<usize>().ok()).expect("coordinate");
        dark[coordinate("y") * size + coordinate("x")] = true;
    }
    let scale = 4;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(size * scale, size * scale, |x, y| {
        if dark[(y / scale) * size + x / scale] { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the label");
    grids[0].decode().expect("a decodable QR code").1
}

#[tokio::test]
async fn labels_carry_a_decodable_qr_code_to_the_asset_page() {
    let app = TestApp::new().await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let session = app.login("tech_a").await;
    let page = session.get(&format!("/assets/{id}/label")).await;
    page.assert_status(StatusCode::OK);
    assert_eq!(page.texts("[data-testid=label] .tag"), vec!["PT-FIX-0001".to_owned()]);
    assert_eq!(decode_qr(&page.body), format!("http://127.0.0.1:8080/assets/{id}"));
    assert!(page.has("[data-testid=barcode] svg rect"), "a Code 128 barcode of the tag");
    // The QR's address opens the asset page after login.
    let anonymous = app.get(&format!("/assets/{id}")).await;
    assert_eq!(anonymous.location(), format!("/login?next=%2Fassets%2F{id}"));
    // A sheet of the filtered list, and nothing outside the scope.
    let sheet = session.get("/assets/labels?q=fixture").await;
    assert_eq!(sheet.texts("[data-testid=label] .tag"), vec!["PT-FIX-0001".to_owned()]);
    let hidden = app.id_of("assets", "PT-FIX-0002").await;
    session.get(&format!("/assets/{hidden}/label")).await.assert_status(StatusCode::NOT_FOUND);
    session.get(&format!("/assets/labels?ids={id},{hidden}")).await.assert_status(StatusCode::NOT_FOUND);
    app.login("emp_a").await.get(&format!("/assets/{id}/label")).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_tag_only_holds_label_safe_characters() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    for tag in ["<script>", "PC 001", "PC\"01", "ÉCRAN-1"] {
        let refused =
            app.api(Some(&f.token), Method::POST, "/api/v1/assets", Some(body(&f, json!({"tag": tag})))).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["errors"][0]["code"], "tag-invalid", "{tag}");
    }
}

#[tokio::test]
async fn repair_retire_and_dispose_with_a_reason() {
    let app = TestApp::new().await;
    let token = app.token("tech_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let path = format!("/api/v1/assets/{id}/status");
    let repair = app.id_of("asset_statuses", "En réparation").await;
    let disposed = app.id_of("asset_statuses", "Mis au rebut").await;
    // No reason, no change.
    let refused = app.api(Some(&token), Method::POST, &path, Some(json!({"status_id": repair, "reason": " "}))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "reason");
    let sent = app
        .api(Some(&token), Method::POST, &path, Some(json!({"status_id": repair, "reason": "keyboard broken"})))
        .await;
    sent.assert_status(StatusCode::OK);
    assert_eq!(sent.json()["status_kind"], "pending");
    // Held by someone: it must come back before it is disposed of.
    let in_stock = app.id_of("asset_statuses", "En stock").await;
    app.api(Some(&token), Method::POST, &path, Some(json!({"status_id": in_stock, "reason": "repaired"})))
        .await
        .assert_status(StatusCode::OK);
    let emp = app.id_of("users", "emp_a").await;
    app.api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/checkout"), Some(json!({"user_id": emp})))
        .await
        .assert_status(StatusCode::OK);
    let held =
        app.api(Some(&token), Method::POST, &path, Some(json!({"status_id": disposed, "reason": "end of life"}))).await;
    held.assert_status(StatusCode::CONFLICT);
    assert!(held.json()["detail"].as_str().unwrap_or_default().contains("Person emp_a"));
    app.api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/checkin"), Some(json!({})))
        .await
        .assert_status(StatusCode::OK);
    let gone = app
        .api(
            Some(&token),
            Method::POST,
            &path,
            Some(json!({"status_id": disposed, "reason": "end of life", "on": "2026-11-20"})),
        )
        .await;
    gone.assert_status(StatusCode::OK);
    assert_eq!(gone.json()["status_kind"], "archived");
    let reasons: Vec<Value> = sqlx::query_scalar(
        "select changes->'reason'->'new' from audit_log where object_id = $1 and changes ? 'reason' order by id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(reasons, vec![json!("keyboard broken"), json!("repaired"), json!("end of life")]);
    let since: Value = sqlx::query_scalar("select changes->'status_since'->'new' from audit_log where object_id = $1 and changes ? 'reason' order by id desc limit 1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("date");
    assert_eq!(since, json!("2026-11-20"));
}

#[tokio::test]
async fn the_history_tab_speaks_in_names_not_ids() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let emp = app.id_of("users", "emp_a").await;
    app.api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/checkout"), Some(json!({"user_id": emp})))
        .await
        .assert_status(StatusCode::OK);
    let session = app.login("pm_a").await; // English in the fixture
    let tab = session.get(&format!("/assets/{id}/history")).await;
    let fields = tab.texts("table.history .diff-field");
    assert!(fields.iter().any(|f| f == "Assigned to") && fields.iter().any(|f| f == "Status"), "{fields:?}");
    let values = tab.texts("table.history .new").join("|");
    assert!(
        values.contains("Person emp_a") && values.contains("En service") && values.contains("Check out"),
        "{values}"
    );
    assert!(!values.contains(&emp.to_string()), "no raw ids: {values}");
    // An empty search says there is nothing, with the right count.
    let none = session.get("/assets?q=zzzz-nothing").await;
    assert_eq!(none.texts("[data-testid=total]"), vec!["0 items".to_owned()]);
    let found = session.get("/assets?q=latitude").await;
    assert!(found.texts("table.list td").join("|").contains("PT-FIX-0001"), "the model's name finds its assets");
}

async fn default_list_has(app: &TestApp, token: &str, tag: &str) -> bool {
    let list = app.api(Some(token), Method::GET, "/api/v1/assets", None).await.json();
    list["items"].as_array().is_some_and(|items| items.iter().any(|a| a["tag"] == tag))
}

#[tokio::test]
async fn a_status_turned_archived_takes_its_assets_out_of_the_default_list() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    assert!(default_list_has(&app, &token, "PT-FIX-0001").await);
    let status = app.id_of("asset_statuses", "En stock").await;
    let current = app.api(Some(&token), Method::GET, &format!("/api/v1/asset-statuses/{status}"), None).await.json();
    app.api(
        Some(&token),
        Method::PATCH,
        &format!("/api/v1/asset-statuses/{status}"),
        Some(json!({"version": current["version"], "kind": "archived"})),
    )
    .await
    .assert_status(StatusCode::OK);
    assert!(!default_list_has(&app, &token, "PT-FIX-0001").await, "its assets are archived now");
    let found = app.api(Some(&token), Method::GET, "/api/v1/assets?q=PT-FIX-0001", None).await.json();
    assert_eq!(found["total"], 1, "still searchable");
}

async fn create_with_key(app: &TestApp, token: &str, key: &str, body: &Value) -> crate::helpers::TestResponse {
    let request = axum::http::Request::post("/api/v1/assets")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(axum::body::Body::from(body.to_string()))
        .expect("request");
    app.send(request).await
}

#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_makes_one_asset() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let new = body(&f, json!({"name": "Retried"}));
    let first = create_with_key(&app, &f.token, "create-retried-1", &new).await;
    first.assert_status(StatusCode::CREATED);
    let retry = create_with_key(&app, &f.token, "create-retried-1", &new).await;
    retry.assert_status(StatusCode::CREATED);
    assert_eq!(retry.json()["id"], first.json()["id"], "the first response again");
    assert_eq!(retry.header("idempotent-replayed"), "true");
    let created: i64 = sqlx::query_scalar("select count(*) from assets where name = 'Retried'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(created, 1);
    // The same key for another request is refused; another person's identical key is theirs.
    let other = create_with_key(&app, &f.token, "create-retried-1", &body(&f, json!({"name": "Different"}))).await;
    other.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let colleague = app.token("admin_a").await;
    create_with_key(&app, &colleague, "create-retried-1", &new).await.assert_status(StatusCode::CREATED);
    // Ten parallel retries of one new key: one asset.
    let raced_body = body(&f, json!({"name": "Raced"}));
    let racing = (0..10).map(|_| create_with_key(&app, &f.token, "create-race", &raced_body));
    let statuses: Vec<StatusCode> = join_all(racing).await.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
    let raced: i64 = sqlx::query_scalar("select count(*) from assets where name = 'Raced'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(raced, 1);
}

#[tokio::test]
async fn bulk_create_and_update_by_tag_for_migrations() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let items = json!([
        {"tag": "MIG-0001", "name": "Migrated laptop", "model": "Latitude 5440", "entity": "Filiale A", "serial": "MIG-SN-1"},
        {"tag": "PT-FIX-0001", "name": "Renamed by migration"},
        {"tag": "MIG-0002", "model": "No such model", "entity": "Filiale A"},
        {"tag": "PT-FIX-0002", "name": "Not mine", "model": "Latitude 5440", "entity": "Filiale A"}
    ]);
    let response = app.api(Some(&token), Method::POST, "/api/v1/assets/by-tag", Some(items)).await;
    response.assert_status(StatusCode::OK);
    let outcomes: Vec<&str> = response
        .json()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["outcome"].as_str())
        .map(|s| match s {
            "created" => "created",
            "updated" => "updated",
            _ => "refused",
        })
        .collect();
    assert_eq!(outcomes, vec!["created", "updated", "refused", "refused"]);
    assert_eq!(response.json()[2]["errors"][0]["field"], "model");
    let name: String = sqlx::query_scalar("select name from assets where tag = 'PT-FIX-0001'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    assert_eq!(name, "Renamed by migration");
    let foreign: String = sqlx::query_scalar("select name from assets where tag = 'PT-FIX-0002'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    assert_eq!(foreign, "Fixture laptop B", "another entity's asset is untouched");
    let unknown = app
        .api(Some(&token), Method::POST, "/api/v1/assets/by-tag", Some(json!([{"tag": "X", "created_by": "me"}])))
        .await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}
