#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# The network-namespace tests' tools, installed once here rather than by two
# tests at the same time (apt takes one lock).
./scripts/setup-netns.sh
ctest --test-dir build --output-on-failure --timeout 600 -j2 "$@"
