//! Integration tests: the whole application against a real PostgreSQL.

mod asset_details;
mod asset_rules;
mod auth;
mod bulk_and_jobs;
mod catalog;
mod cursors;
mod helpdesk;
mod helpdesk_settings;
mod helpers;
mod imports;
mod inventory;
mod kb;
mod licences;
mod mail;
mod platform;
mod records;
mod resources;
mod security;
mod smtp_sink;
mod software;
mod standard_configurations;

use resources::Ids;
use serde_json::{Value, json};

fn login_from(name: &str) -> String {
    let base: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).take(20).collect::<String>().to_lowercase();
    format!("{base}.{}", &uuid::Uuid::now_v7().simple().to_string()[24..])
}

fn entity_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![("name".into(), name.into()), ("parent_id".into(), ids.entity_a.to_string()), ("kind".into(), "site".into())]
}
fn entity_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "parent_id": ids.entity_a, "kind": "site"})
}

fn location_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![("name".into(), name.into()), ("entity_id".into(), ids.entity_a.to_string()), ("kind".into(), "room".into())]
}
fn location_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "entity_id": ids.entity_a, "kind": "room", "city": "Lyon"})
}

fn user_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("login".into(), login_from(name)),
        ("name".into(), name.into()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("language".into(), "en".into()),
        ("time_zone".into(), "Europe/Paris".into()),
        ("active".into(), "on".into()),
        ("role".into(), "employee".into()),
    ]
}
fn user_body(ids: &Ids, name: &str) -> Value {
    json!({"login": login_from(name), "name": name, "entity_id": ids.entity_a, "roles": [{"role": "employee", "entity_id": ids.entity_a}]})
}

fn group_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![("name".into(), name.into()), ("entity_id".into(), ids.entity_a.to_string())]
}
fn group_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "entity_id": ids.entity_a})
}

fn manufacturer_form(_: &Ids, name: &str) -> Vec<(String, String)> {
    vec![("name".into(), name.into()), ("url".into(), "https://example.org".into())]
}
fn manufacturer_body(_: &Ids, name: &str) -> Value {
    json!({"name": name, "url": "https://example.org"})
}

resource_suite!(
    manufacturers,
    Spec {
        plural: "manufacturers",
        kind: "manufacturer",
        table: "manufacturers",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Dell",
        hidden: None,
        name_field: "name",
        required: "name",
        form: super::manufacturer_form,
        body: super::manufacturer_body,
        sorts: &["name", "models", "updated"],
        filters: &[],
    }
);

fn status_form(_: &Ids, name: &str) -> Vec<(String, String)> {
    vec![("name".into(), name.into()), ("kind".into(), "pending".into())]
}
fn status_body(_: &Ids, name: &str) -> Value {
    json!({"name": name, "kind": "pending"})
}

resource_suite!(
    asset_statuses,
    Spec {
        plural: "asset-statuses",
        kind: "asset_status",
        table: "asset_statuses",
        manager: "pm_a",
        reader: "sup_a",
        outsider: "emp_a",
        visible: "En stock",
        hidden: None,
        name_field: "name",
        required: "name",
        form: super::status_form,
        body: super::status_body,
        sorts: &["name", "kind", "updated"],
        filters: &["kind=deployable"],
    }
);

fn category_form(_: &Ids, name: &str) -> Vec<(String, String)> {
    vec![("name".into(), name.into()), ("tag_pattern".into(), "T-{YYYY}-{####}".into())]
}
fn category_body(_: &Ids, name: &str) -> Value {
    json!({"name": name, "tag_pattern": "T-{YYYY}-{####}"})
}

resource_suite!(
    asset_categories,
    Spec {
        plural: "asset-categories",
        kind: "asset_category",
        table: "asset_categories",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_b",
        visible: "Portable",
        hidden: None,
        name_field: "name",
        required: "name",
        form: super::category_form,
        body: super::category_body,
        sorts: &["name", "models", "updated"],
        filters: &[],
    }
);

fn model_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("category_id".into(), ids.category.to_string()),
        ("manufacturer_id".into(), ids.manufacturer.to_string()),
        ("end_of_life".into(), "2031-06-30".into()),
    ]
}
fn model_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "category_id": ids.category, "manufacturer_id": ids.manufacturer, "end_of_life": "2031-06-30"})
}

resource_suite!(
    asset_models,
    Spec {
        plural: "asset-models",
        kind: "asset_model",
        table: "asset_models",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Latitude 5440",
        hidden: None,
        name_field: "name",
        required: "name",
        form: super::model_form,
        body: super::model_body,
        sorts: &["name", "category", "manufacturer", "end_of_life", "updated"],
        filters: &["category_id={c}", "manufacturer_id={m}"],
    }
);

fn asset_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("model_id".into(), ids.model.to_string()),
        ("status_id".into(), ids.status.to_string()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("price".into(), "1 299,90".into()),
        ("purchase_date".into(), "2026-01-15".into()),
    ]
}
fn asset_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "model_id": ids.model, "status_id": ids.status, "entity_id": ids.entity_a, "price": "1299.90"})
}

resource_suite!(
    assets,
    Spec {
        plural: "assets",
        kind: "asset",
        table: "assets",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Fixture laptop A",
        hidden: Some("Fixture laptop B"),
        name_field: "name",
        required: "model_id",
        form: super::asset_form,
        body: super::asset_body,
        sorts: &[
            "tag",
            "name",
            "serial",
            "model",
            "status",
            "location",
            "assignee",
            "purchase_date",
            "warranty_end",
            "updated"
        ],
        filters: &[
            "status_kind=deployable",
            "status_id={s}",
            "category_id={c}",
            "model_id={mo}",
            "entity_id={a}",
            "location_id={a}",
            "assigned_user_id={a}"
        ],
    }
);

resource_suite!(
    entities,
    Spec {
        plural: "entities",
        kind: "entity",
        table: "entities",
        manager: "admin_a",
        reader: "pm_a",
        outsider: "emp_a",
        visible: "Site A1",
        hidden: Some("Filiale B"),
        name_field: "name",
        required: "name",
        form: super::entity_form,
        body: super::entity_body,
        sorts: &["name", "kind", "country", "parent", "updated"],
        filters: &["kind=site", "parent_id={a}"],
    }
);

resource_suite!(
    locations,
    Spec {
        plural: "locations",
        kind: "location",
        table: "locations",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Bureau A",
        hidden: Some("Bureau B"),
        name_field: "name",
        required: "name",
        form: super::location_form,
        body: super::location_body,
        sorts: &["name", "kind", "city", "entity", "parent", "updated"],
        filters: &["kind=room", "entity_id={a}", "parent_id={a}"],
    }
);

resource_suite!(
    users,
    Spec {
        plural: "users",
        kind: "user",
        table: "users",
        manager: "admin_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Person tech_a",
        hidden: Some("Person tech_b"),
        name_field: "name",
        required: "name",
        form: super::user_form,
        body: super::user_body,
        sorts: &["name", "login", "email", "entity", "updated"],
        filters: &["entity_id={a}", "role=technician", "active=true", "active=false"],
    }
);

resource_suite!(
    groups,
    Spec {
        plural: "groups",
        kind: "group",
        table: "groups",
        manager: "sup_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Equipe A",
        hidden: Some("Equipe B"),
        name_field: "name",
        required: "name",
        form: super::group_form,
        body: super::group_body,
        sorts: &["name", "entity", "members", "updated"],
        filters: &["entity_id={a}", "member_id={a}"],
    }
);

fn ticket_category_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("on_portal".into(), "on".into()),
    ]
}
fn ticket_category_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "entity_id": ids.entity_a})
}

resource_suite!(
    ticket_categories,
    Spec {
        plural: "ticket-categories",
        kind: "ticket_category",
        table: "ticket_categories",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Poste de travail",
        hidden: Some("Messagerie"),
        name_field: "name",
        required: "name",
        form: super::ticket_category_form,
        body: super::ticket_category_body,
        sorts: &["name", "entity", "parent", "updated"],
        filters: &["entity_id={a}", "parent_id={a}"],
    }
);

fn calendar_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("time_zone".into(), "Europe/Paris".into()),
        ("week".into(), "mon-fri 09:00-12:00,14:00-18:00".into()),
        ("french_holidays".into(), "on".into()),
    ]
}
fn calendar_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "entity_id": ids.entity_a, "week": "mon-fri 09:00-17:00"})
}

resource_suite!(
    calendars,
    Spec {
        plural: "calendars",
        kind: "calendar",
        table: "calendars",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Horaires atelier",
        hidden: Some("Heures de bureau"),
        name_field: "name",
        required: "name",
        form: super::calendar_form,
        body: super::calendar_body,
        sorts: &["name", "entity", "time_zone", "updated"],
        filters: &["entity_id={a}"],
    }
);

fn sla_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("name".into(), name.into()),
        ("entity_id".into(), ids.entity_a.to_string()),
        ("calendar_id".into(), ids.calendar.to_string()),
        ("escalate_at".into(), "50, 100".into()),
    ];
    for (priority, (own, resolve)) in
        [("4h", "40h"), ("2h", "16h"), ("1h", "8h"), ("30m", "4h"), ("15", "2h")].iter().enumerate()
    {
        fields.push((format!("own_{}", priority + 1), own.to_string()));
        fields.push((format!("resolve_{}", priority + 1), resolve.to_string()));
    }
    fields
}
fn sla_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "entity_id": ids.entity_a, "calendar_id": ids.calendar,
           "own_minutes": [240, 120, 60, 30, 15], "resolve_minutes": [2400, 960, 480, 240, 120]})
}

resource_suite!(
    slas,
    Spec {
        plural: "slas",
        kind: "sla",
        table: "slas",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Postes",
        hidden: Some("Standard"),
        name_field: "name",
        required: "name",
        form: super::sla_form,
        body: super::sla_body,
        sorts: &["name", "entity", "calendar", "updated"],
        filters: &["entity_id={a}", "calendar_id={k}"],
    }
);

fn software_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("publisher".into(), "Test Publisher".into()),
        ("category_id".into(), ids.software_category.to_string()),
    ]
}

fn software_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "publisher": "Test Publisher", "category_id": ids.software_category})
}

resource_suite!(
    software_catalogue,
    Spec {
        plural: "software",
        kind: "software",
        table: "software",
        manager: "pm_a",
        reader: "tech_a",
        outsider: "emp_a",
        visible: "Fixture Suite",
        hidden: None,
        name_field: "name",
        required: "name",
        form: super::software_form,
        body: super::software_body,
        sorts: &["name", "publisher", "category", "installs", "updated"],
        filters: &["category_id={sc}", "forbidden=true", "forbidden=false", "installed=true", "installed=false"],
    }
);

fn software_category_form(ids: &Ids, name: &str) -> Vec<(String, String)> {
    vec![
        ("name".into(), name.into()),
        ("parent_id".into(), ids.software_category.to_string()),
        ("notes".into(), "Suites and viewers".into()),
    ]
}

fn software_category_body(ids: &Ids, name: &str) -> Value {
    json!({"name": name, "parent_id": ids.software_category, "notes": "Suites and viewers"})
}

resource_suite!(
    software_categories,
    Spec {
        plural: "software-categories",
        kind: "software_category",
        table: "software_categories",
        manager: "pm_a",
        reader: "sup_a",
        outsider: "emp_a",
        visible: "Office",
        hidden: None,
        name_field: "name",
        required: "name",
        form: super::software_category_form,
        body: super::software_category_body,
        sorts: &["name", "parent", "software", "updated"],
        filters: &["parent_id={sc}"],
    }
);

fn ticket_form(ids: &Ids, title: &str) -> Vec<(String, String)> {
    vec![
        ("kind".into(), "incident".into()),
        ("title".into(), title.into()),
        ("description".into(), "Bourrage papier au bac 2".into()),
        ("urgency".into(), "3".into()),
        ("impact".into(), "3".into()),
        ("requester_id".into(), ids.employee.to_string()),
        ("entity_id".into(), ids.entity_a.to_string()),
    ]
}
fn ticket_body(ids: &Ids, title: &str) -> Value {
    json!({"kind": "incident", "title": title, "description": "Bourrage papier au bac 2",
           "requester_id": ids.employee, "entity_id": ids.entity_a})
}
fn ticket_body_b(ids: &Ids, title: &str) -> Value {
    json!({"title": title, "description": "Quotas atteints", "entity_id": ids.entity_b})
}
/// Typed by an administrator for sup_a, in subsidiary B.
fn ticket_of_the_manager(ids: &Ids, title: &str) -> Value {
    json!({"title": title, "requester_id": ids.supervisor, "entity_id": ids.entity_b})
}

record_suite!(
    tickets,
    RecordSpec {
        pages: "tickets",
        api: "tickets",
        kind: "ticket",
        table: "tickets",
        name_field: "title",
        required: "title",
        manager: "sup_a",
        other_manager: "tech_b",
        // The requester: sees their ticket, works nothing on it.
        bystander: "emp_a",
        visible: "Imprimante du deuxième bloquée",
        hidden: "Serveur de fichiers saturé",
        word: "imprimante",
        kept: "Bourrage papier au bac 2",
        form: super::ticket_form,
        body: super::ticket_body,
        body_b: super::ticket_body_b,
        shared: ("admin", super::ticket_of_the_manager),
        sorts: &["number", "title", "status", "priority", "requester", "due", "updated"],
        filters: &[
            ("queue=all", true),
            ("queue=mine", false),
            ("queue=groups", false),
            ("queue=unassigned", true),
            ("queue=late", false),
            ("queue=requested", false),
            ("status=open", true),
            ("status=new", true),
            ("status=closed", false),
            ("kind=incident", true),
            ("kind=request", false),
            ("priority=3", true),
            ("priority=5", false),
            ("category_id={tc}", false),
            ("entity_id={a}", true),
            ("group_id={g}", false),
            ("assignee_id={u}", false),
        ],
        refused_pages: &["/{id}/edit", "/{id}/history"],
        refused_posts: &[
            "/{id}/edit",
            "/{id}/tasks",
            "/{id}/assign",
            "/{id}/take",
            "/{id}/status",
            "/{id}/solve",
            "/{id}/watchers",
            "/{id}/watchers/{u}/remove",
        ],
        refused_api: &[
            ("PATCH", "/{id}", r#"{"version": 1, "title": "Changed by the requester"}"#),
            ("GET", "/{id}/history", ""),
            ("POST", "/{id}/tasks", r#"{"body": "A task"}"#),
            ("POST", "/{id}/assign", r#"{"user_ids": []}"#),
            ("POST", "/{id}/status", r#"{"action": "close"}"#),
            ("POST", "/{id}/solve", r#"{"body": "Solved"}"#),
            ("PUT", "/{id}/watchers", r#"{"user_ids": []}"#),
        ],
        page_suffixes: &["", "/edit", "/history", "/sla"],
        api_suffixes: &["", "/timeline", "/sla", "/attachments", "/watchers", "/satisfaction", "/history"],
        deletable: false,
    },
    // Anyone may open a ticket (no reader who cannot create), and no one deletes one
    // (api_create_change_and_conflicts checks the record stays).
    [
        list_shows_only_the_scope,
        list_search_sort_and_pages,
        every_sort_and_filter_runs,
        no_right_means_403_everywhere,
        out_of_scope_is_a_missing_object,
        create_writes_the_row_and_its_history,
        bad_values_come_back_marked_and_kept,
        stale_edit_is_refused_naming_who,
        history_tab_shows_old_and_new,
        csv_is_scoped_and_neutralised,
        api_create_change_and_conflicts,
    ]
);

fn article_form(ids: &Ids, title: &str) -> Vec<(String, String)> {
    vec![
        ("title".into(), title.into()),
        ("body".into(), "Ouvrez les paramètres, puis Périphériques.".into()),
        ("lang".into(), "fr".into()),
        ("visibility".into(), "everyone".into()),
        ("entity_id".into(), ids.entity_a.to_string()),
    ]
}
fn article_body(ids: &Ids, title: &str) -> Value {
    json!({"entity_id": ids.entity_a, "lang": "fr", "visibility": "everyone", "title": title,
           "body": "Ouvrez les paramètres, puis Périphériques."})
}
fn article_body_b(ids: &Ids, title: &str) -> Value {
    json!({"entity_id": ids.entity_b, "lang": "fr", "title": title, "body": "Les quotas du serveur."})
}
/// For everyone of the whole group.
fn article_of_the_group(ids: &Ids, title: &str) -> Value {
    json!({"entity_id": ids.root, "lang": "fr", "visibility": "everyone", "title": title, "body": "Pour tous."})
}

record_suite!(
    kb_articles,
    RecordSpec {
        pages: "kb",
        api: "kb/articles",
        kind: "kb_article",
        table: "kb_articles",
        name_field: "title",
        required: "title",
        manager: "sup_a",
        other_manager: "pm_b",
        // Reads the article (for everyone, of an entity above theirs), writes nothing.
        bystander: "emp_a",
        visible: "Imprimante réseau : ajouter le pilote",
        hidden: "Serveur de fichiers : quotas",
        word: "imprimante",
        kept: "Ouvrez les paramètres, puis Périphériques.",
        form: super::article_form,
        body: super::article_body,
        body_b: super::article_body_b,
        shared: ("admin", super::article_of_the_group),
        sorts: &["updated", "title", "category"],
        filters: &[("lang=fr", true), ("lang=en", false), ("category_id={a}", false)],
        refused_pages: &["/new", "/export.csv", "/{id}/edit", "/{id}/history", "/{id}/delete", "/{id}/revisions"],
        refused_posts: &["/{id}/edit", "/{id}/delete"],
        refused_api: &[
            ("POST", "", r#"{"title": "By an employee", "body": "x"}"#),
            ("PATCH", "/{id}", r#"{"version": 1, "title": "Changed by an employee"}"#),
            ("DELETE", "/{id}", ""),
            ("GET", "/{id}/revisions", ""),
            ("GET", "/{id}/history", ""),
        ],
        page_suffixes: &["", "/edit", "/history", "/delete", "/revisions"],
        api_suffixes: &["", "/revisions", "/history"],
        deletable: true,
    },
    [
        list_shows_only_the_scope,
        list_search_sort_and_pages,
        every_sort_and_filter_runs,
        no_right_means_403_everywhere,
        out_of_scope_is_a_missing_object,
        create_writes_the_row_and_its_history,
        reader_cannot_create,
        bad_values_come_back_marked_and_kept,
        stale_edit_is_refused_naming_who,
        delete_asks_first_and_keeps_history,
        history_tab_shows_old_and_new,
        csv_is_scoped_and_neutralised,
        api_create_change_and_conflicts,
    ]
);
