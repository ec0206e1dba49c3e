//! The park: the asset catalog (manufacturers, statuses, categories, models)
//! and, later in this folder, the asset register.

pub mod categories;
pub mod manufacturers;
pub mod statuses;
pub mod tag;
