#!/usr/bin/env bash
# A month of commune sessions held through the session record (lists, a
# batch per group, the cash closed) on PostgreSQL with durable commits,
# printed as member lines per second beside pgbench's TPC-B transactions per
# second measured on the same cluster in the same run; then the month-end
# group ratings and commission and fees over every group.
#
#   bench/sessions.sh [BUILD_DIR]          (make bench-sessions)
#   PROFILE=national bench/sessions.sh     demo, province (default) or national
#   PGBENCH_SECONDS=30 PGBENCH_CLIENTS=8   the TPC-B run
#
# The cluster is private (its own directory under $TDCS_BENCH_DIR, a Unix
# socket, no TCP port) with fsync=on, synchronous_commit=on and
# full_page_writes=on. Figures are whole-command wall times.
set -euo pipefail
build=${1:-build}
tdcs=$(cd "$build" && pwd)/tdcs
profile=${PROFILE:-province}
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
pg="postgresql:///bench?host=$root/pg/socket&user=postgres"

timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$root/last" 2>&1 || { cat "$root/last" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$start $end" | awk '{printf "%.2f", $2 - $1}'
}

echo "TDCS sessions benchmark: profile $profile, $(nproc) cores, PostgreSQL" \
  "$(as_postgres "$bin/postgres" --version | awk '{print $3}'), fsync and synchronous_commit on"
# pgbench's TPC-B on the same cluster, first (the books not yet loaded).
as_postgres "$bin/pgbench" -h "$root/pg/socket" -U postgres -i -s 10 -q pgbench >/dev/null 2>&1
tps=$(as_postgres "$bin/pgbench" -h "$root/pg/socket" -U postgres -c "$clients" -j 2 -T "$seconds" \
  -n pgbench 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}')
echo "pgbench TPC-B, scale 10, $clients clients, ${seconds} s: $tps tps"
load=$(timed "$tdcs" generate --profile "$profile" --db "$pg")
until=$(psql -At "$pg" -c "SELECT current_date_iso FROM business_date")
# The month after the generated history, and its first day, so that the
# month is over for the ratings and fees.
first=$(date -d "$until + 1 day" +%Y-%m-01)
[ "$first" = "$(date -d "$until + 1 day" +%F)" ] || first=$(date -d "$first + 1 month" +%F)
last=$(date -d "$first + 1 month - 1 day" +%F)
month=${first:0:7}
before=$(date -d "$first - 1 day" +%F)
[ "$before" = "$until" ] || "$tdcs" simulate --to "$before" --db "$pg" >/dev/null
simulate=$(timed "$tdcs" simulate --to "$last" --db "$pg")
lines=$(grep -o '[0-9]* khoản thu/payments' "$root/last" | tail -1 | awk '{print $1}')
"$tdcs" simulate --to "$(date -d "$last + 1 day" +%F)" --db "$pg" >/dev/null
rate=$(timed "$tdcs" rate-groups --month "$month" --db "$pg")
groups=$(grep -o 'groups: [0-9]*' "$root/last" | awk '{print $2}')
fees=$(timed "$tdcs" fees run --month "$month" --db "$pg")
echo "load: $load s"
awk -v l="$lines" -v s="$simulate" -v t="$tps" 'BEGIN {
  printf "a month of sessions (%s): %d member lines in %.1f s = %.0f lines/s (%.1f x pgbench tps)\n",
    "'"$month"'", l, s, l / s, (l / s) / t }'
echo "ratings over $groups groups: $rate s; commission and fees: $fees s"
