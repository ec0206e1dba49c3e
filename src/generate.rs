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
