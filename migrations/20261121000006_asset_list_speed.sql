-- Whether an asset's status is archived, on the asset itself: the default
-- list (archived assets left out) then counts and pages through partial
-- indexes instead of joining every asset to its status.
alter table assets add column archived boolean not null default false;
update assets a set archived = (s.kind = 'archived') from asset_statuses s where s.id = a.status_id;

create function assets_copy_archived() returns trigger language plpgsql as $$
begin
    new.archived := (select kind = 'archived' from asset_statuses where id = new.status_id);
    return new;
end;
$$;
create trigger assets_archived before insert or update of status_id on assets
    for each row execute function assets_copy_archived();

create function asset_statuses_copy_archived() returns trigger language plpgsql as $$
begin
    update assets set archived = (new.kind = 'archived') where status_id = new.id;
    return new;
end;
$$;
create trigger asset_statuses_archived after update of kind on asset_statuses
    for each row execute function asset_statuses_copy_archived();

create index assets_live_tag_idx on assets (tag, id) where not archived;
create index assets_live_entity_idx on assets (entity_id) where not archived;
create index assets_status_location_idx on assets (status_id, location_id);
