-- What an asset carries beyond the register's columns: the custom fields of
-- its category, who uses it, the assets it is linked to, and for computers
-- the hardware facts that inventory agents fill later.

-- Definitions: [{"key", "label", "kind", "required", "options"}], checked by
-- the application; values: {"key": typed JSON value}.
alter table asset_categories
    add column custom_fields jsonb not null default '[]' check (jsonb_typeof(custom_fields) = 'array'),
    add column has_hardware boolean not null default false;
update asset_categories set has_hardware = true where name in ('Ordinateur', 'Portable', 'Serveur');
alter table assets add column custom_values jsonb not null default '{}' check (jsonb_typeof(custom_values) = 'object');

-- "Used by": people sharing a device, besides the one responsible for it.
create table asset_users (
    asset_id uuid not null references assets (id) on delete cascade,
    user_id  uuid not null references users (id) on delete cascade,
    since    timestamptz not null default now(),
    primary key (asset_id, user_id)
);
create index asset_users_user_idx on asset_users (user_id);

-- A monitor connected to a computer, a laptop on its docking station, a
-- component inside a machine: asset_id is connected to / docked on / part of related_id.
create table asset_relations (
    id         uuid primary key default gen_random_uuid(),
    asset_id   uuid not null references assets (id) on delete cascade,
    related_id uuid not null references assets (id) on delete cascade,
    kind       text not null check (kind in ('connected', 'docked', 'component')),
    created_at timestamptz not null default now(),
    constraint asset_relations_not_itself check (asset_id <> related_id)
);
create unique index asset_relations_pair_key on asset_relations (least(asset_id, related_id), greatest(asset_id, related_id));
create index asset_relations_asset_idx on asset_relations (asset_id);
create index asset_relations_related_idx on asset_relations (related_id);

create table asset_hardware (
    asset_id   uuid primary key references assets (id) on delete cascade,
    os_name    text not null default '' check (length(os_name) <= 200),
    os_version text not null default '' check (length(os_version) <= 100),
    cpu        text not null default '' check (length(cpu) <= 200),
    cpu_cores  integer check (cpu_cores between 1 and 100000),
    memory_mb  bigint check (memory_mb >= 0),
    updated_at timestamptz not null default now()
);

create table asset_disks (
    asset_id uuid not null references assets (id) on delete cascade,
    position integer not null,
    name     text not null check (length(name) between 1 and 200),
    size_gb  numeric(12, 1) check (size_gb >= 0),
    primary key (asset_id, position)
);

-- MACs as "aa:bb:cc:dd:ee:ff" and addresses in their canonical text form,
-- both normalised by the application, so search is a plain equality.
create table asset_network_interfaces (
    asset_id uuid not null references assets (id) on delete cascade,
    position integer not null,
    name     text not null default '' check (length(name) <= 100),
    mac      text check (mac ~ '^([0-9a-f]{2}:){5}[0-9a-f]{2}$'),
    ips      text[] not null default '{}',
    primary key (asset_id, position)
);
create index asset_network_interfaces_mac_idx on asset_network_interfaces (mac);
create index asset_network_interfaces_ips_idx on asset_network_interfaces using gin (ips);
