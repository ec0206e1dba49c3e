//! The asset catalog's own rules, beyond the generated suites.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_tag_pattern_needs_exactly_one_counter() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    for (pattern, key) in [
        ("PC-{YYYY}", "tag-pattern-no-counter"),
        ("PC-{DATE}-{###}", "tag-pattern-invalid"),
        ("{#}{#}", "tag-pattern-invalid"),
    ] {
        let page = session.post("/asset-categories", &[("name", "Docking stations"), ("tag_pattern", pattern)]).await;
        page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.has("#f-tag_pattern[aria-invalid=true]"), "{pattern}");
        assert!(page.body.contains(pattern), "keeps what was typed");
        let token = app.token("pm_a").await;
        let api = app
            .api(
                Some(&token),
                Method::POST,
                "/api/v1/asset-categories",
                Some(json!({"name": "Docks", "tag_pattern": pattern})),
            )
            .await;
        api.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(api.json()["errors"][0]["code"], key);
    }
    session
        .post("/asset-categories", &[("name", "Docking stations"), ("tag_pattern", "DOCK-{YY}-{####}")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_status_kind_is_one_of_four() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let refused = app
        .api(Some(&token), Method::POST, "/api/v1/asset-statuses", Some(json!({"name": "Lent", "kind": "borrowed"})))
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let session = app.login("pm_a").await;
    let page = session.post("/asset-statuses", &[("name", "Lent"), ("kind", "borrowed")]).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has("#f-kind[aria-invalid=true]"));
    let archived = app.api(Some(&token), Method::GET, "/api/v1/asset-statuses?kind=archived", None).await.json();
    let names: Vec<&str> =
        archived["items"].as_array().expect("items").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, vec!["Mis au rebut", "Perdu", "Retiré", "Volé"]);
}

#[tokio::test]
async fn a_manufacturer_link_is_never_script() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    for url in ["javascript:alert(1)", "data:text/html,<script>", "//evil.example"] {
        let refused = app
            .api(Some(&token), Method::POST, "/api/v1/manufacturers", Some(json!({"name": "Evil", "url": url})))
            .await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["errors"][0]["code"], "field-invalid-url");
    }
}
