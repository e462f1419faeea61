#!/usr/bin/env bash
# samverkan against its peer (FastAPI + asyncpg, the same JSON and the same PostgreSQL
# databases): builds the release binary and runs the peer's harness, `peer/run.sh`, from
# the shared folder (SAMVERKAN_SHARED_DIR, default ../shared beside this checkout).
#
# Usage: bench/compare.sh [BINARY]
# Environment: everything peer/run.sh reads (PHASES, ROUNDS, DUR, CONNS, ENDPOINTS, SCALES,
# PG, DB1, DB100, VENV, OUT, REBUILD …; see the top of run.sh). Quick look at the decision
# reads: PHASES=p1 SCALES=1x CONNS=16 ROUNDS=2 DUR=5 ENDPOINTS="detail list deep" bench/compare.sh
# Needs: wrk, pgbench, psql, curl, python3 and a local PostgreSQL (trust). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SAMVERKAN_SHARED_DIR:-$root/../shared}
run="$shared/peer/run.sh"
[ -x "$run" ] || [ -f "$run" ] || { echo "no peer harness at $run (set SAMVERKAN_SHARED_DIR)" >&2; exit 2; }
bin=${1:-}
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release -q -p samverkan-server)
  bin=$(cd "$root" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/samverkan
fi
for tool in wrk pgbench psql curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y wrk postgresql-client curl python3)" >&2; exit 2; }
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec bash "$run" "$bin"
