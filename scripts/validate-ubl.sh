#!/usr/bin/env bash
# Validates the PEPPOL BIS Billing 3.0 XML samverkan generates against the UBL 2.1 XSD.
# Starts the server on a fresh seeded SQLite database, approves and issues a demo
# invoice (2021, Boden) and its credit note, fetches both as UBL and runs xmllint.
# Needs: cargo, curl, xmllint (libxml2-utils), python3 (pip installs eu-einvoice, which
# bundles the UBL 2.1 schemas, into a throwaway venv unless UBL_XSD_DIR is set).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ -z "${UBL_XSD_DIR:-}" ]; then
  python3 -m venv "$work/venv" >/dev/null
  "$work/venv/bin/pip" install -q eu-einvoice
  UBL_XSD_DIR=$(dirname "$(find "$work/venv" -name UBL-Invoice-2.1.xsd | head -1)")
fi
[ -f "$UBL_XSD_DIR/UBL-Invoice-2.1.xsd" ] || { echo "UBL 2.1 XSD not found" >&2; exit 2; }

# SAMVERKAN_BIN: a binary built already (see scripts/api-fuzz.sh).
bin=${SAMVERKAN_BIN:-}
if [ -z "$bin" ]; then
  cargo build -q -p samverkan-server
  bin=target/debug/samverkan
fi
export DATABASE_URL="sqlite://$work/ubl.db"
export SAMVERKAN_JWT_SECRET="validate-ubl-secret-validate-ubl-secret-0123"
port=${UBL_PORT:-18097}
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
token=$("$bin" token issue --role treasurer | tail -1)
auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/json")
id=$(curl -fs "${auth[@]}" "$base/invoices?municipality=2582&period=2021" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -fs "${auth[@]}" -X POST "$base/invoices/$id/approval" -d '{}' >/dev/null
curl -fs "${auth[@]}" -X POST "$base/invoices/$id/issue" -d '{"issue_date":"2021-02-01","due_date":"2021-03-03","buyer_reference":"Boden <4711> & Co"}' >/dev/null
cn=$(curl -fs "${auth[@]}" -X POST "$base/invoices/$id/credit-notes" -d '{"reason":"test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -fs "${auth[@]}" -X POST "$base/invoices/$cn/approval" -d '{}' >/dev/null
curl -fs "${auth[@]}" -X POST "$base/invoices/$cn/issue" -d '{"issue_date":"2021-04-01","buyer_reference":"Boden"}' >/dev/null
curl -fs "${auth[@]}" "$base/invoices/$id/ubl" >"$work/invoice.xml"
curl -fs "${auth[@]}" "$base/invoices/$cn/ubl" >"$work/credit-note.xml"
xmllint --noout --schema "$UBL_XSD_DIR/UBL-Invoice-2.1.xsd" "$work/invoice.xml"
xmllint --noout --schema "$UBL_XSD_DIR/UBL-CreditNote-2.1.xsd" "$work/credit-note.xml"
if [ -n "${UBL_OUT_DIR:-}" ]; then cp "$work/invoice.xml" "$work/credit-note.xml" "$UBL_OUT_DIR/"; fi
echo "UBL 2.1 XSD: invoice and credit note valid"
