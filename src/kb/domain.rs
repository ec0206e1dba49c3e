//! Knowledge-base articles: Markdown, in French or English, visible to
//! everyone (employees included) or to the helpdesk only, within an entity
//! and the entities below it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{
    actor::Actor,
    permission::{Action, ObjectKind, Scope},
};

#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Article {
    pub id: Uuid,
    pub entity_id: Uuid,
    pub entity_name: String,
    pub category_id: Option<Uuid>,
    pub category_name: Option<String>,
    pub title: String,
    /// Markdown
    pub body: String,
    /// fr or en
    pub lang: String,
    /// everyone or helpdesk
    pub visibility: String,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checked values to write; also the snapshot the history compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticleInput {
    pub entity_id: Uuid,
    pub category_id: Option<Uuid>,
    pub title: String,
    pub body: String,
    pub lang: String,
    pub visibility: String,
    /// The ticket the article was written from (linked on creation).
    #[serde(skip)]
    pub ticket_id: Option<Uuid>,
}

impl From<&Article> for ArticleInput {
    fn from(a: &Article) -> Self {
        Self {
            entity_id: a.entity_id,
            category_id: a.category_id,
            title: a.title.clone(),
            body: a.body.clone(),
            lang: a.lang.clone(),
            visibility: a.visibility.clone(),
            ticket_id: None,
        }
    }
}

pub const LANGS: [&str; 2] = ["fr", "en"];
pub const VISIBILITIES: [&str; 2] = ["everyone", "helpdesk"];

/// Who reads the knowledge base: the helpdesk reads every article of its
/// entities; everyone reads the articles for everyone of their own entity
/// and of the entities above it.
#[derive(Clone, Debug)]
pub struct Reader {
    pub entity_id: Uuid,
    pub helpdesk: Scope,
}

impl Reader {
    pub fn of(actor: &Actor) -> Self {
        Self { entity_id: actor.entity_id, helpdesk: actor.scope_or_empty(ObjectKind::KbArticle, Action::View) }
    }

    pub fn is_helpdesk(&self) -> bool {
        !self.helpdesk.is_empty()
    }
}

/// A saved version of an article.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Revision {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A search hit, best first.
#[derive(Clone, Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Hit {
    pub id: Uuid,
    pub title: String,
    pub lang: String,
    /// The matching words in context, as plain text.
    pub excerpt: String,
    pub rank: f32,
}

/// Body of POST and PATCH /api/v1/kb/articles: absent fields keep their value (PATCH).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleBody {
    pub entity_id: Option<Uuid>,
    pub category_id: Option<Uuid>,
    pub title: Option<String>,
    pub body: Option<String>,
    /// fr or en
    pub lang: Option<String>,
    /// everyone or helpdesk
    pub visibility: Option<String>,
    /// On creation: the ticket it was written from.
    pub ticket_id: Option<Uuid>,
    pub version: Option<i64>,
}
