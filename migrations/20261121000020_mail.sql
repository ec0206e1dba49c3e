-- Mail: an outbox the job runner sends from, with retries, and the events
-- each person chose not to receive by mail.

create table mail_outbox (
    id              uuid primary key default gen_random_uuid(),
    user_id         uuid not null references users (id) on delete cascade,
    -- What happened: one of the events a person can turn off.
    event           text not null check (length(event) between 1 and 50),
    -- Message key prefix: `<message>-subject` and `<message>-body`, rendered
    -- at sending time in the recipient's language.
    message         text not null check (length(message) between 1 and 100),
    args            jsonb not null default '{}',
    link            text not null default '' check (link = '' or link like '/%'),
    state           text not null default 'queued' check (state in ('queued', 'sent', 'failed')),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where state = 'queued';
create index mail_outbox_user_idx on mail_outbox (user_id, created_at desc);

-- Everyone receives every event they are concerned by unless they opted out.
create table mail_opt_outs (
    user_id uuid not null references users (id) on delete cascade,
    event   text not null check (length(event) between 1 and 50),
    primary key (user_id, event)
);
