#!/usr/bin/env bash
# Memory of the release server on a seeded PostgreSQL database (issue 32's figures):
# resident set idle after one request, the peak while 256 connections read the 50-row
# decision list, and what is left 4 and 15 seconds after them.
# Usage: BENCH_PG_URL=postgres://user@127.0.0.1:5432/postgres bench/memory.sh [seconds]
#   (needs wrk, jq and psql; a database samverkan_bench_memory is created and dropped;
#   SKIP_BUILD=1 uses target/release/samverkan as it is; READ_CACHE=true|false, default
#   false so that every request runs its statements; CONNS, default 256.)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
conns=${CONNS:-256}
pg=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db=samverkan_bench_memory
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release -q -p samverkan-server
fi
bin=target/release/samverkan
port=18098
psql -q "$pg" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
url="${pg%/*}/$db"
DATABASE_URL="$url" "$bin" migrate >/dev/null
DATABASE_URL="$url" "$bin" seed >/dev/null
SAMVERKAN_READ_CACHE=${READ_CACHE:-false} SAMVERKAN_RATE_LIMIT_ANONYMOUS=0 \
  SAMVERKAN_RATE_LIMIT_TOKEN=0 DATABASE_URL="$url" \
  "$bin" serve --bind 127.0.0.1:$port --workers 2 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; psql -q "$pg" -c "DROP DATABASE IF EXISTS $db" || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.01; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
list="http://127.0.0.1:$port/api/v1/decisions?limit=50"
[ "$(curl -fs "$list" | jq '.items | length')" -gt 0 ] || { echo "the decision list is empty" >&2; exit 1; }
sleep 2
idle=$(rss)
peak=0
peakfile=$(mktemp)
(while kill -0 $pid 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$peakfile"; sleep 0.1; done) &
sampler=$!
out=$(wrk -t2 -c"$conns" -d"${secs}s" "$list")
kill $sampler 2>/dev/null || true
peak=$(cat "$peakfile" 2>/dev/null || echo 0)
rm -f "$peakfile"
sleep 4
after=$(rss)
sleep 11
later=$(rss)
threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
file=$(awk '/RssFile/ {print $2}' "/proc/$pid/status")
rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
echo "decisions?limit=50, wrk -t2 -c$conns -d${secs}s: $rate req/s"
echo "RSS idle after one request: $((idle / 1024)) MiB ($idle KiB)"
echo "RSS peak under $conns connections: $((peak / 1024)) MiB ($peak KiB)"
echo "RSS 4 s after the load: $((after / 1024)) MiB ($after KiB)"
echo "RSS 15 s after the load: $((later / 1024)) MiB ($later KiB), $threads threads; of it $anon KiB heap and stacks, $file KiB code and constants"
