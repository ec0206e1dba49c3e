//! `Idempotency-Key` on API POSTs: a client that retries a create after a
//! timeout gets the first response again instead of a second object. The
//! key belongs to the caller; the same key with a different request is
//! refused, and a retry while the first request still runs is told so.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::{
    auth::actor::RequestAuth,
    error::{ApiError, AppError},
    state::AppState,
};

const HEADER: &str = "idempotency-key";
/// Responses larger than this are not kept (and the key is released).
const MAX_KEPT: usize = 1024 * 1024;

pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = request.headers().get(HEADER).map(|v| v.to_str().map(str::to_owned));
    let user = request.extensions().get::<RequestAuth>().and_then(|a| a.actor.as_ref()).map(|a| a.id);
    let (Some(key), Some(user)) = (key, user) else { return next.run(request).await };
    // Creates are JSON; a file upload is streamed and not replayed.
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if request.method() != Method::POST || !json {
        return next.run(request).await;
    }
    let key = match key {
        Ok(key) if (1..=255).contains(&key.len()) && key.chars().all(|c| c.is_ascii_graphic()) => key,
        _ => {
            return ApiError(AppError::BadRequest("an Idempotency-Key is 1 to 255 visible ASCII characters".into()))
                .into_response();
        }
    };
    match replay_or_run(&state, user, &key, request, next).await {
        Ok(response) => response,
        Err(error) => ApiError(error).into_response(),
    }
}

async fn replay_or_run(
    state: &AppState,
    user: uuid::Uuid,
    key: &str,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, crate::routes::BODY_LIMIT).await.map_err(|_| AppError::PayloadTooLarge)?;
    let mut hasher = Sha256::new();
    hasher.update(parts.uri.path().as_bytes());
    hasher.update([0]);
    hasher.update(&bytes);
    let hash = hasher.finalize().to_vec();
    let claimed = sqlx::query!(
        "insert into idempotency_keys (user_id, key, request_hash) values ($1, $2, $3) on conflict do nothing",
        user,
        key,
        hash
    )
    .execute(&state.db)
    .await?
    .rows_affected()
        == 1;
    if !claimed {
        return replay(state, user, key, &hash).await;
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    keep(state, user, key, response).await
}

/// The kept response of an earlier request with this key.
async fn replay(state: &AppState, user: uuid::Uuid, key: &str, hash: &[u8]) -> Result<Response, AppError> {
    let kept = sqlx::query!(
        "select request_hash, status, content_type, body from idempotency_keys where user_id = $1 and key = $2",
        user,
        key
    )
    .fetch_one(&state.db)
    .await?;
    if kept.request_hash != hash {
        return Err(AppError::Unprocessable("this Idempotency-Key was used for a different request".into()));
    }
    let Some(status) = kept.status else {
        return Err(AppError::Conflict("a request with this Idempotency-Key is still running".into()));
    };
    let mut response =
        (StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK), kept.body.unwrap_or_default()).into_response();
    let headers = response.headers_mut();
    if let Some(value) = kept.content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

/// Keep the response for replays; a server error or a huge body releases the key so a retry runs again.
async fn keep(state: &AppState, user: uuid::Uuid, key: &str, response: Response) -> Result<Response, AppError> {
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_KEPT).await {
        Ok(bytes) if !parts.status.is_server_error() => bytes,
        outcome => {
            sqlx::query!("delete from idempotency_keys where user_id = $1 and key = $2", user, key)
                .execute(&state.db)
                .await?;
            let bytes = outcome.map_err(|_| AppError::Internal(anyhow::anyhow!("response too large to keep")))?;
            return Ok(Response::from_parts(parts, Body::from(bytes)));
        }
    };
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    sqlx::query!(
        "update idempotency_keys set status = $3, content_type = $4, body = $5 where user_id = $1 and key = $2",
        user,
        key,
        parts.status.as_u16() as i16,
        content_type,
        bytes.as_ref()
    )
    .execute(&state.db)
    .await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
