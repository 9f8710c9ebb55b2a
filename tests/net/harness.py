"""Harness for MOSAIC multi-node tests: node processes on 127.0.0.1.

A test starts compiled node binaries (one process per node, each on its own
UDP port), reads their tables through the dump files they write on SIGUSR1,
and waits -- always with a bound -- until the tables hold exactly what the
test computed independently. Every process a Cluster starts is stopped by its
PID when the Cluster exits, on success, failure, Ctrl-C or SIGTERM.

Standard library only.
"""

import argparse
import collections
import ctypes
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

LOOPBACK = "127.0.0.1"  # the only address tests ever use

# Orphan safety net: nodes stop by themselves after this many seconds even if
# the test process is killed before it can stop them (ctest timeouts are lower).
NODE_MAX_RUN_S = 600


class TestFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


class NodeDied(TestFailure):
    """A node process exited while the test still needed it."""


# ---------------------------------------------------------------- ports

def free_ports(n):
    """n distinct UDP ports on 127.0.0.1 that were free a moment ago.

    All n sockets are bound at once so the kernel cannot hand out a port twice;
    they are closed just before the nodes bind them.
    """
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((LOOPBACK, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def addr(port):
    """The Mozlog address literal of a loopback port: "127.0.0.1:9001"."""
    return f"{LOOPBACK}:{port}"


# ---------------------------------------------------------------- values

def mozlog_string(text):
    """A Mozlog string literal, for facts files."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def normalize(value):
    """One dumped field as a hashable Python value.

    Dumps write strings in Mozlog literal form; a dumper may or may not wrap
    plain strings in quotes, so one level of surrounding quotes is removed.
    Addresses ("127.0.0.1:9001") and ids ("0x1fI") are compared as text.
    Lists (should a dump ever hold a JSON array) become tuples.
    """
    if isinstance(value, str) and len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if isinstance(value, list):
        return tuple(normalize(v) for v in value)
    return value


def table_rows(dump, table):
    """The rows of `table` in a parsed dump, as a set of tuples.

    A table that is absent from the dump is empty. Duplicate rows are an error
    (a table is a set), not something to hide by building a set.
    """
    rows = collections.Counter(tuple(normalize(v) for v in row) for row in dump.get(table, []))
    dupes = [r for r, count in rows.items() if count > 1]
    if dupes:
        raise TestFailure(f"table {table} holds duplicate rows: {sorted(dupes, key=repr)}")
    return set(rows)


def describe_diff(expected, actual, label, limit=15):
    """"" when the two row sets are equal, else a readable account of the difference."""
    expected, actual = set(expected), set(actual)
    if expected == actual:
        return ""
    missing = sorted(expected - actual, key=repr)
    extra = sorted(actual - expected, key=repr)
    lines = [f"{label}: expected {len(expected)} rows, found {len(actual)}"]
    for title, rows in (("missing", missing), ("unexpected", extra)):
        if rows:
            lines.append(f"  {title} ({len(rows)}):")
            lines += [f"    {r}" for r in rows[:limit]]
            if len(rows) > limit:
                lines.append(f"    ... and {len(rows) - limit} more")
    return "\n".join(lines)


def expect_rows(expected, actual, label):
    """Raises TestFailure with a diff unless the row sets are equal."""
    diff = describe_diff(expected, actual, label)
    if diff:
        raise TestFailure(diff)


# ---------------------------------------------------------------- waiting

def wait_until(check, timeout, what, interval=0.2):
    """Polls check() until it succeeds; returns its last result.

    check() returns either a truth value or a pair (ok, state) where state
    describes what was observed (for example a table diff). On timeout this
    raises TestFailure naming `what` and the last observed state. Exceptions
    from check() (a node died, a dump never came) propagate at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        ok, state = result if isinstance(result, tuple) else (result, None)
        if ok:
            return result
        if time.monotonic() >= deadline:
            msg = f"timed out after {timeout:g} s waiting for {what}"
            if state:
                msg += f"\nlast observed state:\n{state}"
            raise TestFailure(msg)
        time.sleep(interval)


# ---------------------------------------------------------------- nodes

def _child_setup():
    """Runs in the node process between fork and exec."""
    # Die with the test: if the test process is killed outright, the kernel
    # sends the node SIGTERM (PR_SET_PDEATHSIG = 1).
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    # Until the node installs its own handler, SIGUSR1 would kill it (default
    # action). Ignoring it instead means an early dump request is merely lost;
    # Node.snapshot() repeats it. The node's handler replaces this disposition.
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)


class Node:
    """One node process. Created by Cluster.node(); start() launches it."""

    def __init__(self, binary, port, workdir, name, facts="", args=(), control=False):
        self.binary = binary
        self.port = port
        self.addr = addr(port)
        self.name = name
        self.facts = facts
        self.args = [str(a) for a in args]
        self.control = control  # run with --control 0; control_port() tells the port
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.facts_path = os.path.join(self.dir, "facts.moz")
        self.dump_path = os.path.join(self.dir, "dump.json")
        self.stats_path = os.path.join(self.dir, "stats.json")
        self.control_path = os.path.join(self.dir, "control.port")
        self.log_path = os.path.join(self.dir, "node.log")
        self.proc = None
        self.final_dump = None

    def __repr__(self):
        return f"Node({self.name} {self.addr})"

    def command(self):
        cmd = [self.binary, "--addr", self.addr, "--dump", self.dump_path,
               "--stats", self.stats_path, "--run-for", str(NODE_MAX_RUN_S)]
        if self.facts:
            cmd += ["--facts", self.facts_path]
        if self.control:
            cmd += ["--control", "0", "--control-file", self.control_path]
        return cmd + self.args

    def start(self):
        _remove(self.control_path)  # a restarted node announces a new port
        if self.facts:
            with open(self.facts_path, "w") as f:
                f.write(self.facts)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, preexec_fn=_child_setup)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=25):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def check_alive(self):
        if self.proc is None:
            raise TestFailure(f"{self} was never started")
        if self.proc.poll() is not None:
            raise NodeDied(f"{self} exited with status {self.proc.returncode}\n"
                           f"command: {' '.join(self.command())}\n"
                           f"last lines of {self.log_path}:\n{self.log_tail()}")

    def snapshot(self, timeout=10.0, resend=1.0):
        """(dump, stats) freshly written by the node in answer to SIGUSR1.

        The old files are removed first so a file that exists afterwards is
        new; the node writes each atomically (tmp file + rename). The signal is
        repeated every `resend` seconds in case it arrived before the node was
        ready for it.
        """
        self.check_alive()
        for path in (self.dump_path, self.stats_path):
            _remove(path)
        deadline = time.monotonic() + timeout
        next_signal = 0.0
        while True:
            now = time.monotonic()
            if now >= next_signal:
                self.check_alive()
                os.kill(self.pid, signal.SIGUSR1)
                next_signal = now + resend
            dump, stats = _read_json(self.dump_path), _read_json(self.stats_path)
            if dump is not None and stats is not None:
                return dump, stats
            if now >= deadline:
                self.check_alive()
                raise TestFailure(f"{self} did not write {self.dump_path} and {self.stats_path} "
                                  f"within {timeout:g} s of SIGUSR1\nlast lines of its log:\n"
                                  f"{self.log_tail()}")
            time.sleep(0.02)

    def control_port(self, timeout=10.0):
        """The TCP port of the node's control endpoint (Node(control=True)).

        The node writes it to its --control-file atomically once it listens;
        this waits for that file, at most `timeout` seconds.
        """
        if not self.control:
            raise TestFailure(f"{self} was not started with control=True")
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                with open(self.control_path) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            except FileNotFoundError:
                pass
            if time.monotonic() >= deadline:
                raise TestFailure(f"{self} did not write {self.control_path} within {timeout:g} s\n"
                                  f"last lines of its log:\n{self.log_tail()}")
            time.sleep(0.02)

    def connect(self, timeout=10.0):
        """A new connection to the node's control endpoint (a control.Control)."""
        from control import Control  # tests/net/control.py, next to this file
        return Control(self.control_port(timeout), timeout=timeout)

    def dump(self, timeout=10.0):
        return self.snapshot(timeout)[0]

    def stats(self, timeout=10.0):
        return self.snapshot(timeout)[1]

    def rows(self, table):
        return table_rows(self.dump(), table)

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL by PID if the node has not exited in time.

        Returns the final dump the node wrote on its way out (None if none).
        """
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            _remove(self.dump_path)
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)  # only this node's own PID
                self.proc.wait()
            except ProcessLookupError:
                pass
            self.final_dump = _read_json(self.dump_path)
        return self.final_dump


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _read_json(path):
    """The parsed file, or None while it does not exist (or is not complete JSON)."""
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


# ---------------------------------------------------------------- cluster

class Cluster:
    """Owns a temp dir and every node started through it.

        with Cluster(binary, "tc") as c:
            a, b = c.nodes(2)                  # allocate ports, not started yet
            a.facts = 'link(...).'
            c.start_all()

    On exit (normal, exception, Ctrl-C or SIGTERM) every node is stopped by its
    own PID and the temp dir is removed (kept with keep=True).
    """

    def __init__(self, binary, name, keep=False):
        binary = os.path.abspath(binary)
        if not os.access(binary, os.X_OK):
            raise TestFailure(f"node binary {binary} does not exist or is not executable")
        self.binary = binary
        self.name = name
        self.keep = keep
        self.members = []
        self.workdir = None
        self._old_handlers = {}

    def __enter__(self):
        self.workdir = tempfile.mkdtemp(prefix=f"mosaic-net-{self.name}-")
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old_handlers[sig] = signal.signal(sig, _raise_interrupt)
        return self

    def __exit__(self, exc_type, exc, tb):
        # A second Ctrl-C must not interrupt the clean-up itself.
        for sig in self._old_handlers:
            signal.signal(sig, signal.SIG_IGN)
        try:
            failed = exc_type is not None
            if failed:
                self.print_logs()
            for node in self.members:
                try:
                    node.stop()
                except Exception as e:  # keep stopping the others
                    print(f"warning: stopping {node}: {e}", file=sys.stderr)
            if self.keep:
                print(f"kept node files in {self.workdir}")
            else:
                shutil.rmtree(self.workdir, ignore_errors=True)
        finally:
            for sig, old in self._old_handlers.items():
                signal.signal(sig, old)
        return False

    def node(self, facts="", args=(), port=None, control=False):
        """A new, not yet started node on a free port (or the given one).

        control=True runs it with a control endpoint (--control 0): see
        Node.control_port() and Node.connect().
        """
        if port is None:
            port = free_ports(1)[0]
        n = Node(self.binary, port, self.workdir, f"n{len(self.members)}-{port}", facts, args, control)
        self.members.append(n)
        return n

    def nodes(self, count, args=(), control=False):
        """`count` new nodes on distinct free ports, not yet started."""
        return [self.node(args=args, port=p, control=control) for p in free_ports(count)]

    def start_all(self):
        for n in self.members:
            if n.proc is None:
                n.start()

    def print_logs(self, lines=25):
        for n in self.members:
            tail = n.log_tail(lines)
            state = "not started" if n.proc is None else (
                "running" if n.alive() else f"exited {n.proc.returncode}")
            print(f"--- {n} [{state}] {n.log_path}", file=sys.stderr)
            if tail:
                print(tail.rstrip("\n"), file=sys.stderr)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# ---------------------------------------------------------------- cluster-wide checks

def wait_rows(node, table, expected, timeout, what=None):
    """Waits until one node's `table` equals the set `expected` exactly."""
    wait_tables([node], table, {node: expected}, timeout, what or f"{table} on {node}")


def wait_tables(nodes, table, expected, timeout, what=None):
    """Waits until every node's `table` equals expected[node] exactly."""
    def check():
        diffs = [describe_diff(expected[n], n.rows(table), f"{n} {table}") for n in nodes]
        diffs = [d for d in diffs if d]
        return not diffs, "\n".join(diffs)
    wait_until(check, timeout, what or f"{table} on {len(nodes)} nodes")


def wait_quiescent(nodes, timeout):
    """Waits until no node has unacknowledged messages outstanding."""
    def check():
        outstanding = {n.name: n.stats()["outstanding"] for n in nodes}
        busy = {name: count for name, count in outstanding.items() if count}
        return not busy, f"outstanding messages per node: {busy}"
    wait_until(check, timeout, "every node to have no outstanding messages")


def total_stats(nodes):
    """Stats summed over nodes (numeric fields only)."""
    total = {}
    for n in nodes:
        for k, v in n.stats().items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                total[k] = total.get(k, 0) + v
    return total


# ---------------------------------------------------------------- test entry point

def parse_args(description, seeded=True):
    """Common command line: --node PATH, --keep, and --seed N for tests that draw random choices."""
    p = argparse.ArgumentParser(description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="the compiled node binary to test")
    p.add_argument("--keep", action="store_true", help="keep node files (facts, dumps, logs)")
    if seeded:
        p.add_argument("--seed", type=int, default=None,
                       help="seed for random choices (default: drawn at random and printed)")
    args = p.parse_args()
    if not seeded:
        args.seed = None
    elif args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    return args


def run(test, args):
    """Runs test(args); prints PASS/FAIL and exits 0/1 (2 when interrupted)."""
    start = time.monotonic()
    name = os.path.basename(sys.argv[0])
    if args.seed is not None:
        name += f" --seed {args.seed}"  # how to run it again with the same random choices
    try:
        test(args)
    except TestFailure as e:
        print(f"FAIL {name}: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"INTERRUPTED {name}", file=sys.stderr)
        sys.exit(2)
    except Exception:
        traceback.print_exc()
        print(f"FAIL {name}: unexpected error (see traceback)", file=sys.stderr)
        sys.exit(1)
    print(f"PASS {name} in {time.monotonic() - start:.1f} s")
