//! Service levels as the settings pages edit them: per priority, a time to
//! own and a time to resolve (in minutes of the calendar's working time),
//! the shares of each delay at which supervisors hear of it, and whether it
//! is its entity's default.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Priorities run from 1 (very low) to 5 (very high).
pub const PRIORITIES: usize = 5;
/// The longest delay accepted: a year of minutes.
const MAX_MINUTES: i32 = 366 * 24 * 60;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Sla {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub name: String,
    pub calendar_id: Uuid,
    pub calendar_name: String,
    #[serde(skip)]
    pub calendar_entity_id: Uuid,
    /// Minutes of working time to take a ticket in charge, for priorities 1 to 5.
    pub own_minutes: Vec<i32>,
    /// Minutes of working time to solve a ticket, for priorities 1 to 5.
    pub resolve_minutes: Vec<i32>,
    /// Shares (percent) of each delay at which the supervisors are told.
    pub escalate_at: Vec<i16>,
    /// The service level of its entity's tickets whose category names none.
    pub is_default: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SlaInput {
    pub entity_id: Uuid,
    pub name: String,
    pub calendar_id: Uuid,
    pub own_minutes: Vec<i32>,
    pub resolve_minutes: Vec<i32>,
    pub escalate_at: Vec<i16>,
    pub is_default: bool,
}

impl From<&Sla> for SlaInput {
    fn from(s: &Sla) -> Self {
        Self {
            entity_id: s.entity_id,
            name: s.name.clone(),
            calendar_id: s.calendar_id,
            own_minutes: s.own_minutes.clone(),
            resolve_minutes: s.resolve_minutes.clone(),
            escalate_at: s.escalate_at.clone(),
            is_default: s.is_default,
        }
    }
}

/// Body of POST /api/v1/slas.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaCreate {
    pub entity_id: Uuid,
    pub name: String,
    pub calendar_id: Uuid,
    /// Five numbers of minutes, for priorities 1 to 5.
    pub own_minutes: Vec<i32>,
    /// Five numbers of minutes, each at least the time to own.
    pub resolve_minutes: Vec<i32>,
    /// Default [75, 100].
    pub escalate_at: Option<Vec<i16>>,
    /// Default false; true makes the entity's other default an ordinary level.
    pub is_default: Option<bool>,
}

/// Body of PATCH /api/v1/slas/{id}: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaPatch {
    pub version: Option<i64>,
    pub entity_id: Option<Uuid>,
    pub name: Option<String>,
    pub calendar_id: Option<Uuid>,
    pub own_minutes: Option<Vec<i32>>,
    pub resolve_minutes: Option<Vec<i32>>,
    pub escalate_at: Option<Vec<i16>>,
    pub is_default: Option<bool>,
}

/// A delay as people write it: `90` (minutes), `45m`, `4h`, `1h30`,
/// `1h30m`, `1:30`. None when it is not one, or not above zero, or over a year.
pub fn parse_minutes(text: &str) -> Option<i32> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let number = |digits: &str| -> Option<i32> {
        (!digits.is_empty() && digits.len() <= 7 && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    let minutes = if let Some((hours, rest)) = compact.split_once(['h', ':']) {
        let rest = rest.strip_suffix("min").or_else(|| rest.strip_suffix('m')).unwrap_or(rest);
        let extra = if rest.is_empty() { 0 } else { number(rest).filter(|m| *m < 60)? };
        number(hours)?.checked_mul(60)?.checked_add(extra)?
    } else {
        let digits = compact.strip_suffix("min").or_else(|| compact.strip_suffix('m')).unwrap_or(&compact);
        number(digits)?
    };
    (1..=MAX_MINUTES).contains(&minutes).then_some(minutes)
}

/// Minutes written back the way [`parse_minutes`] reads them: `4h`, `1h30`, `45m`.
pub fn format_minutes(minutes: i32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}"),
    }
}

/// Escalation shares as people write them: `75, 100` -> [75, 100]
/// (sorted, each once, 1 to 100, at most ten). None when one is not a share.
pub fn parse_shares(text: &str) -> Option<Vec<i16>> {
    let mut shares = Vec::new();
    for part in text.split([',', ';', ' ']).map(|p| p.trim().trim_end_matches('%')).filter(|p| !p.is_empty()) {
        let share: i16 = part.parse().ok()?;
        if !(1..=100).contains(&share) {
            return None;
        }
        shares.push(share);
    }
    shares.sort_unstable();
    shares.dedup();
    (shares.len() <= 10).then_some(shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_read_as_people_write_them() {
        for (text, minutes) in [
            ("90", 90),
            ("45m", 45),
            ("45 min", 45),
            ("4h", 240),
            ("4 H", 240),
            ("1h30", 90),
            ("1h30m", 90),
            ("1:05", 65),
            ("80h", 4800),
        ] {
            assert_eq!(parse_minutes(text), Some(minutes), "{text}");
        }
        for bad in ["", "0", "0h", "-5", "1h60", "1.5h", "h30", "abc", "4hh", "99999999", "9000h"] {
            assert_eq!(parse_minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn delays_write_back_the_same() {
        for minutes in [1, 45, 60, 90, 240, 4800, 61] {
            assert_eq!(parse_minutes(&format_minutes(minutes)), Some(minutes));
        }
        assert_eq!(
            (format_minutes(90), format_minutes(240), format_minutes(30)),
            ("1h30".into(), "4h".into(), "30m".into())
        );
    }

    #[test]
    fn shares_are_percentages() {
        assert_eq!(parse_shares("100, 75"), Some(vec![75, 100]));
        assert_eq!(parse_shares("50%;50"), Some(vec![50]));
        assert_eq!(parse_shares(""), Some(vec![]));
        for bad in ["0", "101", "75,x", "-10"] {
            assert_eq!(parse_shares(bad), None, "{bad}");
        }
    }
}
