-- The supervisor's dashboard counts the open tickets by status, priority,
-- team and technician. Read through the tickets' heap and joins with their
-- teams and people, those four counts took most of its time over 200 000
-- tickets. The technicians assigned are now kept on the ticket like its
-- teams (migration 036), and one covering index of the tickets not closed
-- answers all four counts without touching the heap.
alter table tickets add column assignee_ids uuid[] not null default '{}';

update tickets t set assignee_ids = p.ids
  from (select ticket_id, array_agg(user_id order by user_id) as ids from ticket_people
         where role = 'assignee' group by ticket_id) p
 where p.ticket_id = t.id;

create index tickets_backlog_idx on tickets (entity_id) include (status, priority, group_ids, assignee_ids)
    where status <> 'closed';

-- Insert and delete of an assignee (including the cascade when a person is
-- deleted) update the ticket, and skip the write when it already says so.
create function ticket_assignees_copy() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update tickets set assignee_ids = assignee_ids || new.user_id
         where id = new.ticket_id and not assignee_ids @> array[new.user_id];
    else
        update tickets set assignee_ids = array_remove(assignee_ids, old.user_id)
         where id = old.ticket_id and assignee_ids @> array[old.user_id];
    end if;
    return null;
end;
$$;

create trigger ticket_assignees_added after insert on ticket_people
    for each row when (new.role = 'assignee') execute function ticket_assignees_copy();
create trigger ticket_assignees_removed after delete on ticket_people
    for each row when (old.role = 'assignee') execute function ticket_assignees_copy();
