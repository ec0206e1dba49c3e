//! The HTML side of the list machinery: one list page template for every object
//! type, fed by the type's columns and cells, plus the detail, history and
//! delete-confirmation pages every type shares.

use std::borrow::Cow;

use askama::Template;
use axum::response::Response;
use uuid::Uuid;

use super::{
    PageCtx,
    list::{ListQuery, Page, SortKey},
    render,
};
use crate::{audit::HistoryLine, error::AppResult};

/// A column of a list table; `sort` is its sort key name when sortable.
#[derive(Clone, Debug)]
pub struct Column {
    pub label_key: &'static str,
    pub sort: Option<&'static str>,
}

impl Column {
    pub const fn sortable(label_key: &'static str, sort: &'static str) -> Self {
        Self { label_key, sort: Some(sort) }
    }
    pub const fn plain(label_key: &'static str) -> Self {
        Self { label_key, sort: None }
    }
}

/// One cell: text (escaped by the template), an optional link, an optional badge style.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub badge: Option<&'static str>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), ..Self::default() }
    }
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self { text: text.into(), href: Some(href.into()), badge: None }
    }
    pub fn badge(text: impl Into<String>, style: &'static str) -> Self {
        Self { text: text.into(), href: None, badge: Some(style) }
    }
    /// A link to `/<plural>/<id>` when there is an id.
    pub fn object(text: Option<String>, plural: &str, id: Option<Uuid>) -> Self {
        match (text, id) {
            (Some(text), Some(id)) => Self::link(text, format!("/{plural}/{id}")),
            (Some(text), None) => Self::text(text),
            _ => Self::default(),
        }
    }
}

/// A select in the filter bar.
#[derive(Clone, Debug)]
pub struct FilterSelect {
    pub name: &'static str,
    pub label_key: &'static str,
    /// (value, label already translated)
    pub options: Vec<(String, String)>,
    pub selected: String,
}

#[derive(Template)]
#[template(path = "generic/list.html")]
pub struct ListTemplate {
    pub ctx: PageCtx,
    pub title_key: &'static str,
    pub base: String,
    pub new_href: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub filters: Vec<FilterSelect>,
    pub q: String,
    pub sort: &'static str,
    pub desc: bool,
    pub page: u32,
    pub page_count: u32,
    pub total: i64,
    pub total_exact: bool,
    pub per_page: u32,
    /// The filter part of the query string (no sort, dir, page), already encoded.
    pub filter_qs: String,
    /// Sections of a family of lists (the catalog), shown as tabs.
    pub sections: Vec<super::layout::NavItem>,
    /// More links beside the export (href, message key), e.g. labels of the filtered list.
    pub links: Vec<(String, &'static str)>,
    /// Bulk actions on ticked rows, when the person may use them.
    pub bulk: Option<BulkPanel>,
    /// The id of each row (its checkbox's value), when there is a bulk panel.
    pub row_ids: Vec<String>,
    /// The bulk panel's fields are checked on the result page, never marked here.
    pub no_errors: super::form::FieldErrors,
}

/// The form under a list that acts on the ticked rows.
#[derive(Clone, Debug)]
pub struct BulkPanel {
    pub action: String,
    pub title_key: &'static str,
    pub apply_key: &'static str,
    pub fields: Vec<FormField>,
    /// Where the fields come from when the panel opens, when they are not in `fields`.
    pub fields_href: Option<String>,
}

impl ListTemplate {
    pub fn new<S: SortKey, R>(
        ctx: PageCtx,
        title_key: &'static str,
        base: &str,
        query: &ListQuery<S>,
        page: &Page<R>,
        filters: Vec<FilterSelect>,
    ) -> Self {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(q) = &query.q {
            pairs.push(("q", q.clone()));
        }
        for filter in &filters {
            if !filter.selected.is_empty() {
                pairs.push((filter.name, filter.selected.clone()));
            }
        }
        if query.per_page != super::list::DEFAULT_PER_PAGE {
            pairs.push(("per_page", query.per_page.to_string()));
        }
        Self {
            ctx,
            title_key,
            base: base.to_owned(),
            new_href: None,
            columns: Vec::new(),
            rows: Vec::new(),
            filters,
            q: query.q.clone().unwrap_or_default(),
            sort: query.sort.name(),
            desc: query.desc,
            page: page.page,
            page_count: page.page_count(),
            total: page.total,
            total_exact: page.total_exact,
            per_page: page.per_page,
            filter_qs: serde_urlencoded::to_string(&pairs).unwrap_or_default(),
            sections: Vec::new(),
            links: Vec::new(),
            bulk: None,
            row_ids: Vec::new(),
            no_errors: Default::default(),
        }
    }

    /// `path` with this list's search and filters.
    pub fn with_filters(&self, path: &str) -> String {
        format!("{path}?{}", self.filter_qs)
    }

    /// `path?filters&rest`, without a dangling `&` when there are no filters.
    fn href(&self, path: &str, rest: &str) -> String {
        if self.filter_qs.is_empty() { format!("{path}?{rest}") } else { format!("{path}?{}&{rest}", self.filter_qs) }
    }

    /// Link that sorts by `key`, flipping the direction when already sorted by it.
    pub fn sort_href(&self, key: &str) -> String {
        let dir = if self.sort == key && !self.desc { "desc" } else { "asc" };
        self.href(&self.base, &format!("sort={key}&dir={dir}"))
    }

    pub fn sort_class(&self, key: &str) -> &'static str {
        match (self.sort == key, self.desc) {
            (true, false) => "sorted-asc",
            (true, true) => "sorted-desc",
            _ => "",
        }
    }

    pub fn aria_sort(&self, key: &str) -> &'static str {
        match (self.sort == key, self.desc) {
            (true, false) => "ascending",
            (true, true) => "descending",
            _ => "none",
        }
    }

    pub fn page_href(&self, page: impl std::borrow::Borrow<u32>) -> String {
        let page = *page.borrow();
        let dir = if self.desc { "desc" } else { "asc" };
        self.href(&self.base, &format!("sort={}&dir={dir}&page={page}", self.sort))
    }

    /// The saved-searches menu of this list, offering to save the current search.
    pub fn saved_searches_href(&self) -> String {
        let dir = if self.desc { "desc" } else { "asc" };
        let current = if self.filter_qs.is_empty() {
            format!("sort={}&dir={dir}", self.sort)
        } else {
            format!("{}&sort={}&dir={dir}", self.filter_qs, self.sort)
        };
        let pairs = [("list", self.base.as_str()), ("query", current.as_str())];
        format!("/saved-searches?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }

    pub fn export_href(&self) -> String {
        let dir = if self.desc { "desc" } else { "asc" };
        self.href(&format!("{}/export.csv", self.base), &format!("sort={}&dir={dir}", self.sort))
    }

    /// Page numbers to show: first, last, and two around the current one.
    pub fn page_numbers(&self) -> Vec<u32> {
        let mut pages: Vec<u32> =
            (1..=self.page_count).filter(|p| *p == 1 || *p == self.page_count || p.abs_diff(self.page) <= 2).collect();
        pages.dedup();
        pages
    }

    pub fn render(&self) -> AppResult<Response> {
        render(self)
    }
}

/// A fact on a detail page.
#[derive(Clone, Debug)]
pub struct Fact {
    /// A message key, or a label people wrote (a custom field's): no message has one as its key.
    pub label_key: Cow<'static, str>,
    pub cell: Cell,
}

impl Fact {
    pub fn new(label_key: &'static str, cell: Cell) -> Self {
        Self { label_key: Cow::Borrowed(label_key), cell }
    }
    pub fn text(label_key: &'static str, text: impl Into<String>) -> Self {
        Self::new(label_key, Cell::text(text))
    }
    /// A fact whose label is stored data rather than a message key.
    pub fn labelled(label: String, text: impl Into<String>) -> Self {
        Self { label_key: Cow::Owned(label), cell: Cell::text(text) }
    }
}

/// A titled list of related objects on a detail page (a user's groups, say).
#[derive(Clone, Debug)]
pub struct Related {
    pub title_key: &'static str,
    pub items: Vec<Cell>,
}

/// The tabs of an object's pages.
#[derive(Clone, Debug)]
pub struct Tabs {
    pub base: String,
    pub current: &'static str,
}

#[derive(Template)]
#[template(path = "generic/detail.html")]
pub struct DetailTemplate {
    pub ctx: PageCtx,
    pub kind_key: &'static str,
    pub title: String,
    pub tabs: Tabs,
    pub facts: Vec<Fact>,
    pub related: Vec<Related>,
    pub can_edit: bool,
    pub can_delete: bool,
}

#[derive(Template)]
#[template(path = "generic/history.html")]
pub struct HistoryTemplate {
    pub ctx: PageCtx,
    pub kind_key: &'static str,
    pub title: String,
    pub tabs: Tabs,
    pub entries: Vec<HistoryLine>,
    /// Names of the objects the changes mention by id.
    pub names: std::collections::HashMap<String, String>,
    /// The words the rows repeat (actions, field names, yes and no), by
    /// message key, translated once for the page rather than once per row.
    labels: Vec<(&'static str, String)>,
}

impl HistoryTemplate {
    pub fn new(
        ctx: PageCtx,
        kind_key: &'static str,
        title: String,
        tabs: Tabs,
        entries: Vec<HistoryLine>,
        names: std::collections::HashMap<String, String>,
    ) -> Self {
        let mut keys = vec!["history-create", "history-update", "history-delete", "check-out", "check-in", "yes", "no"];
        keys.extend(
            entries.iter().flat_map(|e| &e.changes.0.0).filter_map(|c| crate::audit::field_label_key(&c.field)),
        );
        keys.sort_unstable();
        keys.dedup();
        let labels = keys.into_iter().map(|key| (key, ctx.t(key))).collect();
        Self { ctx, kind_key, title, tabs, entries, names, labels }
    }

    /// The translation of `key` (one of the page's words).
    pub fn label(&self, key: &'static str) -> Cow<'_, str> {
        match self.labels.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => Cow::Borrowed(self.labels[at].1.as_str()),
            Err(_) => Cow::Owned(self.ctx.t(key)),
        }
    }

    /// (field label, old, new) as a person reads them: translated field names,
    /// names instead of ids, "—" for nothing.
    pub fn changes<'a>(&'a self, entry: &'a HistoryLine) -> Vec<(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>)> {
        let show = |value: &'a str| -> Cow<'a, str> {
            if value.is_empty() {
                return Cow::Borrowed("—");
            }
            if let Some(name) = self.names.get(value) {
                return Cow::Borrowed(name);
            }
            match value {
                "checkout" => self.label("check-out"),
                "checkin" => self.label("check-in"),
                "true" => self.label("yes"),
                "false" => self.label("no"),
                _ => Cow::Borrowed(value),
            }
        };
        entry
            .changes
            .0
            .0
            .iter()
            .map(|change| {
                let label = match crate::audit::field_label_key(&change.field) {
                    Some(key) => self.label(key),
                    None => Cow::Borrowed(change.field.as_str()),
                };
                (label, show(&change.old), show(&change.new))
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "generic/confirm_delete.html")]
pub struct ConfirmDeleteTemplate {
    pub ctx: PageCtx,
    pub kind_key: &'static str,
    pub title: String,
    pub action: String,
    pub cancel: String,
    pub version: i64,
    /// What the delete changes beyond the object, when anything.
    pub notice: Option<String>,
}

/// How a field of a generic form is drawn.
#[derive(Clone, Debug)]
pub enum FieldKind {
    /// An `<input>` of this type (text, date, number, url...).
    Input(&'static str),
    TextArea,
    /// (value, label) choices.
    Select(Vec<(String, String)>),
    /// Ticked or not: the value is "on" when ticked.
    Checkbox,
}

/// One field of a generic form, with the value to show (what was typed, or stored).
#[derive(Clone, Debug)]
pub struct FormField {
    pub name: Cow<'static, str>,
    /// A message key, or a label people wrote (see [`Fact::label_key`]).
    pub label_key: Cow<'static, str>,
    pub kind: FieldKind,
    pub value: String,
    pub required: bool,
    /// Message key of a line of help under the field.
    pub hint: Option<&'static str>,
}

impl FormField {
    fn of(name: &'static str, label_key: &'static str, kind: FieldKind, value: &str, required: bool) -> Self {
        Self { name: name.into(), label_key: label_key.into(), kind, value: value.to_owned(), required, hint: None }
    }
    pub fn text(name: &'static str, label_key: &'static str, value: &str, required: bool) -> Self {
        Self::of(name, label_key, FieldKind::Input("text"), value, required)
    }
    pub fn input(name: &'static str, label_key: &'static str, kind: &'static str, value: &str) -> Self {
        Self::of(name, label_key, FieldKind::Input(kind), value, false)
    }
    pub fn area(name: &'static str, label_key: &'static str, value: &str) -> Self {
        Self::of(name, label_key, FieldKind::TextArea, value, false)
    }
    pub fn select(
        name: &'static str,
        label_key: &'static str,
        options: Vec<(String, String)>,
        value: &str,
        required: bool,
    ) -> Self {
        Self::of(name, label_key, FieldKind::Select(options), value, required)
    }
    /// A checkbox, ticked when `checked`.
    pub fn checkbox(name: &'static str, label_key: &'static str, checked: bool) -> Self {
        Self::of(name, label_key, FieldKind::Checkbox, if checked { "on" } else { "" }, false)
    }
    /// A field named and labelled at run time (a custom field).
    pub fn dynamic(name: String, label: String, kind: FieldKind, value: &str, required: bool) -> Self {
        Self { name: name.into(), label_key: label.into(), kind, value: value.to_owned(), required, hint: None }
    }
    /// The same field with a line of help under it.
    pub fn with_hint(mut self, hint_key: &'static str) -> Self {
        self.hint = Some(hint_key);
        self
    }

    pub fn options(&self) -> Option<&Vec<(String, String)>> {
        match &self.kind {
            FieldKind::Select(options) => Some(options),
            _ => None,
        }
    }

    pub fn is_area(&self) -> bool {
        matches!(self.kind, FieldKind::TextArea)
    }

    pub fn is_checkbox(&self) -> bool {
        matches!(self.kind, FieldKind::Checkbox)
    }

    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Input(kind) => kind,
            _ => "text",
        }
    }
}

/// A create or edit form for types whose form is a plain list of fields.
#[derive(Template)]
#[template(path = "generic/form.html")]
pub struct FormTemplate {
    pub ctx: PageCtx,
    pub title: String,
    pub action: String,
    pub cancel: String,
    pub version: String,
    pub fields: Vec<FormField>,
    pub errors: super::form::FieldErrors,
}

impl FormTemplate {
    /// 200 for a fresh form, 422 when it comes back with errors.
    pub fn render(&self) -> AppResult<Response> {
        let status = if self.errors.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        super::render_status(status, self)
    }
}
