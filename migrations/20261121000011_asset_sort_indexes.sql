-- The asset list sorts by any of these columns; without an index in the same
-- order, a page of the default (live) list sorts every live asset first.
create index assets_live_name_idx on assets (name, id) where not archived;
create index assets_live_serial_idx on assets (serial, id) where not archived;
create index assets_live_purchase_idx on assets (purchase_date, id) where not archived;
create index assets_live_warranty_idx on assets (warranty_end, id) where not archived;
create index assets_live_updated_idx on assets (updated_at, id) where not archived;
