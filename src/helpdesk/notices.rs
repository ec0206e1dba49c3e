//! Who hears about what happens to a ticket. The change's transaction
//! raises a notice (one row of `ticket_notices`, committed or rolled back with
//! the change); delivery, a moment later and a batch at a time, computes the
//! recipients in SQL from the ticket's people and writes their notifications
//! and mail. The person who acted is never told about their own act.
//! A private followup or file reaches the helpdesk side only, and there only
//! those who see private items of the ticket's entity
//! ([`super::Viewer::sees_private`]), never the requester.
//! Each in-app notification also queues a mail, unless its recipient has no
//! address or turned that event off (`mail_opt_outs`).
//!
//! Raising is one small insert, so opening or answering a ticket does not
//! wait for its team of fifteen to be told; every `parc serve` delivers what
//! is waiting (`FOR UPDATE SKIP LOCKED`: several servers never tell twice).

use std::time::Duration;

use sqlx::{PgConnection, PgPool};
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

/// A notice as the columns of `ticket_notices` (beside ticket and actor),
/// for [`raise`] and for a statement that raises it with its change.
pub struct NoticeColumns<'a> {
    pub message: &'static str,
    pub mail_event: &'static str,
    pub mail_message: String,
    pub to_requester: bool,
    pub to_requester_side: bool,
    pub to_helpdesk_side: bool,
    pub to_supervisors: bool,
    pub private: bool,
    pub percent: i16,
    pub file_name: Option<&'a str>,
    pub dedupe_key: Option<String>,
}

impl<'a> Notice<'a> {
    pub fn columns(self, ticket: Uuid) -> NoticeColumns<'a> {
        let audience = self.audience();
        NoticeColumns {
            message: self.message(),
            mail_event: self.mail_event(),
            mail_message: self.mail_message(),
            to_requester: audience.requester,
            to_requester_side: audience.requester_side,
            to_helpdesk_side: audience.helpdesk_side,
            to_supervisors: audience.supervisors,
            private: self.private(),
            percent: match self {
                Notice::Escalation { percent, .. } => percent,
                _ => 0,
            },
            file_name: self.file_name(),
            dedupe_key: self.dedupe_key(ticket),
        }
    }
}

/// Raise `notice` about `ticket`, in the transaction of the change: its
/// people hear of it once that commits, except `actor`.
pub async fn raise(conn: &mut PgConnection, ticket: Uuid, notice: Notice<'_>, actor: Option<Uuid>) -> AppResult<()> {
    raise_many(conn, &[(ticket, notice)], actor).await
}

/// Raise several notices in one statement (escalations found due together).
pub async fn raise_many(conn: &mut PgConnection, notices: &[(Uuid, Notice<'_>)], actor: Option<Uuid>) -> AppResult<()> {
    if notices.is_empty() {
        return Ok(());
    }
    let tickets: Vec<Uuid> = notices.iter().map(|(ticket, _)| *ticket).collect();
    let rows: Vec<NoticeColumns> = notices.iter().map(|(ticket, notice)| notice.columns(*ticket)).collect();
    let column = |pick: fn(&NoticeColumns) -> bool| rows.iter().map(pick).collect::<Vec<bool>>();
    sqlx::query!(
        "insert into ticket_notices (ticket_id, message, mail_event, mail_message, to_requester, to_requester_side,
                                     to_helpdesk_side, to_supervisors, private, percent, file_name, dedupe_key, actor_id)
         select n.*, $13 from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::bool[], $7::bool[],
                                     $8::bool[], $9::bool[], $10::int2[], $11::text[], $12::text[]) as n",
        &tickets,
        &rows.iter().map(|r| r.message).collect::<Vec<&str>>() as &[&str],
        &rows.iter().map(|r| r.mail_event).collect::<Vec<&str>>() as &[&str],
        &rows.iter().map(|r| r.mail_message.clone()).collect::<Vec<String>>(),
        &column(|r| r.to_requester),
        &column(|r| r.to_requester_side),
        &column(|r| r.to_helpdesk_side),
        &column(|r| r.to_supervisors),
        &column(|r| r.private),
        &rows.iter().map(|r| r.percent).collect::<Vec<i16>>(),
        &rows.iter().map(|r| r.file_name).collect::<Vec<Option<&str>>>() as &[Option<&str>],
        &rows.iter().map(|r| r.dedupe_key.clone()).collect::<Vec<Option<String>>>() as &[Option<String>],
        actor
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Notices delivered by one statement at most.
const BATCH: i64 = 200;

/// Deliver up to [`BATCH`] waiting notices, oldest first: (notices, notifications written).
/// A private notice reaches no requester, and only people holding a
/// helpdesk role on the ticket's entity or one above it (a member of an
/// assigned group or an assignee from elsewhere may not see private items).
pub async fn deliver(pool: &PgPool) -> AppResult<(u64, u64)> {
    let row = sqlx::query!(
        r#"with batch as (
               -- The ids gathered once: as `id in (...)` the locking subquery ran again for each row.
               delete from ticket_notices
                where id = any(array(select id from ticket_notices order by id limit $1 for update skip locked))
               returning *),
           about as (
               select b.*, t.entity_id, t.requester_id, t.created_by_id,
                      jsonb_build_object('number', t.number, 'title', t.title, 'percent', b.percent)
                        || jsonb_strip_nulls(jsonb_build_object('file', b.file_name)) as args,
                      '/tickets/' || b.ticket_id as link
                 from batch b join tickets t on t.id = b.ticket_id),
           recipients (notice_id, user_id) as (
               select id, requester_id from about where to_requester_side or to_requester
               union select id, created_by_id from about where to_requester_side and created_by_id is not null
               union select a.id, p.user_id from about a join ticket_people p on p.ticket_id = a.ticket_id
                      where p.role = 'watcher' and a.to_requester_side
               union select a.id, p.user_id from about a join ticket_people p on p.ticket_id = a.ticket_id
                      where p.role = 'assignee' and a.to_helpdesk_side
               union select a.id, gm.user_id from about a join ticket_groups tg on tg.ticket_id = a.ticket_id
                      join group_members gm on gm.group_id = tg.group_id where a.to_helpdesk_side
               union select a.id, g.user_id from about a cross join lateral entity_lineage(a.entity_id) up
                      join role_grants g on g.entity_id = up.id and g.role = 'supervisor' where a.to_supervisors),
           wanted as (
               select r.user_id, a.message, a.mail_event, a.mail_message, a.dedupe_key, a.raised_at, a.args, a.link,
                      u.email is not null as mailable
                 from recipients r join about a on a.id = r.notice_id join users u on u.id = r.user_id
                where u.active and r.user_id is distinct from a.actor_id
                  and (not a.private or (r.user_id is distinct from a.requester_id
                       and exists (select 1 from role_grants g
                                    where g.user_id = r.user_id and g.role::text = any($2)
                                      and g.entity_id in (select id from entity_lineage(a.entity_id)))))),
           told as (
               insert into notifications (user_id, message, args, link, dedupe_key, created_at)
               select user_id, message, args, link, dedupe_key, raised_at from wanted
               on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing
               returning user_id, dedupe_key),
           mailed as (
               insert into mail_outbox (user_id, event, message, args, link)
               select w.user_id, w.mail_event, w.mail_message, w.args, w.link
                 from wanted w
                where w.mailable
                  and not exists (select 1 from mail_opt_outs o where o.user_id = w.user_id and o.event = w.mail_event)
                  -- A notice told once per key is mailed only when it was told now.
                  and (w.dedupe_key is null
                       or exists (select 1 from told where told.user_id = w.user_id and told.dedupe_key = w.dedupe_key)))
           select (select count(*) from batch) as "notices!", (select count(*) from told) as "told!""#,
        BATCH,
        &roles_seeing_private()
    )
    .fetch_one(pool)
    .await?;
    Ok((row.notices as u64, row.told as u64))
}

/// Deliver every waiting notice; the notifications written.
pub async fn deliver_all(pool: &PgPool) -> AppResult<u64> {
    let mut told = 0;
    loop {
        let (notices, written) = deliver(pool).await?;
        told += written;
        if notices < BATCH as u64 {
            return Ok(told);
        }
    }
}

/// How long delivery waits when nothing was waiting.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// The delivery of one `parc serve`: a batch as soon as the previous one is
/// done, a look every [`IDLE_POLL`] when none was waiting.
pub fn spawn_delivery(pool: PgPool) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver(&pool).await {
                Ok((notices, _)) if notices as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "ticket notices not delivered"),
            }
            tokio::time::sleep(IDLE_POLL).await;
        }
    })
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
