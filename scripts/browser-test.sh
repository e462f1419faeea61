#!/usr/bin/env bash
# The intranet widget and the public pages in a real browser: Debian's chromium driven by
# playwright-core (scripts/browser/widget.mjs). Starts samverkan on a fresh seeded SQLite
# file and an "intranet" page on another origin that embeds both components with the
# snippet of the README; checks the rendered items against the API, the Swedish labels,
# no request outside the two origins, and axe-core (0 serious or critical violations).
# Screenshots are written to $SHOTS (default target/browser-shots): CI artefacts.
#
# Environment: SAMVERKAN_BIN (a built binary; default: cargo build), CHROMIUM (default
# the chromium on PATH), NODE_TOOLS (a folder with node_modules holding playwright-core
# and axe-core: .ci/run installs .ci/lint/package-lock.json there).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SAMVERKAN_BIN:-}
if [ -z "$bin" ]; then
  cargo build -q -p samverkan-server
  bin=target/debug/samverkan
fi
chromium=${CHROMIUM:-$(command -v chromium || true)}
[ -x "$chromium" ] || { echo "chromium not found (apt-get install chromium)" >&2; exit 1; }
[ -d "${NODE_TOOLS:-}/node_modules/playwright-core" ] ||
  { echo "NODE_TOOLS must hold node_modules with playwright-core and axe-core" >&2; exit 1; }
shots=${SHOTS:-target/browser-shots}
mkdir -p "$shots"
tmp=$(mktemp -d)
api_port=${API_PORT:-18098}
page_port=${PAGE_PORT:-18099}
SAMVERKAN_RATE_LIMIT_ANONYMOUS=0 DATABASE_URL="sqlite://$tmp/widget.db" \
  "$bin" serve --bind "127.0.0.1:$api_port" 2>"$tmp/server.log" &
api_pid=$!
cat >"$tmp/index.html" <<HTML
<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Kalix kommuns intranät</title></head>
<body><main><h1>Startsida</h1>
<script src="http://127.0.0.1:$api_port/widget/samverkan.js" defer></script>
<samverkan-decisions api="http://127.0.0.1:$api_port" limit="5"></samverkan-decisions>
<samverkan-status api="http://127.0.0.1:$api_port" municipality="2514"></samverkan-status>
</main></body></html>
HTML
python3 -m http.server "$page_port" --bind 127.0.0.1 --directory "$tmp" >"$tmp/page.log" 2>&1 &
page_pid=$!
trap 'kill $api_pid $page_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$api_port/health/ready" && break; sleep 0.05; done
for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$page_port/index.html" && break; sleep 0.05; done
API="http://127.0.0.1:$api_port" PAGE="http://127.0.0.1:$page_port/index.html" \
  CHROMIUM="$chromium" SHOTS="$shots" NODE_PATH="$NODE_TOOLS/node_modules" \
  timeout 120 node scripts/browser/widget.mjs
echo "screenshots: $shots"
