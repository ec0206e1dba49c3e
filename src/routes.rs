//! The whole route table: each slice lists its own routes in its `router()`
//! (pages) and `api()` (JSON); this file puts them together with the layers.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderName, Request, StatusCode},
    middleware::{from_fn, from_fn_with_state},
    response::{IntoResponse, Response},
    routing::get,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::{
    api::{PREFIX, RouteTable, openapi},
    assets,
    auth::{self, actor::Actor},
    db,
    error::{ApiError, AppError, AppResult},
    helpdesk, imports, inventory, kb, notify, org, saved_searches, software,
    state::AppState,
    web::{self, PageCtx, render},
};

/// Largest request body accepted (forms and JSON).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Every `/api/v1` route, in one table the OpenAPI test checks.
pub fn api_table() -> RouteTable {
    let table = RouteTable::default();
    let table = auth::api(table);
    let table = org::entities::api(table);
    let table = org::locations::api(table);
    let table = org::users::api(table);
    let table = org::groups::api(table);
    let table = assets::manufacturers::api(table);
    let table = assets::categories::api(table);
    let table = assets::models::api(table);
    let table = assets::register::api(table);
    let table = notify::api(table);
    let table = saved_searches::api(table);
    let table = inventory::api::api(table);
    let table = imports::api(table);
    let table = helpdesk::api(table);
    let table = helpdesk::categories::api(table);
    let table = helpdesk::calendars::api(table);
    let table = helpdesk::slas::api(table);
    let table = helpdesk::settings::api(table);
    let table = kb::api(table);
    let table = software::api(table);
    assets::statuses::api(table)
}

fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(org::search::page))
        .route("/api/docs", get(openapi::docs_page))
        .merge(auth::router())
        .merge(org::entities::router())
        .merge(org::locations::router())
        .merge(org::users::router())
        .merge(org::groups::router())
        .merge(assets::manufacturers::router())
        .merge(assets::statuses::router())
        .merge(assets::categories::router())
        .merge(assets::models::router())
        .merge(assets::register::router())
        .merge(notify::router())
        .merge(saved_searches::router())
        .merge(inventory::router())
        .merge(imports::router())
        .merge(helpdesk::router())
        .merge(helpdesk::categories::router())
        .merge(helpdesk::calendars::router())
        .merge(helpdesk::slas::router())
        .merge(helpdesk::settings::router())
        .merge(kb::router())
        .merge(software::router())
        .fallback(|| async { AppError::NotFound })
}

/// Forms and JSON bodies: small.
fn limited(router: Router<AppState>) -> Router<AppState> {
    router.layer(DefaultBodyLimit::max(BODY_LIMIT)).layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}

/// Uploaded files: streamed to storage, up to the largest file an import takes.
fn uploads(router: Router<AppState>) -> Router<AppState> {
    router.layer(DefaultBodyLimit::disable()).layer(RequestBodyLimitLayer::new(imports::source::MAX_FILE + 64 * 1024))
}

/// Ticket attachments: one file of at most 10 MB and its form.
fn attachment_uploads(router: Router<AppState>) -> Router<AppState> {
    let limit = helpdesk::attachments::MAX_SIZE + 64 * 1024;
    router.layer(DefaultBodyLimit::max(limit)).layer(RequestBodyLimitLayer::new(limit))
}

fn api() -> Router<AppState> {
    let (routes, upload_routes) = api_table().into_routers();
    limited(routes)
        .merge(uploads(upload_routes))
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { ApiError(AppError::NotFound) })
}

pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let pages = limited(pages())
        .merge(uploads(imports::upload_router()))
        .merge(attachment_uploads(helpdesk::upload_router()))
        .layer(from_fn(web::error_pages))
        .layer(from_fn_with_state(state.clone(), auth::middleware::authenticate_web));
    let api = api()
        .layer(from_fn_with_state(state.clone(), crate::api::idempotency::idempotency))
        .layer(from_fn_with_state(state.clone(), auth::middleware::authenticate_api));
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(web::metrics::serve))
        .route("/static/{hash}/{*path}", get(web::static_files::serve))
        .merge(inventory::agent_router())
        .merge(pages)
        .nest(PREFIX, api)
        .layer(from_fn_with_state(state.clone(), web::metrics::track))
        .layer(from_fn(web::security_headers))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            // The path only: query strings may carry search terms people typed.
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    if state.config.secure_cookies() {
        router = router
            .layer(SetResponseHeaderLayer::if_not_present(axum::http::header::STRICT_TRANSPORT_SECURITY, web::hsts()));
    }
    router.with_state(state)
}

/// The process is up. Says nothing else.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers and the schema is current.
async fn readyz(State(state): State<AppState>) -> Response {
    if db::is_ready(&state.db).await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
}

async fn home(ctx: PageCtx, _actor: Actor) -> AppResult<Response> {
    render(&HomePage { ctx })
}
