//! Raw article values -> [`ArticleInput`].

use serde::Deserialize;

use super::domain::{Article, ArticleBody, ArticleInput, LANGS, VISIBILITIES};
use crate::web::form::{FieldErrors, Parser};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ArticleForm {
    pub entity_id: String,
    pub category_id: String,
    pub title: String,
    pub body: String,
    pub lang: String,
    pub visibility: String,
    pub ticket_id: String,
    pub version: String,
}

impl From<&Article> for ArticleForm {
    fn from(a: &Article) -> Self {
        Self {
            entity_id: a.entity_id.to_string(),
            category_id: a.category_id.map(|id| id.to_string()).unwrap_or_default(),
            title: a.title.clone(),
            body: a.body.clone(),
            lang: a.lang.clone(),
            visibility: a.visibility.clone(),
            ticket_id: String::new(),
            version: a.version.to_string(),
        }
    }
}

impl ArticleForm {
    pub fn parse(&self) -> Result<ArticleInput, FieldErrors> {
        let mut p = Parser::default();
        let input = ArticleInput {
            entity_id: p.required_id("entity_id", &self.entity_id),
            category_id: p.optional_id("category_id", &self.category_id),
            title: p.required("title", &self.title, 250),
            body: p.required("body", &self.body, 200_000),
            lang: p.choice("lang", &self.lang, &LANGS).to_owned(),
            visibility: p.choice("visibility", &self.visibility, &VISIBILITIES).to_owned(),
            ticket_id: p.optional_id("ticket_id", &self.ticket_id),
        };
        p.finish(input)
    }

    /// The body's values laid over `self` (the current values, or empty ones).
    pub fn patched(mut self, body: &ArticleBody) -> Self {
        let id = |v: Option<uuid::Uuid>, into: &mut String| {
            if let Some(v) = v {
                *into = v.to_string();
            }
        };
        let text = |v: &Option<String>, into: &mut String| {
            if let Some(v) = v {
                into.clone_from(v);
            }
        };
        id(body.entity_id, &mut self.entity_id);
        id(body.category_id, &mut self.category_id);
        id(body.ticket_id, &mut self.ticket_id);
        text(&body.title, &mut self.title);
        text(&body.body, &mut self.body);
        text(&body.lang, &mut self.lang);
        text(&body.visibility, &mut self.visibility);
        self
    }
}
