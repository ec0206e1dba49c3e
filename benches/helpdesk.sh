#!/usr/bin/env bash
# Helpdesk benchmark: 200 000 tickets, 1 000 000 followups, 300 technicians
# and 5 700 employees.
#
# Measures, beside the same SQL through pgbench in the same run:
#   - each queue page (all, mine, my groups, unassigned, late) and the ticket
#     list API, at concurrency 8 and 32, for a supervisor of the whole group
#     who is also a technician with tickets and teams;
#   - the page of a ticket with 50 followups;
# and on its own:
#   - ticket creation through the API (service level and notifications
#     included), requests per second at concurrency 8;
#   - the supervisor's dashboard over every ticket (time of one request).
#
# Usage: bash benches/helpdesk.sh      (TICKETS, FOLLOWUPS, DURATION may be set)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh

TICKETS=${TICKETS:-200000}
FOLLOWUPS=${FOLLOWUPS:-1000000}

echo "== generating $TICKETS tickets and $FOLLOWUPS followups"
start_server
generated=$EPOCHREALTIME
"$BIN" generate --users 6000 --locations 500 --entities 50 --tickets "$TICKETS" --followups "$FOLLOWUPS" >/dev/null
echo "   generated in $(awk -v a="$generated" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
# The person measured: a technician (with tickets and teams) who also
# supervises the whole group, so every queue has work in it.
WHO=$(psql_value "select u.login from users u join group_members gm on gm.user_id = u.id
                  join ticket_people p on p.user_id = u.id and p.role = 'assignee' group by u.login order by u.login limit 1")
ME=$(psql_value "select id from users where login = '$WHO'")
psql_value "insert into role_grants (user_id, role, entity_id)
            select '$ME', 'supervisor', id from entities where parent_id is null" >/dev/null
TOKEN=$("$BIN" token create --login "$WHO" --name bench)
jar=$DATA/cookies
csrf=$(curl -s -c "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=$WHO" --data-urlencode "password=generated-password" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
COOKIE="parc_session=$(awk '$6 == "parc_session" { print $7 }' "$jar")"
SCOPE=$(psql_value "select '{' || string_agg(id::text, ',') || '}' from entities")
BUSY=$(psql_value "select id from tickets order by number limit 1")
echo "   $(psql_value 'select count(*) from tickets') tickets, $(psql_value 'select count(*) from followups') followups," \
  "$(psql_value "select count(*) from role_grants where role = 'technician'") technicians;" \
  "$WHO has $(psql_value "select count(*) from ticket_people where user_id = '$ME'") tickets assigned and" \
  "$(psql_value "select count(*) from ticket_groups tg join group_members gm on gm.group_id = tg.group_id where gm.user_id = '$ME'") in their teams"

# The SQL one list request runs: the capped count, the page's ids, then
# their rows (pgbench prepares each statement, as the server does).
SELECT=$(sed -n '/^pub const SELECT: &str = "/,/";$/p' src/helpdesk/db.rs | sed '1s/^pub const SELECT: &str = "//; $s/";$//' | tr '\n' ' ')
FROM=$(sed -n '/^pub const FROM: &str = "/,/";$/p' src/helpdesk/db.rs | sed '1s/^pub const FROM: &str = "//; $s/";$//' | tr '\n' ' ')
VISIBLE="(t.entity_id = any('$SCOPE'::uuid[]) or t.requester_id = '$ME' or t.created_by_id = '$ME' or t.id = any(array(select ticket_id from ticket_people where role = 'watcher' and user_id = '$ME')))"
OPEN="and t.status not in ('solved', 'closed')"
ORDER="order by t.number desc, t.id desc"
raw_list() { # NAME WHERE
  cat >"$DATA/$1.sql" <<SQL
select count(*) from (select 1 from tickets t where $VISIBLE $2 limit 1001) capped;
select coalesce(array_agg(id), '{}') as ids from (select t.id from tickets t where $VISIBLE $2 $ORDER limit 51 offset 0) page \\gset
select $SELECT, t.id as list_key $FROM where t.id = any(array(select unnest(:ids::uuid[]))) $ORDER;
SQL
}
raw_list all ""
raw_list mine "$OPEN and t.assignee_ids @> array['$ME'::uuid]"
raw_list groups "$OPEN and t.group_ids && array(select group_id from group_members where user_id = '$ME')"
raw_list unassigned "$OPEN and not t.assigned"
raw_list late "$OPEN and (t.resolve_due_at < now() + interval '1 hour' or (t.owned_at is null and t.own_due_at < now() + interval '1 hour'))"
# The queries of a ticket's page, as the server sends them: the ticket, its
# timeline, its people, teams and assets with the technicians and teams a
# supervisor may assign, its survey and its attachments.
LINKS=$(sed -n '/^pub async fn page_links/,/^}/p' src/helpdesk/db.rs | sed -n '/r#"select part/,/"#,$/p' | sed '1s/.*r#"//; $s/"#,$//' | tr '\n' ' ' | sed 's/ as "[a-z]*!"//g')
TIMELINE=$(sed -n '/^pub async fn timeline/,/^}/p' src/helpdesk/db.rs | sed -n '/r#"select/,/"#,$/p' | sed '1s/.*r#"//; $s/"#,$//' | tr '\n' ' ' | sed 's/ as "[a-z]*!"//g')
cat >"$DATA/ticket.sql" <<SQL
select $SELECT $FROM where t.id = '$BUSY' and $VISIBLE;
$(echo "$TIMELINE" | sed "s/\$1/'$BUSY'::uuid/g; s/\$2/true/g");
$(echo "$LINKS" | sed "s/\$1/'$BUSY'::uuid/g; s/\$2/'$SCOPE'::uuid[]/g; s/\$3/'$ME'::uuid/g; s/\$4/true/g; s/\$5/'$SCOPE'::uuid[]/g");
select ticket_id, requester_id, created_at, expires_at, rating, comment, answered_at from satisfaction_surveys where ticket_id = '$BUSY';
select id, file_name, content_type, size, uploaded_by, private, created_at from ticket_attachments where ticket_id = '$BUSY' and (true or not private) order by created_at;
SQL

echo "== restart (a fresh process)"
stop_server
start_server

printf '\n| what | concurrency | req/s | p99 ms | raw SQL tps | raw p99 ms | ratio |\n|---|---|---|---|---|---|---|\n'
for c in 8 32; do
  for queue in all mine groups unassigned late; do
    read -r raw raw_p99 < <(pgb "$c" "$DATA/$queue.sql")
    read -r rps p99 < <(measure "$c" "$BASE/tickets?queue=$queue" -H "Cookie: $COOKIE")
    row "queue page: $queue" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  done
  read -r raw raw_p99 < <(pgb "$c" "$DATA/all.sql")
  read -r rps p99 < <(measure "$c" "$BASE/api/v1/tickets" -H "Authorization: Bearer $TOKEN")
  row "ticket list API" "$c" "$rps" "$p99" "$raw" "$raw_p99"
  read -r raw raw_p99 < <(pgb "$c" "$DATA/ticket.sql")
  read -r rps p99 < <(measure "$c" "$BASE/tickets/$BUSY" -H "Cookie: $COOKIE")
  row "ticket page (50 followups)" "$c" "$rps" "$p99" "$raw" "$raw_p99"
done

# Creation: each request opens a ticket in a category with a team and a
# service level, computes its due dates and escalation instants, and
# notifies the team, in one transaction.
CATEGORY=$(psql_value "select id from ticket_categories where name = 'Gen catégorie 1'")
cat >"$DATA/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"title": "Bench ticket", "description": "Created by wrk", "category_id": "$CATEGORY", "urgency": 4}'
LUA
before=$(psql_value "select count(*) from tickets")
read -r rps p99 < <(measure 8 "$BASE/api/v1/tickets" -s "$DATA/create.lua")
made=$(($(psql_value "select count(*) from tickets") - before))
printf '| ticket creation through the API (SLA, escalations, notifications) | 8 | %s | %s | %s tickets made | | |\n' "$rps" "$p99" "$made"

echo
times=()
for _ in 1 2 3 4 5; do
  t0=$EPOCHREALTIME
  curl -s -o /dev/null -w '' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/helpdesk/dashboard?days=30"
  times+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')")
done
printf '| dashboard over %s tickets (5 requests, ms) | %s |\n' "$(psql_value 'select count(*) from tickets')" "${times[*]}"
