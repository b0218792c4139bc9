#!/usr/bin/env bash
# SQLite and PostgreSQL side by side on the bulk paths, each with durable
# commits: the same generated books loaded, then a month of commune sessions
# with their end of day, then end of day alone, then verify --deep and the
# network summary; last, the generated borrowers and memberships exported and
# imported into an empty database.
#
#   bench/engines.sh [BUILD_DIR]          (make bench-engines)
#   PROFILE=province bench/engines.sh     demo (default), province or national
#   MONTHS=1                              months of sessions to simulate
#
# PostgreSQL runs in a private cluster started here (its own directory under
# $TDCS_BENCH_DIR, a Unix socket, no TCP port) with fsync=on,
# synchronous_commit=on and full_page_writes=on: every commit is on disk
# before it is acknowledged, as SQLite's synchronous=FULL. Both engines write
# to the same disk. Figures are whole-command wall times.
set -euo pipefail
build=${1:-build}
tdcs=$(cd "$build" && pwd)/tdcs
profile=${PROFILE:-demo}
months=${MONTHS:-1}
root=${TDCS_BENCH_DIR:-/tmp}/tdcs-engines-$$
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
# Durable settings (the defaults, stated) and a production-like memory size.
as_postgres "$bin/pg_ctl" -D "$root/pg/data" -l "$root/pg/server.log" -w \
  -o "-c listen_addresses='' -k $root/pg/socket -c fsync=on -c synchronous_commit=on \
      -c full_page_writes=on -c wal_sync_method=fdatasync -c shared_buffers=1GB \
      -c max_wal_size=8GB -c checkpoint_timeout=30min" start >/dev/null
server="postgresql:///postgres?host=$root/pg/socket&user=postgres"
psql -q "$server" -c "CREATE DATABASE bench" >/dev/null
pg="postgresql:///bench?host=$root/pg/socket&user=postgres"
sqlite=$root/bench.db

echo "TDCS engines benchmark: profile $profile, $months month(s) of sessions, $(nproc) cores"
echo "PostgreSQL $(as_postgres "$bin/postgres" --version | awk '{print $3}'):" \
  "$(psql -At "$pg" -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')")"
echo "SQLite: WAL, synchronous=FULL"

# Runs a command, prints its wall time in seconds; its output goes to $root/last.
timed() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$root/last" 2>&1 || { cat "$root/last" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$start $end" | awk '{printf "%.2f", $2 - $1}'
}

declare -A load rows sessions rate close verify import imported summary
# The files the import path reads: the generated network, groups, borrowers
# and memberships, exported once (from SQLite) and imported into an empty
# database on each engine.
files=$root/files
mkdir -p "$files"
for engine in sqlite postgres; do
  db=$sqlite
  [ $engine = postgres ] && db=$pg
  load[$engine]=$(timed "$tdcs" generate --profile "$profile" --db "$db")
  rows[$engine]=$(grep -o '[0-9]* rows in' "$root/last" | awk '{print $1}')
  until=$(date -d "2026-06-30 + $months month" +%F)
  sessions[$engine]=$(timed "$tdcs" simulate --to "$until" --db "$db")
  rate[$engine]=$(grep -o '([0-9]* payments/s)' "$root/last" | tr -d '(' | awk '{print $1}')
  payments=$(grep -o '[0-9]* khoản thu' "$root/last" | awk '{print $1}')
  close_to=$(date -d "$until + 1 month" +%F)
  close[$engine]=$(timed "$tdcs" close --to "$close_to" --db "$db")
  verify[$engine]=$(timed "$tdcs" verify --deep --db "$db")
  grep -q "0 lỗi" "$root/last" || { cat "$root/last" >&2; exit 1; }
  summary[$engine]=$(timed "$tdcs" summary --db "$db")
  if [ $engine = sqlite ]; then
    for kind in network groups borrowers memberships; do
      "$tdcs" export "$kind" "$files/$kind.csv" --db "$db" >/dev/null 2>&1
    done
  fi
done

# Imports: an empty database each, the four files in order; the figure is
# the borrowers and memberships (the bulk of the rows).
psql -q "$server" -c "CREATE DATABASE bench_import" >/dev/null
for engine in sqlite postgres; do
  db=$root/import.db
  [ $engine = postgres ] && db="postgresql:///bench_import?host=$root/pg/socket&user=postgres"
  "$tdcs" init --db "$db" >/dev/null
  for kind in network groups; do
    "$tdcs" import "$kind" "$files/$kind.csv" --db "$db" >"$root/last" 2>&1 ||
      { cat "$root/last" >&2; exit 1; }
  done
  start=$(date +%s.%N)
  for kind in borrowers memberships; do
    "$tdcs" import "$kind" "$files/$kind.csv" --db "$db" >"$root/last" 2>&1 ||
      { cat "$root/last" >&2; exit 1; }
  done
  end=$(date +%s.%N)
  import[$engine]=$(echo "$start $end" | awk '{printf "%.2f", $2 - $1}')
done
imported=$(($(wc -l <"$files/borrowers.csv") + $(wc -l <"$files/memberships.csv") - 2))

ratio() { echo "$1 $2" | awk '{ if ($1 > 0) printf "%.1f×", $2 / $1; else print "-" }'; }
printf '\n%-46s %12s %12s %8s\n' "path ($profile)" "SQLite" "PostgreSQL" "PG/SQLite"
printf '%-46s %11ss %11ss %8s\n' "load: tdcs generate (${rows[sqlite]:-?} rows)" \
  "${load[sqlite]}" "${load[postgres]}" "$(ratio "${load[sqlite]}" "${load[postgres]}")"
printf '%-46s %11ss %11ss %8s\n' "sessions + end of day: simulate ($payments lines)" \
  "${sessions[sqlite]}" "${sessions[postgres]}" "$(ratio "${sessions[sqlite]}" "${sessions[postgres]}")"
printf '%-46s %12s %12s %8s\n' "  session postings, lines/s (durable)" \
  "${rate[sqlite]}" "${rate[postgres]}" "$(ratio "${rate[postgres]}" "${rate[sqlite]}")"
printf '%-46s %11ss %11ss %8s\n' "end of day: tdcs close, one month" \
  "${close[sqlite]}" "${close[postgres]}" "$(ratio "${close[sqlite]}" "${close[postgres]}")"
printf '%-46s %11ss %11ss %8s\n' "verify --deep" \
  "${verify[sqlite]}" "${verify[postgres]}" "$(ratio "${verify[sqlite]}" "${verify[postgres]}")"
printf '%-46s %11ss %11ss %8s\n' "import: borrowers + memberships ($imported rows)" \
  "${import[sqlite]}" "${import[postgres]}" "$(ratio "${import[sqlite]}" "${import[postgres]}")"
printf '%-46s %11ss %11ss %8s\n' "report: tdcs summary" \
  "${summary[sqlite]}" "${summary[postgres]}" "$(ratio "${summary[sqlite]}" "${summary[postgres]}")"
