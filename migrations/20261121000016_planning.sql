-- A secret address per technician for their planning as an iCalendar feed.
-- Only the SHA-256 of the secret is stored; a new one replaces the old.
create table calendar_feeds (
    user_id    uuid primary key references users (id) on delete cascade,
    token_hash bytea not null unique,
    created_at timestamptz not null default now()
);
