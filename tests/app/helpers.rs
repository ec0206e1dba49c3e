//! The test harness: a real PostgreSQL (the embedded launcher, or
//! DATABASE_URL), one migrated template database with a fixture organisation,
//! and a fresh copy of it for every test. Requests go straight into the router.

use std::{
    net::SocketAddr,
    sync::{
        Mutex, OnceLock,
        atomic::{AtomicU32, Ordering},
    },
};

use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use parc::{
    audit::AuditActor,
    auth::{password, permission::Role},
    config::Config,
    db::{self, embedded::EmbeddedPg},
    org::{
        entities::{self, domain::EntityInput},
        groups::{self, domain::GroupInput},
        locations::{self, domain::LocationInput},
        users::{
            db as users_db,
            domain::{RoleGrant, UserInput},
        },
    },
    routes,
    state::AppState,
};
use serde_json::Value;
use sqlx::{Connection, PgConnection, PgPool};
use tower::ServiceExt;
use uuid::Uuid;

/// Password of every fixture account.
pub const PASSWORD: &str = "correct-horse-battery";

/// The fixture database every test copies; one per test process, so runs
/// sharing a server (DATABASE_URL) never drop each other's template.
fn template() -> String {
    format!("parc_test_template_{}", std::process::id())
}

struct Shared {
    /// URL of a database to run CREATE DATABASE from.
    admin_url: String,
    /// URL of database `name`.
    url_of: Box<dyn Fn(&str) -> String + Send + Sync>,
}

static SHARED: OnceLock<Shared> = OnceLock::new();

fn shared() -> &'static Shared {
    SHARED.get_or_init(|| {
        // The template outlives every test's runtime, so build it on its own.
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(prepare())
        })
        .join()
        .expect("test database setup panicked")
    })
}

async fn prepare() -> Shared {
    let shared = match std::env::var("DATABASE_URL") {
        Ok(url) => {
            let base = url.clone();
            Shared {
                admin_url: url,
                url_of: Box::new(move |name| match base.rsplit_once('/') {
                    Some((server, rest)) => {
                        let query = rest.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
                        format!("{server}/{name}{query}")
                    }
                    None => base.clone(),
                }),
            }
        }
        Err(_) => {
            let folder = std::env::temp_dir().join(format!("parc-test-{}", std::process::id()));
            let cluster = EmbeddedPg::ensure_running(&folder, None).await.expect("embedded PostgreSQL for tests");
            cluster.stop_and_remove_after_exit_of(std::process::id(), &folder).expect("cluster watchdog");
            let admin_url = cluster.url("postgres");
            let template_url = cluster.url("{}");
            Shared { admin_url, url_of: Box::new(move |name| template_url.replace("{}", name)) }
        }
    };
    let mut admin = PgConnection::connect(&shared.admin_url).await.expect("connect to the test server");
    let template = template();
    sqlx::query(&format!("drop database if exists {template} with (force)"))
        .execute(&mut admin)
        .await
        .expect("drop template");
    sqlx::query(&format!("create database {template}")).execute(&mut admin).await.expect("create template");
    let pool = db::connect(&(shared.url_of)(&template), 4).await.expect("connect template");
    db::migrate(&pool).await.expect("migrate template");
    parc::inventory::db::write_defaults(&pool).await.expect("inventory defaults");
    seed(&pool).await;
    pool.close().await;
    shared
}

/// The fixture organisation: a group with subsidiaries A (with site A1) and B,
/// a location and a team in each, and one person per role in each.
async fn seed(pool: &PgPool) {
    let actor = AuditActor::system();
    let entity = |name: &str, parent: Option<Uuid>, kind: &str| EntityInput {
        name: name.into(),
        parent_id: parent,
        kind: kind.into(),
        country: "France".into(),
        notes: String::new(),
    };
    let root = entities::insert(pool, &actor, &entity("Groupe", None, "group")).await.expect("root").id;
    let a = entities::insert(pool, &actor, &entity("Filiale A", Some(root), "subsidiary")).await.expect("A").id;
    let a1 = entities::insert(pool, &actor, &entity("Site A1", Some(a), "site")).await.expect("A1").id;
    let b = entities::insert(pool, &actor, &entity("Filiale B", Some(root), "subsidiary")).await.expect("B").id;
    for (name, entity_id) in [("Bureau A", a), ("Bureau B", b)] {
        let place = LocationInput {
            entity_id,
            parent_id: None,
            name: name.into(),
            kind: "room".into(),
            address: String::new(),
            postcode: String::new(),
            city: "Paris".into(),
            country: String::new(),
            notes: String::new(),
        };
        locations::insert(pool, &actor, &place).await.expect("location");
    }
    let hash = password::hash(PASSWORD.into()).await.expect("hash");
    let people = [
        ("admin", Role::Admin, root),
        ("admin_a", Role::Admin, a),
        ("pm_a", Role::ParkManager, a),
        ("sup_a", Role::Supervisor, a),
        ("tech_a", Role::Technician, a),
        ("emp_a", Role::Employee, a1),
        ("pm_b", Role::ParkManager, b),
        ("tech_b", Role::Technician, b),
        ("emp_b", Role::Employee, b),
    ];
    let mut tech_a = Uuid::nil();
    for (login, role, entity_id) in people {
        let input = UserInput {
            login: login.into(),
            name: format!("Person {login}"),
            email: Some(format!("{login}@example.org")),
            phone: String::new(),
            entity_id,
            location_id: None,
            manager_id: None,
            language: "en".into(),
            time_zone: "Europe/Paris".into(),
            active: true,
        };
        let id =
            users_db::insert(pool, &actor, &input, Some(&hash), &[RoleGrant { role, entity_id }]).await.expect("user");
        if login == "tech_a" {
            tech_a = id;
        }
    }
    let mut dell = Uuid::nil();
    for name in ["Dell", "HP", "Lenovo"] {
        let maker = parc::assets::manufacturers::domain::ManufacturerInput {
            name: name.into(),
            url: String::new(),
            notes: String::new(),
        };
        let id = parc::assets::manufacturers::insert(pool, &actor, &maker).await.expect("manufacturer");
        if name == "Dell" {
            dell = id;
        }
    }
    let laptops: Uuid = sqlx::query_scalar("select id from asset_categories where name = 'Portable'")
        .fetch_one(pool)
        .await
        .expect("category");
    let model = parc::assets::models::domain::ModelInput {
        category_id: laptops,
        manufacturer_id: Some(dell),
        name: "Latitude 5440".into(),
        part_number: "LAT5440".into(),
        end_of_life: None,
        notes: String::new(),
    };
    let latitude = parc::assets::models::insert(pool, &actor, &model).await.expect("model");
    let in_stock: Uuid = sqlx::query_scalar("select id from asset_statuses where name = 'En stock'")
        .fetch_one(pool)
        .await
        .expect("status");
    for (tag, name, serial, entity_id) in
        [("PT-FIX-0001", "Fixture laptop A", "SN-A-1", a), ("PT-FIX-0002", "Fixture laptop B", "SN-B-1", b)]
    {
        let asset = parc::assets::register::domain::AssetInput {
            tag: Some(tag.into()),
            name: name.into(),
            serial: Some(serial.into()),
            model_id: latitude,
            status_id: in_stock,
            entity_id,
            location_id: None,
            assigned_user_id: None,
            assigned_group_id: None,
            supplier: String::new(),
            order_number: String::new(),
            invoice_number: String::new(),
            purchase_date: None,
            price: None,
            currency: "EUR".into(),
            warranty_end: None,
            notes: String::new(),
            custom: Default::default(),
        };
        parc::assets::register::db::insert(pool, &actor, &asset).await.expect("asset");
    }
    let mut team_a = Uuid::nil();
    for (name, entity_id, members) in [("Equipe A", a, vec![tech_a]), ("Equipe B", b, vec![])] {
        let team = GroupInput { entity_id, name: name.into(), description: String::new() };
        let id = groups::insert(pool, &actor, &team, &members).await.expect("group");
        if name == "Equipe A" {
            team_a = id;
        }
    }
    seed_helpdesk(pool, root, a, team_a).await;
    seed_software(pool).await;
    crate::standard_configurations::seed(pool).await;
    seed_licences(pool, a, b).await;
}

/// One catalogue entry nothing is installed from.
async fn seed_software(pool: &PgPool) {
    sqlx::query(
        "insert into software (name, publisher, category_id)
         values ('Fixture Suite', 'Fixture Corp', (select id from software_categories where name = 'Office'))",
    )
    .execute(pool)
    .await
    .expect("software");
}

/// Id of the fixture software "Acrobat Pro" (fixed, so specs can name it).
pub const ACROBAT: Uuid = Uuid::from_u128(0x0190_a4a0_0000_7000_8000_0000_00ac_0001);

/// A catalogue entry and a licence of it in each subsidiary.
async fn seed_licences(pool: &PgPool, a: Uuid, b: Uuid) {
    sqlx::query("insert into software (id, name, publisher) values ($1, 'Acrobat Pro', 'Adobe')")
        .bind(ACROBAT)
        .execute(pool)
        .await
        .expect("software");
    sqlx::query(
        "insert into licences (entity_id, software_id, name, kind, seats, licence_key)
         values ($1, $3, 'Acrobat A', 'per_device', 5, 'ACRA1-B2C3D-E4F5G-H6J7K'),
                ($2, $3, 'Acrobat B', 'per_device', 5, 'ACRB1-B2C3D-E4F5G-H6J7K')",
    )
    .bind(a)
    .bind(b)
    .bind(ACROBAT)
    .execute(pool)
    .await
    .expect("licences");
}

/// Office hours in Paris with the French holidays, a default service level
/// for the whole group, a faster one for A's workstation category, and a
/// calendar of A's own (used by nothing).
async fn seed_helpdesk(pool: &PgPool, root: Uuid, a: Uuid, team_a: Uuid) {
    let calendar: Uuid = sqlx::query_scalar(
        "insert into calendars (entity_id, name, week) values ($1, 'Heures de bureau', 'mon-fri 09:00-18:00') returning id",
    )
    .bind(root)
    .fetch_one(pool)
    .await
    .expect("calendar");
    let sla = |name: &str, entity: Uuid, own: [i32; 5], resolve: [i32; 5], default: bool| {
        sqlx::query_scalar::<_, Uuid>(
            "insert into slas (entity_id, name, calendar_id, own_minutes, resolve_minutes, is_default)
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(entity)
        .bind(name.to_owned())
        .bind(calendar)
        .bind(own.to_vec())
        .bind(resolve.to_vec())
        .bind(default)
        .fetch_one(pool)
    };
    sqlx::query("insert into calendars (entity_id, name, week) values ($1, 'Horaires atelier', 'mon-fri 08:00-17:00')")
        .bind(a)
        .execute(pool)
        .await
        .expect("A's calendar");
    sla("Standard", root, [480, 240, 120, 60, 30], [4800, 2400, 960, 480, 240], true).await.expect("sla");
    let fast = sla("Postes", a, [60, 60, 30, 30, 15], [960, 480, 240, 120, 60], false).await.expect("sla");
    sqlx::query(
        "insert into ticket_categories (entity_id, name, group_id, sla_id) values ($1, 'Poste de travail', $2, $3),
                ($4, 'Messagerie', null, null)",
    )
    .bind(a)
    .bind(team_a)
    .bind(fast)
    .bind(root)
    .execute(pool)
    .await
    .expect("ticket categories");
}

/// A fresh copy of the fixture database and the router over it.
pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// The same, with settings changed (throttling limits, https...).
    pub async fn with_config(change: impl FnOnce(&mut Config)) -> Self {
        let shared = shared();
        let name = format!("t_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let mut admin = PgConnection::connect(&shared.admin_url).await.expect("connect admin");
        sqlx::query(&format!("create database {name} template {}", template()))
            .execute(&mut admin)
            .await
            .expect("clone template");
        admin.close().await.ok();
        let url = (shared.url_of)(&name);
        let pool = db::connect(&url, 5).await.expect("connect test database");
        // A copy of the template carries the template's catalogue epoch; each
        // database has its own, as the inventory's cache of catalogue ids
        // (one per process, shared by the tests) tells databases apart by it.
        sqlx::query("update software_catalogue_generation set epoch = gen_random_uuid()")
            .execute(&pool)
            .await
            .expect("an epoch of its own");
        let mut config = Config::for_tests(url);
        change(&mut config);
        let router = routes::app(AppState::new(pool.clone(), config));
        Self { router, pool }
    }

    /// Send a request as if from `127.0.0.1` (unless it says otherwise).
    pub async fn send(&self, mut request: Request<Body>) -> TestResponse {
        if request.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        }
        let response = self.router.clone().oneshot(request).await.expect("router never fails");
        // What `parc serve` delivers a moment after each change.
        parc::helpdesk::notices::deliver_all(&self.pool).await.expect("deliver ticket notices");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        TestResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).expect("request")).await
    }

    /// Log in through the login form; the session can then browse and post forms.
    pub async fn login(&self, login: &str) -> Session<'_> {
        self.try_login(login, PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("login {login} failed: {} {}", r.status, r.body))
    }

    pub async fn try_login(&self, login: &str, password: &str) -> Result<Session<'_>, TestResponse> {
        let form = self.get("/login").await;
        let anon = cookie_value(&form.headers, "parc_csrf").expect("anonymous CSRF cookie");
        let body =
            serde_urlencoded::to_string([("login", login), ("password", password), ("_csrf", &anon), ("next", "/")])
                .expect("encode");
        let request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("parc_csrf={anon}"))
            .body(Body::from(body))
            .expect("request");
        let response = self.send(request).await;
        let Some(session) = cookie_value(&response.headers, "parc_session").filter(|v| !v.is_empty()) else {
            return Err(response);
        };
        let mut session = Session {
            app: self,
            cookie: format!("parc_session={session}"),
            csrf: String::new(),
            jar: Mutex::default(),
        };
        session.csrf = session.get("/profile").await.csrf_token().expect("csrf meta");
        Ok(session)
    }

    /// An API token from POST /api/v1/auth/login.
    pub async fn token(&self, login: &str) -> String {
        let response = self
            .api(
                None,
                Method::POST,
                "/api/v1/auth/login",
                Some(serde_json::json!({"login": login, "password": PASSWORD})),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "token login {login}: {}", response.body);
        response.json()["token"].as_str().expect("token").to_owned()
    }

    pub async fn api(&self, token: Option<&str>, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    /// Id of the row of `table` named `name`.
    pub async fn id_of(&self, table: &str, name: &str) -> Uuid {
        let column = match table {
            "users" => "login",
            "assets" => "tag",
            _ => "name",
        };
        sqlx::query_scalar(&format!("select id from {table} where {column} = $1"))
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("no {table} named {name}: {e}"))
    }

    /// History rows of an object: (action, actor label, source).
    pub async fn history(&self, kind: &str, id: Uuid) -> Vec<(String, String, String)> {
        sqlx::query_as(
            "select action, actor_label, source from audit_log where object_kind = $1 and object_id = $2 order by id",
        )
        .bind(kind)
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .expect("history")
    }
}

/// A logged-in browser: its session cookie, CSRF token and the other cookies
/// the server set (flash messages).
pub struct Session<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
    jar: Mutex<Vec<(String, String)>>,
}

impl Session<'_> {
    fn cookies(&self) -> String {
        let jar = self.jar.lock().expect("jar");
        std::iter::once(self.cookie.clone())
            .chain(jar.iter().map(|(k, v)| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Send with the cookies, and keep the cookies the response sets (but the session's own).
    async fn send(&self, mut request: Request<Body>) -> TestResponse {
        let cookies = HeaderValue::from_str(&self.cookies()).expect("cookie header");
        request.headers_mut().insert(header::COOKIE, cookies);
        let response = self.app.send(request).await;
        let mut jar = self.jar.lock().expect("jar");
        for set in response.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            let Some((name, value)) = set.split(';').next().and_then(|p| p.split_once('=')) else { continue };
            if name == "parc_session" {
                continue;
            }
            jar.retain(|(k, _)| k != name);
            if !value.is_empty() && !set.contains("Max-Age=0") {
                jar.push((name.to_owned(), value.to_owned()));
            }
        }
        response
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with(path, &[]).await
    }

    /// Get with extra headers (`hx-request` for a fragment).
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).expect("request")).await
    }

    /// Post a form with this session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &self.csrf));
        self.post_raw(path, &serde_urlencoded::to_string(&all).expect("encode"), &[]).await
    }

    /// Post a body as it is, with extra headers.
    pub async fn post_raw(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::post(path);
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body.to_owned())).expect("request")).await
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as received (compressed replies).
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn location(&self) -> &str {
        self.header("location")
    }

    pub fn csrf_token(&self) -> Option<String> {
        let document = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse("meta[name=csrf-token]").ok()?;
        document.select(&selector).next()?.value().attr("content").map(str::to_owned)
    }

    /// Texts of the elements matching a CSS selector.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let document = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse(css).expect("selector");
        document.select(&selector).map(|e| e.text().collect::<String>().trim().to_owned()).collect()
    }

    /// The values of attribute `name` of the elements matching a CSS selector.
    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        let document = scraper::Html::parse_document(&self.body);
        let selector = scraper::Selector::parse(css).expect("selector");
        document.select(&selector).filter_map(|e| e.value().attr(name).map(str::to_owned)).collect()
    }

    /// Whether an element matching a CSS selector exists.
    pub fn has(&self, css: &str) -> bool {
        !self.texts(css).is_empty()
    }

    /// The body without the per-request id, to compare two error pages.
    pub fn without_request_id(&self) -> String {
        self.body.lines().filter(|l| !l.contains("request-id") && !l.contains("csrf")).collect::<Vec<_>>().join("\n")
    }

    #[track_caller]
    pub fn assert_status(&self, expected: StatusCode) -> &Self {
        assert_eq!(self.status, expected, "body: {}", &self.body[..self.body.len().min(2000)]);
        self
    }
}

/// The value of cookie `name` in Set-Cookie headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
