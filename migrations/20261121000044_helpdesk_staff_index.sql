-- The technicians a supervisor may assign a ticket to are listed on every
-- ticket page they open. Found from each active person of their entities
-- (6 000 rows) with a look into role_grants for each, the list cost more than
-- the rest of the page. The few hundred people holding a helpdesk role are
-- now read from this index first, and only they are looked up.
create index role_grants_helpdesk_idx on role_grants (user_id) where role in ('technician', 'supervisor');
