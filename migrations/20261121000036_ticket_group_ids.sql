-- "My groups" asks for the open tickets of any of a person's teams. Through
-- ticket_groups that is a probe per open ticket walked; the teams kept on the
-- ticket itself, with a GIN index of the open tickets, make it one index
-- lookup. The trigger keeps the copy: insert and delete on ticket_groups
-- (including the cascade when a team is deleted) update the ticket, and skip
-- the write when the ticket already says so (an insert can set it directly).
alter table tickets add column group_ids uuid[] not null default '{}';

update tickets t set group_ids = g.ids
  from (select ticket_id, array_agg(group_id order by group_id) as ids from ticket_groups group by ticket_id) g
 where g.ticket_id = t.id;

create index tickets_open_groups_idx on tickets using gin (group_ids) where status not in ('solved', 'closed');

create function ticket_groups_copy() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update tickets set group_ids = group_ids || new.group_id
         where id = new.ticket_id and not group_ids @> array[new.group_id];
    else
        update tickets set group_ids = array_remove(group_ids, old.group_id)
         where id = old.ticket_id and group_ids @> array[old.group_id];
    end if;
    return null;
end;
$$;

create trigger ticket_groups_copy after insert or delete on ticket_groups
    for each row execute function ticket_groups_copy();
