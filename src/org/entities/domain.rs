//! Entities: the group, its subsidiaries in France and abroad, their sites.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const KINDS: [&str; 4] = ["group", "subsidiary", "site", "department"];

/// An entity as pages and the API show it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Entity {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    pub name: String,
    /// group, subsidiary, site or department
    pub kind: String,
    pub country: String,
    pub notes: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityInput {
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub country: String,
    pub notes: String,
}

impl From<&Entity> for EntityInput {
    fn from(e: &Entity) -> Self {
        Self {
            name: e.name.clone(),
            parent_id: e.parent_id,
            kind: e.kind.clone(),
            country: e.country.clone(),
            notes: e.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/entities.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityCreate {
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/entities/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
}
