#!/usr/bin/env bash
# Installs what is missing, builds, runs each benchmark once at a tiny size (a
# smoke test, never a timing), then every test (ctest: unit, socket and
# schema tests).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
bench/smoke.sh build
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 900
