//! Parc: IT asset management and helpdesk for the people who run a company's
//! computer park. `main.rs` parses the command line and calls into this crate.

pub mod api;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod generate;
pub mod helpdesk;
pub mod imports;
pub mod inventory;
pub mod jobs;
pub mod kb;
pub mod notify;
pub mod org;
pub mod routes;
pub mod saved_searches;
pub mod software;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
