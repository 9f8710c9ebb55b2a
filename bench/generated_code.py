#!/usr/bin/env python3
"""Size and build time of the generated C++ for every overlay, for one or more
mozc binaries side by side (docs/performance.md, "Generated code size and
build time").

  python3 bench/generated_code.py [--mozc LABEL=PATH ...] [--reps 3]

For each overlay and each mozc: the lines of `--emit=cpp` (formatted, as a
user reads it) and the time of a full node build (`mozc -o BIN`: mozc and the
C++ compiler, g++ -O2 without ccache), the median of --reps builds. Builds of
the different mozcs alternate, so both see the same machine. To compare with
an earlier revision, build its mozc in a worktree and pass both:

  git worktree add /tmp/base f758164 && cmake -S /tmp/base -B /tmp/base/build -G Ninja \\
      -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build /tmp/base/build --target mozc mosaic_runtime
  python3 bench/generated_code.py --mozc before=/tmp/base/build/mozc/mozc --mozc after=build/mozc/mozc
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERLAYS = ["overlays/pathvector/pathvector.moz", "overlays/fwd/fwd.moz", "overlays/chord/chord_node.moz",
            "overlays/ron/ron_node.moz", "overlays/i3/i3_node.moz", "overlays/i3/sampling_node.moz"]


def cpp_lines(mozc, program):
    out = subprocess.run([mozc, os.path.basename(program), "--emit=cpp"], cwd=os.path.dirname(program),
                         check=True, capture_output=True, text=True, timeout=300).stdout
    return out.count("\n")


def build_seconds(mozc, program, binary):
    env = dict(os.environ, MOSAIC_CXX="g++")  # no ccache: the real C++ compile
    t0 = time.monotonic()
    subprocess.run([mozc, program, "-o", binary], check=True, env=env, timeout=900)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mozc", action="append", metavar="LABEL=PATH",
                    help="a mozc to measure (repeatable; default: this build's)")
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    mozcs = [m.split("=", 1) for m in (args.mozc or ["mozc=" + os.path.join(ROOT, "build", "mozc", "mozc")])]
    labels = [label for label, _ in mozcs]
    header = "| overlay | " + " | ".join(f"{l} lines" for l in labels) + " | " + \
             " | ".join(f"{l} build s" for l in labels) + " |"
    print(header)
    print("| --- |" + " ---: |" * (2 * len(labels)))
    with tempfile.TemporaryDirectory() as work:
        for rel in OVERLAYS:
            program = os.path.join(ROOT, rel)
            lines = [cpp_lines(os.path.abspath(path), program) for _, path in mozcs]
            times = {label: [] for label in labels}
            for _ in range(args.reps):
                for label, path in mozcs:
                    times[label].append(build_seconds(os.path.abspath(path), program, os.path.join(work, "node")))
            cells = [f"{n:,}" for n in lines] + \
                    [f"{statistics.median(times[l]):.1f} ({min(times[l]):.1f}–{max(times[l]):.1f})" for l in labels]
            print(f"| `{rel}` | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
