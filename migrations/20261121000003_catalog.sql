-- The asset catalog: manufacturers, statuses, categories (with the custom
-- fields their assets carry) and models. Shared by every entity.

create table manufacturers (
    id         uuid primary key default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 200),
    url        text not null default '' check (length(url) <= 500),
    notes      text not null default '' check (length(notes) <= 10000),
    version    bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index manufacturers_name_key on manufacturers (lower(name));
create index manufacturers_name_trgm on manufacturers using gin (name gin_trgm_ops);
create trigger manufacturers_updated_at before update on manufacturers for each row execute function set_updated_at();

-- What a status means for an asset: ready to hand out, in use, away, or gone.
create type status_kind as enum ('deployable', 'deployed', 'pending', 'archived');

create table asset_statuses (
    id         uuid primary key default gen_random_uuid(),
    name       text not null check (length(name) between 1 and 100),
    kind       status_kind not null,
    notes      text not null default '' check (length(notes) <= 10000),
    version    bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index asset_statuses_name_key on asset_statuses (lower(name));
create trigger asset_statuses_updated_at before update on asset_statuses for each row execute function set_updated_at();

insert into asset_statuses (name, kind) values
    ('En stock', 'deployable'), ('Prêt à déployer', 'deployable'), ('En service', 'deployed'),
    ('En réparation', 'pending'), ('En préparation', 'pending'),
    ('Retiré', 'archived'), ('Perdu', 'archived'), ('Volé', 'archived'), ('Mis au rebut', 'archived');

create table asset_categories (
    id          uuid primary key default gen_random_uuid(),
    name        text not null check (length(name) between 1 and 100),
    -- Asset tags of this category: text with {YYYY} and one counter {###...}.
    tag_pattern text not null default 'A-{YYYY}-{#####}' check (tag_pattern ~ '\{#+\}'),
    notes       text not null default '' check (length(notes) <= 10000),
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index asset_categories_name_key on asset_categories (lower(name));
create trigger asset_categories_updated_at before update on asset_categories for each row execute function set_updated_at();

insert into asset_categories (name, tag_pattern) values
    ('Ordinateur', 'PC-{YYYY}-{#####}'), ('Portable', 'PT-{YYYY}-{#####}'), ('Écran', 'EC-{YYYY}-{#####}'),
    ('Imprimante', 'IM-{YYYY}-{#####}'), ('Équipement réseau', 'NW-{YYYY}-{#####}'), ('Téléphone', 'TEL-{YYYY}-{#####}'),
    ('Tablette', 'TAB-{YYYY}-{#####}'), ('Périphérique', 'PER-{YYYY}-{#####}'), ('Serveur', 'SRV-{YYYY}-{#####}');

create table asset_models (
    id              uuid primary key default gen_random_uuid(),
    category_id     uuid not null references asset_categories (id),
    manufacturer_id uuid references manufacturers (id),
    name            text not null check (length(name) between 1 and 200),
    part_number     text not null default '' check (length(part_number) <= 100),
    end_of_life     date,
    notes           text not null default '' check (length(notes) <= 10000),
    version         bigint not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create unique index asset_models_name_key on asset_models (coalesce(manufacturer_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create index asset_models_category_idx on asset_models (category_id);
create index asset_models_manufacturer_idx on asset_models (manufacturer_id);
create index asset_models_name_trgm on asset_models using gin (name gin_trgm_ops);
create trigger asset_models_updated_at before update on asset_models for each row execute function set_updated_at();
