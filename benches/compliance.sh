#!/usr/bin/env bash
# Licence compliance benchmark: 100 000 assets carrying 5 000 000 installations
# of 20 000 catalogue entries, 600 of them licensed (2 000 licences over the
# entities), 20 forbidden.
#
# Measures, beside the same SQL through pgbench in the same run:
#   - the compliance page (HTML) and GET /api/v1/compliance, as the admin
#     (every entity), at concurrency 1 and 8;
#   - the compliance job (count of installations and alerts), once, against
#     its counting statement run alone.
#
# Usage: bash benches/compliance.sh      (ASSETS, PER_ASSET, DURATION may be set)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh

ASSETS=${ASSETS:-100000}
PER_ASSET=${PER_ASSET:-50}
CATALOGUE=20000

echo "== generating $ASSETS assets with $PER_ASSET installations each"
start_server
generated=$EPOCHREALTIME
"$BIN" generate --users 5000 --locations 500 --entities 50 --assets "$ASSETS" >/dev/null
psql_value "
  insert into software (name, publisher, forbidden)
  select 'Program ' || n, 'Vendor ' || (n % 300), n <= 20 from generate_series(1, $CATALOGUE) n;
  insert into software_versions (software_id, version)
  select id, v || '.0' from software cross join generate_series(1, 2) v;
  create temporary table numbered as
    select v.id, row_number() over (order by v.id) - 1 as n from software_versions v;
  create index on numbered (n);
  analyze numbered;
  insert into software_installations (asset_id, version_id)
  select a.id, nv.id
    from (select id, row_number() over (order by id) as rn from assets) a
    cross join generate_series(1, $PER_ASSET) k
    join numbered nv on nv.n = (a.rn * 7919 + k * 104729) % ($CATALOGUE * 2)
  on conflict do nothing;
  insert into licences (entity_id, software_id, name, kind, seats, expires_on)
  select e.id, s.id, 'Licence ' || g, (array['per_device', 'per_user', 'per_core', 'subscription'])[1 + g % 4],
         50 + g % 400, current_date + (g % 900)
    from generate_series(1, 2000) g
    join lateral (select id from entities order by id offset g % 50 limit 1) e on true
    join lateral (select id from software where name = 'Program ' || (100 + g % 600)) s on true;
  analyze;" >/dev/null
echo "   generated in $(awk -v a="$generated" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s:" \
  "$(psql_value 'select count(*) from assets') assets, $(psql_value 'select count(*) from software_installations') installations," \
  "$(psql_value 'select count(*) from licences') licences"

TOKEN=$("$BIN" token create --login admin --name bench)
auth=(-H "Authorization: Bearer $TOKEN")
jar=$DATA/cookies
csrf=$(curl -s -c "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=admin" --data-urlencode "password=$ADMIN_PASSWORD" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
COOKIE="parc_session=$(awk '$6 == "parc_session" { print $7 }' "$jar")"
SCOPE=$(psql_value "select '{' || string_agg(id::text, ',') || '}' from entities")

# The job: queued through the API, timed until the count is recorded.
COUNT_SQL="select c.software_id, a.entity_id, count(*), count(distinct coalesce(a.assigned_user_id, a.id)), sum(coalesce(h.cpu_cores, 1))
  from (select distinct v.software_id, i.asset_id from software_installations i join software_versions v on v.id = i.version_id) c
  join assets a on a.id = c.asset_id and not a.archived left join asset_hardware h on h.asset_id = a.id group by 1, 2"
raw_started=$EPOCHREALTIME
psql_value "$COUNT_SQL" >/dev/null
raw_count=$(awk -v a="$raw_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
job_started=$EPOCHREALTIME
curl -s -o /dev/null "${auth[@]}" -X POST "$BASE/api/v1/compliance/count"
until [[ -n $(psql_value "select 1 from jobs where kind = 'software-compliance' and not recurring and state = 'done'") ]]; do sleep 0.2; done
job=$(awk -v a="$job_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "   $(psql_value 'select count(*) from software_usage') usage rows;" \
  "$(psql_value "select count(*) from notifications where message like 'notify-%' and message <> 'notify-inventory-memory-decreased'") notices"

# What one compliance request asks PostgreSQL (the page adds the forbidden list).
cat >"$DATA/report.sql" <<SQL
select s.id, s.name, s.publisher from software s where exists (select 1 from licences l where l.software_id = s.id and l.entity_id = any('$SCOPE'::uuid[])) order by lower(s.name), s.id;
select software_id, entity_id, installs, users, cores from software_usage where software_id in (select software_id from licences) and entity_id = any('$SCOPE'::uuid[]);
select software_id, entity_id, kind, seats from licences where entity_id = any('$SCOPE'::uuid[]) and (starts_on is null or starts_on <= current_date) and (expires_on is null or expires_on >= current_date);
select id, parent_id, name from entities where id = any('$SCOPE'::uuid[]) order by name;
select counted_at from compliance_state;
SQL
cp "$DATA/report.sql" "$DATA/page.sql"
cat >>"$DATA/page.sql" <<SQL
select s.id, s.name, v.version, a.id, a.tag, a.name, e.name, u.name, i.created_at from software s join software_versions v on v.software_id = s.id
  join software_installations i on i.version_id = v.id join assets a on a.id = i.asset_id and not a.archived join entities e on e.id = a.entity_id
  left join users u on u.id = a.assigned_user_id where s.forbidden and a.entity_id = any('$SCOPE'::uuid[]) order by lower(s.name), a.tag limit 200;
SQL

printf '\n| what | concurrency | req/s | p99 ms | raw SQL tps | raw p99 ms | ratio |\n|---|---|---|---|---|---|---|\n'
for c in 1 8; do
  read -r raw raw_p99 < <(pgb "$c" "$DATA/page.sql")
  read -r rps p99 < <(measure "$c" "$BASE/compliance" -H "Cookie: $COOKIE")
  row "compliance page" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  read -r raw raw_p99 < <(pgb "$c" "$DATA/report.sql")
  read -r rps p99 < <(measure "$c" "$BASE/api/v1/compliance" "${auth[@]}")
  row "GET /api/v1/compliance" "$c" "$rps" "$p99" "$raw" "$raw_p99"
done
printf '\n| compliance job (count + alerts) | %s s | its counting query alone %s s |\n' "$job" "$raw_count"
