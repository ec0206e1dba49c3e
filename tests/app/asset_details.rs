//! What an asset carries beyond its columns: custom fields defined by its
//! category, hardware facts, the people using it and the assets linked to it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The Portable category (the fixture's Latitude 5440) with three custom fields.
async fn define_fields(app: &TestApp, token: &str) {
    let id = app.id_of("asset_categories", "Portable").await;
    let category = app.api(Some(token), Method::GET, &format!("/api/v1/asset-categories/{id}"), None).await;
    let fields = json!([
        {"key": "screen", "label": "Screen size", "kind": "number", "required": true},
        {"key": "delivered", "label": "Delivered on", "kind": "date"},
        {"key": "layout", "label": "Keyboard", "kind": "list", "options": ["AZERTY", "QWERTY"]},
        {"key": "docked", "label": "Has a dock", "kind": "boolean"}
    ]);
    let body = json!({"version": category.json()["version"], "custom_fields": fields});
    app.api(Some(token), Method::PATCH, &format!("/api/v1/asset-categories/{id}"), Some(body))
        .await
        .assert_status(StatusCode::OK);
}

async fn new_asset_body(app: &TestApp, custom: Value) -> Value {
    json!({
        "model_id": app.id_of("asset_models", "Latitude 5440").await,
        "status_id": app.id_of("asset_statuses", "En stock").await,
        "entity_id": app.id_of("entities", "Filiale A").await,
        "custom_fields": custom,
    })
}

fn error_fields(response: &crate::helpers::TestResponse) -> Vec<(String, String)> {
    response.json()["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (e["field"].as_str().unwrap_or("").to_owned(), e["message"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn custom_values_are_typed_against_the_category_definitions() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    define_fields(&app, &token).await;

    let wrong =
        new_asset_body(&app, json!({"screen": "abc", "delivered": "2026-02-30", "layout": "DVORAK", "color": "red"}))
            .await;
    let refused = app.api(Some(&token), Method::POST, "/api/v1/assets", Some(wrong)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = error_fields(&refused).into_iter().map(|(f, _)| f).collect();
    for field in ["custom.color", "custom.screen", "custom.delivered", "custom.layout"] {
        assert!(fields.contains(&field.to_owned()), "{field} not marked in {fields:?}");
    }
    let missing =
        app.api(Some(&token), Method::POST, "/api/v1/assets", Some(new_asset_body(&app, json!({})).await)).await;
    missing.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_fields(&missing)[0].0, "custom.screen", "a required custom field");

    let good =
        new_asset_body(&app, json!({"screen": 14, "delivered": "2026-03-01", "layout": "azerty", "docked": true}))
            .await;
    let created = app.api(Some(&token), Method::POST, "/api/v1/assets", Some(good)).await;
    created.assert_status(StatusCode::CREATED);
    let asset = created.json();
    assert_eq!(
        asset["custom_values"],
        json!({"screen": 14, "delivered": "2026-03-01", "layout": "AZERTY", "docked": true})
    );

    // PATCH replaces the keys it names, null clears one, the others stay.
    let id = asset["id"].as_str().expect("id").to_owned();
    let patch = json!({"version": asset["version"], "custom_fields": {"screen": "15.6", "layout": null}});
    let patched = app.api(Some(&token), Method::PATCH, &format!("/api/v1/assets/{id}"), Some(patch)).await;
    patched.assert_status(StatusCode::OK);
    assert_eq!(patched.json()["custom_values"], json!({"screen": 15.6, "delivered": "2026-03-01", "docked": true}));

    let history = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}/history"), None).await;
    let change = &history.json()[0]["changes"];
    assert_eq!(change["custom.screen"], json!({"old": 14, "new": 15.6}));
    assert_eq!(change["custom.layout"], json!({"old": "AZERTY", "new": null}));
}

#[tokio::test]
async fn the_asset_form_marks_a_wrong_custom_value_and_keeps_the_input() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    define_fields(&app, &token).await;
    let pm = app.login("pm_a").await;
    let form = pm.get("/assets/new").await;
    form.assert_status(StatusCode::OK);
    assert!(form.has("input[name='custom.screen']"), "the custom field is on the form");

    let model = app.id_of("asset_models", "Latitude 5440").await.to_string();
    let status = app.id_of("asset_statuses", "En stock").await.to_string();
    let entity = app.id_of("entities", "Filiale A").await.to_string();
    let fields = [
        ("model_id", model.as_str()),
        ("status_id", status.as_str()),
        ("entity_id", entity.as_str()),
        ("custom.screen", "fourteen"),
        ("custom.delivered", "2026-02-30"),
    ];
    let refused = pm.post("/assets", &fields).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has(".has-error input[name='custom.screen'][value='fourteen']"), "marked, input kept");
    assert!(refused.has(".has-error input[name='custom.delivered']"));

    let mut fixed = fields.to_vec();
    fixed[3].1 = "14";
    fixed[4].1 = "2026-03-02";
    pm.post("/assets", &fixed).await.assert_status(StatusCode::SEE_OTHER);
    let stored: Value = sqlx::query_scalar("select custom_values from assets where custom_values <> '{}'")
        .fetch_one(&app.pool)
        .await
        .expect("stored values");
    assert_eq!(stored, json!({"screen": 14, "delivered": "2026-03-02"}));
}

#[tokio::test]
async fn category_definitions_with_a_bad_line_are_refused_on_the_field() {
    let app = TestApp::new().await;
    let pm = app.login("pm_a").await;
    let fields = [
        ("name", "Docks"),
        ("tag_pattern", "DK-{####}"),
        ("has_hardware", "false"),
        ("custom_fields", "ports | Ports | numbr"),
    ];
    let refused = pm.post("/asset-categories", &fields).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has(".has-error textarea[name=custom_fields]"));
    assert!(refused.body.contains("ports | Ports | numbr"), "the input is kept");
}

#[tokio::test]
async fn hardware_facts_are_normalised_recorded_and_searchable() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let asset = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}"), None).await.json();
    assert_eq!(asset["has_hardware"], true, "a laptop carries hardware facts");
    let hardware = json!({
        "os_name": "Windows 11 Pro", "os_version": "23H2", "cpu": "Intel Core i5-1345U", "cpu_cores": 10,
        "memory_mb": 16384,
        "disks": [{"name": "nvme0n1", "size_gb": "512"}],
        "interfaces": [{"name": "Wi-Fi", "mac": "3C-52-82-1A-2B-3C", "ips": ["192.168.10.42", "fe80::0001"]}]
    });
    let path = format!("/api/v1/assets/{id}/hardware");
    let saved = app
        .api(Some(&token), Method::PUT, &path, Some(json!({"version": asset["version"], "hardware": hardware})))
        .await;
    saved.assert_status(StatusCode::OK);
    assert_eq!(saved.json()["interfaces"][0]["mac"], "3c:52:82:1a:2b:3c");
    assert_eq!(saved.json()["interfaces"][0]["ips"], json!(["192.168.10.42", "fe80::1"]));

    // The same version again is a stale edit: the first save moved it on.
    let stale = app
        .api(
            Some(&token),
            Method::PUT,
            &path,
            Some(json!({"version": asset["version"], "hardware": {"os_name": "Linux"}})),
        )
        .await;
    stale.assert_status(StatusCode::CONFLICT);
    let bad_mac = json!({"version": asset["version"].as_i64().unwrap_or(0) + 1,
        "hardware": {"interfaces": [{"name": "eth0", "mac": "not-a-mac"}]}});
    let refused = app.api(Some(&token), Method::PUT, &path, Some(bad_mac)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_fields(&refused)[0].0, "interfaces");

    let history = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}/history"), None).await;
    let change = &history.json()[0]["changes"];
    assert_eq!(change["os"]["new"], "Windows 11 Pro 23H2");
    assert_eq!(change["memory_mb"]["new"], 16384);

    // Found by MAC in any notation, and by address, in the list and in the global search.
    for q in ["3c:52:82:1a:2b:3c", "3C-52-82-1A-2B-3C", "192.168.10.42"] {
        let list = app.api(Some(&token), Method::GET, &format!("/api/v1/assets?q={}", urlencode(q)), None).await;
        let items = list.json()["items"].clone();
        let tags: Vec<&str> = items.as_array().into_iter().flatten().filter_map(|a| a["tag"].as_str()).collect();
        assert_eq!(tags, vec!["PT-FIX-0001"], "list search {q}");
    }
    let pm = app.login("pm_a").await;
    let search = pm.get("/search?q=192.168.10.42").await;
    assert!(search.body.contains("PT-FIX-0001"), "global search by IP");
    let page = pm.get(&format!("/assets/{id}")).await;
    assert!(page.texts("[data-testid=interfaces] td").contains(&"3c:52:82:1a:2b:3c".to_owned()));
}

#[tokio::test]
async fn the_hardware_form_marks_bad_lines() {
    let app = TestApp::new().await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let pm = app.login("pm_a").await;
    let form = pm.get(&format!("/assets/{id}/hardware")).await;
    form.assert_status(StatusCode::OK);
    let version: String = sqlx::query_scalar("select version::text from assets where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("version");
    let path = format!("/assets/{id}/hardware");
    let refused = pm.post(&path, &[("version", &version), ("disks", "nvme0n1 | huge"), ("memory_mb", "8192")]).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has(".has-error textarea[name=disks]"));
    pm.post(&path, &[("version", &version), ("disks", "nvme0n1 | 256"), ("memory_mb", "8192")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let size: String = sqlx::query_scalar("select size_gb::text from asset_disks where asset_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("disk");
    assert_eq!(size, "256.0");
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).expect("encode").trim_start_matches('=').to_owned()
}

#[tokio::test]
async fn linked_assets_show_on_both_pages_and_in_both_histories() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let laptop = app.id_of("assets", "PT-FIX-0001").await;
    let created =
        app.api(Some(&token), Method::POST, "/api/v1/assets", Some(new_asset_body(&app, json!({})).await)).await;
    created.assert_status(StatusCode::CREATED);
    let dock = created.json();
    let dock_id = dock["id"].as_str().expect("id").to_owned();
    let relate = |tag: &str| json!({"kind": "docked", "tag": tag});

    let path = format!("/api/v1/assets/{laptop}/relations");
    let linked = app.api(Some(&token), Method::POST, &path, Some(relate(dock["tag"].as_str().unwrap_or("")))).await;
    linked.assert_status(StatusCode::CREATED);
    assert_eq!(linked.json()[0]["other_id"], dock_id.as_str());
    assert_eq!(linked.json()[0]["outgoing"], true);
    // Either direction of the same pair is one relation.
    let again = app
        .api(Some(&token), Method::POST, &format!("/api/v1/assets/{dock_id}/relations"), Some(relate("PT-FIX-0001")))
        .await;
    again.assert_status(StatusCode::CONFLICT);
    // An asset of another entity is not found, not revealed.
    let hidden = app.api(Some(&token), Method::POST, &path, Some(relate("PT-FIX-0002"))).await;
    hidden.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_fields(&hidden)[0].0, "tag");
    let itself = app.api(Some(&token), Method::POST, &path, Some(relate("PT-FIX-0001"))).await;
    itself.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    let pm = app.login("pm_a").await;
    let dock_page = pm.get(&format!("/assets/{dock_id}")).await;
    let lines = dock_page.texts("[data-testid=relations] li");
    assert!(lines.iter().any(|l| l.contains("PT-FIX-0001") && l.contains("Dock of")), "{lines:?}");
    for id in [laptop.to_string(), dock_id.clone()] {
        let history = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}/history"), None).await;
        assert!(history.json()[0]["changes"]["relations"]["new"].as_str().is_some_and(|t| t.contains("docked")));
    }
    let relation = linked.json()[0]["id"].as_str().expect("relation id").to_owned();
    app.api(Some(&token), Method::DELETE, &format!("{path}/{relation}"), None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    let after = app.api(Some(&token), Method::GET, &path, None).await;
    assert_eq!(after.json(), json!([]));
}

#[tokio::test]
async fn people_using_a_shared_device_see_it_in_my_equipment() {
    let app = TestApp::new().await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let employee = app.id_of("users", "emp_a").await.to_string();
    let pm = app.login("pm_a").await;
    let form = pm.get(&format!("/assets/{id}/users")).await;
    assert!(form.has(&format!("select[name=user_id] option[value='{employee}']")), "the form offers the person");
    let tech_b = app.login("tech_b").await;
    tech_b.get(&format!("/assets/{id}/users")).await.assert_status(StatusCode::NOT_FOUND);
    pm.post(&format!("/assets/{id}/users"), &[("user_id", &employee)]).await.assert_status(StatusCode::SEE_OTHER);
    let page = pm.get(&format!("/assets/{id}")).await;
    assert_eq!(page.texts("[data-testid=used-by] li a"), vec!["Person emp_a".to_owned()]);

    let emp = app.login("emp_a").await;
    let mine = emp.get("/my-equipment").await;
    assert!(mine.texts("[data-testid=mine] td").contains(&"PT-FIX-0001".to_owned()));
    // Only someone who may edit the asset changes its users.
    let token = app.token("emp_a").await;
    let refused = app
        .api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/users"), Some(json!({"user_id": employee})))
        .await;
    assert!(matches!(refused.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", refused.status);
    // A person of another entity cannot be added.
    let stranger = app.id_of("users", "emp_b").await.to_string();
    let pm_token = app.token("pm_a").await;
    let hidden = app
        .api(Some(&pm_token), Method::POST, &format!("/api/v1/assets/{id}/users"), Some(json!({"user_id": stranger})))
        .await;
    hidden.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    pm.post(&format!("/assets/{id}/users/{employee}/remove"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    let mine = emp.get("/my-equipment").await;
    assert!(!mine.texts("[data-testid=mine] td").contains(&"PT-FIX-0001".to_owned()));
}
