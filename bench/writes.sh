#!/usr/bin/env bash
# The write path's cost: payments per second against one issued invoice.
#
# Usage: bench/writes.sh BINARY BACKEND [duration, default 10s] [connections, default 16] [mode]
#   BINARY   a release build of `samverkan` (any version that has `serve` and `token issue`)
#   BACKEND  sqlite                        a temp file, removed afterwards
#            postgres://USER@HOST:PORT     a server with trust auth; a database
#                                          samverkan_bench_<random> is created on it and dropped
#   mode     plain  no Idempotency-Key
#            idem   a unique Idempotency-Key on every request (the claim's cost)
#            both   plain, then idem, each on its own fresh database (default)
#
# For each mode: starts `samverkan serve` on a free port with a fresh database, seeds the
# demo data (SAMVERKAN_SEED=true: the default up to 83c8906, needed on PostgreSQL since
# `auto`), issues a treasurer token, approves and issues one seeded draft invoice, runs
# `wrk -t2 -c<connections> -d<duration> -s bench/payments.lua` (POST
# {"amount_ore":1,"paid_on":"2021-03-01"} to /api/v1/invoices/{id}/payments), then reads
# the invoice back and compares paid_ore with the 201 responses and the payment rows.
# Prints a readable summary and one machine-readable line per mode:
#   RESULT backend=… mode=… rps=… requests=… non2xx=… created=… paid_ore=… rows=… rows_sum=… lost=… check=…
# check: ok (paid_ore = 201s), inflight (paid_ore = rows; the rows − 201s payments were
# committed after wrk stopped reading), LOST (paid_ore < sum of the payment rows: lost updates).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:?usage: bench/writes.sh BINARY sqlite|postgres://USER@HOST:PORT [duration] [connections] [plain|idem|both]}
BACKEND=${2:?backend: sqlite or postgres://USER@HOST:PORT}
DURATION=${3:-10s}
CONNS=${4:-16}
MODE=${5:-both}
THREADS=${THREADS:-2}
BIN=$(realpath "$BIN")
[ -x "$BIN" ] || { echo "not an executable: $BIN" >&2; exit 2; }
for tool in wrk curl jq python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done

case "$BACKEND" in
  sqlite) ;;
  postgres://* | postgresql://*)
    re='^postgres(ql)?://([^@/:]+)@([^:/]+)(:([0-9]+))?(/.*)?$'
    [[ "$BACKEND" =~ $re ]] || { echo "expected postgres://USER@HOST[:PORT]: $BACKEND" >&2; exit 2; }
    PG_USER=${BASH_REMATCH[2]} PG_HOST=${BASH_REMATCH[3]} PG_PORT=${BASH_REMATCH[5]:-5432}
    ;;
  *) echo "backend must be sqlite or postgres://USER@HOST[:PORT]: $BACKEND" >&2; exit 2 ;;
esac

export SAMVERKAN_JWT_SECRET=bench-writes-secret-that-is-long-enough-0123456789
export SAMVERKAN_LOG_FORMAT=json RUST_LOG=warn
# Issuing needs the seller's payment account (since issue became configurable): the
# README's example bankgiro.
export SAMVERKAN_BANKGIRO=50501055

WORK=$(mktemp -d)
PID=
PG_DB=
stop_server() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
  fi
}
drop_db() {
  if [ -n "$PG_DB" ]; then
    dropdb --if-exists -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" || true
    PG_DB=
  fi
}
cleanup() { stop_server; drop_db; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

api() { # METHOD PATH [BODY] — fails on a non-2xx answer, printing it
  local out code
  out=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X "$1" "http://127.0.0.1:$PORT$2" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"})
  code=$out
  if [ "${code:0:1}" != 2 ]; then
    echo "$1 $2 → $code: $(cat "$WORK/body")" >&2
    return 1
  fi
  cat "$WORK/body"
}

run_mode() { # plain|idem
  local mode=$1 db_url
  if [ "$BACKEND" = sqlite ]; then
    db_url="sqlite://$WORK/$mode.db"
  else
    PG_DB="samverkan_bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"
    db_url="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
  fi
  PORT=$(free_port)
  SAMVERKAN_RATE_LIMIT_ANONYMOUS=0 SAMVERKAN_RATE_LIMIT_TOKEN=0 \
  DATABASE_URL="$db_url" SAMVERKAN_BIND="127.0.0.1:$PORT" SAMVERKAN_SEED=true \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
  PID=$!
  local ready=
  for _ in $(seq 600); do # migrations and the seed: up to 60 s on a busy machine
    if curl -fs -o /dev/null "http://127.0.0.1:$PORT/health/ready"; then ready=1; break; fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$ready" ] || { echo "server did not become ready:" >&2; cat "$WORK/server.log" >&2; exit 1; }

  TOKEN=$(DATABASE_URL="$db_url" "$BIN" token issue --role treasurer --ttl 2h --sub bench-treasurer | tail -n1)
  local id
  id=$(api GET '/api/v1/invoices?status=draft&limit=200' |
    jq -er '[.items[] | select(.type == "invoice")] | max_by(.total_ore) | .id')
  api POST "/api/v1/invoices/$id/approval" '{}' >/dev/null
  api POST "/api/v1/invoices/$id/issue" '{"issue_date":"2021-02-01","buyer_reference":"4711"}' >/dev/null

  local out rps requests non2xx created
  out=$(TOKEN=$TOKEN INVOICE=$id IDEM=$([ "$mode" = idem ] && echo 1 || echo 0) \
    RUN_ID="$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')" \
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/payments.lua "http://127.0.0.1:$PORT")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  requests=$(awk '/ requests in / {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  non2xx=${non2xx:-0}
  created=$(awk '$1 == "status" && $2 == 201 {print $3}' <<<"$out")
  created=${created:-0}
  local others
  others=$(awk '$1 == "status" && $2 != 201 {printf "%s%s×%s", sep, $3, $2; sep=" "}' <<<"$out")

  sleep 1 # payments wrk sent but stopped waiting for still commit
  local inv paid rows rows_sum lost check
  inv=$(api GET "/api/v1/invoices/$id")
  paid=$(jq -r .paid_ore <<<"$inv")
  rows=$(jq -r '.payments | length' <<<"$inv")
  rows_sum=$(jq -r '[.payments[].amount_ore] | add // 0' <<<"$inv")
  lost=$((rows_sum - paid))
  if [ "$paid" = "$created" ]; then
    check=ok
  elif [ "$lost" -gt 0 ]; then
    check=LOST
  elif [ "$paid" = "$rows_sum" ] && [ "$rows" -ge "$created" ] && [ $((rows - created)) -le "$CONNS" ]; then
    check=inflight
  else
    check=MISMATCH
  fi

  stop_server
  drop_db
  local label=$BACKEND
  [ "$BACKEND" = sqlite ] || label=postgres
  printf '%-8s %-5s %9s req/s  %7s requests  non-2xx %s%s  201s %s  paid_ore %s  payment rows %s (sum %s)  %s\n' \
    "$label" "$mode" "$rps" "$requests" "$non2xx" "${others:+ ($others)}" "$created" "$paid" "$rows" "$rows_sum" \
    "$([ "$check" = LOST ] && echo "LOST UPDATES: $lost öre of committed payments missing from paid_ore" || echo "check $check")"
  echo "RESULT backend=$label mode=$mode rps=$rps requests=$requests non2xx=$non2xx created=$created paid_ore=$paid rows=$rows rows_sum=$rows_sum lost=$lost check=$check"
}

case "$MODE" in
  plain | idem) run_mode "$MODE" ;;
  both) run_mode plain; run_mode idem ;;
  *) echo "mode must be plain, idem or both: $MODE" >&2; exit 2 ;;
esac
