//! Settings, all from environment variables (or the matching command-line
//! flags). `parc --help` lists every one; the README has the same table.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, ValueEnum};
use ipnet::IpNet;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or network).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// Settings shared by every subcommand.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// PostgreSQL server to use. Without it Parc runs its own private cluster
    /// in PARC_DATA_DIR from the PostgreSQL binaries installed on the machine.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder of the embedded PostgreSQL cluster (used without DATABASE_URL).
    #[arg(long, env = "PARC_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Folder holding initdb, pg_ctl and postgres; found automatically when unset
    /// (/usr/lib/postgresql/<version>/bin, then PATH).
    #[arg(long, env = "PARC_PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,

    /// Address and port the web server listens on.
    #[arg(long, env = "PARC_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: SocketAddr,

    /// Address people use to reach Parc. Cookies are marked Secure when it is https.
    #[arg(long, env = "PARC_PUBLIC_URL", default_value = "http://127.0.0.1:8080", global = true)]
    pub public_url: String,

    /// Password of the `admin` account created on first start (else a random one is logged once).
    #[arg(long, env = "PARC_ADMIN_PASSWORD", global = true, hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Log format: text or json.
    #[arg(long, env = "PARC_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,

    /// Proxies whose client-address header is believed (comma-separated IPs or CIDRs).
    /// Empty: the header is ignored and the TCP peer address is the client address.
    #[arg(long, env = "PARC_TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<IpNet>,

    /// Header a trusted proxy puts the client address in.
    #[arg(long, env = "PARC_CLIENT_IP_HEADER", default_value = "x-forwarded-for", global = true)]
    pub client_ip_header: String,

    /// Hours a login session lasts.
    #[arg(long, env = "PARC_SESSION_HOURS", default_value_t = 12, global = true)]
    pub session_hours: u32,

    /// Days an API token from /api/v1/auth/login lasts.
    #[arg(long, env = "PARC_TOKEN_DAYS", default_value_t = 30, global = true)]
    pub token_days: u32,

    /// Maximum database connections of this process.
    #[arg(long, env = "PARC_DB_POOL", default_value_t = 16, global = true)]
    pub db_pool: u32,

    /// Failed logins allowed per account in 15 minutes before throttling.
    #[arg(long, env = "PARC_LOGIN_MAX_PER_ACCOUNT", default_value_t = 5, global = true)]
    pub login_max_per_account: i64,

    /// Failed logins allowed per client address in 15 minutes before throttling.
    #[arg(long, env = "PARC_LOGIN_MAX_PER_ADDRESS", default_value_t = 20, global = true)]
    pub login_max_per_address: i64,

    /// SMTP server mail is sent through. Unset: mail waits in the outbox, nothing is sent.
    #[arg(long, env = "PARC_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// SMTP port; by default 25, 587 or 465 after PARC_SMTP_TLS.
    #[arg(long, env = "PARC_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,

    /// SMTP security: none, starttls or tls.
    #[arg(long, env = "PARC_SMTP_TLS", value_enum, default_value = "starttls", global = true)]
    pub smtp_tls: SmtpTls,

    /// SMTP user name, when the server wants one.
    #[arg(long, env = "PARC_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,

    /// SMTP password.
    #[arg(long, env = "PARC_SMTP_PASSWORD", global = true, hide_env_values = true)]
    pub smtp_password: Option<String>,

    /// Shared secret inventory agents give as their HTTP password (set at start;
    /// the admin can also set it, or per-site tokens, on the inventory settings).
    #[arg(long, env = "PARC_INVENTORY_SECRET", global = true, hide_env_values = true)]
    pub inventory_secret: Option<String>,

    /// Sender of Parc's mail.
    #[arg(long, env = "PARC_MAIL_FROM", default_value = "Parc <parc@localhost>", global = true)]
    pub mail_from: String,
}

impl Config {
    /// Cookies get `Secure` (and the `__Host-` prefix) only behind https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A configuration for tests and tools: defaults, no environment read.
    pub fn for_tests(database_url: String) -> Self {
        Self {
            database_url: Some(database_url),
            data_dir: PathBuf::from("./data"),
            pg_bin: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://127.0.0.1:8080".into(),
            admin_password: None,
            log_format: LogFormat::Text,
            trusted_proxies: Vec::new(),
            client_ip_header: "x-forwarded-for".into(),
            session_hours: 12,
            token_days: 30,
            db_pool: 8,
            login_max_per_account: 5,
            login_max_per_address: 20,
            smtp_host: None,
            smtp_port: None,
            smtp_tls: SmtpTls::Starttls,
            smtp_user: None,
            smtp_password: None,
            mail_from: "Parc <parc@localhost>".into(),
            inventory_secret: None,
        }
    }
}
