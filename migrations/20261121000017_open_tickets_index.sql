-- The queues list open tickets newest first: a small index of them alone,
-- and one of those nobody (no person, no group) is assigned to yet, kept by
-- a flag the assignments set (a NOT EXISTS over the assignments would read
-- them all).
create index tickets_open_number_idx on tickets (number) where status not in ('solved', 'closed');
alter table tickets add column assigned boolean not null default false;
update tickets t set assigned = true
 where exists (select 1 from ticket_people p where p.ticket_id = t.id and p.role = 'assignee')
    or exists (select 1 from ticket_groups g where g.ticket_id = t.id);
create index tickets_unassigned_idx on tickets (number) where not assigned and status not in ('solved', 'closed');
