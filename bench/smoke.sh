#!/usr/bin/env bash
# Runs every benchmark once at a tiny size: a smoke test that they still work,
# never a timing. Usage: bench/smoke.sh <build dir>
set -euo pipefail
BUILD=${1:-build}
export REDLEDGER_BENCH_SMOKE=1
shopt -s nullglob
n=0
for b in "$BUILD"/bench/*_bench; do
  echo "smoke: $b"
  "$b" --benchmark_min_time=0.01 >/dev/null
  n=$((n + 1))
done
echo "bench smoke: $n benchmarks ran"
