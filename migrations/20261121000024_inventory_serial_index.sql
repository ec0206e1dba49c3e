-- Matching by serial also looks at the serial inventory noted on a clone.
create index asset_inventory_serial_idx on asset_inventory (lower(serial)) where serial is not null;
