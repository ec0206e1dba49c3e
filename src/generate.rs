//! Large generated organisations for benchmarks: `parc generate`. Written with
//! set-based SQL in one transaction (10 000 people take well under a second);
//! only the generation itself is recorded in the history, not each row.

use sqlx::PgPool;

use crate::auth::password;

/// Password of every generated account.
pub const GENERATED_PASSWORD: &str = "generated-password";

pub struct Size {
    pub entities: i32,
    pub locations: i32,
    pub users: i32,
    pub assets: i32,
    pub history: i32,
    pub tickets: i32,
    pub followups: i32,
}

pub async fn organisation(pool: &PgPool, size: &Size) -> anyhow::Result<()> {
    let hash = password::hash(GENERATED_PASSWORD.into()).await?;
    let mut tx = pool.begin().await?;
    // Entities: subsidiaries under the top entity, sites under the subsidiaries.
    sqlx::query!("with root as (select id from entities where parent_id is null order by created_at limit 1),
              subsidiaries as (
                  insert into entities (parent_id, name, kind, country)
                  select root.id, 'Filiale ' || n, 'subsidiary', case when n % 2 = 0 then 'France' else 'Deutschland' end
                    from root, generate_series(1, greatest($1 / 10, 1)) n
                  returning id)
         insert into entities (parent_id, name, kind, country)
         select s.id, 'Site ' || s.rank || '-' || n, 'site', 'France'
           from (select id, row_number() over (order by id) as rank from subsidiaries) s,
                generate_series(1, greatest($1 / greatest($1 / 10, 1) - 1, 0)) n", size.entities)
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with sites as (select id, row_number() over (order by id) - 1 as rank, count(*) over () as total
                          from entities where kind in ('site', 'subsidiary'))
         insert into locations (entity_id, name, kind, city, address)
         select s.id, 'Salle ' || n, 'room', 'Ville ' || (n % 97), n || ' rue du Parc'
           from generate_series(1, $1) n join sites s on s.rank = n % s.total",
        size.locations
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("with places as (select id, entity_id, row_number() over (order by id) - 1 as rank, count(*) over () as total from locations),
              people as (
                  insert into users (login, name, email, entity_id, location_id, language, password_hash)
                  select 'user' || n, 'Prénom' || n || ' Nom' || (n % 1000), 'user' || n || '@example.org',
                         p.entity_id, p.id, case when n % 3 = 0 then 'en' else 'fr' end, $2
                    from generate_series(1, $1) n join places p on p.rank = n % p.total
                  returning id, entity_id, login)
         insert into role_grants (user_id, role, entity_id)
         select id, case when substr(login, 5)::int % 20 = 0 then 'technician'::app_role else 'employee'::app_role end, entity_id
           from people", size.users, &hash)
    .execute(&mut *tx)
    .await?;
    park(&mut tx, size).await?;
    helpdesk(&mut tx, size).await?;
    tx.commit().await?;
    // As autovacuum would soon: statistics and the visibility map (index-only counts).
    sqlx::query("vacuum analyze").execute(pool).await?;
    Ok(())
}

/// Assets over a realistic spread: a dozen models in several categories, most
/// in use, some in stock or away, a few archived; each at a place, most held
/// by someone; and history rows (500 of them on the first asset).
async fn park(tx: &mut sqlx::PgConnection, size: &Size) -> anyhow::Result<()> {
    if size.assets == 0 {
        return Ok(());
    }
    sqlx::query!(
        "insert into manufacturers (name) select unnest(array['Gen Dell', 'Gen HP', 'Gen Lenovo', 'Gen Apple'])
         on conflict do nothing"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into asset_models (category_id, manufacturer_id, name, part_number)
         select c.id, m.id, 'Gen ' || c.name || ' ' || m.name, 'GEN-' || left(md5(c.name || m.name), 6)
           from asset_categories c cross join manufacturers m where m.name like 'Gen %'
         on conflict do nothing"
    )
    .execute(&mut *tx)
    .await?;
    // Arrays indexed by n % length: joining on `rank = n % total` would compare
    // every generated row with every candidate.
    sqlx::query!(
        "with models as (select array_agg(id order by id) as ids from asset_models where name like 'Gen %'),
              places as (select array_agg(id order by id) as ids, array_agg(entity_id order by id) as entities from locations),
              people as (select array_agg(id order by id) as ids from users),
              status as (select kind, (array_agg(id order by name))[1] as id from asset_statuses group by kind)
         insert into assets (tag, name, serial, model_id, status_id, entity_id, location_id, assigned_user_id,
                             purchase_date, price, warranty_end)
         select 'GEN-' || lpad(n::text, 7, '0'), case when n % 3 = 0 then 'Poste ' || n else '' end,
                'SN' || upper(substr(md5(n::text), 1, 10)),
                models.ids[1 + n % cardinality(models.ids)],
                -- 70% in use, 15% ready, 10% away, 5% archived
                (select id from status where kind = (case when n % 20 < 14 then 'deployed' when n % 20 < 17 then 'deployable'
                                                          when n % 20 < 19 then 'pending' else 'archived' end)::status_kind),
                places.entities[1 + n % cardinality(places.ids)], places.ids[1 + n % cardinality(places.ids)],
                case when n % 20 < 14 then people.ids[1 + n % cardinality(people.ids)] end,
                date '2022-01-01' + (n % 1400), (300 + n % 1700)::numeric(14, 2), date '2025-01-01' + (n % 1400)
           from generate_series(1, $1) n, models, places, people",
        size.assets
    )
    .execute(&mut *tx)
    .await?;
    // History: 500 rows on the first generated asset, the rest spread evenly.
    sqlx::query!(
        "with first as (select id, entity_id from assets where tag = 'GEN-0000001')
         insert into audit_log (actor_label, source, object_kind, object_id, entity_id, action, changes, at)
         select 'generator', 'system', 'asset', first.id, first.entity_id, 'update',
                jsonb_build_object('notes', jsonb_build_object('old', 'note ' || (n - 1), 'new', 'note ' || n)),
                now() - make_interval(mins => 500 - n)
           from first, generate_series(1, least(500, $1)) n",
        size.history
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with spread as (select array_agg(id order by id) as ids, array_agg(entity_id order by id) as entities
                           from assets where tag like 'GEN-%')
         insert into audit_log (actor_label, source, object_kind, object_id, entity_id, action, changes, at)
         select 'generator', 'system', 'asset', spread.ids[1 + n % cardinality(spread.ids)],
                spread.entities[1 + n % cardinality(spread.ids)], 'update',
                jsonb_build_object('status_id', jsonb_build_object('old', null, 'new', 'x')), now() - make_interval(mins => n)
           from generate_series(1, greatest($1 - 500, 0)) n, spread",
        size.history
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The helpdesk of a large company: office hours and a default service
/// level, 20 categories each with a team of technicians, tickets over two
/// years (60% closed, 10% solved, the rest open in every state) with their
/// requesters, assignees and due dates, and followups (a fifth private; 50
/// of them on the first ticket).
async fn helpdesk(tx: &mut sqlx::PgConnection, size: &Size) -> anyhow::Result<()> {
    if size.tickets == 0 {
        return Ok(());
    }
    sqlx::query!(
        "with root as (select id from entities where parent_id is null order by created_at limit 1),
              calendar as (insert into calendars (entity_id, name, week)
                           select id, 'Gen heures de bureau', 'mon-fri 09:00-18:00' from root returning id, entity_id)
         insert into slas (entity_id, name, calendar_id, own_minutes, resolve_minutes, is_default)
         select entity_id, 'Gen standard', id, '{480,240,120,60,30}', '{4800,2400,960,480,240}',
                not exists (select 1 from slas s where s.is_default and s.entity_id = calendar.entity_id)
           from calendar"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with root as (select id from entities where parent_id is null order by created_at limit 1),
              teams as (insert into groups (entity_id, name)
                        select root.id, 'Gen équipe ' || n from root, generate_series(1, 20) n returning id, name),
              techs as (select array_agg(user_id order by user_id) as ids from role_grants where role = 'technician'),
              members as (insert into group_members (group_id, user_id)
                          select t.id, techs.ids[1 + (substr(t.name, 12)::int * 7 + k) % cardinality(techs.ids)]
                            from teams t, techs, generate_series(0, 14) k
                          on conflict do nothing)
         insert into ticket_categories (entity_id, name, group_id)
         select root.id, 'Gen catégorie ' || substr(t.name, 12), t.id from root, teams t"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with people as (select array_agg(u.id order by u.id) as ids, array_agg(u.entity_id order by u.id) as entities
                           from users u join role_grants g on g.user_id = u.id and g.role = 'employee'),
              techs as (select array_agg(user_id order by user_id) as ids from role_grants where role = 'technician'),
              categories as (select array_agg(id order by name) as ids, array_agg(group_id order by name) as teams
                               from ticket_categories where name like 'Gen %'),
              level as (select id from slas where name = 'Gen standard'),
              made as (
                insert into tickets (entity_id, kind, title, description, requester_id, category_id, urgency, impact, priority,
                                     status, source, sla_id, own_due_at, resolve_due_at, owned_at, solved_at, closed_at, created_at,
                                     assigned, group_ids, assignee_ids)
                select people.entities[1 + n % cardinality(people.ids)],
                       case when n % 3 = 0 then 'request' else 'incident' end,
                       'Ticket généré ' || n || case when n % 5 = 0 then ' imprimante' when n % 5 = 1 then ' messagerie' else ' poste' end,
                       'Description du ticket ' || n, people.ids[1 + n % cardinality(people.ids)],
                       categories.ids[1 + (n / 7) % 20], 1 + n % 5, 1 + (n / 5) % 5, 1 + (n + n / 5) % 5,
                       s.status, 'portal', level.id, c.at + interval '4 hours', c.at + interval '2 days',
                       case when s.status <> 'new' then c.at + interval '1 hour' end,
                       case when s.status in ('solved', 'closed') then c.at + interval '1 day' end,
                       case when s.status = 'closed' then c.at + interval '2 days' end, c.at, s.status <> 'new',
                       -- Teams and technicians written on the ticket here, so the triggers
                       -- copying them there find nothing to do.
                       case when s.status <> 'new' then array[categories.teams[1 + (n / 7) % 20]] else '{}' end,
                       case when s.status <> 'new' then array[techs.ids[1 + n % cardinality(techs.ids)]] else '{}' end
                  from generate_series(1, $1) n, people, categories, level, techs,
                       lateral (select now() - make_interval(mins => (($1 - n)::int8 * 525600 * 2 / $1)::int) as at) c,
                       lateral (select case when n % 20 < 12 then 'closed' when n % 20 < 14 then 'solved' when n % 20 < 16 then 'new'
                                            when n % 20 < 18 then 'assigned' when n % 20 < 19 then 'in_progress' else 'pending' end as status) s
                returning id, group_ids, assignee_ids)
         , teams as (insert into ticket_groups (ticket_id, group_id) select m.id, unnest(m.group_ids) from made m)
         insert into ticket_people (ticket_id, user_id, role) select m.id, unnest(m.assignee_ids), 'assignee' from made m",
        size.tickets
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with first as (select id, created_at from tickets order by number limit 1),
              spread as (select array_agg(id order by number) as ids, array_agg(created_at order by number) as at
                           from tickets where number > (select min(number) from tickets)),
              technician as (select user_id as id from role_grants where role = 'technician' order by user_id limit 1)
         insert into followups (ticket_id, author_id, body, private, created_at)
         select first.id, technician.id, 'Suivi ' || n, n % 5 = 0, first.created_at + make_interval(mins => n)
           from first, technician, generate_series(1, least(50, $1)) n
         union all
         select spread.ids[1 + n % cardinality(spread.ids)], technician.id, 'Suivi généré ' || n, n % 5 = 0,
                spread.at[1 + n % cardinality(spread.ids)] + make_interval(mins => 10 + n % 600)
           from spread, technician, generate_series(1, greatest($1 - 50, 0)) n",
        size.followups
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into satisfaction_surveys (ticket_id, requester_id, created_at, expires_at, rating, answered_at)
         select id, requester_id, closed_at, closed_at + interval '30 days',
                case when number % 3 = 0 then 1 + number % 5 end, case when number % 3 = 0 then closed_at + interval '1 hour' end
           from tickets where status = 'closed'"
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
