//! The GLPI inventory format: any JSON document is read into the model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parc::inventory::{
    model::{self, Dialect},
    normalize::Blacklist,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(document) = serde_json::from_slice::<serde_json::Value>(data) {
        let content = document.get("content").unwrap_or(&document);
        let _ = model::read(content, None, true, None, Dialect::Json, &Blacklist::defaults());
    }
});
