-- A refused inventory keeps the entity of the token it came with, for its import.
alter table inventory_refused add column entity_id uuid references entities (id) on delete set null;
