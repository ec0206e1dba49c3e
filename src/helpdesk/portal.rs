//! The self-service portal: a page for employees, not the technician
//! interface. Say what is wrong or what is needed (about one of their own
//! machines, or the one whose QR label they scanned), see articles that may
//! already answer while typing, follow their requests with their due dates.

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    Viewer,
    db::{self, Queue, TicketFilter, TicketList, TicketSort},
    domain::{Channel, Kind, LEVELS, Ticket, level_key},
    form::{Author, TicketForm},
    rules,
};
use crate::{
    assets::register::db as assets,
    auth::actor::Actor,
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        form::FieldErrors,
        layout::redirect_with_flash,
        list::{ListQuery, fetch_page},
        render, render_status,
    },
};

#[derive(Template)]
#[template(path = "helpdesk/portal.html")]
struct HomePage {
    ctx: PageCtx,
    tickets: Vec<Ticket>,
    /// Files of each ticket the person sees, in the order of `tickets`.
    files: Vec<i64>,
    total: i64,
}

impl HomePage {
    fn files_of(&self, index: &usize) -> i64 {
        self.files.get(*index).copied().unwrap_or(0)
    }

    fn due(&self, ticket: &Ticket) -> String {
        match ticket.resolve_due_at {
            Some(due) if ticket.status.is_open() => self.ctx.time(&due),
            _ => String::new(),
        }
    }
}

/// The requests a person made, newest first.
pub async fn home(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    let viewer = Viewer::of(&actor);
    let filter = TicketFilter {
        viewer: viewer.clone(),
        queue: Queue::Requested,
        status: None,
        kind: None,
        priority: None,
        category_id: None,
        entity_id: None,
        group_id: None,
        assignee_id: None,
    };
    let query = ListQuery { q: None, sort: TicketSort::Number, desc: true, page: 1, per_page: 50 };
    let page = fetch_page::<TicketList>(&state.db, &viewer.helpdesk, &filter, &query).await?;
    let files = super::attachments::counts(&state.db, &viewer, &page.items).await?;
    render(&HomePage { ctx, total: page.total, files, tickets: page.items })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewParams {
    kind: String,
    asset_id: String,
}

#[derive(Template)]
#[template(path = "helpdesk/portal_new.html")]
struct NewPage {
    ctx: PageCtx,
    form: TicketForm,
    categories: Vec<(String, String)>,
    equipment: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    errors: FieldErrors,
}

impl NewPage {
    fn is_request(&self) -> bool {
        self.form.kind == Kind::Request.as_str()
    }
}

async fn new_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    form: TicketForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let equipment = assets::held_by(&state.db, actor.id)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), format!("{} · {} {}", a.tag, a.model_name, a.name).trim().to_owned()))
        .collect();
    let categories = db::portal_categories(&state.db, actor.entity_id).await?;
    let levels = LEVELS.iter().map(|l| (l.to_string(), ctx.t(level_key(l.parse().unwrap_or(3))))).collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &NewPage { ctx, form, categories, equipment, levels, errors })
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Query(params): Query<NewParams>,
) -> AppResult<Response> {
    let kind = if params.kind == "request" { "request" } else { "incident" };
    let form = TicketForm { kind: kind.into(), urgency: "3".into(), asset_id: params.asset_id, ..Default::default() };
    new_page(&state, ctx, &actor, form, FieldErrors::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Form(form): Form<TicketForm>,
) -> AppResult<Response> {
    // The portal is the requester's door, whoever they are elsewhere.
    let author = Author { helpdesk: false, ..Author::of(&actor) };
    let outcome = async {
        let input = form.parse(author, Channel::Portal).map_err(AppError::Validation)?;
        let asset = form.asset().map_err(AppError::Validation)?;
        rules::check_input(&state.db, &actor, &input, asset).await?;
        let opening = db::Opening { assets: asset.into_iter().collect(), watchers: Vec::new() };
        db::insert(&state.db, &actor.audit(), &input, &opening).await
    }
    .await;
    match outcome.map_err(AppError::into_field_errors) {
        Ok((id, _)) => Ok(redirect_with_flash(&format!("/tickets/{id}"), "success", "portal-sent")),
        Err(Ok(errors)) => new_page(&state, ctx, &actor, form, errors).await,
        Err(Err(other)) => Err(other),
    }
}

/// Where a scanned QR label leads a person who may not open the park's
/// pages: to a new request about that machine, when it is theirs.
pub async fn scanned(state: &AppState, actor: &Actor, asset: Uuid) -> AppResult<Option<Response>> {
    let holds = assets::held_by(&state.db, actor.id).await?.iter().any(|a| a.id == asset);
    Ok(holds.then(|| Redirect::to(&format!("/portal/new?asset_id={asset}")).into_response()))
}
