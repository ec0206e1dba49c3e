//! Walking a list by cursor (`after`) gives the rows of walking it by page
//! numbers, in the same order, where sort values repeat or are empty.

use axum::http::Method;

use crate::{
    helpers::TestApp,
    resources::{assert_refused, cursor_of, walk_by_cursor, walk_by_pages},
};

/// Eleven more assets in subsidiary A whose serials, names and dates repeat
/// or are empty, half of them in a place.
async fn seed_ties_and_gaps(app: &TestApp) {
    sqlx::query(
        "insert into assets (tag, name, serial, model_id, status_id, entity_id, purchase_date, location_id, price)
         select 'CUR-' || lpad(n::text, 3, '0'), 'Cursor ' || (n % 4),
                case when n % 3 = 0 then null else 'SN-C-' || n end,
                (select id from asset_models where name = 'Latitude 5440'),
                (select id from asset_statuses where name = 'En stock'),
                (select id from entities where name = 'Filiale A'),
                case when n % 2 = 0 then null else date '2026-01-01' + n % 3 end,
                case when n % 2 = 1 then (select id from locations where name = 'Bureau A') end, 100
           from generate_series(1, 11) n",
    )
    .execute(&app.pool)
    .await
    .expect("assets");
}

#[tokio::test]
async fn cursor_walks_match_page_walks_with_ties_and_empty_values() {
    let app = TestApp::new().await;
    seed_ties_and_gaps(&app).await;
    let token = app.token("pm_a").await;
    for sort in ["tag", "name", "serial", "purchase_date", "warranty_end", "location", "assignee", "status"] {
        for dir in ["asc", "desc"] {
            for per_page in [2, 3] {
                let query = format!("sort={sort}&dir={dir}&per_page={per_page}");
                let by_page = walk_by_pages(&app, &token, "/api/v1/assets", &query).await;
                assert_eq!(by_page.len(), 12, "{query}: the fixture laptop and the eleven");
                assert_eq!(walk_by_cursor(&app, &token, "/api/v1/assets", &query).await, by_page, "{query}");
            }
        }
    }
    // With a search, the cursor walks the searched list.
    let query = "q=SN-C&sort=serial&dir=desc&per_page=2";
    let by_page = walk_by_pages(&app, &token, "/api/v1/assets", query).await;
    assert_eq!(by_page.len(), 8);
    assert_eq!(walk_by_cursor(&app, &token, "/api/v1/assets", query).await, by_page);
}

#[tokio::test]
async fn a_cursor_outside_the_filtered_list_is_refused() {
    let app = TestApp::new().await;
    seed_ties_and_gaps(&app).await;
    let token = app.token("pm_a").await;
    let no_serial = app.id_of("assets", "CUR-003").await;
    // Listed without a filter...
    let after = cursor_of(no_serial);
    let page = app.api(Some(&token), Method::GET, &format!("/api/v1/assets?sort=serial&after={after}"), None).await;
    page.assert_status(axum::http::StatusCode::OK);
    // ...but not in the searched list: the cursor does not say where it would stand.
    let searched = app.api(Some(&token), Method::GET, &format!("/api/v1/assets?q=SN-C&after={after}"), None).await;
    assert_refused(&searched, Some("CUR-003"));
    // Another subsidiary's asset, for a person of subsidiary A.
    let elsewhere = cursor_of(app.id_of("assets", "PT-FIX-0002").await);
    let reader = app.token("tech_a").await;
    let response = app.api(Some(&reader), Method::GET, &format!("/api/v1/assets?after={elsewhere}"), None).await;
    assert_refused(&response, Some("PT-FIX-0002"));
}
