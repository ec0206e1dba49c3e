-- What happens around a ticket's life: escalations of its service level,
-- closing solved tickets automatically, and the requester's satisfaction.

-- Settings of the whole helpdesk (one row).
create table helpdesk_settings (
    id                 boolean primary key default true check (id),
    -- A solved ticket nobody answers is closed after this many days.
    autoclose_days     integer not null default 7 check (autoclose_days between 1 and 365),
    -- A satisfaction survey can be answered for this many days after closing.
    survey_valid_days  integer not null default 30 check (survey_valid_days between 1 and 365),
    version            bigint not null default 1,
    updated_at         timestamptz not null default now()
);
insert into helpdesk_settings default values;
create trigger helpdesk_settings_updated_at before update on helpdesk_settings for each row execute function set_updated_at();

-- The instants a share of a delay runs out, computed with the due dates; the
-- escalation job notifies the supervisors of those that have passed, once.
create table ticket_escalations (
    ticket_id   uuid not null references tickets (id) on delete cascade,
    target      text not null check (target in ('own', 'resolve')),
    percent     smallint not null check (percent between 1 and 100),
    due_at      timestamptz not null,
    notified_at timestamptz,
    primary key (ticket_id, target, percent)
);
create index ticket_escalations_due_idx on ticket_escalations (due_at) where notified_at is null;

-- One survey per ticket, sent to its requester when it is closed.
create table satisfaction_surveys (
    ticket_id    uuid primary key references tickets (id) on delete cascade,
    requester_id uuid not null references users (id) on delete cascade,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    rating       smallint check (rating between 1 and 5),
    comment      text not null default '' check (length(comment) <= 10000),
    answered_at  timestamptz,
    check ((rating is null) = (answered_at is null))
);
create index satisfaction_surveys_answered_idx on satisfaction_surveys (answered_at) where answered_at is not null;
create index tickets_solved_idx on tickets (solved_at) where status = 'solved';
