#!/usr/bin/env bash
# Runs the benchmarks (builds mozc and the runtime first). Loopback only;
# ~4 minutes on 2 cores, of which the CView benchmark is ~2 (--only NAME: a subset).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target mozc mosaic_runtime >/dev/null
exec timeout 1800 python3 bench/run_bench.py "$@"
