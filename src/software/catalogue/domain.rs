//! Software in the catalogue: what agents found installed, or what a park
//! manager recorded by hand.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Software {
    pub id: Uuid,
    pub name: String,
    pub publisher: String,
    pub category_id: Option<Uuid>,
    /// The name of its category.
    pub category_name: Option<String>,
    /// Forbidden by the park's policy: every installation is flagged.
    pub forbidden: bool,
    pub notes: String,
    /// Assets in service carrying it, within the reader's entities, as the
    /// compliance job last counted them.
    pub installs: i64,
    /// Versions seen.
    pub version_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SoftwareInput {
    pub name: String,
    pub publisher: String,
    /// Named apart from the asset category in the history.
    #[serde(rename = "software_category_id")]
    pub category_id: Option<Uuid>,
    pub forbidden: bool,
    pub notes: String,
}

impl From<&Software> for SoftwareInput {
    fn from(s: &Software) -> Self {
        Self {
            name: s.name.clone(),
            publisher: s.publisher.clone(),
            category_id: s.category_id,
            forbidden: s.forbidden,
            notes: s.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/software.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareCreate {
    pub name: String,
    pub publisher: Option<String>,
    /// A software category (GET /api/v1/software-categories).
    pub category_id: Option<Uuid>,
    pub forbidden: Option<bool>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/software/{id}: absent fields keep their value,
/// a `null` category leaves it without one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwarePatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub category_id: Option<Option<Uuid>>,
    pub forbidden: Option<bool>,
    pub notes: Option<String>,
}

/// One version of a software, with the assets carrying it in the reader's entities.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VersionCount {
    pub id: Uuid,
    pub version: String,
    pub installs: i64,
}

/// One installation, as the software's page and API list them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Installation {
    pub asset_id: Uuid,
    pub tag: String,
    pub asset_name: String,
    pub entity_id: Uuid,
    pub assigned_to: Option<String>,
    pub version_id: Uuid,
    pub version: String,
    pub arch: String,
    pub install_date: Option<NaiveDate>,
    /// "inventory" (an agent found it) or "manual".
    pub source: String,
    pub since: DateTime<Utc>,
}

/// Body of POST /api/v1/assets/{id}/software: a manual installation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualInstallation {
    pub software_id: Uuid,
    #[serde(default)]
    pub version: String,
    pub install_date: Option<NaiveDate>,
}
