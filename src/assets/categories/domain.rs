//! Asset categories (computer, laptop, monitor...), each with the pattern of its assets' tags.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::fields::{CustomField, definitions_text};

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AssetCategory {
    pub id: Uuid,
    pub name: String,
    pub tag_pattern: String,
    /// The custom fields its assets carry.
    #[schema(value_type = Vec<CustomField>)]
    pub custom_fields: sqlx::types::Json<Vec<CustomField>>,
    /// Whether its assets have hardware facts (OS, CPU, memory, disks, interfaces).
    pub has_hardware: bool,
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
    /// Recorded in the history as the form's text: one line per field.
    #[serde(serialize_with = "definitions_as_text")]
    pub custom_fields: Vec<CustomField>,
    pub has_hardware: bool,
    pub notes: String,
}

fn definitions_as_text<S: serde::Serializer>(fields: &[CustomField], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&definitions_text(fields))
}

impl From<&AssetCategory> for CategoryInput {
    fn from(m: &AssetCategory) -> Self {
        Self {
            name: m.name.clone(),
            tag_pattern: m.tag_pattern.clone(),
            custom_fields: m.custom_fields.0.clone(),
            has_hardware: m.has_hardware,
            notes: m.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/asset-categories.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryCreate {
    pub name: String,
    pub tag_pattern: Option<String>,
    pub custom_fields: Option<Vec<CustomField>>,
    pub has_hardware: Option<bool>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/asset-categories/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub tag_pattern: Option<String>,
    /// Replaces every definition; values of removed fields stay on the assets until their next edit.
    pub custom_fields: Option<Vec<CustomField>>,
    pub has_hardware: Option<bool>,
    pub notes: Option<String>,
}
