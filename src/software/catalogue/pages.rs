//! HTML pages of the catalogue: the list, a software's page with its
//! versions, installations and licences, and manual installations (forms,
//! history and delete are the generic ones).

use askama::Template;
use axum::{
    Form,
    extract::{RawQuery, State},
    response::Response,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    db::{self, SoftwareFilter, SoftwareList},
    domain::{Installation, Software, VersionCount},
};
use crate::{
    assets::register::db as assets_db,
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_bool, filter_id, parse_query},
        form::{id_text, pair_value},
        layout::redirect_with_flash,
        list::{ListParams, fetch_page},
        render,
        table::{Cell, Column, FilterSelect, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::Software;
/// Installations shown per page of a software's page.
const INSTALLATIONS_PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    category_id: Option<String>,
    forbidden: Option<String>,
    installed: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<SoftwareFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(SoftwareFilter {
        category_id: filter_id(&params.category_id, "category_id")?,
        forbidden: filter_bool(&params.forbidden, "forbidden")?,
        installed: filter_bool(&params.installed, "installed")?,
    })
}

fn yes_no_filter(ctx: &PageCtx, name: &'static str, label_key: &'static str, value: Option<bool>) -> FilterSelect {
    FilterSelect {
        name,
        label_key,
        options: vec![("true".into(), ctx.t("yes")), ("false".into(), ctx.t("no"))],
        selected: value.map(|v| v.to_string()).unwrap_or_default(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref())?;
    let page = fetch_page::<SoftwareList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "category_id",
            label_key: "software-category",
            options: crate::software::categories::choices(&state.db).await?,
            selected: id_text(filter.category_id),
        },
        yes_no_filter(&ctx, "forbidden", "software-forbidden", filter.forbidden),
        yes_no_filter(&ctx, "installed", "software-installed", filter.installed),
    ];
    let mut view = ListTemplate::new(ctx, "nav-software", "/software", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("software-publisher", "publisher"),
        Column::sortable("software-category", "category"),
        Column::sortable("software-installs", "installs"),
        Column::plain("software-versions"),
        Column::plain("software-forbidden"),
    ];
    let forbidden = view.ctx.t("software-forbidden");
    view.rows = page
        .items
        .iter()
        .map(|s| {
            vec![
                Cell::link(s.name.clone(), format!("/software/{}", s.id)),
                Cell::text(s.publisher.clone()),
                Cell::object(s.category_name.clone(), "software-categories", s.category_id),
                Cell::text(s.installs.to_string()),
                Cell::text(s.version_count.to_string()),
                if s.forbidden { Cell::badge(forbidden.clone(), "danger") } else { Cell::default() },
            ]
        })
        .collect();
    view.sections = crate::software::sections("/software");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/software/new".to_owned());
    view.render()
}

#[derive(Debug, Default, Deserialize)]
struct ShowParams {
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "software/show.html")]
struct ShowPage {
    ctx: PageCtx,
    software: Software,
    tabs: Tabs,
    counted_at: Option<DateTime<Utc>>,
    versions: Vec<VersionCount>,
    installations: Vec<Installation>,
    installation_total: i64,
    page: u32,
    page_count: u32,
    licences: Vec<crate::software::compliance::db::LicenceLine>,
    can_edit: bool,
    can_delete: bool,
    can_license: bool,
    can_install: bool,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(KIND, Action::View)?;
    let params: ShowParams = parse_query(raw.as_deref())?;
    let page = params.page.unwrap_or(1).clamp(1, 100_000);
    let software = db::find(&state.db, &scope, id).await?;
    let offset = i64::from(page - 1) * INSTALLATIONS_PER_PAGE;
    let (installations, installation_total) =
        db::installations(&state.db, &scope, id, INSTALLATIONS_PER_PAGE, offset).await?;
    let licence_scope = actor.scope_or_empty(ObjectKind::Licence, Action::View);
    let page_count = u32::try_from((installation_total.max(1) + INSTALLATIONS_PER_PAGE - 1) / INSTALLATIONS_PER_PAGE)
        .unwrap_or(u32::MAX);
    render(&ShowPage {
        tabs: Tabs { base: format!("/software/{id}"), current: "main" },
        counted_at: db::counted_at(&state.db).await?,
        versions: db::versions(&state.db, &scope, id).await?,
        installations,
        installation_total,
        page,
        page_count,
        licences: crate::software::compliance::db::licences_of(&state.db, &licence_scope, id).await?,
        can_edit: actor.can(KIND, Action::Update),
        can_delete: actor.can(KIND, Action::Delete),
        can_license: actor.can(ObjectKind::Licence, Action::Create),
        can_install: actor.can(ObjectKind::Asset, Action::Update),
        software,
        ctx,
    })
}

/// Record a manual installation from the software's page: asset tag, version, date.
pub async fn add_installation(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let back = format!("/software/{id}");
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let software = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let tag = pair_value(&fields, "tag");
    let version = crate::inventory::normalize::text(pair_value(&fields, "version"), 100);
    let date = match pair_value(&fields, "install_date") {
        "" => None,
        text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => return Ok(redirect_with_flash(&back, "error", "field-invalid-date")),
        },
    };
    // A tag out of the person's reach reads like one that does not exist.
    let found = match assets_db::id_by_tag(&state.db, tag).await? {
        Some(id) => assets_db::find(&state.db, &scope, id).await.ok(),
        None => None,
    };
    let Some(asset) = found else { return Ok(redirect_with_flash(&back, "error", "software-no-such-asset")) };
    match db::add_manual(&state.db, &actor.audit(), (asset.id, asset.entity_id), &software, &version, date).await {
        Ok(()) => Ok(redirect_with_flash(&back, "success", "software-installation-added")),
        Err(AppError::Conflict(_)) => Ok(redirect_with_flash(&back, "error", "software-already-installed")),
        Err(other) => Err(other),
    }
}

/// Take a manual installation off an asset, from the software's page.
pub async fn remove_installation(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let scope = actor.scope(ObjectKind::Asset, Action::Update)?;
    let asset = crate::web::form::pair_optional_id(&fields, "asset_id")?.ok_or(AppError::NotFound)?;
    let version = crate::web::form::pair_optional_id(&fields, "version_id")?.ok_or(AppError::NotFound)?;
    let entity = assets_db::find(&state.db, &scope, asset).await?.entity_id;
    db::remove_manual(&state.db, &actor.audit(), (asset, entity), version).await?;
    Ok(redirect_with_flash(&format!("/software/{id}"), "success", "software-installation-removed"))
}

impl ShowPage {
    fn page_href(&self, page: u32) -> String {
        format!("/software/{}?page={page}", self.software.id)
    }
}
