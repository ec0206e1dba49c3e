//! Legacy XML (FusionInventory, OCS): any bytes are read as text (UTF-8 or
//! Windows-1252), parsed under the limits, then read into the model. Nothing
//! may panic, and the limits must hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parc::inventory::{
    model::{self, Dialect},
    normalize::Blacklist,
    wire::text_of,
    xml::{Limits, to_json},
};

fuzz_target!(|data: &[u8]| {
    let text = text_of(data);
    if let Ok(document) = to_json(&text, Limits::default()) {
        if let Some(content) = document.get("content") {
            let _ = model::read(content, None, false, None, Dialect::Xml, &Blacklist::defaults());
        }
    }
});
