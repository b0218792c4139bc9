#!/usr/bin/env bash
# The HTTP API under load on loopback (wrk, 64 connections): borrower pages,
# loan views and payment posts on a generated book, signed in with a bearer
# token. Prints wrk's requests per second, latency percentiles and any
# answer that was not 2xx.
#
#   bench/api_load.sh [BUILD_DIR]          (make bench-api)
#   PROFILE=demo|province (default) DURATION=20 CONNECTIONS=64 POOL=8
set -euo pipefail
build=${1:-build}
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
profile=${PROFILE:-province}
duration=${DURATION:-20}
connections=${CONNECTIONS:-64}
pool=${POOL:-8}
if ! command -v wrk >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
root=$(mktemp -d "${TDCS_BENCH_DIR:-/tmp}/tdcs-api.XXXXXX")
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT
db="$root/$profile.db"
"$build/tdcs" generate --profile "$profile" --seed 1 --db "$db" >/dev/null
printf 'mat-khau-tai-thu\n' | "$build/tdcs" user add bench.admin --role admin --db "$db" >/dev/null
sqlite3 "$db" "SELECT code FROM borrower ORDER BY random() LIMIT 5000" >"$root/borrowers"
sqlite3 "$db" "SELECT code FROM loan WHERE status = 'active' ORDER BY random() LIMIT 20000" >"$root/loans"
today=$(sqlite3 "$db" "SELECT current_date_iso FROM business_date")
port=$((20000 + $$ % 20000))
"$build/tdcs" serve --db "$db" --port "$port" --db-pool "$pool" >"$root/serve.out" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
token=$(curl -s -c - -H 'Content-Type: application/json' \
  -d '{"login":"bench.admin","password":"mat-khau-tai-thu"}' \
  "http://127.0.0.1:$port/api/session" | awk '$6 == "tdcs_session" { print $7 }')
echo "TDCS API load: profile $profile ($(wc -l <"$root/loans") active loans sampled), $(nproc) cores," \
  "SQLite, $connections connections, $pool threads, ${duration} s each"
run() {  # run NAME SCRIPT CODES [PREFIX SUFFIX]
  echo "== $1"
  TOKEN=$token CODES=$3 PREFIX=${4:-} SUFFIX=${5:-} DATE=$today \
    wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$here/wrk/$2" "http://127.0.0.1:$port" |
    grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors|requests in'
}
run "borrower pages: GET /api/borrowers/{code}" lookup.lua "$root/borrowers" /api/borrowers/
run "loan views: GET /api/loans/{code}" lookup.lua "$root/loans" /api/loans/
pays() { sqlite3 "$db" "SELECT COUNT(*) FROM loan_txn WHERE kind = 'pay' AND txn_date = '$today'"; }
before=$(pays)
run "payments: POST /api/loans/{code}/actions (pay, durable)" pay.lua "$root/loans"
# The server stops once the payments still queued have committed.
kill "$server" && wait "$server" 2>/dev/null || true
server=""
audited=$(sqlite3 "$db" "SELECT COUNT(*) FROM audit_record WHERE action = 'loan.pay'")
echo "payments posted: $(($(pays) - before)); their audit records: $audited"
grep 'group commits' "$root/serve.out" || true
"$build/tdcs" verify --db "$db" | tail -1
