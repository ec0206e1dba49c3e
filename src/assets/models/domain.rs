//! Asset models: a manufacturer's product in a category (Latitude 5440, a
//! laptop by Dell), with its part number and end of life.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AssetModel {
    pub id: Uuid,
    pub category_id: Uuid,
    pub category_name: String,
    pub manufacturer_id: Option<Uuid>,
    pub manufacturer_name: Option<String>,
    pub name: String,
    pub part_number: String,
    pub end_of_life: Option<NaiveDate>,
    pub notes: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelInput {
    pub category_id: Uuid,
    pub manufacturer_id: Option<Uuid>,
    pub name: String,
    pub part_number: String,
    pub end_of_life: Option<NaiveDate>,
    pub notes: String,
}

impl From<&AssetModel> for ModelInput {
    fn from(m: &AssetModel) -> Self {
        Self {
            category_id: m.category_id,
            manufacturer_id: m.manufacturer_id,
            name: m.name.clone(),
            part_number: m.part_number.clone(),
            end_of_life: m.end_of_life,
            notes: m.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/asset-models.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelCreate {
    pub category_id: Uuid,
    pub manufacturer_id: Option<Uuid>,
    pub name: String,
    pub part_number: Option<String>,
    /// YYYY-MM-DD
    pub end_of_life: Option<String>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/asset-models/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelPatch {
    pub version: Option<i64>,
    pub category_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub manufacturer_id: Option<Option<Uuid>>,
    pub name: Option<String>,
    pub part_number: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<String>)]
    pub end_of_life: Option<Option<String>>,
    pub notes: Option<String>,
}
