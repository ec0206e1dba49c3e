-- Idempotency-Key on API creates: the first response to a key is kept a
-- day and replayed to a retry of the same request.
create table idempotency_keys (
    user_id      uuid not null references users (id) on delete cascade,
    key          text not null check (length(key) between 1 and 255),
    request_hash bytea not null,
    -- Null while the first request is still running.
    status       smallint,
    content_type text,
    body         bytea,
    created_at   timestamptz not null default now(),
    primary key (user_id, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);
