//! HTML pages of licences: the list, the licence page with its seats, the
//! new form (which may come with the software chosen), giving and taking
//! back seats. Edit, delete and history are the generic ones.

use askama::Template;
use axum::{
    Form,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    KIND,
    db::{self, LicenceFilter, LicenceList},
    domain::{Holder, Licence, LicenceKind, Seat, SeatTarget, Validity},
    for_viewer,
    form::LicenceForm,
    give_seat,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    org::{entity_choices, entity_filter, users},
    software::sections,
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, filter_choice, filter_id, parse_query},
        form::{FieldErrors, id_text},
        layout::redirect_with_flash,
        list::{ListParams, fetch_page},
        render_status,
        table::{Cell, Column, Fact, FilterSelect, FormField, FormTemplate, ListTemplate, Tabs},
    },
};

#[derive(Debug, Default, Deserialize)]
struct FilterParams {
    software_id: Option<String>,
    entity_id: Option<String>,
    kind: Option<String>,
    validity: Option<String>,
}

pub(super) fn filter_from(raw: Option<&str>) -> AppResult<LicenceFilter> {
    let params: FilterParams = parse_query(raw)?;
    let kinds: Vec<&str> = LicenceKind::ALL.iter().map(|k| k.as_str()).collect();
    let validities: Vec<&str> = Validity::ALL.iter().map(|v| v.as_str()).collect();
    Ok(LicenceFilter {
        software_id: filter_id(&params.software_id, "software_id")?,
        entity_id: filter_id(&params.entity_id, "entity_id")?,
        kind: filter_choice(&params.kind, "kind", &kinds)?.as_deref().and_then(LicenceKind::parse),
        validity: filter_choice(&params.validity, "validity", &validities)?
            .and_then(|v| Validity::ALL.into_iter().find(|x| x.as_str() == v)),
    })
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// "3 / 10", or "Site" for a licence without seats.
fn seats_text(ctx: &PageCtx, licence: &Licence) -> String {
    match licence.seats {
        Some(seats) => format!("{} / {seats}", licence.seats_used),
        None => ctx.t("licence-kind-site"),
    }
}

/// The expiry date, badged when expired or expiring soon.
fn expiry_cell(ctx: &PageCtx, licence: &Licence) -> Cell {
    let date = licence.expires_on.map(|d| d.to_string()).unwrap_or_default();
    match (licence.expires_on, licence.validity(today())) {
        (None, _) => Cell::default(),
        (Some(_), Validity::Expired) => {
            Cell::badge(format!("{date} · {}", ctx.t("licence-validity-expired")), "badge-off")
        }
        (Some(_), Validity::Expiring) => {
            Cell::badge(format!("{date} · {}", ctx.t("licence-validity-expiring")), "badge-warn")
        }
        (Some(_), Validity::Valid) => Cell::text(date),
    }
}

fn choices_of<T: Copy>(
    ctx: &PageCtx,
    all: &[T],
    value: impl Fn(T) -> &'static str,
    prefix: &str,
) -> Vec<(String, String)> {
    all.iter().map(|item| (value(*item).to_owned(), ctx.t(&format!("{prefix}{}", value(*item))))).collect()
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
    let page = fetch_page::<LicenceList>(&state.db, &scope, &filter, &query).await?;
    let filters = vec![
        FilterSelect {
            name: "software_id",
            label_key: "kind-software",
            options: db::licensed_software(&state.db, &scope).await?,
            selected: id_text(filter.software_id),
        },
        FilterSelect {
            name: "kind",
            label_key: "licence-kind",
            options: choices_of(&ctx, &LicenceKind::ALL, LicenceKind::as_str, "licence-kind-"),
            selected: filter.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        },
        FilterSelect {
            name: "validity",
            label_key: "licence-validity",
            options: choices_of(&ctx, &Validity::ALL, Validity::as_str, "licence-validity-"),
            selected: filter.validity.map(|v| v.as_str().to_owned()).unwrap_or_default(),
        },
        entity_filter(&state.db, &scope, filter.entity_id).await?,
    ];
    let mut view = ListTemplate::new(ctx, "nav-licences", "/licences", &query, &page, filters);
    view.columns = vec![
        Column::sortable("field-name", "name"),
        Column::sortable("kind-software", "software"),
        Column::sortable("licence-kind", "kind"),
        Column::sortable("field-entity", "entity"),
        Column::sortable("licence-seats-used", "used"),
        Column::sortable("licence-seats", "seats"),
        Column::sortable("licence-expires-on", "expires"),
    ];
    view.rows = page
        .items
        .iter()
        .map(|l| {
            vec![
                Cell::link(l.name.clone(), format!("/licences/{}", l.id)),
                Cell::link(l.software_name.clone(), format!("/software/{}", l.software_id)),
                Cell::text(view.ctx.t(&l.kind.label_key())),
                Cell::text(l.entity_name.clone()),
                Cell::text(seats_text(&view.ctx, l)),
                Cell::text(l.seats.map(|s| s.to_string()).unwrap_or_default()),
                expiry_cell(&view.ctx, l),
            ]
        })
        .collect();
    view.sections = sections("/licences");
    view.new_href = actor.can(KIND, Action::Create).then(|| "/licences/new".to_owned());
    view.render()
}

/// A seat as the licence page lists it.
struct SeatRow {
    id: Uuid,
    holder: Cell,
    assigned: String,
}

fn seat_row(ctx: &PageCtx, seat: &Seat) -> SeatRow {
    let holder = match (seat.asset_id, seat.user_id) {
        (Some(asset), _) => {
            let tag = seat.asset_tag.clone().unwrap_or_default();
            let label = match seat.asset_name.as_deref() {
                Some(name) if !name.is_empty() => format!("{tag} · {name}"),
                _ => tag,
            };
            Cell::link(label, format!("/assets/{asset}"))
        }
        (None, Some(user)) => Cell::link(seat.user_name.clone().unwrap_or_default(), format!("/users/{user}")),
        (None, None) => Cell::default(),
    };
    let by = seat.assigned_by.as_deref().map(|b| format!(" ({b})")).unwrap_or_default();
    SeatRow { id: seat.id, holder, assigned: format!("{}{by}", ctx.time(&seat.assigned_at)) }
}

#[derive(Template)]
#[template(path = "software/licences/detail.html")]
struct LicencePage {
    ctx: PageCtx,
    title: String,
    tabs: Tabs,
    facts: Vec<Fact>,
    seats: Vec<SeatRow>,
    /// "2 free seats of 10", or what a site licence covers.
    seats_summary: String,
    /// False for a site licence, which has no seats.
    gives_seats: bool,
    /// Seats go to people (else to assets, by tag).
    to_people: bool,
    people: Vec<(String, String)>,
    can_edit: bool,
    can_delete: bool,
    errors: FieldErrors,
    /// What the seat form was sent with, kept when it comes back.
    typed: String,
}

fn facts(ctx: &PageCtx, licence: &Licence) -> Vec<Fact> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let price = licence.price.map(|p| format!("{p} {}", licence.currency)).unwrap_or_default();
    vec![
        Fact::text("field-name", licence.name.clone()),
        Fact::new(
            "kind-software",
            Cell::link(licence.software_name.clone(), format!("/software/{}", licence.software_id)),
        ),
        Fact::text("licence-kind", ctx.t(&licence.kind.label_key())),
        Fact::text("licence-seats", licence.seats.map(|s| s.to_string()).unwrap_or_default()),
        Fact::text("licence-key", licence.licence_key.display()),
        Fact::new("field-entity", Cell::link(licence.entity_name.clone(), format!("/entities/{}", licence.entity_id))),
        Fact::text("field-supplier", licence.supplier.clone()),
        Fact::text("field-order-number", licence.order_number.clone()),
        Fact::text("field-invoice-number", licence.invoice_number.clone()),
        Fact::text("field-price", price),
        Fact::text("field-purchase-date", date(licence.purchase_date)),
        Fact::text("licence-starts-on", date(licence.starts_on)),
        Fact::new("licence-expires-on", expiry_cell(ctx, licence)),
        Fact::text("licence-renewal-on", date(licence.renewal_on)),
        Fact::text("field-notes", licence.notes.clone()),
        Fact::text("field-updated", ctx.time(&licence.updated_at)),
    ]
}

/// The licence page, with the seat form's errors when it comes back.
async fn licence_page(
    state: &AppState,
    ctx: PageCtx,
    actor: &Actor,
    licence: Licence,
    errors: FieldErrors,
    typed: String,
    status: StatusCode,
) -> AppResult<Response> {
    let licence = for_viewer(licence, actor);
    let can_edit = actor.scope_or_empty(KIND, Action::Update).contains(licence.entity_id);
    let holder = licence.kind.holder();
    let people = if can_edit && holder == Some(Holder::Person) {
        users::db::choices(&state.db, &actor.scope_or_empty(ObjectKind::User, Action::View)).await?
    } else {
        Vec::new()
    };
    let seats = db::seats(&state.db, licence.id).await?.iter().map(|s| seat_row(&ctx, s)).collect();
    let seats_summary = match (licence.seats, licence.seats_free()) {
        (Some(total), Some(free)) => {
            ctx.t_args("licence-seats-free", &[("free", &free.to_string()), ("total", &total.to_string())])
        }
        _ => ctx.t("licence-site-covers"),
    };
    let page = LicencePage {
        title: licence.name.clone(),
        tabs: Tabs { base: format!("/licences/{}", licence.id), current: "main" },
        facts: facts(&ctx, &licence),
        can_delete: actor.scope_or_empty(KIND, Action::Delete).contains(licence.entity_id),
        ctx,
        seats,
        seats_summary,
        gives_seats: holder.is_some(),
        to_people: holder == Some(Holder::Person),
        people,
        can_edit,
        errors,
        typed,
    };
    render_status(status, &page)
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let licence = db::find(&state.db, &actor.scope(KIND, Action::View)?, id).await?;
    licence_page(&state, ctx, &actor, licence, FieldErrors::default(), String::new(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
struct NewParams {
    software_id: Option<String>,
}

/// The new form; from a software page (`?software_id=`) with that software chosen.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    actor.scope(KIND, Action::Create)?;
    let params: NewParams = parse_query(raw.as_deref())?;
    let software = filter_id(&params.software_id, "software_id")?;
    let form = LicenceForm::for_software(software);
    let page = FormTemplate {
        fields: form_fields(&state, &ctx, &form).await?,
        version: String::new(),
        title: ctx.t("licence-new"),
        action: "/licences".into(),
        cancel: software.map(|id| format!("/software/{id}")).unwrap_or_else(|| "/licences".into()),
        errors: FieldErrors::default(),
        ctx,
    };
    page.render()
}

pub async fn form_fields(state: &AppState, ctx: &PageCtx, form: &LicenceForm) -> AppResult<Vec<FormField>> {
    let writer = ctx.user.as_ref().map(|u| u.scope_or_empty(KIND, Action::Create)).unwrap_or_default();
    let kinds = choices_of(ctx, &LicenceKind::ALL, LicenceKind::as_str, "licence-kind-");
    let date = |name: &'static str, label: &'static str, value: &str| FormField::input(name, label, "date", value);
    Ok(vec![
        FormField::select(
            "software_id",
            "kind-software",
            db::software_choices(&state.db).await?,
            &form.software_id,
            true,
        ),
        FormField::text("name", "field-name", &form.name, true),
        FormField::select("kind", "licence-kind", kinds, &form.kind, true),
        FormField::input("seats", "licence-seats", "number", &form.seats).with_hint("licence-seats-hint"),
        FormField::text("licence_key", "licence-key", form.licence_key.text(), false).with_hint("licence-key-hint"),
        FormField::select(
            "entity_id",
            "field-entity",
            entity_choices(&state.db, &writer).await?,
            &form.entity_id,
            true,
        ),
        FormField::text("supplier", "field-supplier", &form.supplier, false),
        FormField::text("order_number", "field-order-number", &form.order_number, false),
        FormField::text("invoice_number", "field-invoice-number", &form.invoice_number, false),
        FormField::text("price", "field-price", &form.price, false),
        FormField::text("currency", "field-currency", &form.currency, false),
        date("purchase_date", "field-purchase-date", &form.purchase_date),
        date("starts_on", "licence-starts-on", &form.starts_on),
        date("expires_on", "licence-expires-on", &form.expires_on),
        date("renewal_on", "licence-renewal-on", &form.renewal_on),
        FormField::area("notes", "field-notes", &form.notes),
    ])
}

/// The seat form: an asset's tag, or a person chosen from the list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SeatForm {
    asset_tag: String,
    user_id: String,
}

impl SeatForm {
    /// The field the form showed, and who it names.
    fn target(&self, holder: Holder) -> (&'static str, Result<SeatTarget, &'static str>) {
        match holder {
            Holder::Asset => match self.asset_tag.trim() {
                "" => ("asset_tag", Err("field-required")),
                tag => ("asset_tag", Ok(SeatTarget::AssetTag(tag.to_owned()))),
            },
            Holder::Person => match self.user_id.trim() {
                "" => ("user_id", Err("field-required")),
                id => ("user_id", Uuid::parse_str(id).map(SeatTarget::User).map_err(|_| "field-invalid-choice")),
            },
        }
    }
}

/// How a refused seat shows on the page: next to the field, with the status
/// the API would answer.
fn seat_refusal(field: &str, error: AppError) -> Result<(FieldErrors, StatusCode), AppError> {
    match error {
        AppError::Validation(errors) => Ok((errors, StatusCode::UNPROCESSABLE_ENTITY)),
        // The licence was found: NotFound is the holder, which the person may not see or mistyped.
        AppError::NotFound => {
            Ok((FieldErrors::single(field, "licence-seat-no-holder"), StatusCode::UNPROCESSABLE_ENTITY))
        }
        AppError::Refused(key) => Ok((FieldErrors::single(field, key), StatusCode::CONFLICT)),
        other => Err(other),
    }
}

pub async fn assign(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Id(id): Id,
    Form(form): Form<SeatForm>,
) -> AppResult<Response> {
    let licence = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let Some(holder) = licence.kind.holder() else {
        return Err(AppError::Refused("licence-site-no-seats-to-give"));
    };
    let (field, target) = form.target(holder);
    let outcome = match target {
        Ok(target) => give_seat(&state, &actor, &licence, &target).await,
        Err(key) => Err(AppError::field(field, key)),
    };
    match outcome {
        Ok(_) => Ok(redirect_with_flash(&format!("/licences/{id}"), "success", "licence-seat-assigned")),
        Err(error) => {
            let (errors, status) = seat_refusal(field, error)?;
            let typed = if holder == Holder::Asset { form.asset_tag.trim().to_owned() } else { form.user_id };
            licence_page(&state, ctx, &actor, licence, errors, typed, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "software/licences/release.html")]
struct ReleasePage {
    ctx: PageCtx,
    licence: String,
    holder: Cell,
    action: String,
    cancel: String,
}

fn seat_path(ids: (String, String)) -> AppResult<(Uuid, Uuid)> {
    match (Uuid::parse_str(&ids.0), Uuid::parse_str(&ids.1)) {
        (Ok(licence), Ok(seat)) => Ok((licence, seat)),
        _ => Err(AppError::NotFound),
    }
}

/// Asks before taking a seat back.
pub async fn release_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    Path(ids): Path<(String, String)>,
) -> AppResult<Response> {
    let (id, seat) = seat_path(ids)?;
    let licence = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    let seat = db::seat(&state.db, licence.id, seat).await?;
    let base = format!("/licences/{id}");
    let page = ReleasePage {
        holder: seat_row(&ctx, &seat).holder,
        licence: licence.name,
        action: format!("{base}/seats/{}/release", seat.id),
        cancel: base,
        ctx,
    };
    render_status(StatusCode::OK, &page)
}

pub async fn release(
    State(state): State<AppState>,
    actor: Actor,
    Path(ids): Path<(String, String)>,
) -> AppResult<Response> {
    let (id, seat) = seat_path(ids)?;
    let licence = db::find(&state.db, &actor.scope(KIND, Action::Update)?, id).await?;
    db::release_seat(&state.db, &actor.audit(), &licence, seat).await?;
    Ok(redirect_with_flash(&format!("/licences/{id}"), "success", "licence-seat-released"))
}
