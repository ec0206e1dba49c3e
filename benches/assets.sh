#!/usr/bin/env bash
# Park inventory benchmark: 100 000 assets and 1 000 000 history rows.
#
# Measures, beside the same SQL through pgbench in the same run:
#   - the asset list API: first page, page 400 (by number, and by the
#     cursor of page 399's last row), a status + place filter, a search on a
#     serial fragment; at concurrency 8 and 32;
#   - the CSV export of every asset (time, and the server's memory);
#   - the page of an asset with 500 history rows, and its history page.
#
# Usage: bash benches/assets.sh      (ASSETS, HISTORY, DURATION may be set)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh

ASSETS=${ASSETS:-100000}
HISTORY=${HISTORY:-1000000}

echo "== generating $ASSETS assets and $HISTORY history rows"
start_server
generated=$EPOCHREALTIME
"$BIN" generate --users 5000 --locations 500 --entities 50 --assets "$ASSETS" --history "$HISTORY" >/dev/null
echo "   generated in $(awk -v a="$generated" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
TOKEN=$("$BIN" token create --login admin --name bench)
jar=$DATA/cookies
csrf=$(curl -s -c "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=admin" --data-urlencode "password=$ADMIN_PASSWORD" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
COOKIE="parc_session=$(awk '$6 == "parc_session" { print $7 }' "$jar")"
SCOPE=$(psql_value "select '{' || string_agg(id::text, ',') || '}' from entities")
STATUS=$(psql_value "select id from asset_statuses where kind = 'deployed' order by name limit 1")
PLACE=$(psql_value "select location_id from assets group by 1 order by count(*) desc limit 1")
FRAGMENT=$(psql_value "select substr(serial, 3, 6) from assets where tag = 'GEN-0042000'")
BUSY=$(psql_value "select id from assets where tag = 'GEN-0000001'")
echo "   $(psql_value 'select count(*) from assets') assets, $(psql_value 'select count(*) from audit_log') history rows"

# The SQL one list request runs (count, then the page's ids, then their
# rows), as the server sends it; pgbench prepares each statement, as the
# server does.
SELECT="a.id, a.tag, a.name, a.serial, a.model_id, am.name as model_name, am.category_id, (select name from asset_categories where id = am.category_id) as category_name, (select has_hardware from asset_categories where id = am.category_id) as has_hardware, (select name from manufacturers where id = a.manufacturer_id) as manufacturer_name, a.status_id, s.name as status_name, s.kind as status_kind, a.entity_id, (select name from entities where id = a.entity_id) as entity_name, a.location_id, l.name as location_name, a.assigned_user_id, u.name as assigned_user_name, a.assigned_group_id, (select name from groups where id = a.assigned_group_id) as assigned_group_name, a.supplier, a.order_number, a.invoice_number, a.purchase_date, a.price, a.currency, a.warranty_end, a.notes, a.custom_values, a.version, a.created_at, a.updated_at"
FROM="from assets a join asset_models am on am.id = a.model_id join asset_statuses s on s.id = a.status_id left join locations l on l.id = a.location_id left join users u on u.id = a.assigned_user_id"
COUNT_FROM="from assets a"
ORDER="order by a.tag asc, a.id asc"
# raw_list NAME WHERE OFFSET: the count is capped at 1 001 rows (past that
# the server uses the planner's estimate, asked once every 30 s).
raw_list() {
  cat >"$DATA/$1.sql" <<SQL
select count(*) from (select 1 $COUNT_FROM where a.entity_id = any('$SCOPE'::uuid[]) $2 limit 1001) capped;
select coalesce(array_agg(id), '{}') as ids from (select a.id $COUNT_FROM where a.entity_id = any('$SCOPE'::uuid[]) $2 $ORDER limit 51 offset $3) page \\gset
select $SELECT, a.id as list_key $FROM where a.id = any(array(select unnest(:ids::uuid[]))) $ORDER;
SQL
}
command -v jq >/dev/null || { apt-get update -q && apt-get install -y -q jq; }
raw_list first "and not a.archived" 0
# Page 400 by cursor: the row the cursor names is read again within the
# list, then the rows after it are two index ranges (tags after its own,
# then empty tags: none here), as the server sends them.
ANCHOR=$(psql_value "select id from assets where entity_id = any('$SCOPE'::uuid[]) and not archived order by tag, id limit 1 offset 19949")
LIVE="(select a.id as k_id, a.tag as k_sort $COUNT_FROM where a.entity_id = any('$SCOPE'::uuid[]) and not a.archived) k"
cat >"$DATA/cursor400.sql" <<SQL
select count(*) from (select 1 $COUNT_FROM where a.entity_id = any('$SCOPE'::uuid[]) and not a.archived limit 1001) capped;
select k_sort is null from $LIVE where k_id = '$ANCHOR';
select coalesce(array_agg(k_id), '{}') as ids from (select k_id from ((select k_id, k_sort from $LIVE where (k_sort, k_id) > (select a.tag, a.id $COUNT_FROM where a.id = '$ANCHOR') order by k_sort asc, k_id asc limit 51) union all (select k_id, k_sort from $LIVE where k_sort is null order by k_sort asc, k_id asc limit 51)) runs order by k_sort asc, k_id asc limit 51) page \\gset
select $SELECT, a.id as list_key $FROM where a.id = any(array(select unnest(:ids::uuid[]))) $ORDER;
SQL
raw_list page400 "and not a.archived" 19950
raw_list filtered "and a.status_id = '$STATUS' and a.location_id = '$PLACE'" 0
raw_list search "and a.id = any(array(select id from assets where (tag || ' ' || name || ' ' || coalesce(serial, '')) ilike '%$FRAGMENT%' union select id from assets where model_id = any(array(select am.id from asset_models am left join manufacturers m on m.id = am.manufacturer_id where (am.name || ' ' || coalesce(m.name, '')) ilike '%$FRAGMENT%'))))" 0
cat >"$DATA/asset.sql" <<SQL
select $SELECT $FROM where a.id = '$BUSY';
SQL
cat >"$DATA/history.sql" <<SQL
select id, at, actor_id, actor_label, source, request_id, action, changes from audit_log where object_kind = 'asset' and object_id = '$BUSY' order by at desc, id desc limit 500;
SQL

echo "== restart (a fresh process)"
stop_server
start_server

printf '\n| what | concurrency | req/s | p99 ms | raw SQL tps | raw p99 ms | ratio |\n|---|---|---|---|---|---|---|\n'
auth=(-H "Authorization: Bearer $TOKEN")
CURSOR=$(curl -s "${auth[@]}" "$BASE/api/v1/assets?page=399" | jq -r .next_cursor)
for c in 8 32; do
  for spec in "first page:first:" "page 400:page400:?page=400" "page 400 by cursor:cursor400:?after=$CURSOR" "status + place:filtered:?status_id=$STATUS&location_id=$PLACE" "serial fragment:search:?q=$FRAGMENT"; do
    IFS=: read -r what file query <<<"$spec"
    read -r raw raw_p99 < <(pgb "$c" "$DATA/$file.sql")
    read -r rps p99 < <(measure "$c" "$BASE/api/v1/assets$query" "${auth[@]}")
    row "asset list API, $what" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  done
  read -r raw raw_p99 < <(pgb "$c" "$DATA/asset.sql")
  read -r rps p99 < <(measure "$c" "$BASE/assets/$BUSY" -H "Cookie: $COOKIE")
  row "asset page (500 history rows)" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  read -r raw raw_p99 < <(pgb "$c" "$DATA/history.sql")
  read -r rps p99 < <(measure "$c" "$BASE/assets/$BUSY/history" -H "Cookie: $COOKIE")
  row "history page (500 rows)" "$c" "$rps" "$p99" "$raw" "$raw_p99"
done

echo
before=$(rss_mb)
exported=$EPOCHREALTIME
lines=$(curl -s -H "Cookie: $COOKIE" "$BASE/assets/export.csv?status_kind=archived" | wc -l)
curl -s -H "Cookie: $COOKIE" "$BASE/assets/export.csv?q=GEN" -o "$DATA/all.csv"
seconds=$(awk -v a="$exported" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
printf '| CSV export of every asset | %s rows in %s s (with a %s-row archived export) | RSS %s MB before, peak %s MB |\n' \
  "$(($(wc -l <"$DATA/all.csv") - 1))" "$seconds" "$((lines - 1))" "$before" "$(hwm_mb)"

# The CSV import of 100 000 new assets (on top of the generated park): the
# dry run, then the import, each timed from its start to the job's end; the
# raw column inserts the same number of assets in one INSERT ... SELECT.
echo
MODEL_NAME=$(psql_value "select name from asset_models order by name limit 1")
ENTITY_NAME=$(psql_value "select name from entities order by name limit 1")
awk -v model="$MODEL_NAME" -v entity="$ENTITY_NAME" 'BEGIN {
  print "name;serial;model;entity;price;purchase_date"
  for (n = 0; n < 100000; n++) printf "Imported %d;IMP-%07d;%s;%s;%d,50;15/01/2026\n", n, n, model, entity, 500 + n % 700
}' >"$DATA/import.csv"
wait_job() { # IMPORT_ID STEP -> seconds until the step's job is finished
  local started=$EPOCHREALTIME state=
  until [[ $state == done || $state == failed ]]; do
    sleep 0.2
    state=$(curl -s "${auth[@]}" "$BASE/api/v1/imports/$1" | jq -r ".$2.state")
  done
  awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
IMPORT=$(curl -s "${auth[@]}" -H 'Content-Type: text/csv' --data-binary @"$DATA/import.csv" \
  "$BASE/api/v1/imports?kind=assets&file_name=bench.csv" | jq -r .import.id)
curl -s -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' -d '{}' "$BASE/api/v1/imports/$IMPORT/check"
checked=$(wait_job "$IMPORT" check)
before=$(rss_mb)
curl -s -o /dev/null "${auth[@]}" -X POST "$BASE/api/v1/imports/$IMPORT/run"
imported=$(wait_job "$IMPORT" run)
created=$(curl -s "${auth[@]}" "$BASE/api/v1/imports/$IMPORT" | jq -r .run.result.created)
raw_started=$EPOCHREALTIME
psql_value "begin; insert into assets (tag, name, serial, model_id, status_id, entity_id, price)
  select 'RAW-' || n, 'Raw ' || n, 'RAW-SN-' || n, (select id from asset_models order by name limit 1),
         (select id from asset_statuses where kind = 'deployable' order by name limit 1),
         (select id from entities order by name limit 1), 500 from generate_series(1, 100000) n; rollback;" >/dev/null
raw=$(awk -v a="$raw_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
printf '| CSV import of 100 000 rows | dry run %s s, import %s s (%s created) | raw INSERT ... SELECT %s s | RSS %s MB before, peak %s MB |\n' \
  "$checked" "$imported" "$created" "$raw" "$before" "$(hwm_mb)"
