#!/usr/bin/env bash
# Benchmark of the decision endpoints on a SQLite file at 1× (the seeded 21 decisions)
# and 100× (synthetic copies, bench/synth.py). Prints a table of requests/s and latency.
# Usage: bench/decisions.sh [duration, default 10s] [connections, default 16]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10s}
CONNS=${2:-16}
PORT=${PORT:-18089}
cargo build --release -q -p samverkan-server
BIN=target/release/samverkan
WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export SAMVERKAN_JWT_SECRET=bench-secret-that-is-long-enough-0123456789
export SAMVERKAN_LOG_FORMAT=json RUST_LOG=warn

start() {
  SAMVERKAN_RATE_LIMIT_ANONYMOUS=0 SAMVERKAN_RATE_LIMIT_TOKEN=0 DATABASE_URL="sqlite://$1" SAMVERKAN_BIND="127.0.0.1:$PORT" "$BIN" serve >"$WORK/log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$PORT/api/v1/decisions?limit=1" >/dev/null && return 0
    sleep 0.1
  done
  cat "$WORK/log"; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

run() { # label url
  local out rps lat
  out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  lat=$(awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print p50 " / " p99}' <<<"$out")
  printf '| %-5s | %-34s | %10s | %-17s |\n' "$SCALE" "$1" "$rps" "$lat"
}

printf '| scale | request                            |      req/s | p50 / p99 latency |\n'
printf '|-------|------------------------------------|-----------:|-------------------|\n'
for SCALE in 1x 100x; do
  DB="$WORK/$SCALE.db"
  start "$DB"; stop                      # migrate and seed
  [ "$SCALE" = 100x ] && python3 bench/synth.py "$DB" 100 >/dev/null
  N=$(sqlite3 "$DB" "SELECT COUNT(*) FROM decisions")
  # A deep keyset page: the cursor of the row at 90 % of the default order.
  DEEP=$(sqlite3 "$DB" "SELECT 'd_' || meeting_date || '_' || id FROM decisions \
         ORDER BY meeting_date DESC, id DESC LIMIT 1 OFFSET $((N * 9 / 10))")
  ID=$(sqlite3 "$DB" "SELECT id FROM decisions WHERE paragraph = 2 ORDER BY id LIMIT 1")
  start "$DB"
  run "list, first page (limit 50; n=$N)" "/api/v1/decisions?limit=50"
  run "list, keyset page at 90 %" "/api/v1/decisions?limit=50&after=$DEEP"
  run "detail /decisions/{id}" "/api/v1/decisions/$ID"
  run "search q=elevhälsan" "/api/v1/decisions?limit=50&q=elevh%C3%A4lsan"
  stop
done
