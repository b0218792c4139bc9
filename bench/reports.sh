#!/usr/bin/env bash
# Reports from the read model beside plain SQL over the journal (RULES §9):
# a generated book taken over on 30/04/2025, its sessions held to the 2025
# reform, the reform, and its sessions held to the end of August; then each
# report's latency for the nation, a branch, an office and a commune at three
# dates, with the same figures from plain SQL in the same run.
#
#   bench/reports.sh [BUILD_DIR]            (make bench-reports)
#   PROFILE=national bench/reports.sh       demo, province (default) or national
#   BOOKS=FILE DATES="D1 D2 D3" bench/reports.sh
#                                           an SQLite book already made (used in
#                                           place, brought to this schema first:
#                                           reports only read) at three dates
#
# The national book's months of sessions would take hours on a small
# machine: it is taken over on 30/06/2025 instead, moved onto the new
# structure, and its end of day run to 31/08/2025 (overdue transfers and
# interest, no sessions); the dates are then 30/06, 31/07 and 31/08/2025.
#
# Figures are in-process wall times (medians of 7 report runs, 3 SQL runs).
set -euo pipefail
build=${1:-build}
build=$(cd "$build" && pwd)
profile=${PROFILE:-province}
root=${TDCS_BENCH_DIR:-/tmp}/tdcs-reports-$$
mkdir -p "$root"
trap 'rm -rf "$root"' EXIT
db="$root/$profile.db"
echo "TDCS reports benchmark: $([ -n "${BOOKS:-}" ] && echo "books $BOOKS" || echo "profile $profile")," \
  "$(nproc) cores, SQLite"
start=$(date +%s.%N)
if [ -n "${BOOKS:-}" ]; then
  db=$BOOKS
  "$build/tdcs" init --db "$db" | tail -1
  dates=${DATES:?DATES="D1 D2 D3" goes with BOOKS}
elif [ "$profile" = national ]; then
  "$build/tdcs" generate --profile national --seed 1 --until 2025-06-30 --db "$db" | tail -1
  "$build/tdcs" reform --db "$db" | tail -1
  "$build/tdcs" close --to 2025-08-31 --yes --db "$db" | tail -1
  dates="2025-06-30 2025-07-31 2025-08-31"
else
  "$build/tdcs" generate --profile "$profile" --seed 1 --until 2025-04-30 --db "$db" >/dev/null
  "$build/tdcs" simulate --to 2025-06-30 --db "$db" | tail -1
  "$build/tdcs" reform --db "$db" >/dev/null
  "$build/tdcs" simulate --to 2025-08-31 --db "$db" | tail -1
  dates="2025-05-31 2025-06-30 2025-08-31"
fi
printf 'books ready in %.0f s; database %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(du -h "$db" | cut -f1)"
# shellcheck disable=SC2086
"$build/reports_bench" "$db" $dates
if [ "$profile" = national ] || [ -n "${BOOKS:-}" ]; then
  # The server's memory on the national book, after a headline of every
  # level, asked by a signed-in national user.
  printf 'mat-khau-bao-cao\n' |
    "$build/tdcs" user add bench.reports --role admin --db "$db" >/dev/null 2>&1 || true
  port=$((20000 + $$ % 20000))
  "$build/tdcs" serve --port "$port" --db "$db" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
  token=$(curl -s -c - -H 'Content-Type: application/json' \
    -d '{"login":"bench.reports","password":"mat-khau-bao-cao"}' \
    "http://127.0.0.1:$port/api/session" | awk '$6 == "tdcs_session" { print $7 }')
  branch=$(sqlite3 "$db" "SELECT b.code FROM branch b JOIN branch_version v ON v.branch_id = b.id \
    WHERE v.valid_to IS NULL ORDER BY b.code LIMIT 1")
  office=$(sqlite3 "$db" "SELECT code FROM office WHERE code LIKE 'PGD%' ORDER BY code LIMIT 1")
  for unit in national "$branch" "$office"; do
    curl -sf -o /dev/null -b "tdcs_session=$token" \
      -w "serve headline $unit: %{http_code} in %{time_total} s\n" \
      "http://127.0.0.1:$port/api/reports/headline?unit=$unit&at=${dates##* }" ||
      echo "serve headline $unit: refused"
  done
  printf 'serve resident memory: %s MiB\n' "$(( $(awk '/VmHWM/ {print $2}' "/proc/$server/status") / 1024 ))"
  kill "$server"
fi
