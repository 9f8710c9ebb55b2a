"""What the side-by-side benchmarks in network namespaces share (tun_table3.py,
socks_table4.py): a progress log, the environment a run records, the JSON
summary. Standard library only."""

import datetime
import json
import os
import subprocess
import sys
import time

T0 = time.monotonic()  # when the benchmark started: the log's clock


def log(message):
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def tail(text, lines=15):
    return "\n".join(text.splitlines()[-lines:])


def gnuplot_string(text):
    return "'" + text.replace("'", "''") + "'"  # gnuplot's single-quoted strings double a quote


def first_line(argv):
    """The first line a command prints (its version, say), or None."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def binary_info(path):
    """A measured binary's path and build time, so that a summary says which build it measured."""
    info = {"path": path}
    if os.path.exists(path):
        info["mtime"] = datetime.datetime.fromtimestamp(os.path.getmtime(path)).isoformat(timespec="seconds")
    return info


def write_json(path, summary):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
