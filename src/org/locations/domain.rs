//! Locations: a tree of site, building, floor and room, with addresses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const KINDS: [&str; 5] = ["site", "building", "floor", "room", "other"];

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Location {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    pub name: String,
    /// site, building, floor, room or other
    pub kind: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub notes: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LocationInput {
    pub entity_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub notes: String,
}

impl From<&Location> for LocationInput {
    fn from(l: &Location) -> Self {
        Self {
            entity_id: l.entity_id,
            parent_id: l.parent_id,
            name: l.name.clone(),
            kind: l.kind.clone(),
            address: l.address.clone(),
            postcode: l.postcode.clone(),
            city: l.city.clone(),
            country: l.country.clone(),
            notes: l.notes.clone(),
        }
    }
}

/// Body of POST /api/v1/locations.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationCreate {
    pub entity_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub kind: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
}

/// Body of PATCH /api/v1/locations/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationPatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
}
