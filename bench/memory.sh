#!/usr/bin/env bash
# Memory of the release server on a seeded PostgreSQL database (issue 32's figures):
# resident set idle after one request, the peak while 256 connections read the 50-row
# decision list, and what is left 4 and 25 seconds after them (the second is past the
# server's second trim, see `samverkan_http::trim_when_quiet`), with the allocator's count.
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
mtoken=bench-memory-metrics-token
SAMVERKAN_METRICS_TOKEN=$mtoken SAMVERKAN_READ_CACHE=${READ_CACHE:-false} SAMVERKAN_RATE_LIMIT_ANONYMOUS=0 \
  SAMVERKAN_RATE_LIMIT_TOKEN=0 DATABASE_URL="$url" \
  "$bin" serve --bind 127.0.0.1:$port --workers 2 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; psql -q "$pg" -c "DROP DATABASE IF EXISTS $db" || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.01; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
# The allocator's own count (samverkan_heap_bytes): live, freed but kept, own mappings.
heap() {
  curl -fs -H "Authorization: Bearer $mtoken" "http://127.0.0.1:$port/metrics" |
    awk '/^samverkan_heap_bytes/ { split($1, a, "\""); v[a[2]] = int($2 / 1048576 + 0.5) }
         END { printf "heap: %s MiB live, %s MiB free but kept, %s MiB mapped", v["in_use"], v["free"], v["mapped"] }'
}
list="http://127.0.0.1:$port/api/v1/decisions?limit=50"
[ "$(curl -fs "$list" | jq '.items | length')" -gt 0 ] || { echo "the decision list is empty" >&2; exit 1; }
sleep 2
idle=$(rss)
idle_split="$(awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} END {print a " KiB heap and stacks, " f " KiB code and constants"}' "/proc/$pid/status")"
heap_idle=$(heap)
peak=0
peakfile=$(mktemp)
(while kill -0 $pid 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$peakfile"; sleep 0.1; done) &
sampler=$!
(sleep $((secs / 2 + 1)); heap >"$peakfile.heap") &
out=$(wrk -t2 -c"$conns" -d"${secs}s" "$list")
kill $sampler 2>/dev/null || true
peak=$(cat "$peakfile" 2>/dev/null || echo 0)
heap_load=$(cat "$peakfile.heap" 2>/dev/null || echo "heap: not read")
rm -f "$peakfile" "$peakfile.heap"
sleep 4
after=$(rss)
heap_after=$(heap)
sleep 21
later=$(rss)
threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
file=$(awk '/RssFile/ {print $2}' "/proc/$pid/status")
# What the first request after the quiet pays (its code is read back in), and the next.
first=$(curl -fs -o /dev/null -w '%{time_total}' "$list")
next=$(curl -fs -o /dev/null -w '%{time_total}' "$list")
heap_later=$(heap)
rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
echo "decisions?limit=50, wrk -t2 -c$conns -d${secs}s: $rate req/s"
echo "RSS idle after one request: $((idle / 1024)) MiB ($idle KiB): $idle_split; $heap_idle"
echo "RSS peak under $conns connections: $((peak / 1024)) MiB ($peak KiB); mid-load $heap_load"
echo "RSS 4 s after the load: $((after / 1024)) MiB ($after KiB); $heap_after"
echo "RSS 25 s after the load: $((later / 1024)) MiB ($later KiB), $threads threads; of it $anon KiB heap and stacks, $file KiB code and constants; $heap_later"
echo "after the quiet: the first request $(awk -v t="$first" 'BEGIN {printf "%.1f", t * 1000}') ms, the next $(awk -v t="$next" 'BEGIN {printf "%.1f", t * 1000}') ms"
