#!/usr/bin/env bash
# A month of commune sessions held through the session record (lists, a
# batch per group, the cash closed), durable commits, printed as member lines
# per second beside pgbench's TPC-B transactions per second measured on the
# same machine in the same run; then the month-end group ratings and the
# commission and fees over every group.
#
#   bench/sessions.sh [BUILD_DIR]          (make bench-sessions)
#   PROFILE=national bench/sessions.sh     demo, province (default) or national
#   ENGINE=postgres bench/sessions.sh      the books on PostgreSQL instead of
#                                          the embedded store (SQLite)
#   BOOKS=FILE bench/sessions.sh           start from a copy of a generated
#                                          SQLite book (its generation not timed)
#   PGBENCH_SECONDS=30 PGBENCH_CLIENTS=8   the TPC-B runs
#
# pgbench runs twice on a private cluster (its own directory under
# $TDCS_BENCH_DIR, a Unix socket, no TCP port, fsync=on,
# synchronous_commit=on, full_page_writes=on): as it runs by default, one
# client (one stream of durable transactions, as the sessions are posted),
# and with PGBENCH_CLIENTS clients. SQLite runs in WAL mode with
# synchronous=FULL on the same disk. Figures are whole-command wall times;
# the posting rate is the one `tdcs simulate` prints for its sessions (the
# end of day of each day timed apart), and the whole month is printed too.
set -euo pipefail
build=${1:-build}
tdcs=$(cd "$build" && pwd)/tdcs
profile=${PROFILE:-province}
engine=${ENGINE:-sqlite}
seconds=${PGBENCH_SECONDS:-30}
clients=${PGBENCH_CLIENTS:-8}
root=${TDCS_BENCH_DIR:-/tmp}/tdcs-sessions-$$
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$root/pg/socket"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_postgres "$bin/pg_ctl" -D "$root/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown -R postgres "$root/pg"
as_postgres "$bin/initdb" -D "$root/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  >"$root/pg/initdb.log"
as_postgres "$bin/pg_ctl" -D "$root/pg/data" -l "$root/pg/server.log" -w \
  -o "-c listen_addresses='' -k $root/pg/socket -c fsync=on -c synchronous_commit=on \
      -c full_page_writes=on -c wal_sync_method=fdatasync -c shared_buffers=1GB \
      -c max_wal_size=8GB -c checkpoint_timeout=30min" start >/dev/null
server="postgresql:///postgres?host=$root/pg/socket&user=postgres"
psql -q "$server" -c "CREATE DATABASE bench" -c "CREATE DATABASE pgbench" >/dev/null
if [ "$engine" = postgres ]; then
  db="postgresql:///bench?host=$root/pg/socket&user=postgres"
  query() { psql -At "$db" -c "$1"; }
else
  db="$root/books.db"
  query() { sqlite3 "$db" "$1"; }
fi

timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$root/last" 2>&1 || { cat "$root/last" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$start $end" | awk '{printf "%.2f", $2 - $1}'
}

echo "TDCS sessions benchmark: profile $profile, $(nproc) cores, books on $engine" \
  "(PostgreSQL $(as_postgres "$bin/postgres" --version | awk '{print $3}') for pgbench)," \
  "durable commits"
# pgbench's TPC-B on the same machine, first (the books not yet loaded).
as_postgres "$bin/pgbench" -h "$root/pg/socket" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1
pgbench_tps() {
  as_postgres "$bin/pgbench" -h "$root/pg/socket" -U postgres -c "$1" -j "$2" -T "$seconds" \
    -n pgbench 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}'
}
tps1=$(pgbench_tps 1 1)
tpsn=$(pgbench_tps "$clients" 2)
echo "pgbench TPC-B, scale 10, ${seconds} s: $tps1 tps (1 client, as by default)," \
  "$tpsn tps ($clients clients)"
if [ -n "${BOOKS:-}" ] && [ "$engine" = sqlite ]; then
  cp "$BOOKS" "$db"
  load="(a copy of $BOOKS)"
else
  load="$(timed "$tdcs" generate --profile "$profile" --db "$db") s"
fi
until=$(query "SELECT current_date_iso FROM business_date")
# The month after the generated history, and its first day, so that the
# month is over for the ratings and fees.
first=$(date -d "$until + 1 day" +%Y-%m-01)
[ "$first" = "$(date -d "$until + 1 day" +%F)" ] || first=$(date -d "$first + 1 month" +%F)
last=$(date -d "$first + 1 month - 1 day" +%F)
month=${first:0:7}
before=$(date -d "$first - 1 day" +%F)
[ "$before" = "$until" ] || "$tdcs" simulate --to "$before" --db "$db" >/dev/null
simulate=$(timed "$tdcs" simulate --to "$last" --db "$db")
summary=$(tail -1 "$root/last")
lines=$(echo "$summary" | grep -o '[0-9]* khoản thu/payments' | awk '{print $1}')
posting=$(echo "$summary" | grep -o 'sessions [0-9.]* s' | awk '{print $2}')
close=$(echo "$summary" | grep -o 'end of day [0-9.]* s' | awk '{print $4}')
"$tdcs" simulate --to "$(date -d "$last + 1 day" +%F)" --db "$db" >/dev/null
rate=$(timed "$tdcs" rate-groups --month "$month" --db "$db")
groups=$(grep -o 'groups: [0-9]*' "$root/last" | awk '{print $2}')
fees=$(timed "$tdcs" fees run --month "$month" --db "$db")
echo "load: $load; database $(du -h "$db" 2>/dev/null | cut -f1)"
awk -v l="$lines" -v p="$posting" -v c="$close" -v s="$simulate" -v t1="$tps1" -v tn="$tpsn" \
  -v m="$month" 'BEGIN {
  printf "a month of sessions (%s): %d member lines posted in %.1f s = %.0f lines/s" \
    " (%.1f x pgbench tps with 1 client, %.1f x with many)\n", m, l, p, l / p, (l / p) / t1,
    (l / p) / tn
  printf "the whole month with its end of day (%.1f s): %.1f s = %.0f lines/s\n", c, s, l / s }'
echo "month end: ratings over $groups groups: $rate s; commission and fees: $fees s;" \
  "together $(echo "$rate + $fees" | bc) s"
