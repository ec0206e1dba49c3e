//! A real `parc serve` for end-to-end tests: a free port, a fresh data
//! folder (its own embedded PostgreSQL), stopped with SIGTERM on drop.

use std::{
    fs::File,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// An HTTP client that reports statuses rather than failing on them.
pub fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// A port nobody listens on.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("read the free port").port()
}

/// A fresh, short folder under /tmp (PostgreSQL's socket path has a length limit).
pub fn scratch_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos());
    let dir = PathBuf::from(format!("/tmp/{name}-{}-{}", std::process::id(), nanos.unwrap_or_default()));
    std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Wait for `child` to exit, up to `limit`.
pub fn wait_exit(child: &mut Child, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if !matches!(child.try_wait(), Ok(None)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The end of a log file, shown when the test fails.
/// The end of a log, printed when a test fails.
pub fn print_log_tail(what: &str, log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    eprintln!("--- last lines of the {what} log ({}) ---", log.display());
    for line in &lines[lines.len().saturating_sub(40)..] {
        eprintln!("{line}");
    }
}

/// `parc serve` on a free port with a fresh data folder; stopped with SIGTERM on drop.
pub struct Server {
    child: Child,
    pub dir: PathBuf,
    pub url: String,
}

impl Server {
    /// Start with these extra environment variables.
    pub fn start(env: &[(&str, &str)]) -> Self {
        let dir = scratch_dir("parc-e2e");
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let log = File::create(dir.join("server.log")).expect("create the server log");
        let child = Command::new(env!("CARGO_BIN_EXE_parc"))
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env("PARC_DATA_DIR", dir.join("data"))
            .env("PARC_BIND", format!("127.0.0.1:{port}"))
            .env("PARC_PUBLIC_URL", &url)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("share the server log"))
            .stderr(log)
            .spawn()
            .expect("start the parc binary");
        let mut server = Self { child, dir, url };
        server.wait_ready();
        server
    }

    /// Poll /readyz: the embedded cluster may need initdb on first start.
    fn wait_ready(&mut self) {
        let agent = http_agent();
        let readyz = format!("{}/readyz", self.url);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited before being ready ({status})");
            }
            if agent.get(&readyz).call().is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(Instant::now() < deadline, "the server was not ready within 60 s");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// If the server could not stop its PostgreSQL, stop it (fast shutdown).
    fn stop_leftover_postgres(&self) {
        let pid_file = self.dir.join("data/pg/postmaster.pid");
        let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|t| t.lines().next().map(str::to_owned))
        else {
            return;
        };
        let _ = Command::new("kill").args(["-INT", pid.trim()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while pid_file.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        if !wait_exit(&mut self.child, Duration::from_secs(30)) {
            eprintln!("the server did not stop within 30 s of SIGTERM; killing it");
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.stop_leftover_postgres();
        }
        if std::thread::panicking() {
            print_log_tail("server", &self.dir.join("server.log"));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
