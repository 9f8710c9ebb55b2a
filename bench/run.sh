#!/usr/bin/env bash
# Runs the benchmarks (builds first). Single node, loopback only, ~2-3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build >/dev/null
exec timeout 900 python3 bench/run_bench.py "$@"
