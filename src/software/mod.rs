//! Software: the catalogue the inventory agents fill, the dictionary that
//! names what they report, licences and their seats, standard workstation
//! configurations, and licence compliance.

pub mod catalogue;
pub mod categories;
pub mod compliance;
pub mod configurations;
pub mod dictionary;
pub mod licences;

use axum::Router;
use utoipa::OpenApi;

use crate::{api::RouteTable, state::AppState, web::layout::NavItem};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(catalogue::router())
        .merge(categories::router())
        .merge(dictionary::router())
        .merge(licences::router())
        .merge(configurations::router())
        .merge(compliance::router())
}

pub fn api(table: RouteTable) -> RouteTable {
    let table = catalogue::api(table);
    let table = categories::api(table);
    let table = licences::api(table);
    let table = configurations::api(table);
    let table = dictionary::api(table);
    compliance::api(table)
}

/// The part of the OpenAPI document these routes describe.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = catalogue::Doc::openapi();
    doc.merge(categories::Doc::openapi());
    doc.merge(licences::Doc::openapi());
    doc.merge(configurations::Doc::openapi());
    doc.merge(compliance::Doc::openapi());
    doc.merge(dictionary::Doc::openapi());
    doc
}

/// The software pages, as tabs on each of them.
pub fn sections(current: &str) -> Vec<NavItem> {
    [
        ("/software", "nav-software-catalogue"),
        ("/software-categories", "nav-software-categories"),
        ("/licences", "nav-licences"),
        ("/compliance", "nav-compliance"),
        ("/standard-configurations", "nav-standard-configurations"),
        ("/software-dictionary", "nav-software-dictionary"),
    ]
    .into_iter()
    .map(|(href, key)| NavItem { href, key, current: href == current })
    .collect()
}

/// Whether `path` is one of the software pages (the menu marks "Software").
pub fn is_software_page(path: &str) -> bool {
    ["/software", "/licences", "/compliance", "/standard-configurations"].iter().any(|p| path.starts_with(p))
}
