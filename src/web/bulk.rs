//! What bulk actions on list pages share: the ticked rows, the panel's
//! fields (fetched when the panel opens, so long choice lists never slow the
//! list itself), and the page that says what changed or why nothing did.

use askama::Template;
use axum::{http::StatusCode, response::Response};
use uuid::Uuid;

use super::{PageCtx, form::FieldErrors, render, render_status, table::FormField};
use crate::error::{AppError, AppResult};

/// The `ids` of a list's bulk form, refused when none or more than `max`.
pub fn ticked_ids(pairs: &[(String, String)], max: usize) -> AppResult<Vec<Uuid>> {
    let ids = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| Uuid::parse_str(v.trim()).map_err(|_| AppError::BadRequest("not an id".into())))
        .collect::<AppResult<Vec<_>>>()?;
    check_selection(&ids, max)?;
    Ok(ids)
}

/// At least one row, at most `max`, so one request stays one short transaction.
pub fn check_selection(ids: &[Uuid], max: usize) -> AppResult<()> {
    if ids.is_empty() {
        return Err(AppError::field("ids", "bulk-none-selected"));
    }
    if ids.len() > max {
        return Err(AppError::field("ids", "bulk-too-many"));
    }
    Ok(())
}

/// The fields of a bulk panel, alone (the answer to the panel's opening).
#[derive(Template)]
#[template(path = "generic/bulk_fields.html")]
pub struct FieldsFragment {
    pub ctx: PageCtx,
    pub fields: Vec<FormField>,
    pub no_errors: FieldErrors,
}

pub fn fields_fragment(ctx: PageCtx, fields: Vec<FormField>) -> AppResult<Response> {
    render(&FieldsFragment { ctx, fields, no_errors: FieldErrors::default() })
}

#[derive(Template)]
#[template(path = "generic/bulk_result.html")]
struct ResultPage {
    ctx: PageCtx,
    title_key: &'static str,
    back_href: &'static str,
    back_key: &'static str,
    updated: Vec<String>,
    /// Why nothing changed: already in the page's language.
    refusal: Option<String>,
}

/// Where a result page leads back to, and its wording.
pub struct ResultWording {
    pub title_key: &'static str,
    pub back_href: &'static str,
    pub back_key: &'static str,
}

/// What changed (200), or why nothing did (422 for the form, 409 for a row that refused).
pub fn result_page(ctx: PageCtx, wording: &ResultWording, outcome: AppResult<Vec<String>>) -> AppResult<Response> {
    let (status, updated, refusal) = match outcome {
        Ok(updated) => (StatusCode::OK, updated, None),
        Err(AppError::Validation(errors)) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_default();
            (StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), Some(ctx.t(&key)))
        }
        Err(AppError::Conflict(reason) | AppError::Unprocessable(reason)) => {
            (StatusCode::CONFLICT, Vec::new(), Some(reason))
        }
        Err(other) => return Err(other),
    };
    let page = ResultPage {
        ctx,
        title_key: wording.title_key,
        back_href: wording.back_href,
        back_key: wording.back_key,
        updated,
        refusal,
    };
    render_status(status, &page)
}
