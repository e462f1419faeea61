#!/usr/bin/env bash
# Yearly invoice run benchmark: 290 municipalities × 200 cost streams (synthetic).
# SQLite always (temp file); PostgreSQL too if BENCH_PG_URL points at an EMPTY database
# (e.g. createdb samverkan_bench; BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/samverkan_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p samverkan-persistence --example invoice_run
target/release/examples/invoice_run
if [ -n "${BENCH_PG_URL:-}" ]; then
  target/release/examples/invoice_run "$BENCH_PG_URL"
fi
