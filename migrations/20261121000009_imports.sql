-- CSV imports: the uploaded file (in chunks, so no step holds it whole), the
-- column mapping, and the per-row errors of the dry run and the real run.
create table imports (
    id         uuid primary key default gen_random_uuid(),
    kind       text not null check (kind in ('assets', 'models', 'users')),
    file_name  text not null default '' check (length(file_name) <= 300),
    encoding   text not null check (encoding in ('utf-8', 'latin-1')),
    delimiter  text not null check (length(delimiter) = 1),
    columns    text[] not null,
    -- Target field -> column name.
    mapping    jsonb not null default '{}',
    -- Where new rows go when the file names no entity (within the importer's scope).
    entity_id  uuid references entities (id) on delete cascade,
    size_bytes bigint not null,
    check_job  uuid references jobs (id) on delete set null,
    run_job    uuid references jobs (id) on delete set null,
    created_by uuid not null references users (id) on delete cascade,
    created_at timestamptz not null default now()
);
create index imports_created_by_idx on imports (created_by, created_at desc);

create table import_chunks (
    import_id uuid not null references imports (id) on delete cascade,
    seq       integer not null,
    data      bytea not null,
    primary key (import_id, seq)
);

create table import_row_errors (
    import_id uuid not null references imports (id) on delete cascade,
    dry_run   boolean not null,
    line      bigint not null,
    field     text not null,
    -- A message key.
    message   text not null
);
create index import_row_errors_idx on import_row_errors (import_id, dry_run, line);

-- The mapping last used for a file with these columns, offered again next time.
create table import_mappings (
    kind       text not null,
    signature  text not null,
    mapping    jsonb not null,
    updated_at timestamptz not null default now(),
    primary key (kind, signature)
);

-- Imports and the by-serial lookup match a serial whatever its manufacturer.
create index assets_serial_lower_idx on assets (lower(serial)) where serial is not null;
