-- Knowledge base: articles in French or English, searched with PostgreSQL's
-- full text in the article's own language, every revision kept.

create table kb_categories (
    id         uuid primary key default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 200),
    created_at timestamptz not null default now()
);
create unique index kb_categories_name_key on kb_categories (lower(name));

create table kb_articles (
    id          uuid primary key default gen_random_uuid(),
    -- Visible in this entity and the entities below it.
    entity_id   uuid not null references entities (id),
    category_id uuid references kb_categories (id) on delete set null,
    ticket_category_id uuid references ticket_categories (id) on delete set null,
    title       text not null check (length(title) between 1 and 250),
    body        text not null check (length(body) <= 200000),
    lang        text not null default 'fr' check (lang in ('fr', 'en')),
    -- everyone: employees too; helpdesk: technicians and above only.
    visibility  text not null default 'everyone' check (visibility in ('everyone', 'helpdesk')),
    author_id   uuid references users (id) on delete set null,
    search      tsvector generated always as (
                    case lang
                        when 'en' then setweight(to_tsvector('english'::regconfig, title), 'A')
                                    || setweight(to_tsvector('english'::regconfig, body), 'B')
                        else setweight(to_tsvector('french'::regconfig, title), 'A')
                          || setweight(to_tsvector('french'::regconfig, body), 'B')
                    end) stored,
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index kb_articles_search_idx on kb_articles using gin (search);
create index kb_articles_entity_idx on kb_articles (entity_id);
create index kb_articles_title_trgm on kb_articles using gin (title gin_trgm_ops);
create trigger kb_articles_updated_at before update on kb_articles for each row execute function set_updated_at();

-- Each saved version of an article (the first one too).
create table kb_revisions (
    article_id uuid not null references kb_articles (id) on delete cascade,
    version    bigint not null,
    title      text not null,
    body       text not null,
    author_id  uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    primary key (article_id, version)
);

-- Tickets an article helped with, or was written from.
create table kb_article_tickets (
    article_id uuid not null references kb_articles (id) on delete cascade,
    ticket_id  uuid not null references tickets (id) on delete cascade,
    primary key (article_id, ticket_id)
);
create index kb_article_tickets_ticket_idx on kb_article_tickets (ticket_id);
