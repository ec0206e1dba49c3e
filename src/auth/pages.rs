//! Login, logout and the person's own profile: password, language, API tokens.

use askama::Template;
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    actor::Actor,
    db::{self, TokenInfo},
    middleware::ClientAddr,
    password, throttle,
};
use crate::{
    audit::{self, Change, Record},
    auth::permission::ObjectKind,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx, cookies,
        extract::Id,
        form::FieldErrors,
        i18n::Lang,
        layout::{redirect_with_flash, safe_next},
        render, render_status,
    },
};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    login: String,
    error: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    ctx: PageCtx,
    axum::extract::Query(query): axum::extract::Query<NextQuery>,
) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(query.next.as_deref())).into_response());
    }
    render(&LoginPage { ctx, next: safe_next(query.next.as_deref()), login: String::new(), error: None })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    login: String,
    password: String,
    next: String,
}

/// Why a login was refused; one generic message for every wrong credential.
pub enum LoginRefusal {
    Wrong,
    Throttled(u64),
}

/// Check credentials with throttling. Unknown logins cost the same as wrong passwords.
pub async fn check_credentials(
    state: &AppState,
    login: &str,
    password: &str,
    address: std::net::IpAddr,
) -> AppResult<Result<Uuid, LoginRefusal>> {
    let config = &state.config;
    match throttle::check(&state.db, login, address, config.login_max_per_account, config.login_max_per_address).await {
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            return Ok(Err(LoginRefusal::Throttled(retry_after_secs)));
        }
        Err(other) => return Err(other),
        Ok(()) => {}
    }
    // Logins longer than any account's, or with NUL (which PostgreSQL refuses), match nobody.
    let plausible = login.chars().count() <= 100 && !login.contains('\0');
    let found = if plausible { db::credentials(&state.db, login).await? } else { None };
    let (user_id, hash) = match found {
        Some((id, hash)) => (Some(id), hash),
        None => (None, None),
    };
    if password::verify(password.to_owned(), hash).await {
        if let Some(user_id) = user_id {
            throttle::clear_account(&state.db, login).await?;
            tracing::info!(user.id = %user_id, "login");
            return Ok(Ok(user_id));
        }
    }
    throttle::record_failure(&state.db, login, address).await?;
    tracing::info!("login refused");
    Ok(Err(LoginRefusal::Wrong))
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(Some(&form.next));
    match check_credentials(&state, &form.login, &form.password, address).await? {
        Ok(user_id) => {
            let secure = state.config.secure_cookies();
            // A new session id at every login; the old one (if any) ends.
            if let Some(old) = cookies::get(&headers, cookies::session_name(secure)) {
                db::delete_session(&state.db, &old).await?;
            }
            let (secret, _csrf) = db::create_session(&state.db, user_id, state.config.session_hours).await?;
            let mut response = Redirect::to(&next).into_response();
            let response_headers = response.headers_mut();
            response_headers
                .append(header::SET_COOKIE, cookies::set(cookies::session_name(secure), &secret, None, secure));
            response_headers.append(header::SET_COOKIE, cookies::set(cookies::csrf_name(secure), "", Some(0), secure));
            Ok(response)
        }
        Err(refusal) => {
            let (status, key, retry) = match refusal {
                LoginRefusal::Wrong => (StatusCode::UNAUTHORIZED, "login-failed", None),
                LoginRefusal::Throttled(secs) => (StatusCode::TOO_MANY_REQUESTS, "login-throttled", Some(secs)),
            };
            let page = LoginPage { ctx, next, login: form.login.chars().take(100).collect(), error: Some(key) };
            let mut response = render_status(status, &page)?;
            if let Some(secs) = retry {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Ok(response)
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let secure = state.config.secure_cookies();
    if let Some(secret) = cookies::get(&headers, cookies::session_name(secure)) {
        db::delete_session(&state.db, &secret).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::set(cookies::session_name(secure), "", Some(0), secure));
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    next: String,
}

/// A signed-in person's language choice is part of their account.
pub async fn set_language(
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang).ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    if lang != actor.lang {
        let mut tx = state.db.begin().await?;
        sqlx::query!("update users set language = $2, version = version + 1 where id = $1", actor.id, lang.code())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            Record {
                kind: ObjectKind::User,
                object_id: actor.id,
                entity_id: Some(actor.entity_id),
                change: Change::Update,
                before: Some(serde_json::json!({ "language": actor.lang.code() })),
                after: Some(serde_json::json!({ "language": lang.code() })),
                actor: &actor.audit(),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Redirect::to(&safe_next(Some(&form.next))).into_response())
}

/// A visitor's language choice, kept in a cookie.
pub async fn set_visitor_language(
    State(state): State<AppState>,
    Form(form): Form<LanguageForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang).ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    let mut response = Redirect::to(&safe_next(Some(&form.next))).into_response();
    let secure = state.config.secure_cookies();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::set(cookies::LANG, lang.code(), Some(31_536_000), secure));
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/profile.html")]
struct ProfilePage {
    ctx: PageCtx,
    login: String,
    roles: Vec<(String, String)>,
    tokens: Vec<TokenInfo>,
    new_token: Option<String>,
    errors: FieldErrors,
    email: Option<String>,
    /// Each mail event, its label key and whether the person receives it.
    mail_events: Vec<(&'static str, String, bool)>,
}

async fn profile_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    new_token: Option<String>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let roles = sqlx::query!(
        r#"select g.role as "role: super::permission::Role", e.name from role_grants g join entities e on e.id = g.entity_id
            where g.user_id = $1 order by g.role, e.name"#,
        actor.id
    )
    .fetch_all(&state.db)
    .await?;
    let email = sqlx::query_scalar!("select email from users where id = $1", actor.id).fetch_one(&state.db).await?;
    let opted_out = crate::notify::mail::opted_out(&state.db, actor.id).await?;
    let mail_events = crate::notify::mail::EVENTS
        .iter()
        .map(|event| (*event, format!("mail-event-{event}"), !opted_out.iter().any(|o| o == event)))
        .collect();
    let page = ProfilePage {
        ctx,
        login: actor.login.clone(),
        roles: roles.into_iter().map(|r| (r.role.label_key(), r.name)).collect(),
        tokens: db::list_tokens(&state.db, actor.id).await?,
        new_token,
        errors,
        email,
        mail_events,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &page)
}

pub async fn profile(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    profile_page(&state, ctx, &actor, None, FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// Change one's own password: asks the current one; ends every other session
/// and every token, then opens a fresh session for this browser.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let stored = db::password_hash(&state.db, actor.id).await?;
    if !password::verify(form.current_password.clone(), stored).await {
        return profile_page(
            &state,
            ctx,
            &actor,
            None,
            FieldErrors::single("current_password", "password-current-wrong"),
        )
        .await;
    }
    if let Err(errors) = password::check_policy(&form.new_password, "new_password") {
        return profile_page(&state, ctx, &actor, None, errors).await;
    }
    if form.new_password != form.confirm_password {
        return profile_page(&state, ctx, &actor, None, FieldErrors::single("confirm_password", "password-mismatch"))
            .await;
    }
    let hash = password::hash(form.new_password).await?;
    let mut tx = state.db.begin().await?;
    db::set_password(&mut tx, actor.id, &hash).await?;
    record_password_change(&mut tx, &actor, actor.id, actor.entity_id).await?;
    tx.commit().await?;
    let secure = state.config.secure_cookies();
    let (secret, _) = db::create_session(&state.db, actor.id, state.config.session_hours).await?;
    let mut response = redirect_with_flash("/profile", "success", "password-changed");
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::set(cookies::session_name(secure), &secret, None, secure));
    Ok(response)
}

/// The history says a password changed, never what it is.
pub async fn record_password_change(
    conn: &mut sqlx::PgConnection,
    actor: &Actor,
    user_id: Uuid,
    entity_id: Uuid,
) -> AppResult<()> {
    audit::record(
        conn,
        Record {
            kind: ObjectKind::User,
            object_id: user_id,
            entity_id: Some(entity_id),
            change: Change::Update,
            before: Some(serde_json::json!({ "password": "" })),
            after: Some(serde_json::json!({ "password": "changed" })),
            actor: &actor.audit(),
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    token_name: String,
}

/// Personal tokens last a year unless revoked.
const PERSONAL_TOKEN_DAYS: i64 = 365;

pub async fn create_token(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let name = form.token_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        let key = if name.is_empty() { "field-required" } else { "field-too-long" };
        return profile_page(&state, ctx, &actor, None, FieldErrors::single("token_name", key)).await;
    }
    let expires = chrono::Utc::now() + chrono::Duration::days(PERSONAL_TOKEN_DAYS);
    let (secret, _) = db::create_token(&state.db, actor.id, name, Some(expires)).await?;
    // Shown once, in this response; never stored in clear.
    profile_page(&state, ctx, &actor, Some(secret), FieldErrors::default()).await
}

pub async fn revoke_token(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    if !db::revoke_token(&state.db, actor.id, id).await? {
        return Err(AppError::NotFound);
    }
    Ok(redirect_with_flash("/profile", "success", "token-revoked"))
}
