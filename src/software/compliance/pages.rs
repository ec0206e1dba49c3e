//! The compliance pages: every licensed software weighed, forbidden software
//! found, a software's balance per entity with the assets holding no seat,
//! the CSV export, and the park manager's "count now" and warning delay.

use askama::Template;
use axum::{
    Form,
    extract::{RawQuery, State},
    response::Response,
};
use chrono::Utc;
use serde::Deserialize;

use super::{
    SoftwareBalance,
    db::{self, ForbiddenInstallation, LicenceLine, State as ComplianceState, Unseated},
    domain::Status,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    jobs,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_choice, parse_query},
        form::{FieldErrors, pair_value},
        layout::{NavItem, redirect_with_flash},
        list::csv_document,
        render,
    },
};

const KIND: ObjectKind = ObjectKind::Licence;
/// Rows per page of the compliance list.
const PER_PAGE: usize = 50;
/// Forbidden installations and unseated assets shown on a page.
const SHOWN: i64 = 200;
const STATUSES: [&str; 3] = ["over_deployed", "under_used", "compliant"];

#[derive(Debug, Default, Deserialize)]
struct Params {
    q: Option<String>,
    status: Option<String>,
    page: Option<usize>,
}

/// The report within the person's scope, filtered by name and status,
/// the most unlicensed first.
async fn filtered(state: &AppState, actor: &Actor, params: &Params) -> AppResult<Vec<SoftwareBalance>> {
    let scope = actor.scope(KIND, Action::View)?;
    let status = filter_choice(&params.status, "status", &STATUSES)?;
    let q = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let mut rows = super::report(&state.db, &scope, None, Utc::now().date_naive()).await?;
    rows.retain(|r| {
        status.as_deref().is_none_or(|s| r.balance.status.as_str() == s)
            && q.as_deref().is_none_or(|q| r.name.to_lowercase().contains(q) || r.publisher.to_lowercase().contains(q))
    });
    rows.sort_by(|a, b| b.balance.unlicensed.cmp(&a.balance.unlicensed).then_with(|| a.name.cmp(&b.name)));
    Ok(rows)
}

#[derive(Template)]
#[template(path = "software/compliance.html")]
struct ListPage {
    ctx: PageCtx,
    sections: Vec<NavItem>,
    rows: Vec<SoftwareBalance>,
    total: usize,
    over_deployed: usize,
    unlicensed: i64,
    unused: i64,
    forbidden: Vec<ForbiddenInstallation>,
    /// All of them, when more than those listed.
    forbidden_total: i64,
    state: ComplianceState,
    q: String,
    status: String,
    statuses: Vec<(String, String)>,
    page: usize,
    page_count: usize,
    can_manage: bool,
    /// The filter and settings forms are checked on submit, never marked here.
    no_errors: FieldErrors,
}

impl ListPage {
    fn status_key(&self, status: &Status) -> String {
        format!("compliance-status-{}", status.as_str())
    }
    fn filters(&self) -> String {
        serde_urlencoded::to_string([("q", &self.q), ("status", &self.status)]).unwrap_or_default()
    }
    fn page_href(&self, page: usize) -> String {
        format!("/compliance?{}&page={page}", self.filters())
    }
    fn export_href(&self) -> String {
        format!("/compliance/export.csv?{}", self.filters())
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let params: Params = parse_query(raw.as_deref())?;
    let rows = filtered(&state, &actor, &params).await?;
    let scope = actor.scope(KIND, Action::View)?;
    let page_count = rows.len().div_ceil(PER_PAGE).max(1);
    let page = params.page.unwrap_or(1).clamp(1, page_count);
    let statuses = STATUSES.iter().map(|s| (s.to_string(), ctx.t(&format!("compliance-status-{s}")))).collect();
    render(&ListPage {
        sections: crate::software::sections("/compliance"),
        total: rows.len(),
        over_deployed: rows.iter().filter(|r| r.balance.status == Status::OverDeployed).count(),
        unlicensed: rows.iter().map(|r| r.balance.unlicensed).sum(),
        unused: rows.iter().map(|r| r.balance.unused).sum(),
        rows: rows.into_iter().skip((page - 1) * PER_PAGE).take(PER_PAGE).collect(),
        forbidden: db::forbidden(&state.db, &scope, SHOWN).await?,
        forbidden_total: db::forbidden_count(&state.db, &scope).await?,
        state: db::state(&state.db).await?,
        q: params.q.clone().unwrap_or_default(),
        status: params.status.clone().unwrap_or_default(),
        statuses,
        page,
        page_count,
        can_manage: actor.can(KIND, Action::Update),
        no_errors: FieldErrors::default(),
        ctx,
    })
}

/// One line per software and entity: where installations lack licences.
pub async fn export(State(state): State<AppState>, actor: Actor, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let params: Params = parse_query(raw.as_deref())?;
    let rows = filtered(&state, &actor, &params).await?;
    let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "unlimited".into());
    let lines = rows.iter().flat_map(|r| {
        r.balance.entities.iter().map(move |e| {
            vec![
                r.name.clone(),
                r.publisher.clone(),
                e.entity.clone(),
                e.installs.to_string(),
                count(e.entitled),
                e.unlicensed.to_string(),
                e.unused.to_string(),
                e.status.as_str().to_owned(),
            ]
        })
    });
    csv_document(
        &["software", "publisher", "entity", "installs", "entitled", "unlicensed", "unused", "status"],
        lines,
        "compliance.csv",
    )
}

#[derive(Template)]
#[template(path = "software/compliance_software.html")]
struct SoftwarePage {
    ctx: PageCtx,
    row: SoftwareBalance,
    licences: Vec<LicenceLine>,
    unseated: Vec<Unseated>,
    state: ComplianceState,
}

impl SoftwarePage {
    fn status_key(&self, status: &Status) -> String {
        format!("compliance-status-{}", status.as_str())
    }
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let row = super::report(&state.db, &scope, Some(id), Utc::now().date_naive())
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let unseated =
        if row.balance.unlicensed > 0 { db::unseated(&state.db, &scope, id, SHOWN).await? } else { Vec::new() };
    render(&SoftwarePage {
        licences: db::licences_of(&state.db, &scope, id).await?,
        unseated,
        state: db::state(&state.db).await?,
        row,
        ctx,
    })
}

/// Queue a count now rather than at the next quarter hour.
pub async fn count_now(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    let mut conn = state.db.acquire().await?;
    jobs::enqueue(&mut conn, super::KIND, &serde_json::Value::Null, Some(actor.id)).await?;
    Ok(redirect_with_flash("/compliance", "success", "compliance-counting"))
}

pub async fn save_settings(
    State(state): State<AppState>,
    actor: Actor,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    actor.scope(KIND, Action::Update)?;
    let days = pair_value(&fields, "expiry_warning_days")
        .parse::<i32>()
        .ok()
        .filter(|d| (0..=365).contains(d))
        .ok_or_else(|| AppError::field("expiry_warning_days", "field-invalid-number"))?;
    let version =
        pair_value(&fields, "version").parse::<i64>().map_err(|_| AppError::field("version", "field-invalid"))?;
    if db::save_expiry_warning(&state.db, version, days).await? {
        Ok(redirect_with_flash("/compliance", "success", "flash-saved"))
    } else {
        Ok(redirect_with_flash("/compliance", "error", "stale-edit-short"))
    }
}
