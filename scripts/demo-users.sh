#!/usr/bin/env bash
# The demo database's users, one per role (README "Demo logins"); each
# password is "tdcs-demo-2026". Users already there are left as they are.
set -uo pipefail
tdcs=$1
db=$2
group=$("$tdcs" export groups --db "$db" 2>/dev/null | awk -F, 'NR == 2 { print $1 }')
add() {  # add LOGIN ROLE [SCOPE] [ASSOCIATION]
  local args=(user add "$1" --role "$2" --db "$db")
  [ -n "${3:-}" ] && args+=(--scope "$3")
  [ -n "${4:-}" ] && args+=(--association "$4")
  printf 'tdcs-demo-2026\n' | "$tdcs" "${args[@]}" >/dev/null 2>&1 || true
}
add demo.admin admin
add demo.officer officer PGD312
add demo.director director PGD312
add demo.association association PGD312 women
[ -n "$group" ] && add demo.leader leader "$group"
add demo.branch branch CN31
add demo.head head_office
add demo.board board CN31
add demo.auditor auditor
