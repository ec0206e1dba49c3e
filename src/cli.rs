//! The command line: `parc serve` (the default), `migrate`, `demo`, `user`,
//! `token`. Each command opens the same database as the server (joining the
//! embedded cluster when a server runs it).

use std::io::Read;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    audit::AuditActor,
    auth::{db as auth_db, password, permission::Role},
    config::Config,
    org::users::{
        db as users_db,
        domain::{RoleGrant, UserInput},
    },
    startup::{self, Database},
};

#[derive(Debug, Parser)]
#[command(name = "parc", version, about = "IT asset management and helpdesk", long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve {
        /// Load the demo organisation first.
        #[arg(long, env = "PARC_DEMO")]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo organisation (does nothing if it is already there).
    Demo,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Add a large generated organisation (for benchmarks).
    Generate {
        #[arg(long, default_value_t = 50)]
        entities: i32,
        #[arg(long, default_value_t = 500)]
        locations: i32,
        #[arg(long, default_value_t = 10_000)]
        users: i32,
        /// Assets (0: none), with a realistic spread of models, statuses, places and holders.
        #[arg(long, default_value_t = 0)]
        assets: i32,
        /// History rows on those assets (500 of them on the first one).
        #[arg(long, default_value_t = 0)]
        history: i32,
        /// Tickets (0: none) over two years, most of them closed.
        #[arg(long, default_value_t = 0)]
        tickets: i32,
        /// Followups on those tickets (50 of them on the first one).
        #[arg(long, default_value_t = 0)]
        followups: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a generated password unless --password-stdin.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// admin, park_manager, supervisor, technician or employee.
        #[arg(long, default_value = "employee")]
        role: String,
        /// Entity name (default: the top entity).
        #[arg(long)]
        entity: Option<String>,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (ends the person's sessions and tokens).
    Passwd {
        #[arg(long)]
        login: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token and print it once.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// Days before it expires.
        #[arg(long, default_value_t = 365)]
        days: i64,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => startup::serve(config, demo).await,
        other => {
            let database = Database::open(&config).await?;
            startup::ensure_admin(&database.pool, &config).await?;
            let outcome = run_tool(&database.pool, other).await;
            database.close().await?;
            outcome
        }
    }
}

async fn run_tool(pool: &PgPool, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { .. } | Command::Migrate => Ok(()),
        Command::Demo => crate::demo::load(pool).await,
        Command::Generate { entities, locations, users, assets, history, tickets, followups } => {
            let size = crate::generate::Size { entities, locations, users, assets, history, tickets, followups };
            crate::generate::organisation(pool, &size).await?;
            println!(
                "generated {entities} entities, {locations} locations, {users} people, {assets} assets, {history} history rows, \
                 {tickets} tickets, {followups} followups (password {})",
                crate::generate::GENERATED_PASSWORD
            );
            Ok(())
        }
        Command::User(UserCommand::Create { login, name, email, role, entity, password_stdin }) => {
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}"))?;
            let entity_id = find_entity(pool, entity.as_deref()).await?;
            let (password, generated) = read_or_generate_password(password_stdin)?;
            let input = UserInput {
                login,
                name,
                email,
                phone: String::new(),
                entity_id,
                location_id: None,
                manager_id: None,
                language: "fr".into(),
                time_zone: "Europe/Paris".into(),
                active: true,
            };
            let hash = password::hash(password.clone()).await?;
            let grants = [RoleGrant { role, entity_id }];
            users_db::insert(pool, &AuditActor::cli(), &input, Some(&hash), &grants)
                .await
                .map_err(|e| anyhow::anyhow!("cannot create the account: {e}"))?;
            println!("created {}", input.login);
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::User(UserCommand::Passwd { login, password_stdin }) => {
            let (user_id, _) =
                auth_db::credentials(pool, &login).await?.with_context(|| format!("no active account {login}"))?;
            let (password, generated) = read_or_generate_password(password_stdin)?;
            let hash = password::hash(password.clone()).await?;
            let mut tx = pool.begin().await?;
            auth_db::set_password(&mut tx, user_id, &hash).await?;
            crate::audit::record(
                &mut tx,
                crate::audit::Record {
                    kind: crate::auth::permission::ObjectKind::User,
                    object_id: user_id,
                    entity_id: None,
                    change: crate::audit::Change::Update,
                    before: Some(serde_json::json!({ "password": "" })),
                    after: Some(serde_json::json!({ "password": "changed" })),
                    actor: &AuditActor::cli(),
                },
            )
            .await?;
            tx.commit().await?;
            println!("password of {login} changed; their sessions and tokens ended");
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::User(UserCommand::List) => {
            let rows = sqlx::query!(
                r#"select u.login, u.name, u.active,
                          coalesce((select array_agg(distinct r.role::text) from role_grants r where r.user_id = u.id), '{}')
                            as "roles!"
                     from users u order by u.login"#
            )
            .fetch_all(pool)
            .await?;
            for row in rows {
                let state = if row.active { "active" } else { "disabled" };
                println!("{}\t{}\t{state}\t{}", row.login, row.name, row.roles.join(","));
            }
            Ok(())
        }
        Command::Token(TokenCommand::Create { login, name, days }) => {
            let (user_id, _) =
                auth_db::credentials(pool, &login).await?.with_context(|| format!("no active account {login}"))?;
            let expires = chrono::Utc::now() + chrono::Duration::days(days);
            let (secret, _) = auth_db::create_token(pool, user_id, &name, Some(expires)).await?;
            println!("{secret}");
            Ok(())
        }
    }
}

async fn find_entity(pool: &PgPool, name: Option<&str>) -> anyhow::Result<Uuid> {
    let found: Option<Uuid> = match name {
        Some(name) => {
            sqlx::query_scalar!(
                "select id from entities where lower(name) = lower($1) order by created_at limit 1",
                name
            )
            .fetch_optional(pool)
            .await?
        }
        None => crate::org::entities::top(pool).await?,
    };
    found.with_context(|| format!("no entity named {}", name.unwrap_or("(top)")))
}

fn read_or_generate_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let password = text.trim_end_matches(['\r', '\n']).to_owned();
        if password::check_policy(&password, "password").is_err() {
            bail!("the password must have {} to {} characters", password::MIN_LENGTH, password::MAX_LENGTH);
        }
        Ok((password, false))
    } else {
        Ok((crate::auth::secret::new_secret()[..20].to_owned(), true))
    }
}
