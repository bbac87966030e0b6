#!/usr/bin/env bash
# Installs what is missing, builds, and starts redledgerd on the demo data set
# (a fresh data directory under /tmp unless REDLEDGER_DATA_DIR is set).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
DATA=${REDLEDGER_DATA_DIR:-/tmp/redledger-demo}
exec build/src/server/redledgerd --data-dir "$DATA" --listen "${REDLEDGER_LISTEN:-127.0.0.1:8080}" --demo
