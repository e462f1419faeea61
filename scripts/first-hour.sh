#!/usr/bin/env bash
# The release check: a newcomer's first hour, by machine. Clones the repository into an
# empty folder and runs the README's "Run it", "Test it" and "Examples" code blocks
# verbatim, in one shell, with a fresh target directory (the clone's own target/, so
# two clean builds: release and test), then checks what they printed. It is not part of
# .ci/run (which builds once, incrementally); run it before a release.
#
# Needs what the README's "Before you start" names, PostgreSQL for SAMVERKAN_TEST_PG_URL
# (as `cargo test` does) and port 8080 free (the README's server listens there).
# Usage: scripts/first-hour.sh [REPOSITORY]   (default: this checkout; its committed HEAD)
# KEEP=1 keeps the folder (clone, target/, log) for a look afterwards.
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/samverkan-first-hour.XXXXXX")
cleanup() {
  if [ "${KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "first-hour: $*" >&2; exit 1; }
started=$SECONDS

if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  fail "port 8080 is in use; the README's server needs it"
fi

git clone -q "$repo" "$work/samverkan"
cd "$work/samverkan"
git log -1 --format='first-hour: %h %s'
# A fresh build, as a newcomer's: no shared target directory, no secret from outside.
unset CARGO_TARGET_DIR SAMVERKAN_JWT_SECRET DATABASE_URL SAMVERKAN_BIN

# The ```sh blocks of one README section, as they stand.
blocks() {
  python3 - "$1" <<'PY'
import re, sys
text = open("README.md", encoding="utf-8").read()
m = re.search(r"^## " + re.escape(sys.argv[1]) + r"\n(.*?)(?=^## )", text, re.M | re.S)
if not m:
    sys.exit(f"README has no section {sys.argv[1]!r}")
code = re.findall(r"^```sh\n(.*?)^```", m.group(1), re.M | re.S)
if not code:
    sys.exit(f"README section {sys.argv[1]!r} has no sh block")
print("".join(code), end="")
PY
}
{
  echo 'set -euo pipefail'
  # The README's server runs in the background of this shell: stopped at the end.
  echo 'trap '\''kill $(jobs -p) 2>/dev/null || true'\'' EXIT'
  echo 'echo "== README: Run it"'
  blocks "Run it"
  echo 'echo; echo "== README: Test it"'
  blocks "Test it"
  echo 'echo "== README: Examples"'
  blocks "Examples"
} >"$work/readme.sh"
echo "first-hour: running the README's commands ($work/readme.sh):"
sed 's/^/  | /' "$work/readme.sh"

timeout 3600 bash "$work/readme.sh" 2>&1 | tee "$work/log" || fail "a README command failed (log above)"

log=$(cat "$work/log")
check() { grep -qE -- "$1" <<<"$log" || fail "expected /$1/ in the output: $2"; }
check '"count":79244' "the authenticated write of Run it"
check '^test result: ok\. [1-9][0-9]* passed; 0 failed' "cargo test --workspace"
! grep -qE '^test result: FAILED|[1-9][0-9]* failed' <<<"$log" || fail "a test failed"
check '"scb_code": "2580"' "the municipality list of Examples"
check '"name": "Luleå"|"name":"Luleå"' "Examples"
echo  # the last example prints no final newline
echo "first-hour: passed in $((SECONDS - started)) s"
