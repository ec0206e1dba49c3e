//! Working calendars: the hours a helpdesk works each weekday in a time
//! zone, with the French public holidays or not, and the days it is closed.
//! Service levels count their delays in a calendar's working time.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Calendar {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub name: String,
    /// IANA name, e.g. Europe/Paris.
    pub time_zone: String,
    /// Working hours, e.g. `mon-fri 09:00-12:00,13:30-18:00; sat 09:00-12:00`.
    pub week: String,
    /// French public holidays are closed days.
    pub french_holidays: bool,
    /// Closed days, in date order.
    #[schema(value_type = Vec<Closure>)]
    pub closures: Json<Vec<Closure>>,
    /// Service levels counting in this calendar.
    pub sla_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A day the helpdesk is closed (a bridge day, the office's closing week).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Closure {
    pub day: NaiveDate,
    #[serde(default)]
    pub name: String,
}

impl Closure {
    /// As the history shows it: "2026-05-15 Pont de l'Ascension".
    pub fn label(&self) -> String {
        if self.name.is_empty() { self.day.to_string() } else { format!("{} {}", self.day, self.name) }
    }
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarInput {
    pub entity_id: Uuid,
    pub name: String,
    pub time_zone: String,
    /// The canonical text of the week (as `WorkingCalendar::format_week` writes it).
    pub week: String,
    pub french_holidays: bool,
}

impl From<&Calendar> for CalendarInput {
    fn from(c: &Calendar) -> Self {
        Self {
            entity_id: c.entity_id,
            name: c.name.clone(),
            time_zone: c.time_zone.clone(),
            week: c.week.clone(),
            french_holidays: c.french_holidays,
        }
    }
}

/// Body of POST /api/v1/calendars.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarCreate {
    pub entity_id: Uuid,
    pub name: String,
    /// Default Europe/Paris.
    pub time_zone: Option<String>,
    pub week: String,
    /// Default true.
    pub french_holidays: Option<bool>,
}

/// Body of PATCH /api/v1/calendars/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarPatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub week: Option<String>,
    pub french_holidays: Option<bool>,
}

/// Body of POST /api/v1/calendars/{id}/closures.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureBody {
    /// The calendar's version (or If-Match).
    pub version: Option<i64>,
    pub day: NaiveDate,
    pub name: Option<String>,
}
