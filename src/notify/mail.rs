//! Mail: what happens to people's tickets, sent from the `mail_outbox` table
//! by the job runner, never from inside a request. A row is written in the
//! same transaction as the change it tells about; the job renders it in the
//! recipient's language at sending time, sends it over SMTP and retries with
//! a growing delay when the server is unreachable or answers a transient error.
//! Mail is plain text, so nothing a user typed can become markup, and headers
//! are RFC 2047-encoded, so a title can never add a header.

use std::{sync::Arc, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::{authentication::Credentials, extension::ClientId},
};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    config::{Config, SmtpTls},
    error::AppResult,
    web::i18n::{self, Lang},
};

/// The job that sends the outbox.
pub const KIND: &str = "mail-outbox";

/// The events a person may choose not to receive by mail, in the order the
/// profile page lists them.
pub const EVENTS: [&str; 8] = [
    "ticket-created",
    "ticket-assigned",
    "ticket-followup",
    "ticket-attachment",
    "ticket-solved",
    "ticket-closed",
    "ticket-survey",
    "ticket-escalation",
];

/// Mails claimed at once; a claimed mail is not claimed again for LEASE.
const BATCH: i64 = 50;
const LEASE_SECONDS: f64 = 600.0;
/// Attempts before a mail is given up.
const MAX_ATTEMPTS: i32 = 5;
/// Batches per job run, so one run ends and the next one starts fresh.
const BATCHES_PER_RUN: usize = 20;

/// An SMTP connection pool and the sender's address.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// The mailer of `config`, or None when no SMTP server is configured.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Arc<Mailer>>> {
        let Some(host) = config.smtp_host.as_deref() else { return Ok(None) };
        let (builder, default_port) = match config.smtp_tls {
            SmtpTls::None => (AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host), 25),
            SmtpTls::Starttls => (AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?, 587),
            SmtpTls::Tls => (AsyncSmtpTransport::<Tokio1Executor>::relay(host)?, 465),
        };
        let mut builder = builder
            .port(config.smtp_port.unwrap_or(default_port))
            .timeout(Some(Duration::from_secs(30)))
            .hello_name(ClientId::Domain(hello_name(&config.public_url)));
        if let (Some(user), Some(password)) = (&config.smtp_user, &config.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from = config.mail_from.parse().map_err(|e| anyhow::anyhow!("PARC_MAIL_FROM: {e}"))?;
        Ok(Some(Arc::new(Mailer {
            transport: builder.build(),
            from,
            public_url: config.public_url.trim_end_matches('/').to_owned(),
        })))
    }
}

/// The host name of the public address, to introduce ourselves to the server.
fn hello_name(public_url: &str) -> String {
    let rest = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if host.is_empty() { "localhost".to_owned() } else { host.to_owned() }
}

/// A mail ready to render: the outbox row and its recipient.
struct Outgoing {
    id: Uuid,
    message: String,
    args: Value,
    link: String,
    attempts: i32,
    email: Option<String>,
    name: String,
    language: String,
    active: bool,
}

/// A mail as the recipient reads it.
#[derive(Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// Subject and body of `message` in `lang`, its arguments filled in; links
/// are made absolute with the public address.
pub fn render(lang: Lang, message: &str, args: &Value, link: &str, name: &str, public_url: &str) -> Rendered {
    let mut pairs: Vec<(String, String)> = args
        .as_object()
        .map(|map| {
            map.iter().map(|(k, v)| (k.clone(), one_line(&crate::assets::categories::fields::value_text(v)))).collect()
        })
        .unwrap_or_default();
    pairs.push(("name".into(), one_line(name)));
    pairs.push(("link".into(), format!("{public_url}{link}")));
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let subject = one_line(&i18n::tr_args(lang, &format!("{message}-subject"), &pairs));
    let body = i18n::tr_args(lang, &format!("{message}-body"), &pairs);
    let footer = i18n::tr_args(lang, "mail-footer", &[("profile", &format!("{public_url}/profile#mail"))]);
    Rendered { subject, body: format!("{body}\n\n-- \n{footer}\n") }
}

/// Control characters (CR, LF, tab…) become spaces: what a person typed
/// stays on one line in a subject or a sentence. Characters that reorder the
/// text (a file name read backwards) are dropped.
fn one_line(text: &str) -> String {
    text.chars().filter(|c| !crate::web::reorders_text(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Send what is due in the outbox. Without an SMTP server mail stays queued.
pub async fn send_due(pool: &PgPool, mailer: Option<&Mailer>) -> AppResult<Value> {
    let Some(mailer) = mailer else {
        return Ok(serde_json::json!({ "sent": 0, "note": "no SMTP server configured" }));
    };
    let (mut sent, mut retried, mut failed) = (0, 0, 0);
    for _ in 0..BATCHES_PER_RUN {
        let batch = claim(pool).await?;
        if batch.is_empty() {
            break;
        }
        for mail in batch {
            match deliver(mailer, &mail).await {
                Ok(()) => {
                    sqlx::query!(
                        "update mail_outbox set state = 'sent', sent_at = now(), last_error = null where id = $1",
                        mail.id
                    )
                    .execute(pool)
                    .await?;
                    sent += 1;
                }
                Err(failure) => {
                    let give_up = failure.permanent || mail.attempts >= MAX_ATTEMPTS;
                    tracing::warn!(mail = %mail.id, error = %failure.reason, give_up, "mail not sent");
                    record_failure(pool, mail.id, &failure.reason, give_up, retry_delay(mail.attempts)).await?;
                    if give_up { failed += 1 } else { retried += 1 }
                }
            }
        }
    }
    Ok(serde_json::json!({ "sent": sent, "retried": retried, "failed": failed }))
}

/// Take up to BATCH due mails; they are not due again before the lease ends,
/// so a server that dies while sending leaves them to be retried.
async fn claim(pool: &PgPool) -> AppResult<Vec<Outgoing>> {
    Ok(sqlx::query_as!(
        Outgoing,
        "update mail_outbox m
            set attempts = m.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
           from users u
          where u.id = m.user_id
            and m.id in (select id from mail_outbox where state = 'queued' and next_attempt_at <= now()
                          order by next_attempt_at limit $1 for update skip locked)
        returning m.id, m.message, m.args, m.link, m.attempts, u.email, u.name, u.language, u.active",
        BATCH,
        LEASE_SECONDS
    )
    .fetch_all(pool)
    .await?)
}

/// Why a mail did not go, and whether trying again can help.
struct Failure {
    reason: String,
    permanent: bool,
}

impl Failure {
    fn permanent(reason: impl Into<String>) -> Self {
        Failure { reason: reason.into(), permanent: true }
    }
}

async fn deliver(mailer: &Mailer, mail: &Outgoing) -> Result<(), Failure> {
    let address = match (&mail.email, mail.active) {
        (Some(email), true) => email.parse().map_err(|e| Failure::permanent(format!("address: {e}")))?,
        _ => return Err(Failure::permanent("recipient inactive or without an address")),
    };
    let lang = Lang::parse(&mail.language).unwrap_or_default();
    let rendered = render(lang, &mail.message, &mail.args, &mail.link, &mail.name, &mailer.public_url);
    let message = Message::builder()
        .from(mailer.from.clone())
        .to(Mailbox::new(Some(one_line(&mail.name)), address))
        .subject(rendered.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(rendered.body)
        .map_err(|e| Failure::permanent(format!("message: {e}")))?;
    mailer
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| Failure { permanent: e.is_permanent(), reason: e.to_string() })
}

/// 1, 4, 16, 64 minutes…: an SMTP server down for an hour loses nothing.
fn retry_delay(attempts: i32) -> f64 {
    60.0 * 4f64.powi(attempts.clamp(1, 6) - 1)
}

async fn record_failure(pool: &PgPool, id: Uuid, reason: &str, give_up: bool, delay: f64) -> AppResult<()> {
    let reason: String = reason.chars().take(500).collect();
    sqlx::query!(
        "update mail_outbox set last_error = $2,
                state = case when $3 then 'failed' else 'queued' end,
                next_attempt_at = now() + make_interval(secs => $4)
          where id = $1",
        id,
        reason,
        give_up,
        delay
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The events `user` turned off.
pub async fn opted_out(pool: &PgPool, user: Uuid) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar!("select event from mail_opt_outs where user_id = $1 order by event", user)
        .fetch_all(pool)
        .await?)
}

/// Keep `wanted` events on for `user` and turn the others off. Unknown events are ignored.
pub async fn set_wanted(pool: &PgPool, user: Uuid, wanted: &[String]) -> AppResult<()> {
    let off: Vec<String> = EVENTS.iter().filter(|e| !wanted.iter().any(|w| w == *e)).map(|e| (*e).to_owned()).collect();
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from mail_opt_outs where user_id = $1", user).execute(&mut *tx).await?;
    sqlx::query!("insert into mail_opt_outs (user_id, event) select $1, unnest($2::text[])", user, &off)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_with_line_breaks_stays_on_the_subject_line() {
        let args = serde_json::json!({ "number": 12, "title": "Printer\r\nBcc: victim@example.com" });
        let mail = render(Lang::En, "mail-ticket-created", &args, "/tickets/x", "Ann", "https://parc.example");
        assert!(!mail.subject.contains(['\r', '\n']), "{:?}", mail.subject);
        assert!(mail.subject.contains("#12"), "{:?}", mail.subject);
        assert!(mail.body.contains("https://parc.example/tickets/x"), "{}", mail.body);
    }

    #[test]
    fn a_file_name_stays_one_name_on_one_line() {
        let args =
            serde_json::json!({ "number": 7, "title": "Écran", "file": "a\r\nBcc: x@example.com\u{202E}fdp.exe" });
        let mail = render(Lang::En, "mail-ticket-attachment", &args, "/tickets/x", "Ann", "https://parc.example");
        assert_eq!(mail.subject, "[#7] New file: a  Bcc: x@example.comfdp.exe (Écran)");
        assert!(mail.body.contains("File: a  Bcc: x@example.comfdp.exe\n"), "{}", mail.body);
    }

    #[test]
    fn every_event_has_a_subject_and_a_body_in_both_languages() {
        for message in [
            "mail-ticket-created",
            "mail-ticket-assigned",
            "mail-ticket-followup",
            "mail-ticket-attachment",
            "mail-ticket-solved",
            "mail-ticket-closed",
            "mail-ticket-survey",
            "mail-ticket-escalation-own",
            "mail-ticket-escalation-resolve",
        ] {
            for part in ["subject", "body"] {
                assert!(i18n::has_key(&format!("{message}-{part}")), "{message}-{part}");
            }
        }
    }

    #[test]
    fn retries_wait_longer_each_time() {
        let delays: Vec<f64> = (1..=MAX_ATTEMPTS).map(retry_delay).collect();
        assert!(delays.windows(2).all(|w| w[0] < w[1]), "{delays:?}");
        assert_eq!(hello_name("https://parc.example:8443/x"), "parc.example");
    }
}
