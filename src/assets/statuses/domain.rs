//! Asset statuses, each of one kind: deployable, deployed, pending, archived.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a status means for an asset. Archived assets leave the default list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "status_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// In stock, ready to hand out.
    Deployable,
    /// In use.
    Deployed,
    /// In repair, being prepared.
    Pending,
    /// Retired, lost, stolen, disposed.
    Archived,
}

impl StatusKind {
    pub const ALL: [StatusKind; 4] =
        [StatusKind::Deployable, StatusKind::Deployed, StatusKind::Pending, StatusKind::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusKind::Deployable => "deployable",
            StatusKind::Deployed => "deployed",
            StatusKind::Pending => "pending",
            StatusKind::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Option<StatusKind> {
        StatusKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Message key of its name.
    pub fn label_key(self) -> String {
        format!("status-kind-{}", self.as_str())
    }

    /// Badge style on pages.
    pub fn badge(self) -> &'static str {
        match self {
            StatusKind::Deployable => "badge-ok",
            StatusKind::Deployed => "badge-role",
            StatusKind::Pending => "badge-warn",
            StatusKind::Archived => "badge-off",
        }
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AssetStatus {
    pub id: Uuid,
    pub name: String,
    pub kind: StatusKind,
    pub notes: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatusInput {
    pub name: String,
    pub kind: StatusKind,
    pub notes: String,
}

impl From<&AssetStatus> for StatusInput {
    fn from(s: &AssetStatus) -> Self {
        Self { name: s.name.clone(), kind: s.kind, notes: s.notes.clone() }
    }
}

/// Body of POST /api/v1/asset-statuses.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusCreate {
    pub name: String,
    pub kind: StatusKind,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/asset-statuses/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<StatusKind>,
    pub notes: Option<String>,
}
