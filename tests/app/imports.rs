//! CSV imports: dry run against real run, update by key, refused rows with
//! their line numbers, encodings, the remembered mapping, the HTML flow, and
//! models and people through the same machinery.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp};

/// Run queued jobs until none is left.
async fn drain(app: &TestApp) {
    while parc::jobs::run_next(&app.pool, &Default::default(), "test-worker").await.expect("job queue") {}
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.expect("count")
}

/// A dry run with the suggested mapping, then the import, each run to its end.
async fn check_then_import(app: &TestApp, token: &str, id: &str) {
    app.api(Some(token), Method::POST, &format!("/api/v1/imports/{id}/check"), Some(json!({})))
        .await
        .assert_status(StatusCode::ACCEPTED);
    drain(app).await;
    app.api(Some(token), Method::POST, &format!("/api/v1/imports/{id}/run"), None)
        .await
        .assert_status(StatusCode::ACCEPTED);
    drain(app).await;
}

/// Upload through the API; the import's view.
async fn upload(app: &TestApp, token: &str, kind: &str, body: Vec<u8>) -> Value {
    let request = axum::http::Request::post(format!("/api/v1/imports?kind={kind}&file_name=park.csv"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from(body))
        .expect("request");
    let response = app.send(request).await;
    response.assert_status(StatusCode::CREATED);
    response.json()
}

const ASSETS: &str = "\u{feff}Étiquette;Nom;Série;Modèle;Date d'achat;Prix;Entité
;Poste accueil;SN-NEW-1;Latitude 5440;05/03/2026;1 234,50;Filiale A
PT-FIX-0001;Renamed by import;;;;;
;Bad date;SN-NEW-2;Latitude 5440;2026-02-30;;Filiale A
;Unknown model;SN-NEW-3;Vostro 9999;;;Filiale A
;=HYPERLINK(\"http://evil\",\"x\");SN-NEW-4;Latitude 5440;;;Filiale A
;Same serial again;SN-NEW-1;Latitude 5440;;;Filiale A
PT-FIX-0002;Not yours;;Latitude 5440;;;Filiale A
;Other entity;SN-NEW-5;Latitude 5440;;;Filiale B
";

fn mapping() -> Value {
    json!({
        "tag": "Étiquette", "name": "Nom", "serial": "Série", "model": "Modèle",
        "purchase_date": "Date d'achat", "price": "Prix", "entity": "Entité"
    })
}

#[tokio::test]
async fn a_dry_run_reports_refused_rows_by_line_and_writes_nothing() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let import = upload(&app, &token, "assets", ASSETS.as_bytes().to_vec()).await;
    let id = import["import"]["id"].as_str().expect("id").to_owned();
    assert_eq!(import["import"]["columns"][0], "Étiquette", "the BOM is not part of the first column");

    let assets_before = count(&app, "select count(*) from assets").await;
    let history_before = count(&app, "select count(*) from audit_log").await;
    app.api(Some(&token), Method::POST, &format!("/api/v1/imports/{id}/check"), Some(json!({"mapping": mapping()})))
        .await
        .assert_status(StatusCode::ACCEPTED);
    drain(&app).await;
    let view = app.api(Some(&token), Method::GET, &format!("/api/v1/imports/{id}"), None).await.json();
    assert_eq!(view["check"]["state"], "done");
    let result = &view["check"]["result"];
    // Line 7 repeats line 2's serial: it updates that asset rather than duplicating it.
    assert_eq!(
        (result["rows"].as_i64(), result["created"].as_i64(), result["updated"].as_i64()),
        (Some(8), Some(2), Some(2))
    );
    assert_eq!(result["failed"], 4);
    let refused: Vec<(i64, String)> = view["check_errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["line"].as_i64().unwrap_or(0), e["field"].as_str().unwrap_or("").to_owned()))
        .collect();
    for expected in [(4, "purchase_date"), (5, "model"), (8, "tag"), (9, "entity")] {
        assert!(refused.contains(&(expected.0, expected.1.to_owned())), "{expected:?} not in {refused:?}");
    }
    assert_eq!(count(&app, "select count(*) from assets").await, assets_before, "a dry run creates nothing");
    assert_eq!(count(&app, "select count(*) from audit_log").await, history_before, "and records nothing");

    // The import itself, then the same counts for real.
    app.api(Some(&token), Method::POST, &format!("/api/v1/imports/{id}/run"), None)
        .await
        .assert_status(StatusCode::ACCEPTED);
    drain(&app).await;
    let view = app.api(Some(&token), Method::GET, &format!("/api/v1/imports/{id}"), None).await.json();
    assert_eq!(view["run"]["result"]["created"], 2);
    assert_eq!(view["run"]["result"]["updated"], 2);
    assert_eq!(count(&app, "select count(*) from assets").await, assets_before + 2);
    let (price, bought): (String, String) =
        sqlx::query_as("select price::text, purchase_date::text from assets where serial = 'SN-NEW-1'")
            .fetch_one(&app.pool)
            .await
            .expect("imported asset");
    assert_eq!((price.as_str(), bought.as_str()), ("1234.50", "2026-03-05"));
    let renamed: String = sqlx::query_scalar("select name from assets where tag = 'PT-FIX-0001'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    assert_eq!(renamed, "Renamed by import", "matched on its tag, not duplicated");
    let formula: String = sqlx::query_scalar("select name from assets where serial = 'SN-NEW-4'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    assert_eq!(formula, "=HYPERLINK(\"http://evil\",\"x\")", "stored literally");
    let sources = count(&app, "select count(*) from audit_log where source = 'import' and actor_label = 'pm_a'").await;
    assert_eq!(sources, 4, "each row's history, on behalf of the importer");
    let export = app.login("pm_a").await.get("/assets/export.csv?q=SN-NEW-4").await;
    assert!(export.body.contains("'=HYPERLINK"), "neutralised again on export: {}", export.body);
    assert_eq!(count(&app, "select count(*) from notifications where message = 'notify-import-done'").await, 1);

    // A file is imported once.
    app.api(Some(&token), Method::POST, &format!("/api/v1/imports/{id}/run"), None)
        .await
        .assert_status(StatusCode::CONFLICT);
    // Someone else's import is not found.
    let other = app.token("pm_b").await;
    app.api(Some(&other), Method::GET, &format!("/api/v1/imports/{id}"), None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn latin1_files_and_remembered_mappings() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    // "Écran réunion" in Latin-1, comma separated, columns named as Parc names them.
    let latin1 = b"tag,name,model,entity\r\nEC-77,\xC9cran r\xE9union,Latitude 5440,Filiale A\r\n".to_vec();
    let import = upload(&app, &token, "assets", latin1).await;
    let id = import["import"]["id"].as_str().expect("id").to_owned();
    assert_eq!(import["import"]["mapping"]["name"], "name", "same-named columns are mapped");
    check_then_import(&app, &token, &id).await;
    let name: String =
        sqlx::query_scalar("select name from assets where tag = 'EC-77'").fetch_one(&app.pool).await.expect("asset");
    assert_eq!(name, "Écran réunion");

    // A mapping chosen once is offered for the next file with the same columns, in any order.
    let first = upload(&app, &token, "assets", ASSETS.as_bytes().to_vec()).await;
    let first_id = first["import"]["id"].as_str().expect("id").to_owned();
    app.api(
        Some(&token),
        Method::POST,
        &format!("/api/v1/imports/{first_id}/check"),
        Some(json!({"mapping": mapping()})),
    )
    .await
    .assert_status(StatusCode::ACCEPTED);
    let reordered = "Nom;Étiquette;Modèle;Série;Prix;Date d'achat;Entité\nX;;Latitude 5440;SN-R-1;;;Filiale A\n";
    let second = upload(&app, &token, "assets", reordered.as_bytes().to_vec()).await;
    assert_eq!(second["import"]["mapping"], mapping());
}

/// A multipart body with the form's fields then the file.
fn multipart(fields: &[(&str, &str)], file: &str) -> (String, String) {
    let boundary = "----parc-test-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"park.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
    ));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_page(pm: &Session<'_>, kind: &str, file: &str, csrf: &str) -> crate::helpers::TestResponse {
    let (content_type, body) = multipart(&[("kind", kind)], file);
    pm.post_raw(&format!("/imports/upload?_csrf={csrf}"), &body, &[("content-type", &content_type)]).await
}

#[tokio::test]
async fn the_import_pages_lead_from_upload_to_results() {
    let app = TestApp::new().await;
    let pm = app.login("pm_a").await;
    let page = pm.get("/imports").await;
    page.assert_status(StatusCode::OK);
    assert!(page.has("form[enctype='multipart/form-data'] input[type=file][name=file]"));

    // Without the CSRF token the upload is refused.
    upload_page(&pm, "assets", ASSETS, "wrong").await.assert_status(StatusCode::FORBIDDEN);
    let uploaded = upload_page(&pm, "assets", ASSETS, &pm.csrf).await;
    uploaded.assert_status(StatusCode::SEE_OTHER);
    let path = uploaded.location().to_owned();
    let mapping_page = pm.get(&path).await;
    assert!(mapping_page.has("select[name='map.serial']"));

    let mut form: Vec<(String, String)> = mapping()
        .as_object()
        .into_iter()
        .flatten()
        .map(|(target, column)| (format!("map.{target}"), column.as_str().unwrap_or("").to_owned()))
        .collect();
    form.push(("_csrf".into(), pm.csrf.clone()));
    let body = serde_urlencoded::to_string(&form).expect("encode");
    pm.post_raw(&format!("{path}/check"), &body, &[]).await.assert_status(StatusCode::SEE_OTHER);
    let waiting = pm.get(&path).await;
    assert!(waiting.body.contains("http-equiv=\"refresh\""), "the page follows the job");
    assert!(waiting.has("[data-testid=check] progress"));
    drain(&app).await;
    let checked = pm.get(&path).await;
    assert!(!checked.body.contains("http-equiv=\"refresh\""));
    let lines: Vec<String> = checked.texts("[data-testid=row-errors] tbody tr td:first-child");
    assert!(lines.contains(&"4".to_owned()) && lines.contains(&"5".to_owned()), "{lines:?}");
    assert_eq!(checked.texts("[data-testid=check] [data-count=created]"), vec!["2".to_owned()]);

    pm.post(&format!("{path}/run"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    drain(&app).await;
    let done = pm.get(&path).await;
    assert_eq!(done.texts("[data-testid=run] [data-count=created]"), vec!["2".to_owned()]);
    assert!(!done.has("[data-testid=run-button]"));
}

#[tokio::test]
async fn models_and_people_import_with_the_same_machinery() {
    let app = TestApp::new().await;
    let token = app.token("admin_a").await;
    let models = "name,category,manufacturer,part_number\nLatitude 5440,Portable,Dell,LAT-5440-FR\nOptiPlex 7010,Ordinateur,Dell,\nMystery,Nowhere,Dell,\n";
    let import = upload(&app, &token, "models", models.as_bytes().to_vec()).await;
    let id = import["import"]["id"].as_str().expect("id").to_owned();
    check_then_import(&app, &token, &id).await;
    let view = app.api(Some(&token), Method::GET, &format!("/api/v1/imports/{id}"), None).await.json();
    assert_eq!(
        (view["run"]["result"]["created"].as_i64(), view["run"]["result"]["updated"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(view["run_errors"][0]["line"], 4);
    assert_eq!(view["run_errors"][0]["field"], "category");
    let part: String = sqlx::query_scalar("select part_number from asset_models where name = 'Latitude 5440'")
        .fetch_one(&app.pool)
        .await
        .expect("model");
    assert_eq!(part, "LAT-5440-FR");

    // People: a new one, an existing one updated, and the root administrator (outside the importer's scope) refused.
    let people = "login;name;email;entity\nnew.person;New Person;new.person@example.org;Filiale A\nemp_a;Employee A renamed;;\nadmin;Hijack;;Filiale A\n";
    let import = upload(&app, &token, "users", people.as_bytes().to_vec()).await;
    let id = import["import"]["id"].as_str().expect("id").to_owned();
    check_then_import(&app, &token, &id).await;
    let view = app.api(Some(&token), Method::GET, &format!("/api/v1/imports/{id}"), None).await.json();
    assert_eq!(
        (view["run"]["result"]["created"].as_i64(), view["run"]["result"]["updated"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(view["run_errors"][0]["line"], 4);
    let admin_name: String =
        sqlx::query_scalar("select name from users where login = 'admin'").fetch_one(&app.pool).await.expect("admin");
    assert_ne!(admin_name, "Hijack");
    let roles =
        count(&app, "select count(*) from role_grants g join users u on u.id = g.user_id where u.login = 'new.person'")
            .await;
    assert_eq!(roles, 0, "a file never grants roles");
    // An employee may not import at all.
    let employee = app.token("emp_a").await;
    let request = axum::http::Request::post("/api/v1/imports?kind=assets")
        .header("authorization", format!("Bearer {employee}"))
        .body(axum::body::Body::from("tag\nX\n"))
        .expect("request");
    app.send(request).await.assert_status(StatusCode::FORBIDDEN);
}
#[tokio::test]
async fn a_hundred_thousand_row_file_imports_in_one_background_job() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let mut file = String::from("name;serial;model;entity;price\n");
    for n in 0..100_000 {
        file.push_str(&format!("Poste {n};SN-BULK-{n:06};Latitude 5440;Filiale A;{}.50\n", 500 + n % 700));
    }
    let import = upload(&app, &token, "assets", file.into_bytes()).await;
    let id = import["import"]["id"].as_str().expect("id").to_owned();
    let started = std::time::Instant::now();
    app.api(Some(&token), Method::POST, &format!("/api/v1/imports/{id}/check"), Some(json!({})))
        .await
        .assert_status(StatusCode::ACCEPTED);
    drain(&app).await;
    let checked = started.elapsed();
    app.api(Some(&token), Method::POST, &format!("/api/v1/imports/{id}/run"), None)
        .await
        .assert_status(StatusCode::ACCEPTED);
    drain(&app).await;
    eprintln!("100 000 rows: dry run {checked:?}, dry run + import {:?}", started.elapsed());
    let view = app.api(Some(&token), Method::GET, &format!("/api/v1/imports/{id}"), None).await.json();
    assert_eq!(view["check"]["result"]["created"], 100_000);
    assert_eq!(view["run"]["result"]["created"], 100_000);
    assert_eq!(view["run"]["result"]["failed"], 0);
    assert_eq!(count(&app, "select count(*) from assets where serial like 'SN-BULK-%'").await, 100_000);
    let tags = count(&app, "select count(distinct tag) from assets where serial like 'SN-BULK-%'").await;
    assert_eq!(tags, 100_000, "each row got its own tag");
    // Past 1 000 rows a list gives PostgreSQL's estimate rather than counting them all.
    let list = app.api(Some(&token), Method::GET, "/api/v1/assets?per_page=10", None).await.json();
    assert_eq!(list["total_exact"], false);
    assert!(list["total"].as_i64().is_some_and(|t| t > 1_000), "{}", list["total"]);
    let few = app.api(Some(&token), Method::GET, "/api/v1/assets?q=SN-BULK-004242", None).await.json();
    assert_eq!((few["total"].as_i64(), few["total_exact"].as_bool()), (Some(1), Some(true)));
}
