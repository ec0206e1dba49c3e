//! Tickets: who sees what, the status machine over HTTP, the stale followup,
//! private items, and due dates from the service levels.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// Open a ticket through the API as `login`; its JSON.
async fn open(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.api(Some(token), Method::POST, "/api/v1/tickets", Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.json()
}

fn id(ticket: &Value) -> String {
    ticket["id"].as_str().expect("id").to_owned()
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("select status from tickets where id = $1::uuid")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("ticket")
}

fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Paris.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("a plain Paris time").with_timezone(&Utc)
}

#[tokio::test]
async fn an_employee_opens_a_ticket_from_the_portal_and_follows_it() {
    let app = TestApp::new().await;
    let emp = app.login("emp_a").await;
    let category = app.id_of("ticket_categories", "Poste de travail").await.to_string();
    let response = emp
        .post(
            "/tickets",
            &[
                ("kind", "incident"),
                ("title", "Mon écran reste noir"),
                ("description", "Depuis ce matin"),
                ("category_id", &category),
                ("urgency", "4"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let page = emp.get(response.location()).await;
    page.assert_status(StatusCode::OK);
    assert_eq!(page.texts("[data-testid=ticket-status]"), ["Assigned"], "the category's group took it");
    assert_eq!(page.texts("[data-testid=assigned]"), ["Equipe A"]);
    type Row = (String, String, i16, Uuid, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let row: Row = sqlx::query_as(
        "select t.source, u.login, t.priority, t.entity_id, t.own_due_at, t.resolve_due_at
           from tickets t join users u on u.id = t.requester_id",
    )
    .fetch_one(&app.pool)
    .await
    .expect("ticket");
    assert_eq!((row.0.as_str(), row.1.as_str()), ("portal", "emp_a"));
    assert_eq!(row.2, 4, "urgency 4 × impact 3 (the portal's default) gives priority 4 in the default matrix");
    assert_eq!(row.3, app.id_of("entities", "Site A1").await, "in the requester's entity");
    assert!(row.4.is_some() && row.5.is_some(), "the category's service level dated it");
    assert!(!page.has("[data-testid=task-form]") && !page.has("[data-testid=status-form]"), "no helpdesk actions");
    let mine = emp.get("/tickets").await;
    assert_eq!(mine.texts("td a[href^='/tickets/']").len(), 2, "number and title link to the ticket");
}

#[tokio::test]
async fn a_requester_cannot_set_what_the_helpdesk_sets() {
    let app = TestApp::new().await;
    let emp = app.login("emp_a").await;
    let someone = app.id_of("users", "emp_b").await.to_string();
    let response = emp
        .post(
            "/tickets",
            &[("kind", "request"), ("title", "Un écran"), ("requester_id", &someone), ("status", "closed")],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.has(".flash-error"), "the form comes back refused");
    let token = app.token("emp_a").await;
    for extra in [json!({"requester_id": someone}), json!({"impact": 5}), json!({"entity_id": Uuid::now_v7()})] {
        let mut body = json!({"kind": "request", "title": "Un écran"});
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        let response = app.api(Some(&token), Method::POST, "/api/v1/tickets", Some(body)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
    }
    for unknown in [json!({"kind": "request", "title": "x", "status": "closed"}), json!({"title": "x", "priority": 5})]
    {
        let response = app.api(Some(&token), Method::POST, "/api/v1/tickets", Some(unknown)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
    }
    let count: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&app.pool).await.expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn another_persons_ticket_answers_like_a_missing_one() {
    let app = TestApp::new().await;
    let mine = open(&app, &app.token("emp_a").await, json!({"title": "Imprimante bloquée"})).await;
    let other = app.token("emp_b").await;
    let missing = format!("/api/v1/tickets/{}", Uuid::now_v7());
    let theirs = format!("/api/v1/tickets/{}", id(&mine));
    let a = app.api(Some(&other), Method::GET, &theirs, None).await;
    let b = app.api(Some(&other), Method::GET, &missing, None).await;
    assert_eq!((a.status, b.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(a.without_request_id(), b.without_request_id());
    for path in ["timeline", "sla"] {
        let response = app.api(Some(&other), Method::GET, &format!("{theirs}/{path}"), None).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    let followup =
        app.api(Some(&other), Method::POST, &format!("{theirs}/followups"), Some(json!({"body": "coucou"}))).await;
    assert_eq!(followup.status, StatusCode::NOT_FOUND);
    let list = app.api(Some(&other), Method::GET, "/api/v1/tickets", None).await.json();
    assert_eq!(list["total"], 0);
    let page = app.login("emp_b").await.get(&format!("/tickets/{}", id(&mine))).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // B's helpdesk does not see A's tickets either; A's does.
    let tech_b = app.token("tech_b").await;
    assert_eq!(app.api(Some(&tech_b), Method::GET, &theirs, None).await.status, StatusCode::NOT_FOUND);
    let tech_a = app.token("tech_a").await;
    assert_eq!(app.api(Some(&tech_a), Method::GET, &theirs, None).await.status, StatusCode::OK);
    // The requester may not work their own ticket.
    let emp = app.token("emp_a").await;
    let status = app.api(Some(&emp), Method::POST, &format!("{theirs}/status"), Some(json!({"action": "close"}))).await;
    assert_eq!(status.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn private_followups_and_tasks_never_reach_the_requester() {
    let app = TestApp::new().await;
    let emp_token = app.token("emp_a").await;
    let ticket = open(&app, &emp_token, json!({"title": "Wifi lent", "description": "Salle 3"})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    let tech = app.token("tech_a").await;
    for (body, private) in [("Public: on regarde", false), ("Secret: le routeur de la salle 3 est HS", true)] {
        let response = app
            .api(
                Some(&tech),
                Method::POST,
                &format!("{base}/followups"),
                Some(json!({"body": body, "private": private})),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    }
    let task = json!({"body": "Secret task: changer le routeur", "private": true, "minutes_spent": 20});
    assert_eq!(
        app.api(Some(&tech), Method::POST, &format!("{base}/tasks"), Some(task)).await.status,
        StatusCode::CREATED
    );

    let as_requester = app.api(Some(&emp_token), Method::GET, &format!("{base}/timeline"), None).await;
    assert!(as_requester.body.contains("Public: on regarde"));
    assert!(!as_requester.body.contains("Secret"), "{}", as_requester.body);
    let page = app.login("emp_a").await.get(&format!("/tickets/{}", id(&ticket))).await;
    assert!(page.body.contains("Public: on regarde") && !page.body.contains("Secret"));
    assert_eq!(page.texts("[data-testid=timeline] li[data-kind=followup]").len(), 1, "counted without them");

    let as_helpdesk = app.api(Some(&tech), Method::GET, &format!("{base}/timeline"), None).await;
    assert_eq!(as_helpdesk.body.matches("Secret").count(), 2);
    // A requester cannot write a private followup.
    let sneaky = app
        .api(Some(&emp_token), Method::POST, &format!("{base}/followups"), Some(json!({"body": "x", "private": true})))
        .await;
    assert_eq!(sneaky.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// GLPI #3578: a followup sent from a page loaded before a colleague planned
/// a task left the ticket in its old status. Here the followup carries no
/// status: the ticket stays in progress.
#[tokio::test]
async fn a_followup_from_a_stale_page_keeps_the_planned_status() {
    let app = TestApp::new().await;
    let ticket = open(&app, &app.token("emp_a").await, json!({"title": "Disque plein"})).await;
    let tech = app.login("tech_a").await;
    let path = format!("/tickets/{}", id(&ticket));
    let loaded_before = tech.get(&path).await;
    assert_eq!(loaded_before.texts("[data-testid=ticket-status]"), ["New"]);
    assert_eq!(tech.post(&format!("{path}/take"), &[]).await.status, StatusCode::SEE_OTHER);

    let colleague = app.login("sup_a").await;
    let planned = colleague
        .post(
            &format!("{path}/tasks"),
            &[
                ("body", "Nettoyer le disque"),
                ("planned_start", "2026-11-23T09:00"),
                ("planned_end", "2026-11-23T10:00"),
            ],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &id(&ticket)).await, "in_progress");

    let followup = tech.post(&format!("{path}/followups"), &[("body", "J'arrive dans 5 minutes")]).await;
    assert_eq!(followup.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &id(&ticket)).await, "in_progress", "the stale page did not move it back");
}

#[tokio::test]
async fn the_status_machine_over_http() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let ticket = open(&app, &emp, json!({"title": "Logiciel à installer", "kind": "request"})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    let tech = app.token("tech_a").await;
    let post = |token: String, path: &str, body: Value| {
        let app = &app;
        let path = format!("{base}{path}");
        async move { app.api(Some(&token), Method::POST, &path, Some(body)).await }
    };
    // Resume, close and reopen do not apply to a new ticket.
    for action in ["resume", "close", "reopen"] {
        let response = post(tech.clone(), "/status", json!({"action": action})).await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{action}: {}", response.body);
        assert_eq!(response.json()["type"], "urn:parc:problem:refused");
    }
    let taken = post(tech.clone(), "/assign", json!({"user_ids": [app.id_of("users", "tech_a").await]})).await;
    assert_eq!(taken.json()["status"], "assigned");
    let before: Option<DateTime<Utc>> = taken.json()["resolve_due_at"].as_str().and_then(|s| s.parse().ok());

    let pending = post(tech.clone(), "/status", json!({"action": "pend", "reason": "Licence commandée"})).await;
    assert_eq!(pending.json()["status"], "pending");
    assert!(pending.json()["resolve_due_at"].is_null(), "the clock stands still");
    assert_eq!(post(tech.clone(), "/status", json!({"action": "pend"})).await.status, StatusCode::CONFLICT);
    // The requester's answer puts it back to work.
    let answer = post(emp.clone(), "/followups", json!({"body": "La licence est arrivée"})).await;
    assert_eq!(answer.json()["status"], "assigned");
    let after: Option<DateTime<Utc>> = answer.json()["resolve_due_at"].as_str().and_then(|s| s.parse().ok());
    assert!(after >= before, "pausing never shortens the delay: {before:?} -> {after:?}");

    let solved = post(tech.clone(), "/solve", json!({"body": "Installé"})).await;
    assert_eq!(solved.json()["status"], "solved");
    assert_eq!(post(tech.clone(), "/solve", json!({"body": "encore"})).await.status, StatusCode::CONFLICT);
    let refused = post(emp.clone(), "/solution", json!({"answer": "refuse", "comment": "Il manque le plugin"})).await;
    assert_eq!(refused.json()["status"], "assigned");
    post(tech.clone(), "/solve", json!({"body": "Plugin ajouté"})).await;
    let closed = post(emp.clone(), "/solution", json!({"answer": "accept"})).await;
    assert_eq!(closed.json()["status"], "closed");
    assert!(closed.json()["closed_at"].is_string());

    let late = post(emp.clone(), "/followups", json!({"body": "Merci !"})).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "a closed ticket takes no followup");
    let reopened = post(tech.clone(), "/status", json!({"action": "reopen"})).await;
    assert_eq!(reopened.json()["status"], "assigned");

    let events: Vec<(Option<String>, String)> =
        sqlx::query_as("select old_status, new_status from ticket_events where ticket_id = $1::uuid order by id")
            .bind(id(&ticket))
            .fetch_all(&app.pool)
            .await
            .expect("events");
    let path: Vec<&str> = events.iter().map(|(_, new)| new.as_str()).collect();
    assert_eq!(path, ["new", "assigned", "pending", "assigned", "solved", "assigned", "solved", "closed", "assigned"]);
    let history = app.history("ticket", Uuid::parse_str(&id(&ticket)).expect("uuid")).await;
    assert!(history.len() >= 9, "every change is in the history: {history:?}");
}

#[tokio::test]
async fn only_supervisors_assign_others_and_a_stale_edit_is_refused() {
    let app = TestApp::new().await;
    let ticket = open(&app, &app.token("emp_a").await, json!({"title": "Clavier cassé"})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    let tech = app.token("tech_a").await;
    let sup = app.token("sup_a").await;
    let someone_else = json!({"user_ids": [app.id_of("users", "sup_a").await]});
    let by_tech = app.api(Some(&tech), Method::POST, &format!("{base}/assign"), Some(someone_else.clone())).await;
    assert_eq!(by_tech.status, StatusCode::FORBIDDEN);
    let by_sup = app.api(Some(&sup), Method::POST, &format!("{base}/assign"), Some(someone_else)).await;
    assert_eq!(by_sup.status, StatusCode::OK, "{}", by_sup.body);
    let outsider = json!({"user_ids": [app.id_of("users", "tech_b").await]});
    let response = app.api(Some(&sup), Method::POST, &format!("{base}/assign"), Some(outsider)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "B's technician is outside A's helpdesk");

    let version = by_sup.json()["version"].as_i64().expect("version");
    let first =
        app.api(Some(&sup), Method::PATCH, &base, Some(json!({"version": version, "urgency": 5, "impact": 5}))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json()["priority"], 5);
    let stale = app.api(Some(&tech), Method::PATCH, &base, Some(json!({"version": version, "title": "Autre"}))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.json()["type"], "urn:parc:problem:stale-edit");
}

#[tokio::test]
async fn due_dates_count_office_hours_holidays_and_pauses() {
    let app = TestApp::new().await;
    let token = app.token("tech_a").await;
    let ticket = open(&app, &token, json!({"title": "Messagerie en panne", "urgency": 3, "impact": 3})).await;
    let ticket_id = Uuid::parse_str(&id(&ticket)).expect("uuid");
    // Opened on Thursday 30 April 2026 at 17:00 in Paris; the default level
    // gives priority 3 two hours to own and 16 working hours to resolve.
    let opened = paris(2026, 4, 30, 17, 0);
    sqlx::query("update tickets set created_at = $2 where id = $1")
        .bind(ticket_id)
        .bind(opened)
        .execute(&app.pool)
        .await
        .expect("backdate");
    let mut conn = app.pool.acquire().await.expect("connection");
    parc::helpdesk::sla::refresh(&mut conn, ticket_id).await.expect("refresh");
    let dues = || async {
        sqlx::query_as::<_, (Option<DateTime<Utc>>, Option<DateTime<Utc>>)>(
            "select own_due_at, resolve_due_at from tickets where id = $1",
        )
        .bind(ticket_id)
        .fetch_one(&app.pool)
        .await
        .expect("dues")
    };
    // 1 h on Thursday; Friday 1 May is a holiday, then the weekend: Monday 10:00.
    // 16 h: 1 h Thursday, 9 h Monday 4 May, 6 h Tuesday: Tuesday 15:00.
    assert_eq!(dues().await, (Some(paris(2026, 5, 4, 10, 0)), Some(paris(2026, 5, 5, 15, 0))));

    // Three working hours pending on Monday push the resolution by three hours.
    sqlx::query("insert into ticket_pauses (ticket_id, started_at, ended_at) values ($1, $2, $3)")
        .bind(ticket_id)
        .bind(paris(2026, 5, 4, 9, 0))
        .bind(paris(2026, 5, 4, 12, 0))
        .execute(&app.pool)
        .await
        .expect("pause");
    parc::helpdesk::sla::refresh(&mut conn, ticket_id).await.expect("refresh");
    assert_eq!(dues().await, (Some(paris(2026, 5, 4, 10, 0)), Some(paris(2026, 5, 5, 18, 0))));

    // Another priority is another delay; the pause still counts (it survives the change).
    let version: i64 = sqlx::query_scalar("select version from tickets where id = $1")
        .bind(ticket_id)
        .fetch_one(&app.pool)
        .await
        .expect("v");
    let patch = json!({"version": version, "urgency": 5, "impact": 5});
    let response = app.api(Some(&token), Method::PATCH, &format!("/api/v1/tickets/{ticket_id}"), Some(patch)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    // Priority 5: 30 min to own, 4 h to resolve: 1 h Thursday, then Monday
    // 12:00 (after the pause) + 3 h = 15:00.
    assert_eq!(dues().await, (Some(paris(2026, 4, 30, 17, 30)), Some(paris(2026, 5, 4, 15, 0))));

    let explanation =
        app.api(Some(&token), Method::GET, &format!("/api/v1/tickets/{ticket_id}/sla"), None).await.json();
    assert_eq!(explanation["sla_name"], "Standard");
    assert_eq!(explanation["resolve_minutes"], 240);
    assert_eq!(explanation["pauses"].as_array().map(Vec::len), Some(1));
    let page = app.login("tech_a").await.get(&format!("/tickets/{ticket_id}/sla")).await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains("Standard") && page.body.contains("Heures de bureau"));
}

#[tokio::test]
async fn the_category_picks_the_service_level_and_the_queues_sort_tickets() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let fast = open(&app, &emp, json!({"title": "PC lent", "category_id": workstation})).await;
    let plain = open(&app, &emp, json!({"title": "Question"})).await;
    let sla_of = |t: &Value| t["sla_name"].as_str().map(str::to_owned);
    assert_eq!((sla_of(&fast), sla_of(&plain)), (Some("Postes".into()), Some("Standard".into())));

    let tech = app.token("tech_a").await;
    let queue = |name: &str| {
        let app = &app;
        let tech = tech.clone();
        let path = format!("/api/v1/tickets?queue={name}");
        async move {
            let list = app.api(Some(&tech), Method::GET, &path, None).await.json();
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|t| t["title"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(queue("groups").await, ["PC lent"], "the category's group is tech_a's team");
    assert_eq!(queue("unassigned").await, ["Question"]);
    assert!(queue("mine").await.is_empty());
    app.api(
        Some(&tech),
        Method::POST,
        &format!("/api/v1/tickets/{}/assign", id(&plain)),
        Some(json!({"user_ids": [app.id_of("users", "tech_a").await]})),
    )
    .await;
    assert_eq!(queue("mine").await, ["Question"]);
    assert!(queue("unassigned").await.is_empty());
    let team_a = app.id_of("groups", "Equipe A").await;
    let supervisor = app.token("sup_a").await;
    let assigned = app
        .api(
            Some(&supervisor),
            Method::POST,
            &format!("/api/v1/tickets/{}/assign", id(&plain)),
            Some(json!({"group_ids": [team_a]})),
        )
        .await;
    assert!(assigned.status.is_success(), "{}", assigned.body);
    assert_eq!(queue("groups").await, ["Question", "PC lent"], "a team assigned later counts too");
    sqlx::query("delete from ticket_groups where ticket_id = $1::uuid")
        .bind(id(&plain))
        .execute(&app.pool)
        .await
        .expect("take the team off");
    assert_eq!(queue("groups").await, ["PC lent"], "a team taken off leaves the queue");
    sqlx::query("update tickets set resolve_due_at = now() - interval '1 minute' where id = $1::uuid")
        .bind(id(&fast))
        .execute(&app.pool)
        .await
        .expect("make it late");
    assert_eq!(queue("late").await, ["PC lent"]);
    let by_number = app.api(Some(&tech), Method::GET, "/api/v1/tickets", None).await.json();
    let numbers: Vec<i64> =
        by_number["items"].as_array().expect("items").iter().filter_map(|t| t["number"].as_i64()).collect();
    assert!(numbers.windows(2).all(|w| w[0] > w[1]), "newest first by default: {numbers:?}");
    let search =
        app.api(Some(&tech), Method::GET, &format!("/api/v1/tickets?q=%23{}", fast["number"]), None).await.json();
    assert_eq!(search["total"], 1);
    let csv = app.login("tech_a").await.get("/tickets/export.csv?queue=all").await;
    let csv = csv.body.trim_start_matches('\u{feff}');
    assert!(csv.starts_with("number,title") && csv.contains("PC lent"), "{csv}");
}

#[tokio::test]
async fn a_tickets_page_and_the_queues_offer_what_the_person_may_choose() {
    let app = TestApp::new().await;
    let tech = app.token("tech_a").await;
    let body = json!({
        "title": "Écran noir",
        "category_id": app.id_of("ticket_categories", "Poste de travail").await,
        "asset_ids": [app.id_of("assets", "PT-FIX-0001").await],
        "watcher_ids": [app.id_of("users", "emp_a").await],
    });
    let ticket = open(&app, &tech, body).await;
    let page = format!("/tickets/{}", id(&ticket));
    let options = |page: &crate::helpers::TestResponse, name: &str| page.texts(&format!("select[name={name}] option"));

    // A supervisor sees who and what the ticket is about, and whom to assign within A.
    let by_sup = app.login("sup_a").await.get(&page).await;
    by_sup.assert_status(StatusCode::OK);
    assert_eq!(by_sup.texts("[data-testid=assigned]"), ["Equipe A"]);
    assert!(by_sup.texts("[data-testid=watchers]").concat().contains("Person emp_a"));
    assert!(by_sup.texts("a[href^='/assets/']").iter().any(|a| a == "PT-FIX-0001"));
    let technicians = options(&by_sup, "user_id");
    assert!(technicians.iter().any(|t| t == "Person tech_a") && technicians.iter().any(|t| t == "Person sup_a"));
    assert!(!technicians.iter().any(|t| t == "Person tech_b"), "{technicians:?}");
    assert_eq!(options(&by_sup, "group_id")[1..], ["Equipe A"]);

    // A technician takes the ticket but assigns nobody else; the watcher sees no asset of the park.
    let by_tech = app.login("tech_a").await.get(&page).await;
    assert!(by_tech.has("[data-testid=take]") && options(&by_tech, "user_id").is_empty());
    let by_watcher = app.login("emp_a").await.get(&page).await;
    by_watcher.assert_status(StatusCode::OK);
    assert!(by_watcher.texts("a[href^='/assets/']").is_empty());

    // The queues filter by the categories, and by the entities and groups of the helpdesk.
    let queue = app.login("tech_a").await.get("/tickets?queue=groups").await;
    assert_eq!(options(&queue, "category_id")[1..], ["Messagerie", "Poste de travail"]);
    assert_eq!(options(&queue, "entity_id")[1..], ["Groupe › Filiale A", "Groupe › Filiale A › Site A1"]);
    assert_eq!(options(&queue, "group_id")[1..], ["Equipe A"]);
    assert_eq!(queue.texts("table.list tbody tr td:nth-child(3)"), ["Écran noir"]);
}

#[tokio::test]
async fn descriptions_and_followups_are_sanitised_markdown() {
    let app = TestApp::new().await;
    let token = app.token("emp_a").await;
    let ticket = open(
        &app,
        &token,
        json!({"title": "<script>alert(1)</script>", "description": "**gras** <img src=x onerror=alert(1)> [x](javascript:alert(1))"}),
    )
    .await;
    let page = app.login("emp_a").await.get(&format!("/tickets/{}", id(&ticket))).await;
    assert!(page.body.contains("<strong>gras</strong>"));
    let escaped = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;alert(1)&#60;/script&#62;"];
    assert!(escaped.iter().any(|e| page.body.contains(e)), "the title is shown escaped");
    for banned in ["<script>alert", "onerror", "javascript:"] {
        assert!(!page.body.contains(banned), "{banned} reached the page");
    }
}

async fn messages_of(app: &TestApp, login: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select n.message from notifications n join users u on u.id = n.user_id where u.login = $1 order by n.created_at, n.message",
    )
    .bind(login)
    .fetch_all(&app.pool)
    .await
    .expect("notifications")
}

#[tokio::test]
async fn people_hear_about_their_tickets_but_never_of_private_followups() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let ticket = open(&app, &emp, json!({"title": "Souris HS", "category_id": workstation})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    assert_eq!(messages_of(&app, "tech_a").await, ["notify-ticket-created"], "the category's team hears of it");
    assert!(messages_of(&app, "emp_a").await.is_empty(), "nobody is told of their own act");

    let tech = app.token("tech_a").await;
    let private = json!({"body": "Stock de souris vide", "private": true});
    app.api(Some(&tech), Method::POST, &format!("{base}/followups"), Some(private))
        .await
        .assert_status(StatusCode::CREATED);
    assert!(messages_of(&app, "emp_a").await.is_empty(), "a private followup never reaches the requester");
    let public = json!({"body": "Une souris arrive demain"});
    app.api(Some(&tech), Method::POST, &format!("{base}/followups"), Some(public))
        .await
        .assert_status(StatusCode::CREATED);
    assert_eq!(messages_of(&app, "emp_a").await, ["notify-ticket-followup"]);
    app.api(Some(&tech), Method::POST, &format!("{base}/solve"), Some(json!({"body": "Souris remplacée"}))).await;
    assert_eq!(messages_of(&app, "emp_a").await, ["notify-ticket-followup", "notify-ticket-solved"]);

    let page = app.login("emp_a").await.get("/notifications").await;
    let texts = page.texts("[data-testid=notifications] a");
    assert!(
        texts.iter().any(|t| t.contains(&format!("#{}", ticket["number"])) && t.contains("Souris HS")),
        "{texts:?}"
    );
}

#[tokio::test]
async fn the_requester_rates_a_closed_ticket_once_before_the_survey_expires() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let ticket = open(&app, &emp, json!({"title": "VPN coupé"})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    let tech = app.token("tech_a").await;
    let me = app.id_of("users", "tech_a").await;
    app.api(Some(&tech), Method::POST, &format!("{base}/assign"), Some(json!({"user_ids": [me]}))).await;
    let early = app.api(Some(&emp), Method::POST, &format!("{base}/satisfaction"), Some(json!({"rating": 5}))).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "no survey before closing");
    app.api(Some(&tech), Method::POST, &format!("{base}/solve"), Some(json!({"body": "Certificat renouvelé"}))).await;
    app.api(Some(&emp), Method::POST, &format!("{base}/solution"), Some(json!({"answer": "accept"}))).await;
    let page = app.login("emp_a").await.get(&format!("/tickets/{}", id(&ticket))).await;
    assert!(page.has("[data-testid=survey] form"), "the requester who accepted is asked at once");

    let by_tech = app.api(Some(&tech), Method::POST, &format!("{base}/satisfaction"), Some(json!({"rating": 1}))).await;
    assert_eq!(by_tech.status, StatusCode::CONFLICT, "only the requester rates");
    let bad = app.api(Some(&emp), Method::POST, &format!("{base}/satisfaction"), Some(json!({"rating": 9}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rated = app
        .api(Some(&emp), Method::POST, &format!("{base}/satisfaction"), Some(json!({"rating": 4, "comment": "Rapide"})))
        .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    assert_eq!(rated.json()["rating"], 4);
    let again = app.api(Some(&emp), Method::POST, &format!("{base}/satisfaction"), Some(json!({"rating": 1}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "once");

    let sup = app.token("sup_a").await;
    let results = app.api(Some(&sup), Method::GET, "/api/v1/helpdesk/satisfaction", None).await.json();
    let technician =
        results.as_array().expect("rows").iter().find(|r| r["by"] == "technician").expect("per technician");
    assert_eq!((technician["name"].as_str(), technician["answers"].as_i64()), (Some("Person tech_a"), Some(1)));
    assert_eq!(technician["average"], 4.0);
    let refused = app.api(Some(&tech), Method::GET, "/api/v1/helpdesk/satisfaction", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "results are for supervisors");
    let page = app.login("sup_a").await.get("/tickets/satisfaction").await;
    assert!(page.texts("[data-testid=satisfaction] td").contains(&"Person tech_a".to_owned()));

    // A survey past its delay takes no answer.
    let second = open(&app, &emp, json!({"title": "Écran"})).await;
    let second_base = format!("/api/v1/tickets/{}", id(&second));
    app.api(Some(&tech), Method::POST, &format!("{second_base}/solve"), Some(json!({"body": "OK"}))).await;
    app.api(Some(&emp), Method::POST, &format!("{second_base}/solution"), Some(json!({"answer": "accept"}))).await;
    sqlx::query("update satisfaction_surveys set expires_at = now() - interval '1 second' where ticket_id = $1::uuid")
        .bind(id(&second))
        .execute(&app.pool)
        .await
        .expect("expire");
    let late =
        app.api(Some(&emp), Method::POST, &format!("{second_base}/satisfaction"), Some(json!({"rating": 5}))).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_notice_waits_for_its_change_to_commit_and_is_told_once() {
    use parc::helpdesk::notices::{self, Notice};
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let ticket = open(&app, &emp, json!({"title": "Écran noir", "category_id": workstation})).await;
    let ticket_id: uuid::Uuid = id(&ticket).parse().expect("uuid");
    let followup = Notice::Followup { private: false };
    let waiting = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from ticket_notices").fetch_one(&app.pool).await.expect("count")
    };

    let mut rolled_back = app.pool.begin().await.expect("begin");
    notices::raise(&mut rolled_back, ticket_id, followup, None).await.expect("raise");
    rolled_back.rollback().await.expect("rollback");
    assert_eq!(waiting().await, 0, "a change that failed tells nobody");

    let mut committed = app.pool.begin().await.expect("begin");
    notices::raise(&mut committed, ticket_id, followup, None).await.expect("raise");
    committed.commit().await.expect("commit");
    assert_eq!(waiting().await, 1);
    assert_eq!(messages_of(&app, "emp_a").await, Vec::<String>::new(), "told at delivery, not before");

    // Two servers delivering at once: each notice goes to one of them.
    let (first, second) = tokio::join!(notices::deliver(&app.pool), notices::deliver(&app.pool));
    let (first, second) = (first.expect("deliver"), second.expect("deliver"));
    assert_eq!(first.0 + second.0, 1, "one notice, delivered once");
    assert_eq!(waiting().await, 0);
    assert_eq!(messages_of(&app, "emp_a").await, ["notify-ticket-followup"]);
    assert_eq!(messages_of(&app, "tech_a").await, ["notify-ticket-created", "notify-ticket-followup"]);
    let mails: i64 = sqlx::query_scalar(
        "select count(*) from mail_outbox m join users u on u.id = m.user_id
          where u.login = 'tech_a' and m.event = 'ticket-followup'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("mail");
    assert_eq!(mails, 1, "and mailed once");
}

#[tokio::test]
async fn solved_tickets_close_by_themselves_and_supervisors_hear_of_late_ones() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let tech = app.token("tech_a").await;
    let solved = open(&app, &emp, json!({"title": "Solved long ago"})).await;
    app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{}/solve", id(&solved)), Some(json!({"body": "OK"})))
        .await;
    let recent = open(&app, &emp, json!({"title": "Solved today"})).await;
    app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{}/solve", id(&recent)), Some(json!({"body": "OK"})))
        .await;
    sqlx::query("update tickets set solved_at = now() - interval '8 days' where id = $1::uuid")
        .bind(id(&solved))
        .execute(&app.pool)
        .await
        .expect("age it");
    let outcome = parc::helpdesk::db::autoclose(&app.pool).await.expect("autoclose");
    assert_eq!(outcome["closed"], 1);
    parc::helpdesk::notices::deliver_all(&app.pool).await.expect("deliver");
    assert_eq!(
        (status_of(&app, &id(&solved)).await, status_of(&app, &id(&recent)).await),
        ("closed".into(), "solved".into())
    );
    let survey: i64 =
        sqlx::query_scalar("select count(*) from satisfaction_surveys").fetch_one(&app.pool).await.expect("n");
    assert_eq!(survey, 1, "closing asks the requester's opinion");
    assert!(messages_of(&app, "emp_a").await.contains(&"notify-ticket-closed".to_owned()), "and tells them");

    // An unowned ticket whose escalation instants have passed: the supervisors hear once per share.
    let late = open(&app, &emp, json!({"title": "Nobody took me"})).await;
    let shares: i64 = sqlx::query_scalar("select count(*) from ticket_escalations where ticket_id = $1::uuid")
        .bind(id(&late))
        .fetch_one(&app.pool)
        .await
        .expect("scheduled");
    assert_eq!(shares, 4, "75% and 100% of both delays");
    sqlx::query("update ticket_escalations set due_at = now() - interval '1 minute' where ticket_id = $1::uuid and target = 'own'")
        .bind(id(&late))
        .execute(&app.pool)
        .await
        .expect("make it late");
    let sent = parc::helpdesk::sla::escalate_due(&app.pool).await.expect("escalate");
    assert_eq!(sent["escalations"], 2);
    parc::helpdesk::notices::deliver_all(&app.pool).await.expect("deliver");
    assert_eq!(
        messages_of(&app, "sup_a").await,
        ["notify-ticket-escalation-own", "notify-ticket-escalation-own"],
        "A's supervisor, for 75% and 100%"
    );
    assert!(messages_of(&app, "emp_a").await.iter().all(|m| !m.contains("escalation")));
    let again = parc::helpdesk::sla::escalate_due(&app.pool).await.expect("escalate again");
    assert_eq!(again["escalations"], 0, "once");
}

#[tokio::test]
async fn the_portal_asks_about_my_own_machine_and_a_scanned_label_leads_there() {
    let app = TestApp::new().await;
    let laptop = app.id_of("assets", "PT-FIX-0001").await;
    let employee = app.id_of("users", "emp_a").await;
    let pm = app.token("pm_a").await;
    app.api(Some(&pm), Method::POST, &format!("/api/v1/assets/{laptop}/checkout"), Some(json!({"user_id": employee})))
        .await
        .assert_status(StatusCode::OK);
    let emp = app.login("emp_a").await;
    let home = emp.get("/portal").await;
    assert!(home.has("[data-testid=portal-problem]") && home.has("[data-testid=portal-request]"));

    // Scanning the QR label of their laptop: a request about it.
    let scanned = emp.get(&format!("/assets/{laptop}")).await;
    assert_eq!(scanned.status, StatusCode::SEE_OTHER);
    assert_eq!(scanned.location(), format!("/portal/new?asset_id={laptop}"));
    let form = emp.get(scanned.location()).await;
    assert_eq!(form.texts("#f-asset_id option[selected]"), ["PT-FIX-0001 · Latitude 5440 Fixture laptop A"]);
    let other = app.id_of("assets", "PT-FIX-0002").await;
    assert_eq!(emp.get(&format!("/assets/{other}")).await.status, StatusCode::FORBIDDEN, "not theirs: no way in");

    let refused = emp
        .post("/portal/new", &[("kind", "incident"), ("title", "Pas à moi"), ("asset_id", &other.to_string())])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("#f-asset_id[aria-invalid=true]"), "the machine is marked");
    let sent = emp
        .post(
            "/portal/new",
            &[("kind", "incident"), ("title", "Écran qui clignote"), ("asset_id", &laptop.to_string())],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let ticket = emp.get(sent.location()).await;
    assert!(ticket.body.contains("PT-FIX-0001"), "the ticket names the machine");
    let mine = emp.get("/portal").await;
    assert_eq!(mine.texts("[data-testid=my-requests] tbody tr").len(), 1);
    assert!(mine.texts("[data-testid=my-requests] td").iter().any(|t| t == "Écran qui clignote"));
}

#[tokio::test]
async fn the_supervisors_dashboard_counts_the_helpdesk_and_links_to_the_tickets() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let tech = app.token("tech_a").await;
    let me = app.id_of("users", "tech_a").await;
    let mut ids = Vec::new();
    for title in ["Un", "Deux", "Trois"] {
        ids.push(id(&open(&app, &emp, json!({"title": title, "urgency": 5})).await));
    }
    app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{}/assign", ids[0]), Some(json!({"user_ids": [me]})))
        .await;
    app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{}/solve", ids[1]), Some(json!({"body": "Fait"})))
        .await;
    let emp_b = app.token("emp_b").await;
    open(&app, &emp_b, json!({"title": "Ailleurs"})).await;

    let sup = app.token("sup_a").await;
    let board = app.api(Some(&sup), Method::GET, "/api/v1/helpdesk/dashboard", None).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    let board = board.json();
    let count = |list: &str, key: &str| {
        board[list].as_array().expect("list").iter().find(|c| c["key"] == key).and_then(|c| c["count"].as_i64())
    };
    assert_eq!(count("backlog_by_status", "new"), Some(1), "B's ticket is not A's supervisor's");
    assert_eq!(count("backlog_by_status", "assigned"), Some(1));
    assert_eq!(count("backlog_by_status", "solved"), Some(1));
    let today = board["per_day"].as_array().and_then(|days| days.last()).expect("today");
    assert_eq!((today["created"].as_i64(), today["solved"].as_i64()), (Some(3), Some(1)));
    assert_eq!(board["this_week"]["resolve_total"], 1);
    assert_eq!(board["this_week"]["resolve_on_time"], 1);
    let load = &board["load"][0];
    assert_eq!((load["name"].as_str(), load["open_tickets"].as_i64()), (Some("Person tech_a"), Some(1)));
    let open_by_priority: i64 =
        board["backlog_by_priority"].as_array().expect("priorities").iter().filter_map(|c| c["count"].as_i64()).sum();
    assert_eq!(open_by_priority, 2, "the solved ticket is not in the open backlog");
    // An assignment removed (as when the person is deleted) leaves the load.
    sqlx::query("delete from ticket_people where user_id = $1 and role = 'assignee'")
        .bind(me)
        .execute(&app.pool)
        .await
        .expect("unassign");
    let after = app.api(Some(&sup), Method::GET, "/api/v1/helpdesk/dashboard", None).await.json();
    assert_eq!(after["load"], json!([]), "nobody holds an open ticket any more");
    app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{}/assign", ids[0]), Some(json!({"user_ids": [me]})))
        .await;

    let page = app.login("sup_a").await.get("/tickets/dashboard").await;
    page.assert_status(StatusCode::OK);
    let link = page.texts("[data-testid=backlog-status] a[data-status=assigned]");
    assert_eq!(link, ["1"]);
    // The number leads to the tickets behind it.
    let behind = app.api(Some(&sup), Method::GET, "/api/v1/tickets?status=assigned", None).await.json();
    assert_eq!(behind["total"], 1);
    let by_tech =
        app.api(Some(&sup), Method::GET, &format!("/api/v1/tickets?status=open&assignee_id={me}"), None).await.json();
    assert_eq!(by_tech["total"], 1);
    let refused = app.api(Some(&tech), Method::GET, "/api/v1/helpdesk/dashboard", None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "the dashboard is the supervisors'");
}

#[tokio::test]
async fn planned_tasks_fill_the_week_the_team_view_and_a_revocable_ical_feed() {
    let app = TestApp::new().await;
    let ticket = open(&app, &app.token("emp_a").await, json!({"title": "Migration, poste; de Léa"})).await;
    let tech = app.token("tech_a").await;
    let me = app.id_of("users", "tech_a").await;
    // Monday 23 November 2026, 09:00 to 10:30 in Paris.
    let task = json!({"body": "Copier les données", "technician_id": me,
        "planned_start": paris(2026, 11, 23, 9, 0), "planned_end": paris(2026, 11, 23, 10, 30)});
    let planned =
        app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{}/tasks", id(&ticket)), Some(task)).await;
    assert_eq!(planned.status, StatusCode::CREATED, "{}", planned.body);

    let session = app.login("tech_a").await;
    let week = session.get("/planning?date=2026-11-25").await;
    week.assert_status(StatusCode::OK);
    let monday = week.texts("[data-date='2026-11-23'] li").join(" ");
    assert!(monday.contains("09:00–10:30") && monday.contains("Copier les données"), "{monday}");
    assert!(week.texts("[data-date='2026-11-24'] li").is_empty());

    let team = app.login("sup_a").await.get("/planning/team?date=2026-11-23").await;
    let row =
        team.texts("[data-testid=team] tbody tr").into_iter().find(|r| r.contains("Person tech_a")).expect("tech_a");
    assert!(row.contains("1 h 30"), "{row}");

    let created = session.post("/planning/feed", &[]).await;
    let url = created.texts("[data-testid=feed-url]").pop().expect("the address, shown once");
    let path = url.split_once("/planning/").map(|(_, rest)| format!("/planning/{rest}")).expect("a path");
    let feed = app.get(&path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.header("content-type").starts_with("text/calendar"));
    assert!(
        feed.body.contains("DTSTART:20261123T080000Z") && feed.body.contains("DTEND:20261123T093000Z"),
        "{}",
        feed.body
    );
    assert!(
        feed.body.contains(&format!("SUMMARY:#{} Migration\\, poste\\; de Léa", ticket["number"])),
        "{}",
        feed.body
    );
    assert!(!session.get("/planning").await.has("[data-testid=feed-url]"), "the address is shown only once");

    session.post("/planning/feed", &[]).await;
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "a new address retires the old one");
    session.post("/planning/feed/revoke", &[]).await;
    assert_eq!(app.get("/planning/feed/0000.ics").await.status, StatusCode::NOT_FOUND);
    let none: i64 = sqlx::query_scalar("select count(*) from calendar_feeds").fetch_one(&app.pool).await.expect("n");
    assert_eq!(none, 0, "revoked");
    let employee = app.login("emp_a").await;
    assert_eq!(employee.post("/planning/feed", &[]).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_retried_ticket_creation_with_one_idempotency_key_makes_one_ticket() {
    let app = TestApp::new().await;
    let token = app.token("emp_a").await;
    let body = json!({"title": "Réseau coupé"}).to_string();
    let send = || {
        let request = axum::http::Request::post("/api/v1/tickets")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "ticket-retry-1")
            .body(axum::body::Body::from(body.clone()))
            .expect("request");
        app.send(request)
    };
    let first = send().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = send().await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(first.json()["id"], again.json()["id"], "the same ticket");
    let count: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&app.pool).await.expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_watcher_follows_the_public_side_of_a_ticket() {
    let app = TestApp::new().await;
    let tech = app.token("tech_a").await;
    let watcher = app.id_of("users", "emp_a").await;
    let by_employee = app
        .api(
            Some(&app.token("emp_a").await),
            Method::POST,
            "/api/v1/tickets",
            Some(json!({"title": "x", "watcher_ids": [watcher]})),
        )
        .await;
    assert_eq!(by_employee.status, StatusCode::UNPROCESSABLE_ENTITY, "requesters do not add watchers");
    let outsider = app.id_of("users", "emp_b").await;
    let refused = app
        .api(Some(&tech), Method::POST, "/api/v1/tickets", Some(json!({"title": "x", "watcher_ids": [outsider]})))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a person outside the helpdesk's entities");
    let ticket =
        open(&app, &tech, json!({"title": "Salle de réunion sans projecteur", "watcher_ids": [watcher]})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    let emp = app.token("emp_a").await;
    assert_eq!(app.api(Some(&emp), Method::GET, &base, None).await.status, StatusCode::OK, "the watcher sees it");
    let sup = app.token("sup_a").await;
    for (body, private) in [("Projecteur commandé", false), ("Budget serré", true)] {
        app.api(
            Some(&sup),
            Method::POST,
            &format!("{base}/followups"),
            Some(json!({"body": body, "private": private})),
        )
        .await;
    }
    assert_eq!(messages_of(&app, "emp_a").await, ["notify-ticket-followup"], "the public followup only");
    let timeline = app.api(Some(&emp), Method::GET, &format!("{base}/timeline"), None).await;
    assert!(timeline.body.contains("Projecteur commandé") && !timeline.body.contains("Budget"));
}

#[tokio::test]
async fn watchers_are_added_and_removed_after_creation() {
    let app = TestApp::new().await;
    let tech = app.token("tech_a").await;
    let ticket = open(&app, &tech, json!({"title": "Imprimante du 2e en panne"})).await;
    let base = format!("/api/v1/tickets/{}", id(&ticket));
    let (emp, sup) = (app.id_of("users", "emp_a").await, app.id_of("users", "sup_a").await);
    let set =
        app.api(Some(&tech), Method::PUT, &format!("{base}/watchers"), Some(json!({"user_ids": [emp, sup]}))).await;
    set.assert_status(StatusCode::OK);
    let names: Vec<String> =
        set.json().as_array().expect("list").iter().filter_map(|w| w["name"].as_str().map(str::to_owned)).collect();
    assert_eq!(names, ["Person emp_a", "Person sup_a"]);
    // The employee now follows it: sees it and hears of public followups.
    let emp_token = app.token("emp_a").await;
    app.api(Some(&emp_token), Method::GET, &base, None).await.assert_status(StatusCode::OK);
    app.api(Some(&tech), Method::POST, &format!("{base}/followups"), Some(json!({"body": "Toner commandé"}))).await;
    assert_eq!(messages_of(&app, "emp_a").await, ["notify-ticket-followup"]);
    // Someone outside the helpdesk's people is refused; requesters do not set watchers.
    let outsider = app.id_of("users", "emp_b").await;
    let refused =
        app.api(Some(&tech), Method::PUT, &format!("{base}/watchers"), Some(json!({"user_ids": [outsider]}))).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let by_watcher =
        app.api(Some(&emp_token), Method::PUT, &format!("{base}/watchers"), Some(json!({"user_ids": []}))).await;
    assert_ne!(by_watcher.status, StatusCode::OK);

    // From the page: remove one, add one by login, an unknown login is told.
    let session = app.login("tech_a").await;
    let ticket_id = id(&ticket);
    session.post(&format!("/tickets/{ticket_id}/watchers/{sup}/remove"), &[]).await;
    session.post(&format!("/tickets/{ticket_id}/watchers"), &[("login", "TECH_A")]).await;
    let unknown = session.post(&format!("/tickets/{ticket_id}/watchers"), &[("login", "emp_b")]).await;
    assert_eq!(unknown.status, StatusCode::SEE_OTHER);
    let page = session.get(&format!("/tickets/{ticket_id}")).await;
    let shown = page.texts("[data-testid=watchers]").join(" ");
    assert!(
        shown.contains("Person emp_a") && shown.contains("Person tech_a") && !shown.contains("Person sup_a"),
        "{shown}"
    );
    let listed = app.api(Some(&emp_token), Method::GET, &format!("{base}/watchers"), None).await;
    assert_eq!(listed.json().as_array().map(Vec::len), Some(2));
    let history: Vec<String> = sqlx::query_scalar(
        "select changes::text from audit_log where object_id = $1::uuid and changes ? 'watchers' order by id",
    )
    .bind(&ticket_id)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(history.len(), 3, "{history:?}");
}

async fn attach(app: &TestApp, token: &str, ticket: &str, name: &str, data: Vec<u8>) -> crate::helpers::TestResponse {
    let request = axum::http::Request::post(format!("/api/v1/tickets/{ticket}/attachments?file_name={name}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/octet-stream")
        .body(axum::body::Body::from(data))
        .expect("request");
    app.send(request).await
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_served_as_downloads() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let ticket = id(&open(&app, &emp, json!({"title": "Capture d'écran de l'erreur"})).await);
    let png = b"\x89PNG\r\n\x1a\n fake image body".to_vec();
    let stored = attach(&app, &emp, &ticket, "..%2F..%2Fcapture%20%C3%A9cran.png", png.clone()).await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.body);
    assert_eq!(stored.json()["file_name"], "capture écran.png", "a name, never a path");
    let file_id = stored.json()["id"].as_str().expect("id").to_owned();

    let download = app
        .api(
            Some(&app.token("tech_a").await),
            Method::GET,
            &format!("/api/v1/tickets/{ticket}/attachments/{file_id}"),
            None,
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), "image/png");
    assert!(
        download.header("content-disposition").starts_with("attachment;"),
        "{}",
        download.header("content-disposition")
    );
    assert_eq!(download.header("x-content-type-options"), "nosniff");
    assert!(download.body.ends_with("PNG\r\n\u{1a}\n fake image body"), "the stored bytes come back");

    // A page dressed as an image is refused: the content decides, not the name.
    let html = attach(&app, &emp, &ticket, "photo.png", b"<html><script>alert(1)</script></html>".to_vec()).await;
    assert_eq!(html.status, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = attach(&app, &emp, &ticket, "big.txt", vec![b'a'; 10 * 1024 * 1024 + 1]).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Another person's ticket: its files do not exist for them.
    let other = app.token("emp_b").await;
    let listed = app.api(Some(&other), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments"), None).await;
    let fetched =
        app.api(Some(&other), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments/{file_id}"), None).await;
    assert_eq!((listed.status, fetched.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(attach(&app, &other, &ticket, "x.txt", b"x".to_vec()).await.status, StatusCode::NOT_FOUND);
    // At most 20 files on a ticket.
    for n in 1..20 {
        let note = format!("note {n}").into_bytes();
        assert_eq!(attach(&app, &emp, &ticket, "note.txt", note).await.status, StatusCode::CREATED);
    }
    let one_too_many = attach(&app, &emp, &ticket, "note.txt", b"21".to_vec()).await;
    assert_eq!(one_too_many.status, StatusCode::CONFLICT);
    let session = app.login("emp_a").await;
    let page = session.get(&format!("/tickets/{ticket}")).await;
    assert_eq!(page.texts("[data-testid=attachments] li").len(), 20);

    // The page's form: multipart, with the CSRF token in its address.
    let second = id(&open(&app, &emp, json!({"title": "Journal"})).await);
    let body =
        "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"journal.txt\"\r\n\r\nligne 1\r\n--X--\r\n";
    let multipart = [("content-type", "multipart/form-data; boundary=X")];
    let forged = session.post_raw(&format!("/tickets/{second}/attachments"), body, &multipart).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no CSRF token, no upload");
    let sent =
        session.post_raw(&format!("/tickets/{second}/attachments?_csrf={}", session.csrf), body, &multipart).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let shown = session.get(&format!("/tickets/{second}")).await;
    assert_eq!(shown.texts("[data-testid=attachments] li a"), ["journal.txt"]);
}

/// A file in a multipart body, with the "private" box ticked or not,
/// sent from the ticket page's form.
async fn attach_from_page(session: &crate::helpers::Session<'_>, ticket: &str, name: &str, private: bool) -> String {
    let private = if private { "--X\r\nContent-Disposition: form-data; name=\"private\"\r\n\r\non\r\n" } else { "" };
    let body = format!(
        "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\ncontenu de {name}\r\n{private}--X--\r\n"
    );
    let sent = session
        .post_raw(
            &format!("/tickets/{ticket}/attachments?_csrf={}", session.csrf),
            &body,
            &[("content-type", "multipart/form-data; boundary=X")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location().to_owned()
}

#[tokio::test]
async fn private_files_exist_only_for_those_who_see_private_followups() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let tech = app.token("tech_a").await;
    let ticket_json = open(&app, &emp, json!({"title": "Écran qui clignote"})).await;
    let ticket = id(&ticket_json);
    // A technician of another entity watches it: they do not see private followups here.
    let watcher = app.id_of("users", "tech_b").await;
    let admin = app.token("admin").await;
    app.api(
        Some(&admin),
        Method::PUT,
        &format!("/api/v1/tickets/{ticket}/watchers"),
        Some(json!({"user_ids": [watcher]})),
    )
    .await
    .assert_status(StatusCode::OK);

    // The technician attaches one public and one private file through the API, one private from the page.
    let public = attach(&app, &tech, &ticket, "photo-ecran.txt", b"vue de l'ecran".to_vec()).await;
    assert_eq!(public.status, StatusCode::CREATED, "{}", public.body);
    assert_eq!(public.json()["private"], false);
    let secret = attach(&app, &tech, &ticket, "mot-de-passe-bios.txt&private=true", b"bios: 1234".to_vec()).await;
    assert_eq!(secret.status, StatusCode::CREATED, "{}", secret.body);
    assert_eq!(secret.json()["private"], true);
    let secret_id = secret.json()["id"].as_str().expect("id").to_owned();
    let technician = app.login("tech_a").await;
    attach_from_page(&technician, &ticket, "journal-interne.txt", true).await;

    // The technician sees the three, the private ones marked.
    let page = technician.get(&format!("/tickets/{ticket}")).await;
    assert_eq!(
        page.texts("[data-testid=attachments] li a"),
        ["photo-ecran.txt", "mot-de-passe-bios.txt", "journal-interne.txt"]
    );
    assert_eq!(page.texts("[data-testid=attachments] li.private a"), ["mot-de-passe-bios.txt", "journal-interne.txt"]);
    assert_eq!(page.texts("[data-testid=attachments-count]"), ["(3)"]);
    let listed = app.api(Some(&tech), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments"), None).await;
    assert_eq!(listed.json().as_array().expect("list").len(), 3);
    let fetched =
        app.api(Some(&tech), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments/{secret_id}"), None).await;
    assert_eq!((fetched.status, fetched.body.as_str()), (StatusCode::OK, "bios: 1234"));

    // The requester and the watcher see the public file only, everywhere.
    for login in ["emp_a", "tech_b"] {
        let token = app.token(login).await;
        let session = app.login(login).await;
        let page = session.get(&format!("/tickets/{ticket}")).await;
        page.assert_status(StatusCode::OK);
        assert_eq!(page.texts("[data-testid=attachments] li a"), ["photo-ecran.txt"], "{login}");
        assert_eq!(page.texts("[data-testid=attachments-count]"), ["(1)"], "{login}");
        assert!(!page.body.contains("bios") && !page.body.contains("journal-interne"), "{login}");
        assert!(!page.has("#attachment-private"), "{login} is not offered the private box");
        let listed = app.api(Some(&token), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments"), None).await;
        let names: Vec<String> =
            listed.json().as_array().expect("list").iter().map(|a| a["file_name"].to_string()).collect();
        assert_eq!(names, ["\"photo-ecran.txt\""], "{login}: {}", listed.body);
        // Its address answers like a missing file, page and API.
        let hidden = app
            .api(Some(&token), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments/{secret_id}"), None)
            .await;
        let missing = app
            .api(Some(&token), Method::GET, &format!("/api/v1/tickets/{ticket}/attachments/{}", Uuid::now_v7()), None)
            .await;
        assert_eq!((hidden.status, missing.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{login}");
        assert_eq!(hidden.without_request_id(), missing.without_request_id(), "{login}");
        let absent = Uuid::now_v7();
        let hidden = session.get(&format!("/tickets/{ticket}/attachments/{secret_id}")).await;
        let missing = session.get(&format!("/tickets/{ticket}/attachments/{absent}")).await;
        assert_eq!((hidden.status, missing.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{login}");
        // The page names its own address (the language form returns to it); nothing else differs.
        assert_eq!(
            hidden.without_request_id().replace(&secret_id, "ID"),
            missing.without_request_id().replace(&absent.to_string(), "ID"),
            "{login}"
        );
    }
    let portal = app.login("emp_a").await.get("/portal").await;
    assert_eq!(
        portal.texts("[data-testid=my-requests] [data-testid=files]"),
        ["1"],
        "the portal counts the public file"
    );

    // The requester cannot attach privately, from the page or the API: refused like a private followup.
    let refused = attach(&app, &emp, &ticket, "note.txt&private=true", b"note".to_vec()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("private"), "{}", refused.body);
    let requester = app.login("emp_a").await;
    attach_from_page(&requester, &ticket, "note-page.txt", true).await;
    let after = requester.get(&format!("/tickets/{ticket}")).await;
    assert!(after.has(".flash-error"), "the page says why");
    let stored: i64 =
        sqlx::query_scalar("select count(*) from ticket_attachments").fetch_one(&app.pool).await.expect("count");
    assert_eq!(stored, 3, "nothing stored from the refused uploads");

    // The limit counts what the uploader sees: the requester fills 20 files of their own view.
    for n in 2..=20 {
        let note = format!("note {n}").into_bytes();
        assert_eq!(attach(&app, &emp, &ticket, "note.txt", note).await.status, StatusCode::CREATED, "file {n}");
    }
    let full = attach(&app, &emp, &ticket, "note.txt", b"21".to_vec()).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    let page = app.login("emp_a").await.get(&format!("/tickets/{ticket}")).await;
    assert_eq!(page.texts("[data-testid=attachments-count]"), ["(20)"], "the count matches the limit it was told");
    let full = attach(&app, &tech, &ticket, "encore.txt&private=true", b"x".to_vec()).await;
    assert_eq!(full.status, StatusCode::CONFLICT, "the technician sees 22 files: full for them too");

    // The history records each upload with its privacy.
    let uploads: Vec<(String, Value)> = sqlx::query_as(
        "select changes->'attachment'->>'new', changes->'attachment_private'->'new' from audit_log
          where object_kind = 'ticket' and object_id = $1::uuid and changes ? 'attachment' order by id limit 3",
    )
    .bind(&ticket)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(
        uploads,
        [
            ("photo-ecran.txt".to_owned(), json!(false)),
            ("mot-de-passe-bios.txt".to_owned(), json!(true)),
            ("journal-interne.txt".to_owned(), json!(true))
        ]
    );
    let history = technician.get(&format!("/tickets/{ticket}/history")).await;
    assert!(history.body.contains("File attached") && history.body.contains("mot-de-passe-bios.txt"));
}

#[tokio::test]
async fn a_queue_assigns_several_tickets_at_once_or_none() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let first = open(&app, &emp, json!({"title": "Imprimante 1"})).await;
    let second = open(&app, &emp, json!({"title": "Imprimante 2"})).await;

    // A technician takes both from the queue.
    let tech = app.login("tech_a").await;
    let queue = tech.get("/tickets?queue=unassigned").await;
    assert!(queue.has("details.bulk input[name=_csrf]"), "the queue has a bulk panel");
    let me = app.id_of("users", "tech_a").await.to_string();
    let others = app.id_of("users", "sup_a").await.to_string();
    let refused = tech.post("/tickets/bulk", &[("ids", &id(&first)), ("user_id", &others)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only supervisors assign others");
    let taken = tech.post("/tickets/bulk", &[("ids", &id(&first)), ("ids", &id(&second)), ("user_id", &me)]).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert_eq!(taken.texts("[data-testid=bulk-updated] li").len(), 2);
    assert_eq!(
        (status_of(&app, &id(&first)).await, status_of(&app, &id(&second)).await),
        ("assigned".into(), "assigned".into())
    );
    for ticket in [&first, &second] {
        let history = app.history("ticket", app_uuid(ticket)).await;
        assert!(history.iter().any(|(_, who, _)| who == "tech_a"), "each ticket's history tells: {history:?}");
    }

    // A supervisor's panel brings the technicians and groups when it opens.
    let sup = app.login("sup_a").await;
    let fields = sup.get("/tickets/bulk").await;
    assert!(fields.texts("select[name=user_id] option").contains(&"Person tech_a".to_owned()));
    assert!(!fields.texts("select[name=user_id] option").contains(&"Person emp_a".to_owned()), "technicians only");
    assert!(fields.texts("select[name=group_id] option").contains(&"Equipe A".to_owned()));

    // One closed ticket in the selection: nothing changes, and it is named.
    let third = open(&app, &emp, json!({"title": "Scanner"})).await;
    let supervisor = app.token("sup_a").await;
    let second_base = format!("/api/v1/tickets/{}", id(&second));
    app.api(Some(&supervisor), Method::POST, &format!("{second_base}/solve"), Some(json!({"body": "Papier"}))).await;
    app.api(Some(&emp), Method::POST, &format!("{second_base}/solution"), Some(json!({"answer": "accept"}))).await;
    assert_eq!(status_of(&app, &id(&second)).await, "closed");
    let team = app.id_of("groups", "Equipe A").await;
    let body = json!({"ids": [id(&third), id(&second)], "group_ids": [team]});
    let response = app.api(Some(&supervisor), Method::POST, "/api/v1/tickets/bulk-assign", Some(body)).await;
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    assert!(response.json()["detail"].as_str().is_some_and(|d| d.contains(&format!("#{}", second["number"]))));
    assert_eq!(status_of(&app, &id(&third)).await, "new", "the other ticket did not change either");

    let body = json!({"ids": [id(&third)], "group_ids": [team]});
    let response = app.api(Some(&supervisor), Method::POST, "/api/v1/tickets/bulk-assign", Some(body)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(status_of(&app, &id(&third)).await, "assigned");
    let unknown = json!({"ids": [id(&third)], "group_ids": [team], "status": "closed"});
    let response = app.api(Some(&supervisor), Method::POST, "/api/v1/tickets/bulk-assign", Some(unknown)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");

    // Another entity's ticket is not found, like a missing one.
    let emp_b = app.token("emp_b").await;
    let elsewhere = open(&app, &emp_b, json!({"title": "Ailleurs"})).await;
    let body = json!({"ids": [id(&elsewhere)], "user_ids": [me]});
    let response =
        app.api(Some(&app.token("tech_a").await), Method::POST, "/api/v1/tickets/bulk-assign", Some(body)).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
}

fn app_uuid(ticket: &Value) -> Uuid {
    Uuid::parse_str(&id(ticket)).expect("uuid")
}
