//! Ticket categories: a tree (ITIL style), each category within an entity,
//! bringing the group that takes its tickets and the service level that
//! dates them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TicketCategory {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    pub name: String,
    /// The group that takes the category's tickets at once.
    pub group_id: Option<Uuid>,
    pub group_name: Option<String>,
    /// The service level of its tickets (else the entity's default one).
    pub sla_id: Option<Uuid>,
    pub sla_name: Option<String>,
    /// Offered to employees on the portal.
    pub on_portal: bool,
    /// Categories directly below it.
    pub child_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryInput {
    pub entity_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub group_id: Option<Uuid>,
    pub sla_id: Option<Uuid>,
    pub on_portal: bool,
}

impl From<&TicketCategory> for CategoryInput {
    fn from(c: &TicketCategory) -> Self {
        Self {
            entity_id: c.entity_id,
            parent_id: c.parent_id,
            name: c.name.clone(),
            group_id: c.group_id,
            sla_id: c.sla_id,
            on_portal: c.on_portal,
        }
    }
}

/// Body of POST /api/v1/ticket-categories.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryCreate {
    pub entity_id: Uuid,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub sla_id: Option<Uuid>,
    /// Default true.
    pub on_portal: Option<bool>,
}

/// Body of PATCH /api/v1/ticket-categories/{id}: absent fields keep their
/// value, `null` clears an optional one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub group_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::api::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub sla_id: Option<Option<Uuid>>,
    pub on_portal: Option<bool>,
}
