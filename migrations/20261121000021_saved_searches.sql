-- A person's saved searches: a list page and its query string, by name.
create table saved_searches (
    id         uuid primary key default gen_random_uuid(),
    user_id    uuid not null references users (id) on delete cascade,
    list_path  text not null check (list_path like '/%' and length(list_path) <= 100),
    name       text not null check (length(name) between 1 and 100),
    query      text not null default '' check (length(query) <= 2000),
    created_at timestamptz not null default now(),
    unique (user_id, list_path, name)
);
