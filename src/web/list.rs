//! One way of listing every object type: a list-parameter type (q, filters,
//! sort, direction, page, per_page), sort columns from a whitelist, every value
//! bound, and the same query serving the HTML table, the CSV export and the API.
//! A new object type writes its [`Listing`] impl (columns, FROM/WHERE, sort
//! keys) and gets paging, counting, CSV streaming and the JSON envelope.

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder, postgres::PgRow};

use crate::{
    auth::permission::Scope,
    error::{AppError, AppResult},
};

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;

/// A column a list may be sorted on. The only way a column name reaches ORDER BY.
pub trait SortKey: Copy + Send + Sync + 'static {
    const ALL: &'static [Self];
    const DEFAULT: Self;
    /// Name in URLs (`?sort=name`).
    fn name(self) -> &'static str;
    /// SQL expression, a constant.
    fn column(self) -> &'static str;
    /// True when the column is on the base table (COUNT_FROM): a page is then
    /// found on that table alone and only its rows get the display joins,
    /// instead of joining every row skipped by the offset.
    fn on_base_table(self) -> bool {
        false
    }
    /// Sorted newest or highest first when the person did not say (ticket numbers).
    fn descending_by_default(self) -> bool {
        false
    }
}

/// One object type's list: its row, filter and sort keys, and its SQL.
pub trait Listing: 'static {
    type Row: for<'r> FromRow<'r, PgRow> + Serialize + CsvRecord + Send + Unpin + 'static;
    type Filter: Clone + std::fmt::Debug + Send + Sync + 'static;
    type Sort: SortKey;
    /// The select list (a constant).
    const COLUMNS: &'static str;
    /// FROM with the joins the columns need.
    const FROM: &'static str;
    /// FROM for counting: the base table alone, since the WHERE clause only
    /// looks at it (counting through joins costs several times more).
    const COUNT_FROM: &'static str;
    /// Unique column ending every ORDER BY, so pages are stable.
    const TIEBREAK: &'static str;
    /// WHERE ...: the scope, the filters and the search, every value bound.
    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &Self::Filter, q: Option<&str>);
}

/// A row that can be written as CSV.
pub trait CsvRecord {
    fn csv_header() -> &'static [&'static str];
    fn csv_row(&self) -> Vec<String>;
}

/// The list parameters as they come from the query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListParams {
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// Checked list parameters.
#[derive(Clone, Debug)]
pub struct ListQuery<S> {
    pub q: Option<String>,
    pub sort: S,
    pub desc: bool,
    pub page: u32,
    pub per_page: u32,
}

impl ListParams {
    /// Refuses unknown sort columns and malformed numbers with a 400.
    pub fn check<S: SortKey>(&self) -> AppResult<ListQuery<S>> {
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => S::DEFAULT,
            Some(name) => S::ALL.iter().copied().find(|key| key.name() == name).ok_or_else(|| {
                AppError::BadRequest(format!("unknown sort column; use one of: {}", sort_names::<S>()))
            })?,
        };
        let desc = match self.dir.as_deref().filter(|d| !d.is_empty()) {
            None => sort.descending_by_default(),
            Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(AppError::BadRequest("dir must be asc or desc".into())),
        };
        let page = parse_number(self.page.as_deref(), "page", 1)?.max(1);
        let per_page = parse_number(self.per_page.as_deref(), "per_page", DEFAULT_PER_PAGE)?.clamp(1, MAX_PER_PAGE);
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(200).collect());
        Ok(ListQuery { q, sort, desc, page, per_page })
    }
}

fn sort_names<S: SortKey>() -> String {
    S::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

fn parse_number(value: Option<&str>, name: &str, default: u32) -> AppResult<u32> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v.parse::<u32>().map_err(|_| AppError::BadRequest(format!("{name} must be a positive number"))),
    }
}

/// `%fragment%` for ILIKE, with the fragment's own wildcards escaped.
pub fn like_pattern(fragment: &str) -> String {
    let escaped = fragment.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of rows and the total across all pages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// False when `total` is an estimate (more than [`COUNT_CAP`] rows).
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        let pages = (self.total.max(0) as u64).div_ceil(u64::from(self.per_page.max(1)));
        u32::try_from(pages).unwrap_or(u32::MAX).max(1)
    }
}

/// Descending is the exact reverse of ascending (empty values last, then
/// first), tiebreak included, so one index on (column, id) serves both.
fn push_order<S: SortKey>(qb: &mut QueryBuilder<'_, Postgres>, query: &ListQuery<S>, tiebreak: &str) {
    let dir = if query.desc { " desc" } else { " asc" };
    qb.push(" order by ").push(query.sort.column()).push(dir).push(", ").push(tiebreak).push(dir);
}

/// select COLUMNS FROM WHERE ORDER BY, without the limit.
fn select_rows<'a, L: Listing>(
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
) -> QueryBuilder<'a, Postgres> {
    let mut rows = QueryBuilder::new("select ");
    rows.push(L::COLUMNS).push(" ").push(L::FROM).push(" ");
    L::push_where(&mut rows, scope, filter, query.q.as_deref());
    push_order(&mut rows, query, L::TIEBREAK);
    rows
}

/// One page of `L` rows.
pub async fn fetch_page<L: Listing>(
    pool: &PgPool,
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
) -> AppResult<Page<L::Row>> {
    let (total, total_exact) = count::<L>(pool, scope, filter, query).await?;

    let offset = i64::from(query.page - 1) * i64::from(query.per_page);
    let mut rows = if query.sort.on_base_table() {
        // Deferred join: the page's ids from the base table, then their details.
        let mut rows = QueryBuilder::new("select ");
        rows.push(L::COLUMNS).push(" ").push(L::FROM).push(" where ").push(L::TIEBREAK).push(" = any(array(select ");
        rows.push(L::TIEBREAK).push(" ").push(L::COUNT_FROM).push(" ");
        L::push_where(&mut rows, scope, filter, query.q.as_deref());
        push_order(&mut rows, query, L::TIEBREAK);
        rows.push(" limit ").push_bind(i64::from(query.per_page)).push(" offset ").push_bind(offset).push("))");
        push_order(&mut rows, query, L::TIEBREAK);
        rows
    } else {
        let mut rows = select_rows::<L>(scope, filter, query);
        rows.push(" limit ").push_bind(i64::from(query.per_page)).push(" offset ").push_bind(offset);
        rows
    };
    let items = rows.build_query_as::<L::Row>().fetch_all(pool).await?;
    Ok(Page { items, total, total_exact, page: query.page, per_page: query.per_page })
}

/// One row of `L` by its id (the [`Listing::TIEBREAK`] column) when its
/// `entity_column` lies within `scope`; else NotFound, the same answer for a
/// missing row and one out of scope.
pub async fn find_in_scope<L: Listing>(
    pool: &PgPool,
    scope: &Scope,
    entity_column: &'static str,
    id: uuid::Uuid,
) -> AppResult<L::Row> {
    let mut query = QueryBuilder::new("select ");
    query.push(L::COLUMNS).push(" ").push(L::FROM).push(" where ").push(L::TIEBREAK).push(" = ").push_bind(id);
    query.push(" and ").push(entity_column).push(" = any(").push_bind(scope.ids().to_vec()).push(")");
    query.build_query_as::<L::Row>().fetch_optional(pool).await?.ok_or(AppError::NotFound)
}

/// Lists count exactly up to this many rows; beyond, PostgreSQL's estimate.
pub const COUNT_CAP: i64 = 1_000;

/// The number of rows of the filtered list, and whether it is exact.
/// Counting 100 000 rows costs more than showing a page of them, and "about
/// 95 000" tells a person as much as "95 212": past [`COUNT_CAP`] the count
/// is the planner's estimate (never below the rows already counted).
async fn count<L: Listing>(
    pool: &PgPool,
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
) -> AppResult<(i64, bool)> {
    let mut capped = QueryBuilder::new("select count(*) from (select 1 ");
    capped.push(L::COUNT_FROM).push(" ");
    L::push_where(&mut capped, scope, filter, query.q.as_deref());
    capped.push(" limit ").push_bind(COUNT_CAP + 1).push(") capped");
    let counted: i64 = capped.build_query_scalar().fetch_one(pool).await?;
    if counted <= COUNT_CAP {
        return Ok((counted, true));
    }
    let key = format!("{}|{:?}|{:?}|{:?}", std::any::type_name::<L>(), scope.ids(), filter, query.q);
    if let Some(estimate) = estimates::get(&key) {
        return Ok((estimate.max(counted), false));
    }
    let mut explain = QueryBuilder::new("explain (format json) select 1 ");
    explain.push(L::COUNT_FROM).push(" ");
    L::push_where(&mut explain, scope, filter, query.q.as_deref());
    let plan: serde_json::Value = explain.build_query_scalar().fetch_one(pool).await?;
    let estimate = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or_default() as i64;
    estimates::put(key, estimate);
    Ok((estimate.max(counted), false))
}

/// Estimates of large lists, kept a short while: planning the EXPLAIN costs
/// as much as showing the page, and an estimate does not move in seconds.
mod estimates {
    use std::{
        collections::HashMap,
        sync::{Mutex, OnceLock},
        time::{Duration, Instant},
    };

    const KEPT: Duration = Duration::from_secs(30);
    const MAX_ENTRIES: usize = 1000;

    fn cache() -> &'static Mutex<HashMap<String, (Instant, i64)>> {
        static CACHE: OnceLock<Mutex<HashMap<String, (Instant, i64)>>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    pub fn get(key: &str) -> Option<i64> {
        let cache = cache().lock().ok()?;
        cache.get(key).filter(|(at, _)| at.elapsed() < KEPT).map(|(_, estimate)| *estimate)
    }

    pub fn put(key: String, estimate: i64) {
        if let Ok(mut cache) = cache().lock() {
            if cache.len() >= MAX_ENTRIES {
                cache.retain(|_, (at, _)| at.elapsed() < KEPT);
                if cache.len() >= MAX_ENTRIES {
                    cache.clear();
                }
            }
            cache.insert(key, (Instant::now(), estimate));
        }
    }
}

/// Neutralise a cell a spreadsheet would run as a formula (CSV injection).
pub fn csv_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// Every row of the filtered list as a streamed CSV download: rows go out as
/// PostgreSQL returns them, so memory stays flat whatever the count.
pub fn csv_download<L: Listing>(
    pool: PgPool,
    scope: Scope,
    filter: L::Filter,
    query: ListQuery<L::Sort>,
    filename: &str,
) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut qb = select_rows::<L>(&scope, &filter, &query);
        let mut rows = qb.build_query_as::<L::Row>().fetch(&pool);
        // A byte-order mark so spreadsheet programs read the file as UTF-8.
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let mut failed = writer.write_record(L::Row::csv_header()).is_err();
        while let Some(row) = rows.next().await {
            let written = match row {
                Ok(row) => {
                    writer.write_record(row.csv_row().iter().map(|c| csv_safe(c))).map_err(std::io::Error::other)
                }
                Err(error) => Err(std::io::Error::other(error)),
            };
            if let Err(error) = written {
                tracing::error!(%error, "CSV export stopped");
                failed = true;
                break;
            }
            if writer.get_ref().len() >= 64 * 1024 {
                let full = std::mem::replace(&mut writer, csv::Writer::from_writer(Vec::new()));
                let chunk = full.into_inner().unwrap_or_default();
                if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
                    return; // the client went away
                }
            }
        }
        let last = match writer.into_inner() {
            Ok(rest) if !failed => Ok(Bytes::from(rest)),
            // A truncated file must not look complete: end the body with an error.
            _ => Err(std::io::Error::other("export failed")),
        };
        let _ = sender.send(last).await;
    });
    csv_attachment(Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver)), filename)
}

/// A CSV body as a download named `filename`.
fn csv_attachment(body: Body, filename: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Rows already in memory (a computed report) as a CSV download, cells
/// neutralised like every export.
pub fn csv_document(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    filename: &str,
) -> AppResult<Response> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(header).map_err(|e| AppError::Internal(e.into()))?;
    for row in rows {
        writer.write_record(row.iter().map(|c| csv_safe(c))).map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("CSV: {e}")))?;
    Ok(csv_attachment(Body::from(bytes), filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum TestSort {
        Name,
        Created,
    }
    impl SortKey for TestSort {
        const ALL: &'static [Self] = &[TestSort::Name, TestSort::Created];
        const DEFAULT: Self = TestSort::Name;
        fn name(self) -> &'static str {
            match self {
                TestSort::Name => "name",
                TestSort::Created => "created",
            }
        }
        fn column(self) -> &'static str {
            match self {
                TestSort::Name => "t.name",
                TestSort::Created => "t.created_at",
            }
        }
    }

    fn params(sort: &str, dir: &str, page: &str, per_page: &str) -> ListParams {
        ListParams {
            q: Some("  ada ".into()),
            sort: Some(sort.into()),
            dir: Some(dir.into()),
            page: Some(page.into()),
            per_page: Some(per_page.into()),
        }
    }

    #[test]
    fn checks_and_caps_parameters() {
        let query = params("created", "desc", "3", "5000").check::<TestSort>().expect("valid");
        assert_eq!(query.sort, TestSort::Created);
        assert!(query.desc);
        assert_eq!((query.page, query.per_page), (3, MAX_PER_PAGE));
        assert_eq!(query.q.as_deref(), Some("ada"));
        let defaults = ListParams::default().check::<TestSort>().expect("valid");
        assert_eq!((defaults.sort, defaults.desc, defaults.page, defaults.per_page), (TestSort::Name, false, 1, 50));
    }

    #[test]
    fn refuses_injected_sort_and_direction() {
        for (sort, dir) in [("name;drop table users", "asc"), ("(select pg_sleep(5))", "asc"), ("name", "asc;--")] {
            let error = params(sort, dir, "1", "10").check::<TestSort>().expect_err("must refuse");
            assert!(matches!(error, AppError::BadRequest(_)));
        }
        assert!(params("name", "asc", "abc", "10").check::<TestSort>().is_err());
        assert!(params("name", "asc", "1", "-3").check::<TestSort>().is_err());
    }

    #[test]
    fn neutralises_formula_cells() {
        for payload in ["=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(1+1)", "\tx", "\rx"] {
            assert!(csv_safe(payload).starts_with('\''), "{payload}");
        }
        assert_eq!(csv_safe("Paris"), "Paris");
        assert_eq!(csv_safe(""), "");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn counts_pages() {
        let page = Page::<()> { items: vec![], total: 101, total_exact: true, page: 1, per_page: 50 };
        assert_eq!(page.page_count(), 3);
        let empty = Page::<()> { items: vec![], total: 0, total_exact: true, page: 1, per_page: 50 };
        assert_eq!(empty.page_count(), 1);
    }
}
