#!/usr/bin/env bash
# The MOSAIC demo: installs what is missing, builds, compiles the path-vector
# overlay with mozc, runs six nodes on 127.0.0.1 until their routes converge,
# prints every node's routing table and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec python3 scripts/demo.py --node build/overlays/pathvector
