//! Manufacturers of equipment (Dell, HP, Lenovo...).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Manufacturer {
    pub id: Uuid,
    pub name: String,
    pub url: String,
    pub notes: String,
    /// Models of this manufacturer.
    pub model_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManufacturerInput {
    pub name: String,
    pub url: String,
    pub notes: String,
}

impl From<&Manufacturer> for ManufacturerInput {
    fn from(m: &Manufacturer) -> Self {
        Self { name: m.name.clone(), url: m.url.clone(), notes: m.notes.clone() }
    }
}

/// Body of POST /api/v1/manufacturers.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManufacturerCreate {
    pub name: String,
    pub url: Option<String>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/manufacturers/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManufacturerPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
}
