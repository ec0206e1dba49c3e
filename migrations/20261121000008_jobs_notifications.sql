-- Background work and in-app notifications.

-- A job is claimed by one server at a time (FOR UPDATE SKIP LOCKED), so any
-- number of `parc serve` processes share the queue without doing a job twice.
create table jobs (
    id          uuid primary key default gen_random_uuid(),
    kind        text not null check (length(kind) between 1 and 100),
    payload     jsonb not null default '{}',
    -- Recurring jobs (reminders) have at most one pending run at a time.
    recurring   boolean not null default false,
    state       text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    run_at      timestamptz not null default now(),
    attempts    integer not null default 0,
    done_count  bigint not null default 0,
    total_count bigint,
    result      jsonb,
    error       text,
    claimed_by  text,
    claimed_at  timestamptz,
    created_by  uuid references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    finished_at timestamptz
);
create index jobs_queue_idx on jobs (run_at) where state = 'queued';
create unique index jobs_one_pending_recurring on jobs (kind) where recurring and state in ('queued', 'running');

create table notifications (
    id         uuid primary key default gen_random_uuid(),
    user_id    uuid not null references users (id) on delete cascade,
    -- A message key and its arguments, so each person reads it in their language.
    message    text not null,
    args       jsonb not null default '{}',
    link       text not null default '' check (link = '' or link like '/%'),
    -- The same reminder is never sent twice to one person.
    dedupe_key text,
    created_at timestamptz not null default now(),
    read_at    timestamptz
);
create unique index notifications_dedupe_key on notifications (user_id, dedupe_key);
create index notifications_unread_idx on notifications (user_id, created_at desc) where read_at is null;
create index notifications_user_idx on notifications (user_id, created_at desc);

-- Who handed an asset out, to remind them too when it is late.
alter table asset_checkouts add column checked_out_by_id uuid references users (id) on delete set null;
