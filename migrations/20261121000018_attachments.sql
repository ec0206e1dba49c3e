-- Files attached to tickets, stored in PostgreSQL so every server serves
-- them. The name is what the person's file was called (shown, never used as
-- a path); the type is what the content is, found by Parc, not the browser.
create table ticket_attachments (
    id           uuid primary key default gen_random_uuid(),
    ticket_id    uuid not null references tickets (id) on delete cascade,
    file_name    text not null check (length(file_name) between 1 and 255),
    content_type text not null check (length(content_type) between 1 and 100),
    size         integer not null check (size between 1 and 10485760),
    data         bytea not null,
    uploaded_by  uuid references users (id) on delete set null,
    created_at   timestamptz not null default now()
);
create index ticket_attachments_ticket_idx on ticket_attachments (ticket_id, created_at);
