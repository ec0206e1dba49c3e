//! The real agents against a real Parc: Debian's `fusioninventory-agent` and
//! `ocsinventory-agent` inventory this machine and send it to `parc serve`
//! on loopback, authenticating with the shared secret. The machine must
//! appear once, with its installed packages and network interfaces, and a
//! second run of each agent, or of one after the other, must change nothing.
//! `.ci/setup` installs both.

#[path = "support/server.rs"]
mod server;

use std::{
    path::Path,
    process::{Command, Stdio},
    time::Duration,
};

use base64::Engine as _;
use serde_json::{Value, json};
use server::{Server, http_agent, scratch_dir};

const ADMIN_PASSWORD: &str = "admin-password-2026";
const SECRET: &str = "agents-secret-2026";

/// The API as the admin sees it.
struct Api {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Api {
    fn login(server: &Server) -> Api {
        let agent = http_agent();
        let base = format!("{}/api/v1", server.url);
        let mut response = agent
            .post(&format!("{base}/auth/login"))
            .send_json(json!({"login": "admin", "password": ADMIN_PASSWORD}))
            .expect("log in");
        let body: Value = response.body_mut().read_json().expect("token");
        let token = body["token"].as_str().expect("a token").to_owned();
        Api { agent, base, token }
    }

    fn get(&self, path: &str) -> Value {
        let mut response = self
            .agent
            .get(&format!("{}{path}", self.base))
            .header("authorization", &format!("Bearer {}", self.token))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status(), 200, "GET {path}");
        response.body_mut().read_json().unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    fn count(&self, path: &str) -> usize {
        self.get(path).as_array().map_or(0, Vec::len)
    }

    /// What the register says of this machine: (agents, assets, software, interfaces, history rows).
    fn state(&self) -> (Vec<(String, String)>, i64, usize, Value, usize) {
        let agents = self.get("/inventory/agents");
        let agents = agents.as_array().expect("agents");
        let mut pairs: Vec<(String, String)> = agents
            .iter()
            .map(|a| {
                (
                    a["user_agent"].as_str().unwrap_or_default().to_owned(),
                    a["asset_id"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        // The list is by last contact: sorted, states compare whoever called last.
        pairs.sort();
        let assets = self.get("/assets?per_page=1")["total"].as_i64().expect("total");
        let Some(asset) = pairs.first().map(|(_, id)| id.clone()).filter(|id| !id.is_empty()) else {
            return (pairs, assets, 0, Value::Null, 0);
        };
        let software = self.count(&format!("/assets/{asset}/software"));
        let interfaces = self.get(&format!("/assets/{asset}/hardware"))["interfaces"].clone();
        let history = self.count(&format!("/assets/{asset}/history"));
        (pairs, assets, software, interfaces, history)
    }
}

/// Run an agent to its end; what it logged.
fn run(program: &str, args: &[String]) -> String {
    assert!(Path::new(&format!("/usr/bin/{program}")).is_file(), "{program} is missing: .ci/setup installs it");
    let output = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{program} failed ({}):\n{log}", output.status);
    assert!(!log.contains("401") && !log.contains("Cannot establish communication"), "{program}:\n{log}");
    log
}

#[test]
fn the_agents_of_this_machine_register_it_once_and_a_second_run_changes_nothing() {
    let server = Server::start(&[("PARC_ADMIN_PASSWORD", ADMIN_PASSWORD), ("PARC_INVENTORY_SECRET", SECRET)]);
    let api = Api::login(&server);
    let fusion = [
        format!("--server={}/inventory", server.url),
        "--user=agent".to_owned(),
        format!("--password={SECRET}"),
        "--no-category=process".to_owned(),
        "--logger=stderr".to_owned(),
        format!("--timeout={}", Duration::from_secs(120).as_secs()),
    ];
    let log = run("fusioninventory-agent", &fusion);
    let (agents, assets, software, interfaces, history) = api.state();
    assert_eq!(agents.len(), 1, "{agents:?}; the agent said:\n{log}");
    assert!(agents[0].0.starts_with("FusionInventory-Agent"), "{agents:?}");
    assert_eq!(assets, 1, "one machine, one asset: {agents:?}; the agent said:\n{log}");
    assert!(software > 500, "this machine's packages: {software}");
    let addresses: Vec<&Value> = interfaces
        .as_array()
        .expect("interfaces")
        .iter()
        .filter(|i| i["ips"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    assert!(!addresses.is_empty(), "an interface with its address: {interfaces}");

    run("fusioninventory-agent", &fusion);
    assert_eq!(
        api.state(),
        (agents.clone(), assets, software, interfaces.clone(), history),
        "a second run changes nothing"
    );

    // OCS wants its credentials in base64 on the command line.
    let base64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let vardir = scratch_dir("parc-ocs");
    let ocs = [
        format!("--server={}/ocsinventory", server.url),
        format!("--user={}", base64("agent")),
        format!("--password={}", base64(SECRET)),
        "--realm=Parc".to_owned(),
        "--nolocal".to_owned(),
        format!("--basevardir={}", vardir.display()),
    ];
    run("ocsinventory-agent", &ocs);
    let after_ocs = api.state();
    assert_eq!(after_ocs.0.len(), 2, "two agents: {:?}", after_ocs.0);
    assert!(after_ocs.0.iter().all(|(_, asset)| *asset == agents[0].1), "both agents inventory the same asset");
    assert_eq!(after_ocs.1, 1, "still one asset");
    run("ocsinventory-agent", &ocs);
    assert_eq!(api.state(), after_ocs, "a second OCS run changes nothing");
    // Each agent compares with its own last inventory: the two agents of one
    // machine do not rewrite its asset in turn.
    run("fusioninventory-agent", &fusion);
    assert_eq!(api.state(), after_ocs, "FusionInventory after OCS changes nothing");
    run("ocsinventory-agent", &ocs);
    assert_eq!(api.state(), after_ocs, "OCS after FusionInventory changes nothing");
    let _ = std::fs::remove_dir_all(vardir);
}
