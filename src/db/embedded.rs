//! Parc's own private PostgreSQL cluster, used when no `DATABASE_URL` is given.
//!
//! A small launcher rather than a crate such as `postgresql_embedded`: those
//! download PostgreSQL builds at run time (not allowed here, and a surprise for
//! an operator), while `pgtemp` only makes throw-away clusters. What Parc needs
//! is ~200 lines over `initdb`/`pg_ctl` from the machine's own packages: a
//! persistent cluster on a Unix socket only, shared by every `parc` command, and
//! run as the `postgres` account when Parc itself runs as root.

use std::{
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::Stdio,
};

use anyhow::{Context, bail};
use tokio::process::Command;

/// Database inside the cluster that holds Parc's data.
pub const DATABASE: &str = "parc";
/// Superuser created by initdb; trusted on the private socket only.
const SUPERUSER: &str = "parc";
/// Account that owns and runs the cluster when Parc runs as root.
const SYSTEM_ACCOUNT: &str = "postgres";

/// A running private cluster.
#[derive(Debug)]
pub struct EmbeddedPg {
    bin: PathBuf,
    pgdata: PathBuf,
    run_as: Option<&'static str>,
    started_here: bool,
}

impl EmbeddedPg {
    /// Start the cluster in `data_dir` (creating it on first use), or join the
    /// one another `parc` process already runs there.
    pub async fn ensure_running(data_dir: &Path, pg_bin: Option<&Path>) -> anyhow::Result<Self> {
        let bin = find_binaries(pg_bin)?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        let pgdata = data_dir.join("pg");
        let run_as = running_as_root()?.then_some(SYSTEM_ACCOUNT);
        let mut cluster = Self { bin, pgdata, run_as, started_here: false };
        cluster.check_socket_path_length()?;
        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.init(&data_dir).await?;
        }
        if !cluster.is_running().await? {
            cluster.start().await?;
        }
        cluster.create_database().await?;
        Ok(cluster)
    }

    /// Connection URL for `database` over the cluster's socket.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@localhost/{database}?host={}", self.pgdata.display())
    }

    /// True when this process started the cluster (and so should stop it).
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Stop the cluster if this process started it; a cluster joined from a
    /// running server is left to that server.
    pub async fn stop_if_started_here(&self) -> anyhow::Result<()> {
        if self.started_here {
            self.pg_ctl(&["stop", "-m", "fast", "-w"]).await?;
        }
        Ok(())
    }

    /// Stop the cluster and delete its folder once process `pid` has exited.
    /// Test harnesses use it so no server outlives a test run.
    pub fn stop_and_remove_after_exit_of(&self, pid: u32, folder: &Path) -> anyhow::Result<()> {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = self.wrap(&pg_ctl.to_string_lossy());
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} stop -D '{}' -m immediate >/dev/null 2>&1; rm -rf '{}'",
            self.pgdata.display(),
            folder.display()
        );
        std::process::Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start the cluster watchdog")?;
        Ok(())
    }

    async fn init(&self, data_dir: &Path) -> anyhow::Result<()> {
        tracing::info!(folder = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        std::fs::create_dir_all(&self.pgdata)?;
        if let Some(account) = self.run_as {
            self.hand_over_to(account, data_dir).await?;
        }
        let initdb = self.bin.join("initdb");
        let pgdata = self.pgdata.to_string_lossy().into_owned();
        self.run(
            &initdb,
            &[
                "-D",
                &pgdata,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--data-checksums",
                "--no-instructions",
            ],
        )
        .await
        .context("initdb failed")?;
        // Socket only, in the cluster's own folder; durability settings stated
        // explicitly so nobody "tunes" them away by accident.
        let settings = format!(
            "\n# Set by parc\nlisten_addresses = ''\nunix_socket_directories = '{pgdata}'\n\
             unix_socket_permissions = 0700\nmax_connections = 300\nfsync = on\n\
             full_page_writes = on\nsynchronous_commit = on\n"
        );
        let conf = self.pgdata.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf)?;
        text.push_str(&settings);
        std::fs::write(&conf, text)?;
        Ok(())
    }

    /// Give the cluster folder to the system account, and check that it can
    /// reach it (a clone under /root, say, is closed to other accounts).
    async fn hand_over_to(&self, account: &str, data_dir: &Path) -> anyhow::Result<()> {
        let status = Command::new("chown")
            .args(["-R", &format!("{account}:"), &self.pgdata.to_string_lossy()])
            .status()
            .await
            .context("chown is missing")?;
        if !status.success() {
            bail!("cannot give {} to the `{account}` account", self.pgdata.display());
        }
        let reachable = Command::new("runuser")
            .args(["-u", account, "--", "test", "-w", &self.pgdata.to_string_lossy()])
            .status()
            .await
            .context("runuser is missing (Debian package util-linux)")?;
        if !reachable.success() {
            bail!(
                "Parc runs as root, so its PostgreSQL runs as the `{account}` account, which cannot reach {}. \
                 Choose a data folder every account can traverse with PARC_DATA_DIR (for example /var/lib/parc).",
                data_dir.display()
            );
        }
        Ok(())
    }

    async fn is_running(&self) -> anyhow::Result<bool> {
        let pg_ctl = self.bin.join("pg_ctl");
        let pgdata = self.pgdata.to_string_lossy().into_owned();
        let output = self.command(&pg_ctl, &["status", "-D", &pgdata]).output().await?;
        Ok(output.status.success())
    }

    async fn start(&mut self) -> anyhow::Result<()> {
        let log = self.pgdata.join("server.log").to_string_lossy().into_owned();
        match self.pg_ctl(&["start", "-w", "-t", "60", "-l", &log]).await {
            Ok(()) => {
                self.started_here = true;
                tracing::info!("embedded PostgreSQL started");
                Ok(())
            }
            // Another parc process may have started it at the same moment.
            Err(error) if self.is_running().await? => {
                tracing::debug!(%error, "embedded PostgreSQL was started by another process");
                Ok(())
            }
            Err(error) => Err(error).context(format!("PostgreSQL did not start; see {log}")),
        }
    }

    async fn create_database(&self) -> anyhow::Result<()> {
        use sqlx::{Connection, PgConnection};
        let mut conn = PgConnection::connect(&self.url("postgres")).await?;
        let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(DATABASE)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            // The name is our constant, not input.
            let created = sqlx::query(&format!("create database {DATABASE}")).execute(&mut conn).await;
            if let Err(error) = created {
                // Lost a race with another process creating it: fine.
                let duplicate = error.as_database_error().and_then(|e| e.code()).as_deref() == Some("42P04");
                if !duplicate {
                    return Err(error.into());
                }
            }
        }
        Ok(())
    }

    async fn pg_ctl(&self, args: &[&str]) -> anyhow::Result<()> {
        let pg_ctl = self.bin.join("pg_ctl");
        let pgdata = self.pgdata.to_string_lossy().into_owned();
        let mut all = vec!["-D", pgdata.as_str()];
        all.extend_from_slice(args);
        self.run(&pg_ctl, &all).await
    }

    async fn run(&self, program: &Path, args: &[&str]) -> anyhow::Result<()> {
        let output = self.command(program, args).output().await?;
        if !output.status.success() {
            bail!("{} failed: {}", program.display(), String::from_utf8_lossy(&output.stderr).trim());
        }
        Ok(())
    }

    /// `program args`, as the system account when Parc runs as root.
    fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut command = match self.run_as {
            Some(account) => {
                let mut c = Command::new("runuser");
                c.args(["-u", account, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        };
        command.args(args).stdin(Stdio::null()).kill_on_drop(false);
        command
    }

    fn wrap(&self, program: &str) -> String {
        match self.run_as {
            Some(account) => format!("runuser -u {account} -- '{program}'"),
            None => format!("'{program}'"),
        }
    }

    /// Unix socket paths are limited to 107 bytes.
    fn check_socket_path_length(&self) -> anyhow::Result<()> {
        let socket = self.pgdata.join(".s.PGSQL.5432");
        if socket.as_os_str().len() > 100 {
            bail!(
                "the data folder path is too long for a PostgreSQL socket ({}); choose a shorter PARC_DATA_DIR",
                self.pgdata.display()
            );
        }
        Ok(())
    }
}

fn running_as_root() -> anyhow::Result<bool> {
    // /proc/self belongs to the process's effective user.
    Ok(std::fs::metadata("/proc/self")?.uid() == 0)
}

/// The folder holding `initdb`, `pg_ctl` and `postgres`.
pub fn find_binaries(configured: Option<&Path>) -> anyhow::Result<PathBuf> {
    let has_all = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|b| dir.join(b).is_file());
    if let Some(dir) = configured {
        if has_all(dir) {
            return Ok(dir.to_path_buf());
        }
        bail!("PARC_PG_BIN={} does not hold initdb, pg_ctl and postgres", dir.display());
    }
    // Debian installs each major version side by side; take the newest.
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_all(&bin).then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Ok(bin);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_all(&dir) {
                return Ok(dir);
            }
        }
    }
    bail!(
        "No PostgreSQL server binaries found (initdb, pg_ctl, postgres). Parc runs its own database from them \
         when DATABASE_URL is not set. Install them (Debian/Ubuntu: `apt-get install postgresql`), point \
         PARC_PG_BIN at their folder, or set DATABASE_URL to use an existing PostgreSQL server."
    )
}
