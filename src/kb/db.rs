//! All SQL of the knowledge base. Reads go through [`push_readable`]; every
//! save keeps a revision and a history row in the same transaction.

use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::domain::{Article, ArticleInput, Hit, Reader, Revision};
use crate::{
    audit::{self, AuditActor, Subject},
    auth::permission::{ObjectKind, Scope},
    error::{AppError, AppResult, delete_refusal},
    web::list::{CsvRecord, Listing, SortKey},
};

const SELECT: &str = "a.id, a.entity_id, en.name as entity_name, a.category_id, c.name as category_name, a.title,
    a.body, a.lang, a.visibility, a.author_id, u.name as author_name, a.version, a.created_at, a.updated_at";
const FROM: &str = "from kb_articles a join entities en on en.id = a.entity_id
    left join kb_categories c on c.id = a.category_id left join users u on u.id = a.author_id";

/// The articles `reader` may read.
pub fn push_readable(qb: &mut QueryBuilder<'_, Postgres>, reader: &Reader) {
    qb.push("(a.entity_id = any(")
        .push_bind(reader.helpdesk.ids().to_vec())
        .push(") or ((a.visibility = 'everyone' or ")
        .push_bind(reader.is_helpdesk())
        .push(") and a.entity_id in (select id from entity_lineage(")
        .push_bind(reader.entity_id)
        .push("))))");
}

/// Full-text match in either language, or a title close to the words typed.
fn push_matches(qb: &mut QueryBuilder<'_, Postgres>, q: &str) {
    qb.push("(a.search @@ (websearch_to_tsquery('french', ")
        .push_bind(q.to_owned())
        .push(") || websearch_to_tsquery('english', ")
        .push_bind(q.to_owned())
        .push(")) or ")
        .push_bind(q.to_owned())
        .push(" <% a.title)");
}

/// An article the reader may read; NotFound otherwise.
pub async fn find_readable(pool: &PgPool, reader: &Reader, id: Uuid) -> AppResult<Article> {
    let mut qb = QueryBuilder::new(format!("select {SELECT} {FROM} where a.id = "));
    qb.push_bind(id).push(" and ");
    push_readable(&mut qb, reader);
    qb.build_query_as().fetch_optional(pool).await?.ok_or(AppError::NotFound)
}

/// An article of `scope`'s entities (to edit or delete it).
pub async fn find(pool: &PgPool, scope: &Scope, id: Uuid) -> AppResult<Article> {
    sqlx::query_as(&format!("select {SELECT} {FROM} where a.id = $1 and a.entity_id = any($2)"))
        .bind(id)
        .bind(scope.ids())
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The best matches for `q` among what the reader may read, with an excerpt.
pub async fn search(pool: &PgPool, reader: &Reader, q: &str, limit: i64) -> AppResult<Vec<Hit>> {
    let mut qb = QueryBuilder::new(
        "select a.id, a.title, a.lang,
                ts_headline(case a.lang when 'en' then 'english'::regconfig else 'french'::regconfig end, a.body, q.query,
                            'StartSel=«, StopSel=», MaxWords=30, MinWords=12, MaxFragments=1') as excerpt,
                (ts_rank(a.search, q.query) + word_similarity(q.words, a.title))::float4 as rank
           from kb_articles a, (select websearch_to_tsquery('french', ",
    );
    qb.push_bind(q.to_owned())
        .push(") || websearch_to_tsquery('english', ")
        .push_bind(q.to_owned())
        .push(") as query, ")
        .push_bind(q.to_owned())
        .push("::text as words) q where ");
    push_readable(&mut qb, reader);
    qb.push(" and ");
    push_matches(&mut qb, q);
    qb.push(" order by rank desc, a.updated_at desc limit ").push_bind(limit);
    Ok(qb.build_query_as().fetch_all(pool).await?)
}

/// Whether a ticket belongs to the entities of `scope`.
pub async fn ticket_in(pool: &PgPool, ticket: Uuid, scope: &Scope) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from tickets where id = $1 and entity_id = any($2)) as "known!""#,
        ticket,
        scope.ids()
    )
    .fetch_one(pool)
    .await?)
}

pub async fn revisions(pool: &PgPool, id: Uuid) -> AppResult<Vec<Revision>> {
    Ok(sqlx::query_as!(
        Revision,
        "select r.version, r.title, r.body, u.name as \"author_name?\", r.created_at
           from kb_revisions r left join users u on u.id = r.author_id where r.article_id = $1 order by r.version desc",
        id
    )
    .fetch_all(pool)
    .await?)
}

/// Tickets linked to an article, within the helpdesk's entities: (id, number, title).
pub async fn tickets(pool: &PgPool, id: Uuid, helpdesk: &Scope) -> AppResult<Vec<(Uuid, i64, String)>> {
    let rows = sqlx::query!(
        "select t.id, t.number, t.title from kb_article_tickets k join tickets t on t.id = k.ticket_id
          where k.article_id = $1 and t.entity_id = any($2) order by t.number desc",
        id,
        helpdesk.ids()
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.number, r.title)).collect())
}

/// (id, name) of the categories, for select lists.
pub async fn category_choices(pool: &PgPool) -> AppResult<Vec<(String, String)>> {
    let rows = sqlx::query!("select id, name from kb_categories order by name").fetch_all(pool).await?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), r.name)).collect())
}

pub async fn insert_category(pool: &PgPool, name: &str) -> AppResult<Uuid> {
    Ok(sqlx::query_scalar!("insert into kb_categories (name) values ($1) returning id", name).fetch_one(pool).await?)
}

pub async fn insert(pool: &PgPool, actor: &AuditActor, input: &ArticleInput) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into kb_articles (id, entity_id, category_id, title, body, lang, visibility, author_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        input.entity_id,
        input.category_id,
        &input.title,
        &input.body,
        &input.lang,
        &input.visibility,
        actor.id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into kb_revisions (article_id, version, title, body, author_id) values ($1, 1, $2, $3, $4)",
        id,
        &input.title,
        &input.body,
        actor.id
    )
    .execute(&mut *tx)
    .await?;
    if let Some(ticket) = input.ticket_id {
        sqlx::query!("insert into kb_article_tickets (article_id, ticket_id) values ($1, $2)", id, ticket)
            .execute(&mut *tx)
            .await?;
    }
    audit::created(&mut tx, actor, Subject::new(ObjectKind::KbArticle, id, Some(input.entity_id)), input).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    pool: &PgPool,
    actor: &AuditActor,
    current: &Article,
    version: i64,
    input: &ArticleInput,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "update kb_articles set entity_id = $3, category_id = $4, title = $5, body = $6, lang = $7, visibility = $8,
                version = version + 1
          where id = $1 and version = $2",
        current.id,
        version,
        input.entity_id,
        input.category_id,
        &input.title,
        &input.body,
        &input.lang,
        &input.visibility
    )
    .execute(&mut *tx)
    .await?;
    let subject = Subject::new(ObjectKind::KbArticle, current.id, Some(input.entity_id));
    audit::updated(&mut tx, pool, actor, subject, updated.rows_affected(), &ArticleInput::from(current), input).await?;
    sqlx::query!(
        "insert into kb_revisions (article_id, version, title, body, author_id) values ($1, $2, $3, $4, $5)",
        current.id,
        version + 1,
        &input.title,
        &input.body,
        actor.id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, actor: &AuditActor, current: &Article, version: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!("delete from kb_articles where id = $1 and version = $2", current.id, version)
        .execute(&mut *tx)
        .await
        .map_err(|e| delete_refusal(e, "kb_articles"))?;
    let subject = Subject::new(ObjectKind::KbArticle, current.id, Some(current.entity_id));
    audit::deleted(&mut tx, pool, actor, subject, deleted.rows_affected(), &ArticleInput::from(current)).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct ArticleFilter {
    /// Who reads; None for the helpdesk's export, limited to its entities.
    pub reader: Option<Reader>,
    pub category_id: Option<Uuid>,
    pub lang: Option<String>,
}

#[derive(Clone, Copy, Debug)]
pub enum ArticleSort {
    Updated,
    Title,
    Category,
}

impl SortKey for ArticleSort {
    const ALL: &'static [Self] = &[Self::Updated, Self::Title, Self::Category];
    const DEFAULT: Self = Self::Updated;
    fn name(self) -> &'static str {
        match self {
            Self::Updated => "updated",
            Self::Title => "title",
            Self::Category => "category",
        }
    }
    fn column(self) -> &'static str {
        match self {
            Self::Updated => "a.updated_at",
            Self::Title => "a.title",
            Self::Category => "c.name",
        }
    }
    fn descending_by_default(self) -> bool {
        matches!(self, Self::Updated)
    }
}

pub struct ArticleList;

impl Listing for ArticleList {
    type Row = Article;
    type Filter = ArticleFilter;
    type Sort = ArticleSort;
    const COLUMNS: &'static str = SELECT;
    const FROM: &'static str = FROM;
    const COUNT_FROM: &'static str = "from kb_articles a";
    const TIEBREAK: &'static str = "a.id";

    fn push_where(qb: &mut QueryBuilder<'_, Postgres>, scope: &Scope, filter: &ArticleFilter, q: Option<&str>) {
        qb.push("where ");
        match &filter.reader {
            Some(reader) => push_readable(qb, reader),
            None => {
                qb.push("a.entity_id = any(").push_bind(scope.ids().to_vec()).push(")");
            }
        }
        if let Some(category) = filter.category_id {
            qb.push(" and a.category_id = ").push_bind(category);
        }
        if let Some(lang) = &filter.lang {
            qb.push(" and a.lang = ").push_bind(lang.clone());
        }
        if let Some(q) = q {
            qb.push(" and ");
            push_matches(qb, q);
        }
    }
}

impl CsvRecord for Article {
    fn csv_header() -> &'static [&'static str] {
        &["id", "title", "category", "lang", "visibility", "entity", "author", "updated_at"]
    }
    fn csv_row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.title.clone(),
            self.category_name.clone().unwrap_or_default(),
            self.lang.clone(),
            self.visibility.clone(),
            self.entity_name.clone(),
            self.author_name.clone().unwrap_or_default(),
            self.updated_at.to_rfc3339(),
        ]
    }
}
