#!/usr/bin/env bash
# Failover with synchronous streaming replication (docs/OPERATIONS.md
# "Replication and failover"): a primary and a hot standby on unix sockets,
# synchronous_commit=remote_apply, fsync on. Payments are posted one by one
# with `tdcs loan pay --key`; the primary is killed with kill -9 in the middle
# of them; the standby is promoted. Every payment whose command exited 0 is
# on the promoted server exactly once, the books verify (--deep), and sending
# a payment again with its key does not post it twice. Meanwhile
# `tdcs serve --read-db` answers reads from the standby.
set -uo pipefail
tdcs=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/tdcs-failover.XXXXXX)
source "$here/pg_lib.sh"
source "$here/api_lib.sh"
pg_own "$work"
loop_pid=""
serve_pid=""
cleanup() {
  [ -n "$loop_pid" ] && kill "$loop_pid" 2>/dev/null
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
  [ -n "$serve_pid" ] && wait "$serve_pid" 2>/dev/null
  pg_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
txn_of() { sed -n 's/.*giao dịch\/transaction \([0-9]*\),.*/\1/p' <<<"$1"; }

# The primary, its books, then the standby from a base backup of it.
pg_init primary || exit 1
pg_start primary -c fsync=on -c synchronous_commit=remote_apply -c wal_level=replica || exit 1
P=$(pg_uri primary)
"$tdcs" init --db "$P" >/dev/null || exit 1
"$tdcs" generate --profile demo --db "$P" >/dev/null 2>&1 || exit 1
as_postgres pg_basebackup -d "host=$work/primary.sock user=postgres" -D "$work/standby" \
  -R -X stream -c fast || exit 1
# The name the primary's synchronous_standby_names knows the standby by.
echo "primary_conninfo = 'host=$work/primary.sock user=postgres application_name=standby1'" \
  >>"$work/standby/postgresql.auto.conf"
pg_start standby -c fsync=on -c hot_standby=on || exit 1
S=$(pg_uri standby)
pg_sql primary "ALTER SYSTEM SET synchronous_standby_names = 'standby1'" >/dev/null
pg_sql primary "SELECT pg_reload_conf()" >/dev/null
is_sync() {
  [ "$(pg_sql primary "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")" = sync ]
}
wait_for "the standby to be synchronous" is_sync || exit 1
check "the standby is in recovery" test "$(pg_sql standby 'SELECT pg_is_in_recovery()')" = t

# The server: writes (none yet) to the primary, reads from the standby.
"$tdcs" serve --db "$P" --read-db "$S" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
listening_or_gone() { grep -q 'serving at' "$work/serve.out" || ! kill -0 "$serve_pid"; }
wait_for "the server to listen" listening_or_gone
grep -q 'serving at' "$work/serve.out" || { cat "$work/serve.err" >&2; exit 1; }
port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$work/serve.out")
token=$(api_token "$tdcs" "$P" "$port")
check "serve names the read database" grep -q "reads: postgresql: database postgres at $work/standby.sock" "$work/serve.out"

# Payments, one command each, in the background; each one is noted before it
# is sent (attempted) and again once its command exited 0 (acknowledged).
pg_sql primary "SELECT code FROM loan WHERE status = 'active' ORDER BY id LIMIT 400" >"$work/codes"
: >"$work/attempted"
: >"$work/acked"
(
  i=0
  while read -r code; do
    i=$((i + 1))
    amount=$((100000 + i))
    echo "$i $code $amount" >>"$work/attempted"
    if out=$("$tdcs" loan pay "$code" "$amount" --key "pay-$i" --db "$P" 2>&1); then
      echo "$i $code $amount $(txn_of "$out")" >>"$work/acked"
    else
      echo "exit $?: $out" >"$work/failed"
      break
    fi
  done <"$work/codes"
) &
loop_pid=$!
enough_acked() { [ "$(wc -l <"$work/acked")" -ge 25 ]; }
wait_for "25 acknowledged payments" enough_acked || exit 1

# A read through the server comes from the standby, and with remote_apply an
# acknowledged payment is already visible there.
read -r _ first_code _ first_txn <"$work/acked"
loan_json=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/loans/$first_code")
check "a read from the standby shows an acknowledged payment" grep -q "\"id\":$first_txn," <<<"$loan_json"
# The health check: the primary with its synchronous standby, the standby
# streaming from it.
health=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/api/health")
check "health: 200" grep -q ' 200$' <<<"$health"
check "health: the primary and its synchronous standby" \
  grep -q '"database":{"engine":"postgresql","reachable":true,"role":"primary","standbys":\[{"client":"",.*"name":"standby1",.*"state":"streaming","sync_state":"sync"' <<<"$health"
check "health: the read database is a standby, streaming" \
  grep -q '"read_database":{"engine":"postgresql","reachable":true,"receiving":"streaming","replay_delay_seconds":[0-9.e-]*,"role":"standby"}' <<<"$health"
# Reports run on the standby while payments go on.
check "verify runs on the standby" bash -c "'$tdcs' verify --db '$S' >/dev/null 2>&1"
check "export runs on the standby" \
  bash -c "'$tdcs' export borrowers '$work/borrowers.csv' --db '$S' 2>/dev/null && [ \$(wc -l <'$work/borrowers.csv') -eq 8426 ]"

pg_kill primary
wait "$loop_pid"
loop_pid=""
acked=$(wc -l <"$work/acked")
attempted=$(wc -l <"$work/attempted")
check "the payments stopped on a failure, not at their end" test -f "$work/failed"
# It is not acknowledged: it exited non-zero (a storage fault, 3, as a rule;
# anything else is printed for the log, the checks below decide).
grep -q '^exit 3:' "$work/failed" || { echo "note: the failed payment:" >&2; cat "$work/failed" >&2; }
check "the failed payment was not acknowledged" grep -q '^exit [1-9][0-9]*:' "$work/failed"
echo "acknowledged payments: $acked of $attempted sent"

# The primary is gone: the health check says so (503), and that the standby
# still answers.
health=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/api/health")
check "health after the kill: 503, the database unreachable" \
  grep -q '"code":"DATABASE_UNREACHABLE","database":{"engine":"postgresql","reachable":false},"field":"database"' <<<"$health"
check "health after the kill: the standby answers" \
  grep -q '"read_database":{"engine":"postgresql","reachable":true,.*"role":"standby"}.* 503$' <<<"$health"
as_postgres "$pg_bin/pg_ctl" -D "$work/standby" -w -t 60 promote >/dev/null
check "the standby is promoted" test "$(pg_sql standby 'SELECT pg_is_in_recovery()')" = f
check "health: the promoted standby is a primary" \
  bash -c "curl -s 'http://127.0.0.1:$port/api/health' | grep -q '\"read_database\":{\"engine\":\"postgresql\",\"reachable\":true,\"role\":\"primary\",\"standbys\":\[\]}'"

# Every acknowledged payment is there, exactly once, under its key.
missing=0
while read -r i code amount txn; do
  rows=$(pg_sql standby "SELECT count(*) FROM loan_txn t JOIN loan l ON l.id = t.loan_id
                         WHERE l.code = '$code' AND t.kind = 'pay' AND t.amount_dong = $amount")
  result=$(pg_sql standby "SELECT result FROM idempotency_record WHERE kind = 'loan' AND key = 'pay-$i'")
  if [ "$rows" != 1 ] || [ "${result%%:*}" != "$txn" ]; then
    echo "payment $i ($code, $amount đ, transaction $txn): $rows rows, key result '$result'" >&2
    missing=$((missing + 1))
  fi
done <"$work/acked"
check "every acknowledged payment is on the promoted standby once" test "$missing" = 0
check "the books verify on the promoted standby" bash -c "'$tdcs' verify --deep --db '$S' >'$work/verify.out' 2>&1"

# Sent again with their keys, the acknowledged payments are not posted twice;
# the one in doubt (sent when the primary died) is posted once at most.
repeated=0
while read -r i code amount; do
  out=$("$tdcs" loan pay "$code" "$amount" --key "pay-$i" --db "$S" 2>&1) || echo "resend $i: $out" >&2
  if [ "$i" -le "$acked" ]; then
    want=$(sed -n "${i}p" "$work/acked" | cut -d' ' -f4)
    if grep -q 'already posted' <<<"$out" && [ "$(txn_of "$out")" = "$want" ]; then
      repeated=$((repeated + 1))
    fi
  fi
  rows=$(pg_sql standby "SELECT count(*) FROM loan_txn t JOIN loan l ON l.id = t.loan_id
                         WHERE l.code = '$code' AND t.kind = 'pay' AND t.amount_dong = $amount")
  [ "$rows" = 1 ] || echo "payment $i ($code) is there $rows times after a resend" >&2
  [ "$rows" = 1 ] || repeated=-1000000
done <"$work/attempted"
check "a resent acknowledged payment is answered 'already posted', not posted again" \
  test "$repeated" = "$acked"
check "the books still verify" bash -c "'$tdcs' verify --deep --db '$S' >/dev/null 2>&1"
# With a synchronous standby named that does not answer, a payment waits: a
# statement timeout does not cut its commit short and acknowledge it on one
# server. Once the standby is no longer required, the payment (in doubt: it
# may have committed here, or not) sent again with its key is there once.
pg_sql standby "ALTER SYSTEM SET synchronous_standby_names = 'nobody'" >/dev/null
pg_sql standby "SELECT pg_reload_conf()" >/dev/null
waiting_code=$(sed -n "$((attempted + 2))p" "$work/codes")
TDCS_STATEMENT_TIMEOUT_SECONDS=1 timeout 4 "$tdcs" loan pay "$waiting_code" 100000 --key waits \
  --db "$S" >/dev/null 2>&1
check "without its synchronous standby a payment is not acknowledged" test $? -eq 124
pg_sql standby "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null
pg_sql standby "SELECT pg_reload_conf()" >/dev/null
check "sent again, the payment in doubt posts" \
  bash -c "'$tdcs' loan pay '$waiting_code' 100000 --key waits --db '$S' >/dev/null"
check "once" test "$(pg_sql standby "SELECT count(*) FROM loan_txn t JOIN loan l ON l.id = t.loan_id
                                     WHERE l.code = '$waiting_code' AND t.kind = 'pay'")" = 1
# The promoted server takes new payments (no synchronous standby is named on
# it yet: its commits do not wait).
next_code=$(sed -n "$((attempted + 1))p" "$work/codes")
check "the promoted standby takes a new payment" \
  bash -c "'$tdcs' loan pay '$next_code' 100000 --key after-failover --db '$S' >/dev/null"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
