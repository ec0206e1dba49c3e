-- "Mine" asks for the open tickets a technician is assigned to. Through
-- ticket_people it read every ticket they were ever assigned, closed ones
-- included (hundreds per technician, a probe and a heap visit each), to keep
-- the few still open. The technicians kept on the ticket (migration 043),
-- indexed for the open tickets as their teams are (migration 036), give the
-- open ones directly.
create index tickets_open_assignees_idx on tickets using gin (assignee_ids) where status not in ('solved', 'closed');
