//! `static/` embedded in the binary, served under a content-hashed URL
//! (`/static/<hash>/css/app.css`) so browsers may cache each file forever.

use std::{collections::HashMap, sync::LazyLock};

use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "static/"]
#[exclude = "*.md"]
struct Files;

/// First 12 hex digits of each file's SHA-256.
static HASHES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    Files::iter()
        .filter_map(|path| {
            let file = Files::get(&path)?;
            let hash = hex::encode(Sha256::digest(&file.data));
            Some((path.into_owned(), hash[..12].to_owned()))
        })
        .collect()
});

/// The cache-busting URL of `path` (relative to `static/`).
pub fn url(path: &str) -> String {
    let hash = HASHES.get(path).map(String::as_str).unwrap_or("0");
    format!("/static/{hash}/{path}")
}

pub async fn serve(Path((hash, path)): Path<(String, String)>) -> Response {
    let Some(file) = Files::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let cache = if HASHES.get(&path) == Some(&hash) { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(mime.as_ref()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
