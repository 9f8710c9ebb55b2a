#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (when missing) and builds it
# into build/ with CMake and Ninja. Run as root on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build ccache python3 iproute2
          libboost-dev nlohmann-json3-dev doctest-dev libssl-dev
          clang-14 libclang-14-dev libclang-cpp14-dev llvm-14-dev graphviz)  # see README: Dependencies
scripts/install-packages.sh "${packages[@]}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
