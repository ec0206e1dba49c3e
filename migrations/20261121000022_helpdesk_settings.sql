-- The helpdesk's settings pages: categories, calendars, service levels, the
-- priority matrix and the settings row become editable.

-- The priority matrix is saved as a whole; its version refuses a stale save
-- (the settings row keeps its own `version`).
alter table helpdesk_settings add column matrix_version bigint not null default 1;

-- What a delete of a category, a service level or a calendar looks for
-- ("still used by tickets / categories / service levels").
create index tickets_category_idx on tickets (category_id) where category_id is not null;
create index tickets_sla_idx on tickets (sla_id) where sla_id is not null;
create index ticket_categories_parent_idx on ticket_categories (parent_id) where parent_id is not null;
create index ticket_categories_sla_idx on ticket_categories (sla_id) where sla_id is not null;
create index slas_calendar_idx on slas (calendar_id);

-- The entities whose settings (calendars, service levels, categories,
-- groups) may be used within `scope`: those entities and every entity above
-- them. A setting made on the group's top entity serves its subsidiaries.
create function entity_lineages(scope uuid[]) returns table (id uuid)
language sql stable as $$
    select distinct l.id from unnest(scope) as s (id) cross join lateral entity_lineage(s.id) as l
$$;
