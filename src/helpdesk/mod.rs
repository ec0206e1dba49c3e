//! Helpdesk: tickets from request to solution, their timeline (followups,
//! tasks, solutions), queues, and the service levels that date them.

pub mod api;
pub mod attachments;
pub mod bulk;
pub mod calendar;
pub mod calendars;
pub mod categories;
pub mod dashboard;
pub mod db;
pub mod domain;
mod form;
pub mod notices;
mod pages;
pub mod planning;
pub mod portal;
mod rules;
pub mod settings;
pub mod sla;
pub mod slas;

use axum::{
    Router,
    routing::{get, post},
};
use uuid::Uuid;

use crate::{
    api::RouteTable,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Role, Scope},
    },
    state::AppState,
};

/// The recurring job that closes solved tickets nobody answered.
pub const AUTOCLOSE: &str = "ticket-autoclose";
/// The recurring job that tells supervisors about delays running out.
pub const ESCALATIONS: &str = "sla-escalations";

/// Who is looking at tickets, and through which door: the helpdesk sees the
/// tickets of its entities; everyone sees the tickets they asked for, typed
/// for someone else, or watch.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: Uuid,
    /// Entities where this person works tickets (technician and above).
    pub helpdesk: Scope,
}

impl Viewer {
    pub fn of(actor: &Actor) -> Self {
        Self { id: actor.id, helpdesk: actor.scope_or_empty(ObjectKind::Ticket, Action::View) }
    }

    /// Private followups and tasks are for the helpdesk of the ticket's entity only.
    pub fn sees_private(&self, entity_id: Uuid) -> bool {
        self.helpdesk.contains(entity_id)
    }

    /// Works tickets somewhere (the technician interface rather than the portal).
    pub fn is_helpdesk(&self) -> bool {
        !self.helpdesk.is_empty()
    }
}

/// Supervisors (and park managers, admins) organise: assign anyone, delete.
pub fn supervises(actor: &Actor, entity_id: Uuid) -> bool {
    actor.best_role_at(entity_id).is_some_and(|role| role.rank() >= Role::Supervisor.rank())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(pages::list).post(pages::create))
        .route("/tickets/bulk", get(bulk::fields).post(bulk::bulk_page))
        .route("/tickets/new", get(pages::new_form))
        .route("/tickets/export.csv", get(pages::export))
        .route("/tickets/{id}", get(pages::show))
        .route("/tickets/{id}/edit", get(pages::edit_form).post(pages::update))
        .route("/tickets/{id}/history", get(pages::history))
        .route("/tickets/{id}/followups", post(pages::add_followup))
        .route("/tickets/{id}/tasks", post(pages::add_task))
        .route("/tickets/{id}/assign", post(pages::assign))
        .route("/tickets/{id}/take", post(pages::take))
        .route("/tickets/{id}/watchers", post(pages::add_watcher))
        .route("/tickets/{id}/watchers/{user_id}/remove", post(pages::remove_watcher))
        .route("/tickets/{id}/status", post(pages::change_status))
        .route("/tickets/{id}/solve", post(pages::solve))
        .route("/tickets/{id}/solution", post(pages::answer_solution))
        .route("/tickets/{id}/sla", get(pages::sla_explanation))
        .route("/tickets/{id}/attachments/{attachment}", get(attachments::download))
        .route("/tickets/{id}/satisfaction", post(pages::rate))
        .route("/tickets/satisfaction", get(pages::satisfaction))
        .route("/tickets/dashboard", get(dashboard::page))
        .route("/planning", get(planning::week))
        .route("/planning/team", get(planning::team))
        .route("/planning/feed", post(planning::new_feed))
        .route("/planning/feed/revoke", post(planning::revoke_feed))
        .route("/planning/feed/{file}", get(planning::feed))
        .route("/portal", get(portal::home))
        .route("/portal/new", get(portal::new_form).post(portal::create))
}

/// The page that receives files (its own body limit, see `routes.rs`).
pub fn upload_router() -> Router<AppState> {
    Router::new().route("/tickets/{id}/attachments", post(attachments::upload))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/tickets", api::list)
        .post("/api/v1/tickets", api::create)
        .post("/api/v1/tickets/bulk-assign", bulk::bulk_assign)
        .get("/api/v1/tickets/{id}", api::find)
        .patch("/api/v1/tickets/{id}", api::update)
        .get("/api/v1/tickets/{id}/history", api::history)
        .get("/api/v1/tickets/{id}/timeline", api::timeline)
        .post("/api/v1/tickets/{id}/followups", api::add_followup)
        .post("/api/v1/tickets/{id}/tasks", api::add_task)
        .post("/api/v1/tickets/{id}/assign", api::assign)
        .get("/api/v1/tickets/{id}/watchers", api::watchers)
        .put("/api/v1/tickets/{id}/watchers", api::set_watchers)
        .post("/api/v1/tickets/{id}/status", api::change_status)
        .post("/api/v1/tickets/{id}/solve", api::solve)
        .post("/api/v1/tickets/{id}/solution", api::answer_solution)
        .get("/api/v1/tickets/{id}/sla", api::sla_explanation)
        .get("/api/v1/tickets/{id}/satisfaction", api::survey)
        .post("/api/v1/tickets/{id}/satisfaction", api::rate)
        .get("/api/v1/helpdesk/satisfaction", api::satisfaction)
        .get("/api/v1/helpdesk/dashboard", dashboard::api)
        .upload("/api/v1/tickets/{id}/attachments", attachments::api_upload)
        .get("/api/v1/tickets/{id}/attachments", attachments::api_list)
        .get("/api/v1/tickets/{id}/attachments/{attachment}", attachments::api_download)
}
