//! Asset categories (computer, laptop, monitor...), each with the pattern of its assets' tags.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AssetCategory {
    pub id: Uuid,
    pub name: String,
    pub tag_pattern: String,
    pub notes: String,
    /// Models of this category.
    pub model_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryInput {
    pub name: String,
    pub tag_pattern: String,
    pub notes: String,
}

impl From<&AssetCategory> for CategoryInput {
    fn from(m: &AssetCategory) -> Self {
        Self { name: m.name.clone(), tag_pattern: m.tag_pattern.clone(), notes: m.notes.clone() }
    }
}

/// Body of POST /api/v1/asset-categories.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryCreate {
    pub name: String,
    pub tag_pattern: Option<String>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/asset-categories/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub tag_pattern: Option<String>,
    pub notes: Option<String>,
}
