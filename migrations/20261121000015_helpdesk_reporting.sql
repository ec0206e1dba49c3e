-- What the supervisor's dashboard reads by period.
create index tickets_created_idx on tickets (created_at);
create index tickets_owned_at_idx on tickets (owned_at) where owned_at is not null;
create index tickets_solved_at_idx on tickets (solved_at) where solved_at is not null;
