//! Reminders of overdue returns: a recurring background job that notifies the
//! person holding a late asset and the person who handed it out, once a week
//! per check-out.

use serde_json::{Value, json};
use sqlx::PgPool;

use crate::error::AppResult;

/// The job's kind in the queue.
pub const KIND: &str = "overdue-reminders";

/// Notify about every open check-out past its expected return; the number of notifications sent.
pub async fn run(pool: &PgPool) -> AppResult<Value> {
    let sent = sqlx::query!(
        r#"insert into notifications (user_id, message, args, link, dedupe_key)
           select r.user_id, r.message, jsonb_build_object('tag', a.tag, 'due', c.expected_return::text),
                  '/assets/' || a.id, 'overdue:' || c.id || ':' || to_char(current_date, 'IYYY-IW')
             from asset_checkouts c join assets a on a.id = c.asset_id
            cross join lateral (values (c.user_id, 'notify-overdue-holder'),
                                       (c.checked_out_by_id, 'notify-overdue-lender')) r (user_id, message)
            where c.checked_in_at is null and c.expected_return < current_date and r.user_id is not null
           on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing"#
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(json!({ "sent": sent }))
}
