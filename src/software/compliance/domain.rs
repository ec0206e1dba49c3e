//! How installations are weighed against licences.
//!
//! Everything is counted in installations (assets carrying the software). A
//! per-device, concurrent or subscription seat covers one installation; a
//! per-user seat covers as many as the software's installations per person,
//! a per-core seat as many as its installations per core (both as counted
//! over the reader's entities); a site licence covers every installation.
//! A licence covers its entity and the entities below it: installations are
//! covered by their own entity's licences first, then by those of the
//! entities above, nearest first. What no licence covers is unlicensed, and
//! counted in the entity where it is installed; seats left over are unused,
//! counted in the entity that holds them.

use std::collections::HashMap;

use serde::Serialize;
use uuid::Uuid;

pub use crate::software::licences::domain::LicenceKind;

/// What one entity uses of a software.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    pub installs: i64,
    pub users: i64,
    pub cores: i64,
}

/// A licence in force: its entity, kind and seats (None for a site licence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entitlement {
    pub entity_id: Uuid,
    pub kind: LicenceKind,
    pub seats: Option<i64>,
}

/// An entity of the reader's, with its parent when that is the reader's too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every installation is covered and no seat is left.
    Compliant,
    /// Some installations are covered by no licence.
    OverDeployed,
    /// Every installation is covered and seats are left.
    UnderUsed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Compliant => "compliant",
            Status::OverDeployed => "over_deployed",
            Status::UnderUsed => "under_used",
        }
    }
}

/// One entity's share.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntityBalance {
    pub entity_id: Uuid,
    pub entity: String,
    pub installs: i64,
    /// Installations the entity's own licences cover; None for a site licence.
    pub entitled: Option<i64>,
    /// Installations in the entity no licence covers.
    pub unlicensed: i64,
    /// Of the entity's own licences, installations' worth left unused.
    pub unused: i64,
    pub status: Status,
}

/// The whole balance of one software over the reader's entities.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Balance {
    pub installs: i64,
    pub users: i64,
    pub cores: i64,
    /// Installations the licences cover; None when a site licence covers all.
    pub entitled: Option<i64>,
    pub unlicensed: i64,
    pub unused: i64,
    pub status: Status,
    pub entities: Vec<EntityBalance>,
}

fn status(unlicensed: i64, unused: i64) -> Status {
    if unlicensed > 0 {
        Status::OverDeployed
    } else if unused > 0 {
        Status::UnderUsed
    } else {
        Status::Compliant
    }
}

/// Installations `seats` of `kind` cover at the software's ratios; None: all.
fn coverage(kind: LicenceKind, seats: Option<i64>, total: Demand) -> Option<i64> {
    let seats = seats?.max(0);
    let per = |unit: i64| {
        if unit <= 0 {
            seats
        } else {
            // Rounded down: a seat's share of an installation covers nothing.
            ((seats as i128 * total.installs as i128) / unit as i128).min(i64::MAX as i128) as i64
        }
    };
    Some(match kind {
        LicenceKind::PerDevice | LicenceKind::Concurrent | LicenceKind::Subscription => seats,
        LicenceKind::PerUser => per(total.users),
        LicenceKind::PerCore => per(total.cores),
        LicenceKind::Site => return None,
    })
}

/// Depth of each entity within the reader's tree (roots at 0).
fn depths(entities: &[EntityNode]) -> HashMap<Uuid, usize> {
    let parent: HashMap<Uuid, Option<Uuid>> = entities.iter().map(|e| (e.id, e.parent_id)).collect();
    entities
        .iter()
        .map(|e| {
            let mut depth = 0;
            let mut at = e.parent_id;
            // Bounded by the number of entities, so a cycle cannot loop.
            while let Some(p) = at.filter(|p| parent.contains_key(p)) {
                depth += 1;
                if depth > entities.len() {
                    break;
                }
                at = parent.get(&p).copied().flatten();
            }
            (e.id, depth)
        })
        .collect()
}

/// Weigh one software's installations against its licences in force.
pub fn balance(entities: &[EntityNode], demand: &HashMap<Uuid, Demand>, licences: &[Entitlement]) -> Balance {
    let known: HashMap<Uuid, &EntityNode> = entities.iter().map(|e| (e.id, e)).collect();
    let total = demand.iter().filter(|(id, _)| known.contains_key(id)).fold(Demand::default(), |sum, (_, d)| Demand {
        installs: sum.installs + d.installs,
        users: sum.users + d.users,
        cores: sum.cores + d.cores,
    });
    // Each entity's own capacity; None once a site licence is there.
    let mut capacity: HashMap<Uuid, Option<i64>> = HashMap::new();
    for licence in licences.iter().filter(|l| known.contains_key(&l.entity_id)) {
        let slot = capacity.entry(licence.entity_id).or_insert(Some(0));
        *slot = match (*slot, coverage(licence.kind, licence.seats, total)) {
            (Some(have), Some(more)) => Some(have.saturating_add(more)),
            _ => None,
        };
    }
    let depth = depths(entities);
    let mut order: Vec<&EntityNode> = entities.iter().collect();
    order.sort_by(|a, b| depth[&b.id].cmp(&depth[&a.id]).then_with(|| a.name.cmp(&b.name)).then(a.id.cmp(&b.id)));

    // Installations waiting for a licence, by the entity they are in, handed
    // up the tree until some entity's licences cover them.
    let mut waiting: HashMap<Uuid, Vec<(Uuid, i64)>> = HashMap::new();
    let mut unlicensed: HashMap<Uuid, i64> = HashMap::new();
    let mut unused: HashMap<Uuid, i64> = HashMap::new();
    for entity in &order {
        let mut queue = waiting.remove(&entity.id).unwrap_or_default();
        let own = demand.get(&entity.id).map(|d| d.installs).unwrap_or(0);
        if own > 0 {
            queue.insert(0, (entity.id, own));
        }
        let mut left = capacity.get(&entity.id).copied().unwrap_or(Some(0));
        let mut passed = Vec::new();
        for (origin, count) in queue {
            let covered = left.map_or(count, |l| l.min(count));
            if let Some(l) = left.as_mut() {
                *l -= covered;
            }
            if count > covered {
                passed.push((origin, count - covered));
            }
        }
        if let Some(l) = left {
            unused.insert(entity.id, l);
        }
        match entity.parent_id.filter(|p| known.contains_key(p)) {
            Some(parent) => waiting.entry(parent).or_default().extend(passed),
            None => {
                for (origin, count) in passed {
                    *unlicensed.entry(origin).or_default() += count;
                }
            }
        }
    }

    let mut rows: Vec<EntityBalance> = entities
        .iter()
        .filter(|e| demand.get(&e.id).is_some_and(|d| d.installs > 0) || capacity.contains_key(&e.id))
        .map(|e| {
            let (lacking, spare) =
                (unlicensed.get(&e.id).copied().unwrap_or(0), unused.get(&e.id).copied().unwrap_or(0));
            EntityBalance {
                entity_id: e.id,
                entity: e.name.clone(),
                installs: demand.get(&e.id).map(|d| d.installs).unwrap_or(0),
                entitled: capacity.get(&e.id).copied().unwrap_or(Some(0)),
                unlicensed: lacking,
                unused: spare,
                status: status(lacking, spare),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.entity.cmp(&b.entity).then(a.entity_id.cmp(&b.entity_id)));
    let entitled = capacity.values().try_fold(0i64, |sum, c| c.map(|c| sum.saturating_add(c)));
    let lacking: i64 = unlicensed.values().sum();
    let spare: i64 = unused.values().sum();
    Balance {
        installs: total.installs,
        users: total.users,
        cores: total.cores,
        entitled,
        unlicensed: lacking,
        unused: spare,
        status: status(lacking, spare),
        entities: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u128, parent: Option<u128>, name: &str) -> EntityNode {
        EntityNode { id: Uuid::from_u128(id), parent_id: parent.map(Uuid::from_u128), name: name.into() }
    }

    fn installs(list: &[(u128, i64)]) -> HashMap<Uuid, Demand> {
        list.iter().map(|(id, n)| (Uuid::from_u128(*id), Demand { installs: *n, users: *n, cores: *n * 4 })).collect()
    }

    fn licence(entity: u128, kind: LicenceKind, seats: Option<i64>) -> Entitlement {
        Entitlement { entity_id: Uuid::from_u128(entity), kind, seats }
    }

    fn group() -> Vec<EntityNode> {
        vec![node(1, None, "Group"), node(2, Some(1), "Lyon"), node(3, Some(1), "Paris")]
    }

    #[test]
    fn seats_bought_at_the_top_cover_the_subsidiaries() {
        let b = balance(&group(), &installs(&[(2, 30), (3, 50)]), &[licence(1, LicenceKind::PerDevice, Some(100))]);
        assert_eq!(
            (b.installs, b.entitled, b.unlicensed, b.unused, b.status),
            (80, Some(100), 0, 20, Status::UnderUsed)
        );
        let group_row = b.entities.iter().find(|e| e.entity == "Group").expect("holder listed");
        assert_eq!((group_row.installs, group_row.unused), (0, 20));
    }

    #[test]
    fn a_subsidiarys_seats_never_cover_its_sibling() {
        let b = balance(&group(), &installs(&[(2, 10), (3, 10)]), &[licence(2, LicenceKind::PerDevice, Some(20))]);
        assert_eq!((b.unlicensed, b.unused, b.status), (10, 10, Status::OverDeployed));
        let paris = b.entities.iter().find(|e| e.entity == "Paris").expect("paris");
        let lyon = b.entities.iter().find(|e| e.entity == "Lyon").expect("lyon");
        assert_eq!((paris.unlicensed, paris.status), (10, Status::OverDeployed));
        assert_eq!((lyon.unlicensed, lyon.unused, lyon.status), (0, 10, Status::UnderUsed));
    }

    #[test]
    fn own_seats_come_first_then_the_parents() {
        let b = balance(
            &group(),
            &installs(&[(2, 15), (3, 5)]),
            &[licence(2, LicenceKind::PerDevice, Some(10)), licence(1, LicenceKind::Subscription, Some(8))],
        );
        // Lyon: 10 own + 5 from the group; Paris: 3 from the group, 2 left bare.
        assert_eq!((b.entitled, b.unlicensed, b.unused), (Some(18), 2, 0));
        assert_eq!(b.entities.iter().find(|e| e.entity == "Paris").map(|e| e.unlicensed), Some(2));
    }

    #[test]
    fn a_site_licence_covers_everything_below_it() {
        let b = balance(&group(), &installs(&[(2, 500), (3, 7)]), &[licence(1, LicenceKind::Site, None)]);
        assert_eq!((b.entitled, b.unlicensed, b.unused, b.status), (None, 0, 0, Status::Compliant));
        let lyon_only = balance(&group(), &installs(&[(2, 500), (3, 7)]), &[licence(2, LicenceKind::Site, None)]);
        assert_eq!((lyon_only.unlicensed, lyon_only.status), (7, Status::OverDeployed));
    }

    #[test]
    fn user_and_core_seats_count_at_the_softwares_ratios() {
        let entities = vec![node(1, None, "Group")];
        // 40 installations used by 20 people on 160 cores.
        let demand = HashMap::from([(Uuid::from_u128(1), Demand { installs: 40, users: 20, cores: 160 })]);
        let users = balance(&entities, &demand, &[licence(1, LicenceKind::PerUser, Some(20))]);
        assert_eq!((users.entitled, users.status), (Some(40), Status::Compliant));
        let cores = balance(&entities, &demand, &[licence(1, LicenceKind::PerCore, Some(80))]);
        assert_eq!((cores.entitled, cores.unlicensed), (Some(20), 20));
    }

    #[test]
    fn nothing_installed_and_no_licence_is_compliant() {
        let b = balance(&group(), &HashMap::new(), &[]);
        assert_eq!((b.installs, b.entitled, b.status), (0, Some(0), Status::Compliant));
        assert!(b.entities.is_empty());
    }

    #[test]
    fn covered_plus_unlicensed_is_always_the_installations() {
        // A small exhaustive sweep over seats and installations in a three-level tree.
        let tree = vec![node(1, None, "A"), node(2, Some(1), "B"), node(3, Some(2), "C"), node(4, Some(1), "D")];
        for seats_top in [0, 3, 9] {
            for seats_mid in [0, 2, 5] {
                for (b_n, c_n, d_n) in [(0, 0, 0), (1, 4, 2), (6, 0, 5), (2, 9, 9)] {
                    let demand = installs(&[(2, b_n), (3, c_n), (4, d_n)]);
                    let l = [
                        licence(1, LicenceKind::PerDevice, Some(seats_top)),
                        licence(2, LicenceKind::PerDevice, Some(seats_mid)),
                    ];
                    let bal = balance(&tree, &demand, &l);
                    let total = b_n + c_n + d_n;
                    let covered = seats_top + seats_mid - bal.unused;
                    assert_eq!(covered + bal.unlicensed, total, "{seats_top} {seats_mid} {b_n} {c_n} {d_n}");
                    assert!(bal.unlicensed >= (total - seats_top - seats_mid).max(0));
                    assert_eq!(bal.entities.iter().map(|e| e.unlicensed).sum::<i64>(), bal.unlicensed);
                }
            }
        }
    }
}
