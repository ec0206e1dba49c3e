-- What agents report beyond the hardware facts and that nothing queries by
-- column: the virtual machines a host runs, a network device's ports, a
-- printer's page counter and supplies. Each section is replaced whole when an
-- inventory carrying it differs.
create table asset_inventory_sections (
    asset_id   uuid not null references assets (id) on delete cascade,
    section    text not null check (section in ('virtual_machines', 'ports', 'printer')),
    content    jsonb not null,
    updated_at timestamptz not null default now(),
    primary key (asset_id, section)
);
