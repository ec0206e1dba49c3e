-- Delivering a new ticket's notice writes about twenty notifications and
-- twenty mails; each index on those tables is one more write per row.

-- Only reminders and escalations carry a dedupe key: the others need no
-- entry in the uniqueness index. Writers name the predicate in their
-- ON CONFLICT clause.
drop index notifications_dedupe_key;
create unique index notifications_dedupe_key on notifications (user_id, dedupe_key) where dedupe_key is not null;

-- Nothing reads the outbox by person: the sender reads by due time, the
-- purge by state. Deleting a person (rare) scans the outbox, which the purge
-- keeps to a month of mail.
drop index mail_outbox_user_idx;

-- Time-ordered ids (UUID version 7: 48 bits of milliseconds, then random
-- bits), so new rows land at the right end of their primary key's index
-- instead of on a random page of it.
create function uuid_time_ordered() returns uuid
language sql volatile parallel safe as $$
    select encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                    from 1 for 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

alter table notifications alter column id set default uuid_time_ordered();
alter table mail_outbox alter column id set default uuid_time_ordered();
