#!/usr/bin/env bash
# Generated clients: the committed spec must give a Python client (openapi-python-client)
# and TypeScript types (openapi-typescript) without a warning, and the Python client must
# work against a running server (scripts/client/smoke.py: a decision sync through a
# correction and a withdrawal, a municipality's invoices with UBL and CSV).
# Needs openapi-python-client on PATH (.ci/requirements.txt, in CI's venv) and
# NODE_TOOLS: a directory with node_modules/.bin/openapi-typescript (.ci/lint).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { printf 'client smoke: %s\n' "$*" >&2; exit 1; }
command -v openapi-python-client >/dev/null ||
  fail "openapi-python-client not found: install .ci/requirements.txt into a venv and put it on PATH"
ts="${NODE_TOOLS:?NODE_TOOLS must name the node tools directory}/node_modules/.bin/openapi-typescript"
[ -x "$ts" ] || fail "$ts not found: npm ci in .ci/lint"
py=${SAMVERKAN_PY:-python3}
bin=${SAMVERKAN_BIN:-}
if [ -z "$bin" ]; then
  cargo build -q -p samverkan-server
  bin=target/debug/samverkan
fi
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

openapi-python-client generate --path openapi/openapi.json --meta none \
  --config scripts/client/openapi-python-client.yml \
  --output-path "$tmp/samverkan_client" >"$tmp/generate.log" 2>&1 ||
  { cat "$tmp/generate.log"; fail "openapi-python-client failed"; }
if grep -qiE 'warning|unable|error' "$tmp/generate.log"; then
  cat "$tmp/generate.log"
  fail "openapi-python-client warned"
fi
echo "openapi-python-client: $(find "$tmp/samverkan_client/models" -name '*.py' | wc -l) models, no warning"
"$ts" openapi/openapi.json -o "$tmp/samverkan.d.ts" >"$tmp/ts.log" 2>&1 ||
  { cat "$tmp/ts.log"; fail "openapi-typescript failed"; }
if grep -qiE 'warn|error' "$tmp/ts.log"; then
  cat "$tmp/ts.log"
  fail "openapi-typescript warned"
fi
echo "openapi-typescript: $(wc -l <"$tmp/samverkan.d.ts") lines, no warning"

port=${PORT:-18098}
export SAMVERKAN_JWT_SECRET="client-smoke-secret-$(date +%s%N)-0123456789"
export DATABASE_URL="sqlite://$tmp/smoke.db" SAMVERKAN_BANKGIRO="5050-1055"
SAMVERKAN_RATE_LIMIT_TOKEN=0 SAMVERKAN_RATE_LIMIT_ANONYMOUS=0 \
  "$bin" serve --bind "127.0.0.1:$port" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 1 200); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && break
  sleep 0.05
done
curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" || { cat "$tmp/server.log"; fail "server not ready"; }
secretary=$("$bin" token issue --role secretary --sub client-smoke-secretary --ttl 1h | tail -n1)
treasurer=$("$bin" token issue --role treasurer --sub client-smoke-treasurer --ttl 1h | tail -n1)
municipality=$("$bin" token issue --role municipality --municipality 2580 --sub client-smoke-lulea --ttl 1h | tail -n1)
PYTHONPATH="$tmp" "$py" scripts/client/smoke.py \
  "http://127.0.0.1:$port" "$secretary" "$treasurer" "$municipality" 2580 ||
  { tail -n 20 "$tmp/server.log"; fail "the generated client's smoke test failed"; }
# The feeds, read by feedparser and icalendar after the correction and the withdrawal.
"$py" scripts/client/feeds.py "http://127.0.0.1:$port" ||
  { tail -n 20 "$tmp/server.log"; fail "the feeds did not read as the JSON lists"; }
