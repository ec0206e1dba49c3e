//! Standard workstation configurations and the assets that deviate from them.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{helpers::TestApp, resource_suite, resources, resources::Ids};

/// Two configurations of the fixture database: one of subsidiary A (the
/// laptops), one of subsidiary B (the Latitude 5440s).
pub async fn seed(pool: &PgPool) {
    sqlx::query(
        "insert into standard_configurations (entity_id, name, category_id, model_id)
         select (select id from entities where name = 'Filiale A'), 'Bureautique Lyon',
                (select id from asset_categories where name = 'Portable'), null
         union all
         select (select id from entities where name = 'Filiale B'), 'Bureautique Madrid',
                null, (select id from asset_models where name = 'Latitude 5440')",
    )
    .execute(pool)
    .await
    .expect("standard configurations");
}

fn configuration_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("category_id".into(), ids.category.to_string()),
        ("model_id".into(), ids.model.to_string()),
        ("notes".into(), "Postes des commerciaux".into()),
    ]
}
fn configuration_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "entity_id": ids.entity_a, "category_id": ids.category})
}

resource_suite!(
    suite,
    Spec {
        plural: "standard-configurations",
        kind: "standard_configuration",
        table: "standard_configurations",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Bureautique Lyon",
        hidden: Some("Bureautique Madrid"),
        name_field: "name",
        required: "name",
        form: super::configuration_form,
        body: super::configuration_body,
        sorts: &["name", "entity", "category", "model", "software", "updated"],
        filters: &["entity_id={a}", "category_id={c}", "model_id={mo}"],
    }
);

const BASE: &str = "/api/v1/standard-configurations";

async fn create(app: &TestApp, token: &str, body: Value) -> crate::helpers::TestResponse {
    app.api(Some(token), Method::POST, BASE, Some(body)).await
}

fn error_of(response: &crate::helpers::TestResponse, field: &str) -> Option<String> {
    response.json()["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["code"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_name_is_unique_within_its_entity_whatever_the_case() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let a = app.id_of("entities", "Filiale A").await;
    let a1 = app.id_of("entities", "Site A1").await;
    let laptops = app.id_of("asset_categories", "Portable").await;
    let taken = create(&app, &token, json!({"name": "bureautique LYON", "entity_id": a, "category_id": laptops})).await;
    taken.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&taken, "name").as_deref(), Some("name-taken"), "{}", taken.body);
    // The same name in another entity (even one below) is another configuration.
    create(&app, &token, json!({"name": "Bureautique Lyon", "entity_id": a1, "category_id": laptops}))
        .await
        .assert_status(StatusCode::CREATED);
    // On the form: marked on the name, what was typed kept.
    let session = app.login("pm_a").await;
    let fields = [("name", "BUREAUTIQUE lyon"), ("entity_id", &a.to_string()), ("category_id", &laptops.to_string())];
    let page = session.post("/standard-configurations", &fields).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-name[aria-invalid=true]"), "{}", page.body);
    assert!(page.body.contains("BUREAUTIQUE lyon"));
    // Renaming onto a colleague's name is refused the same way.
    let other = create(&app, &token, json!({"name": "Atelier", "entity_id": a, "category_id": laptops})).await;
    let path = format!("{BASE}/{}", other.json()["id"].as_str().expect("id"));
    let renamed =
        app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 1, "name": "Bureautique lyon"}))).await;
    renamed.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&renamed, "name").as_deref(), Some("name-taken"));
}

#[tokio::test]
async fn a_configuration_covers_a_model_or_a_category_and_the_model_belongs_to_it() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let a = app.id_of("entities", "Filiale A").await;
    let laptops = app.id_of("asset_categories", "Portable").await;
    let screens = app.id_of("asset_categories", "Écran").await;
    let latitude = app.id_of("asset_models", "Latitude 5440").await;

    let neither = create(&app, &token, json!({"name": "Vide", "entity_id": a})).await;
    neither.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&neither, "category_id").as_deref(), Some("standard-configuration-target-required"));
    let mismatch =
        create(&app, &token, json!({"name": "Mélange", "entity_id": a, "category_id": screens, "model_id": latitude}))
            .await;
    mismatch.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&mismatch, "model_id").as_deref(), Some("standard-configuration-model-elsewhere"));
    let unknown = create(&app, &token, json!({"name": "Fantôme", "entity_id": a, "category_id": Uuid::now_v7()})).await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&unknown, "category_id").as_deref(), Some("field-invalid-choice"));
    let count: i64 =
        sqlx::query_scalar("select count(*) from standard_configurations where name in ('Vide', 'Mélange', 'Fantôme')")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(count, 0, "nothing written");

    // A model alone, a category alone, or both when they agree.
    let model_only = create(&app, &token, json!({"name": "Latitude", "entity_id": a, "model_id": latitude})).await;
    model_only.assert_status(StatusCode::CREATED);
    assert_eq!(model_only.json()["model_name"], "Latitude 5440");
    assert_eq!(model_only.json()["category_id"], Value::Null);
    create(&app, &token, json!({"name": "Portables", "entity_id": a, "category_id": laptops}))
        .await
        .assert_status(StatusCode::CREATED);
    create(&app, &token, json!({"name": "Les deux", "entity_id": a, "category_id": laptops, "model_id": latitude}))
        .await
        .assert_status(StatusCode::CREATED);
    // Clearing the model of a model-only configuration leaves it covering nothing: refused.
    let path = format!("{BASE}/{}", model_only.json()["id"].as_str().expect("id"));
    let cleared = app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 1, "model_id": null}))).await;
    cleared.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // On the form, the error sits next to the category.
    let session = app.login("pm_a").await;
    let page = session.post("/standard-configurations", &[("name", "Vide"), ("entity_id", &a.to_string())]).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-category_id[aria-invalid=true]"), "{}", page.body);
}

/// A software of the catalogue with versions 1.0 and 2.0: (software, [v1, v2]).
async fn software(pool: &PgPool, name: &str) -> (Uuid, [Uuid; 2]) {
    let id: Uuid = sqlx::query_scalar("insert into software (name, publisher) values ($1, 'Editeur') returning id")
        .bind(name)
        .fetch_one(pool)
        .await
        .expect("software");
    let mut versions = [Uuid::nil(); 2];
    for (slot, version) in versions.iter_mut().zip(["1.0", "2.0"]) {
        *slot = sqlx::query_scalar("insert into software_versions (software_id, version) values ($1, $2) returning id")
            .bind(id)
            .bind(version)
            .fetch_one(pool)
            .await
            .expect("version");
    }
    (id, versions)
}

async fn install(pool: &PgPool, asset: Uuid, version: Uuid) {
    sqlx::query("insert into software_installations (asset_id, version_id) values ($1, $2)")
        .bind(asset)
        .bind(version)
        .execute(pool)
        .await
        .expect("installation");
}

/// An asset of `model` in `entity` with `status`, held by `user`.
async fn asset(pool: &PgPool, tag: &str, entity: Uuid, model: Uuid, status: Uuid, user: Option<Uuid>) -> Uuid {
    sqlx::query_scalar(
        "insert into assets (tag, name, model_id, status_id, entity_id, assigned_user_id)
         values ($1, 'Poste ' || $1, $2, $3, $4, $5) returning id",
    )
    .bind(tag)
    .bind(model)
    .bind(status)
    .bind(entity)
    .bind(user)
    .fetch_one(pool)
    .await
    .expect("asset")
}

async fn json_ok(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let response = app.api(Some(token), method, path, body).await;
    response.assert_status(StatusCode::OK);
    response.json()
}

#[tokio::test]
async fn required_software_is_added_and_removed_with_its_history() {
    let app = TestApp::new().await;
    let (firefox, _) = software(&app.pool, "Firefox").await;
    let (zip, _) = software(&app.pool, "7-Zip").await;
    software(&app.pool, "Firebird").await;
    let id = app.id_of("standard_configurations", "Bureautique Lyon").await;
    let session = app.login("pm_a").await;
    let base = format!("/standard-configurations/{id}");

    // The picker finds catalogue entries by name.
    let found = session.get(&format!("{base}?software_q=fire")).await;
    found.assert_status(StatusCode::OK);
    let candidates = found.texts("[data-testid=software-candidates] li").join("|");
    assert!(candidates.contains("Firefox") && candidates.contains("Firebird") && !candidates.contains("7-Zip"));
    for software in [firefox, zip] {
        let version =
            json_ok(&app, &app.token("pm_a").await, Method::GET, &format!("{BASE}/{id}"), None).await["version"]
                .to_string();
        let added = session
            .post(&format!("{base}/software"), &[("software_id", &software.to_string()), ("version", &version)])
            .await;
        added.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(added.location(), base);
    }
    let page = session.get(&base).await;
    assert_eq!(page.texts("[data-testid=required-software] .software-name"), vec!["7-Zip", "Firefox"]);
    assert!(page.has(".flash-success"));
    // Already required: no longer offered.
    let again = session.get(&format!("{base}?software_q=fire")).await;
    assert!(!again.texts("[data-testid=software-candidates] li").join("|").contains("Firefox"));

    // Removing asks first, and the page's version must still be current.
    let remove = "form[data-confirm][action$='/software/remove']";
    assert_eq!(page.attrs(remove, "data-confirm").len(), 2, "{}", page.body);
    let stale =
        session.post(&format!("{base}/software/remove"), &[("software_id", &zip.to_string()), ("version", "1")]).await;
    assert_eq!(stale.location(), base);
    assert!(session.get(&base).await.body.contains("Someone else changed this"));
    let version = page.attrs("[data-testid=required-software] input[name=version]", "value")[0].clone();
    session
        .post(&format!("{base}/software/remove"), &[("software_id", &zip.to_string()), ("version", &version)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let left: Vec<Uuid> =
        sqlx::query_scalar("select software_id from standard_configuration_software where configuration_id = $1")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .expect("list");
    assert_eq!(left, vec![firefox]);

    // Each change is in the history, old and new lists by name.
    let token = app.token("pm_a").await;
    let history = json_ok(&app, &token, Method::GET, &format!("{BASE}/{id}/history"), None).await;
    let lists: Vec<(&str, &str)> = history
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| {
            Some((
                e["changes"]["required_software"]["old"].as_str()?,
                e["changes"]["required_software"]["new"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(lists, vec![("7-Zip, Firefox", "Firefox"), ("Firefox", "7-Zip, Firefox"), ("", "Firefox")]);
    assert!(
        history.as_array().expect("entries").iter().take(3).all(|e| e["actor_label"] == "pm_a" && e["source"] == "web")
    );
    let tab = session.get(&format!("{base}/history")).await;
    assert!(tab.texts("table.history .diff-field").iter().any(|t| t == "Required software"), "{}", tab.body);

    // A reader sees the list but no buttons, and cannot post.
    let reader = app.login("tech_a").await;
    let seen = reader.get(&base).await;
    assert_eq!(seen.texts("[data-testid=required-software] .software-name"), vec!["Firefox"]);
    assert!(!seen.has("[data-testid=required-software] form"));
    reader
        .post(&format!("{base}/software"), &[("software_id", &zip.to_string()), ("version", "9")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_replaces_the_list_from_its_version() {
    let app = TestApp::new().await;
    let (firefox, _) = software(&app.pool, "Firefox").await;
    let (zip, _) = software(&app.pool, "7-Zip").await;
    let id = app.id_of("standard_configurations", "Bureautique Lyon").await;
    let token = app.token("pm_a").await;
    let path = format!("{BASE}/{id}/software");
    let empty = json_ok(&app, &token, Method::GET, &path, None).await;
    assert_eq!(empty, json!({"version": 1, "items": []}));

    app.api(Some(&token), Method::PUT, &path, Some(json!({"software_ids": [firefox]})))
        .await
        .assert_status(StatusCode::PRECONDITION_REQUIRED);
    let unknown =
        app.api(Some(&token), Method::PUT, &path, Some(json!({"version": 1, "software_ids": [Uuid::now_v7()]}))).await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&unknown, "software_ids").as_deref(), Some("standard-configuration-software-unknown"));

    let set =
        json_ok(&app, &token, Method::PUT, &path, Some(json!({"version": 1, "software_ids": [firefox, zip, firefox]})))
            .await;
    assert_eq!(set["version"], 2);
    let names: Vec<&str> = set["items"].as_array().expect("items").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, vec!["7-Zip", "Firefox"]);
    let stale = app.api(Some(&token), Method::PUT, &path, Some(json!({"version": 1, "software_ids": []}))).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["type"], "urn:parc:problem:stale-edit");
    // A forbidden software cannot be required, nor offered by the picker.
    let (torrent, _) = software(&app.pool, "uTorrent").await;
    sqlx::query("update software set forbidden = true where id = $1")
        .bind(torrent)
        .execute(&app.pool)
        .await
        .expect("forbid");
    let forbidden = app
        .api(Some(&token), Method::PUT, &path, Some(json!({"version": 2, "software_ids": [firefox, torrent]})))
        .await;
    forbidden.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let offered = app.login("pm_a").await.get(&format!("/standard-configurations/{id}?software_q=torrent")).await;
    assert!(offered.has(".empty") && !offered.has("[data-testid=software-candidates]"), "{}", offered.body);
    let listed = json_ok(&app, &token, Method::GET, &format!("{BASE}?q=Lyon"), None).await;
    assert_eq!(listed["items"][0]["software_count"], 2);

    // Readers may look, not change; outside the scope the configuration does not exist.
    let reader = app.token("tech_a").await;
    json_ok(&app, &reader, Method::GET, &path, None).await;
    app.api(Some(&reader), Method::PUT, &path, Some(json!({"version": 2, "software_ids": []})))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let other = app.token("pm_b").await;
    for method in [Method::GET, Method::PUT] {
        let body = (method == Method::PUT).then(|| json!({"version": 2, "software_ids": []}));
        app.api(Some(&other), method, &path, body).await.assert_status(StatusCode::NOT_FOUND);
    }
    let history = app.history("standard_configuration", id).await;
    assert_eq!(history, vec![("update".into(), "pm_a".into(), "api".into())], "one change, by pm_a");
}

/// The park the deviation tests look at, with a configuration of subsidiary
/// A for the Latitude 5440 requiring Firefox and 7-Zip.
struct Park {
    configuration: Uuid,
    firefox: [Uuid; 2],
    zip: [Uuid; 2],
}

async fn park(app: &TestApp) -> Park {
    let pool = &app.pool;
    let (a, a1, b) = (
        app.id_of("entities", "Filiale A").await,
        app.id_of("entities", "Site A1").await,
        app.id_of("entities", "Filiale B").await,
    );
    let latitude = app.id_of("asset_models", "Latitude 5440").await;
    let laptops = app.id_of("asset_categories", "Portable").await;
    let screens = app.id_of("asset_categories", "Écran").await;
    let other_laptop: Uuid =
        sqlx::query_scalar("insert into asset_models (category_id, name) values ($1, 'Latitude 7450') returning id")
            .bind(laptops)
            .fetch_one(pool)
            .await
            .expect("model");
    let screen: Uuid =
        sqlx::query_scalar("insert into asset_models (category_id, name) values ($1, 'P2425') returning id")
            .bind(screens)
            .fetch_one(pool)
            .await
            .expect("model");
    let (in_stock, retired) =
        (app.id_of("asset_statuses", "En stock").await, app.id_of("asset_statuses", "Retiré").await);
    let tech = app.id_of("users", "tech_a").await;
    let (firefox_id, firefox) = software(pool, "Firefox").await;
    let (zip_id, zip) = software(pool, "7-Zip").await;
    let (_, unrelated) = software(pool, "VLC").await;

    let full = asset(pool, "DEV-FULL", a1, latitude, in_stock, None).await;
    install(pool, full, firefox[0]).await;
    install(pool, full, zip[1]).await;
    let part = asset(pool, "DEV-PART", a, latitude, in_stock, None).await;
    install(pool, part, firefox[1]).await;
    let none = asset(pool, "DEV-NONE", a, latitude, in_stock, Some(tech)).await;
    install(pool, none, unrelated[0]).await;
    asset(pool, "DEV-ARCH", a, latitude, retired, None).await;
    asset(pool, "DEV-OTHER", a, other_laptop, in_stock, None).await;
    asset(pool, "DEV-SCREEN", a, screen, in_stock, None).await;
    asset(pool, "DEV-B", b, latitude, in_stock, None).await;

    let token = app.token("pm_a").await;
    let created = create(app, &token, json!({"name": "Latitude standard", "entity_id": a, "model_id": latitude})).await;
    created.assert_status(StatusCode::CREATED);
    let configuration: Uuid = created.json()["id"].as_str().and_then(|i| i.parse().ok()).expect("id");
    let body = json!({"version": 1, "software_ids": [firefox_id, zip_id]});
    json_ok(app, &token, Method::PUT, &format!("{BASE}/{configuration}/software"), Some(body)).await;
    Park { configuration, firefox, zip }
}

fn deviating(page: &Value) -> Vec<(String, Vec<String>)> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| {
            let missing =
                d["missing"].as_array().expect("missing").iter().filter_map(|m| m.as_str().map(str::to_owned));
            (d["tag"].as_str().unwrap_or_default().to_owned(), missing.collect())
        })
        .collect()
}

#[tokio::test]
async fn deviations_are_the_covered_assets_lacking_required_software() {
    let app = TestApp::new().await;
    let park = park(&app).await;
    let token = app.token("pm_a").await;
    let path = format!("{BASE}/{}/deviations", park.configuration);
    let page = json_ok(&app, &token, Method::GET, &path, None).await;
    // Any version counts (DEV-FULL has Firefox 1.0 and 7-Zip 2.0); archived
    // assets, other models and subsidiary B are not covered; the fixture
    // laptop of A has nothing installed.
    assert_eq!(
        deviating(&page),
        vec![
            ("DEV-NONE".into(), vec!["7-Zip".into(), "Firefox".into()]),
            ("DEV-PART".into(), vec!["7-Zip".into()]),
            ("PT-FIX-0001".into(), vec!["7-Zip".into(), "Firefox".into()]),
        ]
    );
    assert_eq!(
        (page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()),
        (Some(3), Some(1), Some(50))
    );
    assert_eq!(page["items"][0]["assigned_user_name"], "Person tech_a");
    assert_eq!(page["items"][0]["name"], "Poste DEV-NONE");
    assert_eq!(page["items"][1]["assigned_user_name"], Value::Null);

    // Pages: one at a time, the total on each; past the end, none but the total.
    let second = json_ok(&app, &token, Method::GET, &format!("{path}?per_page=1&page=2"), None).await;
    assert_eq!(deviating(&second), vec![("DEV-PART".into(), vec!["7-Zip".into()])]);
    assert_eq!(second["total"], 3);
    let beyond = json_ok(&app, &token, Method::GET, &format!("{path}?per_page=2&page=9"), None).await;
    assert_eq!((beyond["items"].as_array().map(Vec::len), beyond["total"].as_i64()), (Some(0), Some(3)));
    app.api(Some(&token), Method::GET, &format!("{path}?page=x"), None).await.assert_status(StatusCode::BAD_REQUEST);

    // Installing what is missing (an old version will do) takes the asset off the list.
    let part = app.id_of("assets", "DEV-PART").await;
    install(&app.pool, part, park.zip[0]).await;
    let fixture = app.id_of("assets", "PT-FIX-0001").await;
    install(&app.pool, fixture, park.firefox[1]).await;
    let after = json_ok(&app, &token, Method::GET, &path, None).await;
    assert_eq!(
        deviating(&after),
        vec![("DEV-NONE".into(), vec!["7-Zip".into(), "Firefox".into()]), ("PT-FIX-0001".into(), vec!["7-Zip".into()]),]
    );
}

#[tokio::test]
async fn a_category_configuration_covers_its_models_within_its_entity_tree() {
    let app = TestApp::new().await;
    let park = park(&app).await;
    let laptops = app.id_of("asset_categories", "Portable").await;
    let root = app.id_of("entities", "Groupe").await;
    let admin = app.token("admin").await;
    let created =
        create(&app, &admin, json!({"name": "Portables du groupe", "entity_id": root, "category_id": laptops})).await;
    created.assert_status(StatusCode::CREATED);
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let required = json_ok(&app, &admin, Method::GET, &format!("{BASE}/{}/software", park.configuration), None).await;
    let ids: Vec<&str> = required["items"].as_array().expect("items").iter().filter_map(|s| s["id"].as_str()).collect();
    json_ok(
        &app,
        &admin,
        Method::PUT,
        &format!("{BASE}/{id}/software"),
        Some(json!({"version": 1, "software_ids": ids})),
    )
    .await;
    let page = json_ok(&app, &admin, Method::GET, &format!("{BASE}/{id}/deviations"), None).await;
    let tags: Vec<String> = deviating(&page).into_iter().map(|(tag, _)| tag).collect();
    // Every laptop model, both subsidiaries; still no archived asset nor screen.
    assert_eq!(tags, vec!["DEV-B", "DEV-NONE", "DEV-OTHER", "DEV-PART", "PT-FIX-0001", "PT-FIX-0002"]);
    // A park manager of B never sees a configuration of the whole group.
    let other = app.token("pm_b").await;
    app.api(Some(&other), Method::GET, &format!("{BASE}/{id}/deviations"), None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deviations_on_the_page_and_as_csv() {
    let app = TestApp::new().await;
    let park = park(&app).await;
    let session = app.login("pm_a").await;
    let base = format!("/standard-configurations/{}", park.configuration);
    let page = session.get(&base).await;
    page.assert_status(StatusCode::OK);
    let rows = page.texts("[data-testid=deviations] tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].contains("DEV-NONE") && rows[0].contains("Person tech_a") && rows[0].contains("7-Zip, Firefox"));
    assert_eq!(page.texts("[data-testid=deviations] td.missing"), vec!["7-Zip, Firefox", "7-Zip", "7-Zip, Firefox"]);
    assert!(page.texts("[data-testid=deviations-total]").join("").contains('3'));

    let expected = "tag,name,entity,assigned_to,missing_software\nDEV-NONE,Poste DEV-NONE,Filiale A,Person tech_a,\"7-Zip, Firefox\"\nDEV-PART,Poste DEV-PART,Filiale A,,7-Zip\nPT-FIX-0001,Fixture laptop A,Filiale A,,\"7-Zip, Firefox\"\n";
    let csv = session.get(&format!("{base}/deviations.csv")).await;
    csv.assert_status(StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.header("content-disposition").starts_with("attachment"));
    assert_eq!(csv.body.trim_start_matches('\u{feff}'), expected);
    let token = app.token("pm_a").await;
    let api = app.api(Some(&token), Method::GET, &format!("{BASE}/{}/deviations.csv", park.configuration), None).await;
    api.assert_status(StatusCode::OK);
    assert_eq!(api.body.trim_start_matches('\u{feff}'), expected);

    // A name a spreadsheet would run is written as text.
    sqlx::query("update software set name = '=cmd|calc' where name = '7-Zip'")
        .execute(&app.pool)
        .await
        .expect("rename");
    let csv = session.get(&format!("{base}/deviations.csv")).await;
    assert!(csv.body.contains("'=cmd|calc") && !csv.body.contains(",=cmd"), "{}", csv.body);
}

#[tokio::test]
async fn employees_and_other_entities_get_nothing() {
    let app = TestApp::new().await;
    let park = park(&app).await;
    let id = park.configuration;
    let employee = app.token("emp_a").await;
    for path in [
        format!("{BASE}/{id}"),
        format!("{BASE}/{id}/deviations"),
        format!("{BASE}/{id}/deviations.csv"),
        format!("{BASE}/{id}/software"),
    ] {
        app.api(Some(&employee), Method::GET, &path, None).await.assert_status(StatusCode::FORBIDDEN);
    }
    let session = app.login("emp_a").await;
    for path in [format!("/standard-configurations/{id}"), format!("/standard-configurations/{id}/deviations.csv")] {
        session.get(&path).await.assert_status(StatusCode::FORBIDDEN);
    }
    // Out of scope: the same answer as a configuration that does not exist.
    let other = app.token("pm_b").await;
    let missing = Uuid::now_v7();
    for suffix in ["/deviations", "/deviations.csv", "/software"] {
        let outside = app.api(Some(&other), Method::GET, &format!("{BASE}/{id}{suffix}"), None).await;
        let absent = app.api(Some(&other), Method::GET, &format!("{BASE}/{missing}{suffix}"), None).await;
        outside.assert_status(StatusCode::NOT_FOUND);
        assert_eq!(outside.body, absent.body);
    }
    let session = app.login("pm_b").await;
    for suffix in ["", "/deviations.csv"] {
        session.get(&format!("/standard-configurations/{id}{suffix}")).await.assert_status(StatusCode::NOT_FOUND);
    }
    let (zip, _) = software(&app.pool, "WinRAR").await;
    session
        .post(
            &format!("/standard-configurations/{id}/software"),
            &[("software_id", &zip.to_string()), ("version", "2")],
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
}
