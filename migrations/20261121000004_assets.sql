-- The asset register.

-- One counter per tag series ("PC-2026-{#}"): taken in the transaction that
-- inserts the asset, so concurrent creates get distinct tags and a rolled-back
-- create gives its number back.
create table tag_counters (
    series text primary key,
    last   bigint not null
);

create table assets (
    id                uuid primary key default gen_random_uuid(),
    tag               text not null check (length(tag) between 1 and 60),
    name              text not null default '' check (length(name) <= 200),
    -- Null when unknown, or when a placeholder ("To be filled by O.E.M.").
    serial            text check (length(serial) between 1 and 100),
    model_id          uuid not null references asset_models (id),
    -- The model's manufacturer, kept by a trigger: serials are unique per manufacturer.
    manufacturer_id   uuid references manufacturers (id),
    status_id         uuid not null references asset_statuses (id),
    entity_id         uuid not null references entities (id),
    location_id       uuid references locations (id),
    assigned_user_id  uuid references users (id),
    assigned_group_id uuid references groups (id),
    supplier          text not null default '' check (length(supplier) <= 200),
    order_number      text not null default '' check (length(order_number) <= 100),
    invoice_number    text not null default '' check (length(invoice_number) <= 100),
    purchase_date     date,
    price             numeric(14, 2) check (price >= 0),
    currency          text not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
    warranty_end      date,
    notes             text not null default '' check (length(notes) <= 10000),
    version           bigint not null default 1,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create unique index assets_tag_key on assets (lower(tag));
create unique index assets_serial_key on assets (coalesce(manufacturer_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(serial))
    where serial is not null;
create index assets_entity_idx on assets (entity_id);
create index assets_status_idx on assets (status_id);
create index assets_model_idx on assets (model_id);
create index assets_location_idx on assets (location_id);
create index assets_assigned_user_idx on assets (assigned_user_id);
create index assets_assigned_group_idx on assets (assigned_group_id);
create index assets_tag_order_idx on assets (tag, id);
create index assets_search_trgm on assets using gin ((tag || ' ' || name || ' ' || coalesce(serial, '')) gin_trgm_ops);
create trigger assets_updated_at before update on assets for each row execute function set_updated_at();

create function assets_copy_manufacturer() returns trigger language plpgsql as $$
begin
    new.manufacturer_id := (select manufacturer_id from asset_models where id = new.model_id);
    return new;
end;
$$;
create trigger assets_manufacturer before insert or update of model_id on assets
    for each row execute function assets_copy_manufacturer();

create function asset_models_copy_manufacturer() returns trigger language plpgsql as $$
begin
    update assets set manufacturer_id = new.manufacturer_id where model_id = new.id;
    return new;
end;
$$;
create trigger asset_models_manufacturer after update of manufacturer_id on asset_models
    for each row execute function asset_models_copy_manufacturer();
