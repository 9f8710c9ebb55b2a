#!/usr/bin/env bash
# Installs MOSAIC from the build tree into a temporary prefix, then builds and
# runs a separate project that uses it through find_package(Mosaic) and
# mosaic_add_overlay(), and checks that the installed mozc works on its own.
# usage: run_external.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cp -r "$here/project" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null

# Editing one overlay's included file rebuilds that overlay only.
ninja -C "$work/build" -n >"$work/noop.txt"
grep -q "no work to do" "$work/noop.txt" || fail "a second build is not a no-op"
touch "$work/src/ring_tables.moz"
ninja -C "$work/build" -n >"$work/plan.txt"
grep -q "mozc ring" "$work/plan.txt" || fail "editing an included .moz file does not rebuild its overlay"
if grep -q "mozc counter" "$work/plan.txt"; then fail "editing ring's include rebuilds the counter overlay too"; fi

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The counter overlay counts three periodic ticks.
"$work/build/counter" --addr "127.0.0.1:$(free_port)" --run-for 1.0 --dump "$work/counter.json" >/dev/null 2>&1 ||
  fail "counter node did not run"
python3 - "$work/counter.json" <<'PY' || fail "counter dump is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ticks"] == [[1, 3]], d
PY

# The installed mozc compiles a program on its own, finding the installed runtime.
"$work/prefix/bin/mozc" "$work/src/ring.moz" -o "$work/ring2" || fail "installed mozc cannot build a node"
port1=$(free_port)
echo "link(\"127.0.0.1:$port1\", \"127.0.0.1:$port1\")." >"$work/facts"
"$work/ring2" --addr "127.0.0.1:$port1" --facts "$work/facts" --run-for 0.5 --dump "$work/ring.json" >/dev/null 2>&1 ||
  fail "ring node did not run"
python3 - "$work/ring.json" "$port1" <<'PY' || fail "ring dump is wrong"
import json, sys
d = json.load(open(sys.argv[1])); a = "127.0.0.1:" + sys.argv[2]
assert d["reachable"] == [[a, a]], d
PY
echo "PASS external project"
