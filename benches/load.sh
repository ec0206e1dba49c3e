#!/usr/bin/env bash
# Load benchmark of the foundation (issue: people, roles, entities).
#
# Generates an organisation (10 000 people, 500 locations, 50 entities), starts
# `parc serve` on its embedded PostgreSQL, and measures with wrk, in one run:
#   - the people list API, the people list page and one person's page at
#     concurrency 1, 8 and 32;
#   - the same list SQL straight into PostgreSQL with pgbench, so the API
#     figure is a ratio to raw SQL on the same machine at the same moment;
#   - memory (RSS) idle and under load, time from start to /readyz with an
#     existing cluster, login throughput, and the list's latency while logins run.
#
# Usage: bash benches/load.sh            (DURATION=10 seconds per measurement)
# Needs: wrk (installed if missing), the PostgreSQL binaries (for pgbench).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh

echo "== preparing: first start, generated organisation"
start_server
"$BIN" generate --users 10000 --locations 500 --entities 50 >/dev/null
TOKEN=$("$BIN" token create --login admin --name bench)
jar=$DATA/cookies
csrf=$(curl -s -c "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=admin" --data-urlencode "password=$ADMIN_PASSWORD" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
COOKIE="parc_session=$(awk '$6 == "parc_session" { print $7 }' "$jar")"
USER_ID=$(psql_value "select id from users where login = 'user5000'")
SCOPE=$(psql_value "select '{' || string_agg(id::text, ',') || '}' from entities")
echo "   $(psql_value 'select count(*) from users') people, $(psql_value 'select count(*) from locations') locations, $(psql_value 'select count(*) from entities') entities"

# The SQL one list request runs (the capped count, the page's ids, then
# their rows), as the server sends it; pgbench prepares each statement, as
# the server does.
COLUMNS="u.id, u.login, u.name, u.email, u.phone, u.entity_id, en.name as entity_name, u.location_id, l.name as location_name, u.manager_id, m.name as manager_name, u.language, u.time_zone, u.active, coalesce((select array_agg(distinct r.role::text) from role_grants r where r.user_id = u.id), '{}') as roles, u.version, u.created_at, u.updated_at"
cat >"$DATA/list.sql" <<SQL
select count(*) from (select 1 from users u where u.entity_id = any('$SCOPE'::uuid[]) limit 1001) capped;
select coalesce(array_agg(id), '{}') as ids from (select u.id from users u where u.entity_id = any('$SCOPE'::uuid[]) order by u.name asc, u.id asc limit 51 offset 0) page \\gset
select $COLUMNS, u.id as list_key from users u join entities en on en.id = u.entity_id left join locations l on l.id = u.location_id left join users m on m.id = u.manager_id where u.id = any(array(select unnest(:ids::uuid[]))) order by u.name asc, u.id asc;
SQL
# The SQL of one person's page, its main query only.
cat >"$DATA/one.sql" <<SQL
select u.id, u.login, u.name, u.email, u.phone, u.entity_id, en.name as entity_name, u.location_id, l.name as location_name, u.manager_id, m.name as manager_name, u.language, u.time_zone, u.active, coalesce((select array_agg(distinct r.role::text) from role_grants r where r.user_id = u.id), '{}') as roles, u.version, u.created_at, u.updated_at from users u join entities en on en.id = u.entity_id left join locations l on l.id = u.location_id left join users m on m.id = u.manager_id where u.id = '$USER_ID' and u.entity_id = any('$SCOPE'::uuid[]);
SQL

echo "== restart with the existing cluster"
stop_server
start_server
IDLE_RSS=$(rss_mb)
echo "   start to /readyz: ${READY_MS} ms; idle RSS: ${IDLE_RSS} MB"

printf '\n| what | concurrency | req/s | p99 ms | raw SQL tps | raw p99 ms | ratio |\n|---|---|---|---|---|---|---|\n'
for c in 1 8 32; do
  read -r raw raw_p99 < <(pgb "$c" "$DATA/list.sql")
  read -r rps p99 < <(measure "$c" "$BASE/api/v1/users" -H "Authorization: Bearer $TOKEN")
  row "people list API" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  read -r rps p99 < <(measure "$c" "$BASE/users" -H "Cookie: $COOKIE")
  row "people list page" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  read -r raw raw_p99 < <(pgb "$c" "$DATA/one.sql")
  read -r rps p99 < <(measure "$c" "$BASE/users/$USER_ID" -H "Cookie: $COOKIE")
  row "one person page" "$c" "$rps" "$p99" "$raw" "$raw_p99"
done
LOAD_RSS=$(hwm_mb)

cat >"$DATA/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"login":"admin","password":"$ADMIN_PASSWORD"}'
wrk.headers["Content-Type"] = "application/json"
LUA
read -r login_rps login_p99 < <(measure 8 "$BASE/api/v1/auth/login" -s "$DATA/login.lua")
read -r base_rps base_p99 < <(measure 8 "$BASE/api/v1/users" -H "Authorization: Bearer $TOKEN")
wrk -t 1 -c 8 -d "$((DURATION + 2))s" -s "$DATA/login.lua" "$BASE/api/v1/auth/login" >/dev/null &
LOGINS=$!
sleep 1
read -r mixed_rps mixed_p99 < <(measure 8 "$BASE/api/v1/users" -H "Authorization: Bearer $TOKEN")
wait "$LOGINS" || true

printf '\n| figure | value |\n|---|---|\n'
printf '| start to /readyz, existing cluster | %s ms |\n' "$READY_MS"
printf '| RSS idle / peak under load | %s MB / %s MB |\n' "$IDLE_RSS" "$LOAD_RSS"
printf '| logins per second (argon2id, concurrency 8) | %s (p99 %s ms) |\n' "$login_rps" "$login_p99"
printf '| list API c=8 alone | %s req/s, p99 %s ms |\n' "$base_rps" "$base_p99"
printf '| list API c=8 while logins run at c=8 | %s req/s, p99 %s ms |\n' "$mixed_rps" "$mixed_p99"
