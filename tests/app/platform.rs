//! What every part relies on: the OpenAPI document, health and metrics,
//! static files, the history table, the embedded cluster.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use parc::{db::embedded::EmbeddedPg, routes};

use crate::helpers::TestApp;

/// A client generated from the document can page every list by cursor.
#[tokio::test]
async fn every_paged_list_declares_its_cursor_in_the_openapi_document() {
    let app = TestApp::new().await;
    let spec = app.get("/api/v1/openapi.json").await.json();
    let query_names = |path: &str| -> Vec<String> {
        spec["paths"][path]["get"]["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter().filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str().map(String::from)).collect()
            })
            .unwrap_or_default()
    };
    let mut paged = 0;
    for path in spec["paths"].as_object().expect("paths").keys() {
        let names = query_names(path);
        if names.iter().any(|n| n == "page") {
            paged += 1;
            assert_eq!(
                names.iter().filter(|n| *n == "after").count(),
                1,
                "{path} pages by number: `after` once in {names:?}"
            );
        }
    }
    assert!(paged >= 18, "only {paged} paged lists");
    for list in ["/api/v1/tickets", "/api/v1/assets", "/api/v1/users", "/api/v1/licences"] {
        assert!(query_names(list).contains(&"after".to_owned()), "{list}");
    }
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let app = TestApp::new().await;
    let document = app.get("/api/v1/openapi.json").await;
    document.assert_status(StatusCode::OK);
    let spec = document.json();
    assert!(spec["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    let mut documented = BTreeSet::new();
    for (path, operations) in spec["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> =
        routes::api_table().routes.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    let missing: Vec<_> = routed.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&routed).collect();
    assert!(missing.is_empty(), "routes missing from the document: {missing:?}");
    assert!(phantom.is_empty(), "documented routes that do not exist: {phantom:?}");
    assert!(routed.len() >= 28);
    let docs = app.get("/api/docs").await;
    docs.assert_status(StatusCode::OK);
    assert!(docs.body.contains("swagger-ui-bundle.js") && docs.body.contains("data-spec-url=\"/api/v1/openapi.json\""));
}

#[tokio::test]
async fn every_documented_route_answers_a_token_holder() {
    let app = TestApp::new().await;
    let token = app.token("admin").await;
    for (method, path) in routes::api_table().routes {
        let path = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
        let response = app.api(Some(&token), method.clone(), &path, None).await;
        // Real routes answer something other than the router's own 404/405.
        let routed = response.status != StatusCode::METHOD_NOT_ALLOWED
            && !(response.status == StatusCode::NOT_FOUND && response.body.is_empty());
        assert!(routed, "{method} {path}: {}", response.status);
        assert_ne!(response.status, StatusCode::INTERNAL_SERVER_ERROR, "{method} {path}");
    }
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    app.get("/healthz").await.assert_status(StatusCode::OK);
    let ready = app.get("/readyz").await;
    ready.assert_status(StatusCode::OK);
    let session = app.login("pm_a").await;
    session.get("/users").await;
    let metrics = app.get("/metrics").await;
    assert!(
        metrics.body.contains("parc_http_requests_total{method=\"GET\",route=\"/users\",status=\"200\"}"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("parc_db_pool_connections"));
    assert!(!metrics.body.contains(&app.id_of("users", "pm_a").await.to_string()), "no ids, only route templates");
}

#[tokio::test]
async fn static_files_are_versioned_and_cached() {
    let app = TestApp::new().await;
    let page = app.get("/login").await;
    let document = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("link[rel=stylesheet]").expect("selector");
    let href = document.select(&selector).next().and_then(|l| l.value().attr("href")).expect("stylesheet").to_owned();
    assert!(href.starts_with("/static/") && href.ends_with("/css/app.css"));
    let css = app.get(&href).await;
    css.assert_status(StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    assert_eq!(css.header("cache-control"), "public, max-age=31536000, immutable");
    let stale = app.get("/static/000000000000/css/app.css").await;
    assert_eq!(stale.header("cache-control"), "no-cache");
}

#[tokio::test]
async fn the_history_is_append_only() {
    let app = TestApp::new().await;
    let update = sqlx::query("update audit_log set actor_label = 'someone else'").execute(&app.pool).await;
    let delete = sqlx::query("delete from audit_log").execute(&app.pool).await;
    let truncate = sqlx::query("truncate audit_log").execute(&app.pool).await;
    assert!(update.is_err() && delete.is_err() && truncate.is_err());
}

#[tokio::test]
async fn a_refused_change_leaves_no_history() {
    let app = TestApp::new().await;
    let before: i64 = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&app.pool).await.expect("count");
    let token = app.token("pm_a").await;
    let entity = app.id_of("entities", "Filiale A").await;
    // Same name in the same place: refused by the unique index, after the insert started.
    let duplicate = app
        .api(
            Some(&token),
            Method::POST,
            "/api/v1/locations",
            Some(serde_json::json!({"name": "bureau a", "entity_id": entity})),
        )
        .await;
    duplicate.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(duplicate.json()["errors"][0]["code"], "location-name-taken");
    let after: i64 = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&app.pool).await.expect("count");
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_used_object_cannot_be_deleted() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let a = app.id_of("entities", "Filiale A").await;
    let refused = app.api(Some(&admin), Method::DELETE, &format!("/api/v1/entities/{a}"), None).await;
    refused.assert_status(StatusCode::CONFLICT);
    assert_eq!(refused.json()["type"], "urn:parc:problem:in-use");
    let session = app.login("admin").await;
    let page = session.post(&format!("/entities/{a}/delete"), &[]).await;
    page.assert_status(StatusCode::SEE_OTHER);
    let shown = session.get(page.location()).await;
    assert!(shown.has(".flash-error"), "the reason is shown");
    app.api(Some(&admin), Method::GET, &format!("/api/v1/entities/{a}"), None).await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn an_entity_cannot_become_its_own_ancestor() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let a = app.id_of("entities", "Filiale A").await;
    let a1 = app.id_of("entities", "Site A1").await;
    let current = app.api(Some(&admin), Method::GET, &format!("/api/v1/entities/{a}"), None).await.json();
    let cycle = app
        .api(
            Some(&admin),
            Method::PATCH,
            &format!("/api/v1/entities/{a}"),
            Some(serde_json::json!({"version": current["version"], "parent_id": a1})),
        )
        .await;
    cycle.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(cycle.json()["errors"][0]["code"], "entity-parent-cycle");
}

#[tokio::test]
async fn a_role_covers_sub_entities() {
    let app = TestApp::new().await;
    // pm_a holds the role on Filiale A and sees Site A1's people (emp_a).
    let token = app.token("pm_a").await;
    let listed = app.api(Some(&token), Method::GET, "/api/v1/users?per_page=200", None).await.json();
    let logins: Vec<&str> =
        listed["items"].as_array().expect("items").iter().filter_map(|u| u["login"].as_str()).collect();
    assert!(logins.contains(&"emp_a") && !logins.contains(&"emp_b") && !logins.contains(&"admin"), "{logins:?}");
}

#[tokio::test]
async fn a_second_command_joins_the_running_cluster() {
    let folder = std::env::temp_dir().join(format!("parc-join-{}", std::process::id()));
    let first = EmbeddedPg::ensure_running(&folder, None).await.expect("start");
    assert!(first.started_here());
    let second = EmbeddedPg::ensure_running(&folder, None).await.expect("join");
    assert!(!second.started_here(), "the second command uses the running cluster");
    let pool = parc::db::connect(&second.url(parc::db::embedded::DATABASE), 1).await.expect("connect");
    parc::db::check_durability(&pool).await.expect("fsync and full_page_writes on");
    let checksums: String = sqlx::query_scalar("show data_checksums").fetch_one(&pool).await.expect("checksums");
    assert_eq!(checksums, "on");
    let listen: String = sqlx::query_scalar("show listen_addresses").fetch_one(&pool).await.expect("listen");
    assert_eq!(listen, "", "socket only");
    pool.close().await;
    second.stop_if_started_here().await.expect("no-op");
    let still: bool = parc::db::connect(&first.url("postgres"), 1).await.is_ok();
    assert!(still, "the joiner does not stop the cluster");
    first.stop_if_started_here().await.expect("stop");
    assert!(parc::db::connect(&first.url("postgres"), 1).await.is_err(), "stopped");
    std::fs::remove_dir_all(&folder).ok();
}

#[tokio::test]
async fn the_demo_loads_once_with_a_small_park() {
    let app = TestApp::new().await;
    parc::demo::load(&app.pool).await.expect("demo");
    let counts = || async {
        let row: (i64, i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from users), (select count(*) from assets), (select count(*) from asset_checkouts),
                    (select count(*) from audit_log)",
        )
        .fetch_one(&app.pool)
        .await
        .expect("counts");
        row
    };
    let first = counts().await;
    parc::demo::load(&app.pool).await.expect("demo again");
    assert_eq!(counts().await, first, "loading twice changes nothing");
    let token = app
        .api(
            None,
            Method::POST,
            "/api/v1/auth/login",
            Some(serde_json::json!({"login": "employe", "password": parc::demo::DEMO_PASSWORD})),
        )
        .await
        .json()["token"]
        .as_str()
        .expect("the demo employee logs in")
        .to_owned();
    let mine = app.api(Some(&token), Method::GET, "/api/v1/me/assets", None).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(2), "the demo employee holds a laptop and a monitor");
    let tickets = app.api(Some(&token), Method::GET, "/api/v1/tickets", None).await.json();
    assert_eq!(tickets["total"], 2, "the demo employee has two tickets");
    let slow = tickets["items"]
        .as_array()
        .and_then(|items| items.iter().find(|t| t["assignees"].as_str().is_some_and(|a| a.contains("Théo Technicien"))))
        .expect("one taken by the demo technician");
    let timeline = app
        .api(
            Some(&token),
            Method::GET,
            &format!("/api/v1/tickets/{}/timeline", slow["id"].as_str().unwrap_or_default()),
            None,
        )
        .await;
    assert!(timeline.body.contains("quand la lenteur") && !timeline.body.contains("antivirus"), "{}", timeline.body);
}

#[tokio::test]
async fn a_person_saves_a_search_on_a_list_and_finds_it_again() {
    let app = TestApp::new().await;
    let tech = app.login("tech_a").await;
    let queue = tech.get("/tickets?queue=unassigned&priority=4&sort=due&dir=asc&page=2").await;
    let menu_href = queue.attrs("details.saved-searches", "hx-get").pop().expect("the list offers its saved searches");

    // The menu, as the list loads it when opened.
    let menu = tech.get_with(&menu_href, &[("hx-request", "true")]).await;
    menu.assert_status(StatusCode::OK);
    assert_eq!(menu.texts(".empty").len(), 1, "none yet: {}", menu.body);
    let query: Vec<(String, String)> = menu
        .attrs("input[name=query]", "value")
        .iter()
        .flat_map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).expect("a query string"))
        .collect();
    assert!(query.contains(&("queue".into(), "unassigned".into())) && query.contains(&("sort".into(), "due".into())));
    let query = serde_urlencoded::to_string(&query).expect("query");

    let saved =
        tech.post("/saved-searches", &[("list", "/tickets"), ("name", "Urgent unassigned"), ("query", &query)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location().starts_with("/tickets?") && saved.location().contains("queue=unassigned"));
    let menu = tech.get_with(&menu_href, &[("hx-request", "true")]).await;
    assert_eq!(menu.texts("[data-testid=saved-searches] a"), ["Urgent unassigned"]);

    // Elsewhere is refused; someone else neither sees nor deletes it.
    let elsewhere =
        tech.post("/saved-searches", &[("list", "https://evil.example"), ("name", "x"), ("query", "")]).await;
    assert_eq!(elsewhere.location(), "/saved-searches", "not a list: no redirect there");
    let token = app.token("tech_a").await;
    let mine = app.api(Some(&token), Method::GET, "/api/v1/me/saved-searches", None).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    let id = mine[0]["id"].as_str().expect("id").to_owned();
    let other = app.token("sup_a").await;
    let theirs = app.api(Some(&other), Method::GET, "/api/v1/me/saved-searches", None).await.json();
    assert_eq!(theirs, serde_json::json!([]));
    let path = format!("/api/v1/me/saved-searches/{id}");
    app.api(Some(&other), Method::DELETE, &path, None).await.assert_status(StatusCode::NOT_FOUND);
    let bad = serde_json::json!({"list": "/tickets", "name": "", "query": "a=1"});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/me/saved-searches", Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.api(Some(&token), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    let all = tech.get("/saved-searches").await;
    assert!(all.texts("[data-testid=saved-searches] a").is_empty());
}
