#!/usr/bin/env python3
"""User functions end to end: scoring.moz calls C++ functions declared in
scoring.hpp and implemented in scoring.cpp.

The node mosaic_add_overlay built (--node) and one this test builds with the
mozc command line must both hold the tables Python computes here; the depfile
must name the header and the C++ source; a header with a type Mozlog cannot
pass, a missing C++ source and a mozc whose Clang support cannot be loaded
fail cleanly (exit 1, no binary); C++ sources with --check are a usage error.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "net"))
from harness import free_ports  # noqa: E402

WORDS = ["ab", "mosaic"]


def expected_tables():
    scored, summary = [], []
    for w in WORDS:
        total = sum(w.encode())
        scored.append([w, total, f"{w}:{total}", total % 2 == 0, f"0x{total:x}I"])
        summary.append([w, "second", total / 2, (total + 1 + 2) / 3, 9001])
    return {"word": [[w] for w in WORDS], "scored": scored, "summary": summary}


def run_node(binary, work, label):
    (port,) = free_ports(1)
    dump = os.path.join(work, label + ".json")
    subprocess.run([binary, "--addr", f"127.0.0.1:{port}", "--until-idle", "--run-for", "60", "--dump", dump],
                   check=True, timeout=120, capture_output=True)
    with open(dump) as f:
        return json.load(f)


def check(condition, message):
    if not condition:
        raise SystemExit("FAIL: " + message)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mozc", required=True)
    ap.add_argument("--node", required=True, help="the node mosaic_add_overlay built from scoring.moz")
    args = ap.parse_args()
    want = expected_tables()

    with tempfile.TemporaryDirectory() as work:
        binary, depfile = os.path.join(work, "scoring"), os.path.join(work, "scoring.d")
        # As a user would type it, in the sources' folder.
        subprocess.run([args.mozc, "scoring.moz", "--functions=scoring.hpp", "scoring.cpp", "-o", binary,
                        "--depfile", depfile], cwd=HERE, check=True, timeout=600)
        with open(depfile) as f:
            deps = f.read().split()
        for name in ("scoring.moz", "scoring.hpp", "scoring.cpp"):
            check(name in deps, f"the depfile does not list {name}: {deps}")
        check(any(d.endswith("mosaic/id.hpp") for d in deps), f"the depfile misses what scoring.hpp includes: {deps}")

        for label, node in (("mozc", binary), ("mosaic_add_overlay", args.node)):
            got = run_node(node, work, label)
            check(got == want, f"{label} node: tables\n{json.dumps(got, indent=1)}\nexpected\n{json.dumps(want, indent=1)}")

        bad_header = os.path.join(HERE, "..", "golden", "diag", "functions", "unsupported_types.hpp")
        bad_binary = os.path.join(work, "bad")
        p = subprocess.run([args.mozc, "scoring.moz", "--functions=" + bad_header, "-o", bad_binary],
                           cwd=HERE, capture_output=True, text=True, timeout=120)
        check(p.returncode == 1, f"an unsupported type in the header: exit {p.returncode}, expected 1\n{p.stderr}")
        check("has no Mozlog type" in p.stderr, f"no clear message for an unsupported type:\n{p.stderr}")
        check(not os.path.exists(bad_binary), "a failed compile left a binary behind")

        # A missing implementation is found up front, not by the C++ compiler.
        missing_binary = os.path.join(work, "missing")
        p = subprocess.run([args.mozc, "scoring.moz", "--functions=scoring.hpp", "no_such_scoring.cpp", "-o",
                            missing_binary], cwd=HERE, capture_output=True, text=True, timeout=120)
        check(p.returncode == 1, f"a missing C++ source: exit {p.returncode}, expected 1\n{p.stderr}")
        check(p.stderr == "mozc: error: cannot read the C++ source 'no_such_scoring.cpp'\n",
              f"no clear message for a missing C++ source:\n{p.stderr}")
        check(not os.path.exists(missing_binary) and not os.path.exists(missing_binary + ".mozc-tmp"),
              "a missing C++ source left output behind")

        # Generated code includes a header by its file name, and #include "..." has no escapes.
        odd = os.path.join(work, 'odd"name.hpp')
        shutil.copy(os.path.join(HERE, "scoring.hpp"), odd)
        p = subprocess.run([args.mozc, "scoring.moz", f"--functions={odd}", "--check"],
                           cwd=HERE, capture_output=True, text=True, timeout=120)
        want = "mozc: error: the functions header '" + odd + "' has a file name #include cannot spell; rename it"
        check(p.returncode == 1 and want in p.stderr, f"a header named with a quote: exit {p.returncode}\n{p.stderr}")

        # A mozc whose Clang support cannot be loaded (a broken install) says so. An
        # installed mozc looks for it in ../lib/mosaic; here that is a file that is no library.
        os.makedirs(os.path.join(work, "broken", "bin"))
        os.makedirs(os.path.join(work, "broken", "lib", "mosaic"))
        broken_mozc = shutil.copy(args.mozc, os.path.join(work, "broken", "bin"))
        with open(os.path.join(work, "broken", "lib", "mosaic", "libmozc_clang.so"), "w") as f:
            f.write("not a library\n")
        p = subprocess.run([broken_mozc, "scoring.moz", "--functions=scoring.hpp", "--check"],
                           cwd=HERE, capture_output=True, text=True, timeout=120)
        check(p.returncode == 1 and p.stderr.startswith("mozc: error: cannot load mozc's Clang support "),
              f"a mozc without its Clang support: exit {p.returncode}\n{p.stderr}")

        p = subprocess.run([args.mozc, "scoring.moz", "--functions=scoring.hpp", "scoring.cpp", "--check"],
                           cwd=HERE, capture_output=True, text=True, timeout=120)
        check(p.returncode == 2, f"C++ sources with --check: exit {p.returncode}, expected 2 (usage)\n{p.stderr}")
    print("PASS user functions (mozc and mosaic_add_overlay)")


if __name__ == "__main__":
    main()
