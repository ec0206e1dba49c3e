-- What happened to a ticket, waiting to be told: the change's transaction
-- writes one row here, and delivery turns a batch of rows into people's
-- notifications and queued mail (one statement for the whole batch).
-- Who hears is decided at delivery from the ticket's people; what they hear
-- (message, audience, file name) is fixed when the change happens.
create table ticket_notices (
    id bigint generated always as identity primary key,
    ticket_id uuid not null references tickets (id) on delete cascade,
    -- Message key of the in-app notification (notify-ticket-...).
    message text not null check (length(message) between 1 and 100),
    -- The mail event a person may turn off, and the mail's message prefix.
    mail_event text not null check (length(mail_event) between 1 and 50),
    mail_message text not null check (length(mail_message) between 1 and 100),
    -- The audience: the requester alone; the requester's side (requester,
    -- who typed it for them, watchers); the helpdesk side (assignees, members
    -- of assigned groups); the supervisors of the ticket's entity and above.
    to_requester boolean not null,
    to_requester_side boolean not null,
    to_helpdesk_side boolean not null,
    to_supervisors boolean not null,
    -- Private: only people who see private items of the ticket's entity.
    private boolean not null,
    percent smallint not null default 0,
    file_name text check (length(file_name) <= 255),
    -- Told at most once per person and key (escalations).
    dedupe_key text,
    -- Who acted: never told of their own act.
    actor_id uuid,
    raised_at timestamptz not null default now()
);
