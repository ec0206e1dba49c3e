//! Printable labels: a QR code opening the asset's page (after login) and a
//! Code 128 barcode of its tag, one label or an A4 sheet of 3 × 8.

use askama::Template;
use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use qrcode::{Color, EcLevel, QrCode};
use uuid::Uuid;

use super::{
    db::{self, AssetList},
    domain::Asset,
};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::{AppError, AppResult},
    state::AppState,
    web::{
        PageCtx,
        extract::{Id, parse_query},
        list::{ListParams, fetch_page},
        render,
    },
};

/// Labels on one A4 sheet.
pub const PER_SHEET: usize = 24;
/// Most labels printed at once.
pub const MAX_LABELS: u32 = 240;
/// Modules of white around the code, as the QR specification asks.
const QUIET_ZONE: usize = 4;

/// The QR code of `text` as SVG: one square per dark module, in module units.
pub fn qr_svg(text: &str) -> AppResult<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" \
         role=\"img\" aria-hidden=\"true\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>"
    );
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            svg.push_str(&format!("<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\"/>"));
        }
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// The Code 128 barcode of a tag as SVG (character set B: printable ASCII).
pub fn code128_svg(tag: &str) -> Option<String> {
    let code = barcoders::sym::code128::Code128::new(format!("Ɓ{tag}")).ok()?;
    barcoders::generators::svg::SVG::new(40).generate(code.encode()).ok()
}

pub struct Label {
    pub tag: String,
    pub caption: String,
    /// Generated here from the URL and the tag (never from free text), so
    /// safe to put in the page as markup.
    pub qr: String,
    pub barcode: String,
}

fn label(base_url: &str, asset: &Asset) -> AppResult<Label> {
    let url = format!("{}/assets/{}", base_url.trim_end_matches('/'), asset.id);
    let caption = if asset.name.is_empty() {
        asset.model_name.clone()
    } else {
        format!("{} · {}", asset.name, asset.model_name)
    };
    Ok(Label {
        tag: asset.tag.clone(),
        caption,
        qr: qr_svg(&url)?,
        barcode: code128_svg(&asset.tag).unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "assets/labels.html")]
struct LabelsPage {
    ctx: PageCtx,
    sheets: Vec<Vec<Label>>,
    back: String,
}

fn page(ctx: PageCtx, labels: Vec<Label>, back: String) -> AppResult<Response> {
    let mut sheets = Vec::new();
    let mut rest = labels.into_iter().peekable();
    while rest.peek().is_some() {
        sheets.push(rest.by_ref().take(PER_SHEET).collect());
    }
    render(&LabelsPage { ctx, sheets, back })
}

/// One asset's label.
pub async fn one(State(state): State<AppState>, ctx: PageCtx, actor: Actor, Id(id): Id) -> AppResult<Response> {
    let asset = db::find(&state.db, &actor.scope(ObjectKind::Asset, Action::View)?, id).await?;
    page(ctx, vec![label(&state.config.public_url, &asset)?], format!("/assets/{id}"))
}

/// Labels of the assets the list shows with the same filters (or `ids=a,b,c`).
pub async fn sheet(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let scope = actor.scope(ObjectKind::Asset, Action::View)?;
    let wanted: Option<Vec<Uuid>> = form_urlencoded_ids(raw.as_deref())?;
    let assets: Vec<Asset> = match wanted {
        Some(ids) => db::find_many(&state.db, &scope, &ids[..ids.len().min(MAX_LABELS as usize)]).await?,
        None => {
            let mut query = parse_query::<ListParams>(raw.as_deref())?.check()?;
            query.page = 1;
            query.per_page = MAX_LABELS;
            let filter = super::pages::filter_from(raw.as_deref())?;
            fetch_page::<AssetList>(&state.db, &scope, &filter, &query).await?.items
        }
    };
    let labels = assets.iter().map(|a| label(&state.config.public_url, a)).collect::<AppResult<Vec<_>>>()?;
    page(ctx, labels, "/assets".into())
}

/// `ids=a,b,c` from the query string, if given.
fn form_urlencoded_ids(raw: Option<&str>) -> AppResult<Option<Vec<Uuid>>> {
    #[derive(serde::Deserialize, Default)]
    struct Ids {
        ids: Option<String>,
    }
    let Ids { ids } = parse_query(raw)?;
    let Some(ids) = ids.filter(|i| !i.trim().is_empty()) else { return Ok(None) };
    ids.split(',')
        .map(|id| Uuid::parse_str(id.trim()).map_err(|_| AppError::BadRequest("ids must be asset ids".into())))
        .collect::<AppResult<Vec<_>>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_pure_shapes() {
        let qr = qr_svg("http://127.0.0.1:8080/assets/01a1").expect("qr");
        assert!(qr.starts_with("<svg") && qr.contains("<rect x=") && !qr.contains("script") && !qr.contains("style="));
        let barcode = code128_svg("PC-2026-00042").expect("barcode");
        assert!(barcode.starts_with("<svg") && barcode.contains("<rect") && !barcode.contains("PC-2026"));
        assert!(code128_svg("É").is_none(), "outside Code 128 set B");
    }
}
