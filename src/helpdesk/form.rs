//! Raw ticket values -> [`TicketInput`]. Who fills the form decides which
//! fields it may carry: the helpdesk sets requester, entity, impact and
//! channel; a requester on the portal says what and how urgent, nothing more.
//! A field the person may not set is refused, not silently dropped.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    db::TaskInput,
    domain::{Channel, Kind, LEVELS, Ticket, TicketInput},
};
use crate::web::form::{FieldErrors, Parser};

/// Who is filling the form.
#[derive(Clone, Copy, Debug)]
pub struct Author {
    pub id: Uuid,
    pub entity_id: Uuid,
    /// Helpdesk (technician or above) in some entity.
    pub helpdesk: bool,
}

/// Fields only the helpdesk sets.
const HELPDESK_ONLY: [&str; 4] = ["requester_id", "impact", "source", "entity_id"];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TicketForm {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub requester_id: String,
    pub category_id: String,
    pub urgency: String,
    pub impact: String,
    pub source: String,
    pub entity_id: String,
    pub asset_id: String,
    pub version: String,
    /// Anything else that was posted; refused (the CSRF token aside).
    #[serde(flatten)]
    pub other: BTreeMap<String, String>,
}

impl From<&Ticket> for TicketForm {
    fn from(t: &Ticket) -> Self {
        Self {
            kind: t.kind.as_str().into(),
            title: t.title.clone(),
            description: t.description.clone(),
            requester_id: t.requester_id.to_string(),
            category_id: t.category_id.map(|id| id.to_string()).unwrap_or_default(),
            urgency: t.urgency.to_string(),
            impact: t.impact.to_string(),
            source: t.source.as_str().into(),
            entity_id: t.entity_id.to_string(),
            asset_id: String::new(),
            version: t.version.to_string(),
            other: BTreeMap::new(),
        }
    }
}

fn level(p: &mut Parser, field: &str, value: &str) -> i16 {
    if value.trim().is_empty() {
        return 3;
    }
    p.choice(field, value, &LEVELS).parse().unwrap_or(3)
}

impl TicketForm {
    /// The checked values; `channel` is where a requester's ticket comes from
    /// (the portal or the API).
    pub fn parse(&self, author: Author, channel: Channel) -> Result<TicketInput, FieldErrors> {
        let mut p = Parser::default();
        for key in self.other.keys().filter(|k| k.as_str() != "_csrf") {
            p.errors.add(key, "field-not-allowed");
        }
        let kind = Kind::parse(p.choice("kind", &self.kind, &Kind::ALL)).unwrap_or(Kind::Incident);
        let title = p.required("title", &self.title, 250);
        let description = p.text("description", &self.description, 100_000);
        let category_id = p.optional_id("category_id", &self.category_id);
        let urgency = level(&mut p, "urgency", &self.urgency);
        let input = if author.helpdesk {
            // The channel a ticket came through stays; the helpdesk may record another it typed in.
            let source = match self.source.trim() {
                "" => channel,
                same if same == channel.as_str() => channel,
                typed => Channel::parse(p.choice("source", typed, &Channel::TYPED)).unwrap_or(channel),
            };
            TicketInput {
                entity_id: p.optional_id("entity_id", &self.entity_id).unwrap_or(author.entity_id),
                kind,
                title,
                description,
                requester_id: p.optional_id("requester_id", &self.requester_id).unwrap_or(author.id),
                category_id,
                urgency,
                impact: level(&mut p, "impact", &self.impact),
                source,
            }
        } else {
            let posted = [&self.requester_id, &self.impact, &self.source, &self.entity_id];
            for (field, value) in HELPDESK_ONLY.iter().zip(posted) {
                if !value.trim().is_empty() {
                    p.errors.add(field, "field-not-allowed");
                }
            }
            TicketInput {
                entity_id: author.entity_id,
                kind,
                title,
                description,
                requester_id: author.id,
                category_id,
                urgency,
                impact: 3,
                source: channel,
            }
        };
        p.finish(input)
    }

    pub fn asset(&self) -> Result<Option<Uuid>, FieldErrors> {
        let mut p = Parser::default();
        let id = p.optional_id("asset_id", &self.asset_id);
        p.finish(id)
    }

    pub fn version(&self) -> Result<i64, FieldErrors> {
        let mut p = Parser::default();
        let version = p.version(&self.version);
        p.finish(version)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowupForm {
    pub body: String,
    /// "on" (checkbox) or "true" when private.
    pub private: String,
}

impl FollowupForm {
    pub fn parse(&self) -> Result<(String, bool), FieldErrors> {
        let mut p = Parser::default();
        let body = p.required("body", &self.body, 100_000);
        p.finish((body, is_checked(&self.private)))
    }
}

pub(super) fn is_checked(value: &str) -> bool {
    matches!(value.trim(), "on" | "true" | "1" | "yes")
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TaskForm {
    pub body: String,
    pub technician_id: String,
    /// Local date-time ("2026-11-23T09:00") in the person's time zone.
    pub planned_start: String,
    pub planned_end: String,
    pub minutes_spent: String,
    pub done: String,
    pub private: String,
}

/// A local date-time typed in a form, in the person's time zone.
fn local_time(p: &mut Parser, field: &str, value: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M"))
        .ok()
        .and_then(|naive| zone.from_local_datetime(&naive).earliest());
    if parsed.is_none() {
        p.errors.add(field, "field-invalid-datetime");
    }
    parsed.map(|at| at.with_timezone(&Utc))
}

impl TaskForm {
    pub fn parse(&self, zone: Tz) -> Result<TaskInput, FieldErrors> {
        let mut p = Parser::default();
        let body = p.required("body", &self.body, 100_000);
        let technician_id = p.optional_id("technician_id", &self.technician_id);
        let planned_start = local_time(&mut p, "planned_start", &self.planned_start, zone);
        let planned_end = local_time(&mut p, "planned_end", &self.planned_end, zone);
        match (planned_start, planned_end) {
            (None, Some(_)) => p.errors.add("planned_start", "field-required"),
            (Some(start), Some(end)) if end <= start => p.errors.add("planned_end", "task-end-before-start"),
            _ => {}
        }
        let minutes_spent = match self.minutes_spent.trim() {
            "" => 0,
            typed => match typed.parse::<i32>() {
                Ok(minutes) if (0..=100_000).contains(&minutes) => minutes,
                _ => {
                    p.errors.add("minutes_spent", "field-invalid-number");
                    0
                }
            },
        };
        let input = TaskInput {
            body,
            technician_id,
            planned_start,
            planned_end,
            minutes_spent,
            done: is_checked(&self.done),
            private: is_checked(&self.private),
        };
        p.finish(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(helpdesk: bool) -> Author {
        Author { id: Uuid::now_v7(), entity_id: Uuid::now_v7(), helpdesk }
    }

    #[test]
    fn a_requester_cannot_set_what_the_helpdesk_sets() {
        let me = author(false);
        let form = TicketForm {
            kind: "incident".into(),
            title: "Écran noir".into(),
            requester_id: Uuid::now_v7().to_string(),
            impact: "5".into(),
            other: BTreeMap::from([("status".into(), "closed".into()), ("_csrf".into(), "x".into())]),
            ..TicketForm::default()
        };
        let errors = form.parse(me, Channel::Portal).expect_err("extra fields are refused");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["status", "requester_id", "impact"]);
    }

    #[test]
    fn a_requesters_ticket_is_theirs_in_their_entity() {
        let me = author(false);
        let form =
            TicketForm { kind: "request".into(), title: "Un écran".into(), urgency: "4".into(), ..Default::default() };
        let input = form.parse(me, Channel::Portal).expect("valid");
        assert_eq!((input.requester_id, input.entity_id, input.source), (me.id, me.entity_id, Channel::Portal));
        assert_eq!((input.urgency, input.impact), (4, 3));
    }

    #[test]
    fn levels_and_kinds_are_checked() {
        let form = TicketForm { kind: "rant".into(), title: " ".into(), urgency: "9".into(), ..Default::default() };
        let errors = form.parse(author(true), Channel::Web).expect_err("three errors");
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["kind", "title", "urgency"]);
    }

    #[test]
    fn a_task_ends_after_it_starts_in_local_time() {
        let form = TaskForm {
            body: "Remplacer le disque".into(),
            planned_start: "2026-03-29T01:30".into(),
            planned_end: "2026-03-29T03:30".into(),
            ..Default::default()
        };
        let task = form.parse(chrono_tz::Europe::Paris).expect("valid");
        let (start, end) = (task.planned_start.expect("start"), task.planned_end.expect("end"));
        assert_eq!((end - start).num_minutes(), 60, "the clocks went forward that night");
        let backwards = TaskForm { planned_end: "2026-03-29T01:00".into(), ..form };
        assert!(backwards.parse(chrono_tz::Europe::Paris).is_err());
    }
}
