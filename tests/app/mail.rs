//! Mail against a real SMTP server on loopback: who receives what, in which
//! language, the retries, each person's choices, and titles that try to add
//! headers.

use axum::http::{Method, StatusCode};
use parc::{
    config::{Config, SmtpTls},
    notify::mail::{self, Mailer},
};
use serde_json::{Value, json};

use crate::{
    helpers::TestApp,
    smtp_sink::{Answer, Received, Sink},
};

async fn mailer_for(sink: &Sink) -> std::sync::Arc<Mailer> {
    let mut config = Config::for_tests(String::new());
    config.smtp_host = Some("127.0.0.1".into());
    config.smtp_port = Some(sink.port);
    config.smtp_tls = SmtpTls::None;
    config.public_url = "https://parc.example".into();
    Mailer::from_config(&config).expect("mail settings").expect("a mailer")
}

async fn open(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.api(Some(token), Method::POST, "/api/v1/tickets", Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.json()
}

/// Send what is due; the mails the sink received.
async fn deliver(app: &TestApp, mailer: &Mailer, sink: &Sink) -> Vec<Received> {
    mail::send_due(&app.pool, Some(mailer)).await.expect("outbox sent");
    sink.take()
}

fn to(mails: &[Received], address: &str) -> Vec<Received> {
    mails.iter().filter(|m| m.recipients.iter().any(|r| r == address)).cloned().collect()
}

#[tokio::test]
async fn people_receive_mail_about_their_tickets_in_their_language() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mailer = mailer_for(&sink).await;
    sqlx::query("update users set language = 'fr' where login = 'emp_a'").execute(&app.pool).await.expect("French");
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let ticket = open(&app, &emp, json!({"title": "Souris HS", "category_id": workstation})).await;
    let number = ticket["number"].as_i64().expect("number");
    let link = format!("https://parc.example/tickets/{}", ticket["id"].as_str().expect("id"));

    let mails = deliver(&app, &mailer, &sink).await;
    let created = to(&mails, "tech_a@example.org");
    assert_eq!(created.len(), 1, "the category's team hears of it: {mails:?}");
    assert_eq!(created[0].header("Subject").as_deref(), Some(format!("[#{number}] New ticket: Souris HS").as_str()));
    assert!(created[0].body().contains(&link), "{}", created[0].body());
    assert!(to(&mails, "emp_a@example.org").is_empty(), "nobody is mailed about their own act");
    assert!(deliver(&app, &mailer, &sink).await.is_empty(), "a mail is sent once");

    let tech = app.token("tech_a").await;
    let base = format!("/api/v1/tickets/{}", ticket["id"].as_str().expect("id"));
    app.api(
        Some(&tech),
        Method::POST,
        &format!("{base}/followups"),
        Some(json!({"body": "Stock vide", "private": true})),
    )
    .await
    .assert_status(StatusCode::CREATED);
    let mails = deliver(&app, &mailer, &sink).await;
    assert!(to(&mails, "emp_a@example.org").is_empty(), "a private followup never mails the requester: {mails:?}");

    app.api(Some(&tech), Method::POST, &format!("{base}/solve"), Some(json!({"body": "Souris remplacée"}))).await;
    let mails = deliver(&app, &mailer, &sink).await;
    let solved = to(&mails, "emp_a@example.org");
    assert_eq!(solved.len(), 1, "{mails:?}");
    let body = solved[0].body();
    assert!(body.starts_with("Bonjour Person emp_a"), "in the requester's language: {body}");
    assert!(body.contains("Acceptez ou refusez la solution") && body.contains(&link), "{body}");
    assert!(
        solved[0].header("Content-Type").is_some_and(|t| t.starts_with("text/plain")),
        "plain text, so nothing typed becomes markup"
    );
}

#[tokio::test]
async fn a_title_with_line_breaks_never_adds_a_header() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mailer = mailer_for(&sink).await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let title = "Imprimante\r\nBcc: victim@evil.example\r\nX-Injected: yes";
    open(&app, &emp, json!({"title": title, "category_id": workstation})).await;

    let mails = deliver(&app, &mailer, &sink).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.recipients, ["tech_a@example.org"], "no extra recipient");
    assert_eq!(mail.header("Bcc"), None);
    assert_eq!(mail.header("X-Injected"), None);
    let subject = mail.header("Subject").expect("a subject");
    assert!(subject.contains("Imprimante") && subject.contains("Bcc: victim@evil.example"), "{subject}");
}

#[tokio::test]
async fn each_person_chooses_the_mail_they_receive() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mailer = mailer_for(&sink).await;
    let tech = app.token("tech_a").await;
    let all = app.api(Some(&tech), Method::GET, "/api/v1/me/mail-preferences", None).await.json();
    assert_eq!(all["wanted"].as_array().map(Vec::len), Some(mail::EVENTS.len()), "everything by default: {all}");
    let unknown = json!({"wanted": ["ticket-created", "lottery-won"]});
    let refused = app.api(Some(&tech), Method::PUT, "/api/v1/me/mail-preferences", Some(unknown)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);

    // On the profile page: keep only followups.
    let page = app.login("tech_a").await;
    let saved = page.post("/profile/mail", &[("event", "ticket-followup")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let profile = page.get("/profile").await;
    assert!(profile.has("#mail input[value=ticket-followup][checked]"));
    assert!(!profile.has("#mail input[value=ticket-created][checked]"), "turned off");

    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let ticket = open(&app, &emp, json!({"title": "Clavier", "category_id": workstation})).await;
    assert!(to(&deliver(&app, &mailer, &sink).await, "tech_a@example.org").is_empty(), "creation turned off");
    // The in-app notification still arrives.
    let told: i64 = sqlx::query_scalar(
        "select count(*) from notifications n join users u on u.id = n.user_id where u.login = 'tech_a'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(told, 1);

    let base = format!("/api/v1/tickets/{}", ticket["id"].as_str().expect("id"));
    app.api(Some(&emp), Method::POST, &format!("{base}/followups"), Some(json!({"body": "Toujours cassé"})))
        .await
        .assert_status(StatusCode::CREATED);
    assert_eq!(to(&deliver(&app, &mailer, &sink).await, "tech_a@example.org").len(), 1, "followups kept");
}

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_is_given_up_when_refused() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mailer = mailer_for(&sink).await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    open(&app, &emp, json!({"title": "Écran", "category_id": workstation})).await;

    sink.answer(Answer::TryLater);
    assert!(deliver(&app, &mailer, &sink).await.is_empty());
    let (state, attempts, error): (String, i32, Option<String>) =
        sqlx::query_as("select state, attempts, last_error from mail_outbox").fetch_one(&app.pool).await.expect("row");
    assert_eq!((state.as_str(), attempts), ("queued", 1), "kept for later");
    assert!(error.is_some_and(|e| e.contains("451")));
    assert!(deliver(&app, &mailer, &sink).await.is_empty(), "not retried before its delay");

    sink.answer(Answer::Accept);
    sqlx::query("update mail_outbox set next_attempt_at = now()").execute(&app.pool).await.expect("time passes");
    assert_eq!(deliver(&app, &mailer, &sink).await.len(), 1, "sent once the server is back");

    open(&app, &emp, json!({"title": "Clavier", "category_id": workstation})).await;
    sink.answer(Answer::Refuse);
    deliver(&app, &mailer, &sink).await;
    let states: Vec<String> = sqlx::query_scalar("select state from mail_outbox order by created_at")
        .fetch_all(&app.pool)
        .await
        .expect("rows");
    assert_eq!(states, ["sent", "failed"], "a permanent refusal is not retried");
}

#[tokio::test]
async fn the_job_runner_sends_the_outbox_and_without_a_server_mail_waits() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    open(&app, &emp, json!({"title": "Écran", "category_id": workstation})).await;

    parc::jobs::schedule_recurring(&app.pool).await.expect("scheduled");
    let idle = parc::jobs::Services::default();
    while parc::jobs::run_next(&app.pool, &idle, "no-smtp").await.expect("queue") {}
    let queued: i64 = sqlx::query_scalar("select count(*) from mail_outbox where state = 'queued'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(queued, 1, "nothing lost without an SMTP server");

    sqlx::query("update jobs set run_at = now() where kind = $1 and state = 'queued'")
        .bind(mail::KIND)
        .execute(&app.pool)
        .await
        .expect("due now");
    let services = parc::jobs::Services { mailer: Some(mailer_for(&sink).await) };
    while parc::jobs::run_next(&app.pool, &services, "with-smtp").await.expect("queue") {}
    assert_eq!(sink.take().len(), 1);
}

/// A file attached through the API (`file_name` as typed, any characters).
async fn attach(app: &TestApp, token: &str, ticket: &str, name: &str, private: bool) -> Value {
    let request = axum::http::Request::post(format!(
        "/api/v1/tickets/{ticket}/attachments?file_name={}&private={private}",
        parc::web::urlencode(name)
    ))
    .header("authorization", format!("Bearer {token}"))
    .header("content-type", "application/octet-stream")
    .body(axum::body::Body::from(format!("contents of {name}")))
    .expect("request");
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.json()
}

/// How many notifications about a file `login` has, with the file's name.
async fn told_of_files(app: &TestApp, login: &str) -> Vec<String> {
    sqlx::query_scalar(
        "select n.args->>'file' from notifications n join users u on u.id = n.user_id
          where u.login = $1 and n.message = 'notify-ticket-attachment' order by n.created_at",
    )
    .bind(login)
    .fetch_all(&app.pool)
    .await
    .expect("notifications")
}

#[tokio::test]
async fn a_file_reaches_the_people_of_the_ticket_and_a_private_one_the_helpdesk_only() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mailer = mailer_for(&sink).await;
    let emp = app.token("emp_a").await;
    let workstation = app.id_of("ticket_categories", "Poste de travail").await;
    let ticket = open(&app, &emp, json!({"title": "Ecran noir", "category_id": workstation})).await;
    let ticket_id = ticket["id"].as_str().expect("id").to_owned();
    let number = ticket["number"].as_i64().expect("number");
    // An employee of another entity is a member of the ticket's team: they
    // hear of public news but do not see private items of this entity.
    sqlx::query(
        "insert into group_members (group_id, user_id)
         select g.id, u.id from groups g, users u where g.name = 'Equipe A' and u.login = 'emp_b'",
    )
    .execute(&app.pool)
    .await
    .expect("member");
    deliver(&app, &mailer, &sink).await;

    // A public file, named with markup and a line break that tries to add a header.
    let tech = app.token("tech_a").await;
    let name = "<img src=x onerror=alert(1)>\r\nBcc: victim@evil.example.txt";
    let stored = attach(&app, &tech, &ticket_id, name, false).await;
    let shown = stored["file_name"].as_str().expect("name").to_owned();
    assert_eq!(shown, "<img src=x onerror=alert(1)>Bcc: victim@evil.example.txt");
    let mails = deliver(&app, &mailer, &sink).await;
    let requester = to(&mails, "emp_a@example.org");
    assert_eq!(requester.len(), 1, "the requester hears of the file: {mails:?}");
    let mail = &requester[0];
    assert_eq!(mail.recipients, ["emp_a@example.org"], "no extra recipient");
    assert_eq!(mail.header("Bcc"), None);
    let subject = mail.header("Subject").expect("a subject");
    assert_eq!(subject, format!("[#{number}] New file: {shown} (Ecran noir)"));
    let body = mail.body();
    assert!(body.lines().any(|l| l == format!("File: {shown}")), "the mail names the file: {body}");
    assert!(body.contains(&format!("https://parc.example/tickets/{ticket_id}")), "{body}");
    assert!(mail.header("Content-Type").is_some_and(|t| t.starts_with("text/plain")), "nothing typed becomes markup");
    assert!(to(&mails, "tech_a@example.org").is_empty(), "nobody is mailed about their own act");
    assert_eq!(to(&mails, "emp_b@example.org").len(), 1, "the team hears of public news");
    assert_eq!(told_of_files(&app, "emp_a").await, [shown.as_str()]);
    let page = app.login("emp_a").await.get("/notifications").await;
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;") || page.body.contains("&#60;img"), "escaped");
    assert!(!page.body.contains("<img src=x"), "the name never becomes markup in the bell");

    // A private file, from a supervisor: the technician of the team hears of
    // it; the requester and the employee of the team never, anywhere.
    let sup = app.token("sup_a").await;
    attach(&app, &sup, &ticket_id, "mot-de-passe-bios.txt", true).await;
    let mails = deliver(&app, &mailer, &sink).await;
    let technician = to(&mails, "tech_a@example.org");
    assert_eq!(technician.len(), 1, "{mails:?}");
    assert!(technician[0].body().contains("File: mot-de-passe-bios.txt"), "{}", technician[0].body());
    assert_eq!(mails.len(), 1, "nobody else: {mails:?}");
    for login in ["emp_a", "emp_b"] {
        assert!(!told_of_files(&app, login).await.iter().any(|f| f.contains("bios")), "{login}: in-app");
        let queued: i64 = sqlx::query_scalar(
            "select count(*) from mail_outbox m join users u on u.id = m.user_id
              where u.login = $1 and m.args->>'file' like '%bios%'",
        )
        .bind(login)
        .fetch_one(&app.pool)
        .await
        .expect("outbox");
        assert_eq!(queued, 0, "{login}: no mail queued");
        let session = app.login(login).await;
        let bell = session.get("/notifications").await;
        assert!(!bell.body.contains("bios"), "{login}: the bell");
    }
    // The same holds for a private followup.
    let followup = json!({"body": "Mot de passe BIOS changé", "private": true});
    app.api(Some(&sup), Method::POST, &format!("/api/v1/tickets/{ticket_id}/followups"), Some(followup))
        .await
        .assert_status(StatusCode::CREATED);
    let mails = deliver(&app, &mailer, &sink).await;
    assert_eq!(mails.iter().map(|m| m.recipients.clone()).collect::<Vec<_>>(), [["tech_a@example.org"]]);
    let unread: i64 = sqlx::query_scalar(
        "select count(*) from notifications n join users u on u.id = n.user_id where u.login = 'emp_a' and n.read_at is null",
    )
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(unread, 1, "the requester's count holds the public file only");

    // Each person chooses: without files by mail, the bell still tells.
    let emp_wanted = json!({"wanted": ["ticket-followup", "ticket-solved", "ticket-closed", "ticket-survey"]});
    app.api(Some(&emp), Method::PUT, "/api/v1/me/mail-preferences", Some(emp_wanted))
        .await
        .assert_status(StatusCode::OK);
    attach(&app, &tech, &ticket_id, "photo.txt", false).await;
    let mails = deliver(&app, &mailer, &sink).await;
    assert!(to(&mails, "emp_a@example.org").is_empty(), "files turned off: {mails:?}");
    assert_eq!(told_of_files(&app, "emp_a").await.len(), 2);
}

#[tokio::test]
async fn a_file_mail_is_written_in_the_recipients_language() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mailer = mailer_for(&sink).await;
    sqlx::query("update users set language = 'fr' where login = 'emp_a'").execute(&app.pool).await.expect("French");
    let emp = app.token("emp_a").await;
    let ticket = open(&app, &emp, json!({"title": "Imprimante"})).await;
    deliver(&app, &mailer, &sink).await;
    let tech = app.token("tech_a").await;
    attach(&app, &tech, ticket["id"].as_str().expect("id"), "1e3", false).await;
    let mails = to(&deliver(&app, &mailer, &sink).await, "emp_a@example.org");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let body = mails[0].body();
    assert!(body.starts_with("Bonjour Person emp_a") && body.lines().any(|l| l == "Fichier : 1e3"), "{body}");
}
