//! The OpenAPI 3.1 document, generated from the handlers' annotations, and the
//! interactive reference page at /api/docs.

use askama::Template;
use axum::{Json, response::Response};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        Object, Type,
        path::{Operation, ParameterBuilder, ParameterIn},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::{
    assets, auth,
    error::AppResult,
    helpdesk, imports, inventory, kb, notify, org, saved_searches,
    web::{render, static_files},
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Parc API", version = "1", description = "IT asset management and helpdesk. \
        Authenticate with `POST /api/v1/auth/login` or a personal token, then send `Authorization: Bearer <token>`. \
        Errors are application/problem+json (RFC 9457). Lists take `q`, `sort`, `dir`, `page`, `per_page` and filters, \
        and answer `{items, total, page, per_page}`. Updates need the `version` you read (body or If-Match); a stale \
        one answers 409."),
    paths(
        auth::api::login, auth::api::me, auth::api::list_tokens, auth::api::revoke_token,
        org::entities::api::list_entities, org::entities::api::find_entity, org::entities::api::create_entity,
        org::entities::api::update_entity, org::entities::api::delete_entity, org::entities::api::entity_history,
        org::locations::api::list_locations, org::locations::api::find_location, org::locations::api::create_location,
        org::locations::api::update_location, org::locations::api::delete_location, org::locations::api::location_history,
        org::users::api::list_users, org::users::api::find_user, org::users::api::create_user,
        org::users::api::update_user, org::users::api::delete_user, org::users::api::user_history,
        org::groups::api::list_groups, org::groups::api::find_group, org::groups::api::create_group,
        org::groups::api::update_group, org::groups::api::delete_group, org::groups::api::group_history,
        assets::manufacturers::api::list_manufacturers, assets::manufacturers::api::find_manufacturer,
        assets::manufacturers::api::create_manufacturer, assets::manufacturers::api::update_manufacturer,
        assets::manufacturers::api::delete_manufacturer, assets::manufacturers::api::manufacturer_history,
        assets::statuses::api::list_asset_statuses, assets::statuses::api::find_asset_status,
        assets::statuses::api::create_asset_status, assets::statuses::api::update_asset_status,
        assets::statuses::api::delete_asset_status, assets::statuses::api::asset_status_history,
        assets::categories::api::list_asset_categories, assets::categories::api::find_asset_category,
        assets::categories::api::create_asset_category, assets::categories::api::update_asset_category,
        assets::categories::api::delete_asset_category, assets::categories::api::asset_category_history,
        assets::models::api::list_asset_models, assets::models::api::find_asset_model,
        assets::models::api::create_asset_model, assets::models::api::update_asset_model,
        assets::models::api::delete_asset_model, assets::models::api::asset_model_history,
        assets::register::api::list_assets, assets::register::api::find_asset, assets::register::api::find_asset_by_tag,
        assets::register::api::find_assets_by_serial, assets::register::api::create_asset, assets::register::api::update_asset,
        assets::register::api::delete_asset, assets::register::api::asset_history,
        assets::register::handlers::checkout_asset, assets::register::handlers::checkin_asset, assets::register::api::my_assets,
        assets::register::handlers::change_asset_status,
        assets::register::hardware::get_hardware, assets::register::hardware::put_hardware,
        assets::register::links::list_users, assets::register::links::post_user, assets::register::links::delete_user,
        assets::register::links::list_relations, assets::register::links::post_relation,
        assets::register::links::delete_relation, assets::register::bulk::bulk_assets,
        notify::my_notifications, notify::read_notification, notify::my_mail_preferences, notify::set_my_mail_preferences,
        saved_searches::list_api, saved_searches::create_api, saved_searches::delete_api,
        inventory::api::agents, inventory::api::refused, inventory::api::import_refused, inventory::api::asset_software,
        inventory::api::rules, inventory::api::add_rule, inventory::api::change_rule, inventory::api::delete_rule, inventory::api::asset_inventory,
        inventory::api::placements, inventory::api::add_placement, inventory::api::delete_placement,
        inventory::api::asset_locks, inventory::api::set_asset_locks,
        inventory::api::blacklist, inventory::api::add_blacklisted, inventory::api::delete_blacklisted,
        inventory::api::settings, inventory::api::save_settings, inventory::api::rotate_secret,
        inventory::api::tokens, inventory::api::create_token, inventory::api::revoke_token, inventory::api::delete_token,
        imports::api::create_import, imports::api::find_import, imports::api::check_import, imports::api::run_import,
        imports::api::upsert_assets_by_tag,
        helpdesk::api::list, helpdesk::api::create, helpdesk::bulk::bulk_assign, helpdesk::api::find, helpdesk::api::update, helpdesk::api::history, helpdesk::api::timeline,
        helpdesk::api::add_followup, helpdesk::api::add_task, helpdesk::api::assign, helpdesk::api::watchers,
        helpdesk::api::set_watchers, helpdesk::api::change_status,
        helpdesk::api::solve, helpdesk::api::answer_solution, helpdesk::api::sla_explanation,
        helpdesk::api::survey, helpdesk::api::rate, helpdesk::api::satisfaction, helpdesk::dashboard::api,
        helpdesk::attachments::api_upload, helpdesk::attachments::api_list, helpdesk::attachments::api_download,
        kb::api::list, kb::api::search, kb::api::find, kb::api::create, kb::api::update, kb::api::delete,
        kb::api::revisions, kb::api::history,
        helpdesk::categories::api::list_ticket_categories, helpdesk::categories::api::find_ticket_category,
        helpdesk::categories::api::create_ticket_category, helpdesk::categories::api::update_ticket_category,
        helpdesk::categories::api::delete_ticket_category, helpdesk::categories::api::ticket_category_history,
        helpdesk::calendars::api::list_calendars, helpdesk::calendars::api::find_calendar,
        helpdesk::calendars::api::create_calendar, helpdesk::calendars::api::update_calendar,
        helpdesk::calendars::api::delete_calendar, helpdesk::calendars::api::calendar_history,
        helpdesk::calendars::api::add_closure, helpdesk::calendars::api::remove_closure,
        helpdesk::slas::api::list_slas, helpdesk::slas::api::find_sla, helpdesk::slas::api::create_sla,
        helpdesk::slas::api::update_sla, helpdesk::slas::api::delete_sla, helpdesk::slas::api::sla_history,
        helpdesk::settings::api::find_settings, helpdesk::settings::api::update_settings,
        helpdesk::settings::api::settings_history, helpdesk::settings::api::find_matrix,
        helpdesk::settings::api::replace_matrix,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::software::openapi());
    for item in doc.paths.paths.values_mut() {
        if let Some(list) = item.get.as_mut() {
            declare_cursor(list);
        }
    }
    Json(doc)
}

/// Every list that pages by number also pages by cursor (`crate::web::list`):
/// declare `after` wherever `page` is, so each handler need not.
fn declare_cursor(list: &mut Operation) {
    let Some(parameters) = list.parameters.as_mut() else { return };
    let named = |name: &str| parameters.iter().any(|p| p.name == name && p.parameter_in == ParameterIn::Query);
    if !named("page") || named("after") {
        return;
    }
    parameters.push(
        ParameterBuilder::new()
            .name("after")
            .parameter_in(ParameterIn::Query)
            .description(Some("the `next_cursor` of the previous page: the page after it (not with `page` > 1)"))
            .schema(Some(Object::with_type(Type::String)))
            .build(),
    );
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    css: String,
    favicon: String,
    bundle: String,
    init: String,
}

pub async fn docs_page() -> AppResult<Response> {
    render(&DocsPage {
        css: static_files::url("vendor/swagger-ui/swagger-ui.css"),
        favicon: static_files::url("img/favicon.svg"),
        bundle: static_files::url("vendor/swagger-ui/swagger-ui-bundle.js"),
        init: static_files::url("js/api-docs.js"),
    })
}
