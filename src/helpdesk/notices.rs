//! Who hears about what happens to a ticket. Recipients are computed in SQL
//! from the ticket's people at the moment of the change, in the same
//! transaction; the person who acted is never told about their own act.
//! A private followup reaches the helpdesk side only, never the requester.
//! Each in-app notification also queues a mail, unless its recipient has no
//! address or turned that event off (`mail_opt_outs`).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppResult;

/// Something that happened to a ticket that people are told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Created,
    Assigned,
    Followup {
        private: bool,
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

impl Notice {
    fn message(self) -> &'static str {
        match self {
            Notice::Created => "notify-ticket-created",
            Notice::Assigned => "notify-ticket-assigned",
            Notice::Followup { .. } => "notify-ticket-followup",
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
            Notice::Followup { private } => (!private, !private, true, false),
            Notice::Solved | Notice::Closed => (true, true, false, false),
            Notice::Survey => (true, false, false, false),
            Notice::Escalation { .. } => (false, false, true, true),
        };
        Audience { requester, requester_side, helpdesk_side, supervisors }
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

/// Tell the ticket's people about `notice`, except `actor`.
pub async fn send(conn: &mut PgConnection, ticket: Uuid, notice: Notice, actor: Option<Uuid>) -> AppResult<u64> {
    let audience = notice.audience();
    let percent = match notice {
        Notice::Escalation { percent, .. } => percent,
        _ => 0,
    };
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
               select r.user_id, $5, jsonb_build_object('number', t.number, 'title', t.title, 'percent', $6::smallint),
                      '/tickets/' || t.id, $7
                 from recipients r cross join t join users u on u.id = r.user_id
                where u.active and r.user_id is distinct from $8
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
        notice.mail_message()
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
