#!/usr/bin/env bash
# Installs MOSAIC from the build tree into a temporary prefix, then builds and
# runs a separate project that uses it through find_package(Mosaic) and
# mosaic_add_overlay() (with and without FUNCTIONS: the installed mozc then
# loads its installed Clang plugin), and checks that the installed mozc works
# on its own.
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

# A functions header re-runs mozc for its overlay; the C++ source only recompiles itself.
touch "$work/src/triple.hpp"
ninja -C "$work/build" -n >"$work/plan.txt"
grep -q "mozc tripled" "$work/plan.txt" || fail "editing a FUNCTIONS header does not re-run mozc"
grep -q "triple.cpp.o" "$work/plan.txt" || fail "editing a FUNCTIONS header does not recompile its C++ source"
ninja -C "$work/build" >/dev/null
touch "$work/src/triple.cpp"
ninja -C "$work/build" -n >"$work/plan.txt"
grep -q "triple.cpp.o" "$work/plan.txt" || fail "editing a FUNCTIONS source does not recompile it"
if grep -q "mozc tripled" "$work/plan.txt"; then fail "editing a FUNCTIONS source re-runs mozc"; fi
ninja -C "$work/build" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The counter overlay counts three periodic ticks.
"$work/build/counter" --addr "127.0.0.1:$(free_port)" --run-for 1.0 --dump "$work/counter.json" >/dev/null 2>&1 ||
  fail "counter node did not run"
python3 - "$work/counter.json" <<'PY' || fail "counter dump is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ticks"] == [[1, 3]], d
PY

# The user function's result, computed in triple.cpp, is in the node's table.
"$work/build/tripled" --addr "127.0.0.1:$(free_port)" --until-idle --run-for 30 --dump "$work/tripled.json" >/dev/null 2>&1 ||
  fail "tripled node did not run"
python3 - "$work/tripled.json" <<'PY' || fail "tripled dump is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tripled"] == [[7, 21]], d
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
