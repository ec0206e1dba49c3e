//! Check-out and check-in, from the asset page and the API.

use axum::{Form, Json, extract::State, response::Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    db,
    domain::Asset,
    lifecycle::{self, CheckinRequest, CheckoutRequest, StatusChange, Target},
};
use crate::{
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{
        extract::{ApiId, Id},
        layout::redirect_with_flash,
    },
};

/// The target must be a person (active), place or asset the actor can see.
pub(crate) async fn check_target(state: &AppState, actor: &Actor, target: Target) -> AppResult<()> {
    let (field, visible) = match target {
        Target::User(id) => {
            let scope = actor.scope_or_empty(ObjectKind::User, Action::View);
            let found = sqlx::query_scalar!(
                r#"select exists (select 1 from users where id = $1 and active and entity_id = any($2)) as "ok!""#,
                id,
                scope.ids()
            )
            .fetch_one(&state.db)
            .await?;
            ("user_id", found)
        }
        Target::Location(id) => {
            let scope = actor.scope_or_empty(ObjectKind::Location, Action::View);
            let found = sqlx::query_scalar!(
                r#"select exists (select 1 from locations where id = $1 and entity_id = any($2)) as "ok!""#,
                id,
                scope.ids()
            )
            .fetch_one(&state.db)
            .await?;
            ("location_id", found)
        }
        Target::Asset(id) => {
            let scope = actor.scope_or_empty(ObjectKind::Asset, Action::View);
            let found = sqlx::query_scalar!(
                r#"select exists (select 1 from assets where id = $1 and entity_id = any($2)) as "ok!""#,
                id,
                scope.ids()
            )
            .fetch_one(&state.db)
            .await?;
            ("asset_id", found)
        }
    };
    if visible { Ok(()) } else { Err(AppError::field(field, "field-invalid-choice")) }
}

async fn checkout(state: &AppState, actor: &Actor, id: Uuid, request: &CheckoutRequest) -> AppResult<Asset> {
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let asset = db::find(&state.db, &scope, id).await?;
    let (target, expected) = lifecycle::target_of(request)?;
    check_target(state, actor, target).await?;
    let note = request.note.as_deref().unwrap_or_default().trim();
    if note.chars().count() > 2000 || note.contains('\0') {
        return Err(AppError::field("note", "field-too-long"));
    }
    lifecycle::check_out(&state.db, &actor.audit(), &asset, target, expected, note, request.status_id).await?;
    db::find(&state.db, &scope, id).await
}

async fn checkin(state: &AppState, actor: &Actor, id: Uuid, request: &CheckinRequest) -> AppResult<Asset> {
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let asset = db::find(&state.db, &scope, id).await?;
    let condition = request.condition.as_deref().unwrap_or_default().trim();
    if condition.chars().count() > 2000 || condition.contains('\0') {
        return Err(AppError::field("condition", "field-too-long"));
    }
    lifecycle::check_in(&state.db, &actor.audit(), &asset, condition, request.status_id).await?;
    db::find(&state.db, &scope, id).await
}

/// Check an asset out to one person, place or asset
#[utoipa::path(post, path = "/api/v1/assets/{id}/checkout", tag = "assets", request_body = CheckoutRequest,
    responses((status = 200, body = Asset), (status = 409, body = crate::error::Problem, description = "not ready to deploy, or already checked out (the detail says to whom)"),
              (status = 422, body = crate::error::Problem)))]
pub async fn checkout_asset(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    crate::api::ApiJson(body): crate::api::ApiJson<CheckoutRequest>,
) -> ApiResult<Json<Asset>> {
    Ok(Json(checkout(&state, &actor, id, &body).await?))
}

/// Check an asset back in
#[utoipa::path(post, path = "/api/v1/assets/{id}/checkin", tag = "assets", request_body = CheckinRequest,
    responses((status = 200, body = Asset), (status = 409, body = crate::error::Problem, description = "not checked out")))]
pub async fn checkin_asset(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    crate::api::ApiJson(body): crate::api::ApiJson<CheckinRequest>,
) -> ApiResult<Json<Asset>> {
    Ok(Json(checkin(&state, &actor, id, &body).await?))
}

fn optional_id(value: &str) -> AppResult<Option<Uuid>> {
    match value.trim() {
        "" => Ok(None),
        text => Uuid::parse_str(text).map(Some).map_err(|_| AppError::BadRequest("not an id".into())),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckoutForm {
    user_id: String,
    location_id: String,
    expected_return: String,
    note: String,
}

/// The asset page's check-out form: a refusal comes back as a message on the page.
pub async fn checkout_page(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<CheckoutForm>,
) -> AppResult<Response> {
    let request = CheckoutRequest {
        user_id: optional_id(&form.user_id)?,
        location_id: optional_id(&form.location_id)?.filter(|_| form.user_id.trim().is_empty()),
        asset_id: None,
        expected_return: Some(form.expected_return),
        note: Some(form.note),
        status_id: None,
    };
    let back = format!("/assets/{id}");
    match checkout(&state, &actor, id, &request).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "checked-out")),
        Err(AppError::Conflict(_)) => Ok(redirect_with_flash(&back, "error", "checkout-refused")),
        Err(AppError::Validation(errors)) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_else(|| "form-has-errors".into());
            Ok(redirect_with_flash(&back, "error", &key))
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckinForm {
    condition: String,
    status_id: String,
}

pub async fn checkin_page(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<CheckinForm>,
) -> AppResult<Response> {
    let request = CheckinRequest { condition: Some(form.condition), status_id: optional_id(&form.status_id)? };
    let back = format!("/assets/{id}");
    match checkin(&state, &actor, id, &request).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "checked-in")),
        Err(AppError::Conflict(_)) => Ok(redirect_with_flash(&back, "error", "checkin-refused")),
        Err(AppError::Validation(_)) => Ok(redirect_with_flash(&back, "error", "form-has-errors")),
        Err(other) => Err(other),
    }
}

async fn change_status(state: &AppState, actor: &Actor, id: Uuid, request: &StatusChange) -> AppResult<Asset> {
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let asset = db::find(&state.db, &scope, id).await?;
    let mut parser = crate::web::form::Parser::default();
    let reason = parser.required("reason", &request.reason, 2000);
    let on = parser
        .optional_date("on", request.on.as_deref().unwrap_or_default())
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    parser.finish(()).map_err(AppError::Validation)?;
    lifecycle::change_status(&state.db, &actor.audit(), &asset, request.status_id, &reason, on).await?;
    db::find(&state.db, &scope, id).await
}

/// Change an asset's status, saying why (repair, retirement, disposal, loss)
#[utoipa::path(post, path = "/api/v1/assets/{id}/status", tag = "assets", request_body = StatusChange,
    responses((status = 200, body = Asset), (status = 409, body = crate::error::Problem, description = "still checked out"),
              (status = 422, body = crate::error::Problem)))]
pub async fn change_asset_status(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
    crate::api::ApiJson(body): crate::api::ApiJson<StatusChange>,
) -> ApiResult<Json<Asset>> {
    Ok(Json(change_status(&state, &actor, id, &body).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status_id: String,
    reason: String,
    on: String,
}

pub async fn status_page(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let back = format!("/assets/{id}");
    let Some(status_id) = optional_id(&form.status_id)? else {
        return Ok(redirect_with_flash(&back, "error", "form-has-errors"));
    };
    let request = StatusChange { status_id, reason: form.reason, on: Some(form.on) };
    match change_status(&state, &actor, id, &request).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "status-changed")),
        Err(AppError::Conflict(_)) => Ok(redirect_with_flash(&back, "error", "status-refused-checked-out")),
        Err(AppError::Validation(errors)) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_else(|| "form-has-errors".into());
            Ok(redirect_with_flash(&back, "error", &key))
        }
        Err(other) => Err(other),
    }
}
