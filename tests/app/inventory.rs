//! Inventory agents against the real endpoint: the captured dialogues of
//! GLPI Agent, FusionInventory and OCS replayed byte for byte, every sample
//! inventory with what it must give, reconciliation under concurrency, and
//! the bad input that must be refused without writing anything.

use std::{io::Write, path::PathBuf};

use axum::{
    body::Body,
    http::{Method, Request, StatusCode},
};
use flate2::{Compression, read::ZlibDecoder, write::ZlibEncoder};
use futures_util::future::join_all;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::helpers::{TestApp, TestResponse};

const SECRET: &str = "agents-secret";

fn sample(path: &str) -> Vec<u8> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inventory-samples").join(path);
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

fn inflate(bytes: &[u8]) -> String {
    let mut out = String::new();
    std::io::Read::read_to_string(&mut ZlibDecoder::new(bytes), &mut out).expect("a zlib reply");
    out
}

/// An app whose inventory endpoint takes the shared secret.
pub(crate) async fn app_with_secret() -> TestApp {
    let app = TestApp::new().await;
    sqlx::query("update inventory_settings set shared_secret_sha256 = $1")
        .bind(Sha256::digest(SECRET.as_bytes()).to_vec())
        .execute(&app.pool)
        .await
        .expect("secret");
    app
}

fn basic(password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("agent:{password}")))
}

/// POST a body to an agent endpoint with headers, authenticated with the secret.
async fn post(app: &TestApp, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> TestResponse {
    let mut request = Request::post(path).header("authorization", basic(SECRET));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::from(body)).expect("request")).await
}

/// Send a JSON inventory as GLPI Agent does (zlib, its id header).
pub(crate) async fn glpi(app: &TestApp, agent_id: &str, document: &Value) -> TestResponse {
    let headers = [
        ("content-type", "application/x-compress-zlib"),
        ("glpi-agent-id", agent_id),
        ("user-agent", "GLPI-Agent_v1.12"),
    ];
    post(app, "/inventory", &headers, zlib(document.to_string().as_bytes())).await
}

/// Replay one captured request (its line, headers and body) against Parc.
async fn replay(app: &TestApp, dir: &str, name: &str) -> TestResponse {
    let head = String::from_utf8(sample(&format!("{dir}/{name}.request.http"))).expect("text");
    let mut lines = head.lines();
    let first = lines.next().expect("request line");
    let mut parts = first.split(' ');
    let method = parts.next().expect("method");
    let target = parts.next().expect("target");
    let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
    let path = if path == "/ocsinventory" { "/ocsinventory" } else { "/inventory" };
    let uri = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    let mut request = Request::builder().method(method).uri(uri).header("authorization", basic(SECRET));
    for line in lines.by_ref() {
        let Some((name, value)) = line.split_once(": ") else { break };
        if !matches!(name.to_ascii_lowercase().as_str(), "host" | "content-length" | "connection" | "keep-alive" | "te")
        {
            request = request.header(name, value);
        }
    }
    let body = ["request.body.zlib", "request.body"]
        .iter()
        .map(|ext| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/inventory-samples/{dir}/{name}.{ext}"))
        })
        .find(|p| p.exists())
        .map(|p| std::fs::read(p).expect("body"))
        .unwrap_or_default();
    app.send(request.body(Body::from(body)).expect("request")).await
}

fn raw(response: &TestResponse) -> &[u8] {
    &response.bytes
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The asset an agent's inventories went to: (category, serial, software, interfaces).
async fn device(app: &TestApp, deviceid: &str) -> (String, Option<String>, i64, i64) {
    sqlx::query_as(
        "select c.name, a.serial,
                (select count(*) from software_installations i where i.asset_id = a.id),
                (select count(*) from asset_network_interfaces n where n.asset_id = a.id)
           from inventory_agents g join assets a on a.id = g.asset_id
           join asset_models m on m.id = a.model_id join asset_categories c on c.id = m.category_id
          where g.deviceid = $1",
    )
    .bind(deviceid)
    .fetch_one(&app.pool)
    .await
    .unwrap_or_else(|e| panic!("{deviceid}: {e}"))
}

#[tokio::test]
async fn the_glpi_agent_dialogue_as_captured() {
    let app = app_with_secret().await;
    let dir = "glpi-agent-json/http-exchange/run1-first-contact";
    // The legacy PROLOG with GLPI-Agent-ID is answered in JSON, compressed like the request.
    let prolog = replay(&app, dir, "01-prolog-with-agentid").await;
    prolog.assert_status(StatusCode::OK);
    assert_eq!(prolog.header("content-type"), "application/x-compress-zlib");
    let answer: Value = serde_json::from_str(&inflate(raw(&prolog))).expect("JSON");
    assert_eq!(answer, json!({"status": "ok", "expiration": 24}));
    for call in ["02-getconfig-esx", "03-getconfig-collect", "04-getconfig-deploy"] {
        let refused = replay(&app, dir, call).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{call}");
        assert_eq!(refused.json()["message"], "Protocol not supported");
    }
    let full = replay(&app, dir, "05-inventory-full").await;
    full.assert_status(StatusCode::OK);
    assert_eq!(serde_json::from_str::<Value>(&inflate(raw(&full))).expect("JSON")["status"], "ok");
    let deviceid = "vm-2026-11-21-05-22-50";
    let (category, serial, software, interfaces) = device(&app, deviceid).await;
    assert_eq!((category.as_str(), serial), ("Ordinateur", None), "no DMI on this machine: no serial");
    assert!(software > 800, "{software} software");
    assert_eq!(interfaces, 3, "eth0, ifb0 and ifb1 (lo has neither a real MAC nor a real address)");

    let dir = "glpi-agent-json/http-exchange/run2-known-server";
    let contact = replay(&app, dir, "06-contact").await;
    contact.assert_status(StatusCode::OK);
    let answer: Value = serde_json::from_str(&inflate(raw(&contact))).expect("JSON");
    assert_eq!(answer["status"], "ok");
    assert!(answer["expiration"].as_i64().is_some_and(|e| e > 0), "agents refuse a contact answer without expiration");
    assert!(answer["tasks"]["inventory"].is_object() && answer["disabled"].as_array().is_some_and(|d| !d.is_empty()));
    let partial = replay(&app, dir, "07-inventory-partial").await;
    partial.assert_status(StatusCode::OK);
    let (_, _, after_partial, _) = device(&app, deviceid).await;
    assert_eq!(after_partial, software, "a partial inventory without software keeps the software");
    assert_eq!(count(&app, "select count(*) from inventory_agents").await, 1, "one agent, known by its id");
}

#[tokio::test]
async fn fusioninventory_and_ocs_dialogues_as_captured() {
    let app = app_with_secret().await;
    let prolog = replay(&app, "fusioninventory/http-exchange", "01-prolog").await;
    prolog.assert_status(StatusCode::OK);
    assert_eq!(&raw(&prolog)[..2], &[0x78, 0x9c], "zlib at the default level: FusionInventory 2.6 reads only that");
    assert!(inflate(raw(&prolog)).contains("<RESPONSE>SEND</RESPONSE>"));
    let inventory = replay(&app, "fusioninventory/http-exchange", "02-inventory").await;
    inventory.assert_status(StatusCode::OK);
    let (_, serial, software, _) = device(&app, "vm-2026-11-21-05-21-48").await;
    assert_eq!(serial, None);
    assert!(software > 800, "{software}");

    let prolog = replay(&app, "ocs/http-exchange", "01-prolog").await;
    prolog.assert_status(StatusCode::OK);
    assert_eq!(prolog.header("content-type"), "application/x-compressed");
    assert!(inflate(raw(&prolog)).contains("<RESPONSE>SEND</RESPONSE>"));
    let inventory = replay(&app, "ocs/http-exchange", "02-inventory").await;
    inventory.assert_status(StatusCode::OK);
    assert!(inflate(raw(&inventory)).contains("NO_ACCOUNT_UPDATE"));
    let (_, _, software, _) = device(&app, "vm-2026-11-21-05-22-35").await;
    assert!(software > 800, "{software}");
    assert_eq!(
        count(&app, "select count(*) from asset_inventory").await,
        1,
        "the same machine named vm, matched by name"
    );
}

/// (file, deviceid or "", category, serial, software, interfaces)
const SAMPLES: &[(&str, &str, Option<&str>, i64, i64)] = &[
    ("glpi-agent-json/inventory_format-examples/computer_1.json", "Portable", Some("640HP72"), 6, 4),
    ("glpi-agent-json/inventory_format-examples/computer_2.json", "Portable", Some("2FAGP34"), 0, 0),
    ("glpi-agent-json/inventory_format-examples/phone_1.json", "Téléphone", Some("af8d8fcfa6fa4794"), 3, 1),
    ("glpi-agent-json/inventory_format-examples/printer_1.json", "Imprimante", Some("PHCVN191TG"), 0, 1),
    (
        "glpi-agent-json/inventory_format-examples/networkequipment_3.json",
        "Équipement réseau",
        Some("CN5BFP62CP"),
        0,
        1,
    ),
    (
        "glpi-agent-json/inventory_format-examples/networkequipment_5.json",
        "Équipement réseau",
        Some("R3843D1000001"),
        0,
        1,
    ),
    ("glpi-agent-json/debian12-glpi-agent-1.12-dev-local.json", "Ordinateur", None, 876, 3),
];

#[tokio::test]
async fn every_json_sample_gives_its_device_with_and_without_compression() {
    let app = app_with_secret().await;
    for (n, (file, category, serial, software, interfaces)) in SAMPLES.iter().enumerate() {
        let document: Value = serde_json::from_slice(&sample(file)).expect("JSON sample");
        let deviceid = document["deviceid"].as_str().expect("deviceid").to_owned();
        let agent = format!("00000000-0000-0000-0000-{n:012}");
        let response = glpi(&app, &agent, &document).await;
        assert_eq!(response.status, StatusCode::OK, "{file}: {}", inflate(raw(&response)));
        let found = device(&app, &deviceid).await;
        assert_eq!(found, (category.to_string(), serial.map(str::to_owned), *software, *interfaces), "{file}");
        // The same, uncompressed: nothing changes.
        let assets = count(&app, "select count(*) from assets").await;
        let history = count(&app, "select count(*) from audit_log").await;
        let plain = post(
            &app,
            "/inventory",
            &[("content-type", "application/json"), ("glpi-agent-id", &agent)],
            document.to_string().into_bytes(),
        )
        .await;
        assert_eq!(plain.status, StatusCode::OK, "{file}: {}", plain.body);
        assert_eq!(plain.header("content-type"), "application/json");
        assert_eq!(count(&app, "select count(*) from assets").await, assets, "{file}: no duplicate");
        assert_eq!(count(&app, "select count(*) from audit_log").await, history, "{file}: no history");
    }
    // Partial inventories of computer_1 merge: software kept, cpus updated.
    for partial in ["computer_1_partial_cpu", "computer_1_partial_volumes", "computer_1_partial_softs"] {
        let document: Value =
            serde_json::from_slice(&sample(&format!("glpi-agent-json/inventory_format-examples/{partial}.json")))
                .expect("JSON");
        glpi(&app, "00000000-0000-0000-0000-000000000000", &document).await.assert_status(StatusCode::OK);
    }
    let deviceid = "glpixps-2018-07-09-09-07-13";
    let (_, _, software, interfaces) = device(&app, deviceid).await;
    assert_eq!((software, interfaces), (6, 4), "partial inventories never wipe");
    // Its monitor is an asset of its own, connected to it; its volumes are kept.
    let monitor: (String, i64) = sqlx::query_as(
        "select c.name, (select count(*) from asset_relations r where r.asset_id = a.id and r.kind = 'connected')
           from assets a join asset_models m on m.id = a.model_id join asset_categories c on c.id = m.category_id
          where a.serial = 'ABH55D'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the monitor");
    assert_eq!(monitor, ("Écran".to_owned(), 1));
    let volumes = count(&app, "select count(*) from asset_volumes v join inventory_agents g on g.asset_id = v.asset_id where g.deviceid = 'glpixps-2018-07-09-09-07-13'").await;
    assert!(volumes > 0, "volumes kept");
}

#[tokio::test]
async fn every_xml_sample_gives_its_device() {
    let app = app_with_secret().await;
    let cases: &[(&str, &str, Option<&str>, i64)] = &[
        ("fusioninventory/inventory_format-tests-data/1.xml", "Portable", Some("9E113232I"), 42),
        ("fusioninventory/inventory_format-tests-data/2.xml", "Portable", Some("CZC0479792"), 8),
        ("fusioninventory/inventory_format-tests-data/3.xml", "Ordinateur", Some("W87051UGVUV"), 40),
        ("fusioninventory/inventory_format-tests-data/13.xml", "Téléphone", Some("5a30d8711bbadc9d"), 1),
        ("fusioninventory/inventory_format-tests-data/5-good.xml", "Équipement réseau", Some("486280"), 0),
        ("fusioninventory/inventory_format-tests-data/17.xml", "Équipement réseau", Some("cn3afrt37n"), 0),
        ("fusioninventory/inventory_format-tests-data/8.xml", "Imprimante", Some("D9J230159"), 0),
        ("fusioninventory/debian12-fusioninventory-agent-2.6-local.xml", "Ordinateur", None, 876),
        ("ocs/debian12-ocsinventory-agent-2.10-local.xml", "Ordinateur", None, 876),
    ];
    for (file, category, serial, software) in cases {
        let body = sample(file);
        let text = String::from_utf8_lossy(&body);
        let deviceid =
            text.split("<DEVICEID>").nth(1).and_then(|r| r.split("</DEVICEID>").next()).expect("DEVICEID").to_owned();
        let path = if file.starts_with("ocs/") { "/ocsinventory" } else { "/inventory" };
        let response = post(
            &app,
            path,
            &[("content-type", "application/x-compress-zlib"), ("user-agent", "FusionInventory-Agent_v2.6")],
            zlib(&body),
        )
        .await;
        assert_eq!(response.status, StatusCode::OK, "{file}: {}", inflate(raw(&response)));
        let (found_category, found_serial, found_software, _) = device(&app, &deviceid).await;
        assert_eq!(
            (found_category.as_str(), found_serial.as_deref(), found_software),
            (*category, *serial, *software),
            "{file}"
        );
    }
    // Discovery results are acknowledged, not registered.
    let assets = count(&app, "select count(*) from assets").await;
    for file in ["9.xml", "10.xml", "15.xml"] {
        let body = sample(&format!("fusioninventory/inventory_format-tests-data/{file}"));
        let response = post(&app, "/inventory", &[("content-type", "application/xml")], body).await;
        assert_eq!(response.status, StatusCode::OK, "{file}: {}", response.body);
    }
    assert!(
        count(&app, "select count(*) from assets").await <= assets + 1,
        "15.xml has a port and no name: refused or one device"
    );
}

pub(crate) fn small_inventory(name: &str, serial: &str, uuid: Option<&str>) -> Value {
    let mut hardware = json!({"name": name, "memory": 8192});
    if let Some(uuid) = uuid {
        hardware["uuid"] = json!(uuid);
    }
    json!({
        "action": "inventory", "deviceid": format!("{name}-2026"), "itemtype": "Computer",
        "content": {
            "versionclient": "GLPI-Agent_v1.12",
            "hardware": hardware,
            "bios": {"ssn": serial, "smanufacturer": "Dell Inc.", "smodel": "Latitude 5440"},
            "softwares": [{"name": "Mozilla Firefox", "version": "118.0", "publisher": "Mozilla"}],
            "networks": [{"description": "eth0", "mac": "8c:16:45:00:00:01", "ipaddress": "10.0.0.5"}]
        }
    })
}

#[tokio::test]
async fn ten_submissions_of_one_new_machine_at_once_make_one_asset() {
    let app = app_with_secret().await;
    let document = small_inventory("pc-compta-01", "7XK2PL3", Some("4c4c4544-0034-3010-8048-b6c04f503799"));
    let sends = (0..10).map(|n| {
        let agent = format!("10000000-0000-0000-0000-{n:012}");
        let document = document.clone();
        let app = &app;
        async move { glpi(app, &agent, &document).await.status }
    });
    let statuses = join_all(sends).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert_eq!(count(&app, "select count(*) from assets where serial = '7XK2PL3'").await, 1);
    assert_eq!(count(&app, "select count(*) from software_installations").await, 1);
}

#[tokio::test]
async fn two_machines_with_a_placeholder_serial_stay_two_and_a_rename_keeps_the_asset() {
    let app = app_with_secret().await;
    for (n, name) in ["atelier-1", "atelier-2"].iter().enumerate() {
        let document = small_inventory(name, "To Be Filled By O.E.M.", None);
        glpi(&app, &format!("20000000-0000-0000-0000-{n:012}"), &document).await.assert_status(StatusCode::OK);
    }
    assert_eq!(count(&app, "select count(*) from asset_inventory").await, 2);
    let with_serial =
        "select count(*) from assets a join asset_inventory ai on ai.asset_id = a.id where a.serial is not null";
    assert_eq!(count(&app, with_serial).await, 0, "a placeholder is no serial");

    let renamed = small_inventory("atelier-1-bis", "To Be Filled By O.E.M.", None);
    let mut renamed = renamed;
    renamed["deviceid"] = json!("atelier-1-2026");
    glpi(&app, "20000000-0000-0000-0000-000000000000", &renamed).await.assert_status(StatusCode::OK);
    assert_eq!(count(&app, "select count(*) from asset_inventory").await, 2, "the agent keeps its asset");
    let id: Uuid = sqlx::query_scalar("select id from assets where name = 'atelier-1-bis'")
        .fetch_one(&app.pool)
        .await
        .expect("renamed");
    let history = app.history("asset", id).await;
    assert!(history.iter().any(|(action, _, source)| action == "update" && source == "inventory"), "{history:?}");
}

#[tokio::test]
async fn changes_between_inventories_are_in_the_history_and_less_memory_alerts() {
    let app = app_with_secret().await;
    sqlx::query("update inventory_settings set entity_id = (select id from entities where name = 'Filiale A')")
        .execute(&app.pool)
        .await
        .expect("new devices in Filiale A");
    let agent = "30000000-0000-0000-0000-000000000001";
    let mut document = small_inventory("pc-rh-02", "8YK2PL4", Some("4c4c4544-0034-3010-8048-b6c04f503701"));
    glpi(&app, agent, &document).await.assert_status(StatusCode::OK);
    let id: Uuid =
        sqlx::query_scalar("select id from assets where serial = '8YK2PL4'").fetch_one(&app.pool).await.expect("asset");
    let before = app.history("asset", id).await.len();

    document["content"]["hardware"]["memory"] = json!(4096);
    document["content"]["softwares"] = json!([{"name": "Mozilla Firefox", "version": "119.0", "publisher": "Mozilla"}]);
    glpi(&app, agent, &document).await.assert_status(StatusCode::OK);
    let changes: Vec<Value> = sqlx::query_scalar(
        "select changes from audit_log where object_id = $1 and source = 'inventory' and action = 'update' order by id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(app.history("asset", id).await.len(), before + 2, "{changes:?}");
    let text = Value::Array(changes).to_string();
    assert!(text.contains("8192") && text.contains("4096") && text.contains("Mozilla Firefox 119.0"), "{text}");
    assert_eq!(
        count(&app, "select count(*) from notifications where message = 'notify-inventory-memory-decreased'").await,
        1,
        "the park manager of the entity hears of it"
    );
}

#[tokio::test]
async fn agents_without_the_secret_or_from_elsewhere_are_refused() {
    let app = app_with_secret().await;
    let document = small_inventory("pc-x", "9ZK2PL5", None);
    let body = document.to_string().into_bytes();
    let anonymous = app
        .send(
            Request::post("/inventory")
                .header("content-type", "application/json")
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.header("www-authenticate").starts_with("Basic"), "agents answer a Basic challenge");
    // The body was not read: the agent's retry must come on a new connection.
    assert_eq!(anonymous.header("connection"), "close");
    let wrong = app
        .send(
            Request::post("/inventory")
                .header("authorization", basic("guess"))
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);

    // A token puts its devices in its entity.
    let entity = app.id_of("entities", "Filiale B").await;
    sqlx::query("insert into inventory_tokens (name, secret_sha256, entity_id) values ('Site B', $1, $2)")
        .bind(Sha256::digest(b"site-b-token").to_vec())
        .bind(entity)
        .execute(&app.pool)
        .await
        .expect("token");
    let with_token = app
        .send(
            Request::post("/inventory")
                .header("authorization", basic("site-b-token"))
                .header("content-type", "application/json")
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
    assert_eq!(with_token.status, StatusCode::OK, "{}", with_token.body);
    let placed: Uuid = sqlx::query_scalar("select entity_id from assets where serial = '9ZK2PL5'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    assert_eq!(placed, entity);

    // A token's inventories never match an asset outside its entity.
    let elsewhere = small_inventory("pc-root", "8ZK2PL6", None);
    glpi(&app, "80000000-0000-0000-0000-000000000001", &elsewhere).await.assert_status(StatusCode::OK);
    let same_serial = app
        .send(
            Request::post("/inventory")
                .header("authorization", basic("site-b-token"))
                .header("content-type", "application/json")
                .header("glpi-agent-id", "80000000-0000-0000-0000-000000000002")
                .body(Body::from(elsewhere.to_string()))
                .expect("request"),
        )
        .await;
    assert_eq!(same_serial.status, StatusCode::OK, "{}", same_serial.body);
    let outside_b = "select count(*) from assets where name = 'pc-root' and entity_id <> (select id from entities where name = 'Filiale B')";
    assert_eq!(count(&app, outside_b).await, 1, "the root's asset was not taken over by site B's token");
    assert_eq!(count(&app, "select count(*) from asset_inventory where serial = '8ZK2PL6' or asset_id in (select id from assets where serial = '8ZK2PL6')").await, 2);

    sqlx::query("update inventory_settings set allowed_networks = '{10.0.0.0/8}'")
        .execute(&app.pool)
        .await
        .expect("networks");
    let outside = post(&app, "/inventory", &[("content-type", "application/json")], body).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "127.0.0.1 is not in 10.0.0.0/8");
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_writes_nothing() {
    let app = app_with_secret().await;
    let json_headers =
        [("content-type", "application/json"), ("glpi-agent-id", "40000000-0000-0000-0000-000000000001")];
    let before =
        (count(&app, "select count(*) from assets").await, count(&app, "select count(*) from inventory_refused").await);
    let check = |response: &TestResponse, status: StatusCode, needle: &str| {
        assert_eq!(response.status, status, "{}", response.body);
        assert!(response.body.contains(needle), "{needle} not in {}", response.body);
    };

    let xxe = br#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQUEST><DEVICEID>&x;</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>"#;
    let response = post(&app, "/inventory", &[("content-type", "application/xml")], xxe.to_vec()).await;
    check(&response, StatusCode::BAD_REQUEST, "DTD");
    assert!(!response.body.contains("root:"), "nothing was read");

    let bomb = zlib(&vec![b' '; 80 * 1024 * 1024]);
    let response =
        post(&app, "/inventory", &[("content-type", "application/x-compress-zlib"), ("glpi-agent-id", "a")], bomb)
            .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);

    let mut many = small_inventory("pc-many", "1AB2CD3", None);
    many["content"]["softwares"] = Value::Array((0..50_000).map(|n| json!({"name": format!("tool-{n}")})).collect());
    check(
        &post(&app, "/inventory", &json_headers, many.to_string().into_bytes()).await,
        StatusCode::BAD_REQUEST,
        "more than 20000",
    );

    let mut long = small_inventory("pc-long", "1AB2CD4", None);
    long["content"]["hardware"]["name"] = json!("x".repeat(100_000));
    check(
        &post(&app, "/inventory", &json_headers, long.to_string().into_bytes()).await,
        StatusCode::BAD_REQUEST,
        "longer than",
    );

    let mut wrong = small_inventory("pc-wrong", "1AB2CD5", None);
    wrong["content"]["bios"]["ssn"] = json!({"nested": true});
    check(
        &post(&app, "/inventory", &json_headers, wrong.to_string().into_bytes()).await,
        StatusCode::BAD_REQUEST,
        "content.bios.ssn",
    );

    let mut unknown = small_inventory("pc-unknown", "1AB2CD6", None);
    unknown["surprise"] = json!(1);
    check(
        &post(&app, "/inventory", &json_headers, unknown.to_string().into_bytes()).await,
        StatusCode::BAD_REQUEST,
        "unknown key surprise",
    );

    let mut invalid = small_inventory("pc-bytes", "1AB2CD7", None).to_string().into_bytes();
    invalid.extend_from_slice(b"\xff\xfe");
    let response = post(&app, "/inventory", &json_headers, invalid).await;
    check(&response, StatusCode::BAD_REQUEST, "UTF-8");
    assert_eq!(response.json()["status"], "error", "in the GLPI Agent's own protocol");

    let broken_xml =
        post(&app, "/inventory", &[("content-type", "application/xml")], b"<REQUEST><DEVICEID>x".to_vec()).await;
    check(&broken_xml, StatusCode::BAD_REQUEST, "<ERROR>");
    let ocs =
        post(&app, "/ocsinventory", &[("content-type", "application/x-compress")], zlib(b"<REQUEST><QUERY>")).await;
    assert_eq!(
        (ocs.status, ocs.body.as_str()),
        (StatusCode::BAD_REQUEST, ""),
        "OCS gets a bare status, as from its server"
    );

    let after =
        (count(&app, "select count(*) from assets").await, count(&app, "select count(*) from inventory_refused").await);
    assert_eq!(before, after, "nothing half-written");
}

#[tokio::test]
async fn a_device_without_a_name_is_refused_and_kept_for_review() {
    let app = app_with_secret().await;
    let mut document = small_inventory("pc-nameless", "5QK2PL9", None);
    document["content"]["hardware"].as_object_mut().expect("hardware").remove("name");
    glpi(&app, "50000000-0000-0000-0000-000000000001", &document).await.assert_status(StatusCode::OK);
    assert_eq!(count(&app, "select count(*) from assets where serial = '5QK2PL9'").await, 0);
    let reason: String =
        sqlx::query_scalar("select reason from inventory_refused").fetch_one(&app.pool).await.expect("kept");
    assert!(reason.contains("name"), "{reason}");

    // Sent with a site's token, it keeps the site's entity for its import.
    let entity = app.id_of("entities", "Filiale B").await;
    sqlx::query("insert into inventory_tokens (name, secret_sha256, entity_id) values ('Site B', $1, $2)")
        .bind(Sha256::digest(b"site-b-token").to_vec())
        .bind(entity)
        .execute(&app.pool)
        .await
        .expect("token");
    let mut nameless = small_inventory("pc-site-b", "5QK2PLB", None);
    nameless["content"]["hardware"].as_object_mut().expect("hardware").remove("name");
    let request = Request::post("/inventory")
        .header("authorization", basic("site-b-token"))
        .header("content-type", "application/json")
        .body(Body::from(nameless.to_string()))
        .expect("request");
    app.send(request).await.assert_status(StatusCode::OK);
    let id: Uuid = sqlx::query_scalar("select id from inventory_refused where serial = '5QK2PLB'")
        .fetch_one(&app.pool)
        .await
        .expect("refused");
    let token = app.token("admin").await;
    let path = format!("/api/v1/inventory/refused/{id}/import");
    app.api(Some(&token), axum::http::Method::POST, &path, None).await.assert_status(StatusCode::OK);
    let placed: Uuid = sqlx::query_scalar("select entity_id from assets where serial = '5QK2PLB'")
        .fetch_one(&app.pool)
        .await
        .expect("imported");
    assert_eq!(placed, entity, "the token's entity");
}

#[tokio::test]
async fn the_park_manager_sets_the_inventory_up_from_its_pages() {
    let app = app_with_secret().await;
    let pm = app.login("pm_a").await;
    for page in
        ["/inventory/agents", "/inventory/refused", "/inventory/rules", "/inventory/blacklist", "/inventory/settings"]
    {
        pm.get(page).await.assert_status(StatusCode::OK);
        for outsider in ["tech_a", "sup_a", "emp_a"] {
            let refused = app.login(outsider).await.get(page).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{outsider} on {page}");
        }
    }

    // A placeholder of the park's own: a broken pattern is marked on its field.
    let bad = pm.post("/inventory/blacklist", &[("field", "serial"), ("value", "/([/")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("#f-value[aria-invalid=true]"));
    pm.post("/inventory/blacklist", &[("field", "serial"), ("value", "/^ACME-0+$/")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    glpi(&app, "60000000-0000-0000-0000-000000000001", &small_inventory("pc-acme", "ACME-0000", None))
        .await
        .assert_status(StatusCode::OK);
    let serial: Option<String> = sqlx::query_scalar("select serial from assets where name = 'pc-acme'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    assert_eq!(serial, None, "the park's placeholder identifies nothing");

    // A rule refusing printers, first: a printer is kept for review, then imported.
    let rule = pm
        .post(
            "/inventory/rules",
            &[("name", "No printers"), ("position", "1"), ("itemtype", "Printer"), ("action", "refuse")],
        )
        .await;
    assert_eq!(rule.status, StatusCode::SEE_OTHER, "{}", rule.body);
    let printer: Value =
        serde_json::from_slice(&sample("glpi-agent-json/inventory_format-examples/printer_1.json")).expect("JSON");
    glpi(&app, "60000000-0000-0000-0000-000000000002", &printer).await.assert_status(StatusCode::OK);
    let list = pm.get("/inventory/refused").await;
    assert_eq!(list.texts("[data-testid=refused] tbody tr").len(), 1);
    let id: Uuid = sqlx::query_scalar("select id from inventory_refused").fetch_one(&app.pool).await.expect("refused");
    let imported = pm.post(&format!("/inventory/refused/{id}/import"), &[]).await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER);
    assert!(imported.location().starts_with("/assets/"), "{}", imported.location());
    assert_eq!(count(&app, "select count(*) from assets where serial = 'PHCVN191TG'").await, 1);
    assert_eq!(count(&app, "select count(*) from inventory_refused").await, 0);

    // A token for a site: shown once, works, then revoked.
    let made = pm.post("/inventory/tokens", &[("token_name", "Lyon"), ("token_entity_id", "")]).await;
    made.assert_status(StatusCode::OK);
    let token = made.texts("[data-testid=new-secret]").pop().expect("the token, once");
    let body = small_inventory("pc-lyon", "LY0N1234", None).to_string();
    let with = |secret: &str| {
        Request::post("/inventory")
            .header("authorization", basic(secret))
            .header("content-type", "application/json")
            .body(Body::from(body.clone()))
            .expect("request")
    };
    assert_eq!(app.send(with(&token)).await.status, StatusCode::OK);
    let token_id: Uuid =
        sqlx::query_scalar("select id from inventory_tokens").fetch_one(&app.pool).await.expect("token");
    pm.post(&format!("/inventory/tokens/{token_id}/revoke"), &[]).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.send(with(&token)).await.status, StatusCode::UNAUTHORIZED, "a revoked token lets nothing in");

    // Settings: a network that is not one is marked; a stale form is refused; the history tells.
    let settings = pm.get("/inventory/settings").await;
    let version = settings.attrs("input[name=version]", "value").pop().expect("version");
    let marked = pm.post("/inventory/settings", &settings_form("10.0.0.0/8\nnot-a-network", &version)).await;
    assert_eq!(marked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(marked.has("#f-allowed_networks[aria-invalid=true]"));
    let good = settings_form("10.0.0.0/8\n192.168.1.7", &version);
    pm.post("/inventory/settings", &good).await.assert_status(StatusCode::SEE_OTHER);
    let stale = pm.post("/inventory/settings", &good).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "the same version again is stale");
    let networks: Vec<String> = sqlx::query_scalar("select unnest(allowed_networks)::text from inventory_settings")
        .fetch_all(&app.pool)
        .await
        .expect("networks");
    assert_eq!(networks, ["10.0.0.0/8", "192.168.1.7/32"]);
    let history = pm.get("/inventory/settings/history").await;
    history.assert_status(StatusCode::OK);
    assert!(history.body.contains("Lyon") && history.body.contains("No printers"), "the history names what changed");
}

fn settings_form<'a>(networks: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("access", "secret"), ("allowed_networks", networks), ("max_mb", "64"), ("version", version)]
}

#[tokio::test]
async fn long_values_are_cut_to_their_columns_and_a_cloned_agent_id_does_not_merge_machines() {
    let app = app_with_secret().await;
    let agent = "70000000-0000-0000-0000-000000000001";
    let mut long = small_inventory("pc-long-maker", "LM0001", None);
    long["content"]["bios"]["smanufacturer"] = json!("M".repeat(300));
    long["content"]["hardware"]["lastloggeduser"] = json!("u".repeat(300));
    glpi(&app, agent, &long).await.assert_status(StatusCode::OK);
    assert_eq!(count(&app, "select count(*) from assets where serial = 'LM0001'").await, 1, "stored, cut to size");

    // The same agent id (a cloned image) on a machine with another serial: a second asset.
    glpi(&app, agent, &small_inventory("pc-clone", "LM0002", None)).await.assert_status(StatusCode::OK);
    assert_eq!(count(&app, "select count(*) from assets where serial in ('LM0001', 'LM0002')").await, 2);

    let with_nul =
        r#"{"action":"inventory","deviceid":"x","content":{"versionclient":"v","hardware":{"name":"a\u0000b"}}}"#;
    let headers = [("content-type", "application/json"), ("glpi-agent-id", agent)];
    let refused = post(&app, "/inventory", &headers, with_nul.as_bytes().to_vec()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
}

#[tokio::test]
async fn the_match_rules_are_managed_through_the_api() {
    let app = TestApp::new().await;
    let pm = app.token("pm_a").await;
    let listed = app.api(Some(&pm), Method::GET, "/api/v1/inventory/rules", None).await;
    listed.assert_status(StatusCode::OK);
    let before = listed.json().as_array().map(Vec::len).unwrap_or_default();
    assert!(before > 0, "the defaults are there");

    let rule =
        json!({"name": "Same MAC", "position": 5, "itemtype": "computer", "action": "link", "criteria": ["mac"]});
    let created = app.api(Some(&pm), Method::POST, "/api/v1/inventory/rules", Some(rule)).await;
    created.assert_status(StatusCode::CREATED);
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let first = app.api(Some(&pm), Method::GET, "/api/v1/inventory/rules", None).await.json();
    assert_eq!(first[0]["name"], "Same MAC", "position 5 comes first");
    assert_eq!(first[0]["criteria"], json!(["mac"]));

    let bad = json!({"name": "", "position": -1, "action": "explode", "criteria": ["shoe_size"]});
    let refused = app.api(Some(&pm), Method::POST, "/api/v1/inventory/rules", Some(bad)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = refused.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str().map(str::to_owned))
        .collect();
    for field in ["name", "position", "action", "criteria"] {
        assert!(fields.contains(&field.to_owned()), "{field} marked in {fields:?}");
    }

    let path = format!("/api/v1/inventory/rules/{id}");
    let off = json!({"position": 5000, "active": false});
    app.api(Some(&pm), Method::PATCH, &path, Some(off)).await.assert_status(StatusCode::NO_CONTENT);
    let moved = app.api(Some(&pm), Method::GET, "/api/v1/inventory/rules", None).await.json();
    let last = moved.as_array().and_then(|r| r.last()).cloned().unwrap_or_default();
    assert_eq!((last["name"].clone(), last["active"].clone()), (json!("Same MAC"), json!(false)));
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NOT_FOUND);

    let tech = app.token("tech_a").await;
    app.api(Some(&tech), Method::GET, "/api/v1/inventory/rules", None).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn virtual_machines_ports_printers_and_the_last_user_are_shown() {
    let app = app_with_secret().await;
    let vm_uuid = "4c4c4544-0000-0000-0000-00000000aaaa";
    let guest = small_inventory("vm-web", "VMware-56 4d aa", Some("4C4C4544-0000-0000-0000-00000000AAAA"));
    assert_eq!(glpi(&app, "guest-1", &guest).await.status, StatusCode::OK);
    let mut host = small_inventory("host-01", "HOST0001", None);
    host["content"]["hardware"]["lastloggeduser"] = json!("CORP\\tech_a");
    host["content"]["virtualmachines"] = json!([{"name": "vm-web", "uuid": vm_uuid, "status": "running"}]);
    host["content"]["network_ports"] = json!([{"ifnumber": 1, "ifname": "Gi0/1", "mac": "00:1a:2b:3c:4d:5e"}]);
    host["content"]["pagecounters"] = json!({"total": 12345});
    host["content"]["cartridges"] = json!([{"tonerblack": 80}]);
    assert_eq!(glpi(&app, "host-1", &host).await.status, StatusCode::OK);

    let host_id: Uuid =
        sqlx::query_scalar("select id from assets where serial = 'HOST0001'").fetch_one(&app.pool).await.expect("host");
    let admin = app.token("admin").await;
    let seen = app.api(Some(&admin), Method::GET, &format!("/api/v1/assets/{host_id}/inventory"), None).await;
    seen.assert_status(StatusCode::OK);
    let seen = seen.json();
    assert_eq!(seen["last_user"], "CORP\\tech_a");
    assert_eq!(seen["suggested_assignee"]["name"], "Person tech_a");
    let guest_tag: String =
        sqlx::query_scalar("select tag from assets where name = 'vm-web'").fetch_one(&app.pool).await.expect("guest");
    assert_eq!(seen["virtual_machines"][0]["name"], "vm-web");
    assert_eq!(seen["virtual_machines"][0]["asset_tag"], json!(guest_tag), "the guest's own inventory is linked");
    assert_eq!(seen["ports"][0]["name"], "Gi0/1");
    assert_eq!(seen["printer"]["pages_total"], 12345);
    assert_eq!(seen["printer"]["cartridges"][0], json!(["tonerblack", "80"]));
    let page = app.login("admin").await.get(&format!("/assets/{host_id}")).await;
    assert!(page.texts("[data-testid=virtual-machines] td a").contains(&guest_tag), "{}", page.body);

    // A virtual machine gone is in the host's history; the page counter is state, not history.
    host["content"]["virtualmachines"] = json!([]);
    host["content"]["pagecounters"] = json!({"total": 12400});
    assert_eq!(glpi(&app, "host-1", &host).await.status, StatusCode::OK);
    let changes: Vec<String> = sqlx::query_scalar(
        "select changes::text from audit_log where object_id = $1 and changes ? 'virtual_machines' order by id",
    )
    .bind(host_id)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes[1].contains(r#""old": "vm-web""#), "{changes:?}");
    let pages: i64 = sqlx::query_scalar(
        "select (content->>'pages_total')::bigint from asset_inventory_sections where asset_id = $1 and section = 'printer'",
    )
    .bind(host_id)
    .fetch_one(&app.pool)
    .await
    .expect("printer");
    assert_eq!(pages, 12400);
    // Another subsidiary's technician cannot read it.
    let tech_b = app.token("tech_b").await;
    let hidden = app.api(Some(&tech_b), Method::GET, &format!("/api/v1/assets/{host_id}/inventory"), None).await;
    hidden.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn placement_rules_put_new_devices_in_their_entity_and_place() {
    let app = app_with_secret().await;
    let pm = app.token("pm_a").await;
    let (a, b) = (app.id_of("entities", "Filiale A").await, app.id_of("entities", "Filiale B").await);
    let office = app.id_of("locations", "Bureau A").await;
    let by_tag = json!({"position": 10, "agent_tag": "SIEGE-A", "entity_id": a, "location_id": office});
    app.api(Some(&pm), Method::POST, "/api/v1/inventory/placements", Some(by_tag))
        .await
        .assert_status(StatusCode::CREATED);
    let by_network = json!({"position": 20, "network": "127.0.0.0/8", "entity_id": a});
    app.api(Some(&pm), Method::POST, "/api/v1/inventory/placements", Some(by_network))
        .await
        .assert_status(StatusCode::CREATED);
    // Another subsidiary, a bad network, a rule matching nothing, a location elsewhere: refused on their fields.
    for (body, field) in [
        (json!({"position": 1, "agent_tag": "x", "entity_id": b}), "entity_id"),
        (json!({"position": 1, "network": "10.0.0.300/8", "entity_id": a}), "network"),
        (json!({"position": 1, "entity_id": a}), "agent_tag"),
    ] {
        let refused = app.api(Some(&pm), Method::POST, "/api/v1/inventory/placements", Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["errors"][0]["field"], field);
    }

    let mut tagged = small_inventory("pc-siege-01", "SIEGE0001", None);
    tagged["tag"] = json!("siege-a");
    assert_eq!(glpi(&app, "siege-1", &tagged).await.status, StatusCode::OK);
    let untagged = small_inventory("pc-lan-01", "LAN00001", None);
    assert_eq!(glpi(&app, "lan-1", &untagged).await.status, StatusCode::OK);
    let placed: Vec<(String, Uuid, Option<Uuid>)> = sqlx::query_as(
        "select serial, entity_id, location_id from assets where serial in ('SIEGE0001', 'LAN00001') order by serial",
    )
    .fetch_all(&app.pool)
    .await
    .expect("assets");
    assert_eq!(placed, vec![("LAN00001".into(), a, None), ("SIEGE0001".into(), a, Some(office))]);

    let rules = app.api(Some(&pm), Method::GET, "/api/v1/inventory/placements", None).await.json();
    assert_eq!(rules[0]["location"], "Bureau A");
    let id = rules[1]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/inventory/placements/{id}");
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    let page = app.login("pm_a").await.get("/inventory/placements").await;
    assert_eq!(page.texts("[data-testid=placements] tbody tr").len(), 1, "{}", page.body);
    let tech = app.token("tech_a").await;
    app.api(Some(&tech), Method::GET, "/api/v1/inventory/placements", None).await.assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_full_inventory_without_a_list_means_none_and_a_partial_one_keeps_it() {
    let app = app_with_secret().await;
    let agent = "50000000-0000-0000-0000-000000000001";
    let mut document = small_inventory("pc-achats-03", "9ZK2PL5", None);
    glpi(&app, agent, &document).await.assert_status(StatusCode::OK);
    assert_eq!(device(&app, "pc-achats-03-2026").await.2, 1);

    let mut partial = document.clone();
    partial["partial"] = json!(true);
    partial["content"].as_object_mut().expect("content").remove("softwares");
    partial["content"]["hardware"]["memory"] = json!(16384);
    glpi(&app, agent, &partial).await.assert_status(StatusCode::OK);
    let (_, _, software, interfaces) = device(&app, "pc-achats-03-2026").await;
    assert_eq!((software, interfaces), (1, 1), "a partial inventory leaves out what it does not carry");

    let content = document["content"].as_object_mut().expect("content");
    content.remove("softwares");
    content.remove("networks");
    glpi(&app, agent, &document).await.assert_status(StatusCode::OK);
    let (_, _, software, interfaces) = device(&app, "pc-achats-03-2026").await;
    assert_eq!((software, interfaces), (0, 0), "a full inventory lists all the machine has");
}

#[tokio::test]
async fn two_agents_of_one_machine_do_not_rewrite_it_in_turn() {
    let app = app_with_secret().await;
    let first = small_inventory("pc-dsi-04", "4QK2PL6", Some("4c4c4544-0034-3010-8048-b6c04f503704"));
    // The second agent names the same program its own way, and sees the volume's free space change.
    let mut second = first.clone();
    second["deviceid"] = json!("pc-dsi-04-ocs");
    second["content"]["softwares"] = json!([{"name": "firefox-esr", "version": "118.0esr-1", "arch": "amd64"}]);
    second["content"]["drives"] = json!([{"volumn": "/dev/sda1", "type": "/", "total": 100_000, "free": 50_000}]);
    let (agent_one, agent_two) = ("60000000-0000-0000-0000-000000000001", "60000000-0000-0000-0000-000000000002");
    glpi(&app, agent_one, &first).await.assert_status(StatusCode::OK);
    glpi(&app, agent_two, &second).await.assert_status(StatusCode::OK);
    let id: Uuid =
        sqlx::query_scalar("select id from assets where serial = '4QK2PL6'").fetch_one(&app.pool).await.expect("asset");
    assert_eq!(count(&app, "select count(*) from assets where serial = '4QK2PL6'").await, 1, "one machine");
    let history = app.history("asset", id).await.len();

    second["content"]["drives"][0]["free"] = json!(40_000);
    for _ in 0..2 {
        glpi(&app, agent_one, &first).await.assert_status(StatusCode::OK);
        glpi(&app, agent_two, &second).await.assert_status(StatusCode::OK);
    }
    assert_eq!(app.history("asset", id).await.len(), history, "nothing new on either side: no history");
    let installed: Vec<String> = sqlx::query_scalar(
        "select s.name from software_installations i join software_versions v on v.id = i.version_id
           join software s on s.id = v.software_id where i.asset_id = $1",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("software");
    assert_eq!(installed, ["firefox-esr"], "the last agent that saw a change has the say");
    let free: Option<i64> = sqlx::query_scalar("select free_mb from asset_volumes where asset_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("volume");
    assert_eq!(free, Some(40_000), "the free space follows each run");
}

#[tokio::test]
async fn a_program_renamed_or_merged_in_the_catalogue_is_read_again() {
    let app = app_with_secret().await;
    let send = |n: u32| {
        let document = small_inventory(&format!("pc-rh-0{n}"), &format!("5RK2PL{n}"), None);
        let app = &app;
        async move { glpi(app, &format!("70000000-0000-0000-0000-00000000000{n}"), &document).await }
    };
    let installed = |name: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, String>(
                "select s.name || ' ' || v.version from software_installations i join assets a on a.id = i.asset_id
                   join software_versions v on v.id = i.version_id join software s on s.id = v.software_id
                  where a.name = $1",
            )
            .bind(name)
            .fetch_all(&app.pool)
            .await
            .expect("installed")
        }
    };
    send(1).await.assert_status(StatusCode::OK);
    // Renamed by hand: the version the server keeps for the agents' name is not given again.
    sqlx::query("update software set name = 'Firefox' where name = 'Mozilla Firefox'")
        .execute(&app.pool)
        .await
        .expect("rename");
    send(2).await.assert_status(StatusCode::OK);
    assert_eq!(installed("pc-rh-01").await, ["Firefox 118.0"]);
    assert_eq!(installed("pc-rh-02").await, ["Mozilla Firefox 118.0"], "a new catalogue entry");
    // The version merged away: the next machine gets a new one.
    sqlx::query("delete from software where name = 'Mozilla Firefox'").execute(&app.pool).await.expect("merge");
    send(3).await.assert_status(StatusCode::OK);
    assert_eq!(installed("pc-rh-03").await, ["Mozilla Firefox 118.0"]);
    assert_eq!(
        count(&app, "select count(*) from software_versions v join software s on s.id = v.software_id").await,
        2,
        "Firefox, and the Mozilla Firefox made again"
    );
    // A version deleted after an ingest read the catalogue's generation and
    // before its installations (the deletion's trigger held back to stand for
    // that moment): the ingest reads the catalogue again instead of failing.
    let mut tx = app.pool.begin().await.expect("begin");
    for sql in [
        "alter table software_versions disable trigger software_versions_deleted",
        "delete from software_versions v using software s where s.id = v.software_id and s.name = 'Mozilla Firefox'",
        "alter table software_versions enable trigger software_versions_deleted",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.expect(sql);
    }
    tx.commit().await.expect("commit");
    send(4).await.assert_status(StatusCode::OK);
    assert_eq!(installed("pc-rh-04").await, ["Mozilla Firefox 118.0"], "installed once the catalogue was read again");
}

/// The fields of an edit form as the browser sends them back.
fn form_fields(form: &TestResponse) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(&form.body);
    let inputs = scraper::Selector::parse("form.form input, form.form textarea").expect("selector");
    let selects = scraper::Selector::parse("form.form select").expect("selector");
    let chosen = scraper::Selector::parse("option[selected]").expect("selector");
    let mut fields: Vec<(String, String)> = document
        .select(&inputs)
        .filter_map(|e| {
            let name = e.value().attr("name")?.to_owned();
            let value = match e.value().name() {
                "textarea" => e.text().collect(),
                _ => e.value().attr("value").unwrap_or_default().to_owned(),
            };
            (name != "_csrf").then_some((name, value))
        })
        .collect();
    for select in document.select(&selects) {
        let value = select.select(&chosen).next().and_then(|o| o.value().attr("value")).unwrap_or_default();
        fields.push((select.value().attr("name").unwrap_or_default().to_owned(), value.to_owned()));
    }
    fields
}

/// (name, serial, memory) of an asset.
async fn identity(app: &TestApp, id: Uuid) -> (String, Option<String>, Option<i64>) {
    sqlx::query_as(
        "select a.name, a.serial, h.memory_mb from assets a left join asset_hardware h on h.asset_id = a.id where a.id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("asset")
}

#[tokio::test]
async fn what_a_person_sets_by_hand_the_agents_leave_alone_until_it_is_unlocked() {
    let app = app_with_secret().await;
    sqlx::query("update inventory_settings set entity_id = (select id from entities where name = 'Filiale A')")
        .execute(&app.pool)
        .await
        .expect("new devices in Filiale A");
    let agent = "80000000-0000-0000-0000-000000000001";
    glpi(&app, agent, &small_inventory("pc-lock-01", "LOCK0001", None)).await.assert_status(StatusCode::OK);
    let id: Uuid = sqlx::query_scalar("select id from assets where serial = 'LOCK0001'")
        .fetch_one(&app.pool)
        .await
        .expect("asset");
    let page = format!("/assets/{id}");
    let locks = format!("/api/v1/assets/{id}/locks");

    // A technician of the entity renames it on its page: the name is locked.
    let tech = app.login("tech_a").await;
    let form = tech.get(&format!("{page}/edit")).await;
    form.assert_status(StatusCode::OK);
    let fields: Vec<(String, String)> = form_fields(&form)
        .into_iter()
        .map(|(name, value)| if name == "name" { (name, "Poste accueil".into()) } else { (name, value) })
        .collect();
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    tech.post(&format!("{page}/edit"), &pairs).await.assert_status(StatusCode::SEE_OTHER);
    let shown = tech.get(&page).await;
    assert_eq!(shown.attrs("[data-testid=locks] li", "data-field"), ["name"], "{}", shown.body);

    // The park manager corrects the serial through the API: locked too.
    let pm = app.token("pm_a").await;
    let path = format!("/api/v1/assets/{id}");
    let version = app.api(Some(&pm), Method::GET, &path, None).await.json()["version"].clone();
    let patch = json!({"version": version, "serial": "LOCK0001-FIXED"});
    app.api(Some(&pm), Method::PATCH, &path, Some(patch)).await.assert_status(StatusCode::OK);
    let listed = app.api(Some(&pm), Method::GET, &locks, None).await;
    listed.assert_status(StatusCode::OK);
    assert_eq!(listed.json(), json!({"fields": ["name", "serial"]}));

    // The next inventory, under another name, keeps both and updates the rest, on the same asset.
    let mut second = small_inventory("pc-lock-renamed", "LOCK0001", None);
    second["content"]["hardware"]["memory"] = json!(16384);
    glpi(&app, agent, &second).await.assert_status(StatusCode::OK);
    assert_eq!(identity(&app, id).await, ("Poste accueil".into(), Some("LOCK0001-FIXED".into()), Some(16384)));
    assert_eq!(count(&app, "select count(*) from asset_inventory").await, 1, "still the same asset");

    // Unlocked from its page, the name is the agent's at the next inventory, even one identical to the last.
    tech.post(&format!("{page}/locks"), &[("field", "name"), ("action", "unlock")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    glpi(&app, agent, &second).await.assert_status(StatusCode::OK);
    assert_eq!(identity(&app, id).await, ("pc-lock-renamed".into(), Some("LOCK0001-FIXED".into()), Some(16384)));

    // Memory typed by hand is locked as well; the processor is locked from the page.
    let hardware = format!("/api/v1/assets/{id}/hardware");
    let mut facts = app.api(Some(&pm), Method::GET, &hardware, None).await.json();
    facts["memory_mb"] = json!(32768);
    let version = app.api(Some(&pm), Method::GET, &path, None).await.json()["version"].clone();
    let body = json!({"version": version, "hardware": facts});
    app.api(Some(&pm), Method::PUT, &hardware, Some(body)).await.assert_status(StatusCode::OK);
    tech.post(&format!("{page}/locks"), &[("field", "cpu"), ("action", "lock")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let listed = app.api(Some(&pm), Method::GET, &locks, None).await.json();
    assert_eq!(listed, json!({"fields": ["serial", "cpu", "memory"]}));

    // PUT sets the whole list; an unknown field is refused on its field.
    let put = app.api(Some(&pm), Method::PUT, &locks, Some(json!({"fields": ["model", "serial", "model"]}))).await;
    put.assert_status(StatusCode::OK);
    assert_eq!(put.json(), json!({"fields": ["serial", "model"]}));
    let bad = app.api(Some(&pm), Method::PUT, &locks, Some(json!({"fields": ["colour"]}))).await;
    bad.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.header("content-type"), "application/problem+json");
    assert_eq!(bad.json()["errors"][0]["field"], "fields");
    let shown = tech.get(&page).await;
    assert_eq!(shown.attrs("[data-testid=locks] li", "data-field"), ["serial", "model"]);

    // To an employee and to another subsidiary's technician, the asset does not exist.
    for login in ["emp_a", "tech_b"] {
        let token = app.token(login).await;
        let read = app.api(Some(&token), Method::GET, &locks, None).await;
        assert_eq!(read.status, StatusCode::NOT_FOUND, "{login}");
        let write = app.api(Some(&token), Method::PUT, &locks, Some(json!({"fields": []}))).await;
        assert_eq!(write.status, StatusCode::NOT_FOUND, "{login}");
    }
    let outsider = app.login("tech_b").await;
    let refused = outsider.post(&format!("{page}/locks"), &[("field", "serial"), ("action", "unlock")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // Each lock and unlock is in the asset's history, by whom and from where.
    let changes: Vec<(String, Value)> = sqlx::query_as(
        "select source, changes->'locked_fields' from audit_log where object_id = $1 and changes ? 'locked_fields' order by id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("history");
    let sources: Vec<&str> = changes.iter().map(|(source, _)| source.as_str()).collect();
    assert_eq!(sources, ["web", "api", "web", "api", "web", "api"], "{changes:?}");
    assert_eq!(changes[0].1, json!({"old": [], "new": ["name"]}));
    assert_eq!(changes[2].1, json!({"old": ["name", "serial"], "new": ["serial"]}));
    let history = tech.get(&format!("{page}/history")).await;
    assert!(history.body.contains("Locked against the agents"), "{}", history.body);
}

/// The messages of a problem+json answer: (field, code).
fn problem_fields(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.header("content-type"), "application/problem+json", "{}", response.body);
    response.json()["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// A JSON inventory sent with `password` as the agent's secret.
async fn send_with(app: &TestApp, password: &str, document: &Value) -> StatusCode {
    let request = Request::post("/inventory")
        .header("authorization", basic(password))
        .header("content-type", "application/json")
        .body(Body::from(document.to_string()))
        .expect("request");
    app.send(request).await.status
}

#[tokio::test]
async fn the_placeholders_settings_secret_and_tokens_are_kept_through_the_api() {
    let app = app_with_secret().await;
    let pm = app.token("pm_a").await;
    let (a, b) = (app.id_of("entities", "Filiale A").await, app.id_of("entities", "Filiale B").await);

    // Placeholders: the defaults listed, one added (once), bad ones refused on their field, one deleted.
    let listed = app.api(Some(&pm), Method::GET, "/api/v1/inventory/blacklist", None).await;
    listed.assert_status(StatusCode::OK);
    assert!(listed.json().as_array().expect("rows").iter().any(|r| r["field"] == "serial" && r["value"] == "N/A"));
    let acme = json!({"field": "serial", "value": "/^ACME-0+$/"});
    let added = app.api(Some(&pm), Method::POST, "/api/v1/inventory/blacklist", Some(acme.clone())).await;
    added.assert_status(StatusCode::CREATED);
    let placeholder = added.json()["id"].as_str().expect("id").to_owned();
    let again = app.api(Some(&pm), Method::POST, "/api/v1/inventory/blacklist", Some(acme)).await;
    again.assert_status(StatusCode::OK);
    assert_eq!(again.json()["id"], json!(placeholder), "listed once");
    for (body, field) in [
        (json!({"field": "colour", "value": "red"}), "field"),
        (json!({"field": "serial", "value": "/([/"}), "value"),
        (json!({"field": "serial", "value": ""}), "value"),
    ] {
        let refused = app.api(Some(&pm), Method::POST, "/api/v1/inventory/blacklist", Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem_fields(&refused), [field]);
    }
    let unreadable = app
        .send(
            Request::post("/api/v1/inventory/blacklist")
                .header("authorization", format!("Bearer {pm}"))
                .header("content-type", "application/json")
                .body(Body::from("{\"field\": "))
                .expect("request"),
        )
        .await;
    unreadable.assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(unreadable.header("content-type"), "application/problem+json");
    glpi(&app, "90000000-0000-0000-0000-000000000001", &small_inventory("pc-acme-api", "ACME-0000", None))
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(count(&app, "select count(*) from assets where name = 'pc-acme-api' and serial is null").await, 1);
    let path = format!("/api/v1/inventory/blacklist/{placeholder}");
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NOT_FOUND);

    // Settings: the version read; a bad network, an entity elsewhere, a size out of bounds
    // refused on their fields; no version, 428; saved; the same version again, 409.
    let settings = app.api(Some(&pm), Method::GET, "/api/v1/inventory/settings", None).await;
    settings.assert_status(StatusCode::OK);
    let settings = settings.json();
    assert_eq!((settings["access"].clone(), settings["has_secret"].clone()), (json!("secret"), json!(true)));
    let version = settings["version"].as_i64().expect("version");
    let mb = 1024 * 1024;
    for (change, field) in [
        (json!({"allowed_networks": ["10.0.0.0/8", "not-a-network"]}), "allowed_networks"),
        (json!({"entity_id": b}), "entity_id"),
        (json!({"status_id": Uuid::now_v7()}), "status_id"),
        (json!({"max_body_bytes": 10}), "max_body_bytes"),
        (json!({"access": "everyone"}), "access"),
    ] {
        let mut body = json!({"version": version, "access": "secret", "max_body_bytes": 64 * mb});
        for (key, value) in change.as_object().expect("object") {
            body[key] = value.clone();
        }
        let refused = app.api(Some(&pm), Method::PUT, "/api/v1/inventory/settings", Some(body)).await;
        refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem_fields(&refused), [field]);
    }
    let unversioned = json!({"access": "secret", "max_body_bytes": 64 * mb});
    app.api(Some(&pm), Method::PUT, "/api/v1/inventory/settings", Some(unversioned))
        .await
        .assert_status(StatusCode::PRECONDITION_REQUIRED);
    let good = json!({"version": version, "access": "secret", "allowed_networks": ["10.0.0.0/8", "127.0.0.1"],
                      "entity_id": a, "max_body_bytes": 32 * mb});
    let saved = app.api(Some(&pm), Method::PUT, "/api/v1/inventory/settings", Some(good.clone())).await;
    saved.assert_status(StatusCode::OK);
    let saved = saved.json();
    assert_eq!(saved["allowed_networks"], json!(["10.0.0.0/8", "127.0.0.1/32"]));
    assert_eq!((saved["entity_id"].clone(), saved["version"].clone()), (json!(a), json!(version + 1)));
    let stale = app.api(Some(&pm), Method::PUT, "/api/v1/inventory/settings", Some(good)).await;
    stale.assert_status(StatusCode::CONFLICT);
    assert_eq!(stale.header("content-type"), "application/problem+json");

    // A new shared secret, shown once: it lets agents in, the old one no longer.
    let rotated = app.api(Some(&pm), Method::POST, "/api/v1/inventory/secret", None).await;
    rotated.assert_status(StatusCode::OK);
    let secret = rotated.json()["secret"].as_str().expect("secret").to_owned();
    let document = small_inventory("pc-new-secret", "NEWSEC01", None);
    assert_eq!(send_with(&app, SECRET, &document).await, StatusCode::UNAUTHORIZED);
    assert_eq!(send_with(&app, &secret, &document).await, StatusCode::OK);

    // Tokens: made (shown once), listed without it, working for its entity, revoked.
    let bad = json!({"name": " ", "entity_id": b});
    let refused = app.api(Some(&pm), Method::POST, "/api/v1/inventory/tokens", Some(bad)).await;
    refused.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&refused), ["name", "entity_id"]);
    let made =
        app.api(Some(&pm), Method::POST, "/api/v1/inventory/tokens", Some(json!({"name": "Lyon", "entity_id": a})));
    let made = made.await;
    made.assert_status(StatusCode::CREATED);
    let (token_id, token) = (made.json()["id"].as_str().expect("id").to_owned(), made.json()["token"].clone());
    let token = token.as_str().expect("token").to_owned();
    let tokens = app.api(Some(&pm), Method::GET, "/api/v1/inventory/tokens", None).await;
    tokens.assert_status(StatusCode::OK);
    assert!(!tokens.body.contains(&token), "the token is never shown again");
    assert_eq!(tokens.json()[0]["name"], "Lyon");
    assert_eq!(tokens.json()[0]["entity_name"], "Filiale A");
    assert_eq!(send_with(&app, &token, &small_inventory("pc-lyon-api", "LYON0001", None)).await, StatusCode::OK);
    let revoke = format!("/api/v1/inventory/tokens/{token_id}/revoke");
    app.api(Some(&pm), Method::POST, &revoke, None).await.assert_status(StatusCode::NO_CONTENT);
    app.api(Some(&pm), Method::POST, &revoke, None).await.assert_status(StatusCode::NOT_FOUND);
    let document = small_inventory("pc-lyon-api-2", "LYON0002", None);
    assert_eq!(send_with(&app, &token, &document).await, StatusCode::UNAUTHORIZED, "revoked");
    let other = app.api(Some(&pm), Method::POST, "/api/v1/inventory/tokens", Some(json!({"name": "Nantes"}))).await;
    let other = other.json()["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/inventory/tokens/{other}");
    app.api(Some(&pm), Method::DELETE, &path, None).await.assert_status(StatusCode::NO_CONTENT);
    let tokens = app.api(Some(&pm), Method::GET, "/api/v1/inventory/tokens", None).await.json();
    assert!(tokens.as_array().expect("tokens").iter().all(|t| t["revoked_at"].is_string()), "{tokens}");

    // Technicians and employees are refused, as on the pages.
    for login in ["tech_a", "emp_a"] {
        let token = app.token(login).await;
        for (method, path, body) in [
            (Method::GET, "/api/v1/inventory/blacklist", None),
            (Method::POST, "/api/v1/inventory/blacklist", Some(json!({"field": "serial", "value": "X"}))),
            (Method::GET, "/api/v1/inventory/settings", None),
            (
                Method::PUT,
                "/api/v1/inventory/settings",
                Some(json!({"version": 1, "access": "open", "max_body_bytes": mb})),
            ),
            (Method::POST, "/api/v1/inventory/secret", None),
            (Method::GET, "/api/v1/inventory/tokens", None),
            (Method::POST, "/api/v1/inventory/tokens", Some(json!({"name": "Mine"}))),
        ] {
            let refused = app.api(Some(&token), method.clone(), path, body).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{login}: {method} {path}");
        }
    }
    assert_eq!(count(&app, "select count(*) from inventory_settings where access = 'open'").await, 0);

    // Every change is in the settings' history, made through the API.
    let history: Vec<String> = sqlx::query_scalar(
        "select changes::text from audit_log where object_kind = 'inventory_settings' and source = 'api' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("history");
    let history = history.join("\n");
    for change in ["serial: /^ACME-0+$/", "10.0.0.0/8", "secret", "Lyon", "(revoked)", "Nantes"] {
        assert!(history.contains(change), "{change} in {history}");
    }
}
