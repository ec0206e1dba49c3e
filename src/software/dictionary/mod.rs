//! The software dictionary: how a name an agent reports becomes a catalogue
//! entry. "Mozilla Firefox 118.0 (x64 fr)" is Firefox, version 118.0, by
//! Mozilla; an update package can be left out. Rules are tried in order and
//! the first match decides.

mod api;
pub mod db;
mod pages;
pub mod replay;

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex},
};

use axum::{
    Router,
    routing::{get, post},
};
use regex_lite::Regex;
use serde::Serialize;

use utoipa::OpenApi;

use crate::{
    api::RouteTable,
    inventory::{model::Software, normalize::text},
    state::AppState,
};

/// Longest pattern accepted (a regular expression is compiled per rule).
const MAX_PATTERN: usize = 500;
/// Names whose fate is remembered before the memo starts again.
const MEMO_KEPT: usize = 100_000;

/// A rule as stored and edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RuleRow {
    pub id: uuid::Uuid,
    pub position: i32,
    pub name_pattern: String,
    pub publisher_pattern: String,
    pub set_name: String,
    pub set_publisher: String,
    pub set_version: String,
    /// The category of a new catalogue entry, and its name.
    pub set_category_id: Option<uuid::Uuid>,
    pub set_category_name: Option<String>,
    pub ignore: bool,
}

/// What a rule does to a matching entry.
struct Rule {
    name: Regex,
    publisher: Option<Regex>,
    set_name: String,
    set_publisher: String,
    set_version: String,
    set_category_id: Option<uuid::Uuid>,
    ignore: bool,
}

/// An entry after the dictionary: its catalogue name, publisher, version and
/// (for a new catalogue entry) category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub publisher: String,
    pub version: String,
    pub category_id: Option<uuid::Uuid>,
}

/// The category the rules give each new catalogue entry, by lowercase name
/// and publisher.
pub type Categories = HashMap<(String, String), uuid::Uuid>;

/// What the rules make of a name and publisher: the version depends on the
/// version sent only when no rule sets it, so one fate serves every version.
#[derive(Clone, Debug)]
struct Fate {
    name: String,
    publisher: String,
    /// The version a rule sets (from the name); None: the version sent.
    version: Option<String>,
    category_id: Option<uuid::Uuid>,
}

impl Fate {
    fn named(&self, version: &str) -> Named {
        Named {
            name: self.name.clone(),
            publisher: self.publisher.clone(),
            version: self.version.as_deref().unwrap_or(version).to_owned(),
            category_id: self.category_id,
        }
    }
}

/// The fates already decided, by name then publisher: looked up without
/// making a key. None: a rule leaves the entry out.
type Memo = HashMap<String, HashMap<String, Option<Fate>>>;

/// The compiled rules, with the fate of each name already seen.
pub struct Dictionary {
    rules: Vec<Rule>,
    memo: Mutex<Memo>,
}

/// A pattern that does not compile, with the compiler's words.
#[derive(Debug)]
pub struct BadPattern(pub String);

pub(super) fn compile(pattern: &str) -> Result<Regex, BadPattern> {
    if pattern.chars().count() > MAX_PATTERN {
        return Err(BadPattern(format!("longer than {MAX_PATTERN} characters")));
    }
    Regex::new(&format!("(?i){pattern}")).map_err(|e| BadPattern(e.to_string()))
}

impl Rule {
    fn new(row: &RuleRow) -> Result<Rule, BadPattern> {
        let publisher = match row.publisher_pattern.trim() {
            "" => None,
            pattern => Some(compile(pattern)?),
        };
        Ok(Rule {
            name: compile(row.name_pattern.trim())?,
            publisher,
            set_name: row.set_name.clone(),
            set_publisher: row.set_publisher.clone(),
            set_version: row.set_version.clone(),
            set_category_id: row.set_category_id,
            ignore: row.ignore,
        })
    }

    /// The fate of a name and publisher, `Some(None)` when the rule leaves
    /// it out, `None` when the rule does not match.
    fn fate(&self, name: &str, publisher: &str) -> Option<Option<Fate>> {
        let captures = self.name.captures(name)?;
        if self.publisher.as_ref().is_some_and(|p| !p.is_match(publisher)) {
            return None;
        }
        if self.ignore {
            return Some(None);
        }
        // `$1` in a replacement is the name pattern's first group.
        let fill = |template: &str| {
            let mut out = String::new();
            captures.expand(template, &mut out);
            out.trim().to_owned()
        };
        let kept = |template: &str, kept: &str| if template.is_empty() { kept.to_owned() } else { fill(template) };
        let renamed = kept(&self.set_name, name);
        Some(Some(Fate {
            name: if renamed.is_empty() { name.to_owned() } else { renamed },
            publisher: kept(&self.set_publisher, publisher),
            version: (!self.set_version.is_empty()).then(|| fill(&self.set_version)),
            category_id: self.set_category_id,
        }))
    }
}

impl Dictionary {
    pub fn new(rows: &[RuleRow]) -> Result<Dictionary, BadPattern> {
        let rules = rows.iter().map(Rule::new).collect::<Result<Vec<_>, _>>()?;
        Ok(Dictionary { rules, memo: Mutex::default() })
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, Memo> {
        self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The fate of a name and publisher, decided by the first matching rule
    /// when first seen, then remembered.
    fn fate<'m>(&self, memo: &'m mut Memo, name: &str, publisher: &str) -> Option<&'m Fate> {
        let known = memo.get(name).is_some_and(|publishers| publishers.contains_key(publisher));
        if !known {
            let fate = self.rules.iter().find_map(|rule| rule.fate(name, publisher)).unwrap_or_else(|| {
                Some(Fate { name: name.to_owned(), publisher: publisher.to_owned(), version: None, category_id: None })
            });
            if memo.len() > MEMO_KEPT {
                memo.clear();
            }
            memo.entry(name.to_owned()).or_default().insert(publisher.to_owned(), fate);
        }
        memo.get(name)?.get(publisher)?.as_ref()
    }

    /// What one reported entry becomes; None when a rule leaves it out.
    pub fn name(&self, name: &str, publisher: &str, version: &str) -> Option<Named> {
        Some(self.fate(&mut self.memo(), name, publisher)?.named(version))
    }

    /// What one entry becomes in the catalogue: as [`Dictionary::name`], cut
    /// to the catalogue's lengths; None when left out or left without a name.
    /// The name, publisher and category do not depend on the version (a rule
    /// matches on the name and publisher); only the version may.
    pub fn catalogue_name(&self, name: &str, publisher: &str, version: &str) -> Option<Named> {
        catalogue_named(self.fate(&mut self.memo(), name, publisher)?, version)
    }

    /// An inventory's software list as the catalogue names it: renamed,
    /// without the entries left out, one entry per version and architecture.
    /// The categories a rule gives come along for new catalogue entries.
    pub fn apply(&self, list: &[Software]) -> (Vec<Software>, Categories) {
        let mut categories = Categories::new();
        let mut out: Vec<Software> = Vec::with_capacity(list.len());
        let mut memo = self.memo();
        for entry in list {
            let Some(fate) = self.fate(&mut memo, &entry.name, &entry.publisher) else { continue };
            let Some(named) = catalogue_named(fate, &entry.version) else { continue };
            if let Some(category) = named.category_id {
                categories.insert((named.name.to_lowercase(), named.publisher.to_lowercase()), category);
            }
            out.push(Software {
                name: named.name,
                publisher: named.publisher,
                version: named.version,
                arch: entry.arch.clone(),
                install_date: entry.install_date,
            });
        }
        drop(memo);
        (crate::inventory::model::one_per_version(out), categories)
    }
}

/// A fate as the catalogue takes it, for one version: cut to its lengths;
/// None when left without a name.
fn catalogue_named(fate: &Fate, version: &str) -> Option<Named> {
    let name = text(&fate.name, 250);
    if name.is_empty() {
        return None;
    }
    Some(Named {
        name,
        publisher: text(&fate.publisher, 250),
        version: text(fate.version.as_deref().unwrap_or(version), 100),
        category_id: fate.category_id,
    })
}

/// The dictionary as the park manager keeps it. Its rules are compiled once
/// per version of the list, not per inventory, and the fate of each name is
/// remembered until the list changes.
pub async fn current(pool: &sqlx::PgPool) -> crate::error::AppResult<Arc<Dictionary>> {
    type Compiled = (Vec<RuleRow>, Arc<Dictionary>);
    static COMPILED: LazyLock<Mutex<Option<Compiled>>> = LazyLock::new(Mutex::default);
    let rows = db::rules(pool).await?;
    let mut compiled = COMPILED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((source, dictionary)) = compiled.as_ref()
        && *source == rows
    {
        return Ok(Arc::clone(dictionary));
    }
    let dictionary = Arc::new(
        Dictionary::new(&rows)
            .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("software dictionary: {}", e.0)))?,
    );
    *compiled = Some((rows, Arc::clone(&dictionary)));
    Ok(dictionary)
}

/// The name of a category a rule gives, for the trials of the page and the API.
async fn category_name(pool: &sqlx::PgPool, id: Option<uuid::Uuid>) -> crate::error::AppResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(crate::software::categories::db::names(pool, &[id]).await?.remove(&id))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/software-dictionary", get(pages::page).post(pages::add))
        .route("/software-dictionary/try", get(pages::try_name))
        .route("/software-dictionary/{id}/move", post(pages::move_rule))
        .route("/software-dictionary/{id}/delete", post(pages::delete))
        .route("/software-dictionary/replay", get(pages::replay_status).post(pages::replay))
}

pub fn api(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/software-dictionary", api::rules)
        .post("/api/v1/software-dictionary", api::add_rule)
        .get("/api/v1/software-dictionary/try", api::try_name)
        .patch("/api/v1/software-dictionary/{id}", api::move_rule)
        .delete("/api/v1/software-dictionary/{id}", api::delete_rule)
        .post("/api/v1/software-dictionary/replay", api::replay)
        .get("/api/v1/software-dictionary/replay", api::last_replay)
}

#[derive(OpenApi)]
#[openapi(
    paths(api::rules, api::add_rule, api::move_rule, api::delete_rule, api::try_name, api::replay, api::last_replay),
    components(schemas(crate::jobs::JobStatus))
)]
pub struct Doc;

#[cfg(test)]
mod tests {
    use super::*;

    const BROWSERS: Option<uuid::Uuid> = Some(uuid::Uuid::from_u128(1));
    const RUNTIMES: Option<uuid::Uuid> = Some(uuid::Uuid::from_u128(2));

    fn rule(position: i32, name: &str, set: (&str, &str, &str, Option<uuid::Uuid>), ignore: bool) -> RuleRow {
        RuleRow {
            id: uuid::Uuid::now_v7(),
            position,
            name_pattern: name.to_owned(),
            publisher_pattern: String::new(),
            set_name: set.0.to_owned(),
            set_publisher: set.1.to_owned(),
            set_version: set.2.to_owned(),
            set_category_id: set.3,
            set_category_name: None,
            ignore,
        }
    }

    fn entry(name: &str, publisher: &str, version: &str) -> Software {
        Software {
            name: name.to_owned(),
            version: version.to_owned(),
            publisher: publisher.to_owned(),
            arch: "x86_64".to_owned(),
            install_date: None,
        }
    }

    #[test]
    fn firefox_is_firefox_whatever_the_agent_says() {
        let dictionary = Dictionary::new(&[rule(
            1,
            r"^Mozilla Firefox(?: ESR)?\s+(\d+(?:\.\d+)*)",
            ("Firefox", "Mozilla", "$1", BROWSERS),
            false,
        )])
        .expect("compiles");
        let named = dictionary.name("Mozilla Firefox 118.0 (x64 fr)", "Mozilla", "118.0").expect("kept");
        assert_eq!(
            named,
            Named {
                name: "Firefox".into(),
                publisher: "Mozilla".into(),
                version: "118.0".into(),
                category_id: BROWSERS
            }
        );
        // Unmatched names pass unchanged, memo or not.
        for _ in 0..2 {
            let other = dictionary.name("GIMP", "", "2.10").expect("kept");
            assert_eq!((other.name.as_str(), other.version.as_str()), ("GIMP", "2.10"));
        }
    }

    #[test]
    fn the_first_matching_rule_decides_and_ignored_entries_leave() {
        let dictionary = Dictionary::new(&[
            rule(1, r"^Security Update for", ("", "", "", None), true),
            rule(2, r"^Security", ("Never", "", "", None), false),
        ])
        .expect("compiles");
        let (list, _) = dictionary.apply(&[
            entry("Security Update for Microsoft Office (KB5002)", "Microsoft", ""),
            entry("SecurityCenter", "", "1"),
        ]);
        assert_eq!(list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["Never"]);
    }

    #[test]
    fn two_names_for_one_version_make_one_entry() {
        let dictionary = Dictionary::new(&[rule(
            1,
            r"^Mozilla Firefox\s+(\d+(?:\.\d+)*)",
            ("Firefox", "Mozilla", "$1", None),
            false,
        )])
        .expect("compiles");
        let (list, categories) = dictionary.apply(&[
            entry("Mozilla Firefox 118.0 (x64 fr)", "Mozilla", "118.0"),
            entry("Mozilla Firefox 118.0 (x64 en-US)", "Mozilla Corporation", "118.0"),
            entry("Firefox", "Mozilla", "118.0"),
        ]);
        assert_eq!(list.len(), 1, "{list:?}");
        assert!(categories.is_empty());
    }

    #[test]
    fn only_the_version_depends_on_the_version() {
        let dictionary =
            Dictionary::new(&[rule(1, r"^Java (\d+) Update (\d+)", ("Java $1", "Oracle", "$1.0.$2", RUNTIMES), false)])
                .expect("compiles");
        let a = dictionary.catalogue_name("Java 8 Update 381", "Oracle Corporation", "8.0.3810").expect("kept");
        let b = dictionary.catalogue_name("Java 8 Update 381", "Oracle Corporation", "").expect("kept");
        assert_eq!((a.name.as_str(), a.publisher.as_str(), a.category_id), ("Java 8", "Oracle", RUNTIMES));
        assert_eq!((&a.name, &a.publisher, &a.category_id), (&b.name, &b.publisher, &b.category_id));
        assert_eq!(a.version, "8.0.381");
        // A name with nothing printable is no catalogue entry.
        assert!(dictionary.catalogue_name(" \u{7} ", "", "1").is_none());
    }

    #[test]
    fn a_remembered_name_keeps_each_version_sent_unless_a_rule_sets_it() {
        let dictionary = Dictionary::new(&[
            rule(1, r"^Google Chrome$", ("Chrome", "Google", "", BROWSERS), false),
            rule(2, r"^Java (\d+) Update (\d+)", ("Java $1", "Oracle", "$1.0.$2", RUNTIMES), false),
        ])
        .expect("compiles");
        for version in ["118.0", "119.0", ""] {
            let chrome = dictionary.catalogue_name("Google Chrome", "Google LLC", version).expect("kept");
            assert_eq!((chrome.name.as_str(), chrome.version.as_str()), ("Chrome", version));
            let java = dictionary.catalogue_name("Java 8 Update 381", "Oracle", version).expect("kept");
            assert_eq!(java.version, "8.0.381");
            let other = dictionary.name("GIMP", "", version).expect("kept");
            assert_eq!(other.version, version);
        }
    }

    #[test]
    fn a_broken_pattern_is_refused() {
        assert!(Dictionary::new(&[rule(1, "(unclosed", ("", "", "", None), false)]).is_err());
        assert!(compile(&"a".repeat(MAX_PATTERN + 1)).is_err());
    }
}
