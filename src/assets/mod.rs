//! The park: the asset catalog (manufacturers, statuses, categories, models)
//! and, later in this folder, the asset register.

pub mod categories;
pub mod manufacturers;
pub mod models;
pub mod register;
pub mod statuses;
pub mod tag;

use crate::web::layout::NavItem;

/// The catalog's lists, as tabs on each of them.
pub fn catalog_sections(current: &str) -> Vec<NavItem> {
    [
        ("/asset-models", "nav-models"),
        ("/asset-categories", "nav-categories"),
        ("/manufacturers", "nav-manufacturers"),
        ("/asset-statuses", "nav-statuses"),
    ]
    .into_iter()
    .map(|(href, key)| NavItem { href, key, current: href == current })
    .collect()
}
