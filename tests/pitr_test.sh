#!/usr/bin/env bash
# Point-in-time restore on PostgreSQL (docs/OPERATIONS.md "Backup" and
# "Restore"): a cluster archiving its WAL (archive_mode=on, archive_command
# copying into a folder); the demo books; a base backup taken by `tdcs
# backup`; a first run of sessions (`tdcs simulate`), a named restore point,
# a second run; then the base backup restored into a new data directory with
# restore_command and recovery_target_name. The restored books verify
# (--deep) and end at the restore point: the first run's transactions are
# there, the second's are not.
set -uo pipefail
tdcs=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/tdcs-pitr.XXXXXX)
source "$here/pg_lib.sh"
pg_own "$work"
trap 'pg_stop_all; rm -rf "$work"' EXIT
# What the books hold: loan transactions (count, sum), journal entries, the
# business date.
books() {
  pg_sql "$1" "SELECT (SELECT count(*) || ' ' || sum(amount_dong) FROM loan_txn) || ' ' ||
                      (SELECT count(*) FROM journal_entry) || ' ' ||
                      (SELECT current_date_iso FROM business_date)"
}
head_of() { sed -n 's/.*journal chain head: vị trí\/position \([0-9]*\), \([0-9a-f]*\).*/\1 \2/p' "$1"; }

mkdir -p "$work/archive"
pg_own "$work/archive"
pg_init db || exit 1
cat >>"$work/db/postgresql.conf" <<CONF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $work/archive/%f && cp %p $work/archive/%f'
CONF
pg_start db || exit 1
D=$(pg_uri db)
"$tdcs" init --db "$D" >/dev/null || exit 1
"$tdcs" generate --profile demo --db "$D" >/dev/null 2>&1 || exit 1

check "tdcs backup takes a base backup" \
  bash -c "'$tdcs' backup --db '$D' --to '$work/base' >'$work/backup.out' 2>&1"
check "the base backup has its manifest and WAL" \
  test -f "$work/base/backup_manifest" -a -f "$work/base/backup_label" -a -d "$work/base/pg_wal"
check "the base backup verifies" bash -c "'$pg_bin/pg_verifybackup' '$work/base' >/dev/null"
check "backup refuses a directory that exists" \
  bash -c "! '$tdcs' backup --db '$D' --to '$work/base' 2>/dev/null"

# First run of sessions, the moment to restore to, a second run.
"$tdcs" simulate --to 2026-07-03 --db "$D" >/dev/null 2>&1 || exit 1
first=$(books db)
"$tdcs" verify --deep --db "$D" >"$work/verify1.out" 2>&1
check "the books verify after the first run" test $? -eq 0
pg_sql db "SELECT pg_create_restore_point('between_sessions')" >/dev/null
"$tdcs" simulate --to 2026-07-08 --db "$D" >/dev/null 2>&1 || exit 1
second=$(books db)
check "the second run posted more" test "$first" != "$second"
echo "after the first run: $first; after the second: $second (transactions, sum, entries, date)"
# Every WAL segment up to now archived, then the server is stopped.
last=$(pg_sql db "SELECT pg_walfile_name(pg_switch_wal())")
archived() { [ -f "$work/archive/$last" ]; }
wait_for "WAL segment $last in the archive" archived || exit 1
pg_stop db

# The restore: the base backup into a new data directory, WAL from the
# archive up to the restore point, then promoted.
cp -a "$work/base" "$work/restored"
pg_own "$work/restored"
chmod 700 "$work/restored"
cat >>"$work/restored/postgresql.auto.conf" <<CONF
restore_command = 'cp $work/archive/%f %p'
recovery_target_name = 'between_sessions'
recovery_target_action = 'promote'
CONF
touch "$work/restored/recovery.signal"
pg_own "$work/restored/recovery.signal"
pg_start restored -c archive_mode=off || exit 1
promoted() { [ "$(pg_sql restored 'SELECT pg_is_in_recovery()')" = f ]; }
wait_for "the restore to reach its target and promote" promoted || exit 1
R=$(pg_uri restored)
check "recovery stopped at the restore point" \
  grep -q 'recovery stopping at restore point "between_sessions"' "$work/restored.log"
restored=$(books restored)
check "the restored books end at the restore point" test "$restored" = "$first"
"$tdcs" verify --deep --db "$R" >"$work/verify2.out" 2>&1
check "the restored books verify (--deep)" test $? -eq 0
check "the restored chain head is the one at the restore point" \
  test "$(head_of "$work/verify2.out")" = "$(head_of "$work/verify1.out")"
check "the restored books take the second run again" \
  bash -c "'$tdcs' simulate --to 2026-07-08 --db '$R' >/dev/null 2>&1"
check "and end where the lost run ended" test "$(books restored)" = "$second"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
