//! In-app notifications: messages for one person (an overdue return, an
//! import finished), stored as a message key and its arguments so each person
//! reads them in their own language.

pub mod mail;

use askama::Template;
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    api::RouteTable,
    auth::actor::{Actor, ApiActor},
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::{ApiId, Id},
        layout::{redirect_with_flash, safe_next},
        render,
    },
};

/// How many notifications a page or the API shows.
const SHOWN: i64 = 100;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Notification {
    pub id: Uuid,
    /// Message key.
    pub message: String,
    #[schema(value_type = Object)]
    pub args: Value,
    /// A path on this site, or empty.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// The text in the page's language, its arguments filled in.
    pub fn text(&self, ctx: &PageCtx) -> String {
        let args: Vec<(String, String)> = self
            .args
            .as_object()
            .map(|map| map.iter().map(|(k, v)| (k.clone(), crate::assets::categories::fields::value_text(v))).collect())
            .unwrap_or_default();
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ctx.t_args(&self.message, &pairs)
    }
}

/// The newest notifications of a person.
pub async fn of_user(pool: &PgPool, user_id: Uuid) -> AppResult<Vec<Notification>> {
    Ok(sqlx::query_as!(
        Notification,
        "select id, message, args, link, created_at, read_at from notifications
          where user_id = $1 order by created_at desc, id limit $2",
        user_id,
        SHOWN
    )
    .fetch_all(pool)
    .await?)
}

/// Mark one notification of `user_id` read (`Some(id)`), or all of them.
pub async fn mark_read(pool: &PgPool, user_id: Uuid, id: Option<Uuid>) -> AppResult<u64> {
    Ok(sqlx::query!(
        "update notifications set read_at = now() where user_id = $1 and ($2::uuid is null or id = $2) and read_at is null",
        user_id,
        id
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Send a notification (once per `dedupe_key`, when given).
pub async fn send(
    conn: &mut sqlx::PgConnection,
    user_id: Uuid,
    message: &str,
    args: &Value,
    link: &str,
    dedupe_key: Option<&str>,
) -> AppResult<()> {
    sqlx::query!(
        "insert into notifications (user_id, message, args, link, dedupe_key) values ($1, $2, $3, $4, $5)
         on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing",
        user_id,
        message,
        args,
        link,
        dedupe_key
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "notify/list.html")]
struct ListPage {
    ctx: PageCtx,
    items: Vec<Notification>,
}

async fn page(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    let items = of_user(&state.db, actor.id).await?;
    render(&ListPage { ctx, items })
}

async fn read_all_page(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    mark_read(&state.db, actor.id, None).await?;
    Ok(redirect_with_flash("/notifications", "success", "notifications-all-read"))
}

/// Open a notification: mark it read, then follow its link.
async fn open_page(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    mark_read(&state.db, actor.id, Some(id)).await?;
    let link = sqlx::query_scalar!("select link from notifications where id = $1 and user_id = $2", id, actor.id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&safe_next(Some(&link))).into_response())
}

/// Your notifications, newest first
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "me", responses((status = 200, body = Vec<Notification>)))]
pub async fn my_notifications(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(of_user(&state.db, actor.id).await?))
}

/// Mark one of your notifications read
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "me", responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn read_notification(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(id): ApiId,
) -> ApiResult<StatusCode> {
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from notifications where id = $1 and user_id = $2) as "ok!""#,
        id,
        actor.id
    )
    .fetch_one(&state.db)
    .await?;
    if !exists {
        return Err(AppError::NotFound.into());
    }
    mark_read(&state.db, actor.id, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The mail a person receives, by event.
#[derive(Clone, Debug, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailPreferences {
    /// The events (of ticket-created, ticket-assigned, ticket-followup,
    /// ticket-attachment, ticket-solved, ticket-closed, ticket-survey,
    /// ticket-escalation) mailed to this person; the others are not.
    pub wanted: Vec<String>,
}

/// Keep the checked events of the profile page's mail form.
async fn mail_page(
    State(state): State<AppState>,
    actor: Actor,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let wanted: Vec<String> = fields.into_iter().filter(|(name, _)| name == "event").map(|(_, value)| value).collect();
    mail::set_wanted(&state.db, actor.id, &wanted).await?;
    Ok(redirect_with_flash("/profile#mail", "success", "mail-preferences-saved"))
}

/// The mail you receive
#[utoipa::path(get, path = "/api/v1/me/mail-preferences", tag = "me", responses((status = 200, body = MailPreferences)))]
pub async fn my_mail_preferences(State(state): State<AppState>, actor: ApiActor) -> ApiResult<Json<MailPreferences>> {
    let off = mail::opted_out(&state.db, actor.id).await?;
    let wanted = mail::EVENTS.iter().filter(|e| !off.iter().any(|o| o == *e)).map(|e| (*e).to_owned()).collect();
    Ok(Json(MailPreferences { wanted }))
}

/// Choose the mail you receive
#[utoipa::path(put, path = "/api/v1/me/mail-preferences", tag = "me", request_body = MailPreferences,
    responses((status = 200, body = MailPreferences), (status = 422, body = crate::error::Problem)))]
pub async fn set_my_mail_preferences(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::api::ApiJson(body): crate::api::ApiJson<MailPreferences>,
) -> ApiResult<Json<MailPreferences>> {
    if body.wanted.iter().any(|e| !mail::EVENTS.contains(&e.as_str())) {
        return Err(AppError::Validation(crate::web::form::FieldErrors::single("wanted", "mail-event-unknown")).into());
    }
    mail::set_wanted(&state.db, actor.id, &body.wanted).await?;
    my_mail_preferences(State(state), actor).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile/mail", post(mail_page))
        .route("/notifications", get(page))
        .route("/notifications/read", post(read_all_page))
        .route("/notifications/{id}", get(open_page))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/me/notifications", my_notifications)
        .post("/api/v1/me/notifications/{id}/read", read_notification)
        .get("/api/v1/me/mail-preferences", my_mail_preferences)
        .put("/api/v1/me/mail-preferences", set_my_mail_preferences)
}
