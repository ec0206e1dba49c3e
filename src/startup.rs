//! Opening the database (the embedded cluster or DATABASE_URL), the first
//! administrator, and serving until a signal asks to stop.

use anyhow::Context;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    audit::AuditActor,
    auth::password,
    config::Config,
    db::{self, embedded::EmbeddedPg},
    org::users::db as users_db,
    routes,
    state::AppState,
};

/// The pool, and the embedded cluster when Parc runs its own.
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPg>,
}

impl Database {
    /// Connect (starting the embedded cluster if needed), migrate, check durability.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        let (url, embedded) = match &config.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let cluster = EmbeddedPg::ensure_running(&config.data_dir, config.pg_bin.as_deref()).await?;
                (cluster.url(db::embedded::DATABASE), Some(cluster))
            }
        };
        let pool = db::connect(&url, config.db_pool).await?;
        db::check_durability(&pool).await?;
        db::migrate(&pool).await?;
        Ok(Self { pool, embedded })
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            cluster.stop_if_started_here().await?;
        }
        Ok(())
    }
}

/// On an empty database: a root entity and the `admin` account, with the
/// password from PARC_ADMIN_PASSWORD or a random one logged once.
pub async fn ensure_admin(pool: &PgPool, config: &Config) -> anyhow::Result<()> {
    let any_user = sqlx::query_scalar!(r#"select exists (select 1 from users) as "any!""#).fetch_one(pool).await?;
    if any_user {
        return Ok(());
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.clone(), false),
        None => (crate::auth::secret::new_secret()[..20].to_owned(), true),
    };
    password::check_policy(&password, "password")
        .map_err(|_| anyhow::anyhow!("PARC_ADMIN_PASSWORD must have at least {} characters", password::MIN_LENGTH))?;
    let hash = password::hash(password.clone()).await?;
    let actor = AuditActor::system();
    let root = root_entity(pool, &actor).await?;
    users_db::insert_bootstrap_admin(pool, &actor, root, &hash).await.context("cannot create the admin account")?;
    if generated {
        // The one time a password is written to the log, as the operator needs it.
        tracing::warn!("created the account `admin` with the password {password} — change it after logging in");
    } else {
        tracing::info!("created the account `admin` with the password from PARC_ADMIN_PASSWORD");
    }
    Ok(())
}

async fn root_entity(pool: &PgPool, actor: &AuditActor) -> anyhow::Result<Uuid> {
    if let Some(id) = crate::org::entities::top(pool).await? {
        return Ok(id);
    }
    let input = crate::org::entities::domain::EntityInput {
        name: "Organisation".into(),
        parent_id: None,
        kind: "group".into(),
        country: String::new(),
        notes: String::new(),
    };
    Ok(crate::org::entities::insert(pool, actor, &input).await?.id)
}

/// `parc serve`: until SIGINT or SIGTERM, then stop the embedded cluster if we started it.
pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let database = Database::open(&config).await?;
    ensure_admin(&database.pool, &config).await?;
    crate::inventory::db::write_defaults(&database.pool).await?;
    if let Some(secret) = &config.inventory_secret {
        crate::inventory::db::set_shared_secret(&database.pool, secret).await?;
    }
    if demo {
        crate::demo::load(&database.pool).await?;
    }
    password::prepare();
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let mailer = crate::notify::mail::Mailer::from_config(&config).context("mail settings")?;
    if mailer.is_none() {
        tracing::info!("no SMTP server configured (PARC_SMTP_HOST): mail waits in the outbox");
    }
    let worker = crate::jobs::spawn_worker(database.pool.clone(), crate::jobs::Services { mailer });
    let notices = crate::helpdesk::notices::spawn_delivery(database.pool.clone());
    let app = routes::app(AppState::new(database.pool.clone(), config));
    tracing::info!(%address, ready_in_ms = started.elapsed().as_millis() as u64, "Parc is listening on http://{address}");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopping");
    worker.abort();
    notices.abort();
    database.close().await?;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
