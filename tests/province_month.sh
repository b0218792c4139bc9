#!/usr/bin/env bash
# On a generated province database (in `make test`: about a minute), a whole
# month of commune sessions at every point is held through the session
# record (lists, a batch per group, the cash closed), then the month's group
# ratings and commission and fees run, and the books verify, deep. The
# ratings land near the seeds' distribution (92 % good).
set -euo pipefail
tdcs=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/province.db"
fail() { echo "FAIL: $*" >&2; exit 1; }
"$tdcs" generate --profile province --seed 1 --db "$db" >/dev/null
"$tdcs" simulate --to 2026-08-01 --db "$db" | tail -1
# Every point held its July session and closed it with the cash the books say.
points=$(sqlite3 "$db" "SELECT COUNT(*) FROM commune_point_version WHERE valid_from <= '2026-07-01' AND (valid_to IS NULL OR valid_to > '2026-07-31')")
closed=$(sqlite3 "$db" "SELECT COUNT(*) FROM commune_session WHERE session_date BETWEEN '2026-07-01' AND '2026-07-31' AND status = 'closed' AND counted_dong = expected_dong")
[ "$closed" -eq "$points" ] || fail "$closed of $points sessions closed and matching"
"$tdcs" rate-groups --month 2026-07 --db "$db" | tee "$work/rate.out"
good=$(grep -o 'tốt/good [0-9]* ([0-9,]* %)' "$work/rate.out" | head -1 | grep -o '([0-9]*' | tr -d '(')
[ "$good" -ge 85 ] && [ "$good" -le 97 ] || fail "good groups ${good} %, not near 92 %"
"$tdcs" fees run --month 2026-07 --db "$db"
# The month's commission and fees are on the payables, less what the
# August sessions paid out.
accrued=$(sqlite3 "$db" "SELECT commission_dong + fee_dong FROM fee_run WHERE month = '2026-07'")
[ "$accrued" -gt 0 ] || fail "no commission or fees"
lines=$(sqlite3 "$db" "SELECT SUM(amount_dong) FROM fee_line WHERE month = '2026-07'")
[ "$lines" -eq "$accrued" ] || fail "fee lines $lines, run $accrued"
"$tdcs" verify --deep --db "$db"
