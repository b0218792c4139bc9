#!/usr/bin/env bash
# Slow check (label "slow", not part of `make test`): a generated province
# database goes through a year of simulated commune sessions and end of day,
# and its books still verify, deep.
set -euo pipefail
tdcs=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$tdcs" generate --profile province --seed 1 --until 2025-06-30 --db "$work/province.db"
"$tdcs" simulate --to 2026-06-30 --db "$work/province.db"
"$tdcs" verify --deep --db "$work/province.db"
