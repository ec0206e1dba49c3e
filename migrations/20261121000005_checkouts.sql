-- Who or where an asset is handed to, and when it comes back. An open
-- check-out has no checked_in_at; at most one per asset, so two people
-- checking out the same asset at once cannot both win.
create table asset_checkouts (
    id                uuid primary key default gen_random_uuid(),
    asset_id          uuid not null references assets (id) on delete cascade,
    user_id           uuid references users (id),
    location_id       uuid references locations (id),
    parent_asset_id   uuid references assets (id),
    checked_out_at    timestamptz not null default now(),
    checked_out_by    text not null,
    expected_return   date,
    note              text not null default '' check (length(note) <= 2000),
    checked_in_at     timestamptz,
    checked_in_by     text,
    checkin_condition text not null default '' check (length(checkin_condition) <= 2000),
    constraint asset_checkouts_one_target check (num_nonnulls(user_id, location_id, parent_asset_id) = 1),
    constraint asset_checkouts_not_itself check (parent_asset_id is distinct from asset_id)
);
create unique index asset_checkouts_open_key on asset_checkouts (asset_id) where checked_in_at is null;
create index asset_checkouts_asset_idx on asset_checkouts (asset_id, checked_out_at desc);
create index asset_checkouts_user_idx on asset_checkouts (user_id) where checked_in_at is null;
create index asset_checkouts_overdue_idx on asset_checkouts (expected_return) where checked_in_at is null;

alter table assets add column parent_asset_id uuid references assets (id);
alter table assets add constraint assets_not_own_parent check (parent_asset_id is distinct from id);
create index assets_parent_idx on assets (parent_asset_id);
