//! One way of listing every object type: a list-parameter type (q, filters,
//! sort, direction, page, per_page), sort columns from a whitelist, every value
//! bound, and the same query serving the HTML table, the CSV export and the API.
//! A new object type writes its [`Listing`] impl (columns, FROM/WHERE, sort
//! keys) and gets paging, counting, CSV streaming and the JSON envelope.
//!
//! Pages are found two ways: by number (`page`, an OFFSET, for the HTML table
//! and clients that jump around) and by cursor (`after`, the `next_cursor` of
//! the previous page). When the sort column is on the base table
//! ([`SortKey::on_base_table`], where the (column, id) indexes are), a cursor
//! names the page's last row and the next page starts right after it in the
//! index, so walking the whole list costs the first page's price on every
//! page instead of a price growing with the page number. Other sorts have no
//! index to seek in: their cursor is the next page's offset, as cheap as the
//! page number it stands for.

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder, Row, postgres::PgRow};
use uuid::Uuid;

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
    /// A `next_cursor` from the previous page.
    pub after: Option<String>,
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
    /// Refuses unknown sort columns, malformed numbers and cursors, and a
    /// cursor with a page number, with a 400.
    pub fn check<S: SortKey>(&self) -> AppResult<CheckedQuery<S>> {
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
        let after = self.after.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(Cursor::decode).transpose()?;
        if after.is_some() && page > 1 {
            return Err(AppError::BadRequest(
                "give either after or page, not both: a cursor says where the page starts".into(),
            ));
        }
        Ok(CheckedQuery { query: ListQuery { q, sort, desc, page, per_page }, after })
    }
}

/// Checked list parameters with the cursor, if any. It reads as the
/// [`ListQuery`] it holds, so code that only needs the sort or the page number
/// does not see cursors, and a query written in code (with no cursor) is a
/// plain `ListQuery`.
#[derive(Clone, Debug)]
pub struct CheckedQuery<S> {
    query: ListQuery<S>,
    after: Option<Cursor>,
}

impl<S> std::ops::Deref for CheckedQuery<S> {
    type Target = ListQuery<S>;
    fn deref(&self) -> &ListQuery<S> {
        &self.query
    }
}

impl<S> std::ops::DerefMut for CheckedQuery<S> {
    fn deref_mut(&mut self) -> &mut ListQuery<S> {
        &mut self.query
    }
}

impl<S> From<CheckedQuery<S>> for ListQuery<S> {
    fn from(checked: CheckedQuery<S>) -> Self {
        checked.query
    }
}

/// Where a page starts: a page number, or where a cursor says.
pub trait Position<S> {
    fn query(&self) -> &ListQuery<S>;
    fn after(&self) -> Option<Cursor>;
}

impl<S> Position<S> for ListQuery<S> {
    fn query(&self) -> &ListQuery<S> {
        self
    }
    fn after(&self) -> Option<Cursor> {
        None
    }
}

impl<S> Position<S> for CheckedQuery<S> {
    fn query(&self) -> &ListQuery<S> {
        &self.query
    }
    fn after(&self) -> Option<Cursor> {
        self.after
    }
}

/// Where the next page starts. After a row: the page's last row, by its id
/// (the [`Listing::TIEBREAK`] column), with no sort value in it: the server
/// reads the row again within the list's own scope and filters, so a made-up
/// cursor can only name a row the caller could list anyway, or be refused.
/// At an offset: for sorts with no index to seek in; any offset shows only
/// the caller's list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cursor {
    Row(Uuid),
    Offset(i64),
}

impl Cursor {
    const ROW: u8 = 1;
    const OFFSET: u8 = 2;

    /// A tag byte then the id or the offset, in URL-safe base64.
    pub fn encode(self) -> String {
        let mut bytes = Vec::with_capacity(17);
        match self {
            Cursor::Row(id) => {
                bytes.push(Self::ROW);
                bytes.extend_from_slice(id.as_bytes());
            }
            Cursor::Offset(offset) => {
                bytes.push(Self::OFFSET);
                bytes.extend_from_slice(&offset.to_be_bytes());
            }
        }
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn decode(cursor: &str) -> AppResult<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).unwrap_or_default();
        let cursor = match bytes.split_first() {
            Some((&Self::ROW, id)) => Uuid::from_slice(id).ok().map(Cursor::Row),
            Some((&Self::OFFSET, offset)) => {
                offset.try_into().ok().map(i64::from_be_bytes).filter(|o| *o >= 0).map(Cursor::Offset)
            }
            _ => None,
        };
        cursor.ok_or_else(|| AppError::BadRequest("after must be a next_cursor this list returned".into()))
    }

    /// The offset an offset cursor stands for, for lists paged by offset only.
    pub fn offset_in(cursor: &str) -> AppResult<i64> {
        match Self::decode(cursor)? {
            Cursor::Offset(offset) => Ok(offset),
            Cursor::Row(_) => Err(AppError::BadRequest("after comes from another list".into())),
        }
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
    /// 1 for a page found by cursor.
    pub page: u32,
    pub per_page: u32,
    /// Where the next page starts (`after`); None on the last page.
    pub next_cursor: Option<String>,
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

/// The column each page row carries its id in, for the next cursor.
const KEY: &str = "list_key";

/// select COLUMNS, the row's id as [`KEY`], FROM.
fn select_keyed<'a, L: Listing>() -> QueryBuilder<'a, Postgres> {
    let mut rows = QueryBuilder::new("select ");
    rows.push(L::COLUMNS).push(", ").push(L::TIEBREAK).push(" as ").push(KEY).push(" ").push(L::FROM);
    rows
}

/// select COLUMNS FROM WHERE ORDER BY, without the limit.
fn select_rows<'a, L: Listing>(
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
) -> QueryBuilder<'a, Postgres> {
    let mut rows = select_keyed::<L>();
    rows.push(" ");
    L::push_where(&mut rows, scope, filter, query.q.as_deref());
    push_order(&mut rows, query, L::TIEBREAK);
    rows
}

/// A list row and its id.
struct Keyed<R> {
    row: R,
    key: Uuid,
}

impl<'r, R: FromRow<'r, PgRow>> FromRow<'r, PgRow> for Keyed<R> {
    fn from_row(row: &'r PgRow) -> sqlx::Result<Self> {
        Ok(Self { row: R::from_row(row)?, key: row.try_get(KEY)? })
    }
}

/// One page of `L` rows: page `query.page`, or where the cursor says.
/// One row more than the page is read, so the last page is known as such.
pub async fn fetch_page<L: Listing>(
    pool: &PgPool,
    scope: &Scope,
    filter: &L::Filter,
    position: &impl Position<L::Sort>,
) -> AppResult<Page<L::Row>> {
    let query = position.query();
    let seeks = query.sort.on_base_table();
    let offset = match position.after() {
        None => i64::from(query.page - 1) * i64::from(query.per_page),
        Some(Cursor::Offset(offset)) if !seeks => offset,
        Some(Cursor::Row(_)) if seeks => 0,
        Some(_) => return Err(AppError::BadRequest("after comes from a list sorted another way".into())),
    };
    let anchor = match position.after() {
        Some(Cursor::Row(after)) => Some(anchor::<L>(pool, scope, filter, query, after).await?),
        _ => None,
    };
    let mut keyed = match anchor {
        Some(anchor) => rows_of_ids::<L>(pool, query, keyset_ids::<L>(scope, filter, query, anchor)).await?,
        None if seeks => rows_of_ids::<L>(pool, query, offset_ids::<L>(scope, filter, query, offset)).await?,
        None => {
            let mut rows = select_rows::<L>(scope, filter, query);
            rows.push(" limit ").push_bind(i64::from(query.per_page) + 1).push(" offset ").push_bind(offset);
            rows.build_query_as::<Keyed<L::Row>>().fetch_all(pool).await?
        }
    };
    let per_page = query.per_page as usize;
    let (total, total_exact) = match total_from_page(anchor.is_some(), offset, keyed.len(), per_page) {
        Some(total) => (total, true),
        None => count::<L>(pool, scope, filter, query).await?,
    };
    let next_cursor = if keyed.len() > per_page {
        keyed.truncate(per_page);
        let next = match keyed.last() {
            Some(last) if seeks => Cursor::Row(last.key),
            _ => Cursor::Offset(offset.saturating_add(i64::from(query.per_page))),
        };
        Some(next.encode())
    } else {
        None
    };
    let items = keyed.into_iter().map(|keyed| keyed.row).collect();
    Ok(Page { items, total, total_exact, page: query.page, per_page: query.per_page, next_cursor })
}

/// The list's length when its last page says it: a page found by its offset
/// that ends the list (no row past it) and is not past the end. Searches and
/// narrow filters fit on one page, and skip counting.
fn total_from_page(by_cursor: bool, offset: i64, rows: usize, per_page: usize) -> Option<i64> {
    let ends_the_list = rows <= per_page && (rows > 0 || offset == 0);
    (!by_cursor && ends_the_list).then(|| offset.saturating_add(i64::try_from(rows).unwrap_or(i64::MAX)))
}

/// The rows of a page whose ids `ids` finds (on the base table, where the
/// sort's index is), with their display joins, in list order.
///
/// Two statements, not one: the ids' statement depends on the filters and is
/// planned at each request for the values given, while the rows' statement is
/// the same text for every page of the list, so PostgreSQL plans its joins and
/// subqueries once per connection. Planned together at each request, they
/// cost more to plan than to run.
///
/// The ids reach the rows' statement through `array(select unnest(..))`,
/// whose length the planner cannot see: with `any($1)` it counts the ids, a
/// page of a few rows (a search) looks cheaper planned for them, and it was
/// planned again at every request after all.
async fn rows_of_ids<L: Listing>(
    pool: &PgPool,
    query: &ListQuery<L::Sort>,
    mut ids: QueryBuilder<'_, Postgres>,
) -> AppResult<Vec<Keyed<L::Row>>> {
    let ids: Vec<Uuid> = ids.build_query_scalar().fetch_all(pool).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = select_keyed::<L>();
    rows.push(" where ").push(L::TIEBREAK).push(" = any(array(select unnest(").push_bind(ids).push("::uuid[])))");
    push_order(&mut rows, query, L::TIEBREAK);
    Ok(rows.build_query_as().fetch_all(pool).await?)
}

/// The ids of the page at `offset`, and one more (sorts on the base table).
fn offset_ids<'a, L: Listing>(
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
    offset: i64,
) -> QueryBuilder<'a, Postgres> {
    let mut ids = QueryBuilder::new("select ");
    ids.push(L::TIEBREAK).push(" ").push(L::COUNT_FROM).push(" ");
    L::push_where(&mut ids, scope, filter, query.q.as_deref());
    push_order(&mut ids, query, L::TIEBREAK);
    ids.push(" limit ").push_bind(i64::from(query.per_page) + 1).push(" offset ").push_bind(offset);
    ids
}

/// The row a cursor names, read again: its id, and whether its sort value is
/// empty (which decides how the rows after it are found).
#[derive(Clone, Copy)]
struct Anchor {
    id: Uuid,
    empty: bool,
}

/// The list's base table as a derived table `k (k_id, k_sort)`: the scope,
/// filters and search apply inside it whatever they are made of, and
/// PostgreSQL merges it into the outer query, so conditions on `k` still
/// reach the (sort column, id) index.
fn push_sorted_ids<L: Listing>(
    qb: &mut QueryBuilder<'_, Postgres>,
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
) {
    qb.push("(select ").push(L::TIEBREAK).push(" as k_id, ").push(query.sort.column()).push(" as k_sort ");
    qb.push(L::COUNT_FROM).push(" ");
    L::push_where(qb, scope, filter, query.q.as_deref());
    qb.push(") k");
}

/// The cursor's row, if it is in this list for this caller; else a 400 that
/// says the same for a row out of scope, filtered out, deleted or never there.
async fn anchor<L: Listing>(
    pool: &PgPool,
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
    after: Uuid,
) -> AppResult<Anchor> {
    let mut qb = QueryBuilder::new("select k_sort is null from ");
    push_sorted_ids::<L>(&mut qb, scope, filter, query);
    qb.push(" where k_id = ").push_bind(after);
    let empty: Option<bool> = qb.build_query_scalar().fetch_optional(pool).await?;
    let empty = empty.ok_or_else(|| {
        AppError::BadRequest("after names no row of this list (gone or filtered out): start again without it".into())
    })?;
    Ok(Anchor { id: after, empty })
}

/// One part of the rows after the anchor, in list order.
#[derive(Clone, Copy)]
enum Run {
    /// (sort value, id) past the anchor's: the index range after it.
    Beyond,
    /// Empty sort values with an id past the anchor's.
    EmptyBeyond,
    /// Every empty sort value.
    Empty,
    /// Every filled sort value.
    Filled,
}

/// The ids of the page after the anchor, and one more (sorts on the base
/// table). Ascending lists empty values last and descending first
/// ([`push_order`]), while a row comparison skips empty values: so the rows after the anchor are one or two runs, each an
/// index range read in order and cut at the page size, and the page is the
/// first rows of the runs put end to end.
fn keyset_ids<'a, L: Listing>(
    scope: &Scope,
    filter: &L::Filter,
    query: &ListQuery<L::Sort>,
    anchor: Anchor,
) -> QueryBuilder<'a, Postgres> {
    let runs: &[Run] = match (query.desc, anchor.empty) {
        (false, false) => &[Run::Beyond, Run::Empty],
        (false, true) => &[Run::EmptyBeyond],
        (true, false) => &[Run::Beyond],
        (true, true) => &[Run::EmptyBeyond, Run::Filled],
    };
    let (dir, past) = if query.desc { (" desc", " < ") } else { (" asc", " > ") };
    let order = format!(" order by k_sort{dir}, k_id{dir} limit ");
    let limit = i64::from(query.per_page) + 1;
    let mut ids = QueryBuilder::new("select k_id from (");
    for (i, run) in runs.iter().enumerate() {
        ids.push(if i == 0 { "(select k_id, k_sort from " } else { " union all (select k_id, k_sort from " });
        push_sorted_ids::<L>(&mut ids, scope, filter, query);
        match run {
            Run::Beyond => {
                ids.push(" where (k_sort, k_id)").push(past).push("(select ").push(query.sort.column());
                ids.push(", ").push(L::TIEBREAK).push(" ").push(L::COUNT_FROM).push(" where ").push(L::TIEBREAK);
                ids.push(" = ").push_bind(anchor.id).push(")");
            }
            Run::EmptyBeyond => {
                ids.push(" where k_sort is null and k_id").push(past).push_bind(anchor.id);
            }
            Run::Empty => {
                ids.push(" where k_sort is null");
            }
            Run::Filled => {
                ids.push(" where k_sort is not null");
            }
        }
        ids.push(order.as_str()).push_bind(limit).push(")");
    }
    ids.push(") runs").push(order.as_str()).push_bind(limit);
    ids
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
    query: impl Into<ListQuery<L::Sort>>,
    filename: &str,
) -> Response {
    // The whole list, wherever a cursor points.
    let query = query.into();
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

    #[test]
    fn a_page_that_ends_the_list_gives_its_length() {
        // A search with 3 hits, page 1 of 50: 3 rows, no count needed.
        assert_eq!(total_from_page(false, 0, 3, 50), Some(3));
        assert_eq!(total_from_page(false, 0, 0, 50), Some(0));
        // Page 3 holds the last 7 rows.
        assert_eq!(total_from_page(false, 100, 7, 50), Some(107));
        // A full page and one row more: the list goes on, count it.
        assert_eq!(total_from_page(false, 0, 51, 50), None);
        // Past the end, or found by a cursor: the rows before are unknown.
        assert_eq!(total_from_page(false, 100, 0, 50), None);
        assert_eq!(total_from_page(true, 0, 7, 50), None);
    }

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
            after: None,
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
    fn cursors_round_trip_and_refuse_garbage() {
        for cursor in [Cursor::Row(Uuid::now_v7()), Cursor::Offset(19_950)] {
            assert_eq!(Cursor::decode(&cursor.encode()).expect("valid"), cursor);
        }
        for garbage in ["", "not a cursor", "AAAA", &Cursor::Offset(-1).encode()] {
            assert!(matches!(Cursor::decode(garbage), Err(AppError::BadRequest(_))), "{garbage}");
        }
        let mut both = params("name", "asc", "2", "10");
        both.after = Some(Cursor::Offset(10).encode());
        assert!(both.check::<TestSort>().is_err());
    }

    #[test]
    fn counts_pages() {
        let page =
            Page::<()> { items: vec![], total: 101, total_exact: true, page: 1, per_page: 50, next_cursor: None };
        assert_eq!(page.page_count(), 3);
        let empty = Page::<()> { items: vec![], total: 0, total_exact: true, page: 1, per_page: 50, next_cursor: None };
        assert_eq!(empty.page_count(), 1);
    }
}
