//! The rules for changing people, shared by pages and API: nobody grants a role
//! above their own, nobody edits someone more powerful than themselves.

use super::domain::{RoleGrant, RoleGrantView};
use crate::{
    auth::{
        actor::Actor,
        permission::{Action, ObjectKind},
    },
    error::AppError,
    web::form::FieldErrors,
};

/// Each grant must be on an entity where the actor may change people, and of
/// a role no higher than the actor's own there.
pub fn check_grants(actor: &Actor, grants: &[RoleGrant], action: Action) -> Result<(), FieldErrors> {
    let scope = actor.scope_or_empty(ObjectKind::User, action);
    for grant in grants {
        if !scope.contains(grant.entity_id) {
            return Err(FieldErrors::single("role", "field-invalid-choice"));
        }
        let own = actor.best_role_at(grant.entity_id).map(|r| r.rank()).unwrap_or(0);
        if grant.role.rank() > own {
            tracing::warn!(user.id = %actor.id, "refused to grant a role above the granter's own");
            return Err(FieldErrors::single("role", "role-above-own"));
        }
    }
    Ok(())
}

/// A person whose roles outrank the actor's (an admin, for a park manager) can
/// only be changed by someone at least as powerful.
pub fn check_target(actor: &Actor, target_grants: &[RoleGrantView]) -> Result<(), AppError> {
    let outranked = target_grants.iter().any(|g| {
        let own = actor.best_role_at(g.entity_id).map(|r| r.rank()).unwrap_or(0);
        g.role.rank() > own
    });
    if outranked { Err(AppError::Forbidden) } else { Ok(()) }
}
