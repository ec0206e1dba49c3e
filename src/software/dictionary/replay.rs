//! Replaying the dictionary over the catalogue, as GLPI's "Replay the
//! dictionary rules": entries catalogued before a rule was written take the
//! name it gives. Each entry and each of its versions goes through the same
//! [`Dictionary`] as an inventory; an entry named otherwise is renamed, or
//! merged into the entry already bearing that name (versions, installations,
//! licences and standard configurations follow), and an entry a rule leaves
//! out loses what the agents found, keeping what was recorded by hand.
//!
//! A background job, in batches of entries, each batch in its own
//! transaction, so a large catalogue holds no long transaction and the
//! progress moves. Running it again changes nothing.

use std::{collections::BTreeMap, time::Duration};

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    Dictionary,
    db::{self, Entry, VersionRow},
};
use crate::{
    audit::{self, AuditActor, Change, Record, Source, Subject},
    auth::permission::ObjectKind,
    error::{AppError, AppResult},
    jobs::{self, Job, JobStatus},
};

/// The job kind in the queue.
pub const KIND: &str = "software-dictionary-replay";
/// Entries per transaction.
const BATCH: i64 = 100;
/// Tries of a batch that met a concurrent writer (a deadlock with an
/// inventory, an entry of the same name written meanwhile).
const TRIES: u32 = 3;
/// Longest notes of an entry (the table's limit).
const MAX_NOTES: usize = 10_000;

/// What the replay did.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Tally {
    /// Entries looked at.
    pub examined: i64,
    /// Entries renamed in place (name, publisher or versions).
    pub renamed: i64,
    /// Entries merged into another of the name the dictionary gives.
    pub merged: i64,
    /// Entries a rule leaves out that lost installations, versions, or left the catalogue.
    pub left_out: i64,
    /// Installations found by agents taken off assets by the "leave out" rules.
    pub installations_removed: i64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.examined += other.examined;
        self.renamed += other.renamed;
        self.merged += other.merged;
        self.left_out += other.left_out;
        self.installations_removed += other.installations_removed;
    }

    fn changed(&self) -> bool {
        self.renamed + self.merged + self.left_out > 0
    }
}

/// Queue a replay on behalf of `actor`; a replay already waiting or running
/// is not queued twice. The job's id.
pub async fn start(pool: &PgPool, actor: &AuditActor) -> AppResult<Uuid> {
    let payload = json!({ "actor_id": actor.id, "actor_label": actor.label, "source": actor.source.as_str() });
    Ok(jobs::enqueue_once(pool, KIND, &payload, actor.id).await?.0)
}

/// The last replay, with its progress or result.
pub async fn latest(pool: &PgPool) -> AppResult<Option<JobStatus>> {
    jobs::latest(pool, KIND).await
}

/// Who the history names: the person who started the replay.
fn actor_of(payload: &Value) -> AuditActor {
    let source = match payload["source"].as_str() {
        Some("api") => Source::Api,
        Some("web") => Source::Web,
        _ => Source::System,
    };
    AuditActor {
        id: payload["actor_id"].as_str().and_then(|id| Uuid::parse_str(id).ok()),
        label: payload["actor_label"].as_str().unwrap_or("system").chars().take(200).collect(),
        source,
        request_id: None,
    }
}

/// The job: every entry of the catalogue, batch after batch.
pub async fn run(pool: &PgPool, job: &Job) -> AppResult<Value> {
    let actor = actor_of(&job.payload);
    // The rules as they are now; a rule changed meanwhile waits for the next replay.
    let dictionary = super::current(pool).await?;
    let mut total = db::catalogue_size(pool).await?;
    jobs::progress(pool, job.id, 0, Some(total)).await?;
    let mut tally = Tally::default();
    let mut after = None;
    loop {
        let ids = db::catalogue_page(pool, after, BATCH).await?;
        let Some(last) = ids.last().copied() else { break };
        after = Some(last);
        let mut tries = 0;
        let done = loop {
            tries += 1;
            match batch(pool, &dictionary, &actor, &ids).await {
                Ok(done) => break done,
                Err(error) if tries < TRIES && transient(&error) => {
                    tracing::info!(%error, tries, "dictionary replay: batch tried again");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(tries))).await;
                }
                Err(error) => return Err(error),
            }
        };
        tally.add(done);
        // Inventories may add entries while the replay runs.
        total = total.max(tally.examined);
        jobs::progress(pool, job.id, tally.examined, Some(total)).await?;
    }
    if tally.changed() {
        // The installation counts the catalogue and compliance pages show, now.
        let mut conn = pool.acquire().await?;
        jobs::enqueue(&mut conn, crate::software::compliance::KIND, &Value::Null, actor.id).await?;
    }
    Ok(serde_json::to_value(tally).map_err(anyhow::Error::from)?)
}

/// A failure another try may not meet: a deadlock, a serialization
/// failure, or a catalogue key taken by an entry written meanwhile.
fn transient(error: &AppError) -> bool {
    let AppError::Internal(inner) = error else { return false };
    match inner.downcast_ref::<sqlx::Error>() {
        Some(sqlx::Error::Database(db)) => matches!(db.code().as_deref(), Some("40P01" | "40001" | "23505")),
        _ => false,
    }
}

/// One batch of entries, in one transaction.
async fn batch(pool: &PgPool, dictionary: &Dictionary, actor: &AuditActor, ids: &[Uuid]) -> AppResult<Tally> {
    let mut tx = pool.begin().await?;
    let mut tally = Tally::default();
    // Installations taken off each asset, for one line of its history per batch.
    let mut removed: BTreeMap<Uuid, (Uuid, Vec<String>)> = BTreeMap::new();
    for id in ids {
        tally.examined += 1;
        replay_entry(&mut tx, dictionary, actor, *id, &mut tally, &mut removed).await?;
    }
    for (asset, (entity, mut lines)) in removed {
        lines.sort();
        let subject = Subject::new(ObjectKind::Asset, asset, Some(entity));
        audit::record_change(
            &mut tx,
            actor,
            subject,
            &json!({ "software": lines.join(", ") }),
            &json!({ "software": null }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(tally)
}

fn label(name: &str, publisher: &str) -> String {
    if publisher.is_empty() { name.to_owned() } else { format!("{name} — {publisher}") }
}

fn line(name: &str, version: &str) -> String {
    if version.is_empty() { name.to_owned() } else { format!("{name} {version}") }
}

/// Where an entry goes.
enum Target {
    /// It keeps its name (perhaps not its versions).
    Itself,
    /// No entry bears the new name: it takes it.
    Rename,
    /// Another entry bears it: merged into that one.
    Merge(Entry),
}

async fn replay_entry(
    conn: &mut PgConnection,
    dictionary: &Dictionary,
    actor: &AuditActor,
    id: Uuid,
    tally: &mut Tally,
    removed: &mut BTreeMap<Uuid, (Uuid, Vec<String>)>,
) -> AppResult<()> {
    // Gone: merged into an entry earlier in this run, or deleted meanwhile.
    let Some(entry) = db::entry(conn, id).await? else { return Ok(()) };
    // An entry the rules leave as it is takes no lock: inventories adding
    // versions or installations of it never wait for the replay.
    if unchanged(dictionary, &entry, &db::version_names(conn, id).await?) {
        return Ok(());
    }
    let Some(entry) = db::lock_entry(conn, id).await? else { return Ok(()) };
    let versions = db::lock_versions(conn, id).await?;
    // The name does not depend on the version: the first one (or none) tells it.
    let probe = versions.first().map_or("", |v| v.version.as_str());
    let Some(named) = dictionary.catalogue_name(&entry.name, &entry.publisher, probe) else {
        return leave_out(conn, actor, &entry, tally, removed).await;
    };
    let moves: Vec<(&VersionRow, String)> = versions
        .iter()
        .map(|v| {
            let version = dictionary
                .catalogue_name(&entry.name, &entry.publisher, &v.version)
                .map_or_else(|| v.version.clone(), |n| n.version);
            (v, version)
        })
        .collect();
    let target = if named.name == entry.name && named.publisher == entry.publisher {
        Target::Itself
    } else {
        match db::find_entry(conn, &named.name, &named.publisher).await? {
            // The same entry but for letter case: the catalogue's key ignores case, so do inventories.
            Some(found) if found.id == entry.id => Target::Itself,
            Some(found) => Target::Merge(found),
            None => Target::Rename,
        }
    };
    match target {
        Target::Itself => {
            let changed: Vec<&(&VersionRow, String)> = moves.iter().filter(|(v, new)| v.version != *new).collect();
            if changed.is_empty() {
                return Ok(());
            }
            let before = db::version_names(conn, entry.id).await?;
            for (version, new) in changed {
                db::move_version(conn, version.id, entry.id, new).await?;
            }
            let after = db::version_names(conn, entry.id).await?;
            let subject = Subject::new(ObjectKind::Software, entry.id, None);
            audit::record_change(
                conn,
                actor,
                subject,
                &json!({"versions": before.join(", ")}),
                &json!({"versions": after.join(", ")}),
            )
            .await?;
            tally.renamed += 1;
        }
        Target::Rename => {
            let before_versions = db::version_names(conn, entry.id).await?;
            let category = db::rename(conn, entry.id, &named.name, &named.publisher, named.category_id).await?;
            for (version, new) in moves.iter().filter(|(v, new)| v.version != *new) {
                db::move_version(conn, version.id, entry.id, new).await?;
            }
            let after_versions = db::version_names(conn, entry.id).await?;
            let before = json!({
                "name": entry.name, "publisher": entry.publisher, "category": entry.category,
                "versions": before_versions.join(", "),
            });
            let after = json!({
                "name": named.name, "publisher": named.publisher, "category": category,
                "versions": after_versions.join(", "),
            });
            audit::record_change(conn, actor, Subject::new(ObjectKind::Software, entry.id, None), &before, &after)
                .await?;
            tally.renamed += 1;
        }
        Target::Merge(into) => {
            merge(conn, actor, &entry, &into, &moves).await?;
            tally.merged += 1;
        }
    }
    Ok(())
}

/// Whether the rules give the entry and each of its versions the names they bear.
fn unchanged(dictionary: &Dictionary, entry: &Entry, versions: &[String]) -> bool {
    // An entry without versions has only its name to keep.
    let keeps = |version: &str, has_versions: bool| {
        dictionary.catalogue_name(&entry.name, &entry.publisher, version).is_some_and(|named| {
            named.name == entry.name
                && named.publisher == entry.publisher
                && (!has_versions || named.version == version)
        })
    };
    if versions.is_empty() { keeps("", false) } else { versions.iter().all(|v| keeps(v, true)) }
}

/// Merge `entry` into `into`: its versions and installations, licences and
/// standard configurations go over; the stricter policy and both notes are
/// kept; `entry` leaves the catalogue. Both histories tell it.
async fn merge(
    conn: &mut PgConnection,
    actor: &AuditActor,
    entry: &Entry,
    into: &Entry,
    moves: &[(&VersionRow, String)],
) -> AppResult<()> {
    let (from_label, into_label) = (label(&entry.name, &entry.publisher), label(&into.name, &into.publisher));
    let before_versions = db::version_names(conn, into.id).await?;
    for (version, new) in moves {
        db::move_version(conn, version.id, into.id, new).await?;
    }
    for licence in db::move_licences(conn, entry.id, into.id).await? {
        let subject = Subject::new(ObjectKind::Licence, licence.id, Some(licence.entity_id));
        audit::record_change(conn, actor, subject, &json!({"software": from_label}), &json!({"software": into_label}))
            .await?;
    }
    for configuration in db::configurations_requiring(conn, entry.id).await? {
        let before = crate::software::configurations::db::required_software(conn, configuration.id).await?;
        db::move_requirement(conn, configuration.id, entry.id, into.id).await?;
        let after = crate::software::configurations::db::required_software(conn, configuration.id).await?;
        let subject = Subject::new(ObjectKind::StandardConfiguration, configuration.id, Some(configuration.entity_id));
        let snapshot = crate::software::configurations::db::software_snapshot;
        audit::record_change(conn, actor, subject, &snapshot(&before), &snapshot(&after)).await?;
    }
    let forbidden = into.forbidden || entry.forbidden;
    let notes = merged_notes(&into.notes, &entry.notes);
    if forbidden != into.forbidden || notes != into.notes {
        db::absorb(conn, into.id, forbidden, &notes).await?;
    }
    let versions = moves.iter().map(|(v, _)| v.version.as_str()).collect::<Vec<_>>().join(", ");
    db::delete_entry(conn, entry.id).await?;
    audit::record(
        conn,
        Record {
            kind: ObjectKind::Software,
            object_id: entry.id,
            entity_id: None,
            change: Change::Delete,
            before: Some(json!({
                "name": entry.name, "publisher": entry.publisher, "category": entry.category, "versions": versions,
            })),
            after: Some(json!({ "merged_into": into_label })),
            actor,
        },
    )
    .await?;
    let after_versions = db::version_names(conn, into.id).await?;
    let before = json!({
        "merged_from": null, "versions": before_versions.join(", "), "forbidden": into.forbidden, "notes": into.notes,
    });
    let after = json!({
        "merged_from": from_label, "versions": after_versions.join(", "), "forbidden": forbidden, "notes": notes,
    });
    audit::record_change(conn, actor, Subject::new(ObjectKind::Software, into.id, None), &before, &after).await?;
    Ok(())
}

/// Both entries' notes, once each, within the table's limit.
fn merged_notes(kept: &str, merged: &str) -> String {
    let merged = merged.trim();
    if merged.is_empty() || kept.contains(merged) {
        return kept.to_owned();
    }
    let joined = if kept.trim().is_empty() { merged.to_owned() } else { format!("{}\n\n{merged}", kept.trim_end()) };
    joined.chars().take(MAX_NOTES).collect()
}

/// A rule leaves the entry out: the installations agents found go, those
/// recorded by hand stay; the entry leaves the catalogue when nothing
/// (version, licence, standard configuration) refers to it any more.
async fn leave_out(
    conn: &mut PgConnection,
    actor: &AuditActor,
    entry: &Entry,
    tally: &mut Tally,
    removed: &mut BTreeMap<Uuid, (Uuid, Vec<String>)>,
) -> AppResult<()> {
    let before_versions = db::version_names(conn, entry.id).await?;
    let gone = db::remove_inventory_installations(conn, entry.id).await?;
    let dropped = db::drop_unused_versions(conn, entry.id).await?;
    let deleted = !db::referenced(conn, entry.id).await?;
    if deleted {
        db::delete_entry(conn, entry.id).await?;
    }
    if gone.is_empty() && dropped == 0 && !deleted {
        return Ok(());
    }
    for installation in &gone {
        let (_, lines) = removed.entry(installation.asset_id).or_insert_with(|| (installation.entity_id, Vec::new()));
        lines.push(line(&entry.name, &installation.version));
    }
    let count = i64::try_from(gone.len()).unwrap_or(i64::MAX);
    let before = json!({
        "name": entry.name, "publisher": entry.publisher, "category": entry.category,
        "versions": before_versions.join(", "), "inventory_installations": count, "left_out": false,
    });
    let (change, after) = if deleted {
        (Change::Delete, json!({ "left_out": true }))
    } else {
        let after_versions = db::version_names(conn, entry.id).await?;
        let after = json!({
            "name": entry.name, "publisher": entry.publisher, "category": entry.category,
            "versions": after_versions.join(", "), "inventory_installations": 0, "left_out": true,
        });
        (Change::Update, after)
    };
    let record = Record {
        kind: ObjectKind::Software,
        object_id: entry.id,
        entity_id: None,
        change,
        before: Some(before),
        after: Some(after),
        actor,
    };
    audit::record(conn, record).await?;
    tally.left_out += 1;
    tally.installations_removed += count;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_kept_once() {
        assert_eq!(merged_notes("Site licence", ""), "Site licence");
        assert_eq!(merged_notes("Site licence", "licence"), "Site licence");
        assert_eq!(merged_notes("", "From the old entry"), "From the old entry");
        assert_eq!(merged_notes("Kept\n", "Merged"), "Kept\n\nMerged");
        assert_eq!(merged_notes(&"a".repeat(MAX_NOTES), "b").chars().count(), MAX_NOTES);
    }

    fn entry(name: &str) -> Entry {
        Entry {
            id: Uuid::nil(),
            name: name.to_owned(),
            publisher: "Acme".to_owned(),
            category: None,
            forbidden: false,
            notes: String::new(),
        }
    }

    #[test]
    fn entries_the_rules_keep_are_left_alone() {
        let rule = super::super::RuleRow {
            id: Uuid::nil(),
            position: 1,
            name_pattern: r"^Acme Draw\s+(\d+(?:\.\d+)*)".to_owned(),
            publisher_pattern: String::new(),
            set_name: "Acme Draw".to_owned(),
            set_publisher: "Acme".to_owned(),
            set_version: "$1".to_owned(),
            set_category_id: None,
            set_category_name: None,
            ignore: false,
        };
        let dictionary = Dictionary::new(&[rule]).expect("compiles");
        assert!(unchanged(&dictionary, &entry("Acme Draw"), &["5.2".to_owned()]));
        assert!(unchanged(&dictionary, &entry("GIMP"), &[]));
        assert!(!unchanged(&dictionary, &entry("Acme Draw 5.2 (x64 fr)"), &["5.2".to_owned()]));
        assert!(!unchanged(&dictionary, &entry("Acme Draw 5.2 (x64 fr)"), &[]), "without versions, still renamed");
    }

    #[test]
    fn the_history_names_who_started_it() {
        let actor = actor_of(&json!({"actor_id": Uuid::nil(), "actor_label": "pm_a", "source": "api"}));
        assert_eq!((actor.id, actor.label.as_str(), actor.source), (Some(Uuid::nil()), "pm_a", Source::Api));
        let nobody = actor_of(&Value::Null);
        assert_eq!((nobody.id, nobody.label.as_str(), nobody.source), (None, "system", Source::System));
    }
}
