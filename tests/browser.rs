//! End to end in a real browser: the `parc` binary (with its own embedded
//! PostgreSQL) and Debian's Chromium driven through chromedriver, doing what
//! people do: sign in, create a colleague, sign out, sign in as them, change
//! language; a park manager registers a laptop, checks it out to an employee
//! and prints its label; the employee finds it in My equipment. Needs the
//! `chromium` and `chromium-driver` packages.

#[path = "support/server.rs"]
mod server;
#[path = "browser/webdriver.rs"]
mod webdriver;

use std::{
    fs::File,
    ops::Deref,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use server::{Server, free_port, print_log_tail, scratch_dir};
use webdriver::{Session, WdResult};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ADMIN_PASSWORD: &str = "admin-password-2026";
const EMMA_PASSWORD: &str = "emma-password-2026";
const PIERRE_PASSWORD: &str = "pierre-password-2026";

#[test]
fn people_sign_in_and_a_laptop_goes_from_the_park_manager_to_an_employee() {
    let started = Instant::now();
    let step = |name: &str| eprintln!("[{:>6.1}s] {name}", started.elapsed().as_secs_f64());
    for (binary, what) in [(CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")] {
        assert!(
            Path::new(binary).is_file(),
            "{what} is missing ({binary}): the browser test needs `apt-get install chromium chromium-driver`"
        );
    }

    // Declared first, so dropped last: the browser closes before the server stops.
    let server = Server::start(&[("PARC_ADMIN_PASSWORD", ADMIN_PASSWORD)]);
    step("server ready");
    let browser = Browser::start();
    step("browser ready");
    let url = |path: &str| format!("{}{path}", server.url);

    // a. The administrator signs in and sees the whole navigation.
    sign_in(&browser, &url("/login"), "admin", ADMIN_PASSWORD);
    let links = nav_links(&browser);
    for href in ["/entities", "/locations", "/users", "/groups"] {
        assert!(links.iter().any(|l| l == href), "the admin's navigation lacks {href}: {links:?}");
    }
    step("admin signed in");

    // b. They create Emma, an employee with a password.
    browser.goto(&url("/users/new")).expect("open the new-person form");
    type_into(&browser, "#f-login", "emma.b");
    type_into(&browser, "#f-name", "Emma Browser");
    type_into(&browser, "#f-email", "emma.b@example.org");
    let employee = browser.find(r#"#f-role option[value="employee"]"#).expect("the employee role is offered");
    browser.click(&employee).expect("choose the employee role");
    type_into(&browser, "#f-password", EMMA_PASSWORD);
    click(&browser, r#"form[action="/users"] button[type="submit"]"#);
    let users_prefix = url("/users/");
    browser
        .wait_until("the new person's page", |b| {
            let current = b.current_url()?;
            let id = current.strip_prefix(&users_prefix).unwrap_or_default();
            Ok(uuid::Uuid::parse_str(id).is_ok().then_some(()))
        })
        .unwrap_or_else(|e| panic!("creating Emma did not lead to her page: {e}; {}", page_errors(&browser)));
    let main = text_of(&browser, "main");
    assert!(main.contains("Emma Browser"), "her page does not show her name: {main}");
    let flash = text_of(&browser, ".flash-success");
    assert!(!flash.trim().is_empty(), "no confirmation after creating her");
    step("Emma created");

    // c. Sign out: back to the login form.
    click(&browser, r#"form[action="/logout"] button"#);
    browser.find("#f-login").expect("signing out shows the login form");
    step("admin signed out");

    // d. Emma signs in: an employee sees Home, her equipment and her tickets; people are not for her.
    sign_in(&browser, &url("/login"), "emma.b", EMMA_PASSWORD);
    assert_eq!(nav_links(&browser), ["/", "/my-equipment", "/portal", "/kb"], "an employee's navigation");
    browser.goto(&url("/users")).expect("open /users");
    assert_eq!(text_of(&browser, ".error-code"), "403", "an employee may not list people");
    step("Emma signed in");

    // e. She switches to the other language and back. Her first language is
    // whatever the admin's browser used when creating her, so read it first.
    browser.goto(&url("/")).expect("open the home page");
    let first = html_lang(&browser).expect("read <html lang>");
    let other = if first == "fr" { "en" } else { "fr" };
    switch_language(&browser, other);
    switch_language(&browser, &first);
    step("language switched and back");

    // f. The home page has its styles; keep a screenshot for people to look at.
    let styled = browser
        .execute(
            "const link = document.querySelector('link[rel=stylesheet]');\
             return !!(link && link.sheet && link.sheet.cssRules.length > 0);",
            Vec::new(),
        )
        .expect("ask the page about its stylesheet");
    assert_eq!(styled, json!(true), "the home page's stylesheet did not load");
    let png = browser.screenshot().expect("take a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-home.png");
    std::fs::write(&shot, png).expect("save the screenshot");
    step(&format!("screenshot saved to {}", shot.display()));
    click(&browser, r#"form[action="/logout"] button"#);
    browser.find("#f-login").expect("Emma signs out");

    // g. The park manager's day: the admin creates Pierre, a park manager.
    sign_in(&browser, &url("/login"), "admin", ADMIN_PASSWORD);
    create_person(&browser, &url, "pierre.pm", "Pierre Parc", "park_manager", PIERRE_PASSWORD);
    click(&browser, r#"form[action="/logout"] button"#);
    sign_in(&browser, &url("/login"), "pierre.pm", PIERRE_PASSWORD);
    step("Pierre, park manager, signed in");

    // h. He adds a laptop model to the catalog, then registers a laptop of that model.
    browser.goto(&url("/asset-models/new")).expect("open the new-model form");
    type_into(&browser, "#f-name", "EliteBook 840");
    choose(&browser, "#f-category_id", "Portable");
    click(&browser, r#"form[action="/asset-models"] button[type="submit"]"#);
    wait_for_flash(&browser, "the model is created");
    browser.goto(&url("/assets/new")).expect("open the new-asset form");
    type_into(&browser, "#f-name", "Portable d'Emma");
    type_into(&browser, "#f-serial", "5CG4242E2E");
    choose(&browser, "#f-model_id", "EliteBook 840");
    choose(&browser, "#f-status_id", "En stock");
    choose(&browser, "#f-entity_id", "Organisation");
    click(&browser, r#"form[action="/assets"] button[type="submit"]"#);
    wait_for_flash(&browser, "the asset is created");
    let title = text_of(&browser, "h1");
    let tag = title
        .split_whitespace()
        .find(|w| w.starts_with("PT-"))
        .unwrap_or_else(|| panic!("no tag in {title:?}"))
        .to_owned();
    let asset_page = browser.current_url().expect("the asset's address");
    step(&format!("asset {tag} registered"));

    // i. He checks it out to Emma.
    click(&browser, "[data-testid=checkout-link]");
    choose(&browser, "#f-user_id", "Emma Browser");
    click(&browser, r#"form[action$="/checkout"] button[type="submit"]"#);
    wait_for_flash(&browser, "the asset is checked out");
    let holder = text_of(&browser, "[data-testid=holder]");
    assert!(holder.contains("Emma Browser"), "the asset page does not say Emma holds it: {holder}");
    step("checked out to Emma");

    // j. He opens its label: a QR code and a barcode, ready to print.
    browser.goto(&format!("{asset_page}/label")).expect("open the label");
    let label = text_of(&browser, "[data-testid=label]");
    assert!(label.contains(&tag), "the label does not show the tag {tag}: {label}");
    for part in ["[data-testid=qr] svg", "[data-testid=barcode] svg"] {
        browser.find(part).unwrap_or_else(|e| panic!("the label lacks {part}: {e}"));
    }
    step("label shown");
    browser.goto(&asset_page).expect("back to the asset page");
    click(&browser, r#"form[action="/logout"] button"#);

    // k. Emma sees the laptop in My equipment.
    sign_in(&browser, &url("/login"), "emma.b", EMMA_PASSWORD);
    browser.goto(&url("/my-equipment")).expect("open My equipment");
    let mine = text_of(&browser, "[data-testid=mine]");
    assert!(mine.contains(&tag) && mine.contains("EliteBook 840"), "Emma's equipment lacks {tag}: {mine}");
    step("Emma sees it in My equipment");

    // l. Her laptop overheats: she asks for help from the portal, about it.
    browser.goto(&url("/portal")).expect("open the portal");
    click(&browser, "[data-testid=portal-problem]");
    type_into(&browser, "#f-title", "Mon portable chauffe");
    choose(&browser, "#f-asset_id", &tag);
    click_and_wait(&browser, r#"form[action="/portal/new"] button[type="submit"]"#, "the request is sent");
    let ticket_page = browser.current_url().expect("the ticket's address");
    assert!(text_of(&browser, "main").contains(&tag), "the ticket names her laptop");
    sign_out(&browser);
    step("Emma asked for help about her laptop");

    // m. Pierre takes it, answers her, notes something for the helpdesk only, and solves it.
    sign_in(&browser, &url("/login"), "pierre.pm", PIERRE_PASSWORD);
    browser.goto(&ticket_page).expect("open the ticket");
    click_and_wait(&browser, "[data-testid=take]", "the ticket is taken");
    type_into(&browser, "#followup-body", "Public: dépoussiérez la grille d'aération");
    click_and_wait(&browser, r#"form[action$="/followups"] button[type="submit"]"#, "the public followup is added");
    type_into(&browser, "#followup-body", "Private: ventilateur en fin de vie");
    click(&browser, "#followup-private");
    click_and_wait(&browser, r#"form[action$="/followups"] button[type="submit"]"#, "the private followup is added");
    type_into(&browser, "#solution-body", "Ventilateur remplacé");
    click_and_wait(&browser, r#"form[action$="/solve"] button[type="submit"]"#, "the ticket is solved");
    sign_out(&browser);
    step("Pierre solved it");

    // n. Emma sees the public answer only, accepts the solution and rates the service.
    sign_in(&browser, &url("/login"), "emma.b", EMMA_PASSWORD);
    browser.goto(&ticket_page).expect("open her ticket");
    let timeline = text_of(&browser, "[data-testid=timeline]");
    assert!(timeline.contains("dépoussiérez") && timeline.contains("Ventilateur remplacé"), "{timeline}");
    assert!(!timeline.contains("fin de vie"), "a private followup reached the requester: {timeline}");
    click_and_wait(&browser, r#"button[name="answer"][value="accept"]"#, "the solution is accepted");
    click(&browser, r#"input[name="rating"][value="5"]"#);
    click_and_wait(&browser, r#"form[action$="/satisfaction"] button[type="submit"]"#, "the rating is sent");
    let rated = text_of(&browser, "[data-testid=survey-rating]");
    assert!(rated.contains('5'), "her rating is not shown: {rated}");
    step("Emma accepted and rated it");
    sign_out(&browser);

    // o. Pierre, who runs the helpdesk as a supervisor, sees it in the dashboard.
    sign_in(&browser, &url("/login"), "pierre.pm", PIERRE_PASSWORD);
    browser.goto(&url("/tickets/dashboard")).expect("open the dashboard");
    let satisfaction = text_of(&browser, "[data-testid=satisfaction-average]");
    assert!(satisfaction.contains("5 / 5 (1)"), "the rating is not counted: {satisfaction}");
    click(&browser, "[data-testid=per-day] summary");
    let today = text_of(&browser, "[data-testid=per-day] tbody tr:last-child");
    let counts: Vec<&str> = today.split_whitespace().skip(1).collect();
    assert_eq!(counts, ["1", "1"], "today: one created, one solved ({today})");
    step("the dashboard counts it");
}

/// Fill the new-person form with a role and a password.
fn create_person(browser: &Session, url: &dyn Fn(&str) -> String, login: &str, name: &str, role: &str, password: &str) {
    browser.goto(&url("/users/new")).expect("open the new-person form");
    type_into(browser, "#f-login", login);
    type_into(browser, "#f-name", name);
    type_into(browser, "#f-email", &format!("{login}@example.org"));
    let option = browser.find(&format!(r#"#f-role option[value="{role}"]"#)).expect("the role is offered");
    browser.click(&option).expect("choose the role");
    type_into(browser, "#f-password", password);
    click(browser, r#"form[action="/users"] button[type="submit"]"#);
    wait_for_flash(browser, &format!("{login} is created"));
}

/// Select the option of `select` whose text contains `label`.
fn choose(browser: &Session, select: &str, label: &str) {
    let element = browser.find(select).unwrap_or_else(|e| panic!("no {select}: {e}"));
    let chosen = browser
        .execute(
            "const option = [...arguments[0].options].find(o => o.text.includes(arguments[1]));\
             if (option) { arguments[0].value = option.value; } return !!option;",
            vec![Session::arg(&element), json!(label)],
        )
        .expect("choose an option");
    assert_eq!(chosen, json!(true), "{select} offers no {label:?}");
}

/// Sign out and wait for the login form.
fn sign_out(browser: &Session) {
    let old = browser.find("html").expect("the current page");
    click(browser, r#"form[action="/logout"] button"#);
    browser.wait_until("signing out", |b| Ok(b.text(&old).is_err().then_some(()))).expect("the page changes");
    browser.find("#f-login").expect("signing out shows the login form");
}

/// Click, wait for the next page to replace this one, then for its confirmation
/// (the page being left may show an older one).
fn click_and_wait(browser: &Session, css: &str, what: &str) {
    let old = browser.find("html").expect("the current page");
    click(browser, css);
    browser
        .wait_until(what, |b| Ok(b.text(&old).is_err().then_some(())))
        .unwrap_or_else(|e| panic!("{what}: the page did not change ({e}); {}", page_errors(browser)));
    wait_for_flash(browser, what);
}

/// Wait for the confirmation a successful form leads to.
fn wait_for_flash(browser: &Session, what: &str) {
    browser
        .find(".flash-success")
        .unwrap_or_else(|e| panic!("{what}: no confirmation ({e}); {}", page_errors(browser)));
}

/// Fill the login form at `login_url` and wait for the signed-in navigation.
fn sign_in(browser: &Session, login_url: &str, login: &str, password: &str) {
    browser.goto(login_url).expect("open the login page");
    type_into(browser, "#f-login", login);
    type_into(browser, "#f-password", password);
    click(browser, r#"form[action="/login"] button[type="submit"]"#);
    browser.find("nav.mainnav").unwrap_or_else(|e| panic!("{login} could not sign in: {e}; {}", page_errors(browser)));
}

/// Pick `lang` in the top bar's language form and press its button. The
/// value is set without a `change` event: app.js submits the form on change,
/// and this checks the button people without JavaScript use.
fn switch_language(browser: &Session, lang: &str) {
    let select = browser.find("#lang-select").expect("the language picker");
    browser
        .execute("arguments[0].value = arguments[1];", vec![Session::arg(&select), json!(lang)])
        .expect("choose a language");
    click(browser, r#"form[action="/profile/language"] button"#);
    browser
        .wait_until(&format!("<html lang=\"{lang}\">"), |b| Ok((html_lang(b)? == lang).then_some(())))
        .expect("the page comes back in the chosen language");
    let expected = if lang == "fr" { "Se déconnecter" } else { "Log out" };
    assert_eq!(text_of(browser, r#"form[action="/logout"] button"#), expected, "logout button in {lang}");
}

fn type_into(browser: &Session, css: &str, text: &str) {
    let field = browser.find(css).unwrap_or_else(|e| panic!("no field {css}: {e}"));
    browser.send_keys(&field, text).unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}

fn click(browser: &Session, css: &str) {
    let element = browser.find(css).unwrap_or_else(|e| panic!("nothing to click at {css}: {e}"));
    browser.click(&element).unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

fn text_of(browser: &Session, css: &str) -> String {
    let element = browser.find(css).unwrap_or_else(|e| panic!("no {css}: {e}"));
    browser.text(&element).unwrap_or_else(|e| panic!("no text in {css}: {e}"))
}

/// `<html lang>`, read by a script so no element reference can go stale
/// while a new page replaces the current one.
fn html_lang(browser: &Session) -> WdResult<String> {
    let lang = browser.execute("return document.documentElement.lang;", Vec::new())?;
    Ok(lang.as_str().unwrap_or_default().to_owned())
}

/// The `href` of every link of the main navigation.
fn nav_links(browser: &Session) -> Vec<String> {
    let links = browser.find_all("nav.mainnav a").expect("read the navigation");
    links.iter().map(|link| browser.attribute(link, "href").expect("read a link").unwrap_or_default()).collect()
}

/// Messages a form shows when it refuses, to explain a failed step.
fn page_errors(browser: &Session) -> String {
    let texts: WdResult<Vec<String>> = browser
        .find_all(".flash-error, .field-error, .error-code")
        .and_then(|all| all.iter().map(|e| browser.text(e)).collect());
    let url = browser.current_url().unwrap_or_default();
    format!("page {url} says {:?}", texts.unwrap_or_default())
}

/// A port nobody listens on right now.
/// chromedriver on a free port, with its log and Chromium's profile in a scratch folder.
struct Driver {
    child: Child,
    dir: PathBuf,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            print_log_tail("chromedriver", &self.dir.join("chromedriver.log"));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A headless Chromium session; the session ends (and the browser closes) on drop.
struct Browser {
    session: Session,
    _driver: Driver,
}

impl Browser {
    fn start() -> Self {
        let dir = scratch_dir("parc-chrome");
        let port = free_port();
        let log = File::create(dir.join("chromedriver.log")).expect("create the chromedriver log");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("share the chromedriver log"))
            .stderr(log)
            .spawn()
            .expect("start chromedriver (apt-get install chromium chromium-driver)");
        let mut driver = Driver { child, dir, url: format!("http://127.0.0.1:{port}") };
        driver_ready(&mut driver);
        let profile = driver.dir.join("profile");
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,800",
        ];
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let session = Session::new(&driver.url, capabilities).unwrap_or_else(|e| panic!("cannot start Chromium: {e}"));
        Self { session, _driver: driver }
    }
}

/// Poll chromedriver's /status until it accepts sessions.
fn driver_ready(driver: &mut Driver) {
    let agent = webdriver::agent();
    let status = format!("{}/status", driver.url);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(code)) = driver.child.try_wait() {
            panic!("chromedriver exited at start ({code})");
        }
        let ready = agent.get(&status).call().ok().and_then(|mut r| r.body_mut().read_json::<Value>().ok());
        if ready.is_some_and(|v| v["value"]["ready"] == json!(true)) {
            return;
        }
        assert!(Instant::now() < deadline, "chromedriver was not ready within 10 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Deref for Browser {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Err(error) = self.session.delete() {
            eprintln!("could not end the browser session: {error}");
        }
    }
}
