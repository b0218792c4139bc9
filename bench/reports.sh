#!/usr/bin/env bash
# Reports from the read model beside plain SQL over the journal (RULES §9):
# a generated book taken over on 30/04/2025, its sessions held to the 2025
# reform, the reform, and its sessions held to the end of August; then each
# report's latency for the nation, a branch, an office and a commune at three
# dates, with the same figures from plain SQL in the same run.
#
#   bench/reports.sh [BUILD_DIR]            (make bench-reports)
#   PROFILE=national bench/reports.sh       demo, province (default) or national
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
echo "TDCS reports benchmark: profile $profile, $(nproc) cores, SQLite"
start=$(date +%s.%N)
"$build/tdcs" generate --profile "$profile" --seed 1 --until 2025-04-30 --db "$db" >/dev/null
"$build/tdcs" simulate --to 2025-06-30 --db "$db" | tail -1
"$build/tdcs" reform --db "$db" >/dev/null
"$build/tdcs" simulate --to 2025-08-31 --db "$db" | tail -1
printf 'books ready in %.0f s; database %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$(du -h "$db" | cut -f1)"
"$build/reports_bench" "$db" 2025-05-31 2025-06-30 2025-08-31
