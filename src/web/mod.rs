//! What every page shares: layout data, list parameters, forms, CSV export,
//! static files, error pages, security headers.

pub mod bulk;
pub mod cookies;
pub mod extract;
pub mod form;
pub mod i18n;
pub mod layout;
pub mod list;
pub mod markdown;
pub mod metrics;
pub mod resource;
pub mod static_files;
pub mod table;

use askama::Template;
use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};

use crate::error::{AppError, AppResult, ErrorPage, LoginRedirect};
pub use layout::PageCtx;

/// Render a template to an HTML response; a template error is a 500, never a panic.
pub fn render<T: Template>(template: &T) -> AppResult<Response> {
    let html = template.render().map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(Html(html).into_response())
}

/// The same, with another status (a form sent back with its errors is 422).
pub fn render_status<T: Template>(status: StatusCode, template: &T) -> AppResult<Response> {
    let mut response = render(template)?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorTemplate {
    ctx: PageCtx,
    code: u16,
    slug: &'static str,
    detail: Option<String>,
    request_id: String,
}

impl ErrorTemplate {
    fn title_key(&self) -> String {
        format!("error-{}", self.slug)
    }
}

/// Turns error responses of pages into full pages in the person's language,
/// and unauthenticated page requests into a redirect to the login form.
pub async fn error_pages(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let ctx = PageCtx::from_parts(&parts);
    let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let target = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let had_flash = cookies::get(&parts.headers, cookies::FLASH).is_some();
    let mut response = next.run(Request::from_parts(parts, body)).await;

    if response.extensions().get::<LoginRedirect>().is_some() {
        let location = format!("/login?next={}", urlencode(&target));
        let mut redirect = StatusCode::SEE_OTHER.into_response();
        if let Ok(value) = HeaderValue::from_str(&location) {
            redirect.headers_mut().insert(header::LOCATION, value);
        }
        return redirect;
    }
    if let Some(page) = response.extensions().get::<ErrorPage>().cloned() {
        let status = response.status();
        let template = ErrorTemplate { ctx, code: status.as_u16(), slug: page.slug, detail: page.detail, request_id };
        let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        return match render_status(status, &template) {
            Ok(mut page) => {
                if let Some(value) = retry_after {
                    page.headers_mut().insert(header::RETRY_AFTER, value);
                }
                page
            }
            Err(_) => status.into_response(),
        };
    }
    if had_flash {
        layout::clear_flash(&mut response);
    }
    response
}

/// Characters that reorder the text around them (bidirectional embeddings,
/// overrides and isolates): in a name people typed they only disguise it, as
/// `invoice\u{202E}fdp.exe` reads "invoiceexe.pdf".
pub fn reorders_text(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)]).map(|s| s[1..].to_owned()).unwrap_or_default()
}

/// Headers on every response: a strict CSP with no inline script, no sniffing,
/// no framing, no referrer leaks, no caching of private pages.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Adds HSTS when Parc is served over https.
pub fn hsts() -> HeaderValue {
    HeaderValue::from_static("max-age=31536000; includeSubDomains")
}
