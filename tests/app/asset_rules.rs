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
