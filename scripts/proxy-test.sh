#!/usr/bin/env bash
# The production shape without Docker: PostgreSQL, migrations run once, two samverkan
# replicas and Debian's nginx in front with deploy/nginx.conf (the file docker-compose.yml
# mounts; only the upstream addresses and the port are replaced). Sends traffic through
# the proxy and checks that both replicas serve it, that a write through the proxy is
# visible on both, that a replica going down costs no request, and that responses are
# compressed.
#
# Needs: nginx (installed with apt-get when missing and running as root), curl, psql.
# SAMVERKAN_BIN: a built binary (default: cargo build). SAMVERKAN_TEST_PG_URL: the
# PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres).
set -Eeuo pipefail
trap 'echo "proxy-test: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "proxy-test: nginx is not installed" >&2; exit 2
  fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
bin=${SAMVERKAN_BIN:-}
if [ -z "$bin" ]; then cargo build -q -p samverkan-server; bin=target/debug/samverkan; fi

work=$(mktemp -d)
pg_url=${SAMVERKAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db="samverkan_proxy_$$"
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "proxy-test: $*" >&2; for f in "$work"/*.log; do echo "== $f" >&2; tail -n 20 "$f" >&2; done; exit 1; }

psql -q "$pg_url" -c "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="${pg_url%/*}/$db"
export SAMVERKAN_JWT_SECRET="proxy-test-secret-proxy-test-secret-0123456"
# Migrations and the demo data once, before the replicas (which do not migrate).
"$bin" seed >/dev/null
base=${PROXY_PORT:-18120}
p1=$((base + 1)); p2=$((base + 2))
for port in $p1 $p2; do
  SAMVERKAN_MIGRATE=false SAMVERKAN_SEED=false SAMVERKAN_TRUSTED_PROXIES=127.0.0.1 \
    "$bin" serve --bind "127.0.0.1:$port" >"$work/api-$port.log" 2>&1 &
  pids+=($!)
done
for port in $p1 $p2; do
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
  curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" || fail "replica on $port did not start"
done

sed -e "s/server api1:8080/server 127.0.0.1:$p1/" -e "s/server api2:8080/server 127.0.0.1:$p2/" \
    -e "s/listen 8080;/listen 127.0.0.1:$base;/" \
    -e "s#access_log /dev/stdout upstream;#access_log $work/access.log upstream;#" \
    -e "s#^worker_processes auto;#worker_processes 1;\npid $work/nginx.pid;\nerror_log $work/nginx-error.log;#" \
    -e "s#^http {#http {\n    client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;#" \
    deploy/nginx.conf >"$work/nginx.conf"
grep -q "server 127.0.0.1:$p1" "$work/nginx.conf" || fail "deploy/nginx.conf has no upstream api1:8080"
mkdir -p "$work/tmp"
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log"
proxy="http://127.0.0.1:$base"
for _ in $(seq 1 50); do curl -fs -o /dev/null "$proxy/nginx-health" && break; sleep 0.1; done

# 1. Traffic through the proxy reaches both replicas.
for i in $(seq 1 60); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$proxy/api/v1/decisions?limit=5")
  [ "$code" = 200 ] || fail "GET through the proxy answered $code"
done
for port in $p1 $p2; do
  grep -q "127.0.0.1:$port" "$work/access.log" || fail "replica $port served nothing"
done
# 2. A write through the proxy is seen by both replicas (one database).
token=$("$bin" token issue --role admin --ttl 1h | tail -n1)
code=$(curl -s -o "$work/post.json" -w '%{http_code}' -X POST "$proxy/api/v1/municipalities/2580/populations" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"date":"2031-12-31","count":80001,"source":"proxy-test"}')
[ "$code" = 201 ] || fail "POST through the proxy answered $code: $(cat "$work/post.json")"
for port in $p1 $p2; do
  curl -fs "http://127.0.0.1:$port/api/v1/municipalities/2580/populations" | grep -q '"count":80001' \
    || fail "replica $port does not see the write"
done
# 3. Compressed responses.
enc=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "$proxy/api/v1/decisions?limit=50" | tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding"{print $2}')
[ "$enc" = gzip ] || fail "no gzip through the proxy (Content-Encoding: $enc)"
# 4. A client cannot choose its address: nginx replaces X-Forwarded-For, the replicas
# trust it from the proxy only.
curl -fs -o /dev/null -H 'X-Forwarded-For: 203.0.113.66' "$proxy/api/v1/members?limit=1" || fail "GET with X-Forwarded-For failed"
sleep 0.2
if grep -h '203.0.113.66' "$work"/api-*.log; then fail "a client-supplied X-Forwarded-For was trusted"; fi
grep -hq 'route="/api/v1/members".*client="127.0.0.1"' "$work"/api-*.log || fail "no request line with the proxy's client address"
# 5. One replica down: no request fails.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
for i in $(seq 1 30); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$proxy/api/v1/municipalities")
  [ "$code" = 200 ] || fail "with one replica down a GET answered $code"
done
echo "proxy-test: nginx → 2 replicas → PostgreSQL: traffic on both, writes shared, gzip, X-Forwarded-For not spoofable, one replica down without a failed request"
