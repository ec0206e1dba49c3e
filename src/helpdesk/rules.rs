//! What a person may do to a ticket, and the checks a ticket's references
//! need, shared by the pages and the API.

use sqlx::PgPool;
use uuid::Uuid;

use super::{Viewer, db, domain::Ticket, domain::TicketInput, form::Author, supervises};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
};

impl Author {
    pub fn of(actor: &Actor) -> Self {
        Author { id: actor.id, entity_id: actor.entity_id, helpdesk: Viewer::of(actor).is_helpdesk() }
    }
}

/// The ticket if the person sees it; else NotFound, like a missing one.
pub async fn visible(pool: &PgPool, actor: &Actor, id: Uuid) -> AppResult<(Ticket, Viewer)> {
    let viewer = Viewer::of(actor);
    let ticket = db::find(pool, &viewer, id).await?;
    Ok((ticket, viewer))
}

/// The ticket if the person works it (helpdesk of its entity): 404 when they
/// cannot see it, 403 when they see it only as its requester.
pub async fn workable(pool: &PgPool, actor: &Actor, id: Uuid) -> AppResult<(Ticket, Viewer)> {
    let (ticket, viewer) = visible(pool, actor, id).await?;
    if !actor.scope_or_empty(ObjectKind::Ticket, Action::Update).contains(ticket.entity_id) {
        return Err(AppError::Forbidden);
    }
    Ok((ticket, viewer))
}

/// The requester (or who typed it for them) answers the solution; so may
/// a supervisor, on their behalf.
pub fn answers_for_requester(actor: &Actor, ticket: &Ticket) -> bool {
    ticket.requester_id == actor.id || ticket.created_by_id == Some(actor.id) || supervises(actor, ticket.entity_id)
}

/// References a ticket's fields make must lie within what the person may use.
pub async fn check_input(pool: &PgPool, actor: &Actor, input: &TicketInput, asset: Option<Uuid>) -> AppResult<()> {
    let helpdesk = Author::of(actor).helpdesk;
    if helpdesk && !actor.scope_or_empty(ObjectKind::Ticket, Action::Create).contains(input.entity_id) {
        return Err(AppError::field("entity_id", "field-invalid-choice"));
    }
    if input.requester_id != actor.id {
        let people = actor.scope_or_empty(ObjectKind::User, Action::View);
        let known = sqlx::query_scalar!(
            r#"select exists (select 1 from users where id = $1 and active and entity_id = any($2)) as "known!""#,
            input.requester_id,
            people.ids()
        )
        .fetch_one(pool)
        .await?;
        if !known {
            return Err(AppError::field("requester_id", "field-invalid-choice"));
        }
    }
    if let Some(category) = input.category_id
        && !category_applies(pool, category, input.entity_id).await?
    {
        return Err(AppError::field("category_id", "field-invalid-choice"));
    }
    match asset {
        Some(asset) => check_asset(pool, actor, asset, input.requester_id).await,
        None => Ok(()),
    }
}

/// Categories of the ticket's entity or of an entity above it.
async fn category_applies(pool: &PgPool, category: Uuid, entity: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from ticket_categories
                           where id = $1 and entity_id in (select id from entity_lineage($2))) as "applies!""#,
        category,
        entity
    )
    .fetch_one(pool)
    .await?)
}

/// A ticket is about an asset the requester holds or uses, or one of the
/// park the person sees.
pub async fn check_asset(pool: &PgPool, actor: &Actor, asset: Uuid, requester: Uuid) -> AppResult<()> {
    let park = actor.scope_or_empty(ObjectKind::Asset, Action::View);
    let allowed = sqlx::query_scalar!(
        r#"select exists (select 1 from assets a where a.id = $1
                  and (a.entity_id = any($2) or a.assigned_user_id = $3
                       or exists (select 1 from asset_users au where au.asset_id = a.id and au.user_id = $3))) as "allowed!""#,
        asset,
        park.ids(),
        requester
    )
    .fetch_one(pool)
    .await?;
    if allowed { Ok(()) } else { Err(AppError::field("asset_id", "field-invalid-choice")) }
}

/// Watchers are set by the helpdesk, among the people it may see.
pub async fn check_watchers(pool: &PgPool, actor: &Actor, author: Author, watchers: &[Uuid]) -> AppResult<()> {
    if watchers.is_empty() {
        return Ok(());
    }
    if !author.helpdesk {
        return Err(AppError::field("watcher_ids", "field-not-allowed"));
    }
    check_watcher_people(pool, actor, watchers).await
}

/// Watchers are active people the person may see, at most 50.
pub async fn check_watcher_people(pool: &PgPool, actor: &Actor, watchers: &[Uuid]) -> AppResult<()> {
    let people = actor.scope_or_empty(ObjectKind::User, Action::View);
    let known = sqlx::query_scalar!(
        r#"select count(*) as "n!" from users where id = any($1) and active and entity_id = any($2)"#,
        watchers,
        people.ids()
    )
    .fetch_one(pool)
    .await?;
    if usize::try_from(known).ok() != Some(watchers.len()) || watchers.len() > 50 {
        return Err(AppError::field("watcher_ids", "field-invalid-choice"));
    }
    Ok(())
}

/// People the person may assign: active members of the helpdesk's entities.
pub async fn check_assignees(
    pool: &PgPool,
    actor: &Actor,
    ticket: &Ticket,
    people: &[Uuid],
    groups: &[Uuid],
) -> AppResult<()> {
    let scope = actor.scope_or_empty(ObjectKind::Ticket, Action::Update);
    let people_ok = sqlx::query_scalar!(
        r#"select count(*) as "n!" from users where id = any($1) and active and entity_id = any($2)"#,
        people,
        scope.ids()
    )
    .fetch_one(pool)
    .await?;
    let groups_ok = sqlx::query_scalar!(
        r#"select count(*) as "n!" from groups where id = any($1) and entity_id = any($2)"#,
        groups,
        scope.ids()
    )
    .fetch_one(pool)
    .await?;
    if usize::try_from(people_ok).ok() != Some(people.len()) {
        return Err(AppError::field("user_id", "field-invalid-choice"));
    }
    if usize::try_from(groups_ok).ok() != Some(groups.len()) {
        return Err(AppError::field("group_id", "field-invalid-choice"));
    }
    let only_self = people.iter().all(|p| *p == actor.id) && groups.is_empty();
    if !only_self && !supervises(actor, ticket.entity_id) {
        return Err(AppError::Forbidden);
    }
    Ok(())
}
