-- The queues list open tickets newest first: a small index of them alone.
create index tickets_open_number_idx on tickets (number) where status not in ('solved', 'closed');
