//! The person behind a request, with their roles and the scope each grants.

use std::sync::Arc;

use axum::{extract::FromRequestParts, http::request::Parts};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

use super::permission::{Action, ObjectKind, Role, Scope};
use crate::{
    audit::{AuditActor, Source},
    error::{ApiError, AppError, AppResult},
    web::i18n::Lang,
};

/// A role held within an entity, with every entity it covers.
#[derive(Clone, Debug, Serialize)]
pub struct Grant {
    pub role: Role,
    pub entity_id: Uuid,
    #[serde(skip)]
    pub covered: Vec<Uuid>,
}

/// How the person proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Uuid,
    pub login: String,
    pub name: String,
    pub lang: Lang,
    pub time_zone: Tz,
    pub entity_id: Uuid,
    /// Notifications not read yet, counted up to `db::UNREAD_CAP` (the badge in the navigation).
    pub unread_notifications: i64,
    pub grants: Arc<[Grant]>,
    pub request_id: Option<String>,
    pub via: Via,
}

impl Actor {
    /// Entities where this person may do `action` on `kind`; 403 when none.
    pub fn scope(&self, kind: ObjectKind, action: Action) -> AppResult<Scope> {
        let scope = self.scope_or_empty(kind, action);
        if scope.is_empty() { Err(AppError::Forbidden) } else { Ok(scope) }
    }

    pub fn scope_or_empty(&self, kind: ObjectKind, action: Action) -> Scope {
        Scope::new(
            self.grants
                .iter()
                .filter(|g| g.role.allows(kind, action))
                .flat_map(|g| g.covered.iter().copied())
                .collect(),
        )
    }

    /// For showing or hiding buttons and menus; never the enforcement.
    pub fn can(&self, kind: ObjectKind, action: Action) -> bool {
        self.grants.iter().any(|g| g.role.allows(kind, action))
    }

    /// The most powerful role this person holds over `entity`.
    pub fn best_role_at(&self, entity: Uuid) -> Option<Role> {
        self.grants.iter().filter(|g| g.covered.contains(&entity)).map(|g| g.role).max_by_key(|r| r.rank())
    }

    /// The most powerful role this person holds anywhere.
    pub fn best_role(&self) -> Option<Role> {
        self.grants.iter().map(|g| g.role).max_by_key(|r| r.rank())
    }

    /// Who to write in the history, from the session or token, never the body.
    pub fn audit(&self) -> AuditActor {
        AuditActor {
            id: Some(self.id),
            label: self.login.clone(),
            source: match self.via {
                Via::Session => Source::Web,
                Via::Token => Source::Api,
            },
            request_id: self.request_id.clone(),
        }
    }
}

/// What the authentication middleware found for this request.
#[derive(Clone, Debug)]
pub struct RequestAuth {
    pub actor: Option<Actor>,
    /// Token that state-changing forms of this request must carry.
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<RequestAuth>().and_then(|auth| auth.actor.clone()).ok_or(AppError::Unauthenticated)
    }
}

/// The same person, for API handlers: a missing or bad token answers a
/// problem+json 401.
#[derive(Clone, Debug)]
pub struct ApiActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiActor(Actor::from_request_parts(parts, state).await?))
    }
}

impl std::ops::Deref for ApiActor {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}
