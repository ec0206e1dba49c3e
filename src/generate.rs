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
    tx.commit().await?;
    // As autovacuum would soon: statistics and the visibility map (index-only counts).
    sqlx::query("vacuum analyze").execute(pool).await?;
    Ok(())
}
