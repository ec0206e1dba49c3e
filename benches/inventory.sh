#!/usr/bin/env bash
# Inventory ingest benchmark: GLPI Agent JSON inventories of distinct
# Windows-like machines (300 software entries each, drawn from 3 000
# programs, four interfaces, CPUs, disks), sent over HTTP at concurrency 8.
#
# Measures, beside what the same writes cost through pgbench in the same run
# (an asset and its 300 installations in one transaction):
#   - ingest of new machines: inventories per second and p99;
#   - an identical resubmission (the no-change path): requests per second;
#   - the server's memory while it ingests 10 000 more new machines
#     (resident every 10 s, and peak).
#
# Usage: bash benches/inventory.sh      (DURATION may be set; MEMORY=0 skips the memory run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh

SECRET=bench-agents-secret
export PARC_INVENTORY_SECRET=$SECRET
AUTH="Basic $(printf 'agent:%s' "$SECRET" | base64 -w0)"
start_server
RSS_START=$(rss_mb)

# One inventory per request: the thread and its counter make the machine.
cat >"$DATA/ingest.lua" <<'LUA'
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local function software(machine)
  local parts = {}
  for k = 1, 300 do
    local n = (machine * 7 + k * 13) % 3000
    parts[k] = string.format('{"name":"Program %d","version":"%d.%d.%d","publisher":"Vendor %d","arch":"x86_64","install_date":"2025-%02d-%02d"}',
      n, n % 17, n % 5, k % 9, n % 120, (n % 12) + 1, (n % 28) + 1)
  end
  return table.concat(parts, ",")
end
function request()
  counter = counter + 1
  local machine = tid * 10000000 + counter
  local id = string.format("bench-%d", machine)
  local body = string.format([[{"action":"inventory","deviceid":"%s","itemtype":"Computer","content":{
"versionclient":"GLPI-Agent_v1.12",
"hardware":{"name":"PC-%d","uuid":"4c4c4544-%04x-%04x-8048-%012x","memory":16384,"chassis_type":"Desktop","lastloggeduser":"user%d"},
"bios":{"ssn":"SN%d","smanufacturer":"Dell Inc.","smodel":"OptiPlex 7090"},
"operatingsystem":{"name":"Windows","full_name":"Microsoft Windows 11 Professionnel","version":"23H2","arch":"64-bit"},
"cpus":[{"name":"Intel(R) Core(TM) i7-11700 CPU @ 2.50GHz","core":8}],
"storages":[{"name":"nvme0n1","model":"PM9A1 NVMe Samsung 512GB","disksize":512110}],
"networks":[{"description":"Ethernet","mac":"8c:16:45:%02x:%02x:%02x","ipaddress":"10.%d.%d.%d"},
 {"description":"Wi-Fi","mac":"a4:c3:f0:%02x:%02x:%02x"},
 {"description":"Loopback","ipaddress":"127.0.0.1","virtualdev":true},
 {"description":"vEthernet","mac":"00:15:5d:%02x:%02x:%02x","virtualdev":true}],
"softwares":[%s]}}]],
    id, machine, tid, counter % 65536, machine, machine % 1000, machine,
    tid, math.floor(counter / 256) % 256, counter % 256, tid, math.floor(counter / 256) % 256, counter % 256,
    tid, math.floor(counter / 256) % 256, counter % 256, tid, math.floor(counter / 256) % 256, counter % 256,
    software(machine))
  return wrk.format("POST", "/inventory", {["Content-Type"] = "application/json", ["GLPI-Agent-ID"] = id, ["Authorization"] = AUTH}, body)
end
LUA
sed -i "1i AUTH = \"$AUTH\"" "$DATA/ingest.lua"

# The same machine again and again (after its first inventory).
cat >"$DATA/same.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["GLPI-Agent-ID"] = "bench-same"
wrk.headers["Authorization"] = "$AUTH"
wrk.body = io.open("$DATA/same.json"):read("*a")
LUA
cat >"$DATA/same.json" <<'JSON'
{"action":"inventory","deviceid":"bench-same","itemtype":"Computer","content":{"versionclient":"GLPI-Agent_v1.12",
"hardware":{"name":"PC-SAME","memory":16384},"bios":{"ssn":"SAME0001","smanufacturer":"Dell Inc.","smodel":"OptiPlex 7090"},
"softwares":[{"name":"Mozilla Firefox","version":"118.0","publisher":"Mozilla"},{"name":"7-Zip","version":"23.01","publisher":"Igor Pavlov"}]}}
JSON
curl -s -o /dev/null -H "Authorization: $AUTH" -H "Content-Type: application/json" -H "GLPI-Agent-ID: bench-same" \
  --data-binary "@$DATA/same.json" "$BASE/inventory"

echo "== warm-up: 200 machines"
wrk -t 2 -c 8 -d 3s -s "$DATA/ingest.lua" "$BASE/inventory" >/dev/null
echo "   $(psql_value 'select count(*) from assets') assets, $(psql_value 'select count(*) from software') programs, $(psql_value 'select count(*) from software_installations') installations"

# The raw writes of one new machine: an asset and its 300 installations.
MODEL=$(psql_value "select id from asset_models order by created_at limit 1")
STATUS=$(psql_value "select id from asset_statuses where kind = 'deployed' limit 1")
ENTITY=$(psql_value "select id from entities where parent_id is null limit 1")
cat >"$DATA/raw.sql" <<SQL
with asset as (insert into assets (tag, name, model_id, status_id, entity_id)
               values ('RAW-' || gen_random_uuid(), 'raw', '$MODEL', '$STATUS', '$ENTITY') returning id)
insert into software_installations (asset_id, version_id)
select asset.id, v.id from asset, (select id from software_versions order by id limit 300) v;
SQL

printf '\n| what | concurrency | req/s | p99 ms | raw SQL tps | raw p99 ms | ratio |\n|---|---|---|---|---|---|---|\n'
read -r raw raw_p99 < <(pgb 8 "$DATA/raw.sql")
before=$(psql_value "select count(*) from asset_inventory")
read -r rps p99 < <(measure 8 "$BASE/inventory" -s "$DATA/ingest.lua")
made=$(($(psql_value "select count(*) from asset_inventory") - before))
row "ingest of new machines (300 software each)" 8 "$rps" "$p99" "$raw" "$raw_p99"
read -r rps p99 < <(measure 8 "$BASE/inventory" -s "$DATA/same.lua")
printf '| identical resubmission | 8 | %s | %s | | | |\n' "$rps" "$p99"
printf '\n%s machines made in the measured run; server memory: %s MB at start, %s MB after, peak %s MB\n' \
  "$made" "$RSS_START" "$(rss_mb)" "$(hwm_mb)"
echo "   $(psql_value 'select count(*) from assets') assets, $(psql_value 'select count(*) from software') programs, $(psql_value 'select count(*) from software_installations') installations"

# Memory: 10 000 more new machines, the resident size noted every 10 s (MEMORY=0 skips it).
[[ ${MEMORY:-1} == 1 ]] || exit 0
target=$(($(psql_value "select count(*) from asset_inventory") + 10000))
wrk -t 2 -c 8 -d 600s -s "$DATA/ingest.lua" "$BASE/inventory" >/dev/null &
WRK=$!
samples=()
while (($(psql_value "select count(*) from asset_inventory") < target)) && kill -0 "$WRK" 2>/dev/null; do
  sleep 10
  samples+=("$(rss_mb)")
done
kill "$WRK" 2>/dev/null || true
wait "$WRK" 2>/dev/null || true
printf '\nmemory over 10 000 more new machines: resident every 10 s (MB): %s; peak %s MB\n' "${samples[*]}" "$(hwm_mb)"
