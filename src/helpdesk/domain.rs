//! Tickets and their life: the status machine is computed from the ticket's
//! current state and what happened, never taken from a form, so a page loaded
//! before a colleague's change can never move a ticket backwards.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a ticket stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Assigned,
    InProgress,
    Pending,
    Solved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::New, Status::Assigned, Status::InProgress, Status::Pending, Status::Solved, Status::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Pending => "pending",
            Status::Solved => "solved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label_key(self) -> String {
        format!("ticket-status-{}", self.as_str())
    }

    /// Still to be worked on (counts in the backlog and for the SLA).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Solved | Status::Closed)
    }

    /// Badge style on pages.
    pub fn style(self) -> &'static str {
        match self {
            Status::New => "badge-role",
            Status::Assigned | Status::InProgress => "badge-ok",
            Status::Pending => "badge-warn",
            Status::Solved | Status::Closed => "badge-off",
        }
    }
}

/// Incident (something is broken) or request (something is needed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Incident,
    Request,
}

impl Kind {
    pub const ALL: [&'static str; 2] = ["incident", "request"];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Incident => "incident",
            Kind::Request => "request",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        match value {
            "incident" => Some(Kind::Incident),
            "request" => Some(Kind::Request),
            _ => None,
        }
    }
}

/// How the ticket reached the helpdesk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Portal,
    Phone,
    Email,
    Api,
}

impl Channel {
    /// What a technician may record on the form (the portal and the API set their own).
    pub const TYPED: [&'static str; 3] = ["web", "phone", "email"];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Portal => "portal",
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Api => "api",
        }
    }

    pub fn parse(value: &str) -> Option<Channel> {
        match value {
            "web" => Some(Channel::Web),
            "portal" => Some(Channel::Portal),
            "phone" => Some(Channel::Phone),
            "email" => Some(Channel::Email),
            "api" => Some(Channel::Api),
            _ => None,
        }
    }
}

/// What happened to a ticket, as far as its status is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A technician or group was assigned (or a technician took it).
    Assign,
    /// A task was planned in someone's calendar.
    PlanTask,
    /// A followup or task without planning: no status change, but refused once closed.
    Note,
    /// The requester wrote: a pending ticket they answered goes back to work.
    RequesterReply,
    /// Waiting for someone or something (with a reason).
    Pend,
    /// Back to work after waiting.
    Resume,
    Solve,
    AcceptSolution,
    RefuseSolution,
    Close,
    Reopen,
}

impl Event {
    pub const ALL: [Event; 11] = [
        Event::Assign,
        Event::PlanTask,
        Event::Note,
        Event::RequesterReply,
        Event::Pend,
        Event::Resume,
        Event::Solve,
        Event::AcceptSolution,
        Event::RefuseSolution,
        Event::Close,
        Event::Reopen,
    ];
}

/// What the status machine needs to know beyond the status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Workload {
    /// Someone (a person or a group) is assigned.
    pub assigned: bool,
    /// A task still to do is planned.
    pub planned: bool,
}

impl Workload {
    /// The status of a ticket being worked on, from what it carries.
    pub fn active_status(self) -> Status {
        if self.planned {
            Status::InProgress
        } else if self.assigned {
            Status::Assigned
        } else {
            Status::New
        }
    }
}

/// Why an event does not apply to a ticket's status; each is a message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// The status after `event`, or why it cannot happen now.
pub fn next_status(current: Status, event: Event, work: Workload) -> Result<Status, Refused> {
    use Status::*;
    let closed = Refused("ticket-refused-closed");
    match (event, current) {
        (_, Closed) if event != Event::Reopen => Err(closed),
        (Event::Note, status) => Ok(status),
        (Event::Assign, New) => Ok(Assigned),
        (Event::Assign, Solved) => Err(Refused("ticket-refused-solved")),
        (Event::Assign, status) => Ok(status),
        (Event::PlanTask, New | Assigned) => Ok(InProgress),
        (Event::PlanTask, InProgress | Pending) => Ok(current),
        (Event::PlanTask, _) => Err(Refused("ticket-refused-solved")),
        (Event::RequesterReply, Pending) => Ok(work.active_status()),
        (Event::RequesterReply, status) => Ok(status),
        (Event::Pend, New | Assigned | InProgress) => Ok(Pending),
        (Event::Pend, Pending) => Err(Refused("ticket-refused-already-pending")),
        (Event::Pend, _) => Err(Refused("ticket-refused-solved")),
        (Event::Resume, Pending) => Ok(work.active_status()),
        (Event::Resume, _) => Err(Refused("ticket-refused-not-pending")),
        (Event::Solve, New | Assigned | InProgress | Pending) => Ok(Solved),
        (Event::Solve, _) => Err(Refused("ticket-refused-solved")),
        (Event::AcceptSolution | Event::RefuseSolution | Event::Close, status) if status != Solved => {
            Err(Refused("ticket-refused-not-solved"))
        }
        (Event::AcceptSolution | Event::Close, _) => Ok(Closed),
        (Event::RefuseSolution, _) => Ok(work.active_status()),
        (Event::Reopen, Solved | Closed) => Ok(work.active_status()),
        (Event::Reopen, _) => Err(Refused("ticket-refused-not-solved")),
    }
}

pub const LEVELS: [&str; 5] = ["1", "2", "3", "4", "5"];

/// Message key of a 1-5 level (urgency, impact, priority).
pub fn level_key(level: i16) -> &'static str {
    match level {
        1 => "level-1",
        2 => "level-2",
        3 => "level-3",
        4 => "level-4",
        _ => "level-5",
    }
}

/// A ticket as pages and the API show it.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Ticket {
    pub id: Uuid,
    pub number: i64,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub requester_id: Uuid,
    pub requester_name: String,
    pub created_by_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    pub category_name: Option<String>,
    pub urgency: i16,
    pub impact: i16,
    pub priority: i16,
    pub status: Status,
    pub pending_reason: String,
    pub source: Channel,
    pub sla_id: Option<Uuid>,
    pub sla_name: Option<String>,
    pub own_due_at: Option<DateTime<Utc>>,
    pub resolve_due_at: Option<DateTime<Utc>>,
    pub owned_at: Option<DateTime<Utc>>,
    pub solved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Names of the assigned technicians and groups, for lists.
    pub assignees: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Ticket {
    pub fn kind_key(&self) -> String {
        format!("ticket-kind-{}", self.kind.as_str())
    }

    pub fn source_key(&self) -> String {
        format!("ticket-source-{}", self.source.as_str())
    }

    pub fn reference(&self) -> String {
        format!("#{}", self.number)
    }

    /// Late: the resolution (or, not yet owned, the taking) is past due.
    pub fn is_late(&self, now: DateTime<Utc>) -> bool {
        self.status.is_open()
            && (self.resolve_due_at.is_some_and(|due| due < now)
                || (self.owned_at.is_none() && self.own_due_at.is_some_and(|due| due < now)))
    }
}

/// The fields a ticket's edit form and the API change; also the history snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TicketInput {
    pub entity_id: Uuid,
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub requester_id: Uuid,
    pub category_id: Option<Uuid>,
    pub urgency: i16,
    pub impact: i16,
    pub source: Channel,
}

impl From<&Ticket> for TicketInput {
    fn from(t: &Ticket) -> Self {
        Self {
            entity_id: t.entity_id,
            kind: t.kind,
            title: t.title.clone(),
            description: t.description.clone(),
            requester_id: t.requester_id,
            category_id: t.category_id,
            urgency: t.urgency,
            impact: t.impact,
            source: t.source,
        }
    }
}

/// One line of a ticket's timeline.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TimelineItem {
    pub id: String,
    /// followup, task, solution or status.
    pub kind: String,
    pub at: DateTime<Utc>,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub body: String,
    pub private: bool,
    /// Task: todo/done; solution: proposed/accepted/refused; status: the new status.
    pub state: Option<String>,
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    pub minutes_spent: Option<i32>,
    pub technician_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: Workload = Workload { assigned: false, planned: false };
    const ASSIGNED: Workload = Workload { assigned: true, planned: false };
    const PLANNED: Workload = Workload { assigned: true, planned: true };

    /// Every (status, event) pair with its expected outcome: the whole machine in one table.
    #[test]
    fn every_transition_is_the_one_expected() {
        use Event::*;
        use Status::*;
        let refused = |key| Err(Refused(key));
        let table: &[(Status, Event, Result<Status, Refused>)] = &[
            (New, Assign, Ok(Assigned)),
            (Assigned, Assign, Ok(Assigned)),
            (InProgress, Assign, Ok(InProgress)),
            (Pending, Assign, Ok(Pending)),
            (Solved, Assign, refused("ticket-refused-solved")),
            (New, PlanTask, Ok(InProgress)),
            (Assigned, PlanTask, Ok(InProgress)),
            (InProgress, PlanTask, Ok(InProgress)),
            (Pending, PlanTask, Ok(Pending)),
            (Solved, PlanTask, refused("ticket-refused-solved")),
            (New, Note, Ok(New)),
            (InProgress, Note, Ok(InProgress)),
            (Pending, Note, Ok(Pending)),
            (Solved, Note, Ok(Solved)),
            (Pending, RequesterReply, Ok(Assigned)),
            (Solved, RequesterReply, Ok(Solved)),
            (New, Pend, Ok(Pending)),
            (Assigned, Pend, Ok(Pending)),
            (InProgress, Pend, Ok(Pending)),
            (Pending, Pend, refused("ticket-refused-already-pending")),
            (Solved, Pend, refused("ticket-refused-solved")),
            (Pending, Resume, Ok(Assigned)),
            (Assigned, Resume, refused("ticket-refused-not-pending")),
            (New, Solve, Ok(Solved)),
            (Pending, Solve, Ok(Solved)),
            (Solved, Solve, refused("ticket-refused-solved")),
            (Solved, AcceptSolution, Ok(Closed)),
            (Assigned, AcceptSolution, refused("ticket-refused-not-solved")),
            (Solved, RefuseSolution, Ok(Assigned)),
            (InProgress, RefuseSolution, refused("ticket-refused-not-solved")),
            (Solved, Close, Ok(Closed)),
            (New, Close, refused("ticket-refused-not-solved")),
            (Solved, Reopen, Ok(Assigned)),
            (Closed, Reopen, Ok(Assigned)),
            (New, Reopen, refused("ticket-refused-not-solved")),
        ];
        for (status, event, expected) in table {
            assert_eq!(next_status(*status, *event, ASSIGNED), *expected, "{status:?} + {event:?}");
        }
    }

    #[test]
    fn a_closed_ticket_only_reopens() {
        for event in Event::ALL {
            let outcome = next_status(Status::Closed, event, ASSIGNED);
            if event == Event::Reopen {
                assert_eq!(outcome, Ok(Status::Assigned));
            } else {
                assert_eq!(outcome, Err(Refused("ticket-refused-closed")), "{event:?}");
            }
        }
    }

    #[test]
    fn back_to_work_means_what_the_ticket_carries() {
        assert_eq!(next_status(Status::Pending, Event::Resume, IDLE), Ok(Status::New));
        assert_eq!(next_status(Status::Pending, Event::Resume, PLANNED), Ok(Status::InProgress));
        assert_eq!(next_status(Status::Closed, Event::Reopen, PLANNED), Ok(Status::InProgress));
        assert_eq!(next_status(Status::Solved, Event::RefuseSolution, IDLE), Ok(Status::New));
    }

    /// GLPI #3578: a followup sent from a page loaded before a task was
    /// planned must not put the ticket back to its old status.
    #[test]
    fn notes_never_move_a_ticket_backwards() {
        for status in Status::ALL.into_iter().filter(|s| *s != Status::Closed) {
            for work in [IDLE, ASSIGNED, PLANNED] {
                assert_eq!(next_status(status, Event::Note, work), Ok(status));
            }
        }
    }
}
