#!/usr/bin/env bash
# End-to-end checks of the tdcs command line on a scratch SQLite database:
# init, import (good and rejected), export, find, generate, summary, reform, --help,
# exit statuses (docs/API.md "Command-line exit statuses").
set -uo pipefail
source "$(cd "$(dirname "$0")" && pwd)/api_lib.sh"
tdcs=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/cli.db"
failures=0
passes=0
check() {  # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAILED: $name" >&2; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }
exits() {  # exits STATUS COMMAND...: the command exits with STATUS
  local want=$1; shift
  "$@" >/dev/null 2>&1
  [ $? -eq "$want" ]
}
nothing_at() { ! compgen -G "$1*" >/dev/null; }  # no file whose name starts so

for sub in "" init import export find generate summary reform backup close verify simulate scenario "scenario run" serve; do
  check "help $sub" bash -c "'$tdcs' $sub --help >/dev/null"
done
check "help shows defaults" bash -c "env -u TDCS_DB '$tdcs' generate --help | grep -q -- '--until TEXT:DATE=2026-06-30' && env -u TDCS_DB '$tdcs' generate --help | grep -q -- '--db TEXT=tdcs.db'"
check "help shows the profile's default" bash -c "'$tdcs' generate --help | grep -q -- '--profile .*=demo'"
check "help shows no default for a required option" bash -c "'$tdcs' loan apply --help | grep -q -- '--term-months INT REQUIRED'"

# Every usage error exits 2, whatever CLI11 found, naming the option.
check "unknown option exits 2" exits 2 "$tdcs" find x --bogus --db "$db"
check "missing argument exits 2" exits 2 "$tdcs" find --db "$db"
check "unknown subcommand exits 2" exits 2 "$tdcs" nosuch
check "value out of a set exits 2" exits 2 "$tdcs" generate --profile moon --db "$work/moon.db"
check "empty --db exits 2" exits 2 "$tdcs" init --db ''
check "empty --db is named" bash -c "'$tdcs' init --db '' 2>&1 | grep -q -- '--db: .*must not be empty'"
check "negative seed exits 2" exits 2 "$tdcs" generate --seed -1 --db "$work/seed.db"
check "negative seed is named" bash -c "'$tdcs' generate --seed -1 --db '$work/seed.db' 2>&1 | grep -q -- '--seed: .*0 or more'"
check "negative simulate seed exits 2" exits 2 "$tdcs" simulate --to 2030-01-01 --seed -1 --db "$db"
check "every-months 0 exits 2" exits 2 "$tdcs" loan apply X --borrower 1 --program 01 --amount 1 --term-months 12 --every-months 0 --db "$db"
check "usage errors create nothing" bash -c "! compgen -G '$work/*' >/dev/null"

check "init" bash -c "'$tdcs' init --db '$db' > '$work/init.out'"
check "init output" contains "$work/init.out" "24785 administrative rows"
# Only init and generate create a database: any other command on a mistyped
# --db fails with exit 3 and leaves no file behind.
for sub in "summary" "find x" "verify" "close --to 2030-01-01" "reform" "export borrowers" \
           "loan show L1" "savings balance 0000000001" "simulate --to 2030-01-01" \
           "backup --to $work/typo-copy.db" "serve --port 1" "import network $work/init.out"; do
  check "$sub on a missing database exits 3" bash -c "'$tdcs' $sub --db '$work/typo.db' >/dev/null 2>&1; [ \$? -eq 3 ]"
done
check "a missing database says so" bash -c "'$tdcs' summary --db '$work/typo.db' 2>&1 | grep -q 'no such database $work/typo.db; run: tdcs init'"
check "a missing database is not created" nothing_at "$work/typo"
: > "$work/empty.db"
check "an empty file is not initialised" bash -c "'$tdcs' summary --db '$work/empty.db' 2>&1 | grep -q 'is not initialised'"
cat > "$work/network.csv" <<'CSV'
kind,code,name,parent_code,area_code,session_day,valid_from
branch,CN31,Chi nhánh NHCSXH Thành phố Hải Phòng,,31,,2015-01-01
office,PGD312,Phòng giao dịch NHCSXH An Dương,CN31,,,2015-01-01
point,P11581,Điểm giao dịch phường Lê Lợi,PGD312,11581,7,2015-01-01
village,11581001,Tổ dân phố 1,,11581,,2015-01-01
CSV
check "import network" bash -c "'$tdcs' import network '$work/network.csv' --db '$db' >/dev/null"
cat > "$work/groups.csv" <<'CSV'
code,name,point_code,village_code,association,valid_from
0000001,Tổ TK&VV TDP 1,P11581,11581001,women,2015-01-01
CSV
check "import groups" bash -c "'$tdcs' import groups '$work/groups.csv' --db '$db' >/dev/null"
cat > "$work/borrowers.csv" <<'CSV'
code,name,citizen_id,birth_date,sex,address,village_code,categories,group_code,role,valid_from
0000000001,Nguyễn Văn An,031085000001,1985-06-01,male,TDP 1,11581001,poor,0000001,leader,2020-01-15
0000000002,Trần Thị Bình,031185000002,1985-06-01,female,TDP 1,11581001,near_poor,0000001,deputy,2020-01-15
0000000003,Lê Văn Cường,031090000003,1985-06-01,male,TDP 1,11581001,poor,0000001,member,2020-01-15
CSV
"$tdcs" import borrowers "$work/borrowers.csv" --db "$db" >"$work/bad.out" 2>&1
check "bad import exits 1" test $? -eq 1
check "bad import names line and field" contains "$work/bad.out" "dòng/line 4: citizen_id"
check "bad import in Vietnamese and English" contains "$work/bad.out" "database is unchanged"
check "nothing written" bash -c "'$tdcs' find 'nguyen' --db '$db' 2>&1 | grep -q '^0 kết quả'"
sed -i 's/031090000003/031085000003/' "$work/borrowers.csv"
check "good import" bash -c "'$tdcs' import borrowers '$work/borrowers.csv' --db '$db' >/dev/null 2>&1"
check "same file again says so" bash -c "'$tdcs' import borrowers '$work/borrowers.csv' --db '$db' 2>&1 | grep -q FILE_ALREADY_IMPORTED"
# --update changes an existing borrower from a date, keeping the history.
printf 'code,name,citizen_id,birth_date,sex,address,village_code,categories,group_code,role,valid_from\n0000000001,Nguyễn Văn An,031085000001,1985-06-01,male,TDP 2 mới,11581001,poor,,leader,2021-03-01\n' > "$work/update.csv"
check "duplicate without --update" bash -c "'$tdcs' import borrowers '$work/update.csv' --db '$db' 2>&1 | grep -q CODE_DUPLICATE"
check "import --update" bash -c "'$tdcs' import borrowers '$work/update.csv' --update --db '$db' | grep -q '1 thay đổi / changed'"
check "update keeps history" bash -c "[ \$(sqlite3 '$db' 'SELECT COUNT(*) FROM borrower_version v JOIN borrower b ON b.id = v.borrower_id WHERE b.code = \"0000000001\"') -eq 2 ]"
# NFD query without diacritics marks typed decomposed.
check "find NFD" bash -c "'$tdcs' find \$'Nguye\xcc\x82\xcc\x83n va\xcc\x86n a' --db '$db' | grep -q 'Nguyễn Văn An'"
check "find masks citizen IDs" bash -c "'$tdcs' find 'nguyen van a' --db '$db' | grep -q '\*\*\*\*\*\*\*\*\*001'"
check "export borrowers" bash -c "'$tdcs' export borrowers '$work/out.csv' --on 2021-01-01 --db '$db' 2>/dev/null && [ \$(wc -l < '$work/out.csv') -eq 4 ]"
check "export round trip header" bash -c "head -1 '$work/out.csv' | grep -q '^code,name,citizen_id'"
sum_before=$(md5sum < "$work/out.csv")
"$tdcs" export borrowers "$work/out.csv" --on 2015-06-01 --db "$db" >"$work/export.out" 2>&1
check "export to an existing file exits 1" test $? -eq 1
check "export says to pass --force" bash -c "grep -q EXPORT_TARGET_EXISTS '$work/export.out' && grep -q -- '--force' '$work/export.out'"
check "export leaves the existing file" test "$(md5sum < "$work/out.csv")" = "$sum_before"
check "export --force overwrites" bash -c "'$tdcs' export borrowers '$work/out.csv' --on 2015-06-01 --force --db '$db' 2>/dev/null && [ \$(wc -l < '$work/out.csv') -eq 1 ]"
# A query is 1–200 bytes; a longer one is refused before any search, and no
# SQL is ever shown (a storage fault's statement only with TDCS_DEBUG=1).
long_query=$(head -c 100000 /dev/zero | tr '\0' 'a')
"$tdcs" find "$long_query" --db "$db" >"$work/long.out" 2>&1
check "a 100 KB query exits 1" test $? -eq 1
check "a 100 KB query is QUERY_INVALID" contains "$work/long.out" "query: .*QUERY_INVALID"
check "a 100 KB query shows no SQL" bash -c "! grep -qi 'select' '$work/long.out'"
check "a 200-byte query is searched" exits 0 "$tdcs" find "${long_query:0:200}" --db "$db"
check "an empty query exits 1" exits 1 "$tdcs" find '' --db "$db"
"$tdcs" backup --db "$db" --to "$work/broken.db" >/dev/null
sqlite3 "$work/broken.db" "DROP TABLE borrower"
"$tdcs" find nguyen --db "$work/broken.db" >"$work/fault.out" 2>&1
check "a storage fault exits 3" test $? -eq 3
check "a storage fault says what failed" contains "$work/fault.out" "storage fault: .*no such table"
check "a storage fault shows no SQL" bash -c "! grep -qi 'select' '$work/fault.out'"
check "TDCS_DEBUG shows the statement" bash -c "TDCS_DEBUG=1 '$tdcs' find nguyen --db '$work/broken.db' 2>&1 | grep -qi 'TDCS_DEBUG: .*select'"
check "summary" bash -c "'$tdcs' summary --on 2021-01-01 --db '$db' | grep -q 'hộ vay/borrowers 3'"
check "reform --on garbage exits 2" exits 2 "$tdcs" reform --on garbage --db "$db"
check "reform --on garbage is named" bash -c "'$tdcs' reform --on garbage --db '$db' 2>&1 | grep -q -- '--on: .*not a date'"
check "reform" bash -c "'$tdcs' reform --db '$db' | grep -q 'kept 1'"
check "reform twice rejected" bash -c "! '$tdcs' reform --db '$db' 2>/dev/null"
check "uninitialised database is a fault" bash -c "'$tdcs' find x --db '$work/none.db' 2>/dev/null; [ \$? -eq 3 ]"
# No program has a rate before the generated network opens (2015-01-01).
"$tdcs" generate --until 2014-01-01 --db "$work/early.db" >"$work/early.out" 2>&1
check "generate before 2015 exits 1" test $? -eq 1
check "generate before 2015 says why" contains "$work/early.out" "until: .*GENERATE_UNTIL_TOO_EARLY"
check "generate before 2015 creates nothing" nothing_at "$work/early.db"
# Calibrated to a published report: the figures, and the mistakes people make.
"$tdcs" generate --calibrate data/calibration/an-duong-2024-03-31.csv --db "$work/ad.db" >"$work/ad.out" 2>&1
check "calibrated generate" contains "$work/ad.out" "dư nợ/outstanding 438.213.000.000 đ"
check "calibrated headline" bash -c "'$tdcs' report headline --unit PGD312 --db '$work/ad.db' | grep -q '\"outstanding_dong\": 438213000000'"
check "calibrated narrative" bash -c "'$tdcs' report narrative --unit PGD312 --db '$work/ad.db' --at 2024-03-31 | grep -q 'đạt 438.213 triệu đồng'"
printf 'unit,at,indicator,value\nPGD312,2024-03-31,outstandng_dong,5\n' >"$work/typo.csv"
"$tdcs" generate --calibrate "$work/typo.csv" --db "$work/typo.db" >"$work/typo.out" 2>&1
check "calibration typo exits 1" test $? -eq 1
check "calibration typo names line and indicator" contains "$work/typo.out" "line 2: no indicator 'outstandng_dong'.*CALIBRATION_INVALID"
check "calibration typo creates nothing" nothing_at "$work/typo.db"
"$tdcs" generate --calibrate data/calibration/an-duong-2024-03-31.csv --until 2024-04-30 --db "$work/cu.db" >"$work/cu.out" 2>&1
check "calibration on another --until is refused" contains "$work/cu.out" "until: .*CALIBRATION_INVALID"
check "calibration missing file exits 2" exits 2 "$tdcs" generate --calibrate "$work/none.csv" --db "$work/none.db"
check "generate demo" bash -c "'$tdcs' generate --profile demo --seed 3 --db '$work/demo.db' | grep -q '8425 hộ vay'"
check "unknown profile is a usage error" bash -c "! '$tdcs' generate --profile moon --db '$work/x.db' 2>/dev/null"

check "backup" bash -c "'$tdcs' backup --db '$db' --to '$work/copy.db' >/dev/null"
check "backup restores" bash -c "'$tdcs' summary --on 2021-01-01 --db '$work/copy.db' | grep -q 'hộ vay/borrowers 3'"
check "backup refuses to overwrite" bash -c "! '$tdcs' backup --db '$db' --to '$work/copy.db' 2>/dev/null"

# Loans: generated books verify, close moves the business date, a posting altered
# by hand is found, scenarios run.
# More than 31 days at once needs --yes (a mistyped year would run for decades).
"$tdcs" close --to 2062-06-30 --db "$work/demo.db" >"$work/close-long.out" 2>&1
check "a long close without --yes exits 1" test $? -eq 1
check "a long close says how long and what to pass" bash -c "grep -q 'would run 13149 days' '$work/close-long.out' && grep -q -- '--yes.*CONFIRMATION_REQUIRED' '$work/close-long.out'"
check "close" bash -c "'$tdcs' close --to 2026-09-30 --yes --db '$work/demo.db' | grep -q 'closed to 30/09/2026: 92'"
# The session calendar: an office's sessions in a month; a session moved.
"$tdcs" export network "$work/demo-network.csv" --db "$work/demo.db" >/dev/null
point=$(awk -F, '$1 == "point" {print $2; exit}' "$work/demo-network.csv")
office=$(awk -F, '$1 == "point" {print $4; exit}' "$work/demo-network.csv")
day=$(awk -F, '$1 == "point" {print $6; exit}' "$work/demo-network.csv")
fixed=$(printf '2026-12-%02d' "$day")
moved_to=$(date -d "$fixed - 1 day" +%F)
check "help session calendar" bash -c "'$tdcs' session calendar --help >/dev/null"
check "help session move" bash -c "'$tdcs' session move --help >/dev/null"
check "session calendar" bash -c "'$tdcs' session calendar --office '$office' --month 2026-12 --db '$work/demo.db' | grep -q '$point'"
check "session calendar csv header" bash -c "'$tdcs' session calendar --office '$office' --month 2026-12 --format csv --db '$work/demo.db' | head -1 | grep -q '^point_code,point_name,session_day,date,moved,reason,day_off'"
check "session move" bash -c "'$tdcs' session move --point '$point' --month 2026-12 --to $moved_to --reason 'Họp ban đại diện' --db '$work/demo.db' | grep -q 'moved'"
check "the calendar shows the move" bash -c "'$tdcs' session calendar --office '$office' --month 2026-12 --format csv --db '$work/demo.db' | grep '^$point,' | grep -q '$moved_to,yes,Họp ban đại diện'"
check "a month mistyped is a usage error" exits 2 "$tdcs" session calendar --office "$office" --month 2026-13 --db "$work/demo.db"
check "and says so" bash -c "'$tdcs' session calendar --office '$office' --month 2026-13 --db '$work/demo.db' 2>&1 | grep -q 'not a month (YYYY-MM)'"
check "an unknown office is refused" bash -c "'$tdcs' session calendar --office NOSUCH --month 2026-12 --db '$work/demo.db' 2>&1 | grep -q OFFICE_UNKNOWN"
check "a refusal exits 1" exits 1 "$tdcs" session calendar --office NOSUCH --month 2026-12 --db "$work/demo.db"
check "a session already held cannot move" bash -c "! '$tdcs' session move --point '$point' --month 2026-09 --to 2026-09-20 --reason x --db '$work/demo.db' 2>'$work/move.err' && grep -q SESSION_MOVE_NOT_AHEAD '$work/move.err'"
check "a move needs a reason" exits 2 "$tdcs" session move --point "$point" --month 2026-12 --to 2026-12-02 --db "$work/demo.db"
check "moved back to its day" bash -c "'$tdcs' session move --point '$point' --month 2026-12 --to $fixed --reason 'trở lại' --db '$work/demo.db' | grep -q 'back on its day'"
# List 13/TD as the posting form, posted back a batch per group.
session_date=$(printf '2026-10-%02d' "$day")
"$tdcs" session list --point "$point" --date "$session_date" --db "$work/demo.db" >"$work/list-ahead.csv"
check "a session's list can be printed ahead" test $? -eq 0
# It is posted on its day, after that day's end of day.
"$tdcs" close --to "$session_date" --db "$work/demo.db" >/dev/null
"$tdcs" session list --point "$point" --date "$session_date" --db "$work/demo.db" >"$work/list.csv"
check "session list" test $? -eq 0
check "session list columns" bash -c "head -1 '$work/list.csv' | grep -q '^point_code,session_date,group_code,borrower_code,loan_code,principal_outstanding,overdue,interest_due,principal_due,savings_due,interest_paid,principal_paid,savings_paid$'"
check "session list has the members" test "$(wc -l <"$work/list.csv")" -gt 5
check "session list on another day is refused" bash -c "! '$tdcs' session list --point '$point' --date 2026-10-31 --db '$work/demo.db' 2>'$work/list.err' && grep -q NOT_A_SESSION_DATE '$work/list.err'"
check "session list as a printable page" bash -c "'$tdcs' session list --point '$point' --date '$session_date' --format html --db '$work/demo.db' | grep -q '<h2>Tổ / group'"
check "session list as a workbook" bash -c "'$tdcs' session list --point '$point' --date '$session_date' --format xlsx --output '$work/list.xlsx' --db '$work/demo.db' >/dev/null && [ \"\$(head -c 2 '$work/list.xlsx')\" = PK ]"
check "a workbook needs its file" exits 2 "$tdcs" session list --point "$point" --date "$session_date" --format xlsx --db "$work/demo.db"
check "a workbook is not written over a file" exits 1 "$tdcs" session list --point "$point" --date "$session_date" --format xlsx --output "$work/list.xlsx" --db "$work/demo.db"
check "--output is for a workbook" exits 2 "$tdcs" session list --point "$point" --date "$session_date" --output "$work/x.csv" --db "$work/demo.db"
check "the due list" bash -c "'$tdcs' session due --point '$point' --date '$session_date' --days 365 --db '$work/demo.db' | head -1 | grep -q '^group_code,borrower_code,loan_code,due_date,principal_due$'"
check "the due list has the installments of the year" test "$("$tdcs" session due --point "$point" --date "$session_date" --days 365 --db "$work/demo.db" | wc -l)" -gt 2
check "the due list as text, with its total" bash -c "'$tdcs' session due --point '$point' --date '$session_date' --format text --db '$work/demo.db' | tail -1 | grep -q 'installments, cộng / total'"
check "session list as text, with group totals" bash -c "'$tdcs' session list --point '$point' --date '$session_date' --format text --db '$work/demo.db' | grep -q 'group total'"
group1=$(awk -F, 'NR == 2 {print $3}' "$work/list.csv")
group2=$(awk -F, -v g="$group1" 'NR > 1 && $3 != g {print $3; exit}' "$work/list.csv")
# Group 1 paid what it owes, its first line 1,000 đ short of the interest;
# group 2 likewise, but one line pays more than its loan owes.
awk -F, -v OFS=, -v g1="$group1" -v g2="$group2" '
  NR == 1 {print; next}
  $3 == g1 || $3 == g2 {
    n[$3]++
    $11 = $8 - (n[$3] == 1 && $3 == g1 ? 1000 : 0); $12 = $7 + $9; $13 = 10000
    if ($3 == g2 && n[$3] == 2) $12 = $6 + 1000000000
    print
  }' "$work/list.csv" >"$work/filled.csv"
"$tdcs" session post "$work/filled.csv" --key S1 --db "$work/demo.db" >"$work/post.out" 2>"$work/post.err"
check "session post exits 1 when a group is refused" test $? -eq 1
check "one group posted, one refused" grep -q '1 tổ đã ghi/groups posted.* 0 tổ đã ghi trước đó/already posted, 1 tổ bị từ chối/refused' "$work/post.out"
check "the short line is flagged by its loan" grep -q 'flagged: dòng/line 2 [0-9]* thiếu / short' "$work/post.out"
check "the line paying more than owed refuses its group" grep -q PAYMENT_EXCEEDS_DEBT "$work/post.err"
"$tdcs" session post "$work/filled.csv" --key S1 --db "$work/demo.db" >"$work/post2.out" 2>&1
check "the same file again posts nothing twice" grep -q '0 tổ đã ghi/groups posted.*1 tổ đã ghi trước đó/already posted' "$work/post2.out"
"$tdcs" session post "$work/filled.csv" --key S2 --db "$work/demo.db" >"$work/post3.out" 2>&1
check "a group posted under another key is refused" grep -q GROUP_ALREADY_POSTED "$work/post3.out"
awk -F, -v OFS=, -v g2="$group2" 'NR == 1 || $3 == g2 {if ($3 == g2) $12 = "abc"; print}' \
  "$work/filled.csv" >"$work/bad-amount.csv"
"$tdcs" session post "$work/bad-amount.csv" --key S3 --db "$work/demo.db" >"$work/post4.out" 2>&1
check "a bad amount refuses its group" grep -q 'AMOUNT_INVALID' "$work/post4.out"
check "and nothing of it is posted" grep -q '0 tổ đã ghi/groups posted' "$work/post4.out"
"$tdcs" close --to "$(date -d "$session_date + 1 day" +%F)" --db "$work/demo.db" >/dev/null
"$tdcs" session post "$work/filled.csv" --key S4 --db "$work/demo.db" >"$work/post5.out" 2>&1
check "a session is posted on its day only" grep -q SESSION_NOT_TODAY "$work/post5.out"
# Closing the session with the cash counted (RULES §6.3), a day late.
check "help session close" bash -c "'$tdcs' session close --help | grep -q -- '--counted'"
check "a counted amount mistyped is a usage error" exits 2 "$tdcs" session close --point "$point" --date "$session_date" --counted 12abc --db "$work/demo.db"
"$tdcs" session close --point "$point" --date "$session_date" --counted 1 --db "$work/demo.db" >"$work/close1.out" 2>&1
check "cash that differs is refused without a reason" test $? -eq 1
check "and says both amounts" bash -c "grep -q CASH_DIFFERENCE '$work/close1.out' && grep -q 'khác sổ sách' '$work/close1.out' && grep -q 'differs from the books' '$work/close1.out'"
check "a session of another day is refused" bash -c "'$tdcs' session close --point '$point' --date 2026-10-31 --counted 0 --db '$work/demo.db' 2>&1 | grep -q NOT_A_SESSION_DATE"
check "closed with the difference and its reason" bash -c "'$tdcs' session close --point '$point' --date '$session_date' --counted 0 --brought 0 --reason 'Kiểm đếm lại' --db '$work/demo.db' | grep -q 'closed'"
check "a closed session takes no more" bash -c "'$tdcs' session close --point '$point' --date '$session_date' --counted 0 --reason x --db '$work/demo.db' 2>&1 | grep -q SESSION_CLOSED"
check "the difference is posted" bash -c "[ \"\$(sqlite3 '$work/demo.db' \"SELECT COUNT(*) FROM journal_entry WHERE kind IN ('cash_shortage', 'cash_surplus')\")\" = 1 ]"
check "the books verify after the session" bash -c "'$tdcs' verify --deep --db '$work/demo.db' | grep -q '0 lỗi'"
check "close backwards rejected" bash -c "! '$tdcs' close --to 2026-01-01 --db '$work/demo.db' 2>/dev/null"
check "simulate" bash -c "'$tdcs' simulate --to 2026-10-31 --db '$work/demo.db' | grep -q 'payments'"
"$tdcs" simulate --to 2026-10-31 --db "$work/demo.db" >"$work/simulate-again.out" 2>&1
check "simulate to the business date exits 1" test $? -eq 1
check "simulate to the business date says why" contains "$work/simulate-again.out" "to: .*SIMULATION_DATE_NOT_AFTER_BUSINESS_DATE"
check "simulate to an earlier date exits 1" exits 1 "$tdcs" simulate --to 2026-01-01 --db "$work/demo.db"
check "verify" bash -c "'$tdcs' verify --deep --db '$work/demo.db' | grep -q 'the books verify'"

# A loan's life from the command line, dated the business date (31/10/2026).
d="--db $work/demo.db"
# The program the household is eligible for: poor → 01, otherwise near-poor → 19.
program=19
sqlite3 "$work/demo.db" "SELECT categories FROM borrower_version v JOIN borrower b ON b.id = v.borrower_id WHERE b.code = '0000000001'" | grep -q '^poor' && program=01
check "demo has savings" bash -c "'$tdcs' savings balance 0000000002 $d | grep -q 'đ'"
check "loan apply" bash -c "'$tdcs' loan apply CLI1 --borrower 0000000001 --program $program --amount 30000000 --term-months 24 --every-months 6 $d | grep -q 'application recorded'"
check "an outcome without its count is a usage error" exits 2 "$tdcs" loan apply CLI9 --borrower 0000000001 --program "$program" --amount 30000000 --term-months 24 --outcome jobs $d
check "an unknown outcome is refused" bash -c "'$tdcs' loan apply CLI9 --borrower 0000000001 --program $program --amount 30000000 --term-months 24 --outcome fishing=2 $d 2>&1 | grep -q 'outcome: .*OUTCOME_INVALID'"
check "loan apply twice rejected" bash -c "'$tdcs' loan apply CLI1 --borrower 0000000001 --program $program --amount 30000000 --term-months 24 $d 2>&1 | grep -q LOAN_CODE_DUPLICATE"
check "disburse before approval rejected" bash -c "! '$tdcs' loan disburse CLI1 $d 2>/dev/null"
check "decision before the application rejected" bash -c "'$tdcs' loan approve CLI1 --on 2026-01-01 $d 2>&1 | grep -q DECISION_BEFORE_APPLICATION"
check "loan approve" bash -c "'$tdcs' loan approve CLI1 $d | grep -q approved"
check "loan approve twice rejected" bash -c "'$tdcs' loan approve CLI1 $d 2>&1 | grep -q APPLICATION_DECIDED"
check "loan reject needs a decision not taken" bash -c "! '$tdcs' loan reject CLI1 --reason x $d 2>/dev/null"
check "loan disburse" bash -c "'$tdcs' loan disburse CLI1 --key d1 $d | grep -q 'entry'"
check "disburse repeated with its key" bash -c "'$tdcs' loan disburse CLI1 --key d1 $d | grep -q 'already posted'"
check "bad amount is named" bash -c "'$tdcs' loan pay CLI1 abc $d 2>&1 | grep -q 'invalid amount'"
check "pay more than owed rejected" bash -c "'$tdcs' loan pay CLI1 999999999999 $d 2>&1 | grep -q PAYMENT_EXCEEDS_DEBT"
check "close a month" bash -c "'$tdcs' close --to 2026-11-30 $d | grep -q 'closed to 30/11/2026'"
check "loan pay" bash -c "'$tdcs' loan pay CLI1 100000 --key p1 --on 2026-11-30 $d | grep -q 'entry'"
check "same key other amount rejected" bash -c "'$tdcs' loan pay CLI1 200000 --key p1 --on 2026-11-30 $d 2>&1 | grep -q IDEMPOTENCY_KEY_REUSED"
check "loan show json" bash -c "'$tdcs' loan show CLI1 --format json --on 2026-11-30 $d | grep -q '\"principal_dong\":30000000'"
check "loan as of a past date" bash -c "'$tdcs' loan show CLI1 --format json --on 2026-10-31 $d | grep -q '\"transactions\":\\[{[^]]*disburse[^]]*}\\]'"
check "loan before its application" bash -c "'$tdcs' loan show CLI1 --on 2026-01-01 $d 2>&1 | grep -q LOAN_NOT_YET_APPLIED"
check "loan list" bash -c "'$tdcs' loan list --borrower 0000000001 $d | grep -q CLI1"
# The month's ratings, commission and fees (RULES §6.4, §7).
check "a month not over is not rated" bash -c "'$tdcs' rate-groups --month 2026-11 --db '$work/demo.db' 2>&1 | grep -q MONTH_NOT_OVER"
check "a rating month mistyped is a usage error" exits 2 "$tdcs" rate-groups --month 2026-1 --db "$work/demo.db"
check "rate-groups" bash -c "'$tdcs' rate-groups --month 2026-10 --db '$work/demo.db' | grep -q 'Tổ / groups: .* tốt/good'"
check "rate-groups csv" bash -c "'$tdcs' rate-groups --month 2026-10 --format csv --db '$work/demo.db' | head -1 | grep -q '^group_code,association,commune_code,session_share_percent'"
check "fees run" bash -c "'$tdcs' fees run --month 2026-10 --db '$work/demo.db' | grep -q 'hoa hồng/commission'"
check "fees run once" bash -c "'$tdcs' fees run --month 2026-10 --db '$work/demo.db' 2>&1 | grep -q FEES_ALREADY_RUN"
check "a group's statement" bash -c "'$tdcs' fees statement --month 2026-10 --group '$group1' --db '$work/demo.db' | grep -q 'Cộng / total'"
check "a statement of an unknown group" bash -c "'$tdcs' fees statement --month 2026-10 --group NOSUCH --db '$work/demo.db' 2>&1 | grep -q GROUP_UNKNOWN"
check "a statement needs a group or a unit" exits 2 "$tdcs" fees statement --month 2026-10 --db "$work/demo.db"
check "a level needs its association" exits 2 "$tdcs" fees statement --month 2026-10 --level commune --db "$work/demo.db"
check "the books verify after the month's work" bash -c "'$tdcs' verify --deep --db '$work/demo.db' | grep -q '0 lỗi'"
check "loan list needs one filter" bash -c "'$tdcs' loan list $d 2>&1 | grep -q LOAN_FILTER_REQUIRED"
check "loan reverse" bash -c "'$tdcs' loan reverse CLI1 --on 2026-11-30 $d | grep -q 'entry'"
check "savings deposit" bash -c "'$tdcs' savings deposit 0000000001 50000 --on 2026-11-30 $d | grep -q 'entry'"
check "verify after the loan's life" bash -c "'$tdcs' verify --deep $d | grep -q 'the books verify'"
# Loans taken over from another system (opening balances), all or nothing.
loans_header="code,borrower_code,program,fund_source,approved_dong,term_months,every_months,grace_months,interest_charge,disbursed_on,disbursed_dong,balance_on,normal_dong,overdue_dong,frozen_dong,principal_due_dong,interest_owed_dong,next_due,frozen_from,frozen_until,frozen_overdue_dong,extension_months"
business_date=$(sqlite3 "$work/demo.db" "SELECT current_date_iso FROM business_date")
printf '%s\nIMP1,0000000005,%s,1,50000000,36,12,0,,2025-02-10,,%s,40000000,5000000,0,0,250000,,,,,\nIMP2,0000000006,%s,1,50000000,36,12,0,,2025-02-10,,2030-11-01,60000000,0,0,0,0,,,,,\n' "$loans_header" "$program" "$business_date" "$program" > "$work/loans.csv"
"$tdcs" import loans "$work/loans.csv" $d >"$work/loans.out" 2>&1
check "bad loan import exits 1" test $? -eq 1
check "bad loan import names the fields" bash -c "grep -q 'dòng/line 3: balance_on' '$work/loans.out' && grep -q 'dòng/line 3: normal_dong' '$work/loans.out'"
sed -i '3d' "$work/loans.csv"
check "import loans" bash -c "'$tdcs' import loans '$work/loans.csv' $d | grep -q 'imported 1 loans'"
check "loans file again says so" bash -c "'$tdcs' import loans '$work/loans.csv' $d 2>&1 | grep -q FILE_ALREADY_IMPORTED"
check "imported loan shows its balances" bash -c "'$tdcs' loan show IMP1 --format json $d | grep -q '\"overdue_dong\":5000000'"
check "verify after the import" bash -c "'$tdcs' verify --deep $d | grep -q 'the books verify'"
sqlite3 "$work/demo.db" "UPDATE posting SET amount_dong = amount_dong - 1 WHERE rowid = 17" 2>/dev/null
"$tdcs" verify --db "$work/demo.db" >"$work/verify.out" 2>&1
check "verify fails on an altered posting" test $? -eq 1
check "verify names the entry" contains "$work/verify.out" "does not balance"
sqlite3 "$work/demo.db" "UPDATE ledger_balance SET balance_dong = balance_dong + 1 WHERE rowid = 1" 2>/dev/null
"$tdcs" close --to 2026-11-30 --db "$work/demo.db" >"$work/close.out" 2>&1
check "close refuses an unbalanced ledger" test $? -eq 1
check "close says why" contains "$work/close.out" "LEDGER_UNBALANCED"
check "scenario run" bash -c "'$tdcs' scenario run tests/scenarios/interest_domain_example.scn | grep -q ' 0 failed'"
printf 'date 2024-01-01\nexpect total principal 1\n' > "$work/bad.scn"
check "failing scenario exits 1" bash -c "! '$tdcs' scenario run '$work/bad.scn' >/dev/null"
# A folder runs every .scn file in it, in name order.
mkdir "$work/scenarios" "$work/no-scenarios"
cp tests/scenarios/settlement.scn tests/scenarios/interest_domain_example.scn "$work/scenarios/"
"$tdcs" scenario run "$work/scenarios" >"$work/folder.out" 2>&1
check "scenario run on a folder" test $? -eq 0
check "scenario run on a folder runs each file in order" bash -c "grep -o '^  ok   [a-z_]*.scn:0' '$work/folder.out' | tr '\n' ' ' | grep -q 'interest_domain_example.scn:0 .*settlement.scn:0'"
check "a folder without scenarios exits 1" exits 1 "$tdcs" scenario run "$work/no-scenarios"
check "a folder without scenarios says so" bash -c "'$tdcs' scenario run '$work/no-scenarios' 2>&1 | grep -q 'no .scn files'"
# A name given twice, or every-months 0, is an error of the line, not a fault.
cat > "$work/names.scn" <<'SCN'
date 2025-01-02
office O1
point P1 office O1 commune 00004 session-day 10
group G1 point P1 association women
borrower B1 group G1
borrower B1 group G1
loan L1 borrower B1 program 19 amount 10000000 term-months 12
loan L1 borrower B1 program 19 amount 10000000 term-months 12
loan L2 borrower B1 program 19 amount 10000000 term-months 12 every-months 0
group G1 point P1 association youth
SCN
"$tdcs" scenario run "$work/names.scn" >"$work/names.out" 2>&1
check "repeated names fail the scenario (exit 1)" test $? -eq 1
check "a repeated borrower names its lines" bash -c "grep -A1 'FAIL names.scn:6: borrower B1' '$work/names.out' | grep -q 'borrower B1 is named already, on line 5'"
check "a repeated loan names its lines" bash -c "grep -A1 'FAIL names.scn:8: loan L1' '$work/names.out' | grep -q 'loan L1 is named already, on line 7'"
check "a repeated group names its lines" bash -c "grep -A1 'FAIL names.scn:10: group G1' '$work/names.out' | grep -q 'group G1 is named already, on line 4'"
check "every-months 0 names its line" bash -c "grep -A1 'FAIL names.scn:9: loan L2' '$work/names.out' | grep -q 'every-months must be 1 or more'"
check "no storage fault in a scenario" bash -c "! grep -q 'storage fault' '$work/names.out'"
check "the rest of the scenario holds" contains "$work/names.out" "4 failed"

# The server end to end, on loopback.
# (Any free port, the one printed: a port drawn at random could be another
# test's, and a busy machine may take seconds to start the server.)
"$tdcs" serve --db "$work/demo.db" --port 0 >"$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 300); do grep -q "serving at" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*serving at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out")
for _ in $(seq 300); do curl -s "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
check "serve prints its address" contains "$work/serve.out" "http://127.0.0.1:$port/"
token=$(api_token "$tdcs" "$work/demo.db" "$port")
auth="Authorization: Bearer $token"
check "a read without signing in is 401 SESSION_INVALID" bash -c "curl -s -w ' %{http_code}' 'http://127.0.0.1:$port/api/loans/1000000000000001' | grep -q 'SESSION_INVALID.* 401$'"
check "a sign-in posted as a form is refused (415)" bash -c "curl -s -w ' %{http_code}' -d '{\"login\":\"tester.admin\",\"password\":\"mat-khau-kiem-thu\"}' http://127.0.0.1:$port/api/session | grep -q 'CONTENT_TYPE_UNSUPPORTED.* 415$'"
check "a wrong password is 401 SIGN_IN_FAILED" bash -c "curl -s -w ' %{http_code}' -H 'Content-Type: application/json' -d '{\"login\":\"tester.admin\",\"password\":\"sai-mat-khau-123\"}' http://127.0.0.1:$port/api/session | grep -q 'SIGN_IN_FAILED.* 401$'"
check "page" bash -c "curl -s http://127.0.0.1:$port/ | grep -q 'Tín dụng chính sách'"
check "summary endpoint" bash -c "curl -s -H '$auth' 'http://127.0.0.1:$port/api/network/summary?on=2026-06-30' | grep -q '\"borrowers\":8425'"
check "find endpoint masks IDs" bash -c "curl -s -H '$auth' 'http://127.0.0.1:$port/api/borrowers?q=nguyen' | grep -q '\\*\\*\\*\\*'"
check "loan endpoint" bash -c "curl -s -H '$auth' 'http://127.0.0.1:$port/api/loans/1000000000000001' | grep -q '\"status\"'"
check "unknown loan is 404" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H '$auth' http://127.0.0.1:$port/api/loans/NOPE) = 404 ]"
check "bad date is 400" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H '$auth' 'http://127.0.0.1:$port/api/network/summary?on=x') = 400 ]"
check "unknown address is 404 JSON" bash -c "curl -s http://127.0.0.1:$port/nowhere | grep -q '\"code\":\"NOT_FOUND\"'"
check "a body over 1 MiB is 413 JSON" bash -c "head -c 2000000 /dev/zero | curl -s -H 'Transfer-Encoding: chunked' --data-binary @- http://127.0.0.1:$port/api/health | grep -q '\"code\":\"REQUEST_TOO_LARGE\"'"
timeout 30 "$tdcs" serve --db "$work/demo.db" --port "$port" >"$work/serve2.out" 2>&1
check "a second serve on a busy port exits 3" test $? -eq 3
check "and says the port is in use" contains "$work/serve2.out" "port $port is in use"
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
timeout 30 "$tdcs" serve --db "$work/demo.db" --port 99999 >"$work/serve3.out" 2>&1
check "--port 99999 is a usage error" test $? -eq 2
check "and says which ports are valid" contains "$work/serve3.out" "1–65535"
"$tdcs" serve --db "$work/demo.db" --port 0 >"$work/serve4.out" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "serving at" "$work/serve4.out" 2>/dev/null && break; sleep 0.1; done
any_port=$(sed -n 's|.*serving at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve4.out")
check "--port 0 prints the port it listens on" bash -c "[ -n '$any_port' ] && [ '$any_port' != 0 ] && curl -s http://127.0.0.1:$any_port/api/health | grep -q ok"
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null

# TDCS_STATEMENT_TIMEOUT_SECONDS: whole seconds, else a usage error; on SQLite
# a writer waits for the write lock at most that long.
check "a statement timeout that is not a number exits 2" \
  bash -c "TDCS_STATEMENT_TIMEOUT_SECONDS=soon '$tdcs' summary --db '$db' 2>&1 >/dev/null | grep -q 'invalid TDCS_STATEMENT_TIMEOUT_SECONDS'; [ \${PIPESTATUS[0]} -eq 2 ]"
check "a pool size of 0 exits 2" exits 2 env TDCS_DB_POOL=0 "$tdcs" serve --db "$work/demo.db" --port 0
mkfifo "$work/locker"
sqlite3 "$work/demo.db" <"$work/locker" >/dev/null 2>&1 &
locker=$!
exec 3>"$work/locker"
# The holder waits for the lock (a probe below may hold it for an instant),
# and the probes go on until the holder has it.
printf '.timeout 30000\nBEGIN IMMEDIATE;\n' >&3
held=no
for _ in $(seq 600); do
  sqlite3 "$work/demo.db" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || { held=yes; break; }
  sleep 0.1
done
check "the test's own holder has the write lock" test "$held" = yes
TDCS_STATEMENT_TIMEOUT_SECONDS=1 "$tdcs" loan pay 1000000000000001 100000 --key locked \
  --db "$work/demo.db" >"$work/locked.out" 2>&1
check "a writer kept from the lock past the statement timeout exits 3" test $? -eq 3
check "and says another writer held the database" contains "$work/locked.out" "another writer held the database too long"
contains "$work/locked.out" "another writer held the database too long" || sed 's/^/  | /' "$work/locked.out" >&2
exec 3>&-
wait "$locker"
check "once the lock is free it posts" \
  bash -c "TDCS_STATEMENT_TIMEOUT_SECONDS=1 '$tdcs' loan pay 1000000000000001 100000 --key locked --db '$work/demo.db' | grep -q 'transaction'"

# Reconciliation (list 15/TD) and inspections (06/TD), RULES §8.
campaign="DC-$point-${session_date//-/}"
check "reconcile open" bash -c "'$tdcs' reconcile open --unit '$point' --date '$session_date' --db '$work/demo.db' | grep -q '$campaign'"
"$tdcs" reconcile open --unit "$point" --date "$session_date" --db "$work/demo.db" >/dev/null 2>"$work/rec.err"
check "a unit reconciled twice on a date exits 1" test $? -eq 1
check "and says so" grep -q CAMPAIGN_EXISTS "$work/rec.err"
check "a reconciliation date mistyped exits 2" exits 2 "$tdcs" reconcile open --unit "$point" --date 2026-13-01 --db "$work/demo.db"
check "a reconciliation after the business date exits 1" exits 1 "$tdcs" reconcile open --unit "$point" --date 2099-01-01 --db "$work/demo.db"
"$tdcs" reconcile list --campaign "$campaign" --format csv --db "$work/demo.db" >"$work/rec.csv"
check "list 15/TD as CSV" bash -c "head -1 '$work/rec.csv' | grep -q '^campaign,as_of,office_code,point_code,group_code,association,borrower_code,borrower_name,principal,interest,savings,answer'"
check "list 15/TD has the households" test "$(wc -l <"$work/rec.csv")" -gt 5
check "list 15/TD as text, with group totals" bash -c "'$tdcs' reconcile list --campaign '$campaign' --db '$work/demo.db' | grep -q 'Cộng tổ / group total'"
rec_borrower=$(awk -F, 'NR == 2 {print $7}' "$work/rec.csv")
check "an answer needs one of --confirmed, --discrepancy" exits 2 "$tdcs" reconcile answer --campaign "$campaign" --borrower "$rec_borrower" --db "$work/demo.db"
check "not both" exits 2 "$tdcs" reconcile answer --campaign "$campaign" --borrower "$rec_borrower" --confirmed --discrepancy x --db "$work/demo.db"
check "reconcile answer" exits 0 "$tdcs" reconcile answer --campaign "$campaign" --borrower "$rec_borrower" --confirmed --db "$work/demo.db"
"$tdcs" reconcile resolve --campaign "$campaign" --borrower "$rec_borrower" --resolution x --db "$work/demo.db" >/dev/null 2>"$work/resolve.err"
check "a confirmed line is not resolved" test $? -eq 1
check "and says why" grep -q RECONCILE_NOT_A_DISCREPANCY "$work/resolve.err"
check "reconcile progress" bash -c "'$tdcs' reconcile progress --campaign '$campaign' --by group --db '$work/demo.db' | grep -q '^  Cộng / total *1 / [0-9.]* hộ, [0-9]* %'"
check "reconcile progress by something unknown exits 1" exits 1 "$tdcs" reconcile progress --campaign "$campaign" --by village --db "$work/demo.db"
check "inspect new-loans" exits 0 "$tdcs" inspect new-loans --office "$office" --date "$session_date" --db "$work/demo.db"
check "inspect dormant" bash -c "'$tdcs' inspect dormant --office '$office' --date '$session_date' --format csv --db '$work/demo.db' | head -1 | grep -q '^association,group_code,loan_code'"
check "inspect plan" bash -c "'$tdcs' inspect plan --unit '$office' --year 2026 --db '$work/demo.db' | grep -q 'groups added, 0 tổ'"
check "inspect plan again adds nothing" bash -c "'$tdcs' inspect plan --unit '$office' --year 2026 --db '$work/demo.db' | grep -q ': 0 tổ thêm vào'"
check "inspect plan-list" bash -c "'$tdcs' inspect plan-list --year 2026 --association women --db '$work/demo.db' | grep -q 'tháng/month'"
check "an inspection of nothing exits 2" exits 2 "$tdcs" inspect record --date "$session_date" --result ok --db "$work/demo.db"
check "a wrong result exits 1" bash -c "'$tdcs' inspect record --group '$group1' --date '$session_date' --result good --db '$work/demo.db' 2>&1 | grep -q 'result: .*INSPECTION_RESULT_INVALID'"
check "inspect record" exits 0 "$tdcs" inspect record --group "$group1" --date "$session_date" --result ok --note "Sổ sách đầy đủ" --db "$work/demo.db"

# Reports (RULES §9): the headline in each form, and the export it adds up to.
"$tdcs" report headline --unit "$office" --at "$session_date" --db "$work/demo.db" >"$work/headline.json"
check "report headline json" contains "$work/headline.json" '"unit": "'"$office"'"'
check "report headline has the associations" contains "$work/headline.json" '"women": [0-9]'
"$tdcs" export loans --on "$session_date" --db "$work/demo.db" "$work/loans-export.csv" 2>/dev/null
check "export loans" bash -c "head -1 '$work/loans-export.csv' | grep -q '^loan_code,borrower_code,group_code,association,program'"
exported=$(awk -F, -v o="$office" 'NR > 1 && $7 == o {s += $9} END {printf "%.0f", s}' "$work/loans-export.csv")
check "the headline's outstanding is the export's sum" contains "$work/headline.json" "\"outstanding_dong\": $exported,"
check "report csv" bash -c "'$tdcs' report headline --format csv --at '$session_date' --db '$work/demo.db' | head -1 | grep -q '^sheet,'"
check "report html" bash -c "'$tdcs' report headline --format html --at '$session_date' --db '$work/demo.db' | grep -q 'Tổng dư nợ'"
check "report xlsx" exits 0 "$tdcs" report headline --format xlsx --out "$work/headline.xlsx" --at "$session_date" --db "$work/demo.db"
check "the workbook is a zip" bash -c "unzip -l '$work/headline.xlsx' | grep -q 'xl/worksheets/sheet5.xml'"
check "xlsx needs --out" bash -c "'$tdcs' report headline --format xlsx --db '$work/demo.db' 2>&1 | grep -q 'out: .*OUTPUT_REQUIRED'"
check "an existing --out needs --force" bash -c "'$tdcs' report headline --format xlsx --out '$work/headline.xlsx' --db '$work/demo.db' 2>&1 | grep -q EXPORT_TARGET_EXISTS"
check "an unknown report exits 1" bash -c "'$tdcs' report headlin --db '$work/demo.db' 2>&1 | grep -q 'name: .*REPORT_UNKNOWN'"
check "an unknown unit exits 1" bash -c "'$tdcs' report headline --unit NOWHERE --db '$work/demo.db' 2>&1 | grep -q 'unit: .*UNIT_UNKNOWN'"
check "a wrong date is a usage error" exits 2 "$tdcs" report headline --at 2026-02-30 --db "$work/demo.db"
check "export loans after the business date exits 1" bash -c "'$tdcs' export loans --on 2062-01-01 --db '$work/demo.db' 2>&1 | grep -q 'on: .*DATE_AFTER_BUSINESS_DATE'"
check "a date after the business date exits 1" bash -c "'$tdcs' report headline --at 2062-01-01 --db '$work/demo.db' 2>&1 | grep -q 'at: .*DATE_AFTER_BUSINESS_DATE'"
check "a period backwards exits 1" bash -c "'$tdcs' report headline --from 2026-08-01 --to 2026-07-01 --db '$work/demo.db' 2>&1 | grep -q 'from: .*PERIOD_INVALID'"
check "a wrong association exits 1" bash -c "'$tdcs' report headline --association students --db '$work/demo.db' 2>&1 | grep -q ASSOCIATION_UNKNOWN"
check "report --help" bash -c "'$tdcs' report --help | grep -q -- '--unit'"
check "report narrative" bash -c "'$tdcs' report narrative --year 2026 --db '$work/demo.db' | grep -q '^Đến ngày .*, tổng dư nợ toàn hệ thống đạt [0-9.]* tỷ đồng'"
check "report narrative in English" bash -c "'$tdcs' report narrative --year 2026 --english --db '$work/demo.db' | grep -q 'total outstanding reached'"
check "--year and --at together is a usage error" exits 2 "$tdcs" report narrative --year 2026 --at 2026-07-01 --db "$work/demo.db"
check "by-commune" bash -c "'$tdcs' report by-commune --unit '$office' --at '$session_date' --db '$work/demo.db' | grep -q '\"report\": \"by-commune\"'"
# BC0437: the month rated (2026-10 above), a row per group, the classes adding up.
"$tdcs" report ratings --at 2026-11-15 --db "$work/demo.db" >"$work/ratings.json"
check "report ratings json" contains "$work/ratings.json" '"month": "2026-10"'
check "report ratings has every group" test "$(grep -c '"class":' "$work/ratings.json")" -eq 250
check "report ratings classes add up" test "$(sed -n '/"by_class"/,/}/p' "$work/ratings.json" | grep -o ': [0-9][0-9]*' | tr -d ': ' | paste -sd+ | bc)" -eq 250
check "report ratings of an office" bash -c "'$tdcs' report ratings --unit '$office' --format csv --at 2026-11-15 --db '$work/demo.db' | grep -q '^Theo xã,'"
check "report ratings xlsx" exits 0 "$tdcs" report ratings --format xlsx --out "$work/ratings.xlsx" --at 2026-11-15 --db "$work/demo.db"
check "report ratings before any rating" bash -c "'$tdcs' report ratings --at 2020-01-31 --db '$work/demo.db' | grep -q '\"month\": null'"
check "a mistyped report name lists the names" bash -c "'$tdcs' report rating --db '$work/demo.db' 2>&1 | grep -q 'ratings.*REPORT_UNKNOWN'"
# The year's plan, top-down, and its attainment in the headline.
check "a branch's plan before the nation's" bash -c "'$tdcs' plan set --year 2026 --unit CN31 --program 01 --amount 100.000.000.000 --db '$work/demo.db' 2>&1 | grep -q 'unit: .*PLAN_PARENT_MISSING'"
check "plan set" bash -c "'$tdcs' plan set --year 2026 --program 01 --amount 200.000.000.000 --db '$work/demo.db' | grep -q 'kế hoạch/target 200.000.000.000 đ'"
check "a branch above the nation" bash -c "'$tdcs' plan set --year 2026 --unit CN31 --program 01 --amount 300.000.000.000 --db '$work/demo.db' 2>&1 | grep -q 'amount: .*PLAN_EXCEEDS_PARENT'"
check "a plan amount mistyped" bash -c "'$tdcs' plan set --year 2026 --program 01 --amount 2,5 --db '$work/demo.db' 2>&1 | grep -q 'amount: .*PLAN_AMOUNT_INVALID'"
check "plan show csv" bash -c "'$tdcs' plan show --year 2026 --format csv --db '$work/demo.db' | grep -q '^Kế hoạch,01,'"
check "the headline has the plan" bash -c "'$tdcs' report headline --db '$work/demo.db' | grep -q '\"plan_dong\": 200000000000'"
# Users: the password from standard input, mistakes named, a disabled user stays.
check "user add" bash -c "printf 'mat-khau-dai-1\n' | '$tdcs' user add lan.nguyen --role officer --scope '$office' --db '$work/demo.db' | grep -q '^lan.nguyen — officer office:$office'"
check "a login in capitals is refused" bash -c "printf 'mat-khau-dai-1\n' | '$tdcs' user add Lan --role officer --scope '$office' --db '$work/demo.db' 2>&1 | grep -q 'login: .*LOGIN_INVALID'"
check "a user without a role is a usage error" exits 2 "$tdcs" user add tuan --db "$work/demo.db"
check "an officer of the nation is refused" bash -c "printf 'mat-khau-dai-1\n' | '$tdcs' user add tuan --role officer --scope national --db '$work/demo.db' 2>&1 | grep -q 'scope: .*SCOPE_INVALID'"
check "a short password is refused" bash -c "printf 'ngan\n' | '$tdcs' user reset-password lan.nguyen --db '$work/demo.db' 2>&1 | grep -q 'password: .*PASSWORD_INVALID'"
sqlite3 "$work/demo.db" "SELECT password_hash FROM app_user WHERE login = 'lan.nguyen'" >"$work/hash.txt"
check "the password is not stored" contains "$work/hash.txt" '^[$]argon2id[$]'
check "nor in the clear" bash -c "! grep -q mat-khau '$work/hash.txt'"
check "user disable" bash -c "'$tdcs' user disable lan.nguyen --db '$work/demo.db' | grep -q 'disabled'"
check "a disabled user is not changed" bash -c "'$tdcs' user disable lan.nguyen --db '$work/demo.db' 2>&1 | grep -q 'login: .*USER_DISABLED'"
check "init creates the first administrator" bash -c "printf 'quan-tri-dai-1\n' | '$tdcs' init --admin quantri --db '$work/demo.db' | grep -q 'administrator: quantri'"
check "init --admin twice says the login is taken" bash -c "printf 'quan-tri-dai-1\n' | '$tdcs' init --admin quantri --db '$work/demo.db' 2>&1 | grep -q 'login: .*USER_EXISTS'"
check "user list" bash -c "'$tdcs' user list --db '$work/demo.db' | grep -q '^lan.nguyen'"
check "the audit trail names the console's operator" bash -c "'$tdcs' audit --action user.add --limit 5 --db '$work/demo.db' | grep -q 'os:.*user.add user:lan.nguyen'"
check "audit --limit 0 is a usage error" exits 2 "$tdcs" audit --limit 0 --db "$work/demo.db"
check "no request waits" bash -c "'$tdcs' approval list --db '$work/demo.db' | grep -q 'no requests'"
check "an unknown request" bash -c "'$tdcs' approval approve 999 --db '$work/demo.db' 2>&1 | grep -q 'REQUEST_UNKNOWN'"
check "verify checks the audit trail" bash -c "'$tdcs' verify --db '$work/demo.db' | grep -q 'audit trail: [1-9][0-9]* bản ghi/records'"

echo "cli: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
