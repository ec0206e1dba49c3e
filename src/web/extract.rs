//! Request pieces every handler parses the same way.

use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::{ApiError, AppError, AppResult};

/// An object id from the path. A malformed id is a missing object: 404, the
/// same answer as an id that does not exist.
#[derive(Clone, Copy, Debug)]
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound)?;
        Uuid::parse_str(&raw).map(Id).map_err(|_| AppError::NotFound)
    }
}

/// The same for the API, answering problem+json.
#[derive(Clone, Copy, Debug)]
pub struct ApiId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiId(Id::from_request_parts(parts, state).await?.0))
    }
}

/// Deserialize the query string; malformed values answer 400.
pub fn parse_query<T: DeserializeOwned + Default>(raw: Option<&str>) -> AppResult<T> {
    match raw {
        None | Some("") => Ok(T::default()),
        Some(query) => {
            serde_urlencoded::from_str(query).map_err(|e| AppError::BadRequest(format!("query string: {e}")))
        }
    }
}

/// An optional id filter from the query string ("" means none).
pub fn filter_id(value: &Option<String>, name: &str) -> AppResult<Option<Uuid>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Uuid::parse_str(v).map(Some).map_err(|_| AppError::BadRequest(format!("{name} must be an id"))),
    }
}

/// An optional yes/no filter ("" means either).
pub fn filter_bool(value: &Option<String>, name: &str) -> AppResult<Option<bool>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some("true" | "yes" | "1") => Ok(Some(true)),
        Some("false" | "no" | "0") => Ok(Some(false)),
        Some(_) => Err(AppError::BadRequest(format!("{name} must be true or false"))),
    }
}

/// An optional filter that must be one of `choices`.
pub fn filter_choice(value: &Option<String>, name: &str, choices: &[&str]) -> AppResult<Option<String>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if choices.contains(&v) => Ok(Some(v.to_owned())),
        Some(_) => Err(AppError::BadRequest(format!("{name} must be one of: {}", choices.join(", ")))),
    }
}
