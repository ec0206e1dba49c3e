# Shared by the benchmark scripts: a server on a fresh embedded cluster, wrk
# and pgbench measurements, and psql. Source it after setting DURATION and PORT.

DURATION=${DURATION:-10}
PORT=${PORT:-18080}
BASE=http://127.0.0.1:$PORT
ADMIN_PASSWORD=bench-admin-2026
DATA=$(mktemp -d /tmp/parc-bench.XXXX)
chmod 755 "$DATA" # run as root, Parc's PostgreSQL runs as `postgres`, which must reach it

command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-target}/release/parc

export PARC_DATA_DIR=$DATA PARC_BIND=127.0.0.1:$PORT PARC_PUBLIC_URL=$BASE RUST_LOG=warn \
  PARC_ADMIN_PASSWORD=$ADMIN_PASSWORD PARC_LOGIN_MAX_PER_ACCOUNT=100000000 PARC_LOGIN_MAX_PER_ADDRESS=100000000
unset DATABASE_URL

PID=
stop_server() { if [[ -n $PID ]]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
cleanup() { stop_server; [[ -s $DATA/pgbench.err ]] && cat "$DATA/pgbench.err"; rm -rf "$DATA"; }
trap cleanup EXIT

start_server() {
  local started=$EPOCHREALTIME
  "$BIN" serve >"$DATA/server.log" 2>&1 &
  PID=$!
  until curl -fs "$BASE/readyz" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
    sleep 0.01
  done
  READY_MS=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
}
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }
hwm_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }

# wrk CONCURRENCY URL [wrk args...] -> "requests_per_second p99_ms"
measure() {
  local c=$1 url=$2; shift 2
  wrk -t "$((c < 2 ? 1 : 2))" -c "$c" -d "${DURATION}s" --latency "$@" "$url" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ *99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } p99 = v }
    END { printf "%.0f %.2f\n", rps, p99 }'
}
# pgbench CONCURRENCY SCRIPT -> "transactions_per_second p99_ms" (errors go to $DATA/pgbench.err)
pgb() {
  rm -f "$DATA"/pgblog*
  local tps
  tps=$("$PG_BIN/pgbench" -n -M prepared -h "$DATA/pg" -U parc -c "$1" -j "$((${1} < 2 ? 1 : 2))" -T "$DURATION" -f "$2" \
    -l --log-prefix="$DATA/pgblog" parc 2>"$DATA/pgbench.err" | awk '/^tps/ { printf "%.0f", $3 }')
  # Each log line: client, transaction, latency in microseconds, ...
  printf '%s %s\n' "$tps" "$(cat "$DATA"/pgblog* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR * 0.99)] / 1000 }')"
}
psql_value() { "$PG_BIN/psql" -h "$DATA/pg" -U parc -d parc -Atc "$1"; }

# A line of the results table: what, concurrency, app req/s and p99, raw tps and p99.
row() { printf '| %s | %s | %s | %s | %s | %s | %s%% |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$(($3 * 100 / $5))"; }
