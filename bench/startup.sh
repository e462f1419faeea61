#!/usr/bin/env bash
# Cold start to ready on SQLite (a new file: migrations + seed included), idle memory,
# and release build time.  Usage: bench/startup.sh [runs]   (needs curl)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  start=$(date +%s.%N)
  cargo build --release -q -p samverkan-server
  echo "release build (incremental from the current target/): $(echo "$(date +%s.%N) - $start" | bc) s"
fi
bin=target/release/samverkan
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
port=18099
total=0; best=999999; worst=0
for i in $(seq 1 "$runs"); do
  rm -f "$tmp"/db*
  t0=$(date +%s%N)
  DATABASE_URL="sqlite://$tmp/db.sqlite" "$bin" serve --bind 127.0.0.1:$port --workers 2 2>/dev/null &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.002; done
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  total=$((total + ms)); [ $ms -lt $best ] && best=$ms; [ $ms -gt $worst ] && worst=$ms
  if [ "$i" = "$runs" ]; then
    curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/municipalities"
    sleep 1
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  fi
  kill -TERM $pid; wait $pid 2>/dev/null || true
done
echo "cold start to ready (new SQLite file, migrations + seed), $runs runs: mean $((total / runs)) ms, best $best ms, worst $worst ms"
echo "idle RSS after one request (2 workers): $((rss / 1024)) MiB ($rss KiB)"
