//! What every page shares: language, the signed-in person, navigation, flash
//! message and CSRF token. Each page template embeds a [`PageCtx`], so no
//! handler can forget the chrome (kanidm's navbar context).

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};

use super::{cookies, i18n, i18n::Lang, static_files};
use crate::{
    auth::{
        actor::{Actor, RequestAuth},
        permission::{Action, ObjectKind},
    },
    error::AppError,
};

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub current: bool,
}

#[derive(Clone, Debug)]
pub struct Flash {
    pub kind: &'static str,
    pub key: String,
}

#[derive(Clone, Debug)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<Actor>,
    pub csrf: String,
    pub path: String,
    pub flash: Option<Flash>,
    pub nav: Vec<NavItem>,
    /// A translated message shown at the top of the page (a refused stale edit).
    pub notice: Option<String>,
}

impl PageCtx {
    pub fn from_parts(parts: &Parts) -> Self {
        let auth = parts.extensions.get::<RequestAuth>();
        let user = auth.and_then(|a| a.actor.clone());
        let lang = user.as_ref().map(|u| u.lang).unwrap_or_else(|| visitor_lang(&parts.headers));
        let path = parts.uri.path().to_owned();
        let nav = user.as_ref().map(|u| navigation(u, &path)).unwrap_or_default();
        Self {
            lang,
            csrf: auth.map(|a| a.csrf.clone()).unwrap_or_default(),
            flash: read_flash(&parts.headers),
            user,
            path,
            nav,
            notice: None,
        }
    }

    /// Explain a refused stale edit: who changed the object, and when.
    pub fn with_stale(mut self, by: &str, at: &DateTime<Utc>) -> Self {
        let when = self.time(at);
        self.notice = Some(i18n::tr_args(self.lang, "stale-edit", &[("who", by), ("when", &when)]));
        self
    }

    /// The message `key` in this page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key)
    }

    /// "Yes" or "No" in this page's language.
    pub fn yes_no(&self, value: bool) -> String {
        self.t(if value { "yes" } else { "no" })
    }

    /// The message `key` with named arguments.
    pub fn t_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tr_args(self.lang, key, args)
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        i18n::tr_args(self.lang, key, &[(name, value)])
    }

    pub fn static_url(&self, path: &str) -> String {
        static_files::url(path)
    }

    /// A time in the person's time zone ("2026-11-21 09:05").
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        let zone = self.user.as_ref().map(|u| u.time_zone).unwrap_or(chrono_tz::Europe::Paris);
        local_minute(&at.with_timezone(&zone))
    }

    pub fn opt_time(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref().map(|t| self.time(t)).unwrap_or_default()
    }

    pub fn languages(&self) -> [Lang; 2] {
        Lang::ALL
    }

    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.name.as_str()).unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageCtx::from_parts(parts))
    }
}

/// `at` as "%Y-%m-%d %H:%M", written digit by digit: pages show dozens of
/// times (a row, a followup each), and chrono reads the format string anew
/// at every call.
fn local_minute<Z: TimeZone>(at: &DateTime<Z>) -> String
where
    Z::Offset: std::fmt::Display,
{
    let year = at.year();
    if !(0..=9999).contains(&year) {
        return at.format("%Y-%m-%d %H:%M").to_string();
    }
    let mut text = String::with_capacity(16);
    for (value, width, then) in [
        (year.unsigned_abs(), 4, Some('-')),
        (at.month(), 2, Some('-')),
        (at.day(), 2, Some(' ')),
        (at.hour(), 2, Some(':')),
        (at.minute(), 2, None),
    ] {
        for place in (0..width).rev() {
            text.push(char::from(b'0' + ((value / 10u32.pow(place)) % 10) as u8));
        }
        text.extend(then);
    }
    text
}

/// A visitor's language: their earlier choice, else the browser's, else French.
fn visitor_lang(headers: &HeaderMap) -> Lang {
    cookies::get(headers, cookies::LANG)
        .and_then(|c| Lang::parse(&c))
        .or_else(|| {
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The menu a person sees: only what their roles let them open.
fn navigation(actor: &Actor, path: &str) -> Vec<NavItem> {
    let mut items = vec![
        ("/", "nav-home", None),
        ("/my-equipment", "nav-my-equipment", None),
        helpdesk_door(actor),
        ("/kb", "nav-kb", None),
    ];
    items.extend([
        ("/assets", "nav-assets", Some(ObjectKind::Asset)),
        ("/entities", "nav-entities", Some(ObjectKind::Entity)),
        ("/locations", "nav-locations", Some(ObjectKind::Location)),
        ("/users", "nav-users", Some(ObjectKind::User)),
        ("/groups", "nav-groups", Some(ObjectKind::Group)),
        ("/asset-models", "nav-catalog", Some(ObjectKind::AssetModel)),
        ("/software", "nav-software", Some(ObjectKind::Software)),
    ]);
    let mut items: Vec<_> =
        items.into_iter().filter(|(_, _, kind)| kind.is_none_or(|k| actor.can(k, Action::View))).collect();
    if actor.can(ObjectKind::Asset, Action::Create) || actor.can(ObjectKind::User, Action::Create) {
        items.push(("/imports", "nav-imports", None));
    }
    // Those who set the helpdesk up; technicians read the settings from the tickets' pages.
    if actor.can(ObjectKind::HelpdeskSettings, Action::Update) {
        items.push(("/settings/helpdesk", "nav-helpdesk-settings", None));
    }
    if actor.can(ObjectKind::InventorySettings, Action::View) {
        items.push(("/inventory/agents", "nav-inventory", None));
    }
    items
        .into_iter()
        .map(|(href, key, _)| NavItem {
            href,
            key,
            current: if href == "/" {
                path == "/"
            } else {
                path.starts_with(href)
                    || (href == "/asset-models" && is_catalog(path))
                    || (href == "/software" && crate::software::is_software_page(path))
                    || (href == "/settings/helpdesk" && is_helpdesk_settings(path))
                    || (href == "/inventory/agents" && path.starts_with("/inventory/"))
            },
        })
        .collect()
}

/// The helpdesk works tickets; everyone else asks through the portal.
fn helpdesk_door(actor: &Actor) -> (&'static str, &'static str, Option<ObjectKind>) {
    if actor.can(ObjectKind::Ticket, Action::View) {
        ("/tickets", "nav-tickets", None)
    } else {
        ("/portal", "nav-portal", None)
    }
}

fn is_catalog(path: &str) -> bool {
    ["/asset-categories", "/manufacturers", "/asset-statuses"].iter().any(|p| path.starts_with(p))
}

fn is_helpdesk_settings(path: &str) -> bool {
    ["/ticket-categories", "/calendars", "/slas"].iter().any(|p| path.starts_with(p))
}

fn read_flash(headers: &HeaderMap) -> Option<Flash> {
    let value = cookies::get(headers, cookies::FLASH)?;
    let (kind, key) = value.split_once('.')?;
    let kind = match kind {
        "success" => "success",
        "error" => "error",
        _ => "info",
    };
    // Only catalogue messages: a forged cookie cannot put text on the page.
    i18n::has_key(key).then(|| Flash { kind, key: key.to_owned() })
}

/// 303 to `to`, showing message `key` on the next page.
pub fn redirect_with_flash(to: &str, kind: &str, key: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::set(cookies::FLASH, &format!("{kind}.{key}"), Some(60), false));
    response
}

/// Where a delete confirmation leads: the list, or back to the object with
/// the reason it was refused.
pub fn after_delete(outcome: Result<(), AppError>, list: &str, object: &str) -> Result<Response, AppError> {
    match outcome {
        Ok(()) => Ok(redirect_with_flash(list, "success", "flash-deleted")),
        Err(AppError::InUse(key)) => Ok(redirect_with_flash(object, "error", &key)),
        Err(AppError::StaleEdit { .. }) => Ok(redirect_with_flash(object, "error", "stale-edit-short")),
        Err(other) => Err(other),
    }
}

/// Clears the flash cookie once a page has shown it.
pub fn clear_flash(response: &mut Response) {
    if response.status() == StatusCode::OK {
        response.headers_mut().append(header::SET_COOKIE, cookies::set(cookies::FLASH, "", Some(0), false));
    }
}

/// `?next=` values that stay on this site: a path starting with one `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Header value helper for templates' HTML responses.
pub fn html_content_type() -> HeaderValue {
    HeaderValue::from_static("text/html; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_chrono_writes_them() {
        let zones = [chrono_tz::Europe::Paris, chrono_tz::America::New_York, chrono_tz::Asia::Kolkata, chrono_tz::UTC];
        let instants = ["2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:30:00Z", "2026-12-31T23:59:00Z"];
        for instant in instants {
            let at: DateTime<Utc> = instant.parse().expect("instant");
            for zone in zones {
                let local = at.with_timezone(&zone);
                assert_eq!(local_minute(&local), local.format("%Y-%m-%d %H:%M").to_string(), "{instant} {zone}");
            }
        }
        for far in ["0009-01-02T03:04:00Z", "9999-12-31T23:59:00Z", "+10000-01-01T00:00:00Z"] {
            let at: DateTime<Utc> = far.parse().expect("instant");
            assert_eq!(local_minute(&at), at.format("%Y-%m-%d %H:%M").to_string(), "{far}");
        }
    }

    #[test]
    fn next_stays_on_this_site() {
        for bad in
            ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "evil", "/\r\nx"]
        {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(Some("/users?page=2")), "/users?page=2");
        assert_eq!(safe_next(None), "/");
    }
}
