//! Automated inventory from the agents parks already run (GLPI Agent,
//! FusionInventory, OCS Inventory): one endpoint for all (`/inventory`, and
//! `/ocsinventory` where OCS agents look by default), one inventory model,
//! and reconciliation with the register through ordered match rules.

pub mod api;
pub mod config;
pub mod db;
pub mod model;
pub mod normalize;
mod pages;
pub mod protocol;
pub mod wire;
pub mod xml;

use axum::{
    Router,
    extract::{Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine as _;
use std::net::IpAddr;
use uuid::Uuid;

use crate::{
    auth::{middleware::ClientAddr, secret},
    error::AppResult,
    state::AppState,
};
pub use pages::router;
use protocol::{Message, Reply};

/// Compressed bodies above this are refused before reading them.
pub const MAX_WIRE_BYTES: usize = 64 * 1024 * 1024;
/// Messages read and stored at once, per server.
const CONCURRENT_MESSAGES: usize = 16;
/// How long a message waits for its turn before the agent is told to retry.
const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

static INGESTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_MESSAGES);

/// Why a sender was turned away.
enum Turned {
    Network,
    Credentials,
}

/// The password of HTTP Basic authentication (agents put the secret there).
fn basic_password(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(_, password)| password.to_owned())
}

/// The shared secret, or a token (whose entity new devices join).
async fn admit(
    pool: &sqlx::PgPool,
    access: &config::Access,
    headers: &HeaderMap,
    ip: std::net::IpAddr,
) -> AppResult<Result<Option<Uuid>, Turned>> {
    if !access.allowed_networks.is_empty() && !access.allowed_networks.iter().any(|n| n.contains(&ip)) {
        return Ok(Err(Turned::Network));
    }
    if access.open {
        return Ok(Ok(None));
    }
    let Some(password) = basic_password(headers) else { return Ok(Err(Turned::Credentials)) };
    let digest = secret::digest(&password);
    if access.shared_secret_sha256.as_deref().is_some_and(|expected| secret::constant_time_eq(&digest, expected)) {
        return Ok(Ok(None));
    }
    let token =
        sqlx::query!("select entity_id from inventory_tokens where secret_sha256 = $1 and revoked_at is null", &digest)
            .fetch_optional(pool)
            .await?;
    Ok(match token {
        Some(row) => Ok(row.entity_id),
        None => Err(Turned::Credentials),
    })
}

fn respond(reply: Reply) -> Response {
    let mut response = (reply.status, reply.body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    response
}

/// A refusal sent before the body was read: the connection closes after it,
/// so the agent sends its next try (with credentials, say) on a new one
/// rather than on a connection still carrying the unread body.
fn refuse_unread(reply: Reply) -> Response {
    let mut response = respond(reply);
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Check the sender before reading its body: an unknown client never makes
/// the server hold a large body in memory.
async fn receive(state: &AppState, ip: IpAddr, request: Request, ocs_path: bool) -> AppResult<Response> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let agent_uuid = headers
        .get("glpi-agent-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 100);
    let config = config::current(&state.db).await?;
    let mut message = Message {
        ocs_path,
        content_type: header_text("content-type"),
        agent_uuid,
        user_agent: header_text("user-agent"),
        remote_ip: Some(ip),
        body: axum::body::Bytes::new(),
        max_bytes: config.access.max_body_bytes,
        entity_id: None,
    };
    match admit(&state.db, &config.access, headers, ip).await? {
        Ok(entity) => message.entity_id = entity,
        Err(Turned::Network) => {
            let speaker = message.speaker();
            return Ok(refuse_unread(Reply::error(
                StatusCode::FORBIDDEN,
                speaker,
                wire::Compression::None,
                "address not allowed",
            )));
        }
        Err(Turned::Credentials) => {
            let mut response = refuse_unread(Reply::error(
                StatusCode::UNAUTHORIZED,
                message.speaker(),
                wire::Compression::None,
                "authentication required",
            ));
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"Parc\""));
            return Ok(response);
        }
    }
    // Bodies are read and parsed a few at a time: memory stays bounded however
    // many agents call at once; the others wait, then are told to come back.
    let Ok(Ok(_permit)) = tokio::time::timeout(QUEUE_WAIT, INGESTING.acquire()).await else {
        let mut response = refuse_unread(Reply::error(
            StatusCode::SERVICE_UNAVAILABLE,
            message.speaker(),
            wire::Compression::None,
            "busy",
        ));
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return Ok(response);
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_WIRE_BYTES).await else {
        let speaker = message.speaker();
        return Ok(refuse_unread(Reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            speaker,
            wire::Compression::None,
            "body too large",
        )));
    };
    message.body = bytes;
    Ok(respond(protocol::answer(&state.db, &message, config).await))
}

async fn inventory(State(state): State<AppState>, ClientAddr(ip): ClientAddr, request: Request) -> AppResult<Response> {
    receive(&state, ip, request, false).await
}

async fn ocs_inventory(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    request: Request,
) -> AppResult<Response> {
    receive(&state, ip, request, true).await
}

#[derive(serde::Deserialize)]
struct SideCall {
    action: Option<String>,
}

/// GET: the FusionInventory REST side calls (`?action=getConfig`) get GLPI's
/// "Protocol not supported", and the agents carry on; anything else is 405.
async fn side_call(Query(call): Query<SideCall>) -> Response {
    match call.action.as_deref() {
        Some("getConfig") => {
            let body = serde_json::json!({ "status": "error", "message": "Protocol not supported", "expiration": 24 });
            (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// The agents' endpoints: outside the session and API layers, with their own
/// authentication and a body limit sized for inventories.
pub fn agent_router() -> Router<AppState> {
    Router::new()
        .route("/inventory", post(inventory).get(side_call))
        .route("/ocsinventory", post(ocs_inventory).get(side_call))
        // The body is read after the sender is admitted, under MAX_WIRE_BYTES.
        .layer(axum::extract::DefaultBodyLimit::disable())
}
