//! What every JSON endpoint shares: the body extractor that answers
//! problem+json, the list envelope, version checks, the route table that the
//! OpenAPI document is checked against, and the reference page.

pub mod idempotency;
pub mod openapi;

use axum::{
    Router,
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::{HeaderMap, Method, header},
    routing::{MethodRouter, delete, get, patch, post, put},
};
use serde::{Deserialize, Deserializer, Serialize, de::DeserializeOwned};

use crate::{
    error::{ApiError, AppError},
    state::AppState,
};

/// A JSON body. Syntax errors answer 400; wrong types, missing or unknown
/// fields answer 422; all as problem+json.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(error)) => {
                Err(ApiError(AppError::Unprocessable(body_detail(&error.body_text()))))
            }
            Err(JsonRejection::JsonSyntaxError(error)) => {
                Err(ApiError(AppError::BadRequest(body_detail(&error.body_text()))))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError(AppError::BadRequest("send the body as application/json".into())))
            }
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError(AppError::PayloadTooLarge)),
            Err(other) => Err(ApiError(AppError::BadRequest(other.body_text()))),
        }
    }
}

/// serde's message without axum's prefix naming Rust types.
fn body_detail(text: &str) -> String {
    let detail = text.rsplit_once(": ").map(|(_, d)| d).unwrap_or(text);
    detail.chars().take(300).collect()
}

/// `{ "items": [...], "total": n, "page": p, "per_page": n, "next_cursor": c }`
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    /// Exact up to 1 000; beyond, an estimate (see `total_exact`).
    pub total: i64,
    pub total_exact: bool,
    /// The page number asked for; 1 for a page asked by cursor (`after`).
    pub page: u32,
    pub per_page: u32,
    /// Pass it as `after` for the next page (same filters, sort and
    /// per_page); null on the last page. Opaque: its form may change.
    pub next_cursor: Option<String>,
}

impl<T> From<crate::web::list::Page<T>> for ListResponse<T> {
    fn from(page: crate::web::list::Page<T>) -> Self {
        Self {
            items: page.items,
            total: page.total,
            total_exact: page.total_exact,
            page: page.page,
            per_page: page.per_page,
            next_cursor: page.next_cursor,
        }
    }
}

/// The version an update is based on: the body's `version`, else `If-Match`.
/// Without either the update is refused (428), so no client can overwrite a
/// colleague's change by forgetting it.
pub fn expected_version(headers: &HeaderMap, body_version: Option<i64>) -> Result<i64, AppError> {
    if let Some(version) = body_version {
        return Ok(version);
    }
    let header = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok());
    match header {
        Some(value) => value
            .trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse()
            .map_err(|_| AppError::BadRequest("If-Match must be the object's version, e.g. \"3\"".into())),
        None => Err(AppError::PreconditionRequired("send the version you edited, in the body or in If-Match".into())),
    }
}

/// For PATCH bodies: absent -> None (keep), null -> Some(None) (clear), value -> Some(Some(v)).
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

pub const PREFIX: &str = "/api/v1";

/// The API's routes, recorded as they are added so a test can check that each
/// one is in the OpenAPI document.
#[derive(Default)]
pub struct RouteTable {
    router: Router<AppState>,
    /// Routes whose bodies may be far larger than a form (file uploads).
    uploads: Router<AppState>,
    pub routes: Vec<(Method, &'static str)>,
}

impl RouteTable {
    /// Paths are written in full (as in the OpenAPI document); the router is
    /// nested under `/api/v1`.
    fn add(mut self, method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.routes.push((method, path));
        let relative = path.strip_prefix(PREFIX).unwrap_or(path);
        self.router = self.router.route(relative, handler);
        self
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, post(handler))
    }

    pub fn put<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, put(handler))
    }

    pub fn patch<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PATCH, path, patch(handler))
    }

    pub fn delete<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, delete(handler))
    }

    /// A POST whose body is streamed (an uploaded file), exempt from the form-size limit.
    pub fn upload<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.routes.push((Method::POST, path));
        let relative = path.strip_prefix(PREFIX).unwrap_or(path);
        self.uploads = self.uploads.route(relative, post(handler));
        self
    }

    /// (the ordinary routes, the upload routes).
    pub fn into_routers(self) -> (Router<AppState>, Router<AppState>) {
        (self.router, self.uploads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn version_comes_from_body_or_if_match() {
        let mut headers = HeaderMap::new();
        assert_eq!(expected_version(&headers, Some(4)).ok(), Some(4));
        assert!(matches!(expected_version(&headers, None), Err(AppError::PreconditionRequired(_))));
        headers.insert(header::IF_MATCH, HeaderValue::from_static("\"7\""));
        assert_eq!(expected_version(&headers, None).ok(), Some(7));
        headers.insert(header::IF_MATCH, HeaderValue::from_static("W/\"x\""));
        assert!(expected_version(&headers, None).is_err());
    }
}
