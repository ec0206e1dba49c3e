//! Bulk actions on assets, the background job queue, and the overdue-return
//! reminders it sends as in-app notifications.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

async fn create_assets(app: &TestApp, token: &str, count: usize) -> Vec<Value> {
    let body = json!({
        "model_id": app.id_of("asset_models", "Latitude 5440").await,
        "status_id": app.id_of("asset_statuses", "En stock").await,
        "entity_id": app.id_of("entities", "Filiale A").await,
    });
    let mut assets = Vec::new();
    for _ in 0..count {
        let created = app.api(Some(token), Method::POST, "/api/v1/assets", Some(body.clone())).await;
        created.assert_status(StatusCode::CREATED);
        assets.push(created.json());
    }
    assets
}

async fn history_count(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_log where object_id = $1::uuid")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_bulk_action_changes_every_asset_or_none() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let assets = create_assets(&app, &token, 3).await;
    let ids: Vec<&str> = assets.iter().filter_map(|a| a["id"].as_str()).collect();
    let place = app.id_of("locations", "Bureau A").await;

    let moved = app
        .api(
            Some(&token),
            Method::POST,
            "/api/v1/assets/bulk",
            Some(json!({"ids": ids, "action": "location", "location_id": place})),
        )
        .await;
    moved.assert_status(StatusCode::OK);
    assert_eq!(moved.json()["updated"].as_array().map(Vec::len), Some(3));
    for id in &ids {
        let asset = app.api(Some(&token), Method::GET, &format!("/api/v1/assets/{id}"), None).await.json();
        assert_eq!(asset["location_id"], place.to_string());
        assert_eq!(history_count(&app, id).await, 2, "created, then moved: one row each");
    }

    let unknown = json!({"ids": ids, "action": "location", "location_id": null, "created_by": "someone"});
    app.api(Some(&token), Method::POST, "/api/v1/assets/bulk", Some(unknown))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // An asset of another entity in the selection: not found, and nothing moved.
    let foreign = app.id_of("assets", "PT-FIX-0002").await.to_string();
    let mut mixed: Vec<&str> = ids.clone();
    mixed.push(&foreign);
    let refused = app
        .api(
            Some(&token),
            Method::POST,
            "/api/v1/assets/bulk",
            Some(json!({"ids": mixed, "action": "location", "location_id": null})),
        )
        .await;
    refused.assert_status(StatusCode::NOT_FOUND);
    let still: i64 = sqlx::query_scalar("select count(*) from assets where location_id = $1")
        .bind(place)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(still, 3);

    // One asset is checked out: retiring the selection is refused, naming it; none retired.
    let employee = app.id_of("users", "emp_a").await;
    app.api(
        Some(&token),
        Method::POST,
        &format!("/api/v1/assets/{}/checkout", ids[1]),
        Some(json!({"user_id": employee})),
    )
    .await
    .assert_status(StatusCode::OK);
    let retired = app.id_of("asset_statuses", "Retiré").await;
    let retire = json!({"ids": ids, "action": "status", "status_id": retired, "reason": "end of lease"});
    let refused = app.api(Some(&token), Method::POST, "/api/v1/assets/bulk", Some(retire)).await;
    refused.assert_status(StatusCode::CONFLICT);
    assert!(refused.json()["detail"].as_str().is_some_and(|d| d.contains(assets[1]["tag"].as_str().unwrap_or("?"))));
    let archived: i64 =
        sqlx::query_scalar("select count(*) from assets where archived").fetch_one(&app.pool).await.expect("count");
    assert_eq!(archived, 0);
    let no_reason = json!({"ids": [ids[0]], "action": "status", "status_id": retired, "reason": " "});
    app.api(Some(&token), Method::POST, "/api/v1/assets/bulk", Some(no_reason))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_list_page_bulk_form_moves_the_ticked_assets() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let assets = create_assets(&app, &token, 2).await;
    let pm = app.login("pm_a").await;
    let list = pm.get("/assets").await;
    assert!(list.has("input[type=checkbox][name=ids][form=bulk-form]"), "rows can be ticked");
    let employee = app.id_of("users", "emp_a").await.to_string();
    let body = serde_urlencoded::to_string([
        ("_csrf", pm.csrf.as_str()),
        ("ids", assets[0]["id"].as_str().unwrap_or("")),
        ("ids", assets[1]["id"].as_str().unwrap_or("")),
        ("action", "assignee"),
        ("assigned_user_id", employee.as_str()),
    ])
    .expect("encode");
    let result = pm.post_raw("/assets/bulk", &body, &[]).await;
    result.assert_status(StatusCode::OK);
    assert_eq!(result.texts("[data-testid=bulk-updated] li").len(), 2);
    let held: i64 = sqlx::query_scalar("select count(*) from assets where assigned_user_id = $1::uuid")
        .bind(&employee)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(held, 2);
    let empty = pm.post("/assets/bulk", &[("action", "assignee")]).await;
    empty.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("[data-testid=bulk-refusal]"));
}

#[tokio::test]
async fn workers_never_run_the_same_job_twice() {
    let app = TestApp::new().await;
    let mut conn = app.pool.acquire().await.expect("connection");
    for _ in 0..20 {
        parc::jobs::enqueue(&mut conn, parc::assets::register::reminders::KIND, &json!({}), None)
            .await
            .expect("queued");
    }
    drop(conn);
    let workers = (0..4).map(|n| {
        let pool = app.pool.clone();
        async move {
            let mut ran = 0;
            while parc::jobs::run_next(&pool, &Default::default(), &format!("worker-{n}")).await.expect("queue") {
                ran += 1;
            }
            ran
        }
    });
    let ran: Vec<i32> = join_all(workers).await;
    assert_eq!(ran.iter().sum::<i32>(), 20, "{ran:?}");
    let twice: i64 = sqlx::query_scalar("select count(*) from jobs where attempts <> 1 or state <> 'done'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(twice, 0);
}

#[tokio::test]
async fn an_overdue_return_notifies_the_holder_and_the_lender_once() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let id = app.id_of("assets", "PT-FIX-0001").await;
    let employee = app.id_of("users", "emp_a").await;
    app.api(Some(&token), Method::POST, &format!("/api/v1/assets/{id}/checkout"), Some(json!({"user_id": employee})))
        .await
        .assert_status(StatusCode::OK);
    sqlx::query("update asset_checkouts set expected_return = current_date - 3 where asset_id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("make it late");

    parc::jobs::schedule_recurring(&app.pool).await.expect("scheduled");
    parc::jobs::schedule_recurring(&app.pool).await.expect("scheduled again, still one");
    let services = parc::jobs::Services::default();
    let runs =
        join_all((0..7).map(|n| parc::jobs::run_next(&app.pool, &services, if n == 0 { "a" } else { "b" }))).await;
    let ran = runs.into_iter().filter(|r| matches!(r, Ok(true))).count();
    assert_eq!(
        ran, 6,
        "one run of each recurring job: reminders, housekeeping, auto-close, escalations, mail, licence compliance"
    );
    // The next run is queued for later; running the reminders again the same week sends nothing new.
    let reminders = |state: &'static str| {
        sqlx::query_scalar::<_, i64>("select count(*) from jobs where kind = 'overdue-reminders' and state = $1")
            .bind(state)
            .fetch_one(&app.pool)
    };
    assert_eq!(reminders("done").await.expect("count"), 1);
    assert_eq!(reminders("queued").await.expect("count"), 1);
    parc::assets::register::reminders::run(&app.pool).await.expect("second run");
    let rows: Vec<(Uuid, String)> = sqlx::query_as("select user_id, message from notifications order by message")
        .fetch_all(&app.pool)
        .await
        .expect("notifications");
    let pm = app.id_of("users", "pm_a").await;
    assert_eq!(rows, vec![(employee, "notify-overdue-holder".into()), (pm, "notify-overdue-lender".into())]);

    let emp = app.login("emp_a").await;
    let home = emp.get("/my-equipment").await;
    assert_eq!(home.texts("[data-testid=unread]"), vec!["1".to_owned()]);
    let page = emp.get("/notifications").await;
    let texts = page.texts("[data-testid=notifications] a");
    assert!(texts[0].contains("PT-FIX-0001") && texts[0].contains("please return it"), "{texts:?}");

    let emp_token = app.token("emp_a").await;
    let listed = app.api(Some(&emp_token), Method::GET, "/api/v1/me/notifications", None).await;
    let notification = listed.json()[0]["id"].as_str().expect("id").to_owned();
    // Opening it leads to the asset (and marks it read).
    let opened = emp.get(&format!("/notifications/{notification}")).await;
    assert_eq!(opened.location(), format!("/assets/{id}"));
    assert!(!emp.get("/my-equipment").await.has("[data-testid=unread]"));
    sqlx::query("update notifications set read_at = null").execute(&app.pool).await.expect("unread again");
    // Someone else's notification is not found.
    let pm_token = app.token("pm_a").await;
    app.api(Some(&pm_token), Method::POST, &format!("/api/v1/me/notifications/{notification}/read"), None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    app.api(Some(&emp_token), Method::POST, &format!("/api/v1/me/notifications/{notification}/read"), None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    assert!(!emp.get("/my-equipment").await.has("[data-testid=unread]"));
    // The badge counts up to a hundred, then says "99+".
    sqlx::query(
        "insert into notifications (user_id, message, args, link)
         select $1, 'notify-overdue-holder', '{}', '/my-equipment' from generate_series(1, 150)",
    )
    .bind(employee)
    .execute(&app.pool)
    .await
    .expect("many notifications");
    assert_eq!(emp.get("/my-equipment").await.texts("[data-testid=unread]"), vec!["99+".to_owned()]);
}
