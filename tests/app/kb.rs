//! The knowledge base: full text in French and English, visibility, revisions,
//! and articles written from a ticket's solution.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn write(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.api(Some(token), Method::POST, "/api/v1/kb/articles", Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.json()
}

async fn titles(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let path = format!("/api/v1/kb/search?q={}", urlencode(q));
    let hits = app.api(Some(token), Method::GET, &path, None).await.json();
    hits.as_array().expect("hits").iter().map(|h| h["title"].as_str().unwrap_or_default().to_owned()).collect()
}

fn urlencode(q: &str) -> String {
    serde_urlencoded::to_string([("", q)]).expect("encode").trim_start_matches('=').to_owned()
}

#[tokio::test]
async fn search_understands_french_and_english_words_and_ranks_titles_first() {
    let app = TestApp::new().await;
    let tech = app.token("tech_a").await;
    let a = app.id_of("entities", "Filiale A").await;
    write(
        &app,
        &tech,
        json!({"entity_id": a, "lang": "fr", "title": "Ajouter une imprimante réseau",
        "body": "Ouvrez les paramètres, puis **Périphériques**."}),
    )
    .await;
    write(
        &app,
        &tech,
        json!({"entity_id": a, "lang": "fr", "title": "Installer le VPN",
        "body": "Si les imprimantes du bureau ne répondent plus, reconnectez le VPN."}),
    )
    .await;
    write(
        &app,
        &tech,
        json!({"entity_id": a, "lang": "en", "title": "Printer shows offline",
        "body": "Restart the printing spooler service."}),
    )
    .await;
    assert_eq!(titles(&app, &tech, "imprimantes").await, ["Ajouter une imprimante réseau", "Installer le VPN"]);
    assert_eq!(titles(&app, &tech, "printers").await, ["Printer shows offline"], "English stemming");
    assert_eq!(titles(&app, &tech, "imprimnte").await, ["Ajouter une imprimante réseau"], "a typo in the title");
    let hit = app.api(Some(&tech), Method::GET, "/api/v1/kb/search?q=spooler", None).await.json();
    assert!(hit[0]["excerpt"].as_str().is_some_and(|e| e.contains("«spooler»")), "{hit}");
    let list = app.api(Some(&tech), Method::GET, "/api/v1/kb/articles?q=VPN&lang=fr", None).await.json();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn employees_read_articles_for_everyone_of_their_entities_only() {
    let app = TestApp::new().await;
    let sup = app.token("sup_a").await;
    let a = app.id_of("entities", "Filiale A").await;
    let public = write(
        &app,
        &sup,
        json!({"entity_id": a, "title": "Changer son mot de passe", "body": "Profil, puis mot de passe."}),
    )
    .await;
    let internal = write(
        &app,
        &sup,
        json!({"entity_id": a, "visibility": "helpdesk", "title": "Réinitialiser un mot de passe AD",
        "body": "Console AD, clic droit sur le compte."}),
    )
    .await;
    let emp_a = app.token("emp_a").await;
    assert_eq!(
        titles(&app, &emp_a, "mot de passe").await,
        ["Changer son mot de passe"],
        "the helpdesk's article stays hidden"
    );
    let hidden = format!("/api/v1/kb/articles/{}", internal["id"].as_str().expect("id"));
    assert_eq!(app.api(Some(&emp_a), Method::GET, &hidden, None).await.status, StatusCode::NOT_FOUND);
    let page = app.login("emp_a").await.get(&format!("/kb/{}", public["id"].as_str().expect("id"))).await;
    page.assert_status(StatusCode::OK);
    let emp_b = app.token("emp_b").await;
    assert!(titles(&app, &emp_b, "mot de passe").await.is_empty(), "another subsidiary's articles");
    let shown = format!("/api/v1/kb/articles/{}", public["id"].as_str().expect("id"));
    assert_eq!(app.api(Some(&emp_b), Method::GET, &shown, None).await.status, StatusCode::NOT_FOUND);
    let denied = app
        .api(
            Some(&emp_a),
            Method::POST,
            "/api/v1/kb/articles",
            Some(json!({"entity_id": a, "title": "x", "body": "y"})),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "employees read, they do not write");
    // Suggestions while typing a ticket's title.
    let fragment = app.login("emp_a").await.get("/kb/suggest?title=mot%20de%20passe%20oubli%C3%A9").await;
    assert_eq!(fragment.texts("[data-testid=kb-suggestions] a"), ["Changer son mot de passe"]);
}

#[tokio::test]
async fn an_article_from_a_solution_keeps_its_ticket_and_every_revision() {
    let app = TestApp::new().await;
    let emp = app.token("emp_a").await;
    let ticket =
        app.api(Some(&emp), Method::POST, "/api/v1/tickets", Some(json!({"title": "Outlook plante"}))).await.json();
    let ticket_id = ticket["id"].as_str().expect("id").to_owned();
    let tech = app.token("tech_a").await;
    let solution = json!({"body": "Démarrer Outlook avec `/safe`, puis désactiver le complément."});
    app.api(Some(&tech), Method::POST, &format!("/api/v1/tickets/{ticket_id}/solve"), Some(solution)).await;

    let session = app.login("tech_a").await;
    let draft = session.get(&format!("/kb/from-ticket/{ticket_id}")).await;
    draft.assert_status(StatusCode::OK);
    assert!(
        draft.body.contains("Outlook plante") && draft.body.contains("/safe"),
        "the draft has the title and solution"
    );
    let a = app.id_of("entities", "Site A1").await.to_string();
    let created = session
        .post(
            "/kb",
            &[
                ("title", "Outlook plante au démarrage"),
                ("body", "Démarrer Outlook avec `/safe`."),
                ("lang", "fr"),
                ("visibility", "everyone"),
                ("entity_id", &a),
                ("ticket_id", &ticket_id),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let article_path = created.location().to_owned();
    let page = session.get(&article_path).await;
    assert!(page.body.contains(&format!("/tickets/{ticket_id}")), "the article links its ticket");
    assert!(page.body.contains("<code>/safe</code>"));

    let id = article_path.trim_start_matches("/kb/");
    let api_path = format!("/api/v1/kb/articles/{id}");
    let current = app.api(Some(&tech), Method::GET, &api_path, None).await.json();
    let version = current["version"].as_i64().expect("version");
    let patch = json!({"version": version, "body": "Démarrer Outlook avec `/safe`, puis retirer le complément PDF."});
    assert_eq!(app.api(Some(&tech), Method::PATCH, &api_path, Some(patch.clone())).await.status, StatusCode::OK);
    let stale = app.api(Some(&tech), Method::PATCH, &api_path, Some(patch)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "an edit from the old version is refused");
    let revisions = app.api(Some(&tech), Method::GET, &format!("{api_path}/revisions"), None).await.json();
    let versions: Vec<i64> =
        revisions.as_array().expect("revisions").iter().filter_map(|r| r["version"].as_i64()).collect();
    assert_eq!(versions, [2, 1]);
    assert!(revisions[1]["body"].as_str().is_some_and(|b| !b.contains("PDF")), "the first text is kept");
}

#[tokio::test]
async fn article_bodies_are_sanitised() {
    let app = TestApp::new().await;
    let tech = app.token("tech_a").await;
    let a = app.id_of("entities", "Filiale A").await;
    let body = "<script>alert(1)</script> [clic](javascript:alert(1)) <img src=x onerror=alert(1)> **ok**";
    let article = write(&app, &tech, json!({"entity_id": a, "title": "<b>Titre</b>", "body": body})).await;
    let page = app.login("tech_a").await.get(&format!("/kb/{}", article["id"].as_str().expect("id"))).await;
    let shown = page.texts("[data-testid=article-body]").join(" ");
    assert!(shown.contains("ok"));
    // Whatever stays is text: no element runs script or leaves the site.
    for banned in ["script", "img", "[onerror]", "a[href^='javascript']", "b"] {
        assert!(!page.has(&format!("[data-testid=article-body] {banned}")), "{banned} in {shown}");
    }
    assert!(!page.body.contains("<b>Titre"), "the title is escaped");
}
