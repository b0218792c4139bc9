# Signing in to a running `tdcs serve` from the shell tests.
# api_token TDCS DB PORT: adds the administrator "tester.admin" to DB (once)
# and signs in over HTTP; prints the session token, for
# `curl -H "Authorization: Bearer $token"`.
api_token() {
  local tdcs=$1 db=$2 port=$3
  printf 'mat-khau-kiem-thu\n' | "$tdcs" user add tester.admin --role admin --db "$db" >/dev/null 2>&1
  curl -s -c - -H 'Content-Type: application/json' \
    -d '{"login":"tester.admin","password":"mat-khau-kiem-thu"}' \
    "http://127.0.0.1:$port/api/session" | awk '$6 == "tdcs_session" { print $7 }'
}
