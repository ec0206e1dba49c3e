//! Who hears about what happens to a ticket. Recipients are computed in SQL
//! from the ticket's people at the moment of the change, in the same
//! transaction; the person who acted is never told about their own act.
//! A private followup or file reaches the helpdesk side only, and there only
//! those who see private items of the ticket's entity
//! ([`super::Viewer::sees_private`]), never the requester.
//! Each in-app notification also queues a mail, unless its recipient has no
//! address or turned that event off (`mail_opt_outs`).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    auth::permission::{Action, ObjectKind, Role},
    error::AppResult,
};

/// Something that happened to a ticket that people are told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice<'a> {
    Created,
    Assigned,
    Followup {
        private: bool,
    },
    /// A file was attached; its name is shown (in the page's escaping, or
    /// on one line of a plain-text mail).
    Attachment {
        private: bool,
        file_name: &'a str,
    },
    Solved,
    Closed,
    /// The requester is asked to rate the service.
    Survey,
    /// A share of a delay ran out.
    Escalation {
        resolve: bool,
        percent: i16,
    },
}

/// Which people of the ticket hear about a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Audience {
    /// The requester alone.
    requester: bool,
    /// Requester, who typed it for them, watchers.
    requester_side: bool,
    /// Assigned technicians and the members of assigned groups.
    helpdesk_side: bool,
    /// Supervisors of the ticket's entity or an entity above it.
    supervisors: bool,
}

impl<'a> Notice<'a> {
    fn message(self) -> &'static str {
        match self {
            Notice::Created => "notify-ticket-created",
            Notice::Assigned => "notify-ticket-assigned",
            Notice::Followup { .. } => "notify-ticket-followup",
            Notice::Attachment { .. } => "notify-ticket-attachment",
            Notice::Solved => "notify-ticket-solved",
            Notice::Closed => "notify-ticket-closed",
            Notice::Survey => "notify-ticket-survey",
            Notice::Escalation { resolve: false, .. } => "notify-ticket-escalation-own",
            Notice::Escalation { resolve: true, .. } => "notify-ticket-escalation-resolve",
        }
    }

    /// The mail event a person may turn off (one of `mail::EVENTS`).
    fn mail_event(self) -> &'static str {
        match self {
            Notice::Created => "ticket-created",
            Notice::Assigned => "ticket-assigned",
            Notice::Followup { .. } => "ticket-followup",
            Notice::Attachment { .. } => "ticket-attachment",
            Notice::Solved => "ticket-solved",
            Notice::Closed => "ticket-closed",
            Notice::Survey => "ticket-survey",
            Notice::Escalation { .. } => "ticket-escalation",
        }
    }

    /// The mail's message keys: `<prefix>-subject` and `<prefix>-body`.
    fn mail_message(self) -> String {
        self.message().replacen("notify-", "mail-", 1)
    }

    fn audience(self) -> Audience {
        let (requester, requester_side, helpdesk_side, supervisors) = match self {
            Notice::Created | Notice::Assigned => (false, false, true, false),
            Notice::Followup { private } | Notice::Attachment { private, .. } => (!private, !private, true, false),
            Notice::Solved | Notice::Closed => (true, true, false, false),
            Notice::Survey => (true, false, false, false),
            Notice::Escalation { .. } => (false, false, true, true),
        };
        Audience { requester, requester_side, helpdesk_side, supervisors }
    }

    /// Whether only those who see private items of the ticket may hear of it.
    fn private(self) -> bool {
        matches!(self, Notice::Followup { private: true } | Notice::Attachment { private: true, .. })
    }

    /// The file's name, for a notice about a file.
    fn file_name(self) -> Option<&'a str> {
        match self {
            Notice::Attachment { file_name, .. } => Some(file_name),
            _ => None,
        }
    }

    /// Escalations are sent once per ticket, delay and share.
    fn dedupe_key(self, ticket: Uuid) -> Option<String> {
        match self {
            Notice::Escalation { resolve, percent } => {
                Some(format!("sla:{ticket}:{}:{percent}", if resolve { "resolve" } else { "own" }))
            }
            _ => None,
        }
    }
}

/// The roles that see private followups and files of the tickets of their
/// entities: those that view tickets as the helpdesk ([`super::Viewer`]).
fn roles_seeing_private() -> Vec<String> {
    Role::ALL
        .into_iter()
        .filter(|r| r.allows(ObjectKind::Ticket, Action::View))
        .map(|r| r.as_str().to_owned())
        .collect()
}

/// Tell the ticket's people about `notice`, except `actor`.
pub async fn send(conn: &mut PgConnection, ticket: Uuid, notice: Notice<'_>, actor: Option<Uuid>) -> AppResult<u64> {
    let audience = notice.audience();
    let percent = match notice {
        Notice::Escalation { percent, .. } => percent,
        _ => 0,
    };
    // A private notice: never the requester, and only people who hold a
    // helpdesk role on the ticket's entity or one above it (a member of an
    // assigned group or an assignee from elsewhere may not see private items).
    let told = sqlx::query_scalar!(
        r#"with t as (select id, number, title, entity_id, requester_id, created_by_id from tickets where id = $1),
           recipients (user_id) as (
               select requester_id from t where $2 or $9
               union select created_by_id from t where $2 and created_by_id is not null
               union select p.user_id from ticket_people p where p.ticket_id = $1 and p.role = 'watcher' and $2
               union select p.user_id from ticket_people p where p.ticket_id = $1 and p.role = 'assignee' and $3
               union select gm.user_id from ticket_groups tg join group_members gm on gm.group_id = tg.group_id
                      where tg.ticket_id = $1 and $3
               union select g.user_id from role_grants g where g.role = 'supervisor' and $4
                      and g.entity_id in (select id from entity_lineage((select entity_id from t)))),
           told as (
               insert into notifications (user_id, message, args, link, dedupe_key)
               select r.user_id, $5,
                      jsonb_build_object('number', t.number, 'title', t.title, 'percent', $6::smallint)
                        || jsonb_strip_nulls(jsonb_build_object('file', $12::text)),
                      '/tickets/' || t.id, $7
                 from recipients r cross join t join users u on u.id = r.user_id
                where u.active and r.user_id is distinct from $8
                  and (not $13 or (r.user_id is distinct from t.requester_id
                       and exists (select 1 from role_grants g
                                    where g.user_id = r.user_id and g.role::text = any($14)
                                      and g.entity_id in (select id from entity_lineage(t.entity_id)))))
               on conflict (user_id, dedupe_key) do nothing
               returning user_id, args, link),
           mailed as (
               insert into mail_outbox (user_id, event, message, args, link)
               select told.user_id, $10, $11, told.args, told.link
                 from told join users u on u.id = told.user_id
                where u.email is not null
                  and not exists (select 1 from mail_opt_outs o where o.user_id = told.user_id and o.event = $10))
           select count(*) as "told!" from told"#,
        ticket,
        audience.requester_side,
        audience.helpdesk_side,
        audience.supervisors,
        notice.message(),
        percent,
        notice.dedupe_key(ticket),
        actor,
        audience.requester,
        notice.mail_event(),
        notice.mail_message(),
        notice.file_name(),
        notice.private(),
        &roles_seeing_private()
    )
    .fetch_one(conn)
    .await?;
    Ok(told as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_followups_never_reach_the_requester_side() {
        assert!(!Notice::Followup { private: true }.audience().requester_side);
        assert!(Notice::Followup { private: true }.audience().helpdesk_side);
        assert!(Notice::Followup { private: false }.audience().requester_side);
    }

    #[test]
    fn private_files_go_like_private_followups() {
        let private = Notice::Attachment { private: true, file_name: "bios.txt" };
        assert_eq!(private.audience(), Notice::Followup { private: true }.audience());
        assert!(private.private() && Notice::Followup { private: true }.private());
        let public = Notice::Attachment { private: false, file_name: "photo.png" };
        assert_eq!(public.audience(), Notice::Followup { private: false }.audience());
        assert!(!public.private());
        assert_eq!(public.file_name(), Some("photo.png"));
        assert_eq!(Notice::Created.file_name(), None);
    }

    #[test]
    fn private_items_are_for_the_roles_that_view_tickets_as_the_helpdesk() {
        let roles = roles_seeing_private();
        assert!(roles.iter().any(|r| r == "technician") && roles.iter().any(|r| r == "supervisor"));
        assert!(!roles.iter().any(|r| r == "employee"), "{roles:?}");
    }

    #[test]
    fn the_survey_goes_to_the_requester_alone() {
        let audience = Notice::Survey.audience();
        assert!(audience.requester && !audience.requester_side && !audience.helpdesk_side);
    }

    #[test]
    fn every_notice_mails_an_event_people_can_turn_off() {
        let notices = [
            Notice::Created,
            Notice::Assigned,
            Notice::Followup { private: false },
            Notice::Attachment { private: false, file_name: "x.txt" },
            Notice::Solved,
            Notice::Closed,
            Notice::Survey,
            Notice::Escalation { resolve: false, percent: 75 },
        ];
        for notice in notices {
            assert!(crate::notify::mail::EVENTS.contains(&notice.mail_event()), "{notice:?}");
        }
    }

    #[test]
    fn escalations_go_to_supervisors_once_per_share() {
        let ticket = Uuid::nil();
        let notice = Notice::Escalation { resolve: true, percent: 75 };
        assert!(notice.audience().supervisors);
        assert_eq!(notice.dedupe_key(ticket), Some(format!("sla:{ticket}:resolve:75")));
        assert_eq!(Notice::Solved.dedupe_key(ticket), None);
    }
}
