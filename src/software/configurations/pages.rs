//! HTML pages of standard configurations: the list, the detail page with its
//! required software and deviating assets, the form's fields, and the
//! deviations as CSV (forms, history and delete are the generic ones).

use askama::Template;
use axum::{
    Form,
    body::{Body, Bytes},
    extract::{RawQuery, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    db::{self, ConfigurationFilter, ConfigurationList},
    domain::{DEVIATION_CSV_HEADER, DeviationPage, RequiredSoftware, StandardConfiguration, deviation_csv_row},
    form::ConfigurationForm,
};
use crate::{
    assets::{categories, register},
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind, Scope},
    },
    error::{AppError, AppResult},
    org::{entity_choices, entity_filter},
    software::sections,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_id, parse_query},
        form::id_text,
        layout::redirect_with_flash,
        list::{DEFAULT_PER_PAGE, ListParams, csv_safe, fetch_page},
        render,
        table::{Cell, Column, Fact, FilterSelect, FormField, ListTemplate, Tabs},
    },
};

const KIND: ObjectKind = ObjectKind::StandardConfiguration;

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    entity_id: Option<String>,
    category_id: Option<String>,
    model_id: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<ConfigurationFilter> {
    let params: FilterParams = parse_query(raw)?;
    Ok(ConfigurationFilter {
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        category_id: filter_id(&params.category_id, "category_id")?,
        model_id: filter_id(&params.model_id, "model_id")?,
    })
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
    let page = fetch_page::<ConfigurationList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        entity_filter(&state.db, &scope, filter.entity_id).await?,
        FilterSelect {
            name: "category_id",
            label_key: "kind-asset-category",
            options: categories::choices(&state.db).await?,
            selected: id_text(filter.category_id),
        },
        FilterSelect {
            name: "model_id",
            label_key: "kind-asset-model",
            options: register::db::model_choices(&state.db).await?,
            selected: id_text(filter.model_id),
        },
    ];
    let mut view =
        ListTemplate::new(ctx, "nav-standard-configurations", "/standard-configurations", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("field-entity", "entity"),
        Column::sortable("kind-asset-category", "category"),
        Column::sortable("kind-asset-model", "model"),
        Column::sortable("standard-configuration-software", "software"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::link(c.name.clone(), format!("/standard-configurations/{}", c.id)),
                Cell::text(c.entity_name.clone()),
                Cell::text(c.category_name.clone().unwrap_or_default()),
                Cell::text(c.model_name.clone().unwrap_or_default()),
                Cell::text(c.software_count.to_string()),
            ]
        })
        .collect();
    view.sections = sections("/standard-configurations");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/standard-configurations/new".to_owned());
    view.render()
}

/// The detail page's own parameters: the picker's search and the page of deviations.
#[derive(Debug, Default, Deserialize)]
struct ShowParams {
    software_q: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "software/configurations/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    title: String,
    tabs: Tabs,
    facts: Vec<Fact>,
    version: i64,
    required: Vec<RequiredSoftware>,
    /// The picker's search, and the catalogue entries it found.
    software_q: String,
    candidates: Vec<RequiredSoftware>,
    deviations: DeviationPage,
    can_edit: bool,
    can_delete: bool,
}

impl DetailPage {
    fn deviations_href(&self, page: u32) -> String {
        format!("{}?page={page}", self.tabs.base)
    }
}

fn facts(ctx: &PageCtx, c: &StandardConfiguration) -> Vec<Fact> {
    vec![
        Fact::text("field-name", c.name.clone()),
        Fact::text("field-entity", c.entity_name.clone()),
        Fact::text("kind-asset-category", c.category_name.clone().unwrap_or_default()),
        Fact::text("kind-asset-model", c.model_name.clone().unwrap_or_default()),
        Fact::text("field-notes", c.notes.clone()),
        Fact::text("field-updated", ctx.time(&c.updated_at)),
    ]
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let configuration = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    let params: ShowParams = parse_query(raw.as_deref())?;
    let page = params.page.as_deref().map(str::trim).filter(|p| !p.is_empty()).map_or(Ok(1), str::parse::<u32>);
    let page = page.map_err(|_| AppError::BadRequest("page must be a positive number".into()))?.max(1);
    let can_edit = actor.scope_or_empty(KIND, Action::Update).contains(configuration.entity_id);
    let software_q: String = params.software_q.unwrap_or_default().trim().chars().take(200).collect();
    let candidates = if can_edit && !software_q.is_empty() {
        db::software_candidates(&state.db, id, &software_q).await?
    } else {
        Vec::new()
    };
    let mut conn = state.db.acquire().await?;
    let required = db::required_software(&mut conn, id).await?;
    drop(conn);
    let assets = actor.scope_or_empty(ObjectKind::Asset, Action::View);
    let deviations = db::deviations(&state.db, id, &assets, page, DEFAULT_PER_PAGE).await?;
    render(&DetailPage {
        facts: facts(&ctx, &configuration),
        ctx,
        title: configuration.name.clone(),
        tabs: Tabs { base: format!("/standard-configurations/{id}"), current: "main" },
        version: configuration.version,
        required,
        software_q,
        candidates,
        deviations,
        can_edit,
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(configuration.entity_id),
    })
}

/// The add and remove buttons of the detail page: one software, and the
/// configuration's version the page was shown with.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SoftwareForm {
    software_id: String,
    version: String,
}

async fn change_software(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &SoftwareForm,
    add: bool,
) -> AppResult<Response> {
    let current = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let base = format!("/standard-configurations/{id}");
    let Ok(software) = Uuid::parse_str(form.software_id.trim()) else {
        return Ok(redirect_with_flash(&base, "error", "standard-configuration-software-unknown"));
    };
    let mut conn = state.db.acquire().await?;
    let mut list: Vec<Uuid> = db::required_software(&mut conn, id).await?.into_iter().map(|s| s.id).collect();
    drop(conn);
    list.retain(|s| *s != software);
    if add {
        list.push(software);
    }
    let version = form.version.trim().parse().unwrap_or(current.version);
    match db::set_software(&state.db, &actor.audit(), &current, version, &list).await {
        Ok(()) => Ok(redirect_with_flash(&base, "success", "flash-saved")),
        Err(AppError::StaleEdit { .. }) => Ok(redirect_with_flash(&base, "error", "stale-edit-short")),
        Err(AppError::Validation(_)) => {
            Ok(redirect_with_flash(&base, "error", "standard-configuration-software-unknown"))
        }
        Err(other) => Err(other),
    }
}

pub async fn add_software(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<SoftwareForm>,
) -> AppResult<Response> {
    change_software(&state, &actor, id, &form, true).await
}

pub async fn remove_software(
    State(state): State<AppState>,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<SoftwareForm>,
) -> AppResult<Response> {
    change_software(&state, &actor, id, &form, false).await
}

pub async fn deviations_csv(State(state): State<AppState>, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let configuration = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    Ok(deviations_download(state, configuration, actor.scope_or_empty(ObjectKind::Asset, Action::View)))
}

/// Every deviating asset as a CSV file, streamed as PostgreSQL returns the
/// rows so memory stays flat on a large park.
pub(super) fn deviations_download(state: AppState, configuration: StandardConfiguration, assets: Scope) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut rows = db::deviation_rows(&state.db, configuration.id, &assets, None, 0);
        // A byte-order mark so spreadsheet programs read the file as UTF-8.
        let mut chunk = csv_line(&DEVIATION_CSV_HEADER.map(str::to_owned), b"\xEF\xBB\xBF".to_vec());
        while let Some(row) = rows.next().await {
            match row {
                Ok((_, Some(deviation))) => chunk = csv_line(&deviation_csv_row(&deviation), chunk),
                Ok((_, None)) => {}
                Err(error) => {
                    tracing::error!(%error, "deviations export stopped");
                    // A truncated file must not look complete: end the body with an error.
                    let _ = sender.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
            if chunk.len() >= 64 * 1024 && sender.send(Ok(Bytes::from(std::mem::take(&mut chunk)))).await.is_err() {
                return; // the client went away
            }
        }
        let _ = sender.send(Ok(Bytes::from(chunk))).await;
    });
    let mut response = Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"standard-configuration-deviations.csv\""),
    );
    response
}

/// `buffer` with one more CSV record, each cell neutralised against formulas.
fn csv_line(cells: &[String], buffer: Vec<u8>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(buffer);
    // Writing to memory cannot fail; a record that could not be written is left out.
    let _ = writer.write_record(cells.iter().map(|c| csv_safe(c)));
    writer.into_inner().unwrap_or_default()
}

pub async fn form_fields(state: &AppState, ctx: &PageCtx, form: &ConfigurationForm) -> AppResult<Vec<FormField>> {
    let writer = ctx.user.as_ref().map(|u| u.scope_or_empty(KIND, Action::Create)).unwrap_or_default();
    Ok(vec![
        FormField::text("name", "field-name", &form.name, true),
        FormField::select(
            "entity_id",
            "field-entity",
            entity_choices(&state.db, &writer).await?,
            &form.entity_id,
            true,
        )
        .with_hint("standard-configuration-entity-hint"),
        FormField::select(
            "category_id",
            "kind-asset-category",
            categories::choices(&state.db).await?,
            &form.category_id,
            false,
        ),
        FormField::select(
            "model_id",
            "kind-asset-model",
            register::db::model_choices(&state.db).await?,
            &form.model_id,
            false,
        )
        .with_hint("standard-configuration-target-hint"),
        FormField::area("notes", "field-notes", &form.notes),
    ])
}
