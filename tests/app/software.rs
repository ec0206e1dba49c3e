//! The software catalogue, its dictionary, manual installations and licence compliance.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::TestApp,
    inventory::{app_with_secret, count, glpi, small_inventory},
};

/// An agent inventory of one machine carrying `software` (name, version, publisher).
fn machine(name: &str, serial: &str, software: &[(&str, &str, &str)]) -> Value {
    let mut document = small_inventory(name, serial, None);
    document["content"]["softwares"] = software
        .iter()
        .map(|(name, version, publisher)| json!({"name": name, "version": version, "publisher": publisher}))
        .collect();
    document
}

/// Every change in an object's history, as JSON text.
async fn changes(app: &TestApp, kind: &str, id: Uuid) -> String {
    let rows: Vec<String> =
        sqlx::query_scalar("select changes::text from audit_log where object_kind = $1 and object_id = $2 order by id")
            .bind(kind)
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .expect("history");
    rows.join("\n")
}

async fn catalogue_entry(app: &TestApp, name: &str) -> Option<(String, String, String)> {
    sqlx::query_as(
        "select s.publisher, coalesce(c.name, ''), (select string_agg(version, ',') from software_versions v where v.software_id = s.id)
           from software s left join software_categories c on c.id = s.category_id where s.name = $1",
    )
        .bind(name)
        .fetch_optional(&app.pool)
        .await
        .expect("catalogue")
}

#[tokio::test]
async fn the_dictionary_names_what_agents_report() {
    let app = app_with_secret().await;
    let sent = machine(
        "pc-dico-01",
        "DICO0001",
        &[
            ("Mozilla Firefox 118.0 (x64 fr)", "118.0", "Mozilla"),
            ("Mozilla Firefox 118.0 (x64 en-US)", "118.0", "Mozilla Corporation"),
            ("Security Update for Microsoft Office (KB5002)", "", "Microsoft"),
        ],
    );
    assert_eq!(glpi(&app, "dico-1", &sent).await.status, StatusCode::OK);
    // The two Firefox entries are one catalogue version, in its category.
    let firefox = catalogue_entry(&app, "Firefox").await.expect("Firefox in the catalogue");
    assert_eq!(firefox, ("Mozilla".into(), "Web browser".into(), "118.0".into()));
    assert!(catalogue_entry(&app, "Mozilla Firefox 118.0 (x64 fr)").await.is_none());
    assert_eq!(count(&app, "select count(*) from software_installations").await, 2);

    // The park manager leaves the updates out, from the dictionary's page.
    let pm = app.login("pm_a").await;
    let refused = pm.post("/software-dictionary", &[("name_pattern", "(unclosed"), ("set_name", "x")]).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("#f-name_pattern[aria-invalid=true]"), "the field is marked");
    let added = pm.post("/software-dictionary", &[("name_pattern", "^Security Update for"), ("ignore", "on")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let tried = pm.get("/software-dictionary/try?name=Security+Update+for+Windows+%28KB1%29").await;
    assert!(tried.texts("[data-testid=dictionary-outcome]").join("").contains("Left out"), "{}", tried.body);
    let tried = pm.get("/software-dictionary/try?name=Mozilla+Firefox+120.0.1+%28x64+fr%29").await;
    assert!(tried.texts("[data-testid=dictionary-outcome] strong").contains(&"Firefox".to_owned()));

    let again =
        machine("pc-dico-01", "DICO0001", &[("Security Update for Microsoft Office (KB5002)", "", "Microsoft")]);
    assert_eq!(glpi(&app, "dico-1", &again).await.status, StatusCode::OK);
    assert_eq!(count(&app, "select count(*) from software_installations").await, 0, "the update is left out");
    let history = changes(&app, "inventory_settings", parc::inventory::db::SETTINGS_ID).await;
    assert!(history.contains(r#""new": "^Security Update for → ∅""#), "{history}");

    // Technicians read the dictionary; they do not change it.
    let tech = app.login("tech_a").await;
    tech.get("/software-dictionary").await.assert_status(StatusCode::OK);
    tech.post("/software-dictionary", &[("name_pattern", "^x")]).await.assert_status(StatusCode::FORBIDDEN);
    app.login("emp_a").await.get("/software-dictionary").await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rules_move_and_go() {
    let app = TestApp::new().await;
    let pm = app.login("pm_a").await;
    let first: (Uuid, i32) = sqlx::query_as("select id, position from software_dictionary order by position limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("rule");
    pm.post(&format!("/software-dictionary/{}/move", first.0), &[("direction", "down")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let now_first: Uuid = sqlx::query_scalar("select id from software_dictionary order by position, id limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("rule");
    assert_ne!(now_first, first.0, "moved down one place");
    pm.post(&format!("/software-dictionary/{}/delete", first.0), &[]).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(count(&app, &format!("select count(*) from software_dictionary where id = '{}'", first.0)).await, 0);
}

async fn asset_id(app: &TestApp, tag: &str) -> Uuid {
    sqlx::query_scalar("select id from assets where tag = $1").bind(tag).fetch_one(&app.pool).await.expect("asset")
}

#[tokio::test]
async fn manual_installations_stay_until_removed_by_hand() {
    let app = app_with_secret().await;
    let pm = app.token("pm_a").await;
    let software = app.id_of("software", "Fixture Suite").await;
    let laptop = asset_id(&app, "PT-FIX-0001").await;
    let path = format!("/api/v1/assets/{laptop}/software");
    let body = json!({"software_id": software, "version": "2024", "install_date": "2026-01-15"});
    app.api(Some(&pm), Method::POST, &path, Some(body.clone())).await.assert_status(StatusCode::CREATED);
    app.api(Some(&pm), Method::POST, &path, Some(body)).await.assert_status(StatusCode::CONFLICT);
    // Another subsidiary's park manager cannot reach this asset.
    let pm_b = app.token("pm_b").await;
    let other = json!({"software_id": software, "version": "2025"});
    app.api(Some(&pm_b), Method::POST, &path, Some(other)).await.assert_status(StatusCode::NOT_FOUND);

    let listed = app.api(Some(&pm), Method::GET, &format!("/api/v1/software/{software}/installations"), None).await;
    let items = listed.json()["items"].clone();
    assert_eq!(items[0]["tag"], "PT-FIX-0001");
    assert_eq!(items[0]["source"], "manual");
    assert_eq!(items[0]["install_date"], "2026-01-15");
    // Followed one by one, the cursors reach every installation, then stop.
    let installations = format!("/api/v1/software/{software}/installations?per_page=1");
    let (mut url, mut seen) = (installations.clone(), 0);
    while let Some(cursor) = {
        let page = app.api(Some(&pm), Method::GET, &url, None).await.json();
        seen += page["items"].as_array().map_or(0, Vec::len);
        page["next_cursor"].as_str().map(str::to_owned)
    } {
        url = format!("{installations}&after={cursor}");
    }
    assert_eq!(Some(seen as i64), listed.json()["total"].as_i64());
    let garbage = app.api(Some(&pm), Method::GET, &format!("{installations}&after=nope"), None).await;
    garbage.assert_status(StatusCode::BAD_REQUEST);
    let page = app.login("pm_a").await.get(&format!("/software/{software}")).await;
    assert!(page.texts("[data-testid=installations] td").contains(&"PT-FIX-0001".to_owned()), "{}", page.body);
    let asset_page = app.login("pm_a").await.get(&format!("/assets/{laptop}")).await;
    assert!(
        asset_page.texts("[data-testid=software] td a").contains(&"Fixture Suite".to_owned()),
        "{}",
        asset_page.body
    );
    let asset_history = changes(&app, "asset", laptop).await;
    assert!(asset_history.contains("Fixture Suite 2024 (manual)"), "{asset_history}");

    // The software cannot leave the catalogue while installed.
    let found = app.api(Some(&pm), Method::GET, &format!("/api/v1/software/{software}"), None).await;
    let version = found.json()["version"].clone();
    let delete = app.send(
        axum::http::Request::delete(format!("/api/v1/software/{software}"))
            .header("authorization", format!("Bearer {pm}"))
            .header("if-match", version.to_string())
            .body(axum::body::Body::empty())
            .expect("request"),
    );
    assert_eq!(delete.await.status, StatusCode::CONFLICT);

    let version_id: Uuid =
        sqlx::query_scalar("select id from software_versions where software_id = $1 and version = '2024'")
            .bind(software)
            .fetch_one(&app.pool)
            .await
            .expect("version");
    let gone = app.api(Some(&pm), Method::DELETE, &format!("{path}/{version_id}"), None).await;
    gone.assert_status(StatusCode::NO_CONTENT);
    assert_eq!(count(&app, "select count(*) from software_installations").await, 0);
}

#[tokio::test]
async fn an_agent_never_takes_off_what_was_recorded_by_hand() {
    let app = app_with_secret().await;
    let sent = machine("pc-hand-01", "HAND0001", &[("GIMP", "2.10", "GIMP team")]);
    assert_eq!(glpi(&app, "hand-1", &sent).await.status, StatusCode::OK);
    let asset: Uuid = sqlx::query_scalar("select id from assets where serial = 'HAND0001'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    let software = app.id_of("software", "Fixture Suite").await;
    // New devices go to the group's top entity, which only the admin reaches.
    let admin = app.token("admin").await;
    let body = json!({"software_id": software, "version": "1.0"});
    app.api(Some(&admin), Method::POST, &format!("/api/v1/assets/{asset}/software"), Some(body))
        .await
        .assert_status(StatusCode::CREATED);
    let next = machine("pc-hand-01", "HAND0001", &[("GIMP", "2.10.1", "GIMP team")]);
    assert_eq!(glpi(&app, "hand-1", &next).await.status, StatusCode::OK);
    let kept: Vec<(String, String)> = sqlx::query_as(
        "select s.name, i.source from software_installations i join software_versions v on v.id = i.version_id
           join software s on s.id = v.software_id where i.asset_id = $1 order by s.name",
    )
    .bind(asset)
    .fetch_all(&app.pool)
    .await
    .expect("installations");
    assert_eq!(kept, vec![("Fixture Suite".into(), "manual".into()), ("GIMP".into(), "inventory".into())]);
}

/// `n` assets in `entity` carrying `software`, assigned to `user` when given.
async fn carrying(app: &TestApp, prefix: &str, entity: Uuid, n: i32, software: Uuid, user: Option<Uuid>) -> Vec<Uuid> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "insert into assets (tag, name, model_id, status_id, entity_id, assigned_user_id)
         select $1 || '-' || g, 'Poste ' || g, (select id from asset_models where name = 'Latitude 5440'),
                (select id from asset_statuses where name = 'En stock'), $2, $3
           from generate_series(1, $4) g returning id",
    )
    .bind(prefix)
    .bind(entity)
    .bind(user)
    .bind(n)
    .fetch_all(&app.pool)
    .await
    .expect("assets");
    sqlx::query(
        "with v as (insert into software_versions (software_id, version) values ($1, '1.0')
                    on conflict (software_id, version) do update set version = excluded.version returning id)
         insert into software_installations (asset_id, version_id) select a, v.id from unnest($2::uuid[]) a, v",
    )
    .bind(software)
    .bind(&ids)
    .execute(&app.pool)
    .await
    .expect("installations");
    ids
}

async fn new_software(app: &TestApp, name: &str, forbidden: bool) -> Uuid {
    sqlx::query_scalar("insert into software (name, publisher, forbidden) values ($1, 'Editor', $2) returning id")
        .bind(name)
        .bind(forbidden)
        .fetch_one(&app.pool)
        .await
        .expect("software")
}

async fn notices(app: &TestApp, login: &str, message: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from notifications n join users u on u.id = n.user_id where u.login = $1 and n.message = $2",
    )
    .bind(login)
    .bind(message)
    .fetch_one(&app.pool)
    .await
    .expect("notifications")
}

async fn balance_of(app: &TestApp, token: &str, software: Uuid) -> Option<Value> {
    let report = app.api(Some(token), Method::GET, "/api/v1/compliance", None).await;
    report.assert_status(StatusCode::OK);
    report.json()["items"].as_array().expect("items").iter().find(|i| i["software_id"] == json!(software)).cloned()
}

#[tokio::test]
async fn installations_are_weighed_against_licences_per_entity() {
    let app = TestApp::new().await;
    let (a, a1, b) = (
        app.id_of("entities", "Filiale A").await,
        app.id_of("entities", "Site A1").await,
        app.id_of("entities", "Filiale B").await,
    );
    let visio = new_software(&app, "Visio Pro", false).await;
    let in_a = carrying(&app, "VA", a, 5, visio, None).await;
    carrying(&app, "VA1", a1, 2, visio, None).await;
    carrying(&app, "VB", b, 3, visio, None).await;
    let licence: Uuid = sqlx::query_scalar(
        "insert into licences (entity_id, software_id, name, kind, seats) values ($1, $2, 'Visio 4 postes', 'per_device', 4) returning id",
    )
    .bind(a)
    .bind(visio)
    .fetch_one(&app.pool)
    .await
    .expect("licence");
    parc::software::compliance::run(&app.pool).await.expect("compliance job");

    let pm_a = app.token("pm_a").await;
    let mine = balance_of(&app, &pm_a, visio).await.expect("Visio is licensed in A");
    assert_eq!((mine["installs"].clone(), mine["entitled"].clone()), (json!(7), json!(4)));
    assert_eq!((mine["unlicensed"].clone(), mine["status"].clone()), (json!(3), json!("over_deployed")));
    let where_: Vec<(String, i64)> = mine["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| (e["entity"].as_str().unwrap_or_default().to_owned(), e["unlicensed"].as_i64().unwrap_or_default()))
        .collect();
    assert_eq!(where_, vec![("Filiale A".into(), 1), ("Site A1".into(), 2)]);
    // B's installations are neither shown to A nor counted there; B holds no licence, so B sees nothing.
    assert!(balance_of(&app, &app.token("pm_b").await, visio).await.is_none());
    let whole = balance_of(&app, &app.token("admin").await, visio).await.expect("admin sees it");
    assert_eq!((whole["installs"].clone(), whole["unlicensed"].clone()), (json!(10), json!(6)));

    // Each park manager hears of the new over-deployments once.
    assert_eq!(notices(&app, "pm_a", "notify-compliance-overdeployed").await, 2, "Filiale A and Site A1");
    assert_eq!(notices(&app, "pm_b", "notify-compliance-overdeployed").await, 1);
    parc::software::compliance::run(&app.pool).await.expect("again");
    assert_eq!(notices(&app, "pm_a", "notify-compliance-overdeployed").await, 2, "nothing new, nothing said");

    // Where to look: assets without a seat; one holding a seat is not listed.
    sqlx::query("insert into licence_seats (licence_id, asset_id) values ($1, $2)")
        .bind(licence)
        .bind(in_a[0])
        .execute(&app.pool)
        .await
        .expect("seat");
    let detail = app.api(Some(&pm_a), Method::GET, &format!("/api/v1/compliance/{visio}"), None).await;
    let unseated: Vec<String> = detail.json()["unseated"]
        .as_array()
        .expect("unseated")
        .iter()
        .map(|u| u["tag"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(unseated.len(), 6, "{unseated:?}");
    assert!(!unseated.contains(&"VA-1".to_owned()));

    // The page and the export say the same.
    let session = app.login("pm_a").await;
    let page = session.get("/compliance").await;
    assert!(page.texts("[data-testid=compliance] td").contains(&"Visio Pro".to_owned()), "{}", page.body);
    assert!(page.texts("[data-testid=compliance] .badge").contains(&"Over-deployed".to_owned()));
    let csv = session.get("/compliance/export.csv").await;
    assert!(csv.body.contains("Visio Pro,Editor,Site A1,2,0,2,0,over_deployed"), "{}", csv.body);
    let only_under = app.api(Some(&pm_a), Method::GET, "/api/v1/compliance?status=under_used", None).await;
    let under: Vec<Value> = only_under.json()["items"].as_array().expect("items").clone();
    assert!(under.iter().all(|i| i["status"] == "under_used" && i["software_id"] != json!(visio)), "{under:?}");

    // Enough seats: compliant for A, seats left over; B's over-deployment stays.
    sqlx::query("update licences set seats = 20 where id = $1").bind(licence).execute(&app.pool).await.expect("seats");
    parc::software::compliance::run(&app.pool).await.expect("after purchase");
    let mine = balance_of(&app, &pm_a, visio).await.expect("Visio");
    assert_eq!(
        (mine["unlicensed"].clone(), mine["unused"].clone(), mine["status"].clone()),
        (json!(0), json!(13), json!("under_used"))
    );
    assert_eq!(count_rows(&app, "compliance_overdeployed").await, 1, "only B is still over-deployed");

    // An expired licence covers nothing.
    sqlx::query("update licences set starts_on = '2020-01-01', expires_on = '2021-01-01' where id = $1")
        .bind(licence)
        .execute(&app.pool)
        .await
        .expect("expired");
    let mine = balance_of(&app, &pm_a, visio).await.expect("Visio");
    assert_eq!((mine["entitled"].clone(), mine["unlicensed"].clone()), (json!(0), json!(7)));
}

async fn count_rows(app: &TestApp, table: &str) -> i64 {
    count(app, &format!("select count(*) from {table}")).await
}

#[tokio::test]
async fn forbidden_software_and_expiring_licences_reach_the_park_managers() {
    let app = TestApp::new().await;
    let (a, b) = (app.id_of("entities", "Filiale A").await, app.id_of("entities", "Filiale B").await);
    let tech_a: Uuid =
        sqlx::query_scalar("select id from users where login = 'tech_a'").fetch_one(&app.pool).await.expect("user");
    let keygen = new_software(&app, "KeyGen Tool", true).await;
    carrying(&app, "KG", a, 1, keygen, Some(tech_a)).await;
    let office = new_software(&app, "Office Pro", false).await;
    sqlx::query(
        "insert into licences (entity_id, software_id, name, kind, seats, expires_on)
         values ($1, $2, 'Office A', 'per_user', 10, current_date + 10), ($3, $2, 'Office B', 'per_user', 10, current_date + 200)",
    )
    .bind(a)
    .bind(office)
    .bind(b)
    .execute(&app.pool)
    .await
    .expect("licences");
    parc::software::compliance::run(&app.pool).await.expect("job");
    parc::software::compliance::run(&app.pool).await.expect("job again");

    assert_eq!(notices(&app, "pm_a", "notify-forbidden-software").await, 1, "once, however often the job runs");
    assert_eq!(notices(&app, "pm_b", "notify-forbidden-software").await, 0);
    assert_eq!(notices(&app, "pm_a", "notify-licence-expiring").await, 1);
    assert_eq!(notices(&app, "pm_b", "notify-licence-expiring").await, 0, "B's licence is far from its end");

    let pm_a = app.token("pm_a").await;
    let flagged = app.api(Some(&pm_a), Method::GET, "/api/v1/compliance/forbidden", None).await;
    let flagged = flagged.json();
    assert_eq!(flagged[0]["software"], "KeyGen Tool");
    assert_eq!(flagged[0]["tag"], "KG-1");
    assert_eq!(flagged[0]["assigned_to"], "Person tech_a");
    let pm_b = app.token("pm_b").await;
    let theirs = app.api(Some(&pm_b), Method::GET, "/api/v1/compliance/forbidden", None).await;
    assert_eq!(theirs.json(), json!([]));
    let page = app.login("pm_a").await.get("/compliance").await;
    assert!(page.texts("[data-testid=forbidden] td").contains(&"KG-1".to_owned()), "{}", page.body);
    assert_eq!(page.texts("[data-testid=forbidden-total]"), ["1"]);
}

#[tokio::test]
async fn who_may_read_and_count_compliance() {
    let app = TestApp::new().await;
    let pm = app.token("pm_a").await;
    let queued = app.api(Some(&pm), Method::POST, "/api/v1/compliance/count", None).await;
    queued.assert_status(StatusCode::ACCEPTED);
    let job: Uuid = serde_json::from_value(queued.json()["job_id"].clone()).expect("job id");
    assert_eq!(
        count(&app, &format!("select count(*) from jobs where id = '{job}' and kind = 'software-compliance'")).await,
        1
    );
    let tech = app.token("tech_a").await;
    app.api(Some(&tech), Method::GET, "/api/v1/compliance", None).await.assert_status(StatusCode::OK);
    app.api(Some(&tech), Method::POST, "/api/v1/compliance/count", None).await.assert_status(StatusCode::FORBIDDEN);
    let employee = app.token("emp_a").await;
    app.api(Some(&employee), Method::GET, "/api/v1/compliance", None).await.assert_status(StatusCode::FORBIDDEN);
    app.api(Some(&pm), Method::GET, "/api/v1/compliance?status=bogus", None)
        .await
        .assert_status(StatusCode::BAD_REQUEST);

    // The warning delay: saved, and a stale save refused.
    let session = app.login("pm_a").await;
    session.post("/compliance/settings", &[("expiry_warning_days", "45"), ("version", "1")]).await;
    assert_eq!(count(&app, "select expiry_warning_days::bigint from compliance_state").await, 45);
    let stale = session.post("/compliance/settings", &[("expiry_warning_days", "60"), ("version", "1")]).await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "select expiry_warning_days::bigint from compliance_state").await, 45, "stale save refused");
}

#[tokio::test]
async fn the_catalogue_filters_by_category_and_counts_installations() {
    let app = TestApp::new().await;
    let a = app.id_of("entities", "Filiale A").await;
    let b = app.id_of("entities", "Filiale B").await;
    let visio = new_software(&app, "Visio Pro", false).await;
    carrying(&app, "VA", a, 3, visio, None).await;
    carrying(&app, "VB", b, 2, visio, None).await;
    parc::software::compliance::run(&app.pool).await.expect("count");
    let pm = app.token("pm_a").await;
    let office_id = app.id_of("software_categories", "Office").await;
    let office = app.api(Some(&pm), Method::GET, &format!("/api/v1/software?category_id={office_id}"), None).await;
    let office = office.json();
    let names: Vec<&str> =
        office["items"].as_array().expect("items").iter().filter_map(|i| i["name"].as_str()).collect();
    assert_eq!(names, vec!["Fixture Suite"]);
    assert_eq!(
        (&office["items"][0]["category_id"], &office["items"][0]["category_name"]),
        (&json!(office_id), &json!("Office"))
    );
    let page = app.login("pm_a").await.get(&format!("/software?category_id={office_id}")).await;
    assert_eq!(page.texts("table.list tbody td:nth-child(3) a"), ["Office"], "{}", page.body);
    // Installations are counted within the reader's entities only.
    let installed = app.api(Some(&pm), Method::GET, "/api/v1/software?installed=true", None).await.json();
    assert_eq!(installed["items"][0]["name"], "Visio Pro");
    assert_eq!(installed["items"][0]["installs"], 3);
    let admin = app.token("admin").await;
    let everywhere = app.api(Some(&admin), Method::GET, &format!("/api/v1/software/{visio}"), None).await.json();
    assert_eq!(everywhere["installs"], 5);
    let versions = app.api(Some(&pm), Method::GET, &format!("/api/v1/software/{visio}/versions"), None).await.json();
    assert_eq!(versions, json!([{"id": versions[0]["id"], "version": "1.0", "installs": 3}]));
}

#[tokio::test]
async fn a_rule_files_inventoried_software_in_its_category_until_the_category_goes() {
    let app = app_with_secret().await;
    let pm = app.token("pm_a").await;
    // A sub-category of Security, and one below it, through the API.
    let security = app.id_of("software_categories", "Security").await;
    let created = app
        .api(
            Some(&pm),
            Method::POST,
            "/api/v1/software-categories",
            Some(json!({"name": "Password managers", "parent_id": security})),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["parent_name"], "Security");
    let vaults: Uuid = created.json()["id"].as_str().expect("id").parse().expect("uuid");
    let keys = app
        .api(
            Some(&pm),
            Method::POST,
            "/api/v1/software-categories",
            Some(json!({"name": "Hardware keys", "parent_id": vaults})),
        )
        .await;
    keys.assert_status(StatusCode::CREATED);
    let keys: Uuid = keys.json()["id"].as_str().expect("id").parse().expect("uuid");
    // Names are unique whatever their case; a category is never below itself.
    let taken = app
        .api(Some(&pm), Method::POST, "/api/v1/software-categories", Some(json!({"name": "password MANAGERS"})))
        .await;
    taken.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(taken.json()["errors"][0]["field"], "name", "{}", taken.body);
    let security_now = app.api(Some(&pm), Method::GET, &format!("/api/v1/software-categories/{security}"), None).await;
    let cycle = json!({"version": security_now.json()["version"], "parent_id": keys});
    let refused =
        app.api(Some(&pm), Method::PATCH, &format!("/api/v1/software-categories/{security}"), Some(cycle)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "parent_id", "{}", refused.body);

    // A rule gives new catalogue entries the category; an unknown one is refused on its field.
    let bogus = json!({"name_pattern": "^x", "set_category_id": Uuid::now_v7()});
    let refused = app.api(Some(&pm), Method::POST, "/api/v1/software-dictionary", Some(bogus)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "set_category_id", "{}", refused.body);
    let rule = json!({"name_pattern": r"^KeePassXC\b", "set_name": "KeePassXC", "set_category_id": vaults});
    app.api(Some(&pm), Method::POST, "/api/v1/software-dictionary", Some(rule))
        .await
        .assert_status(StatusCode::CREATED);
    let rules = app.api(Some(&pm), Method::GET, "/api/v1/software-dictionary", None).await.json();
    let given = rules.as_array().expect("rules").iter().find(|r| r["set_name"] == "KeePassXC").expect("the rule");
    assert_eq!((&given["set_category_id"], &given["set_category_name"]), (&json!(vaults), &json!("Password managers")));

    // An inventory lands the software in it.
    let sent = machine("pc-vault-01", "VAULT001", &[("KeePassXC 2.7.6 (x64)", "2.7.6", "KeePassXC Team")]);
    assert_eq!(glpi(&app, "vault-1", &sent).await.status, StatusCode::OK);
    let entry = catalogue_entry(&app, "KeePassXC").await.expect("catalogued");
    assert_eq!(entry, ("KeePassXC Team".into(), "Password managers".into(), "2.7.6".into()));
    // The catalogue filtered by the parent category holds what lies below it.
    let listed = app.api(Some(&pm), Method::GET, &format!("/api/v1/software?category_id={security}"), None).await;
    let item = &listed.json()["items"][0];
    assert_eq!((&item["name"], &item["category_name"]), (&json!("KeePassXC"), &json!("Password managers")));
    let category = app.api(Some(&pm), Method::GET, &format!("/api/v1/software-categories/{vaults}"), None).await;
    assert_eq!(
        (category.json()["software_count"].as_i64(), category.json()["rule_count"].as_i64()),
        (Some(1), Some(1))
    );

    // Deleting it asks first, saying what it changes; then the software is
    // left without a category, the rule gives none, the sub-category moves up.
    let session = app.login("pm_a").await;
    let confirm = session.get(&format!("/software-categories/{vaults}/delete")).await;
    let notice = confirm.texts("[data-testid=delete-notice]").join("");
    assert!(notice.contains('1') && notice.contains("sub-categories"), "{}", confirm.body);
    let deleted = session.post(&format!("/software-categories/{vaults}/delete"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    let entry = catalogue_entry(&app, "KeePassXC").await.expect("still catalogued");
    assert_eq!(entry.1, "", "left without a category");
    let keepassxc = software_named(&app, "KeePassXC").await.expect("catalogued");
    assert!(changes(&app, "software", keepassxc).await.contains(&format!(r#""old": "{vaults}""#)));
    assert_eq!(
        count(
            &app,
            "select count(*) from software_dictionary where set_name = 'KeePassXC' and set_category_id is null"
        )
        .await,
        1
    );
    let settings = changes(&app, "inventory_settings", parc::inventory::db::SETTINGS_ID).await;
    assert!(settings.contains("(Password managers)"), "{settings}");
    let moved = app.api(Some(&pm), Method::GET, &format!("/api/v1/software-categories/{keys}"), None).await.json();
    assert_eq!(moved["parent_id"], json!(security), "moved up to where the deleted one was");
    assert!(changes(&app, "software_category", keys).await.contains(&format!(r#""new": "{security}""#)));

    // A technician reads the categories and changes none.
    let tech = app.token("tech_a").await;
    app.api(Some(&tech), Method::GET, "/api/v1/software-categories", None).await.assert_status(StatusCode::OK);
    app.api(Some(&tech), Method::POST, "/api/v1/software-categories", Some(json!({"name": "Games"})))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

/// Run every queued job (the replay, then the count it asks for).
async fn run_jobs(app: &TestApp) {
    while parc::jobs::run_next(&app.pool, &Default::default(), "test-worker").await.expect("job queue") {}
}

async fn software_named(app: &TestApp, name: &str) -> Option<Uuid> {
    sqlx::query_scalar("select id from software where name = $1")
        .bind(name)
        .fetch_optional(&app.pool)
        .await
        .expect("software")
}

async fn add_rule(pm: &crate::helpers::Session<'_>, fields: &[(&str, &str)]) {
    let added = pm.post("/software-dictionary", fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
}

#[tokio::test]
async fn replaying_the_dictionary_renames_merges_and_leaves_out_the_catalogue() {
    let app = app_with_secret().await;
    // Inventories before the rules: the catalogue keeps the agents' names.
    let first = machine(
        "pc-replay-01",
        "REPLAY01",
        &[
            ("Acme Draw 5.2 (x64 fr)", "5.2", "Acme"),
            ("Acme Draw 5.2 (x64 en-US)", "5.2", "Acme"),
            ("Acme Mail 3 (fr)", "3.1", "Acme"),
            ("Acme Updater", "1.0", "Acme"),
            ("Acme Updater Service", "1.0", "Acme"),
        ],
    );
    assert_eq!(glpi(&app, "replay-1", &first).await.status, StatusCode::OK);
    let second = machine(
        "pc-replay-02",
        "REPLAY02",
        &[("Acme Draw 5.2 (x64 en-US)", "5.2", "Acme"), ("Acme Updater", "1.0", "Acme")],
    );
    assert_eq!(glpi(&app, "replay-2", &second).await.status, StatusCode::OK);
    let (pc1, pc2) = (
        sqlx::query_scalar::<_, Uuid>("select id from assets where serial = 'REPLAY01'")
            .fetch_one(&app.pool)
            .await
            .expect("pc 1"),
        sqlx::query_scalar::<_, Uuid>("select id from assets where serial = 'REPLAY02'")
            .fetch_one(&app.pool)
            .await
            .expect("pc 2"),
    );
    let draw_fr = software_named(&app, "Acme Draw 5.2 (x64 fr)").await.expect("raw name catalogued");
    let draw_en = software_named(&app, "Acme Draw 5.2 (x64 en-US)").await.expect("raw name catalogued");
    let mail = software_named(&app, "Acme Mail 3 (fr)").await.expect("raw name catalogued");
    let updater = software_named(&app, "Acme Updater").await.expect("catalogued");

    // Entries made by hand: the name the rule will give, already there with
    // a version of its own, and a raw name with notes.
    let draw: Uuid = sqlx::query_scalar(
        "insert into software (name, publisher, category_id)
         values ('Acme Draw', 'Acme', (select id from software_categories where name = 'Graphics')) returning id",
    )
    .fetch_one(&app.pool)
    .await
    .expect("software");
    let fixture_laptop = asset_id(&app, "PT-FIX-0001").await;
    sqlx::query(
        "with v as (insert into software_versions (software_id, version) values ($1, '5.1') returning id)
         insert into software_installations (asset_id, version_id, source) select $2, v.id, 'manual' from v",
    )
    .bind(draw)
    .bind(fixture_laptop)
    .execute(&app.pool)
    .await
    .expect("installation");
    let draw_de: Uuid = sqlx::query_scalar(
        "insert into software (name, publisher, notes) values ('Acme Draw 5.2 (x64 de)', 'Acme', 'Bought via the reseller') returning id",
    )
    .fetch_one(&app.pool)
    .await
    .expect("software");
    // A licence with a seat on a raw name, a standard configuration requiring another.
    let a = app.id_of("entities", "Filiale A").await;
    let licence: Uuid = sqlx::query_scalar(
        "insert into licences (entity_id, software_id, name, kind, seats) values ($1, $2, 'Acme Draw 10 postes', 'per_device', 10) returning id",
    )
    .bind(a)
    .bind(draw_fr)
    .fetch_one(&app.pool)
    .await
    .expect("licence");
    sqlx::query("insert into licence_seats (licence_id, asset_id) values ($1, $2)")
        .bind(licence)
        .bind(pc1)
        .execute(&app.pool)
        .await
        .expect("seat");
    let configuration: Uuid = sqlx::query_scalar(
        "insert into standard_configurations (entity_id, name, category_id)
         values ($1, 'Poste graphiste', (select id from asset_categories where name = 'Portable')) returning id",
    )
    .bind(a)
    .fetch_one(&app.pool)
    .await
    .expect("configuration");
    sqlx::query("insert into standard_configuration_software (configuration_id, software_id) values ($1, $2)")
        .bind(configuration)
        .bind(draw_en)
        .execute(&app.pool)
        .await
        .expect("requirement");
    // The updater recorded by hand on the fixture laptop stays.
    let pm_token = app.token("pm_a").await;
    let manual = json!({"software_id": updater, "version": "1.0"});
    app.api(Some(&pm_token), Method::POST, &format!("/api/v1/assets/{fixture_laptop}/software"), Some(manual))
        .await
        .assert_status(StatusCode::CREATED);

    // The rules come afterwards; a technician may not replay them.
    let pm = app.login("pm_a").await;
    let graphics = app.id_of("software_categories", "Graphics").await.to_string();
    let mail_category = app.id_of("software_categories", "Mail").await.to_string();
    add_rule(
        &pm,
        &[
            ("name_pattern", r"^Acme Draw\s+(\d+(?:\.\d+)*)"),
            ("set_name", "Acme Draw"),
            ("set_publisher", "Acme"),
            ("set_version", "$1"),
            ("set_category_id", &graphics),
        ],
    )
    .await;
    add_rule(
        &pm,
        &[("name_pattern", r"^Acme Mail \d+"), ("set_name", "Acme Mail"), ("set_category_id", &mail_category)],
    )
    .await;
    add_rule(&pm, &[("name_pattern", "^Acme Updater"), ("ignore", "on")]).await;
    let tech_token = app.token("tech_a").await;
    app.api(Some(&tech_token), Method::POST, "/api/v1/software-dictionary/replay", None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let tech = app.login("tech_a").await;
    tech.post("/software-dictionary/replay", &[]).await.assert_status(StatusCode::FORBIDDEN);
    assert!(!tech.get("/software-dictionary").await.has("[data-testid=replay-start]"));

    // Started from the page: it waits for the job runner, with its progress polled.
    let started = pm.post("/software-dictionary/replay", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page = pm.get("/software-dictionary").await;
    assert!(page.has("#dictionary-replay[hx-get] progress"), "{}", page.body);
    assert_eq!(page.texts("[data-testid=replay-state]"), ["Waiting to start…"]);
    assert!(!page.has("[data-testid=replay-start]"), "one replay at a time");
    run_jobs(&app).await;

    let page = pm.get("/software-dictionary").await;
    let counted = |name: &str| page.texts(&format!("[data-testid=replay-counts] [data-count={name}]"));
    assert_eq!(page.texts("[data-testid=replay-state]"), ["Finished."]);
    assert_eq!(counted("renamed"), ["1"], "{}", page.body);
    assert_eq!(counted("merged"), ["3"]);
    assert_eq!(counted("left_out"), ["2"]);
    assert_eq!(counted("installations_removed"), ["3"]);
    assert!(!page.has("#dictionary-replay[hx-get]"), "no more polling");

    // The raw names are merged into Acme Draw, its own version kept.
    let names: Vec<String> = sqlx::query_scalar("select name from software where name like 'Acme%' order by name")
        .fetch_all(&app.pool)
        .await
        .expect("names");
    assert_eq!(names, ["Acme Draw", "Acme Mail", "Acme Updater"]);
    let versions: Vec<String> =
        sqlx::query_scalar("select version from software_versions where software_id = $1 order by version")
            .bind(draw)
            .fetch_all(&app.pool)
            .await
            .expect("versions");
    assert_eq!(versions, ["5.1", "5.2"]);
    let installed: Vec<(Uuid, String)> = sqlx::query_as(
        "select i.asset_id, v.version from software_installations i join software_versions v on v.id = i.version_id
          where v.software_id = $1 order by v.version, i.asset_id",
    )
    .bind(draw)
    .fetch_all(&app.pool)
    .await
    .expect("installations");
    let mut expected = vec![(fixture_laptop, "5.1".to_owned()), (pc1, "5.2".to_owned()), (pc2, "5.2".to_owned())];
    expected[1..].sort();
    assert_eq!(installed, expected, "one installation per asset and version");
    let admin = app.token("admin").await;
    let counted = app.api(Some(&admin), Method::GET, &format!("/api/v1/software/{draw}"), None).await.json();
    assert_eq!(counted["installs"], 3, "counted once per asset, by the count the replay asked for");
    let (software_of_licence, seats_used): (Uuid, i32) =
        sqlx::query_as("select software_id, seats_used from licences where id = $1")
            .bind(licence)
            .fetch_one(&app.pool)
            .await
            .expect("licence");
    assert_eq!((software_of_licence, seats_used), (draw, 1), "the licence and its seat follow");
    let required: Vec<Uuid> =
        sqlx::query_scalar("select software_id from standard_configuration_software where configuration_id = $1")
            .bind(configuration)
            .fetch_all(&app.pool)
            .await
            .expect("required");
    assert_eq!(required, [draw]);
    let notes: String = sqlx::query_scalar("select notes from software where id = $1")
        .bind(draw)
        .fetch_one(&app.pool)
        .await
        .expect("notes");
    assert_eq!(notes, "Bought via the reseller");
    // Acme Mail is renamed in place, in the rule's category.
    assert_eq!(software_named(&app, "Acme Mail").await, Some(mail));
    assert_eq!(catalogue_entry(&app, "Acme Mail").await, Some(("Acme".into(), "Mail".into(), "3.1".into())));
    // The updater keeps what was recorded by hand; the service, found by agents only, is gone.
    let left: Vec<(String, String)> = sqlx::query_as(
        "select a.tag, i.source from software_installations i join software_versions v on v.id = i.version_id
           join assets a on a.id = i.asset_id where v.software_id = $1",
    )
    .bind(updater)
    .fetch_all(&app.pool)
    .await
    .expect("installations");
    assert_eq!(left, [("PT-FIX-0001".to_owned(), "manual".to_owned())]);
    assert!(software_named(&app, "Acme Updater Service").await.is_none());

    // Each change is in its history.
    let merged_into = changes(&app, "software", draw).await;
    assert!(merged_into.contains("Acme Draw 5.2 (x64 fr) — Acme"), "{merged_into}");
    assert!(merged_into.contains("merged_from") && merged_into.contains("Bought via the reseller"));
    for raw in [draw_fr, draw_en, draw_de] {
        let history = changes(&app, "software", raw).await;
        assert!(history.contains(r#""merged_into": {"new": "Acme Draw — Acme""#), "{history}");
    }
    let renamed = changes(&app, "software", mail).await;
    assert!(renamed.contains(r#""name": {"new": "Acme Mail", "old": "Acme Mail 3 (fr)"}"#), "{renamed}");
    assert!(changes(&app, "licence", licence).await.contains("Acme Draw — Acme"));
    assert!(changes(&app, "standard_configuration", configuration).await.contains(r#""new": "Acme Draw""#));
    let pc1_history = changes(&app, "asset", pc1).await;
    assert!(pc1_history.contains("Acme Updater 1.0, Acme Updater Service 1.0"), "{pc1_history}");
    assert!(changes(&app, "software", updater).await.contains("inventory_installations"));
    let history_page = pm.get(&format!("/software/{draw}/history")).await;
    assert!(history_page.body.contains("Merged from"), "{}", history_page.body);

    // A second replay changes nothing, and says so.
    let written: i64 = count(&app, "select count(*) from audit_log").await;
    let again = app.api(Some(&pm_token), Method::POST, "/api/v1/software-dictionary/replay", None).await;
    again.assert_status(StatusCode::ACCEPTED);
    assert_eq!(again.json()["kind"], "software-dictionary-replay");
    let twice = app.api(Some(&pm_token), Method::POST, "/api/v1/software-dictionary/replay", None).await;
    assert_eq!(twice.json()["id"], again.json()["id"], "not queued twice");
    run_jobs(&app).await;
    let last = app.api(Some(&pm_token), Method::GET, "/api/v1/software-dictionary/replay", None).await.json();
    assert_eq!(last["id"], again.json()["id"]);
    assert_eq!(last["state"], "done");
    assert_eq!(
        last["result"],
        json!({"examined": count(&app, "select count(*) from software").await,
               "renamed": 0, "merged": 0, "left_out": 0, "installations_removed": 0})
    );
    assert_eq!(count(&app, "select count(*) from audit_log").await, written, "no history: nothing changed");

    // Without its rule, Acme Mail's agent name is catalogued again as it is:
    // the inventory no longer finds the renamed entry under the old name.
    let mail_rule: Uuid =
        sqlx::query_scalar("select id from software_dictionary where name_pattern = '^Acme Mail \\d+'")
            .fetch_one(&app.pool)
            .await
            .expect("rule");
    pm.post(&format!("/software-dictionary/{mail_rule}/delete"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    let later = machine(
        "pc-replay-01",
        "REPLAY01",
        &[("Acme Draw 5.2 (x64 fr)", "5.2", "Acme"), ("Acme Mail 3 (fr)", "3.1", "Acme")],
    );
    assert_eq!(glpi(&app, "replay-1", &later).await.status, StatusCode::OK);
    let on_pc1: Vec<String> = sqlx::query_scalar(
        "select s.name from software_installations i join software_versions v on v.id = i.version_id
           join software s on s.id = v.software_id where i.asset_id = $1 order by s.name",
    )
    .bind(pc1)
    .fetch_all(&app.pool)
    .await
    .expect("installations");
    assert_eq!(on_pc1, ["Acme Draw", "Acme Mail 3 (fr)"]);
}

/// The index of rule `id` in the dictionary as the API lists it.
async fn place_of(app: &TestApp, token: &str, id: &str) -> usize {
    let rules = app.api(Some(token), Method::GET, "/api/v1/software-dictionary", None).await.json();
    rules.as_array().and_then(|r| r.iter().position(|rule| rule["id"] == id)).expect("listed")
}

#[tokio::test]
async fn the_dictionary_is_kept_through_the_api() {
    let app = TestApp::new().await;
    let pm = app.token("pm_a").await;
    let listed = app.api(Some(&pm), Method::GET, "/api/v1/software-dictionary", None).await;
    listed.assert_status(StatusCode::OK);
    assert_eq!(listed.json()[0]["set_name"], "Firefox", "the rules in the order they are tried");

    // Patterns are compiled as on the page: a broken one is refused on its field.
    for (body, field) in [
        (json!({"name_pattern": "(unclosed", "set_name": "x"}), "name_pattern"),
        (json!({"name_pattern": "^x", "publisher_pattern": "(("}), "publisher_pattern"),
        (json!({"name_pattern": ""}), "name_pattern"),
        (json!({"name_pattern": "^x", "set_version": "9".repeat(101)}), "set_version"),
    ] {
        let refused = app.api(Some(&pm), Method::POST, "/api/v1/software-dictionary", Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.header("content-type"), "application/problem+json");
        assert_eq!(refused.json()["errors"][0]["field"], field, "{}", refused.body);
    }
    let typed = app.api(Some(&pm), Method::POST, "/api/v1/software-dictionary", Some(json!({"name_pattern": 5}))).await;
    typed.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    let security = app.id_of("software_categories", "Security").await;
    let keepass = json!({"name_pattern": r"^KeePass Password Safe\s+(\d+(?:\.\d+)*)", "set_name": "KeePass",
                         "set_publisher": "Dominik Reichl", "set_version": "$1", "set_category_id": security});
    let added = app.api(Some(&pm), Method::POST, "/api/v1/software-dictionary", Some(keepass)).await;
    added.assert_status(StatusCode::CREATED);
    let id = added.json()["id"].as_str().expect("id").to_owned();
    let updates = json!({"name_pattern": "^Security Update for", "ignore": true});
    app.api(Some(&pm), Method::POST, "/api/v1/software-dictionary", Some(updates))
        .await
        .assert_status(StatusCode::CREATED);

    // What a name becomes, or that it is left out.
    let tried = app
        .api(
            Some(&pm),
            Method::GET,
            "/api/v1/software-dictionary/try?name=KeePass+Password+Safe+2.55&publisher=x",
            None,
        )
        .await;
    tried.assert_status(StatusCode::OK);
    assert_eq!(
        tried.json(),
        json!({"ignored": false, "name": "KeePass", "publisher": "Dominik Reichl", "version": "2.55",
               "category_id": security, "category": "Security"})
    );
    let left_out = "/api/v1/software-dictionary/try?name=Security+Update+for+Windows+%28KB1%29";
    assert_eq!(app.api(Some(&pm), Method::GET, left_out, None).await.json()["ignored"], true);
    let unchanged =
        app.api(Some(&pm), Method::GET, "/api/v1/software-dictionary/try?name=GIMP&version=2.10", None).await;
    assert_eq!(unchanged.json()["name"], "GIMP");
    let nameless = app.api(Some(&pm), Method::GET, "/api/v1/software-dictionary/try?publisher=x", None).await;
    nameless.assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // Moved one place up, then to the top; a bad move is refused.
    let path = format!("/api/v1/software-dictionary/{id}");
    let before = place_of(&app, &pm, &id).await;
    app.api(Some(&pm), Method::PATCH, &path, Some(json!({"direction": "up"})))
        .await
        .assert_status(StatusCode::NO_CONTENT);
    assert_eq!(place_of(&app, &pm, &id).await, before - 1);
    app.api(Some(&pm), Method::PATCH, &path, Some(json!({"position": 1}))).await.assert_status(StatusCode::NO_CONTENT);
    assert_eq!(place_of(&app, &pm, &id).await, 0);
    for (body, field) in [
        (json!({"direction": "sideways"}), "direction"),
        (json!({"position": -5}), "position"),
        (json!({}), "direction"),
    ] {
        let refused = app.api(Some(&pm), Method::PATCH, &path, Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["errors"][0]["field"], field);
    }
    let unknown = format!("/api/v1/software-dictionary/{}", Uuid::now_v7());
    app.api(Some(&pm), Method::PATCH, &unknown, Some(json!({"direction": "up"})))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Technicians read and try names; they do not change the rules. Employees do neither.
    let tech = app.token("tech_a").await;
    app.api(Some(&tech), Method::GET, "/api/v1/software-dictionary", None).await.assert_status(StatusCode::OK);
    app.api(Some(&tech), Method::GET, left_out, None).await.assert_status(StatusCode::OK);
    for (method, body) in [(Method::PATCH, Some(json!({"direction": "down"}))), (Method::DELETE, None)] {
        app.api(Some(&tech), method, &path, body).await.assert_status(StatusCode::FORBIDDEN);
    }
    let mine = json!({"name_pattern": "^x"});
    app.api(Some(&tech), Method::POST, "/api/v1/software-dictionary", Some(mine))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let employee = app.token("emp_a").await;
    app.api(Some(&employee), Method::GET, "/api/v1/software-dictionary", None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    app.api(Some(&employee), Method::GET, left_out, None).await.assert_status(StatusCode::FORBIDDEN);

    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NOT_FOUND);

    // Each change is in the history, made through the API.
    let history: Vec<String> = sqlx::query_scalar(
        "select changes::text from audit_log where object_kind = 'inventory_settings' and source = 'api' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(history.len(), 5, "two added, two moves, one deletion: {history:?}");
    let keepass = r"^KeePass Password Safe\\s+(\\d+(?:\\.\\d+)*) → KeePass";
    assert!(history[0].contains(&format!(r#""new": "{keepass}""#)), "{}", history[0]);
    assert!(history[3].contains("(position 1)"), "{}", history[3]);
    assert!(history[4].contains(&format!(r#""old": "{keepass}""#)), "{}", history[4]);
}
