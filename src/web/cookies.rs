//! Reading and writing the few cookies Parc uses.

use axum::http::{HeaderMap, HeaderValue, header};

/// The value of cookie `name` in the request.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure behind https.
/// `max_age` None makes a browser-session cookie; Some(0) deletes it.
pub fn set(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The session cookie's name: with `__Host-` (bound to this host, Secure, Path=/) behind https.
pub fn session_name(secure: bool) -> &'static str {
    if secure { "__Host-parc_session" } else { "parc_session" }
}

/// The anonymous CSRF cookie's name (login form).
pub fn csrf_name(secure: bool) -> &'static str {
    if secure { "__Host-parc_csrf" } else { "parc_csrf" }
}

pub const FLASH: &str = "parc_flash";
pub const LANG: &str = "parc_lang";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; parc_session=abc; b=2"));
        assert_eq!(get(&headers, "parc_session").as_deref(), Some("abc"));
        assert_eq!(get(&headers, "missing"), None);
        let cookie = set("__Host-parc_session", "x", None, true);
        let text = cookie.to_str().unwrap_or_default();
        assert!(
            text.contains("HttpOnly")
                && text.contains("SameSite=Lax")
                && text.contains("Secure")
                && text.contains("Path=/")
        );
    }
}
