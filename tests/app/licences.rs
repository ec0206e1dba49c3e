//! Software licences: the generated suite, then what is their own: the key
//! masked for those who may not change it and kept out of exports and
//! history, seats given and taken back, the last seat taken by exactly one
//! of several people at once, and the rules of seats and dates.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

// The generated suite reaches its functions through `super::resources`.
use crate::{
    helpers::{ACROBAT, TestApp},
    resources::{self, Ids},
};

const KEY_A: &str = "ACRA1-B2C3D-E4F5G-H6J7K";

fn licence_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("software_id".into(), ACROBAT.to_string()),
        ("kind".into(), "per_user".into()),
        ("seats".into(), "10".into()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("price".into(), "1 299,90".into()),
        ("starts_on".into(), "2026-01-01".into()),
        ("expires_on".into(), "2026-12-31".into()),
    ]
}
fn licence_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "software_id": ACROBAT, "kind": "per_device", "seats": 3, "entity_id": ids.entity_a,
           "price": "499.00", "expires_on": "2027-06-30"})
}

crate::resource_suite!(
    suite,
    Spec {
        plural: "licences",
        kind: "licence",
        table: "licences",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Acrobat A",
        hidden: Some("Acrobat B"),
        name_field: "name",
        required: "name",
        form: super::licence_form,
        body: super::licence_body,
        sorts: &["name", "software", "kind", "entity", "seats", "used", "expires", "updated"],
        filters: &["entity_id={a}", "software_id={a}", "kind=per_device", "validity=expired"],
    }
);

/// Create a licence through the API as pm_a; its JSON.
async fn create(app: &TestApp, body: Value) -> Value {
    let token = app.token("pm_a").await;
    let created = app.api(Some(&token), Method::POST, "/api/v1/licences", Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    created.json()
}

async fn new_licence(app: &TestApp, name: &str, kind: &str, seats: Option<i32>) -> String {
    let a = app.id_of("entities", "Filiale A").await;
    let body = json!({"name": name, "software_id": ACROBAT, "kind": kind, "seats": seats, "entity_id": a});
    create(app, body).await["id"].as_str().expect("id").to_owned()
}

/// `count` new assets of subsidiary A; their ids and tags.
async fn new_assets(app: &TestApp, count: usize) -> Vec<(String, String)> {
    let token = app.token("pm_a").await;
    let (model, status, a) = (
        app.id_of("asset_models", "Latitude 5440").await,
        app.id_of("asset_statuses", "En stock").await,
        app.id_of("entities", "Filiale A").await,
    );
    let mut assets = Vec::new();
    for n in 0..count {
        let body = json!({"name": format!("Seat laptop {n}"), "model_id": model, "status_id": status, "entity_id": a});
        let created = app.api(Some(&token), Method::POST, "/api/v1/assets", Some(body)).await;
        created.assert_status(StatusCode::CREATED);
        let asset = created.json();
        assets.push((asset["id"].as_str().expect("id").to_owned(), asset["tag"].as_str().expect("tag").to_owned()));
    }
    assets
}

async fn seats_used(app: &TestApp, id: &str) -> i32 {
    sqlx::query_scalar("select seats_used from licences where id = $1")
        .bind(Uuid::parse_str(id).expect("uuid"))
        .fetch_one(&app.pool)
        .await
        .expect("seats_used")
}

#[tokio::test]
async fn the_key_is_clear_for_a_park_manager_and_masked_for_a_technician() {
    let app = TestApp::new().await;
    let id = app.id_of("licences", "Acrobat A").await;
    let masked = "XXXXX-…-6J7K";

    let manager = app.login("pm_a").await;
    let page = manager.get(&format!("/licences/{id}")).await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains(KEY_A), "a park manager sees the key");
    let token = app.token("pm_a").await;
    let api = app.api(Some(&token), Method::GET, &format!("/api/v1/licences/{id}"), None).await;
    assert_eq!(api.json()["licence_key"], KEY_A);

    let tech = app.login("tech_a").await;
    let page = tech.get(&format!("/licences/{id}")).await;
    page.assert_status(StatusCode::OK);
    assert!(!page.body.contains(KEY_A) && !page.body.contains("ACRA1"), "the key leaked to a technician");
    assert!(page.body.contains(masked), "masked: {masked}");
    assert!(!page.has("form[action$='/seats']"), "a technician gives no seat");
    let token = app.token("tech_a").await;
    let one = app.api(Some(&token), Method::GET, &format!("/api/v1/licences/{id}"), None).await;
    one.assert_status(StatusCode::OK);
    assert_eq!(one.json()["licence_key"], masked);
    let list = app.api(Some(&token), Method::GET, "/api/v1/licences", None).await;
    assert!(!list.body.contains("ACRA1") && list.body.contains(masked), "{}", list.body);
    // Nor can the technician open the edit form, which holds the key.
    tech.get(&format!("/licences/{id}/edit")).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_key_is_never_exported_nor_written_in_the_history() {
    let app = TestApp::new().await;
    let id = app.id_of("licences", "Acrobat A").await;
    let session = app.login("pm_a").await;
    let csv = session.get("/licences/export.csv").await;
    csv.assert_status(StatusCode::OK);
    assert!(csv.body.contains("Acrobat A"));
    assert!(!csv.body.contains("ACRA1") && !csv.body.contains("H6J7K") && !csv.body.contains("XXXXX"), "{}", csv.body);

    let token = app.token("pm_a").await;
    let new_key = "NEWKEY-11111-22222-33333";
    app.api(
        Some(&token),
        Method::PATCH,
        &format!("/api/v1/licences/{id}"),
        Some(json!({"version": 1, "licence_key": new_key})),
    )
    .await
    .assert_status(StatusCode::OK);
    let created = create(
        &app,
        json!({"name": "Keyed", "software_id": ACROBAT, "kind": "site", "licence_key": "SITEKEY-99999-88888-77777",
               "entity_id": app.id_of("entities", "Filiale A").await}),
    )
    .await;
    for licence in [id.to_string(), created["id"].as_str().expect("id").to_owned()] {
        let history = app.api(Some(&token), Method::GET, &format!("/api/v1/licences/{licence}/history"), None).await;
        history.assert_status(StatusCode::OK);
        for secret in ["ACRA1", "NEWKEY", "SITEKEY", "33333", "77777"] {
            assert!(!history.body.contains(secret), "{secret} in {}", history.body);
        }
        let page = session.get(&format!("/licences/{licence}/history")).await;
        assert!(!page.body.contains("NEWKEY") && !page.body.contains("SITEKEY"));
    }
    // The change itself is recorded, without values.
    let history = app.api(Some(&token), Method::GET, &format!("/api/v1/licences/{id}/history"), None).await.json();
    assert_eq!(history[0]["changes"]["licence_key"], json!({"old": null, "new": "changed"}));
    let stored: String = sqlx::query_scalar("select licence_key from licences where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("key");
    assert_eq!(stored, new_key);
}

#[tokio::test]
async fn seats_are_given_and_taken_back_with_their_history() {
    let app = TestApp::new().await;
    let id = new_licence(&app, "Photoshop", "per_device", Some(2)).await;
    let assets = new_assets(&app, 1).await;
    let (asset_id, tag) = &assets[0];
    let session = app.login("pm_a").await;

    // Given by tag from the licence page.
    let given = session.post(&format!("/licences/{id}/seats"), &[("asset_tag", tag)]).await;
    given.assert_status(StatusCode::SEE_OTHER);
    let page = session.get(&format!("/licences/{id}")).await;
    assert!(page.has(".flash-success"));
    let seats = page.texts("[data-testid=seat]").join("|");
    assert!(seats.contains(tag.as_str()), "{seats}");
    assert_eq!(page.texts("[data-testid=seats-summary]"), vec!["1 free seat of 2"]);
    assert_eq!(seats_used(&app, &id).await, 1);
    let token = app.token("pm_a").await;
    let listed = app.api(Some(&token), Method::GET, &format!("/api/v1/licences/{id}/seats"), None).await.json();
    assert_eq!(listed[0]["asset_id"], asset_id.as_str());
    assert_eq!(listed[0]["asset_tag"], tag.as_str());
    assert_eq!(listed[0]["assigned_by"], "pm_a");
    let seat = listed[0]["id"].as_str().expect("seat id").to_owned();

    // Shown on the asset's side too.
    let held =
        parc::software::licences::seats_of_asset(&app.pool, asset_id.parse().expect("uuid")).await.expect("held");
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].licence_name.as_str(), held[0].software_name.as_str()), ("Photoshop", "Acrobat Pro"));

    // Released after asking first.
    let confirm = session.get(&format!("/licences/{id}/seats/{seat}/release")).await;
    confirm.assert_status(StatusCode::OK);
    assert!(confirm.has(".danger-zone form") && confirm.body.contains(tag.as_str()));
    assert_eq!(seats_used(&app, &id).await, 1, "a GET releases nothing");
    let released = session.post(&format!("/licences/{id}/seats/{seat}/release"), &[]).await;
    released.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(seats_used(&app, &id).await, 0);
    assert!(session.get(&format!("/licences/{id}")).await.texts("[data-testid=seat]").is_empty());

    let history = app.api(Some(&token), Method::GET, &format!("/api/v1/licences/{id}/history"), None).await.json();
    assert_eq!(history[0]["changes"]["seat"], json!({"old": asset_id, "new": null}));
    assert_eq!(history[1]["changes"]["seat"], json!({"old": null, "new": asset_id}));
    assert_eq!(history[0]["source"], "web");
    let tab = session.get(&format!("/licences/{id}/history")).await;
    assert!(tab.texts("table.history .new").iter().any(|t| t == tag), "the tag, not the id");

    // The API does the same, and a seat released twice is gone.
    let given = app
        .api(Some(&token), Method::POST, &format!("/api/v1/licences/{id}/seats"), Some(json!({"asset_id": asset_id})))
        .await;
    given.assert_status(StatusCode::CREATED);
    let seat = given.json()["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/licences/{id}/seats/{seat}");
    app.api(Some(&token), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    app.api(Some(&token), Method::DELETE, &path, None).await.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(seats_used(&app, &id).await, 0);
}

#[tokio::test]
async fn of_ten_people_taking_the_last_seat_at_once_exactly_one_gets_it() {
    let app = TestApp::new().await;
    let id = new_licence(&app, "Single seat", "concurrent", Some(1)).await;
    let assets = new_assets(&app, 10).await;
    let token = app.token("pm_a").await;
    let path = format!("/api/v1/licences/{id}/seats");
    let attempts =
        assets.iter().map(|(asset, _)| app.api(Some(&token), Method::POST, &path, Some(json!({"asset_id": asset}))));
    let answers = futures_util::future::join_all(attempts).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 9, "{statuses:?}");
    let refused = answers.iter().find(|a| a.status == StatusCode::CONFLICT).expect("a refusal");
    assert_eq!(refused.header("content-type"), "application/problem+json");
    assert!(refused.json()["detail"].as_str().is_some_and(|d| d.contains("No free seat")), "{}", refused.body);
    assert_eq!(seats_used(&app, &id).await, 1);
    let seats: i64 = sqlx::query_scalar("select count(*) from licence_seats where licence_id = $1")
        .bind(Uuid::parse_str(&id).expect("uuid"))
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(seats, 1);
    let history = app.history("licence", id.parse().expect("uuid")).await;
    assert_eq!(history.len(), 2, "created, and the one seat given: {history:?}");
}

#[tokio::test]
async fn a_seat_is_held_once_and_a_full_licence_says_so_on_the_page() {
    let app = TestApp::new().await;
    let id = new_licence(&app, "Two seats", "per_device", Some(1)).await;
    let assets = new_assets(&app, 2).await;
    let token = app.token("pm_a").await;
    let path = format!("/api/v1/licences/{id}/seats");
    let first = json!({"asset_tag": assets[0].1});
    app.api(Some(&token), Method::POST, &path, Some(first.clone())).await.assert_status(StatusCode::CREATED);
    // The licence is full, so the same asset again is refused as full, and
    // with a seat to spare, as a duplicate.
    sqlx::query("update licences set seats = 2 where id = $1")
        .bind(Uuid::parse_str(&id).expect("uuid"))
        .execute(&app.pool)
        .await
        .expect("more seats");
    let again = app.api(Some(&token), Method::POST, &path, Some(first)).await;
    again.assert_status(StatusCode::CONFLICT);
    assert!(again.json()["detail"].as_str().is_some_and(|d| d.contains("already holds")), "{}", again.body);
    assert_eq!(seats_used(&app, &id).await, 1);

    let session = app.login("pm_a").await;
    session
        .post(&format!("/licences/{id}/seats"), &[("asset_tag", &assets[1].1)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let full = session.post(&format!("/licences/{id}/seats"), &[("asset_tag", &assets[0].1)]).await;
    full.assert_status(StatusCode::CONFLICT);
    assert!(full.has("#f-asset_tag[aria-invalid=true]"));
    // Ordered by unique index first or the check first, the answer is a refusal next to the field.
    let said = full.texts(".field-error").join(" ");
    assert!(said.contains("already holds") || said.contains("No free seat"), "{said}");
    let mistyped = session.post(&format!("/licences/{id}/seats"), &[("asset_tag", "NO-SUCH-TAG")]).await;
    mistyped.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mistyped.body.contains("NO-SUCH-TAG"), "keeps what was typed");
}

#[tokio::test]
async fn seats_cannot_go_below_those_given() {
    let app = TestApp::new().await;
    let id = new_licence(&app, "Shrinking", "per_device", Some(3)).await;
    let assets = new_assets(&app, 2).await;
    let token = app.token("pm_a").await;
    for (asset, _) in &assets {
        app.api(Some(&token), Method::POST, &format!("/api/v1/licences/{id}/seats"), Some(json!({"asset_id": asset})))
            .await
            .assert_status(StatusCode::CREATED);
    }
    let path = format!("/api/v1/licences/{id}");
    let refused = app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 1, "seats": 1}))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "seats");
    assert_eq!(refused.json()["errors"][0]["code"], "licence-seats-below-used");

    let session = app.login("pm_a").await;
    let form = session.get(&format!("/licences/{id}/edit")).await;
    form.assert_status(StatusCode::OK);
    let mut fields = licence_form_of(&form);
    fields.retain(|(k, _)| k != "seats");
    fields.push(("seats".into(), "1".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = session.post(&format!("/licences/{id}/edit"), &pairs).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-seats[aria-invalid=true]"), "{}", page.body);
    // Exactly the seats given is fine; and a kind that cannot keep them is refused.
    app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 1, "seats": 2})))
        .await
        .assert_status(StatusCode::OK);
    let site =
        app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 2, "kind": "site", "seats": null}))).await;
    site.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(site.json()["errors"][0]["code"], "licence-site-has-seats");
    let people = app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 2, "kind": "per_user"}))).await;
    assert_eq!(people.json()["errors"][0]["code"], "licence-holder-change");
    // Nor can it be deleted while seats are given.
    let gone = app.api(Some(&token), Method::DELETE, &path, None).await;
    gone.assert_status(StatusCode::CONFLICT);
    assert_eq!(seats_used(&app, &id).await, 2);
}

/// The fields of an edit form as the browser would send them back.
fn licence_form_of(form: &crate::helpers::TestResponse) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(&form.body);
    let inputs = scraper::Selector::parse("form.form input, form.form textarea").expect("selector");
    let selects = scraper::Selector::parse("form.form select").expect("selector");
    let chosen = scraper::Selector::parse("option[selected]").expect("selector");
    let mut fields: Vec<(String, String)> = document
        .select(&inputs)
        .filter_map(|e| {
            let name = e.value().attr("name")?.to_owned();
            let value = if e.value().name() == "textarea" {
                e.text().collect()
            } else {
                e.value().attr("value").unwrap_or_default().to_owned()
            };
            (name != "_csrf").then_some((name, value))
        })
        .collect();
    for select in document.select(&selects) {
        let value = select.select(&chosen).next().and_then(|o| o.value().attr("value")).unwrap_or_default();
        fields.push((select.value().attr("name").unwrap_or_default().to_owned(), value.to_owned()));
    }
    fields
}

#[tokio::test]
async fn the_expiry_cannot_come_before_the_start() {
    let app = TestApp::new().await;
    let a = app.id_of("entities", "Filiale A").await;
    let session = app.login("pm_a").await;
    let ids = crate::resources::ids(&app).await;
    let mut fields = licence_form(&ids, "Backwards");
    fields.retain(|(k, _)| k != "expires_on");
    fields.push(("expires_on".into(), "2025-12-31".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let page = session.post("/licences", &pairs).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-expires_on[aria-invalid=true]"));
    assert!(page.body.contains("Backwards"), "keeps the input");
    let token = app.token("pm_a").await;
    let body = json!({"name": "Backwards", "software_id": ACROBAT, "kind": "site", "entity_id": a,
                      "starts_on": "2026-05-01", "expires_on": "2026-04-30"});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/licences", Some(body)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "expires_on");
    assert_eq!(refused.json()["errors"][0]["code"], "licence-expires-before-start");
    let count: i64 = sqlx::query_scalar("select count(*) from licences where name = 'Backwards'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_site_licence_has_no_seats_to_give() {
    let app = TestApp::new().await;
    let a = app.id_of("entities", "Filiale A").await;
    let token = app.token("pm_a").await;
    let with_seats = json!({"name": "Site", "software_id": ACROBAT, "kind": "site", "seats": 10, "entity_id": a});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/licences", Some(with_seats)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["code"], "licence-site-no-seats");
    let no_seats = json!({"name": "Device", "software_id": ACROBAT, "kind": "per_device", "entity_id": a});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/licences", Some(no_seats)).await;
    assert_eq!(refused.json()["errors"][0]["field"], "seats");

    let id = new_licence(&app, "Whole site", "site", None).await;
    let assets = new_assets(&app, 1).await;
    let given = app
        .api(
            Some(&token),
            Method::POST,
            &format!("/api/v1/licences/{id}/seats"),
            Some(json!({"asset_id": assets[0].0})),
        )
        .await;
    given.assert_status(StatusCode::CONFLICT);
    assert_eq!(given.json()["type"], "urn:parc:problem:refused");
    assert_eq!(seats_used(&app, &id).await, 0);
    let session = app.login("pm_a").await;
    let page = session.get(&format!("/licences/{id}")).await;
    assert!(!page.has("form[action$='/seats']"), "no seat form on a site licence");
    assert!(page.texts("[data-testid=seats-summary]").join("").contains("without seats"));
}

#[tokio::test]
async fn per_user_seats_go_to_people_in_scope() {
    let app = TestApp::new().await;
    let id = new_licence(&app, "Per user", "per_user", Some(5)).await;
    let token = app.token("pm_a").await;
    let path = format!("/api/v1/licences/{id}/seats");
    let assets = new_assets(&app, 1).await;
    let to_asset = app.api(Some(&token), Method::POST, &path, Some(json!({"asset_id": assets[0].0}))).await;
    to_asset.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(to_asset.json()["errors"][0]["code"], "licence-seat-wrong-holder");
    let tech_a = app.id_of("users", "tech_a").await;
    app.api(Some(&token), Method::POST, &path, Some(json!({"user_id": tech_a})))
        .await
        .assert_status(StatusCode::CREATED);
    // Someone of B is outside the licence manager's scope: as if absent.
    let tech_b = app.id_of("users", "tech_b").await;
    let outside = app.api(Some(&token), Method::POST, &path, Some(json!({"user_id": tech_b}))).await;
    let absent = app.api(Some(&token), Method::POST, &path, Some(json!({"user_id": Uuid::now_v7()}))).await;
    outside.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(outside.body, absent.body);
    // Through the page: a person chosen from the list.
    let session = app.login("pm_a").await;
    let page = session.get(&format!("/licences/{id}")).await;
    assert!(page.has("select#f-user_id"), "people are chosen from a list");
    let emp_a = app.id_of("users", "emp_a").await.to_string();
    session.post(&format!("/licences/{id}/seats"), &[("user_id", &emp_a)]).await.assert_status(StatusCode::SEE_OTHER);
    let seats = session.get(&format!("/licences/{id}")).await.texts("[data-testid=seat]").join("|");
    assert!(seats.contains("Person tech_a") && seats.contains("Person emp_a"), "{seats}");
}

#[tokio::test]
async fn out_of_scope_licences_and_assets_are_missing() {
    let app = TestApp::new().await;
    let hidden = app.id_of("licences", "Acrobat B").await;
    let visible = app.id_of("licences", "Acrobat A").await;
    let token = app.token("pm_a").await;
    let asset_b = app.id_of("assets", "PT-FIX-0002").await;
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/licences/{hidden}/seats"), None),
        (Method::POST, format!("/api/v1/licences/{hidden}/seats"), Some(json!({"asset_tag": "PT-FIX-0001"}))),
        (Method::DELETE, format!("/api/v1/licences/{hidden}/seats/{}", Uuid::now_v7()), None),
        (Method::POST, format!("/api/v1/licences/{visible}/seats"), Some(json!({"asset_id": asset_b}))),
        (Method::POST, format!("/api/v1/licences/{visible}/seats"), Some(json!({"asset_tag": "PT-FIX-0002"}))),
    ] {
        let answer = app.api(Some(&token), method, &path, body).await;
        answer.assert_status(StatusCode::NOT_FOUND);
        assert_eq!(answer.json()["type"], "urn:parc:problem:not-found");
    }
    let session = app.login("pm_a").await;
    session
        .post(&format!("/licences/{hidden}/seats"), &[("asset_tag", "PT-FIX-0001")])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(seats_used(&app, &hidden.to_string()).await, 0);
    assert_eq!(seats_used(&app, &visible.to_string()).await, 0);
}

#[tokio::test]
async fn employees_and_readers_cannot_touch_seats() {
    let app = TestApp::new().await;
    let id = app.id_of("licences", "Acrobat A").await;
    let employee = app.token("emp_a").await;
    for (method, path) in
        [(Method::GET, format!("/api/v1/licences/{id}")), (Method::GET, format!("/api/v1/licences/{id}/seats"))]
    {
        app.api(Some(&employee), method, &path, None).await.assert_status(StatusCode::FORBIDDEN);
    }
    let session = app.login("emp_a").await;
    session.get(&format!("/licences/{id}")).await.assert_status(StatusCode::FORBIDDEN);
    let tech = app.token("tech_a").await;
    app.api(Some(&tech), Method::GET, &format!("/api/v1/licences/{id}/seats"), None)
        .await
        .assert_status(StatusCode::OK);
    let refused = app
        .api(
            Some(&tech),
            Method::POST,
            &format!("/api/v1/licences/{id}/seats"),
            Some(json!({"asset_tag": "PT-FIX-0001"})),
        )
        .await;
    refused.assert_status(StatusCode::FORBIDDEN);
    let tech_session = app.login("tech_a").await;
    tech_session
        .post(&format!("/licences/{id}/seats"), &[("asset_tag", "PT-FIX-0001")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(seats_used(&app, &id.to_string()).await, 0);
}

#[tokio::test]
async fn malformed_bodies_are_problems() {
    let app = TestApp::new().await;
    let id = app.id_of("licences", "Acrobat A").await;
    let token = app.token("pm_a").await;
    let request = axum::http::Request::post(format!("/api/v1/licences/{id}/seats"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"asset_tag\": "))
        .expect("request");
    let broken = app.send(request).await;
    broken.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(broken.header("content-type"), "application/problem+json");
    let path = format!("/api/v1/licences/{id}/seats");
    for body in [
        json!({}),
        json!({"asset_tag": "PT-FIX-0001", "user_id": Uuid::now_v7()}),
        json!({"asset_id": 7}),
        json!({"seat": 1}),
    ] {
        let refused = app.api(Some(&token), Method::POST, &path, Some(body.clone())).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.header("content-type"), "application/problem+json", "{body}");
    }
    let wrong_kind = json!({"name": "X", "software_id": ACROBAT, "kind": "floating", "seats": 1,
                            "entity_id": app.id_of("entities", "Filiale A").await});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/licences", Some(wrong_kind)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "kind");
    let unknown_software = json!({"name": "X", "software_id": Uuid::now_v7(), "kind": "site",
                                  "entity_id": app.id_of("entities", "Filiale A").await});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/licences", Some(unknown_software)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "software_id");
}

#[tokio::test]
async fn the_new_form_comes_from_a_software_page_with_it_chosen() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    let form = session.get(&format!("/licences/new?software_id={ACROBAT}")).await;
    form.assert_status(StatusCode::OK);
    assert_eq!(form.attrs("#f-software_id option[selected]", "value"), vec![ACROBAT.to_string()]);
    assert!(form.has(&format!("a[href='/software/{ACROBAT}']")), "cancel goes back to the software");
    session.get("/licences/new?software_id=nope").await.assert_status(StatusCode::BAD_REQUEST);
    app.login("tech_a").await.get("/licences/new").await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_list_filters_by_validity_and_sorts_by_seats() {
    let app = TestApp::new().await;
    let a = app.id_of("entities", "Filiale A").await;
    let today = chrono::Utc::now().date_naive();
    let days = |n: i64| (today + chrono::Duration::days(n)).to_string();
    for (name, expires) in [("Old", days(-1)), ("Soon", days(10)), ("Later", days(90))] {
        create(
            &app,
            json!({"name": name, "software_id": ACROBAT, "kind": "per_device", "seats": 1, "entity_id": a, "expires_on": expires}),
        )
        .await;
    }
    let token = app.token("pm_a").await;
    let names = |v: Value| -> Vec<String> {
        v["items"].as_array().expect("items").iter().filter_map(|l| l["name"].as_str().map(str::to_owned)).collect()
    };
    for (query, expected) in [
        ("validity=expired", vec!["Old"]),
        ("validity=expiring", vec!["Soon"]),
        ("validity=valid&sort=expires", vec!["Soon", "Later", "Acrobat A"]),
        // The software's name is searched too: "Pro" is only in "Acrobat Pro".
        ("q=Pro&sort=seats&dir=desc&per_page=1", vec!["Acrobat A"]),
        ("q=soon", vec!["Soon"]),
    ] {
        let list = app.api(Some(&token), Method::GET, &format!("/api/v1/licences?{query}"), None).await;
        assert_eq!(names(list.json()), expected, "{query}");
    }
    let session = app.login("pm_a").await;
    let page = session.get("/licences?validity=expiring").await;
    assert!(page.has("table.list .badge-warn"), "expiring soon is marked");
}
