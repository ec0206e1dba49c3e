-- A file attached privately is, like a private followup, for the helpdesk of
-- the ticket's entity only: never listed, counted or served to the requester.
alter table ticket_attachments add column private boolean not null default false;
