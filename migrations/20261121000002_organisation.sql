-- Entities, locations, people, groups, roles, sessions and API tokens.

create table entities (
    id         uuid primary key default gen_random_uuid(),
    parent_id  uuid references entities (id),
    name       text not null check (length(name) between 1 and 200),
    kind       text not null default 'site' check (kind in ('group', 'subsidiary', 'site', 'department')),
    country    text not null default '' check (length(country) <= 100),
    notes      text not null default '' check (length(notes) <= 10000),
    version    bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint entities_not_own_parent check (parent_id is distinct from id)
);
create unique index entities_parent_name_key on entities (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create index entities_parent_idx on entities (parent_id);
create index entities_name_trgm on entities using gin (name gin_trgm_ops);
create trigger entities_updated_at before update on entities for each row execute function set_updated_at();

create table locations (
    id         uuid primary key default gen_random_uuid(),
    entity_id  uuid not null references entities (id),
    parent_id  uuid references locations (id),
    name       text not null check (length(name) between 1 and 200),
    kind       text not null default 'room' check (kind in ('site', 'building', 'floor', 'room', 'other')),
    address    text not null default '' check (length(address) <= 500),
    postcode   text not null default '' check (length(postcode) <= 20),
    city       text not null default '' check (length(city) <= 100),
    country    text not null default '' check (length(country) <= 100),
    notes      text not null default '' check (length(notes) <= 10000),
    version    bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint locations_not_own_parent check (parent_id is distinct from id)
);
create unique index locations_parent_name_key on locations (entity_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create index locations_entity_idx on locations (entity_id);
create index locations_parent_idx on locations (parent_id);
create index locations_name_trgm on locations using gin (name gin_trgm_ops);
create trigger locations_updated_at before update on locations for each row execute function set_updated_at();

create table users (
    id                  uuid primary key default gen_random_uuid(),
    login               text not null check (length(login) between 1 and 100),
    name                text not null check (length(name) between 1 and 200),
    email               text check (length(email) <= 254),
    phone               text not null default '' check (length(phone) <= 50),
    entity_id           uuid not null references entities (id),
    location_id         uuid references locations (id),
    manager_id          uuid references users (id),
    language            text not null default 'fr' check (language in ('en', 'fr')),
    time_zone           text not null default 'Europe/Paris',
    active              boolean not null default true,
    password_hash       text,           -- null: cannot log in with a password
    password_changed_at timestamptz,
    version             bigint not null default 1,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint users_not_own_manager check (manager_id is distinct from id)
);
create unique index users_login_key on users (lower(login));
create unique index users_email_key on users (lower(email)) where email is not null;
create index users_entity_idx on users (entity_id);
create index users_location_idx on users (location_id);
create index users_manager_idx on users (manager_id);
create index users_search_trgm on users using gin ((login || ' ' || name || ' ' || coalesce(email, '')) gin_trgm_ops);
create index users_name_idx on users (name, id);
create trigger users_updated_at before update on users for each row execute function set_updated_at();

create type app_role as enum ('admin', 'park_manager', 'supervisor', 'technician', 'employee');

-- A role held within an entity applies to that entity and all its sub-entities.
create table role_grants (
    user_id    uuid not null references users (id) on delete cascade,
    role       app_role not null,
    entity_id  uuid not null references entities (id),
    created_at timestamptz not null default now(),
    primary key (user_id, role, entity_id)
);
create index role_grants_entity_idx on role_grants (entity_id);

create table groups (
    id          uuid primary key default gen_random_uuid(),
    entity_id   uuid not null references entities (id),
    name        text not null check (length(name) between 1 and 200),
    description text not null default '' check (length(description) <= 10000),
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index groups_entity_name_key on groups (entity_id, lower(name));
create index groups_name_trgm on groups using gin (name gin_trgm_ops);
create trigger groups_updated_at before update on groups for each row execute function set_updated_at();

create table group_members (
    group_id uuid not null references groups (id) on delete cascade,
    user_id  uuid not null references users (id) on delete cascade,
    primary key (group_id, user_id)
);
create index group_members_user_idx on group_members (user_id);

-- Browser sessions. The cookie holds a random secret; only its SHA-256 is stored.
create table sessions (
    id_hash      bytea primary key,
    user_id      uuid not null references users (id) on delete cascade,
    csrf_token   text not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

-- Personal API tokens. Only the SHA-256 of the secret is stored.
create table api_tokens (
    id           uuid primary key default gen_random_uuid(),
    user_id      uuid not null references users (id) on delete cascade,
    name         text not null check (length(name) between 1 and 100),
    token_hash   bytea not null unique,
    prefix       text not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create index api_tokens_user_idx on api_tokens (user_id);

-- Failed logins, per account and per client address, for throttling. Shared by
-- every server process through the database.
create table login_failures (
    key text not null,
    at  timestamptz not null default now()
);
create index login_failures_key_idx on login_failures (key, at);
