# Helpers for the tests that run their own PostgreSQL clusters (failover,
# point-in-time restore, server restarts). Sourced, not run.
#
# Every cluster lives under $work (a temporary folder the `postgres` system
# user may enter) and listens only on a unix socket in $work/NAME.sock; no TCP
# port is opened. The servers run as `postgres` (initdb refuses root).
#   pg_init NAME [initdb options]     initdb into $work/NAME
#   pg_start NAME [-c setting=value]  start it (waits until it accepts connections)
#   pg_stop NAME                      fast shutdown, if running
#   pg_kill NAME                      kill -9 the postmaster and all its children
#   pg_uri NAME                       the URI tdcs and psql use
#   pg_sql NAME SQL                   one query's rows, unaligned, no header
#   pg_stop_all                       stop every cluster started (for a trap)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found (install the 'postgresql' package)" >&2
  exit 1
fi
pg_started=()
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_own() {  # gives the `postgres` user a folder (when we are root)
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$@"; fi
}
pg_init() {
  local name=$1; shift
  as_postgres "$pg_bin/initdb" -D "$work/$name" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
    "$@" >"$work/$name.initdb.log" 2>&1 || { cat "$work/$name.initdb.log" >&2; return 1; }
}
pg_start() {
  local name=$1; shift
  mkdir -p "$work/$name.sock"
  pg_own "$work/$name.sock"
  local options="-c listen_addresses='' -c unix_socket_directories=$work/$name.sock"
  while [ $# -gt 0 ]; do options="$options $1"; shift; done
  pg_started+=("$name")
  as_postgres "$pg_bin/pg_ctl" -D "$work/$name" -l "$work/$name.log" -w -t 120 -o "$options" \
    start >/dev/null || { cat "$work/$name.log" >&2; return 1; }
}
pg_stop() {
  if [ -f "$work/$1/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$work/$1" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
}
pg_kill() {
  local pid
  pid=$(head -n 1 "$work/$1/postmaster.pid")
  kill -9 "$pid" $(ps -o pid= --ppid "$pid") 2>/dev/null || true
}
pg_uri() { echo "postgresql:///postgres?host=$work/$1.sock&user=postgres"; }
pg_sql() { psql "$(pg_uri "$1")" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2"; }
pg_stop_all() {
  local name
  for name in "${pg_started[@]}"; do pg_stop "$name"; done
}
# wait_for DESCRIPTION COMMAND...: runs COMMAND until it succeeds, for at most
# 60 s (a bound against a hang, not a measure: the tests wait for states).
wait_for() {
  local what=$1; shift
  local i
  for i in $(seq 1 600); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "gave up waiting for: $what" >&2
  return 1
}

# Counted checks: `check NAME COMMAND...` passes when COMMAND succeeds;
# $passes and $failures are the totals a test reports at its end.
failures=0
passes=0
check() {
  local name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAILED: $name" >&2; failures=$((failures + 1)); fi
}
