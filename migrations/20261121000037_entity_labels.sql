-- Every entity with its place in the tree as a label ("Group › Subsidiary ›
-- Site"): what choice lists of entities show, alone or beside other lists
-- read in the same statement.
create view entity_labels as
    with recursive tree (id, label, depth) as (
        select id, name, 0 from entities where parent_id is null
        union all
        select e.id, t.label || ' › ' || e.name, t.depth + 1 from entities e join tree t on e.parent_id = t.id
         where t.depth < 20
    )
    select id, label from tree;
