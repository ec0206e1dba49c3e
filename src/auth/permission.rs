//! Who may do what, where. A role is held within an entity and covers its
//! sub-entities; a permission is an object kind × an action. Rows are filtered
//! by the entity [`Scope`] in SQL, never after the fact.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The five roles of DESIGN.md, from the most to the least powerful.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "app_role", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ParkManager,
    Supervisor,
    Technician,
    Employee,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::ParkManager, Role::Supervisor, Role::Technician, Role::Employee];

    /// Higher is more powerful; a person can grant roles up to their own rank.
    pub fn rank(self) -> u8 {
        match self {
            Role::Admin => 5,
            Role::ParkManager => 4,
            Role::Supervisor => 3,
            Role::Technician => 2,
            Role::Employee => 1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ParkManager => "park_manager",
            Role::Supervisor => "supervisor",
            Role::Technician => "technician",
            Role::Employee => "employee",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Message key of the role's name.
    pub fn label_key(self) -> String {
        format!("role-{}", self.as_str())
    }

    /// The permission table. Everything not listed is refused.
    pub fn allows(self, kind: ObjectKind, action: Action) -> bool {
        use Action::*;
        use ObjectKind::*;
        match self {
            Role::Admin => true,
            Role::ParkManager => match kind {
                Entity => action == View,
                Location | Group | Manufacturer | AssetStatus | AssetCategory | AssetModel | Asset => true,
                User => action != Delete,
                // Park managers run the helpdesk as supervisors.
                Ticket | TicketCategory | KbArticle | Calendar | Sla | HelpdeskSettings => true,
                // The inventory agents feed the park.
                InventorySettings => true,
                Software | SoftwareCategory | Licence | StandardConfiguration => true,
            },
            Role::Supervisor => match kind {
                Entity | Location | User | Manufacturer | AssetStatus | AssetCategory | AssetModel | Asset => {
                    action == View
                }
                // Supervisors organise the helpdesk: its categories, calendars,
                // service levels, priority matrix and settings.
                Group | Ticket | TicketCategory | KbArticle | Calendar | Sla | HelpdeskSettings => true,
                InventorySettings => false,
                Software | SoftwareCategory | Licence | StandardConfiguration => action == View,
            },
            // Technicians read the park, edit the assets they work on, and
            // log and work tickets (deleting one is for supervisors).
            Role::Technician => {
                (action == View && kind != InventorySettings)
                    || (kind == Asset && action == Update)
                    || (matches!(kind, Ticket | KbArticle) && action != Delete)
            }
            Role::Employee => false,
        }
    }
}

/// Every kind of object that has permissions and history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Entity,
    Location,
    User,
    Group,
    Manufacturer,
    AssetStatus,
    AssetCategory,
    AssetModel,
    Asset,
    Ticket,
    TicketCategory,
    KbArticle,
    Calendar,
    Sla,
    /// The helpdesk's settings and its priority matrix (one object for all).
    HelpdeskSettings,
    /// How inventory agents are let in and matched to assets (one object).
    InventorySettings,
    /// The software catalogue, its dictionary and installations.
    Software,
    /// The tree of software categories (Web browser, Office...).
    SoftwareCategory,
    Licence,
    StandardConfiguration,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 20] = [
        ObjectKind::Entity,
        ObjectKind::Location,
        ObjectKind::User,
        ObjectKind::Group,
        ObjectKind::Manufacturer,
        ObjectKind::AssetStatus,
        ObjectKind::AssetCategory,
        ObjectKind::AssetModel,
        ObjectKind::Asset,
        ObjectKind::Ticket,
        ObjectKind::TicketCategory,
        ObjectKind::KbArticle,
        ObjectKind::Calendar,
        ObjectKind::Sla,
        ObjectKind::HelpdeskSettings,
        ObjectKind::InventorySettings,
        ObjectKind::Software,
        ObjectKind::SoftwareCategory,
        ObjectKind::Licence,
        ObjectKind::StandardConfiguration,
    ];

    /// Name in the history table and in permission names.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Entity => "entity",
            ObjectKind::Location => "location",
            ObjectKind::User => "user",
            ObjectKind::Group => "group",
            ObjectKind::Manufacturer => "manufacturer",
            ObjectKind::AssetStatus => "asset_status",
            ObjectKind::AssetCategory => "asset_category",
            ObjectKind::AssetModel => "asset_model",
            ObjectKind::Asset => "asset",
            ObjectKind::Ticket => "ticket",
            ObjectKind::TicketCategory => "ticket_category",
            ObjectKind::KbArticle => "kb_article",
            ObjectKind::Calendar => "calendar",
            ObjectKind::Sla => "sla",
            ObjectKind::HelpdeskSettings => "helpdesk_settings",
            ObjectKind::InventorySettings => "inventory_settings",
            ObjectKind::Software => "software",
            ObjectKind::SoftwareCategory => "software_category",
            ObjectKind::Licence => "licence",
            ObjectKind::StandardConfiguration => "standard_configuration",
        }
    }

    /// URL segment of its pages and API (`/users`, `/api/v1/users`).
    pub fn plural(self) -> &'static str {
        match self {
            ObjectKind::Entity => "entities",
            ObjectKind::Location => "locations",
            ObjectKind::User => "users",
            ObjectKind::Group => "groups",
            ObjectKind::Manufacturer => "manufacturers",
            ObjectKind::AssetStatus => "asset-statuses",
            ObjectKind::AssetCategory => "asset-categories",
            ObjectKind::AssetModel => "asset-models",
            ObjectKind::Asset => "assets",
            ObjectKind::Ticket => "tickets",
            ObjectKind::TicketCategory => "ticket-categories",
            ObjectKind::KbArticle => "kb",
            ObjectKind::Calendar => "calendars",
            ObjectKind::Sla => "slas",
            ObjectKind::HelpdeskSettings => "settings/helpdesk",
            ObjectKind::InventorySettings => "inventory/settings",
            ObjectKind::Software => "software",
            ObjectKind::SoftwareCategory => "software-categories",
            ObjectKind::Licence => "licences",
            ObjectKind::StandardConfiguration => "standard-configurations",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    View,
    Create,
    Update,
    Delete,
}

/// The entities whose rows a person may act on for one permission: every
/// entity where they hold a role granting it, with all sub-entities.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    entities: Vec<Uuid>,
}

impl Scope {
    pub fn new(mut entities: Vec<Uuid>) -> Self {
        entities.sort_unstable();
        entities.dedup();
        Self { entities }
    }

    pub fn contains(&self, entity: Uuid) -> bool {
        self.entities.binary_search(&entity).is_ok()
    }

    /// For `entity_id = any($n)` in SQL.
    pub fn ids(&self) -> &[Uuid] {
        &self.entities
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employees_have_no_rights_on_the_organisation() {
        for kind in ObjectKind::ALL {
            for action in [Action::View, Action::Create, Action::Update, Action::Delete] {
                assert!(!Role::Employee.allows(kind, action), "{kind:?} {action:?}");
                assert!(Role::Admin.allows(kind, action));
            }
        }
    }

    #[test]
    fn only_admins_change_entities_and_delete_users() {
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            assert!(!role.allows(ObjectKind::Entity, Action::Create));
            assert!(!role.allows(ObjectKind::Entity, Action::Update));
            assert!(!role.allows(ObjectKind::User, Action::Delete));
        }
        assert!(Role::ParkManager.allows(ObjectKind::User, Action::Create));
        assert!(!Role::Supervisor.allows(ObjectKind::User, Action::Create));
        assert!(Role::Supervisor.allows(ObjectKind::Group, Action::Update));
        assert!(Role::Technician.allows(ObjectKind::Location, Action::View));
    }

    #[test]
    fn the_catalog_is_the_park_managers() {
        for kind in
            [ObjectKind::Manufacturer, ObjectKind::AssetStatus, ObjectKind::AssetCategory, ObjectKind::AssetModel]
        {
            assert!(Role::ParkManager.allows(kind, Action::Delete));
            assert!(Role::Technician.allows(kind, Action::View) && !Role::Technician.allows(kind, Action::Create));
            assert!(!Role::Supervisor.allows(kind, Action::Update));
            assert!(!Role::Employee.allows(kind, Action::View));
        }
    }

    #[test]
    fn the_helpdesk_settings_are_the_supervisors() {
        for kind in [ObjectKind::TicketCategory, ObjectKind::Calendar, ObjectKind::Sla, ObjectKind::HelpdeskSettings] {
            for role in [Role::Admin, Role::ParkManager, Role::Supervisor] {
                assert!(role.allows(kind, Action::Update) && role.allows(kind, Action::View), "{role:?} {kind:?}");
            }
            assert!(Role::Technician.allows(kind, Action::View) && !Role::Technician.allows(kind, Action::Update));
            assert!(!Role::Employee.allows(kind, Action::View));
        }
    }

    #[test]
    fn inventory_is_set_up_by_those_who_run_the_park() {
        let kind = ObjectKind::InventorySettings;
        assert!(Role::Admin.allows(kind, Action::Update) && Role::ParkManager.allows(kind, Action::Update));
        for role in [Role::Supervisor, Role::Technician, Role::Employee] {
            assert!(!role.allows(kind, Action::View), "{role:?}");
        }
    }

    #[test]
    fn software_and_licences_are_the_park_managers() {
        for kind in
            [ObjectKind::Software, ObjectKind::SoftwareCategory, ObjectKind::Licence, ObjectKind::StandardConfiguration]
        {
            assert!(Role::ParkManager.allows(kind, Action::Delete), "{kind:?}");
            for role in [Role::Supervisor, Role::Technician] {
                assert!(role.allows(kind, Action::View) && !role.allows(kind, Action::Update), "{role:?} {kind:?}");
            }
            assert!(!Role::Employee.allows(kind, Action::View));
        }
    }

    #[test]
    fn ranks_are_ordered_like_the_roles() {
        let ranks: Vec<u8> = Role::ALL.iter().map(|r| r.rank()).collect();
        assert!(ranks.windows(2).all(|w| w[0] > w[1]));
        assert_eq!(Role::parse("park_manager"), Some(Role::ParkManager));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn scope_lookup() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let scope = Scope::new(vec![b, a, b]);
        assert!(scope.contains(a) && scope.contains(b));
        assert!(!scope.contains(Uuid::nil()));
        assert_eq!(scope.ids().len(), 2);
    }
}
