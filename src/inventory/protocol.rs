//! The agents' three dialogues on one endpoint, told apart by headers and
//! content: OCS XML (PROLOG, INVENTORY at `/ocsinventory`), FusionInventory
//! XML (PROLOG, INVENTORY, SNMPQUERY, NETDISCOVERY) and the GLPI Agent JSON
//! protocol (the legacy PROLOG answered in JSON when `GLPI-Agent-ID` is sent,
//! then CONTACT and inventories). Each is answered the way its agent reads:
//! errors too, so an agent's log says what went wrong.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    config::Config,
    db::{self, Hello, Outcome},
    model::{self, Dialect, ItemType},
    normalize::Blacklist,
    wire::{Compression, WireError, text_of},
    xml::{self, Limits},
};
use crate::error::AppError;

/// Hours until the agent's next contact.
const EXPIRATION_HOURS: i64 = 24;
/// Version of the GLPI server the JSON protocol announces (agents compare it).
const GLPI_VERSION: &str = "10.0.16";
/// Tasks a GLPI Agent may run against Parc.
const SUPPORTED_TASKS: [&str; 3] = ["inventory", "netinventory", "netdiscovery"];

/// Who is speaking, which decides the shape of every answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaker {
    /// OCS Inventory agents: XML, always zlib, `application/x-compressed`.
    Ocs,
    /// FusionInventory and other XML agents: XML, compressed as the request.
    Xml,
    /// GLPI Agent: JSON, compressed and typed as the request.
    Glpi,
}

/// One message from an agent.
pub struct Message<'a> {
    pub ocs_path: bool,
    pub content_type: &'a str,
    pub agent_uuid: Option<&'a str>,
    pub user_agent: &'a str,
    pub remote_ip: Option<std::net::IpAddr>,
    pub body: axum::body::Bytes,
    /// Decompressed-size cap.
    pub max_bytes: u64,
    /// Where new devices go (the token's entity).
    pub entity_id: Option<Uuid>,
}

impl Message<'_> {
    /// Who speaks, before the body is read: OCS by its URL or user agent,
    /// GLPI Agent by its id header, the rest XML.
    pub fn speaker(&self) -> Speaker {
        if self.ocs_path || self.user_agent.starts_with("OCS-NG") {
            Speaker::Ocs
        } else if self.agent_uuid.is_some() || self.content_type.contains("json") {
            Speaker::Glpi
        } else {
            Speaker::Xml
        }
    }
}

/// An answer to an agent.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    /// `body` compressed as `compression`, with the Content-Type `speaker` reads.
    fn encoded(status: StatusCode, speaker: Speaker, compression: Compression, body: &[u8]) -> Reply {
        let (compression, content_type) = match (speaker, compression) {
            // The OCS agent always inflates the reply.
            (Speaker::Ocs, _) => (Compression::Zlib, "application/x-compressed"),
            (_, Compression::Zlib) => (Compression::Zlib, "application/x-compress-zlib"),
            (_, Compression::Gzip) => (Compression::Gzip, "application/x-compress-gzip"),
            (_, Compression::Deflate) => (Compression::Deflate, "application/x-compress-deflate"),
            (Speaker::Glpi, Compression::None) => (Compression::None, "application/json"),
            (_, Compression::None) => (Compression::None, "application/xml"),
        };
        Reply { status, content_type, body: compression.compress(body) }
    }

    fn json(status: StatusCode, compression: Compression, value: &Value) -> Reply {
        Reply::encoded(status, Speaker::Glpi, compression, value.to_string().as_bytes())
    }

    fn xml(status: StatusCode, speaker: Speaker, compression: Compression, inner: &str) -> Reply {
        let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>{inner}</REPLY>\n");
        Reply::encoded(status, speaker, compression, body.as_bytes())
    }

    /// An error in the speaker's own form: JSON for GLPI Agent, `<ERROR>`
    /// for XML agents, a bare status for OCS (as its server does).
    pub fn error(status: StatusCode, speaker: Speaker, compression: Compression, message: &str) -> Reply {
        match speaker {
            Speaker::Glpi => Reply::json(
                status,
                compression,
                &json!({ "status": "error", "message": message, "expiration": EXPIRATION_HOURS }),
            ),
            Speaker::Xml => {
                Reply::xml(status, speaker, compression, &format!("<ERROR><![CDATA[{}]]></ERROR>", cdata(message)))
            }
            Speaker::Ocs => Reply { status, content_type: "text/plain", body: Vec::new() },
        }
    }

    fn ok_json(compression: Compression) -> Reply {
        Reply::json(StatusCode::OK, compression, &json!({ "status": "ok", "expiration": EXPIRATION_HOURS }))
    }
}

/// Text safe inside CDATA.
fn cdata(text: &str) -> String {
    text.replace("]]>", "]] >")
}

/// Answer one message. Reading it (inflating, parsing, normalising) is CPU
/// work done on the blocking pool, off the threads that serve requests; only
/// what it asks of the database is done here. A GLPI Agent's JSON body equal
/// to its last inventory is answered once inflated and hashed, unparsed.
pub async fn answer(pool: &sqlx::PgPool, message: &Message<'_>, config: Arc<Config>) -> Reply {
    let speaker = message.speaker();
    let compression = match Compression::detect(message.content_type, &message.body) {
        Ok(found) => found,
        Err(WireError::Brotli) => {
            return Reply::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                speaker,
                Compression::None,
                "brotli is not supported",
            );
        }
        Err(other) => return Reply::error(StatusCode::BAD_REQUEST, speaker, Compression::None, &other.to_string()),
    };
    let sender = Sender {
        speaker,
        compression,
        agent_uuid: message.agent_uuid.map(str::to_owned),
        user_agent: message.user_agent.chars().take(200).collect(),
        remote_ip: message.remote_ip,
    };
    let unreadable =
        || Reply::error(StatusCode::INTERNAL_SERVER_ERROR, speaker, compression, "the inventory could not be read");
    let (wire, cap) = (message.body.clone(), message.max_bytes);
    let body = match tokio::task::spawn_blocking(move || inflate(speaker, compression, &wire, cap)).await {
        Ok(Ok(body)) => body,
        Ok(Err(reply)) => return reply,
        Err(_) => return unreadable(),
    };
    // A GLPI Agent names itself in its id header: its JSON body is compared
    // with its last inventory before it is read, and not again after.
    let early = sender.agent_uuid.clone().filter(|_| body.is_json());
    if let Some(agent_uuid) = &early {
        match same_body_of(pool, agent_uuid, sender.remote_ip, &body).await {
            Ok(true) => return Reply::ok_json(compression),
            Ok(false) => {}
            Err(error) => return store_failed(speaker, compression, &error),
        }
    }
    let blacklist = Arc::clone(&config.blacklist);
    let Ok(read) = tokio::task::spawn_blocking(move || read(&sender, &body, &blacklist)).await else {
        return unreadable();
    };
    let stored = match read {
        Read::Answer(reply) => return reply,
        Read::Contact { hello, reply } => contact(pool, &hello).await.map(|()| reply),
        Read::Inventory(inventory) => {
            submit(pool, message, &config, &inventory, early.is_none()).await.map(|_| inventory.reply)
        }
    };
    stored.unwrap_or_else(|error| store_failed(speaker, compression, &error))
}

fn store_failed(speaker: Speaker, compression: Compression, error: &AppError) -> Reply {
    // The details stay in the server's log, not in the agent's.
    tracing::warn!(%error, "inventory failed");
    Reply::error(StatusCode::INTERNAL_SERVER_ERROR, speaker, compression, "the inventory could not be stored")
}

/// A body decompressed, with its SHA-256.
struct Inflated {
    bytes: Vec<u8>,
    sha256: [u8; 32],
}

impl Inflated {
    /// JSON (the GLPI Agent protocol) rather than XML.
    fn is_json(&self) -> bool {
        self.bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
    }
}

fn inflate(speaker: Speaker, compression: Compression, wire: &[u8], cap: u64) -> Result<Inflated, Reply> {
    match compression.decompress(wire, cap) {
        Ok(bytes) => Ok(Inflated { sha256: Sha256::digest(&bytes).into(), bytes }),
        Err(error @ WireError::TooLarge(_)) => {
            Err(Reply::error(StatusCode::PAYLOAD_TOO_LARGE, speaker, compression, &error.to_string()))
        }
        Err(error) => Err(Reply::error(StatusCode::BAD_REQUEST, speaker, compression, &error.to_string())),
    }
}

/// Whether the agent `agent_uuid` sent the very body of its last inventory.
/// Only an inventory's body is ever remembered, so an equal body is that
/// inventory again and gets its answer.
async fn same_body_of(
    pool: &sqlx::PgPool,
    agent_uuid: &str,
    remote_ip: Option<std::net::IpAddr>,
    body: &Inflated,
) -> Result<bool, AppError> {
    let hello = Hello { agent_uuid: Some(agent_uuid.to_owned()), remote_ip, ..Hello::default() };
    let asset = db::same_body(pool, &hello, &body.sha256).await?;
    if let Some(asset) = asset {
        tracing::info!(agent = %agent_uuid, outcome = ?Outcome::Unchanged(asset), "inventory");
    }
    Ok(asset.is_some())
}

/// Who sent a message and how, as reading it needs.
struct Sender {
    speaker: Speaker,
    compression: Compression,
    agent_uuid: Option<String>,
    user_agent: String,
    remote_ip: Option<std::net::IpAddr>,
}

impl Sender {
    fn hello(&self, deviceid: String, tag: Option<String>) -> Hello {
        Hello {
            agent_uuid: self.agent_uuid.clone(),
            deviceid,
            user_agent: self.user_agent.clone(),
            tag,
            remote_ip: self.remote_ip,
        }
    }
}

/// What a message asks, once read.
enum Read {
    /// An answer that needs nothing from the database (errors included).
    Answer(Reply),
    /// A first contact: the agent is noted, then `reply` sent.
    Contact {
        hello: Hello,
        reply: Reply,
    },
    Inventory(Box<Received>),
}

/// An inventory to store, then answer with `reply`.
struct Received {
    hello: Hello,
    inventory: model::Inventory,
    document: Value,
    dialect: Dialect,
    body_sha256: [u8; 32],
    reply: Reply,
}

/// Read an inflated message.
fn read(sender: &Sender, body: &Inflated, blacklist: &Blacklist) -> Read {
    if body.is_json() { json_message(sender, body, blacklist) } else { xml_message(sender, body, blacklist) }
}

async fn contact(pool: &sqlx::PgPool, hello: &Hello) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    db::contact(&mut conn, hello, &[]).await?;
    Ok(())
}

/// Top-level keys of a JSON message (the inventory format, plus CONTACT's).
const JSON_KEYS: [&str; 17] = [
    "action",
    "content",
    "deviceid",
    "itemtype",
    "partial",
    "tag",
    "jobid",
    "name",
    "version",
    "enabled-tasks",
    "installed-tasks",
    "httpd-port",
    "httpd-plugins",
    "params_id",
    "use",
    "token",
    "query",
];

fn json_message(sender: &Sender, inflated: &Inflated, blacklist: &Blacklist) -> Read {
    let (body, compression) = (&inflated.bytes, sender.compression);
    let bad = |text: String| Read::Answer(Reply::error(StatusCode::BAD_REQUEST, Speaker::Glpi, compression, &text));
    let Ok(text) = std::str::from_utf8(body) else { return bad("JSON not well formed: invalid UTF-8".into()) };
    if text.contains("\\u0000") {
        return bad("JSON does not validate: a value holds a NUL character".into());
    }
    let document: Value = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(error) => return bad(format!("JSON not well formed: {error}")),
    };
    let Some(top) = document.as_object() else { return bad("JSON does not validate: not an object".into()) };
    if let Some(unknown) = top.keys().find(|k| !JSON_KEYS.contains(&k.as_str())) {
        return bad(format!("JSON does not validate: unknown key {unknown}"));
    }
    let text_of_key = |key: &str| top.get(key).and_then(Value::as_str).map(str::to_owned);
    let Some(deviceid) = text_of_key("deviceid").filter(|d| !d.trim().is_empty() && d.len() <= 255) else {
        return bad("JSON does not validate: deviceid is required".into());
    };
    let action = text_of_key("action").unwrap_or_else(|| "inventory".into()).to_ascii_lowercase();
    let hello = sender.hello(deviceid, text_of_key("tag"));
    match action.as_str() {
        "contact" => Read::Contact { reply: contact_reply(&document, compression), hello },
        "inventory" | "netinventory" => {
            let itemtype = match top.get("itemtype") {
                None | Some(Value::Null) => None,
                Some(Value::String(t)) => match ItemType::parse(t) {
                    Some(found) => Some(found),
                    None => return bad(format!("JSON does not validate: unknown itemtype {t}")),
                },
                Some(_) => return bad("JSON does not validate: itemtype is not a text".into()),
            };
            let partial = match top.get("partial") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return bad("JSON does not validate: partial is not a boolean".into()),
            };
            let Some(content) = top.get("content") else {
                return bad("JSON does not validate: content is required".into());
            };
            let inventory = match model::read(content, itemtype, partial, hello.tag.clone(), Dialect::Json, blacklist) {
                Ok(inventory) => inventory,
                Err(error) => return bad(format!("JSON does not validate: {error}")),
            };
            Read::Inventory(Box::new(Received {
                hello,
                inventory,
                document,
                dialect: Dialect::Json,
                body_sha256: inflated.sha256,
                reply: Reply::ok_json(compression),
            }))
        }
        // Discovered addresses are not devices of the register.
        "netdiscovery" => Read::Answer(Reply::ok_json(compression)),
        "get_params" => Read::Answer(Reply::json(
            StatusCode::OK,
            compression,
            &json!({ "status": "ok", "expiration": EXPIRATION_HOURS, "credentials": [] }),
        )),
        other => Read::Answer(Reply::error(
            StatusCode::NOT_IMPLEMENTED,
            Speaker::Glpi,
            compression,
            &format!("Query '{other}' is not supported."),
        )),
    }
}

/// CONTACT: inventory tasks on, the others off, as GLPI 10 answers.
fn contact_reply(document: &Value, compression: Compression) -> Reply {
    let enabled: Vec<String> = document
        .get("enabled-tasks")
        .and_then(Value::as_array)
        .map(|tasks| tasks.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let disabled: Vec<&String> = enabled.iter().filter(|t| !SUPPORTED_TASKS.contains(&t.as_str())).collect();
    let message = disabled.iter().map(|t| format!("{t} task not supported")).collect::<Vec<_>>().join(";");
    let mut tasks = serde_json::Map::new();
    for task in SUPPORTED_TASKS.iter().filter(|t| enabled.is_empty() || enabled.iter().any(|e| e == *t)) {
        tasks.insert((*task).to_owned(), json!({ "server": "glpi", "version": GLPI_VERSION }));
    }
    let mut reply = json!({ "status": "ok", "expiration": EXPIRATION_HOURS, "tasks": tasks, "disabled": disabled });
    if !message.is_empty() {
        reply["message"] = Value::String(message);
    }
    Reply::json(StatusCode::OK, compression, &reply)
}

fn xml_message(sender: &Sender, inflated: &Inflated, blacklist: &Blacklist) -> Read {
    let (body, speaker, compression) = (&inflated.bytes, sender.speaker, sender.compression);
    // A GLPI Agent's first contact is an XML PROLOG answered in JSON.
    let json_answers = sender.agent_uuid.is_some();
    let fail = |status: StatusCode, text: &str| {
        let speaker = if json_answers { Speaker::Glpi } else { speaker };
        Read::Answer(Reply::error(status, speaker, compression, text))
    };
    let text = text_of(body);
    let document = match xml::to_json(&text, Limits::default()) {
        Ok(document) => document,
        Err(error) => return fail(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    let Some(top) = document.as_object() else {
        return fail(StatusCode::BAD_REQUEST, "XML not well formed: no REQUEST");
    };
    let field = |key: &str| top.get(key).and_then(Value::as_str).map(str::trim).filter(|v| !v.is_empty());
    let Some(deviceid) = field("deviceid").filter(|d| d.len() <= 255).map(str::to_owned) else {
        return fail(StatusCode::BAD_REQUEST, "DEVICEID is required");
    };
    let query = field("query").unwrap_or_default().to_ascii_uppercase();
    let hello = sender.hello(deviceid, account_tag(top.get("content")));
    match query.as_str() {
        "PROLOG" => {
            let reply = if json_answers {
                Reply::ok_json(compression)
            } else if speaker == Speaker::Ocs {
                let inner = format!("<RESPONSE>SEND</RESPONSE><PROLOG_FREQ>{EXPIRATION_HOURS}</PROLOG_FREQ>");
                Reply::xml(StatusCode::OK, speaker, compression, &inner)
            } else {
                let inner = format!("<PROLOG_FREQ>{EXPIRATION_HOURS}</PROLOG_FREQ><RESPONSE>SEND</RESPONSE>");
                Reply::xml(StatusCode::OK, speaker, compression, &inner)
            };
            Read::Contact { hello, reply }
        }
        "INVENTORY" | "SNMPQUERY" | "SNMP" => {
            let Some(content) = top.get("content") else { return fail(StatusCode::BAD_REQUEST, "CONTENT is required") };
            let itemtype = if query == "INVENTORY" { None } else { Some(network_itemtype(content)) };
            let inventory = match model::read(content, itemtype, false, hello.tag.clone(), Dialect::Xml, blacklist) {
                Ok(inventory) => inventory,
                Err(error) => return fail(StatusCode::BAD_REQUEST, &error.to_string()),
            };
            let inner = if speaker == Speaker::Ocs {
                "<RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>"
            } else {
                "<RESPONSE>SEND</RESPONSE>"
            };
            Read::Inventory(Box::new(Received {
                hello,
                inventory,
                body_sha256: inflated.sha256,
                document,
                dialect: Dialect::Xml,
                reply: Reply::xml(StatusCode::OK, speaker, compression, inner),
            }))
        }
        "NETDISCOVERY" => Read::Answer(Reply::xml(StatusCode::OK, speaker, compression, "<RESPONSE>SEND</RESPONSE>")),
        other => fail(StatusCode::NOT_IMPLEMENTED, &format!("Query '{other}' is not supported.")),
    }
}

/// NetworkEquipment or Printer, from an SNMP inventory's `DEVICE/INFO/TYPE`.
fn network_itemtype(content: &Value) -> ItemType {
    let kind = content.pointer("/device/info/type").and_then(Value::as_str).unwrap_or_default();
    if kind.eq_ignore_ascii_case("printer") { ItemType::Printer } else { ItemType::NetworkEquipment }
}

/// The TAG of `ACCOUNTINFO` (OCS and FusionInventory agents run with `--tag`).
fn account_tag(content: Option<&Value>) -> Option<String> {
    let info = content?.get("accountinfo")?;
    let entries: Vec<&Value> = match info {
        Value::Array(list) => list.iter().collect(),
        single => vec![single],
    };
    entries.into_iter().find_map(|entry| {
        let key = entry.get("keyname")?.as_str()?;
        key.eq_ignore_ascii_case("TAG").then(|| entry.get("keyvalue")?.as_str().map(str::to_owned))?
    })
}

async fn submit(
    pool: &sqlx::PgPool,
    message: &Message<'_>,
    config: &Config,
    received: &Received,
    compare_body: bool,
) -> Result<Outcome, AppError> {
    let submission = db::Submission {
        hello: &received.hello,
        inventory: &received.inventory,
        document: &received.document,
        dialect: received.dialect,
        body_sha256: received.body_sha256,
        entity_id: message.entity_id,
        config,
        force: false,
        compare_body,
    };
    let outcome = db::ingest(pool, submission).await?;
    tracing::info!(deviceid = %received.hello.deviceid, outcome = ?outcome, "inventory");
    Ok(outcome)
}
