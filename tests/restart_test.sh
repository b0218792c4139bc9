#!/usr/bin/env bash
# TDCS across PostgreSQL restarts and lost connections (docs/OPERATIONS.md
# "The server", "Connections and timeouts"):
# - `tdcs serve` answers the first request after `pg_ctl restart` (a lost
#   connection is replaced), answers 503 while the server is down and heals
#   when it is back;
# - TDCS_STATEMENT_TIMEOUT_SECONDS cancels a payment that waits for a locked
#   loan, and the same payment sent again with its key posts once;
# - `tdcs close` whose connection is cut mid-run (pg_terminate_backend) says
#   so and how to go on; run again, it finishes, and the books equal those of
#   a close that was never interrupted.
set -uo pipefail
tdcs=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/tdcs-restart.XXXXXX)
source "$here/pg_lib.sh"
source "$here/api_lib.sh"
pg_own "$work"
serve_pid=""
holder_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null
  pg_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
get() { curl -s -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
answers() {  # answers STATUS PATH [TEXT]: GET PATH is STATUS, its body holds TEXT
  [ "$(get "$2")" = "$1" ] && grep -q -- "${3:-}" "$work/body"
}

pg_init db || exit 1
pg_start db || exit 1
D=$(pg_uri db)
"$tdcs" init --db "$D" >/dev/null || exit 1
"$tdcs" generate --profile demo --db "$D" >/dev/null 2>&1 || exit 1
loan=$(pg_sql db "SELECT code FROM loan WHERE status = 'active' ORDER BY id LIMIT 1")

# The server, with 4 connections (and threads).
TDCS_DB_POOL=4 "$tdcs" serve --db "$D" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
listening_or_gone() { grep -q 'serving at' "$work/serve.out" || ! kill -0 "$serve_pid"; }
wait_for "the server to listen" listening_or_gone
grep -q 'serving at' "$work/serve.out" || { cat "$work/serve.err" >&2; exit 1; }
port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$work/serve.out")
token=$(api_token "$tdcs" "$D" "$port")
check "health before the restart" answers 200 /api/health '"reachable":true'
# Requests at once, so that the pool likely holds more than one connection:
# every idle one is lost with the restart.
for _ in 1 2 3 4; do curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/loans/$loan" & done
wait $(jobs -p | grep -v "^$serve_pid$")

as_postgres "$pg_bin/pg_ctl" -D "$work/db" -m fast -w -t 60 restart >/dev/null || exit 1
check "the first read after a restart is answered" answers 200 "/api/loans/$loan" "\"code\":\"$loan\""
check "health after a restart" answers 200 /api/health '"reachable":true,"role":"primary"'
check "the network summary after a restart" answers 200 /api/network/summary '"borrowers":8425'

pg_stop db
check "health while the database is down: 503" answers 503 /api/health \
  '"code":"DATABASE_UNREACHABLE","database":{"engine":"postgresql","reachable":false}'
check "a read while the database is down: 503 STORAGE_FAULT" \
  answers 503 "/api/loans/$loan" '"code":"STORAGE_FAULT"'
check "the fault is in the server's log" grep -q "GET /api/health: postgres connect" "$work/serve.err"
pg_start db || exit 1
check "health once the database is back" answers 200 /api/health '"reachable":true'
check "a read once the database is back" answers 200 "/api/loans/$loan" "\"code\":\"$loan\""
kill "$serve_pid"
wait "$serve_pid"
check "the server stops with status 0" test $? -eq 0
serve_pid=""

# A statement timeout: a payment waiting for a loan another session holds
# locked is cancelled, and posts once when sent again with its key.
psql "$D" -X -q -c "BEGIN; SELECT id FROM loan WHERE code = '$loan' FOR UPDATE; SELECT pg_sleep(120)" \
  >/dev/null 2>&1 &
holder_pid=$!
holding() {
  [ "$(pg_sql db "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND state = 'active' AND pid <> pg_backend_pid()")" = 1 ]
}
wait_for "the loan to be locked" holding || exit 1
TDCS_STATEMENT_TIMEOUT_SECONDS=1 "$tdcs" loan pay "$loan" 123456 --key timed --db "$D" >"$work/pay.out" 2>&1
check "a payment waiting past the statement timeout fails (exit 3)" test $? -eq 3
check "and says it was the statement timeout" grep -q 'statement timeout' "$work/pay.out"
pg_sql db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$holder_pid" 2>/dev/null
holder_pid=""
check "sent again with its key, the payment posts" \
  bash -c "TDCS_STATEMENT_TIMEOUT_SECONDS=1 '$tdcs' loan pay '$loan' 123456 --key timed --db '$D' >/dev/null"
check "once" test "$(pg_sql db "SELECT count(*) FROM loan_txn WHERE amount_dong = 123456")" = 1

# An end of day whose connection is cut: first a copy of the books to close
# without interruption, for comparison.
pg_sql db "CREATE DATABASE reference TEMPLATE postgres" >/dev/null || exit 1
REF="postgresql:///reference?host=$work/db.sock&user=postgres"
fingerprint() {
  psql "$1" -X -q -A -t -c "SELECT (SELECT count(*) || ' ' || sum(amount_dong) FROM loan_txn) || ' ' ||
      (SELECT count(*) FROM journal_entry) || ' ' || (SELECT count(*) FROM posting) || ' ' ||
      (SELECT md5(string_agg(account_code || program_code || fund_source || ':' || office_id || '=' ||
                             balance_dong, ',' ORDER BY account_code, program_code, fund_source, office_id))
         FROM ledger_balance) || ' ' ||
      (SELECT sum(balance_dong) FROM savings_account) || ' ' ||
      (SELECT count(*) FROM close_run) || ' ' || (SELECT current_date_iso FROM business_date)"
}
PGAPPNAME=tdcs-close "$tdcs" close --to 2026-09-30 --yes --db "$D" >"$work/close1.out" 2>&1 &
close_pid=$!
a_day_closed() {
  [ "$(pg_sql db "SELECT count(*) FROM close_run WHERE run_date > '2026-06-30'")" -ge 1 ] ||
    ! kill -0 "$close_pid"
}
wait_for "the close to finish a day" a_day_closed
pg_sql db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tdcs-close'" >/dev/null
wait "$close_pid"
close_status=$?
if [ "$close_status" -eq 0 ]; then
  echo "(the close finished before its connection was cut)"
else
  check "a close that lost its connection exits 3" test "$close_status" -eq 3
  check "and says to run it again" grep -q 'run the same command again to go on' "$work/close1.out"
  echo "the close was cut after closing up to $(pg_sql db "SELECT current_date_iso FROM business_date")"
fi
check "run again, the close finishes" \
  bash -c "'$tdcs' close --to 2026-09-30 --yes --db '$D' >'$work/close2.out' 2>&1"
"$tdcs" close --to 2026-09-30 --yes --db "$REF" >/dev/null 2>&1 || exit 1
check "the books equal those of a close never interrupted" \
  test "$(fingerprint "$D")" = "$(fingerprint "$REF")"
check "the books verify (--deep)" bash -c "'$tdcs' verify --deep --db '$D' >/dev/null 2>&1"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
