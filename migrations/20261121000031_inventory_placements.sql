-- Where a device seen for the first time goes: rules on the agent's tag
-- and the address it sends from, tried in order. The first that matches
-- gives the entity (and optionally the location) of the new asset.
create table inventory_placements (
    id          uuid primary key default gen_random_uuid(),
    position    integer not null,
    agent_tag   text not null default '' check (length(agent_tag) <= 200),
    network     cidr,
    entity_id   uuid not null references entities (id) on delete cascade,
    location_id uuid references locations (id) on delete set null,
    created_at  timestamptz not null default now(),
    check (agent_tag <> '' or network is not null)
);
create index inventory_placements_position_idx on inventory_placements (position);
