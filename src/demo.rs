//! The demo organisation: a group with a French and a British subsidiary,
//! their sites and rooms, one person per role and two support teams. Loaded
//! through the same functions the pages use, so it has its history too.
//! Loading it twice changes nothing.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    audit::AuditActor,
    auth::{password, permission::Role},
    org::{
        entities::{self, domain::EntityInput},
        groups::{self, domain::GroupInput},
        locations::{self, domain::LocationInput},
        users::{
            db as users_db,
            domain::{RoleGrant, UserInput},
        },
    },
};

/// Password of every demo account (not the admin's).
pub const DEMO_PASSWORD: &str = "parc-demo-2026";

/// (login, name, role, entity key) of the demo people.
pub const DEMO_PEOPLE: [(&str, &str, Role, &str); 4] = [
    ("gestionnaire", "Paula Gestion", Role::ParkManager, "root"),
    ("superviseur", "Sam Superviseur", Role::Supervisor, "france"),
    ("technicien", "Théo Technicien", Role::Technician, "france"),
    ("employe", "Emma Employée", Role::Employee, "paris"),
];

pub async fn load(pool: &PgPool) -> anyhow::Result<()> {
    let loaded =
        sqlx::query_scalar!(r#"select exists (select 1 from users where lower(login) = 'gestionnaire') as "loaded!""#)
            .fetch_one(pool)
            .await?;
    if loaded {
        tracing::info!("demo organisation already loaded");
        return Ok(());
    }
    let actor = AuditActor::cli();
    let root = entities::top(pool).await?.ok_or_else(|| anyhow::anyhow!("no top entity: start Parc once first"))?;
    let entity = |name: &str, parent: Uuid, kind: &str, country: &str| EntityInput {
        name: name.into(),
        parent_id: Some(parent),
        kind: kind.into(),
        country: country.into(),
        notes: String::new(),
    };
    let france = entities::insert(pool, &actor, &entity("Exemple France", root, "subsidiary", "France")).await?.id;
    let uk = entities::insert(pool, &actor, &entity("Example UK", root, "subsidiary", "United Kingdom")).await?.id;
    let paris = entities::insert(pool, &actor, &entity("Paris", france, "site", "France")).await?.id;
    let lyon = entities::insert(pool, &actor, &entity("Lyon", france, "site", "France")).await?.id;
    entities::insert(pool, &actor, &entity("London", uk, "site", "United Kingdom")).await?;

    let place = |entity_id: Uuid,
                 parent_id: Option<Uuid>,
                 name: &str,
                 kind: &str,
                 address: &str,
                 postcode: &str,
                 city: &str| LocationInput {
        entity_id,
        parent_id,
        name: name.into(),
        kind: kind.into(),
        address: address.into(),
        postcode: postcode.into(),
        city: city.into(),
        country: "France".into(),
        notes: String::new(),
    };
    let hq = locations::insert(
        pool,
        &actor,
        &place(paris, None, "Siège Paris", "site", "10 rue de la Paix", "75002", "Paris"),
    )
    .await?;
    let building =
        locations::insert(pool, &actor, &place(paris, Some(hq), "Bâtiment A", "building", "", "", "Paris")).await?;
    let floor =
        locations::insert(pool, &actor, &place(paris, Some(building), "Étage 2", "floor", "", "", "Paris")).await?;
    let room =
        locations::insert(pool, &actor, &place(paris, Some(floor), "Salle 201", "room", "", "", "Paris")).await?;
    locations::insert(pool, &actor, &place(paris, Some(floor), "Salle 202", "room", "", "", "Paris")).await?;
    let agency = locations::insert(
        pool,
        &actor,
        &place(lyon, None, "Agence Lyon", "site", "5 place Bellecour", "69002", "Lyon"),
    )
    .await?;
    locations::insert(pool, &actor, &place(lyon, Some(agency), "Open space", "room", "", "", "Lyon")).await?;

    let hash = password::hash(DEMO_PASSWORD.into()).await?;
    let mut ids = Vec::new();
    for (login, name, role, key) in DEMO_PEOPLE {
        let entity_id = match key {
            "france" => france,
            "paris" => paris,
            _ => root,
        };
        let input = UserInput {
            login: login.into(),
            name: name.into(),
            email: Some(format!("{login}@exemple.fr")),
            phone: String::new(),
            entity_id,
            location_id: (key == "paris").then_some(room),
            manager_id: None,
            language: "fr".into(),
            time_zone: "Europe/Paris".into(),
            active: true,
        };
        let grants = [RoleGrant { role, entity_id }];
        ids.push(users_db::insert(pool, &actor, &input, Some(&hash), &grants).await?);
    }
    let team = |name: &str, description: &str| GroupInput {
        entity_id: france,
        name: name.into(),
        description: description.into(),
    };
    groups::insert(pool, &actor, &team("Support N1", "Premier niveau : prise d'appel, diagnostic"), &[ids[2]]).await?;
    groups::insert(pool, &actor, &team("Support N2", "Second niveau : escalade"), &[ids[1]]).await?;
    tracing::info!(
        "demo organisation loaded; demo logins (password {DEMO_PASSWORD}): {}",
        DEMO_PEOPLE.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}
