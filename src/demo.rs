//! The demo organisation: a group with a French and a British subsidiary,
//! their sites and rooms, one person per role and two support teams. Loaded
//! through the same functions the pages use, so it has its history too.
//! Loading it twice changes nothing.

use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    assets::{
        manufacturers::{self, domain::ManufacturerInput},
        models::{self, domain::ModelInput},
        register::{
            db as assets_db,
            domain::AssetInput,
            hardware::{self, Disk, Hardware, NetworkInterface},
            lifecycle, links,
        },
    },
    audit::AuditActor,
    auth::{
        password,
        permission::{Role, Scope},
    },
    helpdesk::{
        Viewer, calendars,
        calendars::domain::CalendarInput,
        categories::{self, domain::CategoryInput},
        db as tickets,
        domain::{Channel, Kind, TicketInput},
        slas::{self, domain::SlaInput},
    },
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
    let first_line =
        groups::insert(pool, &actor, &team("Support N1", "Premier niveau : prise d'appel, diagnostic"), &[ids[2]])
            .await?;
    groups::insert(pool, &actor, &team("Support N2", "Second niveau : escalade"), &[ids[1]]).await?;
    park(pool, &actor, paris, lyon, room, ids[3]).await?;
    helpdesk(pool, &actor, [france, paris], first_line, ids[2], ids[3]).await?;
    tracing::info!(
        "demo organisation loaded; demo logins (password {DEMO_PASSWORD}): {}",
        DEMO_PEOPLE.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}

/// A small park: three manufacturers, four models, a dozen assets in Paris
/// and Lyon, two of them handed to the demo employee.
async fn park(
    pool: &PgPool,
    actor: &AuditActor,
    paris: Uuid,
    lyon: Uuid,
    room: Uuid,
    employee: Uuid,
) -> anyhow::Result<()> {
    // The catalog may already hold some of these: reuse them by name.
    let maker = |name: &'static str, url: &'static str| async move {
        let existing = sqlx::query_scalar!("select id from manufacturers where lower(name) = lower($1)", name)
            .fetch_optional(pool)
            .await?;
        match existing {
            Some(id) => Ok::<Uuid, anyhow::Error>(id),
            None => Ok(manufacturers::insert(
                pool,
                actor,
                &ManufacturerInput { name: name.into(), url: url.into(), notes: String::new() },
            )
            .await?),
        }
    };
    let dell = maker("Dell", "https://www.dell.com").await?;
    let hp = maker("HP", "https://www.hp.com").await?;
    let lenovo = maker("Lenovo", "https://www.lenovo.com").await?;
    let category = |name: &'static str| async move {
        sqlx::query_scalar!("select id from asset_categories where name = $1", name).fetch_one(pool).await
    };
    let model = |category_id: Uuid, manufacturer_id: Uuid, name: &str, part: &str| ModelInput {
        category_id,
        manufacturer_id: Some(manufacturer_id),
        name: name.into(),
        part_number: part.into(),
        end_of_life: None,
        notes: String::new(),
    };
    let find_or_insert = |input: ModelInput| async move {
        let existing = sqlx::query_scalar!(
            "select id from asset_models where lower(name) = lower($1) and manufacturer_id is not distinct from $2",
            input.name,
            input.manufacturer_id
        )
        .fetch_optional(pool)
        .await?;
        match existing {
            Some(id) => Ok::<Uuid, anyhow::Error>(id),
            None => Ok(models::insert(pool, actor, &input).await?),
        }
    };
    let laptop = find_or_insert(model(category("Portable").await?, dell, "Latitude 5440", "LAT5440")).await?;
    let desktop = find_or_insert(model(category("Ordinateur").await?, hp, "EliteDesk 800 G9", "5V8N0EA")).await?;
    let monitor = find_or_insert(model(category("Écran").await?, dell, "P2422H", "DELL-P2422H")).await?;
    let thinkpad = find_or_insert(model(category("Portable").await?, lenovo, "ThinkPad T14 Gen 4", "21HD")).await?;
    let status = |name: &'static str| async move {
        sqlx::query_scalar!("select id from asset_statuses where name = $1", name).fetch_one(pool).await
    };
    let in_stock = status("En stock").await?;
    let repair = status("En réparation").await?;
    let assets = [
        (laptop, "5CG3341ABC", paris, "1249.00"),
        (laptop, "5CG3341ABD", paris, "1249.00"),
        (laptop, "5CG3341ABE", lyon, "1249.00"),
        (thinkpad, "PF4XK2LM", paris, "1389.90"),
        (desktop, "CZC3210QWE", paris, "899.00"),
        (desktop, "CZC3210QWF", lyon, "899.00"),
        (monitor, "CN0P2422H01", paris, "219.99"),
        (monitor, "CN0P2422H02", paris, "219.99"),
        (monitor, "CN0P2422H03", lyon, "219.99"),
        (monitor, "CN0P2422H04", lyon, "219.99"),
        (desktop, "CZC3210QWG", paris, "899.00"),
        (laptop, "5CG3341ABF", paris, "1249.00"),
    ];
    let mut created = Vec::new();
    for (n, (model_id, serial, entity_id, price)) in assets.into_iter().enumerate() {
        let input = AssetInput {
            tag: None,
            name: String::new(),
            serial: Some(serial.into()),
            model_id,
            status_id: if n == 10 { repair } else { in_stock },
            entity_id,
            location_id: (entity_id == paris).then_some(room),
            assigned_user_id: None,
            assigned_group_id: None,
            supplier: "Bureau Vallée Pro".into(),
            order_number: format!("CMD-2026-{:04}", 100 + n),
            invoice_number: format!("FA-2026-{:04}", 500 + n),
            purchase_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 15),
            price: price.parse().ok(),
            currency: "EUR".into(),
            warranty_end: chrono::NaiveDate::from_ymd_opt(2029, 1, 15),
            notes: String::new(),
            custom: Default::default(),
        };
        created.push(assets_db::insert(pool, actor, &input).await?);
    }
    // The employee's laptop and monitor.
    let everywhere = crate::auth::permission::Scope::new(vec![paris, lyon]);
    for id in [created[0], created[6]] {
        let asset = assets_db::find(pool, &everywhere, id).await?;
        lifecycle::check_out(pool, actor, &asset, lifecycle::Target::User(employee), None, "Poste de travail", None)
            .await?;
    }
    // The laptop's hardware, and its monitor connected to it.
    let laptop = assets_db::find(pool, &everywhere, created[0]).await?;
    let facts = Hardware {
        os_name: "Windows 11 Professionnel".into(),
        os_version: "23H2".into(),
        cpu: "Intel Core i5-1345U".into(),
        cpu_cores: Some(10),
        memory_mb: Some(16_384),
        disks: vec![Disk { name: "nvme0n1".into(), size_gb: Some(512.into()) }],
        interfaces: vec![NetworkInterface {
            name: "Wi-Fi".into(),
            mac: Some("3c:52:82:1a:2b:3c".into()),
            ips: vec!["192.168.10.42".into()],
        }],
    };
    hardware::save(pool, actor, &laptop, laptop.version, &facts).await?;
    let screen = assets_db::find(pool, &everywhere, created[6]).await?;
    links::relate(pool, actor, &screen, links::RelationKind::Connected, &laptop).await?;
    Ok(())
}

/// Office hours, a default service level, three categories and a few
/// tickets at different stages.
async fn helpdesk(
    pool: &PgPool,
    actor: &AuditActor,
    [france, employee_entity]: [Uuid; 2],
    first_line: Uuid,
    technician: Uuid,
    employee: Uuid,
) -> anyhow::Result<()> {
    let hours = CalendarInput {
        entity_id: france,
        name: "Heures de bureau".into(),
        time_zone: "Europe/Paris".into(),
        week: "mon-fri 09:00-12:30,13:30-18:00".into(),
        french_holidays: true,
    };
    let office = calendars::insert(pool, actor, &hours).await?;
    let standard = SlaInput {
        entity_id: france,
        name: "Standard".into(),
        calendar_id: office,
        own_minutes: vec![960, 480, 240, 120, 60],
        resolve_minutes: vec![7200, 4800, 2400, 960, 480],
        escalate_at: vec![75, 100],
        is_default: true,
    };
    slas::insert(pool, actor, &standard).await?;
    let category = |name: &str, group_id: Option<Uuid>| CategoryInput {
        entity_id: france,
        parent_id: None,
        name: name.into(),
        group_id,
        sla_id: None,
        on_portal: true,
    };
    let workstations = categories::insert(pool, actor, &category("Poste de travail", Some(first_line))).await?;
    let mail = categories::insert(pool, actor, &category("Messagerie", Some(first_line))).await?;
    categories::insert(pool, actor, &category("Demande de matériel", None)).await?;
    let ticket = |title: &str, description: &str, kind: Kind, category: Uuid, urgency: i16| TicketInput {
        entity_id: employee_entity,
        kind,
        title: title.into(),
        description: description.into(),
        requester_id: employee,
        category_id: Some(category),
        urgency,
        impact: 3,
        source: Channel::Portal,
    };
    let opening = tickets::Opening::default();
    let requester = AuditActor { id: Some(employee), ..actor.clone() };
    let helper = AuditActor { id: Some(technician), ..actor.clone() };
    let slow = ticket(
        "Mon portable est très lent",
        "Depuis la mise à jour de lundi, **tout rame**.",
        Kind::Incident,
        workstations,
        3,
    );
    let (slow, _) = tickets::insert(pool, &requester, &slow, &opening).await?;
    let viewer = Viewer { id: technician, helpdesk: Scope::new(vec![employee_entity]) };
    let slow = tickets::find(pool, &viewer, slow).await?;
    tickets::assign(pool, &helper, &slow, &[technician], &[]).await?;
    let note = "Pouvez-vous me dire quand la lenteur a commencé ?";
    tickets::add_followup(pool, &helper, &slow, note, false, true).await?;
    tickets::add_followup(pool, &helper, &slow, "Sans doute l'antivirus : scan complet planifié.", true, true).await?;
    let mailbox = ticket("Boîte aux lettres pleine", "Je ne reçois plus de courriels.", Kind::Incident, mail, 4);
    tickets::insert(pool, &requester, &mailbox, &opening).await?;
    Ok(())
}
