//! Logging in and out, sessions, CSRF, throttling, tokens.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Method, Request, StatusCode, header},
};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, cookie_value};

fn login_request(
    login: &str,
    password: &str,
    csrf: &str,
    next: &str,
    from: [u8; 4],
    forwarded: Option<&str>,
) -> Request<Body> {
    let body = serde_urlencoded::to_string([("login", login), ("password", password), ("_csrf", csrf), ("next", next)])
        .expect("encode");
    let mut request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("parc_csrf={csrf}"));
    if let Some(value) = forwarded {
        request = request.header("x-forwarded-for", value);
    }
    let mut request = request.body(Body::from(body)).expect("request");
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((from, 5555))));
    request
}

const ANON_CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn login_opens_a_new_session_and_follows_next() {
    let app = TestApp::new().await;
    let response =
        app.send(login_request("pm_a", PASSWORD, ANON_CSRF, "/locations?page=1", [127, 0, 0, 1], None)).await;
    response.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(response.location(), "/locations?page=1");
    let cookie = response
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("parc_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    // Login is case-insensitive on the login, not on the password.
    let upper = app.send(login_request("PM_A", PASSWORD, ANON_CSRF, "/", [127, 0, 0, 1], None)).await;
    upper.assert_status(StatusCode::SEE_OTHER);
    let wrong_case =
        app.send(login_request("pm_a", &PASSWORD.to_uppercase(), ANON_CSRF, "/", [127, 0, 0, 1], None)).await;
    wrong_case.assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_and_unknown_login_look_the_same() {
    let app = TestApp::new().await;
    let wrong = app.send(login_request("pm_a", "not the password", ANON_CSRF, "/", [127, 0, 0, 1], None)).await;
    let unknown =
        app.send(login_request("nobody_at_all", "not the password", ANON_CSRF, "/", [127, 0, 0, 2], None)).await;
    wrong.assert_status(StatusCode::UNAUTHORIZED);
    unknown.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.texts("[data-testid=login-error]"), unknown.texts("[data-testid=login-error]"));
    assert_eq!(wrong.texts("[data-testid=login-error]"), vec!["Identifiant ou mot de passe incorrect.".to_owned()]);
    for payload in ["admin' OR '1'='1", "x'; SELECT pg_sleep(5)--", "\0", &"a".repeat(10_000)] {
        let refused = app.send(login_request(payload, "x", ANON_CSRF, "/", [127, 0, 0, 3], None)).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", &payload[..payload.len().min(30)]);
        assert!(!refused.body.to_lowercase().contains("sql"), "no database text");
    }
}

#[tokio::test]
async fn an_account_is_throttled_after_repeated_failures() {
    let app = TestApp::new().await;
    for attempt in 0..5u8 {
        // From a different address each time: the account limit still applies.
        let refused =
            app.send(login_request("pm_a", "wrong password", ANON_CSRF, "/", [10, 0, 0, attempt], None)).await;
        refused.assert_status(StatusCode::UNAUTHORIZED);
    }
    let throttled = app.send(login_request("pm_a", PASSWORD, ANON_CSRF, "/", [10, 0, 1, 1], None)).await;
    throttled.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").parse::<u64>().is_ok_and(|s| s > 0 && s <= 900));
    // Another account is not affected.
    app.send(login_request("tech_a", PASSWORD, ANON_CSRF, "/", [10, 0, 1, 2], None))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // The API login obeys the same counter.
    let api =
        app.api(None, Method::POST, "/api/v1/auth/login", Some(json!({"login": "pm_a", "password": PASSWORD}))).await;
    api.assert_status(StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_address_is_throttled_and_cannot_hide_behind_a_forged_header() {
    let app = TestApp::new().await;
    for n in 0..20 {
        // Rotating logins and forged X-Forwarded-For: the TCP address is what counts.
        let forged = format!("203.0.113.{n}");
        let login = format!("guess{n}");
        app.send(login_request(&login, "x", ANON_CSRF, "/", [192, 0, 2, 7], Some(&forged)))
            .await
            .assert_status(StatusCode::UNAUTHORIZED);
    }
    let throttled =
        app.send(login_request("tech_a", PASSWORD, ANON_CSRF, "/", [192, 0, 2, 7], Some("198.51.100.1"))).await;
    throttled.assert_status(StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_trusted_proxy_header_gives_the_client_address() {
    let app = TestApp::with_config(|c| c.trusted_proxies = vec!["10.9.0.0/16".parse().expect("net")]).await;
    for n in 0..20 {
        let login = format!("guess{n}");
        app.send(login_request(&login, "x", ANON_CSRF, "/", [10, 9, 0, 1], Some("203.0.113.50")))
            .await
            .assert_status(StatusCode::UNAUTHORIZED);
    }
    // The client behind the proxy is throttled, a different client behind the same proxy is not.
    let same = app.send(login_request("tech_a", PASSWORD, ANON_CSRF, "/", [10, 9, 0, 1], Some("203.0.113.50"))).await;
    same.assert_status(StatusCode::TOO_MANY_REQUESTS);
    let other = app.send(login_request("tech_a", PASSWORD, ANON_CSRF, "/", [10, 9, 0, 1], Some("203.0.113.51"))).await;
    other.assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_renews_the_session_id_and_logout_ends_it() {
    let app = TestApp::new().await;
    let first = app.login("pm_a").await;
    // Logging in again from the same browser replaces the session.
    let request = {
        let body = serde_urlencoded::to_string([
            ("login", "pm_a"),
            ("password", PASSWORD),
            ("_csrf", &first.csrf),
            ("next", "/"),
        ])
        .expect("encode");
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &first.cookie)
            .body(Body::from(body))
            .expect("request")
    };
    let again = app.send(request).await;
    again.assert_status(StatusCode::SEE_OTHER);
    let renewed = cookie_value(&again.headers, "parc_session").expect("new cookie");
    assert_ne!(format!("parc_session={renewed}"), first.cookie);
    first.get("/locations").await.assert_status(StatusCode::SEE_OTHER);

    let second = app.login("pm_a").await;
    second.get("/locations").await.assert_status(StatusCode::OK);
    let out = second.post("/logout", &[]).await;
    out.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login");
    let after = second.get("/locations").await;
    after.assert_status(StatusCode::SEE_OTHER);
    assert!(after.location().starts_with("/login"));
}

#[tokio::test]
async fn logout_is_not_a_get() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    assert_eq!(session.get("/logout").await.status, StatusCode::METHOD_NOT_ALLOWED);
    session.get("/locations").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn forms_without_the_csrf_token_change_nothing() {
    let app = TestApp::new().await;
    let session = app.login("pm_a").await;
    let entity = app.id_of("entities", "Filiale A").await.to_string();
    let fields = [("name", "Forged"), ("entity_id", entity.as_str()), ("kind", "room")];
    let body = serde_urlencoded::to_string(fields).expect("encode");
    session.post_raw("/locations", &body, &[]).await.assert_status(StatusCode::FORBIDDEN);
    // A token from another session does not work either.
    let other = app.login("tech_a").await;
    let with_other = serde_urlencoded::to_string([
        ("name", "Forged"),
        ("entity_id", entity.as_str()),
        ("kind", "room"),
        ("_csrf", other.csrf.as_str()),
    ])
    .expect("encode");
    session.post_raw("/locations", &with_other, &[]).await.assert_status(StatusCode::FORBIDDEN);
    // A cross-site page posting with a valid token is refused by its origin.
    let with_mine = serde_urlencoded::to_string([
        ("name", "Forged"),
        ("entity_id", entity.as_str()),
        ("kind", "room"),
        ("_csrf", session.csrf.as_str()),
    ])
    .expect("encode");
    session
        .post_raw("/locations", &with_mine, &[("origin", "https://evil.example")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // After logout the old token is worthless.
    let old_csrf = session.csrf.clone();
    session.post("/logout", &[]).await;
    let fresh = app.login("pm_a").await;
    let stale = serde_urlencoded::to_string([
        ("name", "Forged"),
        ("entity_id", entity.as_str()),
        ("kind", "room"),
        ("_csrf", old_csrf.as_str()),
    ])
    .expect("encode");
    fresh.post_raw("/locations", &stale, &[]).await.assert_status(StatusCode::FORBIDDEN);
    let count: i64 = sqlx::query_scalar("select count(*) from locations where name = 'Forged'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
    // The real form works.
    fresh.post("/locations", &fields).await.assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_form_needs_its_csrf_cookie() {
    let app = TestApp::new().await;
    let body =
        serde_urlencoded::to_string([("login", "pm_a"), ("password", PASSWORD), ("_csrf", ANON_CSRF)]).expect("encode");
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    app.send(request).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn next_never_leaves_the_site() {
    let app = TestApp::new().await;
    for next in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "http:/evil"] {
        let response = app.send(login_request("pm_a", PASSWORD, ANON_CSRF, next, [127, 0, 0, 1], None)).await;
        response.assert_status(StatusCode::SEE_OTHER);
        assert_eq!(response.location(), "/", "{next}");
    }
    let form = app.get("/login?next=//evil.example").await;
    assert!(!form.body.contains("evil.example"));
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_tokens() {
    let app = TestApp::new().await;
    let here = app.login("tech_a").await;
    let elsewhere = app.login("tech_a").await;
    let token = app.token("tech_a").await;
    let refused = here
        .post(
            "/profile/password",
            &[
                ("current_password", "wrong one"),
                ("new_password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("#f-current_password[aria-invalid=true]"));
    let short = here
        .post(
            "/profile/password",
            &[("current_password", PASSWORD), ("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert!(short.has("#f-new_password[aria-invalid=true]"));
    let done = here
        .post(
            "/profile/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a-brand-new-password"),
                ("confirm_password", "a-brand-new-password"),
            ],
        )
        .await;
    done.assert_status(StatusCode::SEE_OTHER);
    // This browser continues with a fresh session; the others are out.
    let fresh = cookie_value(&done.headers, "parc_session").expect("fresh session");
    let request = Request::get("/profile")
        .header(header::COOKIE, format!("parc_session={fresh}"))
        .body(Body::empty())
        .expect("request");
    app.send(request).await.assert_status(StatusCode::OK);
    here.get("/profile").await.assert_status(StatusCode::SEE_OTHER);
    elsewhere.get("/profile").await.assert_status(StatusCode::SEE_OTHER);
    app.api(Some(&token), Method::GET, "/api/v1/me", None).await.assert_status(StatusCode::UNAUTHORIZED);
    assert!(app.try_login("tech_a", PASSWORD).await.is_err());
    assert!(app.try_login("tech_a", "a-brand-new-password").await.is_ok());
    let history = app.history("user", app.id_of("users", "tech_a").await).await;
    assert_eq!(history.last().map(|h| h.0.as_str()), Some("update"));
    let changes: serde_json::Value =
        sqlx::query_scalar("select changes from audit_log where object_kind = 'user' order by id desc limit 1")
            .fetch_one(&app.pool)
            .await
            .expect("changes");
    assert_eq!(changes["password"]["new"], "changed", "the history never holds the password");
}

#[tokio::test]
async fn disabling_an_account_ends_its_session_and_tokens_at_once() {
    let app = TestApp::new().await;
    let victim = app.login("tech_a").await;
    let token = app.token("tech_a").await;
    let admin = app.token("admin").await;
    let id = app.id_of("users", "tech_a").await;
    let user = app.api(Some(&admin), Method::GET, &format!("/api/v1/users/{id}"), None).await.json();
    app.api(
        Some(&admin),
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(json!({"version": user["version"], "active": false})),
    )
    .await
    .assert_status(StatusCode::OK);
    victim.get("/profile").await.assert_status(StatusCode::SEE_OTHER);
    app.api(Some(&token), Method::GET, "/api/v1/me", None).await.assert_status(StatusCode::UNAUTHORIZED);
    assert!(app.try_login("tech_a", PASSWORD).await.is_err());
}

#[tokio::test]
async fn api_tokens_log_in_are_listed_and_revoked() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    assert!(token.starts_with("parc_") && token.len() > 40);
    let me = app.api(Some(&token), Method::GET, "/api/v1/me", None).await;
    me.assert_status(StatusCode::OK);
    assert_eq!(me.json()["login"], "pm_a");
    assert_eq!(me.json()["roles"][0]["role"], "park_manager");
    assert!(me.json().get("password_hash").is_none());
    let listed = app.api(Some(&token), Method::GET, "/api/v1/tokens", None).await.json();
    let id = listed[0]["id"].as_str().expect("token id").to_owned();
    assert!(listed.to_string().find(&token).is_none(), "the secret is never listed");
    assert!(listed[0]["last_used_at"].is_string(), "a token used is marked so: {listed}");
    // Someone else cannot revoke it.
    let other = app.token("pm_b").await;
    app.api(Some(&other), Method::DELETE, &format!("/api/v1/tokens/{id}"), None)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    app.api(Some(&token), Method::DELETE, &format!("/api/v1/tokens/{id}"), None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    let after = app.api(Some(&token), Method::GET, "/api/v1/me", None).await;
    after.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(after.header("www-authenticate"), "Bearer");
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("select token_hash from api_tokens").fetch_all(&app.pool).await.expect("hashes");
    assert!(stored.iter().all(|h| h.len() == 32), "only hashes are stored");
}

#[tokio::test]
async fn a_token_is_marked_used_at_most_once_a_minute() {
    let app = TestApp::new().await;
    let token = app.token("pm_a").await;
    let last_used = || async {
        sqlx::query_scalar::<_, Option<f64>>("select extract(epoch from now() - last_used_at)::float8 from api_tokens")
            .fetch_one(&app.pool)
            .await
            .expect("last use")
    };
    assert_eq!(last_used().await, None, "not used yet");
    let me = || app.api(Some(&token), Method::GET, "/api/v1/me", None);
    me().await.assert_status(StatusCode::OK);
    assert!(last_used().await.is_some_and(|ago| ago < 5.0));
    let set_ago = |seconds: i32| {
        sqlx::query("update api_tokens set last_used_at = now() - make_interval(secs => $1)")
            .bind(f64::from(seconds))
            .execute(&app.pool)
    };
    set_ago(30).await.expect("30 s ago");
    me().await.assert_status(StatusCode::OK);
    assert!(last_used().await.is_some_and(|ago| ago >= 29.0), "kept within the minute");
    set_ago(120).await.expect("2 min ago");
    me().await.assert_status(StatusCode::OK);
    assert!(last_used().await.is_some_and(|ago| ago < 5.0), "marked again after a minute");
}

#[tokio::test]
async fn tokens_from_the_profile_page_are_shown_once() {
    let app = TestApp::new().await;
    let session = app.login("tech_a").await;
    let created = session.post("/profile/tokens", &[("token_name", "my script")]).await;
    created.assert_status(StatusCode::OK);
    let secret = created.texts("[data-testid=new-token]").pop().expect("token shown");
    app.api(Some(&secret), Method::GET, "/api/v1/me", None).await.assert_status(StatusCode::OK);
    let again = session.get("/profile").await;
    assert!(!again.body.contains(&secret), "shown once only");
    assert!(again.body.contains("my script"));
}

#[tokio::test]
async fn bad_bearer_tokens_get_401() {
    let app = TestApp::new().await;
    let long = "x".repeat(10_000);
    for token in ["' OR 1=1--", "parc_0000", long.as_str(), ""] {
        let response = app.api(Some(token), Method::GET, "/api/v1/me", None).await;
        response.assert_status(StatusCode::UNAUTHORIZED);
        assert_eq!(response.header("content-type"), "application/problem+json");
    }
    // A session cookie does not authenticate the API (so no CSRF through it).
    let session = app.login("admin").await;
    let request =
        Request::get("/api/v1/me").header(header::COOKIE, &session.cookie).body(Body::empty()).expect("request");
    app.send(request).await.assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_login_refuses_wrong_types() {
    let app = TestApp::new().await;
    for body in [
        json!({"login": "admin", "password": true}),
        json!({"login": "admin", "password": []}),
        json!({"login": "admin", "password": 0}),
        json!({"login": "admin", "password": null}),
        json!({"login": "admin"}),
        json!([]),
    ] {
        let response = app.api(None, Method::POST, "/api/v1/auth/login", Some(body.clone())).await;
        response.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.json().get("token").is_none(), "{body}");
    }
    let wrong =
        app.api(None, Method::POST, "/api/v1/auth/login", Some(json!({"login": "admin", "password": "nope"}))).await;
    wrong.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["type"], "urn:parc:problem:unauthenticated");
}

#[tokio::test]
async fn https_deployments_get_secure_host_cookies() {
    let app = TestApp::with_config(|c| c.public_url = "https://parc.example".into()).await;
    let form = app.get("/login").await;
    let cookie = form.header("set-cookie");
    assert!(cookie.starts_with("__Host-parc_csrf=") && cookie.contains("Secure"), "{cookie}");
    assert!(form.header("strict-transport-security").starts_with("max-age="));
}

#[tokio::test]
async fn each_role_sees_its_own_navigation() {
    let app = TestApp::new().await;
    let helpdesk = [
        "/",
        "/my-equipment",
        "/tickets",
        "/kb",
        "/assets",
        "/entities",
        "/locations",
        "/users",
        "/groups",
        "/asset-models",
        "/software",
    ];
    let managers: Vec<&str> =
        helpdesk.iter().copied().chain(["/imports", "/settings/helpdesk", "/inventory/agents"]).collect();
    let supervisors: Vec<&str> = helpdesk.iter().copied().chain(["/settings/helpdesk"]).collect();
    let expected: [(&str, &[&str]); 5] = [
        ("admin", &managers),
        ("pm_a", &managers),
        ("sup_a", &supervisors),
        ("tech_a", &helpdesk),
        ("emp_a", &["/", "/my-equipment", "/portal", "/kb"]),
    ];
    for (login, links) in expected {
        let session = app.login(login).await;
        let home = session.get("/").await;
        home.assert_status(StatusCode::OK);
        let document = scraper::Html::parse_document(&home.body);
        let selector = scraper::Selector::parse("nav.mainnav a").expect("selector");
        let hrefs: Vec<&str> = document.select(&selector).filter_map(|a| a.value().attr("href")).collect();
        assert_eq!(hrefs, links, "{login}");
    }
}

#[tokio::test]
async fn language_follows_the_person_then_the_browser() {
    let app = TestApp::new().await;
    let request = Request::get("/login")
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,fr;q=0.5")
        .body(Body::empty())
        .expect("request");
    let english = app.send(request).await;
    assert_eq!(english.texts("h1"), vec!["Log in to Parc".to_owned()]);
    let french = app.get("/login").await;
    assert_eq!(french.texts("h1"), vec!["Connexion à Parc".to_owned()]);
    let session = app.login("pm_a").await; // language "en" in the fixture
    assert!(session.get("/").await.body.contains("lang=\"en\""));
    session
        .post("/profile/language", &[("lang", "fr"), ("next", "/locations")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = session.get("/locations").await;
    assert!(page.body.contains("lang=\"fr\"") && page.texts("h1") == vec!["Lieux".to_owned()]);
    let next = session.post("/profile/language", &[("lang", "en"), ("next", "https://evil.example")]).await;
    assert_eq!(next.location(), "/");
}
