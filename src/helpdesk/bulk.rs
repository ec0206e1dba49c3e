//! Assigning several tickets at once from a queue: to oneself, or (for
//! supervisors) to a technician and/or a group. Every ticket goes through the
//! same checks and the same status change as on its own page, in one
//! transaction: either all are assigned, each with its history and notices,
//! or none is and the person is told which ticket refused.

use axum::{Json, body::Bytes, extract::State, response::Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{db, domain::Ticket, rules};
use crate::{
    auth::{
        actor::{Actor, ApiActor},
        permission::{Action, ObjectKind},
    },
    error::{ApiResult, AppError, AppResult},
    org::groups,
    state::AppState,
    web::{
        PageCtx, bulk, form,
        i18n::{self, Lang},
        table::{BulkPanel, FormField},
    },
};

const KIND: ObjectKind = ObjectKind::Ticket;

/// At most this many tickets per request.
pub const MAX_TICKETS: usize = 500;

/// Who the selected tickets go to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssign {
    pub ids: Vec<Uuid>,
    /// Technicians added to each ticket (only yourself unless you supervise it).
    #[serde(default)]
    pub user_ids: Vec<Uuid>,
    /// Groups added to each ticket (supervisors).
    #[serde(default)]
    pub group_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkAssigned {
    /// The tickets assigned, as "#number title".
    pub updated: Vec<String>,
}

/// Supervisors assign to others; everyone of the helpdesk takes tickets.
fn assigns_others(actor: &Actor) -> bool {
    actor.can(KIND, Action::Delete)
}

/// "Me" as the only technician: what a technician may choose.
fn only_me(actor: &Actor) -> Vec<FormField> {
    vec![FormField::select("user_id", "ticket-technician", vec![(actor.id.to_string(), actor.name.clone())], "", false)]
}

/// The panel under a queue. A supervisor's technician and group lists come
/// when the panel opens, so the queue page never carries them.
pub fn panel(actor: &Actor) -> BulkPanel {
    BulkPanel {
        action: "/tickets/bulk".into(),
        title_key: "ticket-bulk-title",
        apply_key: "ticket-bulk-apply",
        fields: only_me(actor),
        fields_href: assigns_others(actor).then(|| "/tickets/bulk".to_owned()),
    }
}

/// The panel's fields for this person.
pub async fn fields(State(state): State<AppState>, ctx: PageCtx, actor: Actor) -> AppResult<Response> {
    if !assigns_others(&actor) {
        return bulk::fields_fragment(ctx, only_me(&actor));
    }
    let helpdesk = actor.scope_or_empty(KIND, Action::Update);
    let fields = vec![
        FormField::select(
            "user_id",
            "ticket-technician",
            db::technician_choices(&state.db, &helpdesk).await?,
            "",
            false,
        ),
        FormField::select("group_id", "kind-group", groups::choices(&state.db, &helpdesk).await?, "", false),
    ];
    bulk::fields_fragment(ctx, fields)
}

/// A refusal names the ticket, in the person's language.
fn naming(ticket: &Ticket, lang: Lang, error: AppError) -> AppError {
    let reason = match error {
        AppError::Refused(key) => i18n::tr(lang, key),
        AppError::Validation(errors) => errors.iter().map(|(_, key)| i18n::tr(lang, key)).collect::<Vec<_>>().join(" "),
        other => return other,
    };
    AppError::Conflict(format!("{} {}: {reason}", ticket.reference(), ticket.title))
}

/// Check every ticket, then assign them all in one transaction.
pub async fn run(state: &AppState, actor: &Actor, request: &BulkAssign) -> AppResult<Vec<String>> {
    let lang = actor.lang;
    bulk::check_selection(&request.ids, MAX_TICKETS)?;
    if request.user_ids.is_empty() && request.group_ids.is_empty() {
        return Err(AppError::field("user_id", "ticket-bulk-nobody"));
    }
    let mut ids = request.ids.clone();
    // One order for every bulk action, so two of them never deadlock.
    ids.sort_unstable();
    ids.dedup();
    let mut tickets = Vec::with_capacity(ids.len());
    for id in ids {
        let (ticket, _) = rules::workable(&state.db, actor, id).await?;
        rules::check_assignees(&state.db, actor, &ticket, &request.user_ids, &request.group_ids)
            .await
            .map_err(|e| naming(&ticket, lang, e))?;
        tickets.push(ticket);
    }
    let audit = actor.audit();
    let mut tx = state.db.begin().await?;
    for ticket in &tickets {
        db::assign_in(&mut tx, &audit, ticket, &request.user_ids, &request.group_ids)
            .await
            .map_err(|e| naming(ticket, lang, e))?;
    }
    tx.commit().await?;
    Ok(tickets.iter().map(|t| format!("{} {}", t.reference(), t.title)).collect())
}

/// The queue's bulk form: the ticked `ids`, a technician and/or a group.
fn parse_form(body: &[u8]) -> AppResult<BulkAssign> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("malformed form".into()))?;
    Ok(BulkAssign {
        ids: bulk::ticked_ids(&pairs, MAX_TICKETS)?,
        user_ids: form::pair_optional_id(&pairs, "user_id")?.into_iter().collect(),
        group_ids: form::pair_optional_id(&pairs, "group_id")?.into_iter().collect(),
    })
}

pub async fn bulk_page(State(state): State<AppState>, ctx: PageCtx, actor: Actor, body: Bytes) -> AppResult<Response> {
    let outcome = match parse_form(&body) {
        Ok(request) => run(&state, &actor, &request).await,
        Err(error) => Err(error),
    };
    let wording =
        bulk::ResultWording { title_key: "ticket-bulk-title", back_href: "/tickets", back_key: "ticket-bulk-back" };
    bulk::result_page(ctx, &wording, outcome)
}

/// Assign several tickets at once
#[utoipa::path(post, path = "/api/v1/tickets/bulk-assign", tag = "tickets", request_body = BulkAssign,
    responses((status = 200, body = BulkAssigned),
              (status = 404, body = crate::error::Problem, description = "a ticket you may not see"),
              (status = 409, body = crate::error::Problem, description = "a ticket refused (named in the detail); none changed"),
              (status = 422, body = crate::error::Problem)))]
pub async fn bulk_assign(
    State(state): State<AppState>,
    actor: ApiActor,
    crate::api::ApiJson(body): crate::api::ApiJson<BulkAssign>,
) -> ApiResult<Json<BulkAssigned>> {
    let updated = run(&state, &actor, &body).await?;
    Ok(Json(BulkAssigned { updated }))
}
