#!/usr/bin/env bash
# Installs what building and testing redledger needs on Debian 12, as root.
# Idempotent: installs only the packages that are missing.
set -euo pipefail

PKGS=(build-essential cmake ninja-build pkg-config
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
      librocksdb-dev libcereal-dev libspdlog-dev libssl-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      python3 python3-jsonschema)
# Test-only extras (browser test of the dashboard) are added by run-tests.sh.
PKGS+=("$@")

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
