//! Software categories (Web browser, Office, Development...): a tree shared
//! by every entity, as GLPI keeps them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SoftwareCategory {
    pub id: Uuid,
    /// The category it belongs under, if any.
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    pub name: String,
    pub notes: String,
    /// Catalogue entries in it (not counting its sub-categories').
    pub software_count: i64,
    /// Dictionary rules giving it to new catalogue entries.
    pub rule_count: i64,
    /// Sub-categories directly below it.
    pub child_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryInput {
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub notes: String,
}

impl From<&SoftwareCategory> for CategoryInput {
    fn from(c: &SoftwareCategory) -> Self {
        Self { name: c.name.clone(), parent_id: c.parent_id, notes: c.notes.clone() }
    }
}

/// Body of POST /api/v1/software-categories.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryCreate {
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/software-categories/{id}: absent fields keep their
/// value, `null` takes the category out from under its parent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub notes: Option<String>,
}
