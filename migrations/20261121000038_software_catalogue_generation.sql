-- The inventory keeps the catalogue's version ids per server, by name,
-- publisher and version, so a new machine's 300 programs are not looked up
-- again. An id stays good until a program is renamed or deleted, or a
-- version deleted (merges): each of these moves the catalogue's generation
-- on, in the same transaction (a server reading the new generation reads
-- the new names), and the servers then forget the ids they kept. The epoch
-- tells one database from another (tests run many in one process).
create table software_catalogue_generation (
    one boolean primary key default true check (one),
    epoch uuid not null default gen_random_uuid(),
    generation bigint not null default 1,
    moved_by xid8
);
insert into software_catalogue_generation default values;

-- Once per transaction, however many rows it changes.
create function software_catalogue_moved() returns trigger language plpgsql as $$
begin
    update software_catalogue_generation set generation = generation + 1, moved_by = pg_current_xact_id()
     where moved_by is distinct from pg_current_xact_id();
    return null;
end $$;

-- Deferred to the commit: the generation's row is the last lock a renaming
-- transaction takes, so two of them never wait for each other through it.
create constraint trigger software_catalogue_renamed after update of name, publisher on software
    deferrable initially deferred for each row
    when (old.name is distinct from new.name or old.publisher is distinct from new.publisher)
    execute function software_catalogue_moved();
create constraint trigger software_catalogue_deleted after delete on software
    deferrable initially deferred for each row execute function software_catalogue_moved();
create constraint trigger software_versions_renamed after update of software_id, version on software_versions
    deferrable initially deferred for each row
    when (old.software_id is distinct from new.software_id or old.version is distinct from new.version)
    execute function software_catalogue_moved();
create constraint trigger software_versions_deleted after delete on software_versions
    deferrable initially deferred for each row execute function software_catalogue_moved();
create trigger software_catalogue_truncated after truncate on software
    for each statement execute function software_catalogue_moved();
create trigger software_versions_truncated after truncate on software_versions
    for each statement execute function software_catalogue_moved();
