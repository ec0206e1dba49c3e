//! The helpdesk's settings pages: the category tree's rules, a calendar's
//! week and closed days, service levels' delays and defaults, the priority
//! matrix and the settings row, and who may open them.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// Open a ticket through the API as emp_a; its JSON.
async fn open_ticket(app: &TestApp, title: &str) -> Value {
    let token = app.token("emp_a").await;
    let response = app.api(Some(&token), Method::POST, "/api/v1/tickets", Some(json!({"title": title}))).await;
    response.assert_status(StatusCode::CREATED);
    response.json()
}

fn due(ticket: &Value) -> DateTime<Utc> {
    ticket["resolve_due_at"].as_str().and_then(|d| d.parse().ok()).expect("a resolve due date")
}

#[tokio::test]
async fn a_category_cannot_sit_inside_itself_or_below_itself() {
    let app = TestApp::new().await;
    let token = app.token("sup_a").await;
    let a = app.id_of("entities", "Filiale A").await;
    let create = |name: &str, parent: Option<&str>| {
        let body = json!({"name": name, "entity_id": a, "parent_id": parent});
        app.api(Some(&token), Method::POST, "/api/v1/ticket-categories", Some(body))
    };
    let top = create("Imprimantes", None).await;
    top.assert_status(StatusCode::CREATED);
    let top_id = top.json()["id"].as_str().expect("id").to_owned();
    let child = create("Bourrages", Some(&top_id)).await;
    child.assert_status(StatusCode::CREATED);
    let child_id = child.json()["id"].as_str().expect("id").to_owned();
    assert_eq!(child.json()["parent_name"], "Imprimantes");

    // Below one of its own sub-categories, or below itself: refused on the field.
    for parent in [&child_id, &top_id] {
        let refused = app
            .api(
                Some(&token),
                Method::PATCH,
                &format!("/api/v1/ticket-categories/{top_id}"),
                Some(json!({"version": 1, "parent_id": parent})),
            )
            .await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["errors"][0]["field"], "parent_id", "{}", refused.body);
        assert_eq!(refused.json()["errors"][0]["code"], "ticket-category-cycle");
    }
    // The same on the form, marked next to the field.
    let session = app.login("sup_a").await;
    let page = session
        .post(
            &format!("/ticket-categories/{top_id}/edit"),
            &[("name", "Imprimantes"), ("entity_id", &a.to_string()), ("parent_id", &child_id), ("version", "1")],
        )
        .await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-parent_id[aria-invalid=true]"), "{}", page.body);
    let parent: Option<Uuid> = sqlx::query_scalar("select parent_id from ticket_categories where name = 'Imprimantes'")
        .fetch_one(&app.pool)
        .await
        .expect("parent");
    assert_eq!(parent, None, "nothing written");

    // A parent of a sibling entity (not above) is refused; one above is fine.
    let admin = app.token("admin").await;
    let b = app.id_of("entities", "Filiale B").await;
    let of_b = app
        .api(Some(&admin), Method::POST, "/api/v1/ticket-categories", Some(json!({"name": "Réseau B", "entity_id": b})))
        .await;
    let of_b = of_b.json()["id"].as_str().expect("id").to_owned();
    let elsewhere = create("Wifi", Some(&of_b)).await;
    elsewhere.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(elsewhere.json()["errors"][0]["code"], "ticket-category-parent-elsewhere");
    let mail = app.id_of("ticket_categories", "Messagerie").await.to_string();
    create("Boîtes partagées", Some(&mail)).await.assert_status(StatusCode::CREATED);

    // A category with sub-categories or tickets is not deleted.
    let used = app.api(Some(&token), Method::DELETE, &format!("/api/v1/ticket-categories/{top_id}"), None).await;
    used.assert_status(StatusCode::CONFLICT);
    assert_eq!(used.json()["type"], "urn:parc:problem:in-use");
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let emp = app.token("emp_a").await;
    let body = json!({"title": "PC lent", "category_id": workstation});
    app.api(Some(&emp), Method::POST, "/api/v1/tickets", Some(body)).await.assert_status(StatusCode::CREATED);
    let deleted = session.post(&format!("/ticket-categories/{workstation}/delete"), &[]).await;
    assert_eq!(deleted.location(), format!("/ticket-categories/{workstation}"), "back to it, with the reason");
    assert!(session.get(deleted.location()).await.body.contains("Tickets still use it."));
    app.api(Some(&token), Method::DELETE, &format!("/api/v1/ticket-categories/{child_id}"), None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_bad_week_is_marked_on_its_field_with_what_is_wrong() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    let a = app.id_of("entities", "Filiale A").await.to_string();
    let fields = [
        ("name", "Atelier"),
        ("entity_id", a.as_str()),
        ("time_zone", "Europe/Paris"),
        ("week", "mon-fro 09:00-18:00"),
    ];
    let page = session.post("/calendars", &fields).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-week[aria-invalid=true]"), "{}", page.body);
    let error = page.texts("#e-week").join(" ");
    assert!(error.contains("Not a valid week") && error.contains("'fro'"), "{error}");
    assert!(page.body.contains("mon-fro 09:00-18:00"), "keeps what was typed");

    let token = app.token("pm_a").await;
    let body = json!({"name": "Atelier", "entity_id": a, "week": "mon 18:00-09:00", "time_zone": "Mars/Olympus"});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/calendars", Some(body)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = refused.json()["errors"].clone();
    let week = errors.as_array().and_then(|e| e.iter().find(|e| e["field"] == "week")).expect("week error");
    assert_eq!(week["code"], "calendar-week-invalid");
    assert!(week["message"].as_str().is_some_and(|m| m.contains("ends before it starts")), "{week}");
    assert!(errors.as_array().is_some_and(|e| e.iter().any(|e| e["field"] == "time_zone")));

    // A good week is stored in its canonical text.
    let body = json!({"name": "Atelier", "entity_id": a, "week": "Mon-Fri 8:00-12:00; mon-fri 13:00-17:00"});
    let created = app.api(Some(&token), Method::POST, "/api/v1/calendars", Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["week"], "mon-fri 08:00-12:00,13:00-17:00");
}

#[tokio::test]
async fn a_time_to_resolve_shorter_than_the_time_to_own_is_refused() {
    let app = TestApp::new().await;
    let session = app.login("sup_a").await;
    let a = app.id_of("entities", "Filiale A").await.to_string();
    let calendar = app.id_of("calendars", "Heures de bureau").await.to_string();
    let mut fields = vec![("name", "Rapide"), ("entity_id", a.as_str()), ("calendar_id", calendar.as_str())];
    let delays = [
        ("own_1", "8h"),
        ("own_2", "4h"),
        ("own_3", "4h"),
        ("own_4", "1h"),
        ("own_5", "30"),
        ("resolve_1", "80h"),
        ("resolve_2", "40h"),
        ("resolve_3", "2h"),
        ("resolve_4", "1h30"),
        ("resolve_5", "45m"),
    ];
    fields.extend(delays);
    let page = session.post("/slas", &fields).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.has(".field.has-error #f-resolve_3[aria-invalid=true]"), "{}", page.body);
    assert!(!page.has("#f-resolve_4[aria-invalid=true]"), "1h30 after 1h is fine");

    let token = app.token("sup_a").await;
    let body = json!({"name": "Rapide", "entity_id": a, "calendar_id": calendar,
                      "own_minutes": [60, 60, 60, 60, 60], "resolve_minutes": [120, 120, 30, 120, 120]});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/slas", Some(body)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "resolve_3");
    assert_eq!(refused.json()["errors"][0]["code"], "sla-resolve-before-own");
    let four = json!({"name": "Rapide", "entity_id": a, "calendar_id": calendar,
                      "own_minutes": [60, 60, 60, 60], "resolve_minutes": [120, 120, 120, 120, 120]});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/slas", Some(four)).await;
    assert_eq!(refused.json()["errors"][0]["code"], "sla-five-delays");
    let count: i64 = sqlx::query_scalar("select count(*) from slas where name = 'Rapide'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);

    // Delays written as people write them are stored in minutes.
    fields.retain(|(k, _)| *k != "resolve_3");
    fields.push(("resolve_3", "16h"));
    session.post("/slas", &fields).await.assert_status(StatusCode::SEE_OTHER);
    let own: Vec<i32> = sqlx::query_scalar("select own_minutes from slas where name = 'Rapide'")
        .fetch_one(&app.pool)
        .await
        .expect("own");
    assert_eq!(own, [480, 240, 240, 60, 30]);
}

#[tokio::test]
async fn a_new_default_service_level_replaces_the_old_one() {
    let app = TestApp::new().await;
    let token = app.token("admin").await;
    let root = app.id_of("entities", "Groupe").await;
    let standard = app.id_of("slas", "Standard").await;
    let calendar = app.id_of("calendars", "Heures de bureau").await;
    let body = json!({"name": "Standard 2027", "entity_id": root, "calendar_id": calendar, "is_default": true,
                      "own_minutes": [240, 120, 60, 30, 15], "resolve_minutes": [2400, 960, 480, 240, 120]});
    let created = app.api(Some(&token), Method::POST, "/api/v1/slas", Some(body)).await;
    created.assert_status(StatusCode::CREATED);
    assert_eq!(created.json()["is_default"], true);
    let defaults: Vec<String> = sqlx::query_scalar("select name from slas where is_default and entity_id = $1")
        .bind(root)
        .fetch_all(&app.pool)
        .await
        .expect("defaults");
    assert_eq!(defaults, ["Standard 2027"]);
    let old = app.api(Some(&token), Method::GET, &format!("/api/v1/slas/{standard}"), None).await.json();
    assert_eq!((old["is_default"].clone(), old["version"].clone()), (json!(false), json!(2)));
    let history = app.api(Some(&token), Method::GET, &format!("/api/v1/slas/{standard}/history"), None).await.json();
    assert_eq!(history[0]["changes"]["is_default"], json!({"old": true, "new": false}));
    assert_eq!(history[0]["actor_label"], "admin");
    // New tickets without a category take the new default.
    let ticket = open_ticket(&app, "Écran qui clignote").await;
    assert_eq!(ticket["sla_name"], "Standard 2027");

    // Back again through the form: the checkbox unsets the other one.
    let session = app.login("admin").await;
    let form = session.get(&format!("/slas/{standard}/edit")).await;
    form.assert_status(StatusCode::OK);
    assert!(form.has("#f-is_default:not([checked])"));
    let mut fields: Vec<(String, String)> = form
        .attrs("form.form input[name]:not([type=checkbox])", "name")
        .into_iter()
        .zip(form.attrs("form.form input[name]:not([type=checkbox])", "value"))
        .filter(|(name, _)| name != "_csrf")
        .collect();
    fields.push(("entity_id".into(), root.to_string()));
    fields.push(("calendar_id".into(), calendar.to_string()));
    fields.push(("is_default".into(), "on".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    session.post(&format!("/slas/{standard}/edit"), &pairs).await.assert_status(StatusCode::SEE_OTHER);
    let defaults: Vec<String> = sqlx::query_scalar("select name from slas where is_default and entity_id = $1")
        .bind(root)
        .fetch_all(&app.pool)
        .await
        .expect("defaults");
    assert_eq!(defaults, ["Standard"]);
}

#[tokio::test]
async fn a_closed_day_moves_the_due_date_of_new_tickets_only() {
    let app = TestApp::new().await;
    let first = open_ticket(&app, "Imprimante").await;
    let first_due = due(&first);
    let calendar = app.id_of("calendars", "Heures de bureau").await;
    let closed_day = first_due.with_timezone(&Paris).date_naive().to_string();

    let session = app.login("admin").await;
    let page = session.get(&format!("/calendars/{calendar}")).await;
    page.assert_status(StatusCode::OK);
    let version = page.attrs("form[action$='/closures'] input[name=version]", "value").join("");
    let added = session
        .post(
            &format!("/calendars/{calendar}/closures"),
            &[("day", &closed_day), ("name", "Inventaire"), ("version", &version)],
        )
        .await;
    added.assert_status(StatusCode::SEE_OTHER);
    let shown = session.get(&format!("/calendars/{calendar}")).await;
    assert!(shown.texts("[data-testid=closures] td").contains(&closed_day), "{}", shown.body);
    // The same day twice is marked on the field; a stale page is refused.
    let again = session
        .post(
            &format!("/calendars/{calendar}/closures"),
            &[("day", &closed_day), ("version", &(version.parse::<i64>().expect("version") + 1).to_string())],
        )
        .await;
    again.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.has("#f-day[aria-invalid=true]"));
    let stale =
        session.post(&format!("/calendars/{calendar}/closures"), &[("day", "2030-01-02"), ("version", &version)]).await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert!(session.get(stale.location()).await.has(".flash-error"));

    let second = open_ticket(&app, "Scanner").await;
    assert!(
        due(&second) - first_due > chrono::TimeDelta::hours(12),
        "the closed day {closed_day} moved {} past {first_due}",
        due(&second)
    );
    let kept: DateTime<Utc> = sqlx::query_scalar("select resolve_due_at from tickets where id = $1::uuid")
        .bind(first["id"].as_str().expect("id"))
        .fetch_one(&app.pool)
        .await
        .expect("due");
    assert_eq!(kept, first_due, "open tickets keep their due dates");
    let history = app.history("calendar", calendar).await;
    assert_eq!(history.last().map(|h| (h.0.as_str(), h.1.as_str())), Some(("update", "admin")));

    // Removed through the API, with the calendar's version.
    let token = app.token("admin").await;
    let current = app.api(Some(&token), Method::GET, &format!("/api/v1/calendars/{calendar}"), None).await.json();
    assert_eq!(current["closures"][0]["name"], "Inventaire");
    let request = axum::http::Request::delete(format!("/api/v1/calendars/{calendar}/closures/{closed_day}"))
        .header("authorization", format!("Bearer {token}"))
        .header("if-match", format!("\"{}\"", current["version"]))
        .body(axum::body::Body::empty())
        .expect("request");
    let removed = app.send(request).await;
    removed.assert_status(StatusCode::OK);
    assert_eq!(removed.json()["closures"], json!([]));
}

#[tokio::test]
async fn the_priority_matrix_gives_new_tickets_their_priority() {
    let app = TestApp::new().await;
    let token = app.token("sup_a").await;
    let matrix = app.api(Some(&token), Method::GET, "/api/v1/helpdesk/priority-matrix", None).await;
    matrix.assert_status(StatusCode::OK);
    let mut priorities = matrix.json()["priorities"].clone();
    assert_eq!(priorities[2][2], 3, "urgency 3 × impact 3 is medium by default");
    assert_eq!(open_ticket(&app, "Avant").await["priority"], 3);
    priorities[2][2] = json!(5);
    let body = json!({"version": matrix.json()["version"], "priorities": priorities});
    let saved = app.api(Some(&token), Method::PUT, "/api/v1/helpdesk/priority-matrix", Some(body.clone())).await;
    saved.assert_status(StatusCode::OK);
    assert_eq!(saved.json()["priorities"][2][2], 5);
    assert_eq!(open_ticket(&app, "Après").await["priority"], 5);
    // The same version again is stale; a priority 6 or a short matrix is refused.
    let stale = app.api(Some(&token), Method::PUT, "/api/v1/helpdesk/priority-matrix", Some(body)).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["type"], "urn:parc:problem:stale-edit");
    let mut six = saved.json()["priorities"].clone();
    six[0][0] = json!(6);
    let bad = app
        .api(
            Some(&token),
            Method::PUT,
            "/api/v1/helpdesk/priority-matrix",
            Some(json!({"version": 2, "priorities": six})),
        )
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    app.api(Some(&token), Method::PUT, "/api/v1/helpdesk/priority-matrix", Some(json!({"priorities": [[1]]})))
        .await
        .assert_status(StatusCode::PRECONDITION_REQUIRED);

    // The page: 25 selects, saved in one go, each change in the history.
    let session = app.login("sup_a").await;
    let page = session.get("/settings/helpdesk/priorities").await;
    page.assert_status(StatusCode::OK);
    let names = page.attrs("[data-testid=priority-matrix] select", "name");
    assert_eq!(names.len(), 25);
    let mut fields: Vec<(String, String)> = names.iter().map(|n| (n.clone(), "2".to_owned())).collect();
    fields.push(("version".into(), "2".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    session.post("/settings/helpdesk/priorities", &pairs).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(open_ticket(&app, "Partout moyenne-basse").await["priority"], 2);
    let stale = session.post("/settings/helpdesk/priorities", &pairs).await;
    stale.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.texts("[data-testid=notice]").join(" ").contains("sup_a"));
    let history = app.api(Some(&token), Method::GET, "/api/v1/helpdesk/settings/history", None).await.json();
    assert_eq!(history[0]["changes"]["U3 × I3"], json!({"old": 5, "new": 2}));
    assert_eq!(history[1]["changes"]["U3 × I3"], json!({"old": 3, "new": 5}));
    let tab = session.get("/settings/helpdesk/history").await;
    tab.assert_status(StatusCode::OK);
    assert!(tab.texts("table.history td").iter().any(|t| t.starts_with("sup_a")));
}

#[tokio::test]
async fn a_stale_settings_edit_is_refused() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    let page = session.get("/settings/helpdesk").await;
    page.assert_status(StatusCode::OK);
    assert_eq!(page.attrs("form.form input[name=autoclose_days]", "value"), ["7"]);
    let links = page.attrs("[data-testid=settings-pages] a", "href");
    assert_eq!(links, ["/ticket-categories", "/calendars", "/slas", "/settings/helpdesk/priorities"]);
    // A colleague saves first, through the API.
    let admin = app.token("admin").await;
    app.api(Some(&admin), Method::PATCH, "/api/v1/helpdesk/settings", Some(json!({"autoclose_days": 3})))
        .await
        .assert_status(StatusCode::PRECONDITION_REQUIRED);
    let saved = app
        .api(Some(&admin), Method::PATCH, "/api/v1/helpdesk/settings", Some(json!({"version": 1, "autoclose_days": 3})))
        .await;
    saved.assert_status(StatusCode::OK);
    assert_eq!((saved.json()["autoclose_days"].clone(), saved.json()["version"].clone()), (json!(3), json!(2)));
    let stale = app
        .api(
            Some(&admin),
            Method::PATCH,
            "/api/v1/helpdesk/settings",
            Some(json!({"version": 1, "survey_valid_days": 9})),
        )
        .await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.json()["type"], "urn:parc:problem:stale-edit");
    // Our form, loaded before, is refused naming who, and keeps what we typed.
    let form = [("autoclose_days", "10"), ("survey_valid_days", "45"), ("version", "1")];
    let refused = session.post("/settings/helpdesk", &form).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.texts("[data-testid=notice]").join(" ").contains("admin"));
    assert_eq!(refused.attrs("input[name=survey_valid_days]", "value"), ["45"]);
    let bad = session
        .post("/settings/helpdesk", &[("autoclose_days", "0"), ("survey_valid_days", "45"), ("version", "2")])
        .await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has(".field.has-error #f-autoclose_days[aria-invalid=true]"));
    let good = session
        .post("/settings/helpdesk", &[("autoclose_days", "10"), ("survey_valid_days", "45"), ("version", "2")])
        .await;
    good.assert_status(StatusCode::SEE_OTHER);
    let days: (i32, i32) = sqlx::query_as("select autoclose_days, survey_valid_days from helpdesk_settings")
        .fetch_one(&app.pool)
        .await
        .expect("settings");
    assert_eq!(days, (10, 45));
    let history = app.api(Some(&admin), Method::GET, "/api/v1/helpdesk/settings/history", None).await.json();
    assert_eq!(history[0]["changes"]["survey_valid_days"], json!({"old": 30, "new": 45}));
    // Technicians read the settings, without saving them.
    let tech = app.login("tech_a").await;
    let read = tech.get("/settings/helpdesk").await;
    read.assert_status(StatusCode::OK);
    assert!(read.has("form.form fieldset[disabled]") && !read.has("form.form button[type=submit]"));
    tech.post("/settings/helpdesk", &form).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn employees_cannot_open_the_settings() {
    let app = TestApp::new().await;
    let session = app.login("emp_a").await;
    let category = app.id_of("ticket_categories", "Poste de travail").await;
    let calendar = app.id_of("calendars", "Horaires atelier").await;
    let sla = app.id_of("slas", "Postes").await;
    let mut pages = vec![
        "/settings/helpdesk".to_owned(),
        "/settings/helpdesk/history".into(),
        "/settings/helpdesk/priorities".into(),
    ];
    for (plural, id) in [("ticket-categories", category), ("calendars", calendar), ("slas", sla)] {
        for suffix in ["", "/new", "/export.csv"] {
            pages.push(format!("/{plural}{suffix}"));
        }
        for suffix in ["", "/edit", "/history", "/delete"] {
            pages.push(format!("/{plural}/{id}{suffix}"));
        }
    }
    for page in &pages {
        let response = session.get(page).await;
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&response.status),
            "{page}: {}",
            response.status
        );
    }
    for (path, fields) in [
        ("/settings/helpdesk".to_owned(), vec![("autoclose_days", "1"), ("survey_valid_days", "1"), ("version", "1")]),
        ("/settings/helpdesk/priorities".to_owned(), vec![("p_1_1", "5"), ("version", "1")]),
        (format!("/calendars/{calendar}/closures"), vec![("day", "2030-01-02"), ("version", "1")]),
        (format!("/slas/{sla}/delete"), vec![]),
    ] {
        let response = session.post(&path, &fields).await;
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&response.status),
            "{path}: {}",
            response.status
        );
    }
    let home = session.get("/").await;
    assert!(!home.attrs("nav.mainnav a", "href").iter().any(|h| h.starts_with("/settings")));

    let token = app.token("emp_a").await;
    let calls = [
        (Method::GET, "/api/v1/helpdesk/settings".to_owned(), None),
        (Method::PATCH, "/api/v1/helpdesk/settings".to_owned(), Some(json!({"version": 1, "autoclose_days": 1}))),
        (Method::GET, "/api/v1/helpdesk/settings/history".to_owned(), None),
        (Method::GET, "/api/v1/helpdesk/priority-matrix".to_owned(), None),
        (
            Method::PUT,
            "/api/v1/helpdesk/priority-matrix".to_owned(),
            Some(json!({"version": 1, "priorities": vec![vec![5; 5]; 5]})),
        ),
        (Method::GET, "/api/v1/ticket-categories".to_owned(), None),
        (Method::GET, format!("/api/v1/ticket-categories/{category}"), None),
        (Method::GET, "/api/v1/calendars".to_owned(), None),
        (
            Method::POST,
            format!("/api/v1/calendars/{calendar}/closures"),
            Some(json!({"version": 1, "day": "2030-01-02"})),
        ),
        (Method::GET, "/api/v1/slas".to_owned(), None),
        (Method::DELETE, format!("/api/v1/slas/{sla}"), None),
    ];
    for (method, path, body) in calls {
        let response = app.api(Some(&token), method.clone(), &path, body).await;
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&response.status),
            "{method} {path}: {}",
            response.status
        );
    }
    let untouched: (i32, i16) = sqlx::query_as(
        "select s.autoclose_days, m.priority from helpdesk_settings s, priority_matrix m where m.urgency = 1 and m.impact = 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("settings");
    assert_eq!(untouched, (7, 1));
}
