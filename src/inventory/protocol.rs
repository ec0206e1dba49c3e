//! The agents' three dialogues on one endpoint, told apart by headers and
//! content: OCS XML (PROLOG, INVENTORY at `/ocsinventory`), FusionInventory
//! XML (PROLOG, INVENTORY, SNMPQUERY, NETDISCOVERY) and the GLPI Agent JSON
//! protocol (the legacy PROLOG answered in JSON when `GLPI-Agent-ID` is sent,
//! then CONTACT and inventories). Each is answered the way its agent reads:
//! errors too, so an agent's log says what went wrong.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
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

/// Answer one message.
pub async fn answer(pool: &sqlx::PgPool, message: &Message<'_>) -> Reply {
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
    // Inflating up to the cap is CPU work: off the threads that serve requests.
    let (wire, cap) = (message.body.clone(), message.max_bytes);
    let inflated = tokio::task::spawn_blocking(move || compression.decompress(&wire, cap)).await;
    let Ok(inflated) = inflated else {
        return Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            speaker,
            compression,
            "the inventory could not be read",
        );
    };
    let body = match inflated {
        Ok(body) => body,
        Err(error @ WireError::TooLarge(_)) => {
            return Reply::error(StatusCode::PAYLOAD_TOO_LARGE, speaker, compression, &error.to_string());
        }
        Err(error) => return Reply::error(StatusCode::BAD_REQUEST, speaker, compression, &error.to_string()),
    };
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let outcome = match first {
        Some(b'{') => json_message(pool, message, &body, compression).await,
        _ => xml_message(pool, message, speaker, &body, compression).await,
    };
    outcome.unwrap_or_else(|error| {
        // The details stay in the server's log, not in the agent's.
        tracing::warn!(%error, "inventory failed");
        Reply::error(StatusCode::INTERNAL_SERVER_ERROR, speaker, compression, "the inventory could not be stored")
    })
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

async fn json_message(
    pool: &sqlx::PgPool,
    message: &Message<'_>,
    body: &[u8],
    compression: Compression,
) -> Result<Reply, AppError> {
    let bad = |text: String| Ok(Reply::error(StatusCode::BAD_REQUEST, Speaker::Glpi, compression, &text));
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
    let hello = Hello {
        agent_uuid: message.agent_uuid.map(str::to_owned),
        deviceid,
        user_agent: message.user_agent.chars().take(200).collect(),
        tag: text_of_key("tag"),
        remote_ip: message.remote_ip,
    };
    match action.as_str() {
        "contact" => {
            let mut conn = pool.acquire().await?;
            db::contact(&mut conn, &hello).await?;
            Ok(contact_reply(&document, compression))
        }
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
            let blacklist = db::blacklist(pool).await?;
            let inventory = match model::read(content, itemtype, partial, hello.tag.clone(), Dialect::Json, &blacklist)
            {
                Ok(inventory) => inventory,
                Err(error) => return bad(format!("JSON does not validate: {error}")),
            };
            submit(pool, message, &hello, &inventory, &document, Dialect::Json, body, &blacklist).await?;
            Ok(Reply::ok_json(compression))
        }
        // Discovered addresses are not devices of the register.
        "netdiscovery" => Ok(Reply::ok_json(compression)),
        "get_params" => Ok(Reply::json(
            StatusCode::OK,
            compression,
            &json!({ "status": "ok", "expiration": EXPIRATION_HOURS, "credentials": [] }),
        )),
        other => Ok(Reply::error(
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

async fn xml_message(
    pool: &sqlx::PgPool,
    message: &Message<'_>,
    speaker: Speaker,
    body: &[u8],
    compression: Compression,
) -> Result<Reply, AppError> {
    // A GLPI Agent's first contact is an XML PROLOG answered in JSON.
    let json_answers = message.agent_uuid.is_some();
    let fail = |status: StatusCode, text: &str| {
        if json_answers {
            Ok(Reply::error(status, Speaker::Glpi, compression, text))
        } else {
            Ok(Reply::error(status, speaker, compression, text))
        }
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
    let hello = Hello {
        agent_uuid: message.agent_uuid.map(str::to_owned),
        deviceid,
        user_agent: message.user_agent.chars().take(200).collect(),
        tag: account_tag(top.get("content")),
        remote_ip: message.remote_ip,
    };
    match query.as_str() {
        "PROLOG" => {
            let mut conn = pool.acquire().await?;
            db::contact(&mut conn, &hello).await?;
            if json_answers {
                return Ok(Reply::ok_json(compression));
            }
            let inner = if speaker == Speaker::Ocs {
                format!("<RESPONSE>SEND</RESPONSE><PROLOG_FREQ>{EXPIRATION_HOURS}</PROLOG_FREQ>")
            } else {
                format!("<PROLOG_FREQ>{EXPIRATION_HOURS}</PROLOG_FREQ><RESPONSE>SEND</RESPONSE>")
            };
            Ok(Reply::xml(StatusCode::OK, speaker, compression, &inner))
        }
        "INVENTORY" | "SNMPQUERY" | "SNMP" => {
            let Some(content) = top.get("content") else { return fail(StatusCode::BAD_REQUEST, "CONTENT is required") };
            let itemtype = if query == "INVENTORY" { None } else { Some(network_itemtype(content)) };
            let blacklist = db::blacklist(pool).await?;
            let inventory = match model::read(content, itemtype, false, hello.tag.clone(), Dialect::Xml, &blacklist) {
                Ok(inventory) => inventory,
                Err(error) => return fail(StatusCode::BAD_REQUEST, &error.to_string()),
            };
            submit(pool, message, &hello, &inventory, &document, Dialect::Xml, body, &blacklist).await?;
            let inner = if speaker == Speaker::Ocs {
                "<RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>"
            } else {
                "<RESPONSE>SEND</RESPONSE>"
            };
            Ok(Reply::xml(StatusCode::OK, speaker, compression, inner))
        }
        "NETDISCOVERY" => Ok(Reply::xml(StatusCode::OK, speaker, compression, "<RESPONSE>SEND</RESPONSE>")),
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

#[allow(clippy::too_many_arguments)]
async fn submit(
    pool: &sqlx::PgPool,
    message: &Message<'_>,
    hello: &Hello,
    inventory: &model::Inventory,
    document: &Value,
    dialect: Dialect,
    body: &[u8],
    blacklist: &Blacklist,
) -> Result<Outcome, AppError> {
    let submission = db::Submission {
        hello,
        inventory,
        document,
        dialect,
        body_sha256: Sha256::digest(body).into(),
        entity_id: message.entity_id,
        blacklist,
        force: false,
    };
    let outcome = db::ingest(pool, submission).await?;
    tracing::info!(deviceid = %hello.deviceid, outcome = ?outcome, "inventory");
    Ok(outcome)
}
