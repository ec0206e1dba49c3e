//! One error type for every handler. Pages render it as an HTML error page (the
//! `web::error_pages` middleware fills in the page in the person's language);
//! the API renders it as `application/problem+json` (RFC 9457) through
//! [`ApiError`]. A missing object and an object outside the person's scope are
//! the same `NotFound`, so both answers are byte-for-byte identical.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::web::form::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid fields")]
    Validation(FieldErrors),
    /// A unique value (a tag, a serial) someone else already has: 409, with the field.
    #[error("already taken")]
    Taken(FieldErrors),
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    #[error("precondition required: {0}")]
    PreconditionRequired(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The object changed since the form or request was based on it.
    #[error("stale edit")]
    StaleEdit { by: String, at: chrono::DateTime<chrono::Utc> },
    /// A delete refused because other rows still use the object; the message key says by what.
    #[error("still used: {0}")]
    InUse(String),
    /// An action the object's current state does not allow (closing an open
    /// ticket, say); the message key says why.
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        }
    }
}

impl AppError {
    /// Whether this is PostgreSQL refusing a row on the constraint `name`.
    pub fn violates(&self, name: &str) -> bool {
        match self {
            AppError::Internal(inner) => matches!(
                inner.downcast_ref::<sqlx::Error>(),
                Some(sqlx::Error::Database(db)) if db.constraint() == Some(name)
            ),
            _ => false,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            AppError::Conflict(_)
            | AppError::StaleEdit { .. }
            | AppError::InUse(_)
            | AppError::Taken(_)
            | AppError::Refused(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable identifier of the problem, also the message key of its title.
    pub fn slug(&self) -> &'static str {
        match self {
            AppError::NotFound => "not-found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::BadRequest(_) => "bad-request",
            AppError::Validation(_) => "validation",
            AppError::Taken(_) => "taken",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::PreconditionRequired(_) => "precondition-required",
            AppError::Conflict(_) => "conflict",
            AppError::StaleEdit { .. } => "stale-edit",
            AppError::InUse(_) => "in-use",
            AppError::Refused(_) => "refused",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::Internal(_) => "internal",
        }
    }

    /// Text safe to show to the person; internal errors say nothing of their cause.
    pub fn public_detail(&self) -> Option<String> {
        match self {
            AppError::BadRequest(detail)
            | AppError::Conflict(detail)
            | AppError::Unprocessable(detail)
            | AppError::PreconditionRequired(detail) => Some(detail.clone()),
            AppError::StaleEdit { by, at } => Some(format!(
                "{by} changed it at {} (UTC); reload it and apply your change again",
                at.format("%Y-%m-%d %H:%M:%S")
            )),
            AppError::InUse(key) => Some(crate::web::i18n::tr(crate::web::i18n::Lang::En, key)),
            AppError::Refused(key) => Some(crate::web::i18n::tr(crate::web::i18n::Lang::En, key)),
            _ => None,
        }
    }

    pub fn field(field: &str, message_key: &str) -> Self {
        AppError::Validation(FieldErrors::single(field, message_key))
    }

    /// The field errors a form should show next to its fields, if that is what this is.
    pub fn into_field_errors(self) -> Result<FieldErrors, AppError> {
        match self {
            AppError::Validation(errors) | AppError::Taken(errors) => Ok(errors),
            other => Err(other),
        }
    }

    fn log(&self) {
        if let AppError::Internal(error) = self {
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
    }
}

/// What the HTML error-page middleware needs to render the page.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub slug: &'static str,
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if let AppError::Unauthenticated = self {
            // Pages send people to the login form; the middleware adds ?next=.
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.extensions_mut().insert(LoginRedirect);
            return response;
        }
        let mut response = self.status().into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response.extensions_mut().insert(ErrorPage { slug: self.slug(), detail: self.public_detail() });
        response
    }
}

/// Marker: the error-page middleware turns this response into a redirect to
/// the login page with the current path as `next`.
#[derive(Clone, Copy, Debug)]
pub struct LoginRedirect;

/// The same errors, rendered as `application/problem+json` for the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

pub type ApiResult<T> = Result<T, ApiError>;

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `urn:parc:problem:not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    /// Stable code of the message.
    pub code: String,
    pub message: String,
}

impl ProblemField {
    /// Each field error, with its message in English.
    pub fn all(errors: &FieldErrors) -> Vec<Self> {
        errors
            .iter()
            .map(|(field, code)| {
                let message = crate::web::i18n::tr(crate::web::i18n::Lang::En, code);
                ProblemField {
                    field: field.to_string(),
                    code: code.to_string(),
                    message: match errors.detail(field) {
                        Some(detail) => format!("{message} {detail}"),
                        None => message,
                    },
                }
            })
            .collect()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        error.log();
        let status = error.status();
        let errors = match &error {
            AppError::Validation(fields) | AppError::Taken(fields) => ProblemField::all(fields),
            _ => Vec::new(),
        };
        let problem = Problem {
            kind: format!("urn:parc:problem:{}", error.slug()),
            title: crate::web::i18n::tr(crate::web::i18n::Lang::En, &format!("error-{}", error.slug())),
            status: status.as_u16(),
            detail: error.public_detail(),
            errors,
        };
        let mut response = (status, Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let AppError::TooManyRequests { retry_after_secs } = error {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if let AppError::Unauthenticated = error {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A delete refused by a foreign key: tell what still uses the object
/// (`in-use-<referencing table>`, or `in-use-children` for the object's own tree).
pub fn delete_refusal(error: sqlx::Error, own_table: &str) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        if db.code().as_deref() == Some("23503") {
            let table = db.table().unwrap_or_default();
            let key = if table == own_table { "in-use-children".to_owned() } else { format!("in-use-{table}") };
            let key = if crate::web::i18n::has_key(&key) { key } else { "in-use-other".to_owned() };
            return AppError::InUse(key);
        }
    }
    error.into()
}

/// Turns a named constraint violation into a field error or a conflict, as
/// realworld-axum-sqlx does, so uniqueness stays enforced by PostgreSQL.
pub trait ResultExt<T> {
    fn on_constraint(self, name: &str, map: impl FnOnce() -> AppError) -> Result<T, AppError>;
}

impl<T, E: Into<AppError>> ResultExt<T> for Result<T, E> {
    fn on_constraint(self, name: &str, map: impl FnOnce() -> AppError) -> Result<T, AppError> {
        self.map_err(|error| {
            let error = error.into();
            if error.violates(name) { map() } else { error }
        })
    }
}
