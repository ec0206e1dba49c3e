-- Software categories become objects of their own, a tree as GLPI keeps
-- them, shared by every entity. The catalogue's free-text category and the
-- dictionary's `set_category` become references: a category renamed is
-- renamed everywhere, and the catalogue can be filtered by one.
create table software_categories (
    id         uuid primary key default gen_random_uuid(),
    -- A sub-category; deleting a category moves its sub-categories up (the
    -- application does it, in the same transaction as the history).
    parent_id  uuid references software_categories (id),
    name       text not null check (length(name) between 1 and 100),
    notes      text not null default '' check (length(notes) <= 10000),
    version    bigint not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (parent_id <> id)
);
create unique index software_categories_name_key on software_categories (lower(name));
create index software_categories_parent_idx on software_categories (parent_id) where parent_id is not null;
create trigger software_categories_updated_at before update on software_categories
    for each row execute function set_updated_at();

-- A category for every text already in use, in its commonest spelling.
insert into software_categories (name)
select distinct on (lower(t.name)) t.name
  from (select btrim(category) as name from software
        union all
        select btrim(set_category) from software_dictionary) t
 where t.name <> ''
 group by t.name
 order by lower(t.name), count(*) desc, t.name
on conflict ((lower(name))) do nothing;

-- The defaults: those the dictionary's first rules give, and a few more.
insert into software_categories (name) values
    ('Web browser'), ('Mail'), ('Office'), ('PDF'), ('Communication'), ('Multimedia'), ('Utilities'),
    ('Remote access'), ('Runtime'), ('Development'), ('Security'), ('System'), ('Graphics')
on conflict ((lower(name))) do nothing;

-- The catalogue: the text becomes a reference (the entries keep their
-- updated_at: nobody edited them).
alter table software add column category_id uuid references software_categories (id) on delete set null;
alter table software disable trigger software_updated_at;
update software s set category_id = c.id
  from software_categories c
 where btrim(s.category) <> '' and lower(c.name) = lower(btrim(s.category));
alter table software enable trigger software_updated_at;
drop index software_category_idx;
alter table software drop column category;
create index software_category_idx on software (category_id) where category_id is not null;

-- The dictionary: the category a rule gives a new catalogue entry.
alter table software_dictionary
    add column set_category_id uuid references software_categories (id) on delete set null;
update software_dictionary d set set_category_id = c.id
  from software_categories c
 where btrim(d.set_category) <> '' and lower(c.name) = lower(btrim(d.set_category));
alter table software_dictionary drop column set_category;
create index software_dictionary_category_idx on software_dictionary (set_category_id) where set_category_id is not null;
