-- Automated inventory: the agents, how inventories are matched to assets,
-- the values that identify nothing, refused inventories, what inventory
-- knows of each asset, and the software installed on it.

-- One row: who may send inventories and where new devices go.
create table inventory_settings (
    id                   boolean primary key default true check (id),
    -- 'secret': agents give the shared secret or a token as their HTTP password;
    -- 'open': anyone who reaches the endpoint may send.
    access               text not null default 'secret' check (access in ('secret', 'open')),
    shared_secret_sha256 bytea,
    -- Empty: any client address.
    allowed_networks     cidr[] not null default '{}',
    entity_id            uuid references entities (id),
    status_id            uuid references asset_statuses (id),
    max_body_bytes       bigint not null default 67108864 check (max_body_bytes between 1048576 and 1073741824),
    -- The default match rules and placeholder lists are written once, then the admin's.
    defaults_written     boolean not null default false,
    version              bigint not null default 1,
    updated_at           timestamptz not null default now()
);
insert into inventory_settings default values;
create trigger inventory_settings_updated_at before update on inventory_settings for each row execute function set_updated_at();

-- Per-agent (or per-site) secrets; devices sent with one go to its entity.
create table inventory_tokens (
    id            uuid primary key default gen_random_uuid(),
    name          text not null check (length(name) between 1 and 200),
    secret_sha256 bytea not null unique,
    entity_id     uuid references entities (id),
    created_at    timestamptz not null default now(),
    revoked_at    timestamptz
);

create table inventory_agents (
    id                uuid primary key default gen_random_uuid(),
    -- GLPI Agent's own id (the GLPI-Agent-ID header), when it sends one.
    agent_uuid        text check (length(agent_uuid) <= 100),
    deviceid          text not null check (length(deviceid) between 1 and 255),
    user_agent        text not null default '' check (length(user_agent) <= 200),
    tag               text not null default '' check (length(tag) <= 200),
    remote_ip         inet,
    asset_id          uuid references assets (id) on delete set null,
    -- SHA-256 of the last inventory body: the same body again changes nothing.
    last_body_sha256  bytea,
    last_contact_at   timestamptz not null default now(),
    last_inventory_at timestamptz,
    created_at        timestamptz not null default now()
);
create unique index inventory_agents_uuid_key on inventory_agents (agent_uuid) where agent_uuid is not null;
create unique index inventory_agents_deviceid_key on inventory_agents (deviceid) where agent_uuid is null;
create index inventory_agents_asset_idx on inventory_agents (asset_id);

create table inventory_blacklist (
    id    uuid primary key default gen_random_uuid(),
    field text not null check (field in ('serial', 'uuid', 'mac', 'ip', 'model', 'manufacturer')),
    -- A value compared without case, or /a regular expression/.
    value text not null check (length(value) between 1 and 200),
    unique (field, value)
);

-- An ordered list, first match wins: 'refuse_missing' refuses when a
-- criterion is absent; 'link' takes the asset having every criterion's value;
-- 'create' makes a new asset when every criterion is present; 'refuse' refuses.
create table inventory_rules (
    id       uuid primary key default gen_random_uuid(),
    position integer not null,
    name     text not null check (length(name) between 1 and 200),
    -- Null: every kind of device.
    itemtype text check (itemtype in ('Computer', 'Phone', 'NetworkEquipment', 'Printer', 'Unmanaged')),
    action   text not null check (action in ('refuse_missing', 'link', 'create', 'refuse')),
    criteria text[] not null default '{}'
             check (criteria <@ array['agent', 'serial', 'uuid', 'name', 'mac', 'stored_uuid_empty']),
    active   boolean not null default true,
    version  bigint not null default 1
);
create index inventory_rules_position_idx on inventory_rules (position);

-- Inventories no rule let in, kept whole to be imported later.
create table inventory_refused (
    id         uuid primary key default gen_random_uuid(),
    agent_id   uuid references inventory_agents (id) on delete set null,
    itemtype   text not null,
    name       text,
    serial     text,
    uuid       text,
    macs       text[] not null default '{}',
    rule_id    uuid references inventory_rules (id) on delete set null,
    reason     text not null,
    dialect    text not null check (dialect in ('json', 'xml')),
    document   jsonb not null,
    created_at timestamptz not null default now()
);
create index inventory_refused_created_idx on inventory_refused (created_at desc);

-- What inventory knows of an asset beyond the register's own columns.
create table asset_inventory (
    asset_id           uuid primary key references assets (id) on delete cascade,
    itemtype           text not null,
    system_uuid        text check (length(system_uuid) <= 100),
    -- The serial as sent, when another asset already holds it.
    serial             text check (length(serial) <= 100),
    kind               text not null default '' check (length(kind) <= 100),
    last_user          text not null default '' check (length(last_user) <= 200),
    agent_id           uuid references inventory_agents (id) on delete set null,
    rule_id            uuid references inventory_rules (id) on delete set null,
    -- SHA-256 of the normalised inventory last applied.
    checksum           bytea,
    first_inventory_at timestamptz not null default now(),
    last_inventory_at  timestamptz not null default now()
);
create index asset_inventory_uuid_idx on asset_inventory (system_uuid) where system_uuid is not null;
create index assets_lower_serial_idx on assets (lower(serial)) where serial is not null;
create index assets_lower_name_idx on assets (lower(name));

-- Fields a person set by hand that inventory leaves alone.
create table asset_locked_fields (
    asset_id uuid not null references assets (id) on delete cascade,
    field    text not null check (field in ('name', 'serial', 'model', 'os', 'cpu', 'memory', 'disks', 'networks')),
    primary key (asset_id, field)
);

create table asset_volumes (
    asset_id   uuid not null references assets (id) on delete cascade,
    position   integer not null,
    mount      text not null default '' check (length(mount) <= 300),
    filesystem text not null default '' check (length(filesystem) <= 50),
    total_mb   bigint,
    free_mb    bigint,
    primary key (asset_id, position)
);

create table asset_antivirus (
    asset_id   uuid not null references assets (id) on delete cascade,
    position   integer not null,
    name       text not null check (length(name) <= 200),
    version    text not null default '' check (length(version) <= 100),
    enabled    boolean,
    up_to_date boolean,
    primary key (asset_id, position)
);

-- The software catalogue, built from installations.
create table software (
    id         uuid primary key default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 250),
    publisher  text not null default '' check (length(publisher) <= 250),
    category   text not null default '' check (length(category) <= 100),
    created_at timestamptz not null default now()
);
create unique index software_name_key on software (lower(name), lower(publisher));
create index software_name_trgm on software using gin (name gin_trgm_ops);

create table software_versions (
    id          uuid primary key default gen_random_uuid(),
    software_id uuid not null references software (id) on delete cascade,
    version     text not null default '' check (length(version) <= 100),
    unique (software_id, version)
);

create table software_installations (
    asset_id     uuid not null references assets (id) on delete cascade,
    version_id   uuid not null references software_versions (id) on delete cascade,
    arch         text not null default '' check (length(arch) <= 50),
    install_date date,
    source       text not null default 'inventory' check (source in ('inventory', 'manual')),
    created_at   timestamptz not null default now(),
    primary key (asset_id, version_id, arch)
);
create index software_installations_version_idx on software_installations (version_id);
