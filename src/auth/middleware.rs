//! Authentication of every request, once: the session cookie for pages, the
//! bearer token for the API. The CSRF guard for pages lives here too, so no
//! state-changing form can forget it.

use std::net::{IpAddr, SocketAddr};

use axum::{
    body::{Body, to_bytes},
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{
    actor::RequestAuth,
    db::{self, Credential},
    secret,
};
use crate::{
    config::Config,
    error::{ApiError, AppError},
    state::AppState,
    web::cookies,
};

/// Largest form body the CSRF guard reads to find the token.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Pages: find the session, then refuse state changes without a valid CSRF token.
pub async fn authenticate_web(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = state.config.secure_cookies();
    let (mut parts, body) = request.into_parts();
    let mut actor = None;
    let mut csrf = None;
    if let Some(secret) = cookies::get(&parts.headers, cookies::session_name(secure)) {
        match db::authenticate(&state.db, Credential::Session(&secret), request_id(&parts.headers)).await {
            Ok(Some(found)) => {
                csrf = found.csrf;
                actor = Some(found.actor);
            }
            Ok(None) => {}
            Err(error) => return error.into_response(),
        }
    }
    // Visitors without a session (the login form) get a double-submit cookie.
    let anonymous_cookie = cookies::get(&parts.headers, cookies::csrf_name(secure)).filter(|c| c.len() == 64);
    let mut new_anonymous = None;
    let csrf = match (csrf, anonymous_cookie) {
        (Some(token), _) => token,
        (None, Some(cookie)) => cookie,
        (None, None) => {
            let fresh = secret::new_secret();
            new_anonymous = Some(fresh.clone());
            fresh
        }
    };

    let body = if parts.method.is_safe() {
        body
    } else {
        match check_csrf(&state.config, &parts, body, &csrf).await {
            Ok(body) => body,
            Err(error) => return error.into_response(),
        }
    };
    parts.extensions.insert(RequestAuth { actor, csrf });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(fresh) = new_anonymous {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookies::set(cookies::csrf_name(secure), &fresh, None, secure));
    }
    response
}

/// A state-changing request must come from our own pages: same origin when the
/// browser says where it comes from, and the form's token (or the
/// `X-CSRF-Token` header htmx sends) equal to the session's.
async fn check_csrf(config: &Config, parts: &Parts, body: Body, expected: &str) -> Result<Body, AppError> {
    if let Some(origin) = parts.headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if !same_origin(config, &parts.headers, origin) {
            tracing::warn!("cross-origin form refused");
            return Err(AppError::Forbidden);
        }
    }
    if let Some(token) = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if secret::constant_time_eq(token.as_bytes(), expected.as_bytes()) {
            Ok(body)
        } else {
            Err(AppError::Forbidden)
        };
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // A file upload is streamed to storage, not read ahead: its form puts the token in the address.
    if content_type.starts_with("multipart/form-data") {
        let token = parts.uri.query().and_then(|q| form_urlencoded_value(q.as_bytes(), "_csrf"));
        return match token {
            Some(token) if secret::constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(body),
            _ => Err(AppError::Forbidden),
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Forbidden);
    }
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| AppError::PayloadTooLarge)?;
    let token = form_urlencoded_value(&bytes, "_csrf");
    match token {
        Some(token) if secret::constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(Body::from(bytes)),
        _ => {
            tracing::warn!("form without a valid CSRF token refused");
            Err(AppError::Forbidden)
        }
    }
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

fn same_origin(config: &Config, headers: &HeaderMap, origin: &str) -> bool {
    let public = config.public_url.trim_end_matches('/');
    if origin.eq_ignore_ascii_case(public) {
        return true;
    }
    // Also accept the host the browser used (a server reached by another name).
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let without_scheme = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    !host.is_empty() && without_scheme.eq_ignore_ascii_case(host)
}

/// API: `Authorization: Bearer <token>`; cookies are ignored, so no CSRF is possible.
pub async fn authenticate_api(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned());
    let mut actor = None;
    if let Some(token) = bearer {
        match db::authenticate(&state.db, Credential::Token(&token), request_id(request.headers())).await {
            Ok(found) => actor = found.map(|found| found.actor),
            Err(error) => return ApiError(error).into_response(),
        }
    }
    request.extensions_mut().insert(RequestAuth { actor, csrf: String::new() });
    next.run(request).await
}

/// The client's address, as an extractor.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientAddr(client_address(&state.config, &parts.headers, peer)))
    }
}

/// The client's address: the TCP peer, or what a trusted proxy says it is.
pub fn client_address(config: &Config, parts_headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    let peer_ip = peer.map(|ConnectInfo(addr)| addr.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if !config.trusted_proxies.iter().any(|net| net.contains(&peer_ip)) {
        return peer_ip;
    }
    // The right-most address a trusted proxy did not add.
    let forwarded =
        parts_headers.get(config.client_ip_header.as_str()).and_then(|v| v.to_str().ok()).unwrap_or_default();
    forwarded
        .split(',')
        .rev()
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .find(|ip| !config.trusted_proxies.iter().any(|net| net.contains(ip)))
        .unwrap_or(peer_ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn config(proxies: &str) -> Config {
        let mut config = Config::for_tests(String::new());
        config.trusted_proxies = proxies.split(',').filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
        config
    }

    #[test]
    fn forwarded_address_is_believed_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9, 10.0.0.7"));
        let proxy = ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 4000)));
        let stranger = ConnectInfo(SocketAddr::from(([198, 51, 100, 1], 4000)));
        let trusting = config("10.0.0.0/8");
        assert_eq!(client_address(&trusting, &headers, Some(&proxy)).to_string(), "203.0.113.9");
        assert_eq!(client_address(&trusting, &headers, Some(&stranger)).to_string(), "198.51.100.1");
        assert_eq!(client_address(&config(""), &headers, Some(&proxy)).to_string(), "10.0.0.2");
    }

    #[test]
    fn origin_check() {
        let config = config("");
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("parc.example:8080"));
        assert!(same_origin(&config, &headers, "http://127.0.0.1:8080"));
        assert!(same_origin(&config, &headers, "https://parc.example:8080"));
        assert!(!same_origin(&config, &headers, "https://evil.example"));
        assert!(!same_origin(&config, &headers, "null"));
    }

    #[test]
    fn finds_the_form_token() {
        assert_eq!(form_urlencoded_value(b"a=1&_csrf=abc%20d&b=2", "_csrf").as_deref(), Some("abc d"));
        assert_eq!(form_urlencoded_value(b"a=1", "_csrf"), None);
    }
}
