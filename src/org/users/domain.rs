//! People: accounts, their place in the organisation, their roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::permission::Role;

/// A person as pages and the API show them. Never their password hash or tokens.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: String,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub manager_id: Option<Uuid>,
    pub manager_name: Option<String>,
    pub language: String,
    pub time_zone: String,
    pub active: bool,
    /// Names of the roles held anywhere.
    pub roles: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A role held within an entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleGrant {
    pub role: Role,
    pub entity_id: Uuid,
}

/// A grant with its entity's name, for pages.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RoleGrantView {
    pub role: Role,
    pub entity_id: Uuid,
    pub entity_name: String,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UserInput {
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: String,
    pub entity_id: Uuid,
    pub location_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub language: String,
    pub time_zone: String,
    pub active: bool,
}

impl From<&User> for UserInput {
    fn from(u: &User) -> Self {
        Self {
            login: u.login.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            phone: u.phone.clone(),
            entity_id: u.entity_id,
            location_id: u.location_id,
            manager_id: u.manager_id,
            language: u.language.clone(),
            time_zone: u.time_zone.clone(),
            active: u.active,
        }
    }
}

/// Body of POST /api/v1/users.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreate {
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub entity_id: Uuid,
    pub location_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub active: Option<bool>,
    /// Initial password; without one the person cannot log in until it is set.
    pub password: Option<String>,
    #[serde(default)]
    pub roles: Vec<RoleGrant>,
}

/// Body of PATCH /api/v1/users/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub version: Option<i64>,
    pub login: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    pub phone: Option<String>,
    pub entity_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub location_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub manager_id: Option<Option<Uuid>>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub active: Option<bool>,
    /// Replaces every role of the person.
    pub roles: Option<Vec<RoleGrant>>,
    /// Sets a new password (ends the person's sessions and tokens).
    pub password: Option<String>,
}
