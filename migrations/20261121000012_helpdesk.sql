-- Helpdesk: working calendars, service levels, ticket categories, tickets and
-- their timeline (followups, tasks, solutions), and the pauses of their SLA clock.

-- Working hours per weekday ("mon-fri 09:00-18:00") in a time zone, plus
-- closed days. French public holidays are added by the application when set.
create table calendars (
    id              uuid primary key default gen_random_uuid(),
    entity_id       uuid not null references entities (id),
    name            text not null check (length(name) between 1 and 200),
    time_zone       text not null default 'Europe/Paris' check (length(time_zone) between 1 and 64),
    week            text not null check (length(week) between 1 and 1000),
    french_holidays boolean not null default true,
    version         bigint not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create unique index calendars_entity_name_key on calendars (entity_id, lower(name));
create trigger calendars_updated_at before update on calendars for each row execute function set_updated_at();

create table calendar_closures (
    calendar_id uuid not null references calendars (id) on delete cascade,
    day         date not null,
    name        text not null default '' check (length(name) <= 200),
    primary key (calendar_id, day)
);

-- A service level: for each priority, a time to own and a time to resolve,
-- counted in the working hours of its calendar; escalations at percentages.
create table slas (
    id              uuid primary key default gen_random_uuid(),
    entity_id       uuid not null references entities (id),
    name            text not null check (length(name) between 1 and 200),
    calendar_id     uuid not null references calendars (id),
    -- Index i is priority i + 1 (1 = very low ... 5 = very high), in minutes.
    own_minutes     integer[] not null check (cardinality(own_minutes) = 5 and 0 < all (own_minutes)),
    resolve_minutes integer[] not null check (cardinality(resolve_minutes) = 5 and 0 < all (resolve_minutes)),
    -- Notify the supervisors when this share of a delay has elapsed.
    escalate_at     smallint[] not null default '{75,100}' check (0 < all (escalate_at) and 100 >= all (escalate_at)),
    -- The entity's service level for categories that name none.
    is_default      boolean not null default false,
    version         bigint not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create unique index slas_entity_name_key on slas (entity_id, lower(name));
create unique index slas_one_default on slas (entity_id) where is_default;
create trigger slas_updated_at before update on slas for each row execute function set_updated_at();

-- A tree of ITIL categories, each with the group and service level it implies.
create table ticket_categories (
    id         uuid primary key default gen_random_uuid(),
    entity_id  uuid not null references entities (id),
    parent_id  uuid references ticket_categories (id),
    name       text not null check (length(name) between 1 and 200),
    group_id   uuid references groups (id) on delete set null,
    sla_id     uuid references slas (id) on delete set null,
    -- Shown to employees on the portal.
    on_portal  boolean not null default true,
    version    bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint ticket_categories_not_own_parent check (parent_id is distinct from id)
);
create unique index ticket_categories_parent_name_key
    on ticket_categories (entity_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create trigger ticket_categories_updated_at before update on ticket_categories for each row execute function set_updated_at();

-- Urgency x impact -> priority; editable by an administrator.
create table priority_matrix (
    urgency  smallint not null check (urgency between 1 and 5),
    impact   smallint not null check (impact between 1 and 5),
    priority smallint not null check (priority between 1 and 5),
    primary key (urgency, impact)
);
insert into priority_matrix (urgency, impact, priority)
select u, i, greatest(1, least(5, case when u + i <= 3 then 1 when u + i <= 5 then 2 when u + i <= 6 then 3
                                       when u + i <= 8 then 4 else 5 end))
from generate_series(1, 5) u, generate_series(1, 5) i;

create sequence ticket_number_seq;

create table tickets (
    id               uuid primary key default gen_random_uuid(),
    number           bigint not null unique default nextval('ticket_number_seq'),
    entity_id        uuid not null references entities (id),
    kind             text not null check (kind in ('incident', 'request')),
    title            text not null check (length(title) between 1 and 250),
    description      text not null default '' check (length(description) <= 100000),
    requester_id     uuid not null references users (id),
    -- Who typed it, when on behalf of the requester.
    created_by_id    uuid references users (id) on delete set null,
    category_id      uuid references ticket_categories (id) on delete set null,
    urgency          smallint not null default 3 check (urgency between 1 and 5),
    impact           smallint not null default 3 check (impact between 1 and 5),
    priority         smallint not null default 3 check (priority between 1 and 5),
    status           text not null default 'new'
                     check (status in ('new', 'assigned', 'in_progress', 'pending', 'solved', 'closed')),
    pending_reason   text not null default '' check (length(pending_reason) <= 500),
    source           text not null default 'web' check (source in ('web', 'portal', 'phone', 'email', 'api')),
    -- The service level and the due dates computed from it (null while paused
    -- for resolution, or when no service level applies).
    sla_id           uuid references slas (id) on delete set null,
    own_due_at       timestamptz,
    resolve_due_at   timestamptz,
    owned_at         timestamptz,
    solved_at        timestamptz,
    closed_at        timestamptz,
    version          bigint not null default 1,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index tickets_entity_status_idx on tickets (entity_id, status, id);
create index tickets_requester_idx on tickets (requester_id, created_at desc);
create index tickets_created_by_idx on tickets (created_by_id) where created_by_id is not null;
create index tickets_resolve_due_idx on tickets (resolve_due_at) where status not in ('solved', 'closed');
create index tickets_own_due_idx on tickets (own_due_at) where owned_at is null;
create index tickets_updated_idx on tickets (updated_at, id);
create index tickets_title_trgm on tickets using gin (title gin_trgm_ops);
create trigger tickets_updated_at before update on tickets for each row execute function set_updated_at();

-- People on a ticket beside its requester: assigned technicians and watchers.
create table ticket_people (
    ticket_id uuid not null references tickets (id) on delete cascade,
    user_id   uuid not null references users (id) on delete cascade,
    role      text not null check (role in ('assignee', 'watcher')),
    primary key (ticket_id, user_id, role)
);
create index ticket_people_user_idx on ticket_people (user_id, role);

create table ticket_groups (
    ticket_id uuid not null references tickets (id) on delete cascade,
    group_id  uuid not null references groups (id) on delete cascade,
    primary key (ticket_id, group_id)
);
create index ticket_groups_group_idx on ticket_groups (group_id);

create table ticket_assets (
    ticket_id uuid not null references tickets (id) on delete cascade,
    asset_id  uuid not null references assets (id) on delete cascade,
    primary key (ticket_id, asset_id)
);
create index ticket_assets_asset_idx on ticket_assets (asset_id);

create table followups (
    id         uuid primary key default gen_random_uuid(),
    ticket_id  uuid not null references tickets (id) on delete cascade,
    author_id  uuid references users (id) on delete set null,
    body       text not null check (length(body) between 1 and 100000),
    -- Private followups are for technicians only, everywhere.
    private    boolean not null default false,
    created_at timestamptz not null default now()
);
create index followups_ticket_idx on followups (ticket_id, created_at);

create table ticket_tasks (
    id            uuid primary key default gen_random_uuid(),
    ticket_id     uuid not null references tickets (id) on delete cascade,
    author_id     uuid references users (id) on delete set null,
    technician_id uuid references users (id) on delete set null,
    body          text not null check (length(body) between 1 and 100000),
    state         text not null default 'todo' check (state in ('todo', 'done')),
    private       boolean not null default false,
    planned_start timestamptz,
    planned_end   timestamptz,
    minutes_spent integer not null default 0 check (minutes_spent between 0 and 100000),
    version       bigint not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint ticket_tasks_plan check (planned_end is null or (planned_start is not null and planned_end > planned_start))
);
create index ticket_tasks_ticket_idx on ticket_tasks (ticket_id, created_at);
create index ticket_tasks_planning_idx on ticket_tasks (technician_id, planned_start) where planned_start is not null;
create trigger ticket_tasks_updated_at before update on ticket_tasks for each row execute function set_updated_at();

-- Proposed solutions; the requester accepts (the ticket closes) or refuses (it reopens).
create table ticket_solutions (
    id          uuid primary key default gen_random_uuid(),
    ticket_id   uuid not null references tickets (id) on delete cascade,
    author_id   uuid references users (id) on delete set null,
    body        text not null check (length(body) between 1 and 100000),
    state       text not null default 'proposed' check (state in ('proposed', 'accepted', 'refused')),
    answered_by uuid references users (id) on delete set null,
    answered_at timestamptz,
    created_at  timestamptz not null default now()
);
create index ticket_solutions_ticket_idx on ticket_solutions (ticket_id, created_at);
create unique index ticket_solutions_one_open on ticket_solutions (ticket_id) where state = 'proposed';

-- Status changes, for the timeline (the history keeps every field change too).
create table ticket_events (
    id         bigint generated always as identity primary key,
    ticket_id  uuid not null references tickets (id) on delete cascade,
    actor_id   uuid references users (id) on delete set null,
    old_status text,
    new_status text not null,
    reason     text not null default '' check (length(reason) <= 500),
    at         timestamptz not null default now()
);
create index ticket_events_ticket_idx on ticket_events (ticket_id, at);

-- Periods the resolution clock stood still (the ticket was pending). They are
-- kept, so that a due date recomputed under another service level still
-- leaves them out.
create table ticket_pauses (
    ticket_id  uuid not null references tickets (id) on delete cascade,
    started_at timestamptz not null,
    ended_at   timestamptz,
    primary key (ticket_id, started_at),
    check (ended_at is null or ended_at >= started_at)
);
create unique index ticket_pauses_one_open on ticket_pauses (ticket_id) where ended_at is null;
