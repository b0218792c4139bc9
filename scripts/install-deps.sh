#!/usr/bin/env bash
# Installs what TDCS needs to build, test and run, from Debian's packages
# (the web application's npm packages: make, from web/package-lock.json;
# Chromium for its browser tests). Installs only what is missing, so a
# second run is quick. Needs root (or sudo) on a fresh machine.
set -euo pipefail
packages=(
  build-essential cmake pkg-config curl ccache
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libicu-dev libcli11-dev nlohmann-json3-dev libboost-dev
  libfmt-dev libsodium-dev libxlsxwriter-dev
  libgtest-dev libbenchmark-dev
  chromium fonts-dejavu-core
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
  # Debian's postgresql package creates and starts a "main" cluster on port
  # 5432; TDCS's tests start their own on a private socket, so none is made.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    $sudo_cmd mkdir -p /etc/postgresql-common
    if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
      echo 'create_main_cluster = false' | $sudo_cmd tee -a /etc/postgresql-common/createcluster.conf >/dev/null
    fi
  fi
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/dev/null
fi
exit 0
