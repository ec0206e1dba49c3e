//! Raw calendar values (HTML form or API) -> [`CalendarInput`]: the week is
//! parsed and stored in its canonical text, the time zone must be known.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;

use super::domain::{Calendar, CalendarCreate, CalendarInput, CalendarPatch, Closure};
use crate::{
    helpdesk::calendar::WorkingCalendar,
    web::form::{FieldErrors, Parser, ticked},
};

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CalendarForm {
    pub entity_id: String,
    pub name: String,
    pub time_zone: String,
    pub week: String,
    /// "on" when ticked; an unticked box sends nothing.
    #[serde(default)]
    pub french_holidays: String,
    pub version: String,
}

/// A new calendar starts as French office hours.
impl Default for CalendarForm {
    fn default() -> Self {
        Self {
            entity_id: String::new(),
            name: String::new(),
            time_zone: "Europe/Paris".into(),
            week: "mon-fri 09:00-12:30,13:30-18:00".into(),
            french_holidays: "on".into(),
            version: String::new(),
        }
    }
}

/// The canonical text of a week, or the error that names what is wrong.
fn week(p: &mut Parser, value: &str) -> String {
    let value = p.required("week", value, 1000);
    if value.is_empty() {
        return value;
    }
    match WorkingCalendar::parse_week(&value) {
        Ok(week) if week.iter().all(|day| day.0.is_empty()) => {
            p.errors.add("week", "calendar-week-empty");
            value
        }
        Ok(week) => WorkingCalendar::format_week(&week),
        Err(reason) => {
            p.errors.add_detailed("week", "calendar-week-invalid", &reason);
            value
        }
    }
}

impl CalendarForm {
    pub fn parse(&self) -> Result<CalendarInput, FieldErrors> {
        let mut p = Parser::default();
        let time_zone = p.required("time_zone", &self.time_zone, 64);
        if !time_zone.is_empty() && time_zone.parse::<Tz>().is_err() {
            p.errors.add("time_zone", "calendar-time-zone-unknown");
        }
        let input = CalendarInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            name: p.required("name", &self.name, 200),
            time_zone,
            week: week(&mut p, &self.week),
            french_holidays: !self.french_holidays.trim().is_empty(),
        };
        p.finish(input)
    }

    pub fn patched(current: &Calendar, patch: CalendarPatch) -> Self {
        let mut form = Self::from(current);
        if let Some(v) = patch.entity_id {
            form.entity_id = v.to_string();
        }
        for (target, value) in
            [(&mut form.name, patch.name), (&mut form.time_zone, patch.time_zone), (&mut form.week, patch.week)]
        {
            if let Some(value) = value {
                *target = value;
            }
        }
        if let Some(v) = patch.french_holidays {
            form.french_holidays = ticked(v);
        }
        form
    }
}

impl From<&Calendar> for CalendarForm {
    fn from(c: &Calendar) -> Self {
        Self {
            entity_id: c.entity_id.to_string(),
            name: c.name.clone(),
            time_zone: c.time_zone.clone(),
            week: c.week.clone(),
            french_holidays: ticked(c.french_holidays),
            version: c.version.to_string(),
        }
    }
}

impl From<CalendarCreate> for CalendarForm {
    fn from(b: CalendarCreate) -> Self {
        Self {
            entity_id: b.entity_id.to_string(),
            name: b.name,
            time_zone: b.time_zone.unwrap_or_else(|| "Europe/Paris".into()),
            week: b.week,
            french_holidays: ticked(b.french_holidays.unwrap_or(true)),
            version: String::new(),
        }
    }
}

/// A closed day to add, from the calendar's page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClosureForm {
    pub day: String,
    pub name: String,
    pub version: String,
}

impl ClosureForm {
    pub fn parse(&self) -> Result<(Closure, i64), FieldErrors> {
        let mut p = Parser::default();
        let day = p.optional_date("day", &self.day);
        if day.is_none() {
            p.errors.add("day", "field-required");
        }
        let name = p.text("name", &self.name, 200);
        let version = p.version(&self.version);
        p.finish((Closure { day: day.unwrap_or(NaiveDate::MIN), name }, version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(week: &str, time_zone: &str) -> CalendarForm {
        CalendarForm {
            entity_id: uuid::Uuid::now_v7().to_string(),
            name: "Bureau".into(),
            time_zone: time_zone.into(),
            week: week.into(),
            ..CalendarForm::default()
        }
    }

    #[test]
    fn the_week_is_stored_in_its_canonical_text() {
        let input = form(" Mon-Fri 9:00-12:00 ; mon-fri 13:30-18:00 ", "Europe/Paris").parse().expect("valid");
        assert_eq!(input.week, "mon-fri 09:00-12:00,13:30-18:00");
        assert!(input.french_holidays);
    }

    #[test]
    fn a_bad_week_names_what_is_wrong() {
        let errors = form("mon-fro 09:00-18:00", "Mars/Olympus").parse().expect_err("invalid");
        assert_eq!(errors.get("week"), Some("calendar-week-invalid"));
        assert!(errors.detail("week").is_some_and(|d| d.contains("'fro'")), "{:?}", errors.detail("week"));
        assert_eq!(errors.get("time_zone"), Some("calendar-time-zone-unknown"));
        assert_eq!(form(";", "UTC").parse().expect_err("never works").get("week"), Some("calendar-week-empty"));
    }

    #[test]
    fn a_closed_day_needs_a_date() {
        let bad = ClosureForm { day: "demain".into(), name: String::new(), version: "1".into() };
        assert_eq!(bad.parse().expect_err("no date").get("day"), Some("field-invalid-date"));
        let good = ClosureForm { day: "2026-05-15".into(), name: " Pont ".into(), version: "3".into() };
        let (closure, version) = good.parse().expect("valid");
        assert_eq!((closure.label(), version), ("2026-05-15 Pont".to_owned(), 3));
    }
}
