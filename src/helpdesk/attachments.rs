//! Files attached to tickets. Whoever sees a ticket sees its public files;
//! a private file is, like a private followup, for those who see private
//! followups ([`Viewer::sees_private`]) and does not exist for anyone else:
//! not listed, not counted, not served (404 like a missing file). A file
//! is accepted when its content is one of a few known kinds (images, PDF,
//! office documents, plain text), whatever its name or the browser says; it
//! is served as a download (`Content-Disposition: attachment`, `nosniff`),
//! so a file never runs as a page of this site.

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{Multipart, Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    Viewer,
    domain::Ticket,
    notices::{self, Notice},
    rules,
};
use crate::{
    audit::{self, Subject},
    auth::{
        actor::{Actor, ApiActor},
        permission::ObjectKind,
    },
    error::{ApiResult, AppError, AppResult},
    state::AppState,
    web::{extract::ApiId, layout::redirect_with_flash},
};

/// Largest file accepted.
pub const MAX_SIZE: usize = 10 * 1024 * 1024;
/// Most files on one ticket, counted among those the uploader sees.
pub const MAX_PER_TICKET: i64 = 20;

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_by: Option<Uuid>,
    /// For those who see private followups only.
    pub private: bool,
    pub created_at: DateTime<Utc>,
}

/// A file as received, before it is checked.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub data: &'a [u8],
    pub private: bool,
}

/// The kind of a file from its first bytes, among those accepted.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 5] = [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
        (b"%PDF-", "application/pdf"),
        // Office documents (docx, xlsx, odt...) are zip files.
        (b"PK\x03\x04", "application/zip"),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(magic, _)| data.starts_with(magic)) {
        return Some(kind);
    }
    // Plain text: UTF-8 with no NUL, and nothing a browser would take for markup.
    let text = std::str::from_utf8(data).ok()?;
    let head = text.trim_start().get(..text.trim_start().len().min(64))?.to_ascii_lowercase();
    let markup = ["<!doctype", "<html", "<script", "<svg", "<?xml", "<body", "<head", "<iframe"];
    (!text.contains('\0') && !markup.iter().any(|m| head.starts_with(m))).then_some("text/plain; charset=utf-8")
}

/// A file name to show: its last path part, without control characters nor
/// characters that would make it read as another name.
fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let name: String = last.chars().filter(|c| !c.is_control() && !crate::web::reorders_text(*c)).take(255).collect();
    if name.trim().is_empty() { "file".into() } else { name.trim().to_owned() }
}

/// Store a file on a ticket, refused when its content is of no accepted kind,
/// when it is too large, when the ticket has its share of files already, or
/// when it is private and the person may not see private followups (as a
/// private followup is refused to them). The ticket's history records it,
/// and its people hear of it as of a followup: a private file only those
/// who see private items.
pub async fn store(pool: &PgPool, actor: &Actor, ticket: &Ticket, upload: Upload<'_>) -> AppResult<Uuid> {
    let with_private = Viewer::of(actor).sees_private(ticket.entity_id);
    if upload.private && !with_private {
        return Err(AppError::field("private", "field-not-allowed"));
    }
    let data = upload.data;
    if data.is_empty() {
        return Err(AppError::field("file", "attachment-empty"));
    }
    if data.len() > MAX_SIZE {
        return Err(AppError::PayloadTooLarge);
    }
    let content_type = sniff(data).ok_or_else(|| AppError::field("file", "attachment-kind"))?;
    let size = i32::try_from(data.len()).map_err(|_| AppError::PayloadTooLarge)?;
    let file_name = clean_name(upload.file_name);
    let mut tx = pool.begin().await?;
    // Counted under the ticket's lock, so parallel uploads cannot pass the limit together.
    sqlx::query!("select id from tickets where id = $1 for update", ticket.id).fetch_one(&mut *tx).await?;
    // Among the files this person sees, so the count never reveals a private one.
    let count = sqlx::query_scalar!(
        r#"select count(*) as "n!" from ticket_attachments where ticket_id = $1 and ($2 or not private)"#,
        ticket.id,
        with_private
    )
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_PER_TICKET {
        return Err(AppError::Refused("attachment-too-many"));
    }
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into ticket_attachments (id, ticket_id, file_name, content_type, size, data, uploaded_by, private)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        ticket.id,
        &file_name,
        content_type,
        size,
        data,
        actor.id,
        upload.private
    )
    .execute(&mut *tx)
    .await?;
    let subject = Subject::new(ObjectKind::Ticket, ticket.id, Some(ticket.entity_id));
    audit::record_change(
        &mut tx,
        &actor.audit(),
        subject,
        &serde_json::json!({}),
        &serde_json::json!({ "attachment": file_name, "attachment_private": upload.private }),
    )
    .await?;
    let notice = Notice::Attachment { private: upload.private, file_name: &file_name };
    notices::raise(&mut tx, ticket.id, notice, Some(actor.id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The files of a ticket the person sees: private ones only `with_private`
/// (from [`Viewer::sees_private`]).
pub async fn list(pool: &PgPool, ticket: Uuid, with_private: bool) -> AppResult<Vec<Attachment>> {
    Ok(sqlx::query_as!(
        Attachment,
        "select id, file_name, content_type, size, uploaded_by, private, created_at from ticket_attachments
          where ticket_id = $1 and ($2 or not private) order by created_at",
        ticket,
        with_private
    )
    .fetch_all(pool)
    .await?)
}

/// How many files of each ticket the person sees, for lists of tickets.
pub async fn counts(pool: &PgPool, viewer: &Viewer, tickets: &[Ticket]) -> AppResult<Vec<i64>> {
    let ids: Vec<Uuid> = tickets.iter().map(|t| t.id).collect();
    let rows = sqlx::query!(
        r#"select ticket_id, count(*) filter (where not private) as "public!", count(*) as "all!"
             from ticket_attachments where ticket_id = any($1) group by ticket_id"#,
        &ids
    )
    .fetch_all(pool)
    .await?;
    Ok(tickets
        .iter()
        .map(|t| {
            rows.iter()
                .find(|r| r.ticket_id == t.id)
                .map(|r| if viewer.sees_private(t.entity_id) { r.all } else { r.public })
                .unwrap_or(0)
        })
        .collect())
}

/// The file as a download: never shown inline, never sniffed by the browser.
/// A private file the person may not see answers like a missing one.
async fn download_response(pool: &PgPool, actor: &Actor, ticket: Uuid, id: &str) -> AppResult<Response> {
    let (ticket, viewer) = rules::visible(pool, actor, ticket).await?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let file = sqlx::query!(
        "select file_name, content_type, data from ticket_attachments
          where id = $1 and ticket_id = $2 and ($3 or not private)",
        id,
        ticket.id,
        viewer.sees_private(ticket.entity_id)
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let encoded: String = file
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let disposition = format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}");
    let mut response = file.data.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// Page upload (multipart, CSRF token in the query string): the file and
/// its "private" checkbox, in any order.
pub async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    mut form: Multipart,
) -> AppResult<Response> {
    let ticket = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let (ticket, _) = rules::visible(&state.db, &actor, ticket).await?;
    let back = format!("/tickets/{}", ticket.id);
    let bad_form = |_| AppError::BadRequest("malformed upload".into());
    let mut file: Option<(String, Bytes)> = None;
    let mut private = false;
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("file") if file.is_none() => {
                let name = field.file_name().unwrap_or("file").to_owned();
                file = Some((name, field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?));
            }
            Some("private") => private = super::form::is_checked(&field.text().await.map_err(bad_form)?),
            _ => {}
        }
    }
    let Some((name, data)) = file else {
        return Ok(redirect_with_flash(&back, "error", "attachment-empty"));
    };
    match store(&state.db, &actor, &ticket, Upload { file_name: &name, data: &data, private }).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "attachment-added")),
        Err(AppError::Validation(errors)) => {
            let key = errors.iter().next().map(|(_, key)| key.to_owned()).unwrap_or_else(|| "attachment-kind".into());
            Ok(redirect_with_flash(&back, "error", &key))
        }
        Err(AppError::Refused(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(AppError::PayloadTooLarge) => Ok(redirect_with_flash(&back, "error", "attachment-too-large")),
        Err(other) => Err(other),
    }
}

pub async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((ticket, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ticket = Uuid::parse_str(&ticket).map_err(|_| AppError::NotFound)?;
    download_response(&state.db, &actor, ticket, &id).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct UploadParams {
    /// The file's name, shown to people.
    pub file_name: Option<String>,
    /// For those who see private followups only (refused to the others, as a private followup is).
    pub private: Option<bool>,
}

/// Attach a file (the body is the file; 10 MB at most, 20 files per ticket)
#[utoipa::path(post, path = "/api/v1/tickets/{id}/attachments", tag = "tickets", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Attachment), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn api_upload(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(ticket): ApiId,
    Query(params): Query<UploadParams>,
    body: Body,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let (ticket, _) = rules::visible(&state.db, &actor, ticket).await?;
    // Read at most one byte past the limit, whatever the route allows.
    let body: Bytes = axum::body::to_bytes(body, MAX_SIZE + 1).await.map_err(|_| AppError::PayloadTooLarge)?;
    let upload = Upload {
        file_name: params.file_name.as_deref().unwrap_or("file"),
        data: &body,
        private: params.private.unwrap_or(false),
    };
    let id = store(&state.db, &actor, &ticket, upload).await?;
    let attachment =
        list(&state.db, ticket.id, true).await?.into_iter().find(|a| a.id == id).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// The files of a ticket (private ones for those who see private followups only)
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments", tag = "tickets",
    responses((status = 200, body = Vec<Attachment>), (status = 404, body = crate::error::Problem)))]
pub async fn api_list(
    State(state): State<AppState>,
    actor: ApiActor,
    ApiId(ticket): ApiId,
) -> ApiResult<Json<Vec<Attachment>>> {
    let (ticket, viewer) = rules::visible(&state.db, &actor, ticket).await?;
    Ok(Json(list(&state.db, ticket.id, viewer.sees_private(ticket.entity_id)).await?))
}

/// Download one file of a ticket
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{attachment}", tag = "tickets",
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = crate::error::Problem)))]
pub async fn api_download(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((ticket, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let ticket = Uuid::parse_str(&ticket).map_err(|_| AppError::NotFound)?;
    Ok(download_response(&state.db, &actor, ticket, &id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_kind() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff("Journal d'erreurs\nligne 2".as_bytes()), Some("text/plain; charset=utf-8"));
        for refused in [
            &b"<html><script>alert(1)</script>"[..],
            b"  <!DOCTYPE html>",
            b"<svg onload=alert(1)>",
            b"MZ\x90\x00\x03",
            b"a\0b",
        ] {
            assert_eq!(sniff(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn names_are_only_names() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\rapport.pdf"), "rapport.pdf");
        assert_eq!(clean_name("a\r\nb.txt"), "ab.txt");
        assert_eq!(clean_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe", "never read backwards");
        assert_eq!(clean_name("   "), "file");
    }
}
