//! Knowledge-base pages: the searchable list, the article with its linked
//! tickets and revisions, suggestions while typing, and a new article
//! drafted from a ticket's solution. Forms, delete and history are the
//! generic ones.

use askama::Template;
use axum::{
    extract::{Query, RawQuery, State},
    response::Response,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    db::{self, ArticleFilter, ArticleList},
    domain::{Article, Hit, LANGS, Reader, Revision, VISIBILITIES},
    form::ArticleForm,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    helpdesk::{Viewer, db as tickets},
    org::entity_choices,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_choice, filter_id, parse_query},
        form::FieldErrors,
        list::{ListParams, fetch_page},
        markdown::to_safe_html,
        render,
        table::{Cell, Column, FilterSelect, FormField, FormTemplate, ListTemplate},
    },
};

const KIND: ObjectKind = ObjectKind::KbArticle;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FilterParams {
    category_id: Option<String>,
    lang: Option<String>,
}

pub fn filter_from(raw: Option<&str>, reader: Option<Reader>) -> AppResult<ArticleFilter> {
    let params = parse_query::<FilterParams>(raw)?;
    Ok(ArticleFilter {
        reader,
        category_id: filter_id(&params.category_id, "category_id")?,
        lang: filter_choice(&params.lang, "lang", &LANGS)?,
    })
}

fn choices(ctx: &PageCtx, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values.iter().map(|v| (v.to_string(), ctx.t(&format!("{prefix}-{v}")))).collect()
}

pub async fn form_fields(state: &AppState, ctx: &PageCtx, form: &ArticleForm) -> AppResult<Vec<FormField>> {
    let writer = ctx.user.as_ref().map(|u| u.scope_or_empty(KIND, Action::Create)).unwrap_or_default();
    let mut fields = vec![
        FormField::text("title", "ticket-title", &form.title, true),
        FormField::area("body", "kb-body", &form.body),
        FormField::select("lang", "kb-lang", choices(ctx, "lang", &LANGS), &form.lang, true),
        FormField::select(
            "visibility",
            "kb-visibility",
            choices(ctx, "kb-visibility", &VISIBILITIES),
            &form.visibility,
            true,
        ),
        FormField::select(
            "entity_id",
            "field-entity",
            entity_choices(&state.db, &writer).await?,
            &form.entity_id,
            true,
        ),
        FormField::select(
            "category_id",
            "kb-category",
            db::category_choices(&state.db).await?,
            &form.category_id,
            false,
        ),
    ];
    if !form.ticket_id.is_empty() {
        let option = vec![(form.ticket_id.clone(), ctx.t("kb-from-ticket"))];
        fields.push(FormField::select("ticket_id", "kind-ticket", option, &form.ticket_id, false));
    }
    Ok(fields)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let reader = Reader::of(&actor);
    let query = parse_query::<ListParams>(raw.as_deref())?.check()?;
    let filter = filter_from(raw.as_deref(), Some(reader.clone()))?;
    let page = fetch_page::<ArticleList>(&state.db, &reader.helpdesk, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "category_id",
            label_key: "kb-category",
            options: db::category_choices(&state.db).await?,
            selected: filter.category_id.map(|id| id.to_string()).unwrap_or_default(),
        },
        FilterSelect {
            name: "lang",
            label_key: "kb-lang",
            options: choices(&ctx, "lang", &LANGS),
            selected: filter.lang.clone().unwrap_or_default(),
        },
    ];
    let mut view = ListTemplate::new(ctx, "nav-kb", "/kb", &query, &page, filters);
    view.columns = vec![
        Column::sortable("ticket-title", "title"),
        Column::sortable("kb-category", "category"),
        Column::plain("kb-lang"),
        Column::plain("kb-visibility"),
        Column::sortable("field-updated", "updated"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::link(a.title.clone(), format!("/kb/{}", a.id)),
                Cell::text(a.category_name.clone().unwrap_or_default()),
                Cell::text(a.lang.clone()),
                Cell::text(view.ctx.t(&format!("kb-visibility-{}", a.visibility))),
                Cell::text(view.ctx.time(&a.updated_at)),
            ]
        })
        .collect();
    view.new_href = actor.can(KIND, Action::Create).then(|| "/kb/new".to_owned());
    view.render()
}

#[derive(Template)]
#[template(path = "kb/show.html")]
struct ShowPage {
    ctx: PageCtx,
    article: Article,
    body_html: String,
    tickets: Vec<(Uuid, i64, String)>,
    can_edit: bool,
    can_delete: bool,
}

impl ShowPage {
    fn visibility_key(&self) -> String {
        format!("kb-visibility-{}", self.article.visibility)
    }
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let article = db::find_readable(&state.db, &Reader::of(&actor), id).await?;
    let tickets = db::tickets(&state.db, id, &actor.scope_or_empty(ObjectKind::Ticket, Action::View)).await?;
    render(&ShowPage {
        ctx,
        body_html: to_safe_html(&article.body),
        can_edit: actor.scope_or_empty(KIND, Action::Update).contains(article.entity_id),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(article.entity_id),
        article,
        tickets,
    })
}

#[derive(Template)]
#[template(path = "kb/revisions.html")]
struct RevisionsPage {
    ctx: PageCtx,
    article: Article,
    revisions: Vec<Revision>,
}

pub async fn revisions(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let article = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let revisions = db::revisions(&state.db, id).await?;
    render(&RevisionsPage { ctx, article, revisions })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SuggestParams {
    /// What the person is typing (a ticket's title).
    pub title: String,
    pub q: String,
}

#[derive(Template)]
#[template(path = "kb/suggest.html")]
struct SuggestFragment {
    ctx: PageCtx,
    hits: Vec<Hit>,
}

/// Articles that may already answer what is being typed: an HTML fragment
/// the portal's form asks for as the person types.
pub async fn suggest(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Query(params): Query<SuggestParams>,
) -> AppResult<Response> {
    let typed = if params.q.trim().is_empty() { params.title } else { params.q };
    let typed: String = typed.trim().chars().take(200).collect();
    let hits = if typed.chars().count() < 3 {
        Vec::new()
    } else {
        db::search(&state.db, &Reader::of(&actor), &typed, 5).await?
    };
    render(&SuggestFragment { ctx, hits })
}

/// A new article drafted from a ticket: its title and latest solution.
pub async fn from_ticket(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let writer = actor.scope(KIND, Action::Create)?;
    let ticket = tickets::find(&state.db, &Viewer::of(&actor), id).await?;
    if !Viewer::of(&actor).sees_private(ticket.entity_id) {
        return Err(AppError::NotFound);
    }
    let solution = tickets::latest_solution(&state.db, id).await?.unwrap_or_default();
    let form = ArticleForm {
        title: ticket.title.clone(),
        body: solution,
        lang: actor.lang.code().into(),
        visibility: "helpdesk".into(),
        entity_id: if writer.contains(ticket.entity_id) { ticket.entity_id.to_string() } else { String::new() },
        ticket_id: id.to_string(),
        ..ArticleForm::default()
    };
    FormTemplate {
        fields: form_fields(&state, &ctx, &form).await?,
        version: String::new(),
        title: ctx.t("kb-new"),
        action: "/kb".into(),
        cancel: format!("/tickets/{id}"),
        errors: FieldErrors::default(),
        ctx,
    }
    .render()
}
