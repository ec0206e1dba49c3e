-- An entity and the entities above it, nearest first: what is set on an
-- entity (a default service level, categories, articles, supervisors)
-- applies below it.
create function entity_lineage(start uuid) returns table (id uuid, depth integer)
language sql stable as $$
    with recursive up (id, parent_id, depth) as (
        select e.id, e.parent_id, 0 from entities e where e.id = start
        union all
        select e.id, e.parent_id, up.depth + 1 from entities e join up on e.id = up.parent_id where up.depth < 50)
    select up.id, up.depth from up
$$;
