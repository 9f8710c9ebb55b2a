#!/usr/bin/env python3
"""mozc's compile time for the example overlays, with and without a user
functions header (docs/performance.md, "Clang-powered tooling").

  python3 bench/compile_time.py [--mozc build/mozc/mozc] [--reps 5]

Columns, each the median of --reps runs (the full builds: one run, g++ -O2
without ccache, as bench/run_bench.py measures them):

  --check                 parse, check, rewrite
  --emit=dataflow         ... plan and emit (the C++ emitter costs about the same)
  --emit=cpp              ... and format the C++ with clang::format (loads mozc's Clang plugin)
  --functions --check     --check, reading tests/functions/scoring.hpp with Clang
  --functions --emit=cpp  both: the header is read and the output formatted
  full build              mozc -o BIN (no formatting), without / with the header and scoring.cpp
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = ["overlays/pathvector/pathvector.moz", "overlays/fwd/fwd.moz", "overlays/chord/chord_node.moz",
            "overlays/i3/i3_node.moz", "overlays/ron/ron_node.moz", "overlays/i3/sampling_node.moz",
            "tests/net/overlays.moz",
            "tests/functions/scoring.moz"]
HEADER = "tests/functions/scoring.hpp"
SOURCE = "tests/functions/scoring.cpp"


def timed(cmd, env=None):
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True, env=env, timeout=900, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def median_time(cmd, reps):
    return statistics.median(timed(cmd) for _ in range(reps))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mozc", default=os.path.join(ROOT, "build", "mozc", "mozc"))
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    mozc = os.path.abspath(args.mozc)
    env = dict(os.environ, MOSAIC_CXX="g++")  # no ccache: the real C++ compile
    functions = ["--functions=" + HEADER]

    print(f"machine: {os.cpu_count()} cores; median of {args.reps} runs; seconds\n")
    print("| program | --check | --emit=dataflow | --emit=cpp | --functions --check | --functions --emit=cpp "
          "| full build | full build with header + .cpp |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "out")
        for prog in PROGRAMS:
            needs_header = prog.startswith("tests/functions/")
            row = []
            for flags in (["--check"], ["--emit=dataflow"], ["--emit=cpp"]):
                row.append("—" if needs_header else f"{median_time([mozc, prog] + flags, args.reps):.3f}")
            for flags in (["--check"], ["--emit=cpp"]):
                row.append(f"{median_time([mozc, prog] + functions + flags, args.reps):.3f}")
            row.append("—" if needs_header else f"{timed([mozc, prog, '-o', out], env):.1f}")
            row.append(f"{timed([mozc, prog] + functions + [SOURCE, '-o', out], env):.1f}")
            print(f"| {prog} | " + " | ".join(row) + " |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
