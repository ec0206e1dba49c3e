//! The attack classes of SECURITY.md that concern the foundation: XSS, SQL
//! injection, mass assignment and privilege escalation, oversized input,
//! disclosure.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use serde_json::json;

use crate::helpers::TestApp;

const PAYLOADS: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE users;--",
    "<a href=\"javascript:alert(1)\">x</a>",
    "{{ 7*7 }} ${7*7} %s %n",
];

#[tokio::test]
async fn markup_and_sql_in_text_fields_are_stored_literally_and_shown_escaped() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let entity = app.id_of("entities", "Filiale A").await;
    let session = app.login("pm_a").await;
    for payload in PAYLOADS {
        let created = app
            .api(
                Some(&token),
                Method::POST,
                "/api/v1/locations",
                Some(json!({"name": payload, "entity_id": entity, "city": payload, "notes": payload})),
            )
            .await;
        created.assert_status(StatusCode::CREATED);
        let id = created.json()["id"].as_str().expect("id").to_owned();
        let stored: String = sqlx::query_scalar("select name from locations where id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("row");
        assert_eq!(stored, payload, "stored as typed");
        for path in [
            format!("/locations/{id}"),
            "/locations?sort=updated&dir=desc".to_owned(),
            format!("/locations/{id}/history"),
            format!("/search?q={}", parc::web::urlencode(payload)),
        ] {
            let page = session.get(&path).await;
            page.assert_status(StatusCode::OK);
            assert!(!page.body.contains("<script>alert(1)"), "{path}");
            assert!(!page.body.contains("<img src=x"), "{path}");
            assert!(!page.body.contains("<a href=\"javascript:"), "{path}");
        }
    }
    let users: i64 =
        sqlx::query_scalar("select count(*) from users").fetch_one(&app.pool).await.expect("users still there");
    assert!(users > 0);
}

#[tokio::test]
async fn escaped_in_names_shown_elsewhere_too() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let id = app.id_of("users", "tech_a").await;
    let user = app.api(Some(&admin), Method::GET, &format!("/api/v1/users/{id}"), None).await.json();
    app.api(
        Some(&admin),
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(json!({"version": user["version"], "name": "\"><script>alert('name')</script>"})),
    )
    .await
    .assert_status(StatusCode::OK);
    let session = app.login("tech_a").await;
    for path in ["/", "/profile", "/users", &format!("/groups/{}", app.id_of("groups", "Equipe A").await)] {
        let page = session.get(path).await;
        assert!(!page.body.contains("<script>alert('name')"), "{path}");
        assert!(
            page.body.contains("&lt;script&gt;")
                || page.body.contains("&#60;script&#62;")
                || page.body.contains("&#x3c;script"),
            "{path} shows it escaped"
        );
    }
}

#[tokio::test]
async fn sort_and_direction_come_from_a_whitelist() {
    let app = TestApp::new().await;
    let session = app.login("admin").await;
    let token = app.token("admin").await;
    for query in [
        "sort=name%3BDROP%20TABLE%20users",
        "sort=(SELECT%20pg_sleep(5))",
        "dir=ASC%3B--",
        "sort=password_hash",
        "page=abc",
        "per_page=-1",
    ] {
        let page = session.get(&format!("/users?{query}")).await;
        page.assert_status(StatusCode::BAD_REQUEST);
        let api = app.api(Some(&token), Method::GET, &format!("/api/v1/users?{query}"), None).await;
        api.assert_status(StatusCode::BAD_REQUEST);
        assert_eq!(api.header("content-type"), "application/problem+json");
        assert!(!api.body.to_lowercase().contains("syntax error"), "no SQL text: {}", api.body);
    }
    for query in ["q=%27%20OR%201%3D1--", "q=%25", "q=a_b_c_d", "q=%5C"] {
        let api = app.api(Some(&token), Method::GET, &format!("/api/v1/users?{query}"), None).await;
        api.assert_status(StatusCode::OK);
        assert_eq!(api.json()["total"], 0, "{query} matches literally");
    }
    let capped = app.api(Some(&token), Method::GET, "/api/v1/users?per_page=100000", None).await;
    assert_eq!(capped.json()["per_page"], 200);
}

#[tokio::test]
async fn oversized_and_malformed_bodies_get_clear_errors() {
    let app = TestApp::new().await;
    let token = app.token("admin").await;
    let huge = "x".repeat(10 * 1024 * 1024);
    let request = Request::post("/api/v1/locations")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!("{{\"name\":\"{huge}\"}}")))
        .expect("request");
    app.send(request).await.assert_status(StatusCode::PAYLOAD_TOO_LARGE);
    let session = app.login("admin").await;
    let big_form = format!("name={huge}&_csrf={}", session.csrf);
    session.post_raw("/locations", &big_form, &[]).await.assert_status(StatusCode::PAYLOAD_TOO_LARGE);

    let malformed = Request::post("/api/v1/locations")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\": "))
        .expect("request");
    let response = app.send(malformed).await;
    response.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(response.json()["type"], "urn:parc:problem:bad-request");
    let entity = app.id_of("entities", "Filiale A").await;
    let long = app
        .api(
            Some(&token),
            Method::POST,
            "/api/v1/locations",
            Some(json!({"name": "y".repeat(100_000), "entity_id": entity})),
        )
        .await;
    long.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.json()["errors"][0], json!({"field": "name", "code": "field-too-long", "message": "Too long."}));
    let wrong_type = app
        .api(Some(&token), Method::POST, "/api/v1/locations", Some(json!({"name": ["a"], "entity_id": entity})))
        .await;
    wrong_type.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!wrong_type.body.contains("LocationCreate"), "no Rust type names: {}", wrong_type.body);
    let not_json = Request::post("/api/v1/locations")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from("name=x"))
        .expect("request");
    app.send(not_json).await.assert_status(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn nobody_grants_a_role_above_their_own() {
    let app = TestApp::new().await;
    let pm = app.token("pm_a").await;
    let entity = app.id_of("entities", "Filiale A").await;
    // Creating an administrator.
    let refused = app
        .api(Some(&pm), Method::POST, "/api/v1/users", Some(json!({"login": "sneaky", "name": "Sneaky", "entity_id": entity, "roles": [{"role": "admin", "entity_id": entity}]})))
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["code"], "role-above-own");
    // Promoting oneself.
    let me = app.id_of("users", "pm_a").await;
    let own = app.api(Some(&pm), Method::GET, &format!("/api/v1/users/{me}"), None).await.json();
    let promote = app
        .api(
            Some(&pm),
            Method::PATCH,
            &format!("/api/v1/users/{me}"),
            Some(json!({"version": own["version"], "roles": [{"role": "admin", "entity_id": entity}]})),
        )
        .await;
    promote.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Mass assignment of a role field that does not exist.
    let mass = app
        .api(
            Some(&pm),
            Method::PATCH,
            &format!("/api/v1/users/{me}"),
            Some(json!({"version": own["version"], "role": "admin"})),
        )
        .await;
    mass.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Granting a role on an entity outside one's scope.
    let b = app.id_of("entities", "Filiale B").await;
    let tech = app.id_of("users", "tech_a").await;
    let tech_user = app.api(Some(&pm), Method::GET, &format!("/api/v1/users/{tech}"), None).await.json();
    let outside = app
        .api(
            Some(&pm),
            Method::PATCH,
            &format!("/api/v1/users/{tech}"),
            Some(json!({"version": tech_user["version"], "roles": [{"role": "technician", "entity_id": b}]})),
        )
        .await;
    outside.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // The same through the page.
    let session = app.login("pm_a").await;
    let page =
        session.post(&format!("/users/{tech}/roles"), &[("role", "admin"), ("entity_id", &entity.to_string())]).await;
    page.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("au vôtre") || page.body.contains("above your own"));
    let roles: Vec<String> = sqlx::query_scalar("select role::text from role_grants where user_id = any($1)")
        .bind(vec![me, tech])
        .fetch_all(&app.pool)
        .await
        .expect("roles");
    assert!(!roles.contains(&"admin".to_owned()), "{roles:?}");
    // Allowed: a park manager grants technician within scope, and the history says so.
    session
        .post(&format!("/users/{tech}/roles"), &[("role", "supervisor"), ("entity_id", &entity.to_string())])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let changes: serde_json::Value =
        sqlx::query_scalar("select changes from audit_log where object_id = $1 order by id desc limit 1")
            .bind(tech)
            .fetch_one(&app.pool)
            .await
            .expect("history");
    assert!(changes["roles"]["new"].to_string().contains("supervisor"), "{changes}");
}

#[tokio::test]
async fn nobody_changes_someone_more_powerful() {
    let app = TestApp::new().await;
    let pm = app.token("pm_a").await;
    let admin_a = app.id_of("users", "admin_a").await;
    let target = app.api(Some(&pm), Method::GET, &format!("/api/v1/users/{admin_a}"), None).await.json();
    let reset = app
        .api(
            Some(&pm),
            Method::PATCH,
            &format!("/api/v1/users/{admin_a}"),
            Some(json!({"version": target["version"], "password": "taken-over-password"})),
        )
        .await;
    reset.assert_status(StatusCode::FORBIDDEN);
    let session = app.login("pm_a").await;
    session
        .post(&format!("/users/{admin_a}/password"), &[("new_password", "taken-over-password")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    session.get(&format!("/users/{admin_a}/edit")).await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.try_login("admin_a", "taken-over-password").await.is_err());
}

#[tokio::test]
async fn an_admin_resets_a_password_and_revokes_tokens() {
    let app = TestApp::new().await;
    let tech = app.id_of("users", "tech_a").await;
    let token = app.token("tech_a").await;
    let session = app.login("admin").await;
    let short = session.post(&format!("/users/{tech}/password"), &[("new_password", "short")]).await;
    short.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    session
        .post(&format!("/users/{tech}/password"), &[("new_password", "reset-by-the-admin")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    app.api(Some(&token), Method::GET, "/api/v1/me", None).await.assert_status(StatusCode::UNAUTHORIZED);
    assert!(app.try_login("tech_a", "reset-by-the-admin").await.is_ok());
}

#[tokio::test]
async fn api_never_shows_secrets() {
    let app = TestApp::new().await;
    let token = app.token("tech_a").await;
    let list = app.api(Some(&token), Method::GET, "/api/v1/users?per_page=200", None).await;
    for secret in ["password", "argon2", "token_hash", "csrf"] {
        assert!(!list.body.contains(secret), "{secret} in {}", list.body);
    }
    let session = app.login("admin").await;
    let csv = session.get("/users/export.csv").await;
    assert!(!csv.body.contains("argon2"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    for response in [
        app.get("/login").await,
        session.get("/users").await,
        app.get("/no/such/page").await,
        app.get("/api/v1/users").await,
        app.get("/healthz").await,
    ] {
        let csp = response.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline")
                && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        assert_eq!(response.header("x-content-type-options"), "nosniff");
        assert_eq!(response.header("referrer-policy"), "same-origin");
        assert!(response.header("server").is_empty(), "no server banner");
    }
    assert_eq!(session.get("/users").await.header("cache-control"), "no-store");
}

#[tokio::test]
async fn errors_reveal_nothing_internal() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    for path in [
        "/users/99999999999999999999",
        "/users/abc",
        "/nothing/here",
        "/static/0/../../Cargo.toml",
        "/static/0/..%2f..%2fCargo.toml",
        "/install",
        "/debug",
    ] {
        let response = session.get(path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!response.body.contains("[package]") && !response.body.contains("panicked"), "{path}");
    }
    let health = app.get("/healthz").await;
    assert_eq!(health.body, "ok");
    let not_found = session.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(!not_found.body.contains("<script>alert(1)"));
    let echo = session.get("/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!echo.body.contains("<script>alert(1)"));
}
