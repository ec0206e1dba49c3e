//! The park: the asset catalog (manufacturers, statuses, categories, models)
//! and, later in this folder, the asset register.

pub mod manufacturers;
