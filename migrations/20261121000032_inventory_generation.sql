-- What the agents' endpoint reads on every message (who may send, the
-- placeholder lists, the match and placement rules, the software dictionary)
-- is cached by the servers per generation: any change to it moves the
-- generation on, so one small read tells a server whether its copy holds.
alter table inventory_settings add column generation bigint not null default 1;

create function inventory_settings_next_generation() returns trigger language plpgsql as $$
begin
    new.generation := old.generation + 1;
    return new;
end $$;
create trigger inventory_settings_generation before update on inventory_settings
    for each row execute function inventory_settings_next_generation();

create function inventory_generation_bump() returns trigger language plpgsql as $$
begin
    update inventory_settings set generation = generation + 1;
    return null;
end $$;
create trigger inventory_rules_generation after insert or update or delete or truncate on inventory_rules
    for each statement execute function inventory_generation_bump();
create trigger inventory_blacklist_generation after insert or update or delete or truncate on inventory_blacklist
    for each statement execute function inventory_generation_bump();
create trigger inventory_placements_generation after insert or update or delete or truncate on inventory_placements
    for each statement execute function inventory_generation_bump();
create trigger software_dictionary_generation after insert or update or delete or truncate on software_dictionary
    for each statement execute function inventory_generation_bump();

-- The checksum of each agent's last inventory: two agents on one machine
-- (FusionInventory and OCS, say) each compare with their own, so they do not
-- rewrite the asset in turn when nothing changed on their side.
alter table inventory_agents add column last_checksum bytea;

-- Every new machine writes hundreds of installations: no index that nothing
-- reads. The primary key (asset_id, version_id, arch) serves lookups by asset.
drop index software_installations_asset_idx;
drop index software_installations_created_idx;
