#!/usr/bin/env bash
# Validates the PEPPOL BIS Billing 3.0 documents samverkan issues as a receiving access
# point does: UBL 2.1 XSD, CEN EN 16931 rules 1.3.16 and Peppol BIS Billing 3.0.21 with
# the Swedish SE-R rules, all run offline by ../shared/peppol/validate_ubl.py.
#
# On each backend (a fresh seeded SQLite file, and a fresh PostgreSQL database on
# SAMVERKAN_TEST_PG_URL) it starts the server with a bankgiro and the seller's VAT number,
# issues the matrix of scripts/peppol-matrix.py (invoice and credit notes, full and
# partial; VAT O; VAT S 25 %; O, S, Z and E streams in one period, one invoice per regime;
# buyers with a GLN endpoint and with none; the host invoicing itself; a part-paid
# invoice; a municipality buying in mid-year) and requires every document to pass the XSD with 0 fatal errors and 0
# warnings in every layer.
#
# Needs: curl, psql, python3. SAMVERKAN_PY: a Python with saxonche and lxml (.ci/run
# passes its venv's); otherwise a venv is made under target/ with the pinned versions.
# SAMVERKAN_BIN: a binary built already; otherwise `cargo build`. PEPPOL_RULES (or
# SAMVERKAN_PEPPOL_DIR, which .ci/run exports): the rules' directory (default
# ../shared/peppol). UBL_OUT_DIR: keep the documents and reports there.
set -Eeuo pipefail
trap 'echo "validate-ubl: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
rules=${PEPPOL_RULES:-${SAMVERKAN_PEPPOL_DIR:-../shared/peppol}}
for f in validate_ubl.py CEN-EN16931-UBL-validation-1.3.16.xslt PEPPOL-EN16931-UBL-3.0.21.xslt \
  ubl-2.1-xsd/maindoc/UBL-Invoice-2.1.xsd ubl-2.1-xsd/maindoc/UBL-CreditNote-2.1.xsd; do
  [ -f "$rules/$f" ] || { echo "validate-ubl: the official rules are missing: $rules/$f" >&2; exit 2; }
done

py=${SAMVERKAN_PY:-}
if [ -z "$py" ]; then
  venv=target/peppol-venv
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import saxonche, lxml' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "saxonche==13.1.1" "lxml==6.1.3"
  fi
  py=$venv/bin/python
fi
"$py" -c 'import saxonche, lxml' || { echo "validate-ubl: $py lacks saxonche or lxml" >&2; exit 2; }

bin=${SAMVERKAN_BIN:-}
if [ -z "$bin" ]; then
  cargo build -q -p samverkan-server
  bin=target/debug/samverkan
fi

work=$(mktemp -d)
pid=""
pgdb=""
pg_url=${SAMVERKAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pgdb" ]; then psql -q "$pg_url" -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export SAMVERKAN_JWT_SECRET="validate-ubl-secret-validate-ubl-secret-0123"
export SAMVERKAN_BANKGIRO="5050-1055"
export SAMVERKAN_SELLER_VAT_ID="SE212000274201"
export SAMVERKAN_SEED=true
port=${UBL_PORT:-18097}

run_backend() {
  local name=$1 url=$2 out="$work/$1"
  mkdir -p "$out"
  DATABASE_URL="$url" "$bin" serve --bind "127.0.0.1:$port" >"$work/$name-server.log" 2>&1 &
  pid=$!
  local up=""
  for _ in $(seq 1 200); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && { up=1; break; }
    sleep 0.1
  done
  [ -n "$up" ] || { cat "$work/$name-server.log" >&2; echo "validate-ubl: the server did not start ($name)" >&2; exit 1; }
  local treasurer admin
  treasurer=$(DATABASE_URL="$url" "$bin" token issue --role treasurer | tail -n1)
  admin=$(DATABASE_URL="$url" "$bin" token issue --role admin | tail -n1)
  python3 scripts/peppol-matrix.py "http://127.0.0.1:$port" "$treasurer" "$admin" "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  "$py" "$rules/validate_ubl.py" --json "$out"/*.xml >"$out/report.json" || true
  "$py" - "$out/report.json" "$name" <<'EOF'
import json, sys
report, name = json.load(open(sys.argv[1])), sys.argv[2]
bad = []
for f in report["files"]:
    if not f.get("xsd_ok"):
        bad.append(f"{f['file']}: XSD {f.get('xsd_errors')}")
    for layer in f["layers"]:
        if layer["fired_rules"] == 0:
            bad.append(f"{f['file']}: {layer['layer']} fired no rule")
        for x in layer["fatal"] + layer["warnings"]:
            bad.append(f"{f['file']}: [{x['flag']}] {x['id']}: {x['text']}")
print(f"{name}: {len(report['files'])} documents, "
      f"{sum(len(l['fatal']) for f in report['files'] for l in f['layers'])} fatal, "
      f"{sum(len(l['warnings']) for f in report['files'] for l in f['layers'])} warnings")
for b in bad:
    print("  " + b)
sys.exit(1 if bad or not report["files"] else 0)
EOF
  if [ -n "${UBL_OUT_DIR:-}" ]; then mkdir -p "$UBL_OUT_DIR/$name" && cp "$out"/* "$UBL_OUT_DIR/$name/"; fi
}

run_backend sqlite "sqlite://$work/ubl.db"
pgdb="samverkan_ubl_$$"
psql -q "$pg_url" -c "CREATE DATABASE $pgdb" >/dev/null
run_backend postgres "${pg_url%/*}/$pgdb"
echo "PEPPOL: every document of the matrix passes XSD, EN 16931 and Peppol BIS 3.0.21 with 0 fatal and 0 warnings, on SQLite and PostgreSQL"
