-- Shared pieces every later migration relies on.

create extension if not exists pg_trgm;

-- Keeps updated_at true without every UPDATE having to remember it.
create function set_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

-- Logins, e-mails and tags are compared case-insensitively through unique
-- indexes on lower(...): a nondeterministic ICU collation would do the same for
-- equality but PostgreSQL refuses LIKE and trigram search on such columns.

-- The history of every change. Written in the same transaction as the change
-- it describes; append-only (see the trigger below).
create table audit_log (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default now(),
    actor_id    uuid,                 -- null for the system itself
    actor_label text not null,        -- kept even if the actor is deleted later
    source      text not null check (source in ('web', 'api', 'cli', 'system', 'import', 'inventory')),
    request_id  text,
    object_kind text not null,
    object_id   uuid not null,
    entity_id   uuid,
    action      text not null check (action in ('create', 'update', 'delete')),
    changes     jsonb not null default '{}'::jsonb
);
create index audit_log_object_idx on audit_log (object_kind, object_id, at desc, id desc);
create index audit_log_actor_idx on audit_log (actor_id, at desc);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_append_only
    before update or delete or truncate on audit_log
    for each statement execute function audit_log_is_append_only();
