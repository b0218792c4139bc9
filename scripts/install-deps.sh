#!/usr/bin/env bash
# Installs what TDCS needs to build, test and run, from Debian's packages
# (and npm, once web/ has a lockfile). Installs only what is missing, so a
# second run is quick. Needs root (or sudo) on a fresh machine.
set -euo pipefail
packages=(
  build-essential cmake pkg-config curl ccache
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libicu-dev libcli11-dev nlohmann-json3-dev libboost-dev
  libfmt-dev libspdlog-dev libsodium-dev libxlsxwriter-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The PostgreSQL package starts a system cluster we do not use; tests run their own.
if [ -d web ] && [ -f web/package-lock.json ] && [ ! -d web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund)
fi
exit 0
