-- Software: the catalogue becomes editable, a dictionary names what agents
-- report, licences and their seats, standard workstation configurations and
-- the compliance figures the job runner computes.

-- The catalogue entries a park manager edits: category, the forbidden flag
-- (the "no pirated software" policy) and notes.
alter table software
    add column forbidden  boolean not null default false,
    add column notes      text not null default '' check (length(notes) <= 10000),
    add column version    bigint not null default 1,
    add column updated_at timestamptz not null default now();
create trigger software_updated_at before update on software for each row execute function set_updated_at();
create index software_forbidden_idx on software (id) where forbidden;
create index software_category_idx on software (lower(category)) where category <> '';
create index software_versions_software_idx on software_versions (software_id);
create index software_installations_asset_idx on software_installations (asset_id);
create index software_installations_created_idx on software_installations (created_at);
-- Who added a manual installation.
alter table software_installations add column added_by uuid references users (id) on delete set null;

-- How a reported name becomes a catalogue entry. Rules are tried in order;
-- the first whose patterns match renames the entry (an empty field keeps what
-- the agent said; `set_version` may use the name pattern's groups, `$1`) or,
-- with `ignore`, leaves the entry out of the inventory.
create table software_dictionary (
    id                uuid primary key default gen_random_uuid(),
    position          integer not null,
    name_pattern      text not null check (length(name_pattern) between 1 and 500),
    publisher_pattern text not null default '' check (length(publisher_pattern) <= 500),
    set_name          text not null default '' check (length(set_name) <= 250),
    set_publisher     text not null default '' check (length(set_publisher) <= 250),
    set_version       text not null default '' check (length(set_version) <= 100),
    set_category      text not null default '' check (length(set_category) <= 100),
    ignore            boolean not null default false,
    created_at        timestamptz not null default now()
);
create index software_dictionary_position_idx on software_dictionary (position);

-- Licences: what the company bought. `seats_used` is kept by the seat
-- triggers below; its check makes a seat beyond the count impossible, so of
-- two people taking the last seat at once exactly one succeeds.
create table licences (
    id             uuid primary key default gen_random_uuid(),
    entity_id      uuid not null references entities (id),
    software_id    uuid not null references software (id),
    name           text not null check (length(name) between 1 and 200),
    kind           text not null check (kind in ('per_device', 'per_user', 'per_core', 'concurrent', 'site', 'subscription')),
    -- Null only for a site licence: it covers every installation of its entities.
    seats          integer check (seats between 0 and 10000000),
    seats_used     integer not null default 0,
    licence_key    text not null default '' check (length(licence_key) <= 1000),
    supplier       text not null default '' check (length(supplier) <= 200),
    order_number   text not null default '' check (length(order_number) <= 100),
    invoice_number text not null default '' check (length(invoice_number) <= 100),
    price          numeric(14, 2) check (price >= 0),
    currency       text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
    purchase_date  date,
    starts_on      date,
    expires_on     date,
    renewal_on     date,
    notes          text not null default '' check (length(notes) <= 10000),
    version        bigint not null default 1,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    check ((seats is null) = (kind = 'site')),
    check (seats_used >= 0 and (seats is null or seats_used <= seats)),
    check (expires_on is null or starts_on is null or expires_on >= starts_on)
);
create index licences_software_idx on licences (software_id);
create index licences_entity_idx on licences (entity_id);
create index licences_expires_idx on licences (expires_on) where expires_on is not null;
create trigger licences_updated_at before update on licences for each row execute function set_updated_at();

-- A seat is given to one asset or one person, once per licence.
create table licence_seats (
    id          uuid primary key default gen_random_uuid(),
    licence_id  uuid not null references licences (id) on delete cascade,
    asset_id    uuid references assets (id) on delete cascade,
    user_id     uuid references users (id) on delete cascade,
    assigned_by uuid references users (id) on delete set null,
    assigned_at timestamptz not null default now(),
    check (num_nonnulls(asset_id, user_id) = 1)
);
create unique index licence_seats_asset_key on licence_seats (licence_id, asset_id) where asset_id is not null;
create unique index licence_seats_user_key on licence_seats (licence_id, user_id) where user_id is not null;
create index licence_seats_asset_idx on licence_seats (asset_id) where asset_id is not null;
create index licence_seats_user_idx on licence_seats (user_id) where user_id is not null;

create function licence_seats_count() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update licences set seats_used = seats_used + 1 where id = new.licence_id;
    else
        update licences set seats_used = seats_used - 1 where id = old.licence_id;
    end if;
    return null;
end;
$$;
create trigger licence_seats_count after insert or delete on licence_seats
    for each row execute function licence_seats_count();

-- A standard workstation configuration: the software every asset of a model
-- or a category (within the configuration's entity and below) must carry.
create table standard_configurations (
    id          uuid primary key default gen_random_uuid(),
    entity_id   uuid not null references entities (id),
    name        text not null check (length(name) between 1 and 200),
    category_id uuid references asset_categories (id),
    model_id    uuid references asset_models (id),
    notes       text not null default '' check (length(notes) <= 10000),
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    check (num_nonnulls(category_id, model_id) >= 1)
);
create unique index standard_configurations_name_key on standard_configurations (entity_id, lower(name));
create trigger standard_configurations_updated_at before update on standard_configurations
    for each row execute function set_updated_at();

create table standard_configuration_software (
    configuration_id uuid not null references standard_configurations (id) on delete cascade,
    software_id      uuid not null references software (id) on delete cascade,
    primary key (configuration_id, software_id)
);

-- What the compliance job counted, per software and entity: the assets in
-- service carrying it, the distinct people using them (an asset nobody holds
-- counts as one) and their processor cores (one when unknown). The compliance
-- page reads these rather than scanning every installation.
create table software_usage (
    software_id uuid not null references software (id) on delete cascade,
    entity_id   uuid not null references entities (id) on delete cascade,
    installs    integer not null,
    users       integer not null,
    cores       integer not null,
    primary key (software_id, entity_id)
);

-- The compliance job's bookkeeping: when it last counted, how far it looked
-- for new forbidden installations, and the alert settings.
create table compliance_state (
    id                  integer primary key default 1 check (id = 1),
    counted_at          timestamptz,
    forbidden_seen_upto timestamptz not null default '-infinity',
    expiry_warning_days integer not null default 30 check (expiry_warning_days between 0 and 365),
    version             bigint not null default 1
);
insert into compliance_state default values;

-- Over-deployments already reported, so an alert says "new" once.
create table compliance_overdeployed (
    software_id uuid not null references software (id) on delete cascade,
    entity_id   uuid not null references entities (id) on delete cascade,
    since       timestamptz not null default now(),
    primary key (software_id, entity_id)
);
