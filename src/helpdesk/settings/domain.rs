//! The helpdesk's own settings (one row) and its priority matrix: urgency ×
//! impact -> priority, 5 × 5.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Urgency, impact and priority run from 1 (very low) to 5 (very high).
pub const LEVELS: usize = 5;

/// The one object the history of the settings and the matrix is kept under.
pub const SETTINGS_ID: Uuid = Uuid::nil();

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HelpdeskSettings {
    /// A solved ticket nobody answers is closed after this many days.
    pub autoclose_days: i32,
    /// A satisfaction survey can be answered for this many days after closing.
    pub survey_valid_days: i32,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingsInput {
    pub autoclose_days: i32,
    pub survey_valid_days: i32,
}

impl From<&HelpdeskSettings> for SettingsInput {
    fn from(s: &HelpdeskSettings) -> Self {
        Self { autoclose_days: s.autoclose_days, survey_valid_days: s.survey_valid_days }
    }
}

/// Body of PATCH /api/v1/helpdesk/settings: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    pub version: Option<i64>,
    pub autoclose_days: Option<i32>,
    pub survey_valid_days: Option<i32>,
}

/// The priority of each urgency and impact: `priorities[urgency - 1][impact - 1]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PriorityMatrix {
    pub version: i64,
    #[schema(value_type = Vec<Vec<i16>>)]
    pub priorities: [[i16; LEVELS]; LEVELS],
}

impl PriorityMatrix {
    /// What the history compares: "U3 × I4" -> 4 (U for urgency/urgence, I for impact).
    pub fn snapshot(priorities: &[[i16; LEVELS]; LEVELS]) -> serde_json::Map<String, serde_json::Value> {
        let mut cells = serde_json::Map::new();
        for (u, row) in priorities.iter().enumerate() {
            for (i, priority) in row.iter().enumerate() {
                cells.insert(format!("U{} × I{}", u + 1, i + 1), (*priority).into());
            }
        }
        cells
    }
}

/// Body of PUT /api/v1/helpdesk/priority-matrix: the whole matrix.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatrixBody {
    pub version: Option<i64>,
    /// Five rows (urgency 1 to 5) of five priorities (impact 1 to 5), each 1 to 5.
    pub priorities: Vec<Vec<i16>>,
}
