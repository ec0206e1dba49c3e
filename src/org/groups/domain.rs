//! Groups: teams of people, used to assign tickets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Group {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub name: String,
    pub description: String,
    pub member_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupInput {
    pub entity_id: Uuid,
    pub name: String,
    pub description: String,
}

impl From<&Group> for GroupInput {
    fn from(g: &Group) -> Self {
        Self { entity_id: g.entity_id, name: g.name.clone(), description: g.description.clone() }
    }
}

/// A member as a group's page and API show them.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub login: String,
    pub name: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupCreate {
    pub entity_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub members: Vec<Uuid>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Replaces the members.
    pub members: Option<Vec<Uuid>>,
}
