#!/usr/bin/env bash
# Before/after comparison of the write path with bench/writes.sh: every configuration
# (backend × with/without Idempotency-Key) RUNS times, alternating the two binaries, then
# a Markdown table of the medians.
#
# Usage: bench/writes-compare.sh BEFORE_BIN AFTER_BIN [runs, default 3] [duration, default 10s]
#                                [connections, default 16]
#   PG_URL (default postgres://postgres@127.0.0.1:5432) is the PostgreSQL server; PG_URL=
#   (empty) measures SQLite only. Raw RESULT lines are appended to $OUT (default a temp
#   file); REPORT_ONLY=1 OUT=FILE only prints the table of an earlier run's FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:?usage: bench/writes-compare.sh BEFORE_BIN AFTER_BIN [runs] [duration] [connections]}
AFTER=${2:?after binary}
RUNS=${3:-3}
DURATION=${4:-10s}
CONNS=${5:-16}
PG_URL=${PG_URL-postgres://postgres@127.0.0.1:5432}
OUT=${OUT:-$(mktemp)}
backends=(sqlite)
[ -n "$PG_URL" ] && backends+=("$PG_URL")

if [ "${REPORT_ONLY:-0}" != 1 ]; then
echo "# $(date -u +%FT%TZ) $(nproc) cores, wrk -t2 -c$CONNS -d$DURATION, $RUNS runs; raw: $OUT" >&2
for run in $(seq "$RUNS"); do
  for backend in "${backends[@]}"; do
    for mode in plain idem; do
      for version in before after; do
        bin=$BEFORE
        [ "$version" = after ] && bin=$AFTER
        res=$(bench/writes.sh "$bin" "$backend" "$DURATION" "$CONNS" "$mode")
        grep -v '^RESULT' <<<"$res" | sed "s/^/run $run\/$RUNS $version  /" >&2
        grep '^RESULT' <<<"$res" | sed "s/^RESULT /RESULT version=$version run=$run /" >>"$OUT"
      done
    done
  done
done
fi

python3 - "$OUT" <<'EOF'
import statistics, sys
rows = []
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        rows.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
def med(xs):
    return statistics.median(xs)
print("| backend | Idempotency-Key | before req/s | after req/s | after / before | before: paid_ore vs 201s | after: paid_ore vs 201s |")
print("|---|---|---:|---:|---:|---|---|")
for backend in ("sqlite", "postgres"):
    for mode in ("plain", "idem"):
        sel = {v: [r for r in rows if r["backend"] == backend and r["mode"] == mode and r["version"] == v]
               for v in ("before", "after")}
        if not sel["before"] or not sel["after"]:
            continue
        m = {v: med([float(r["rps"]) for r in sel[v]]) for v in sel}
        def verdict(rs):
            lost = [int(r["lost"]) for r in rs]
            bad = [r["check"] for r in rs if r["check"] not in ("ok", "inflight")]
            if any(l > 0 for l in lost):
                tot = [int(r["rows_sum"]) for r in rs]
                return "**lost updates** in %d/%d runs: median %d of %d öre missing" % (
                    sum(l > 0 for l in lost), len(rs), med(lost), med(tot))
            if bad:
                return "mismatch: " + ",".join(bad)
            fl = [int(r["rows"]) - int(r["created"]) for r in rs]
            return "no loss in %d/%d runs (paid_ore = sum of rows = 201s + %d–%d in flight at stop)" % (
                len(rs), len(rs), min(fl), max(fl))
        non2xx = {v: sum(int(r["non2xx"]) for r in sel[v]) for v in sel}
        note = lambda v: " (%d non-2xx)" % non2xx[v] if non2xx[v] else ""
        print("| %s | %s | %s%s | %s%s | %.2f | %s | %s |" % (
            "SQLite" if backend == "sqlite" else "PostgreSQL",
            "yes" if mode == "idem" else "no",
            f"{m['before']:,.0f}".replace(",", " "), note("before"),
            f"{m['after']:,.0f}".replace(",", " "), note("after"),
            m["after"] / m["before"], verdict(sel["before"]), verdict(sel["after"])))
print()
print("per run (req/s):")
for r in rows:
    print("  %(version)-6s run %(run)s %(backend)-8s %(mode)-5s %(rps)9s  201s %(created)s paid_ore %(paid_ore)s rows %(rows)s lost %(lost)s %(check)s" % r)
EOF
