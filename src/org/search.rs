//! The search box in the top bar: people, locations and entities the person
//! may see, grouped by kind, tolerant of typos (trigram similarity).

use askama::Template;
use axum::{
    extract::{Query, State},
    response::Response,
};
use serde::Deserialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    assets::register::hardware::{normalise_ip, normalise_mac},
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::AppResult,
    state::AppState,
    web::{PageCtx, list::like_pattern, render},
};

const PER_KIND: i64 = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

pub struct Hit {
    pub title: String,
    pub detail: String,
    pub href: String,
}

pub struct HitGroup {
    pub title_key: &'static str,
    pub hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: PageCtx,
    q: String,
    groups: Vec<HitGroup>,
}

struct Row {
    id: Uuid,
    title: String,
    detail: String,
}

/// Matches by substring or by trigram similarity, best first.
async fn search_kind(pool: &PgPool, kind: ObjectKind, scope: &Scope, q: &str) -> AppResult<Vec<Hit>> {
    let (ids, pattern) = (scope.ids(), like_pattern(q));
    let rows = match kind {
        ObjectKind::User => {
            sqlx::query_as!(
                Row,
                r#"select id, name as title, login as detail from users
                    where entity_id = any($1) and ((login || ' ' || name || ' ' || coalesce(email, '')) ilike $2
                          or (login || ' ' || name || ' ' || coalesce(email, '')) % $3)
                    order by similarity(login || ' ' || name || ' ' || coalesce(email, ''), $3) desc, name limit $4"#,
                ids,
                pattern,
                q,
                PER_KIND
            )
            .fetch_all(pool)
            .await?
        }
        ObjectKind::Location => {
            sqlx::query_as!(
                Row,
                r#"select id, name as title, city as detail from locations
                    where entity_id = any($1) and (name ilike $2 or name % $3)
                    order by similarity(name, $3) desc, name limit $4"#,
                ids,
                pattern,
                q,
                PER_KIND
            )
            .fetch_all(pool)
            .await?
        }
        ObjectKind::Entity => {
            sqlx::query_as!(
                Row,
                r#"select id, name as title, country as detail from entities
                    where id = any($1) and (name ilike $2 or name % $3)
                    order by similarity(name, $3) desc, name limit $4"#,
                ids,
                pattern,
                q,
                PER_KIND
            )
            .fetch_all(pool)
            .await?
        }
        ObjectKind::Group => {
            sqlx::query_as!(
                Row,
                r#"select id, name as title, description as detail from groups
                    where entity_id = any($1) and (name ilike $2 or name % $3)
                    order by similarity(name, $3) desc, name limit $4"#,
                ids,
                pattern,
                q,
                PER_KIND
            )
            .fetch_all(pool)
            .await?
        }
        ObjectKind::Asset => {
            sqlx::query_as!(
                Row,
                r#"select a.id, a.tag as title, am.name || coalesce(' · ' || nullif(a.name, ''), '') || coalesce(' · ' || a.serial, '') as "detail!"
                     from assets a join asset_models am on am.id = a.model_id
                    where a.entity_id = any($1) and ((a.tag || ' ' || a.name || ' ' || coalesce(a.serial, '') || ' ' || am.name) ilike $2
                          or (a.tag || ' ' || a.name || ' ' || coalesce(a.serial, '')) % $3
                          or a.assigned_user_id = any(array(select id from users where name ilike $2))
                          or a.id = any(array(select asset_id from asset_network_interfaces where mac = $5 or $6 = any(ips))))
                    order by (a.tag ilike $2) desc, similarity(a.tag || ' ' || a.name || ' ' || coalesce(a.serial, ''), $3) desc, a.tag
                    limit $4"#,
                ids,
                pattern,
                q,
                PER_KIND,
                normalise_mac(q),
                normalise_ip(q)
            )
            .fetch_all(pool)
            .await?
        }
        // The catalog is browsed through its own lists.
        ObjectKind::Manufacturer
        | ObjectKind::AssetStatus
        | ObjectKind::AssetCategory
        | ObjectKind::AssetModel
        | ObjectKind::TicketCategory => Vec::new(),
        // The helpdesk's settings are browsed from their own pages.
        ObjectKind::Calendar | ObjectKind::Sla | ObjectKind::HelpdeskSettings | ObjectKind::InventorySettings => {
            Vec::new()
        }
        // Software is searched from its catalogue; licences and configurations from their lists.
        ObjectKind::Software
        | ObjectKind::SoftwareCategory
        | ObjectKind::Licence
        | ObjectKind::StandardConfiguration => Vec::new(),
        // Articles have their own full-text search.
        ObjectKind::KbArticle => Vec::new(),
        // Tickets have their own visibility rules and their own search.
        ObjectKind::Ticket => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|row| Hit { title: row.title, detail: row.detail, href: format!("/{}/{}", kind.plural(), row.id) })
        .collect())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Query(query): Query<SearchQuery>,
) -> AppResult<Response> {
    let q: String = query.q.trim().chars().take(200).collect();
    let mut groups = Vec::new();
    if !q.is_empty() {
        let kinds = [
            (ObjectKind::Asset, "nav-assets"),
            (ObjectKind::User, "nav-users"),
            (ObjectKind::Location, "nav-locations"),
            (ObjectKind::Entity, "nav-entities"),
            (ObjectKind::Group, "nav-groups"),
        ];
        for (kind, title_key) in kinds {
            let scope = actor.scope_or_empty(kind, Action::View);
            if scope.is_empty() {
                continue;
            }
            let hits = search_kind(&state.db, kind, &scope, &q).await?;
            if !hits.is_empty() {
                groups.push(HitGroup { title_key, hits });
            }
        }
    }
    render(&SearchPage { ctx, q, groups })
}
