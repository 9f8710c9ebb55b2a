"""CView call throughput (run by bench/run_bench.py; see bench/README.md).

Four cases, each program built once per set of CView optimizations in OPTIONS
(an option that yields the same C++ as another reuses its binary):

  echo     one node: N seeds each make one call of a trivial view that runs on
           the same node (cview_echo.moz)
  sites    the same with four call sites of the view (cview_sites.moz)
  walk     one node: walks of 10 hops each, a tail-recursive view whose every
           hop is a local call (cview_walk.moz)
  remote   two nodes: N seeds on the caller each make one call echo@B to the
           other node (cview_remote.moz); timed by the caller itself, from its
           go(T0) to the arrival of the last answer

The one-node cases run --until-idle; from their time we subtract the time the
same binary takes on the same facts without the one fact that starts the calls
(on(1), or hops(H) for walk): loading the facts alone.

Every run is checked: every call answered with the right result and every
context table empty, or the benchmark fails. Node processes are bounded in time
(subprocess timeouts, --run-for, PR_SET_PDEATHSIG) and stopped by their PID.
"""
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "net"))
from harness import _child_setup, free_ports  # noqa: E402  (node processes die with us; loopback ports)
BENCH = os.path.join(ROOT, "bench")
OPTIONS = ["none", "tail", "inline", "shortcut", "tail,inline,shortcut"]
HOPS = 10
NODE_TIMEOUT_S = 120  # any single node run; the orphan safety net is --run-for
REMOTE_GO_S = 0.3     # g1 in cview_remote.moz


class BenchFailure(Exception):
    """A run gave a wrong result, or did not finish in time."""


# ---------------------------------------------------------------- processes

def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class Proc:
    """One node process started in the background; stop() ends it by its PID."""

    def __init__(self, binary, port, work, name, facts=None):
        self.dump, self.stats = os.path.join(work, name + ".json"), os.path.join(work, name + ".stats.json")
        self.log = os.path.join(work, name + ".log")
        for p in (self.dump, self.stats):
            remove(p)
        cmd = [binary, "--addr", f"127.0.0.1:{port}", "--dump", self.dump, "--stats", self.stats,
               "--run-for", str(NODE_TIMEOUT_S * 2)]
        if facts:
            cmd += ["--facts", facts]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         preexec_fn=_child_setup)

    def log_tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-10:])
        except OSError:
            return ""

    def wait_ready(self, timeout=10.0):
        """Returns once the node answers SIGUSR1 with a dump: its event loop runs."""
        deadline = time.monotonic() + timeout
        while read_json(self.dump) is None:
            if self.proc.poll() is not None:
                raise BenchFailure(f"node exited with status {self.proc.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise BenchFailure(f"node did not answer SIGUSR1 within {timeout:g} s")
            os.kill(self.proc.pid, signal.SIGUSR1)
            time.sleep(0.05)
        remove(self.dump)

    def cpu_seconds(self):
        """User + system CPU time so far (from /proc; 0 where there is none)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL; returns (final dump, final stats)."""
        if self.proc.poll() is None:
            for p in (self.dump, self.stats):
                remove(p)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return read_json(self.dump), read_json(self.stats)


def run_until_idle(binary, port, facts, work):
    """(seconds until idle, stats, dump) of one --until-idle run."""
    dump, stats = os.path.join(work, "dump.json"), os.path.join(work, "stats.json")
    for p in (dump, stats):
        remove(p)
    cmd = [binary, "--addr", f"127.0.0.1:{port}", "--facts", facts, "--until-idle", "--stats", stats,
           "--dump", dump, "--run-for", str(NODE_TIMEOUT_S)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=NODE_TIMEOUT_S + 30,
                         preexec_fn=_child_setup)
    if out.returncode != 0 or "idle after" not in out.stdout:
        raise BenchFailure(f"{' '.join(cmd)}: exit {out.returncode}, not idle\n{out.stdout}{out.stderr}")
    words = out.stdout.split()
    return float(words[words.index("after") + 1]), read_json(stats), read_json(dump)


def instructions(binary, port, facts):
    """Instructions executed by one --until-idle run under callgrind (deterministic, unlike time)."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, "--addr", f"127.0.0.1:{port}",
           "--facts", facts, "--until-idle", "--run-for", str(NODE_TIMEOUT_S)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=NODE_TIMEOUT_S + 30, preexec_fn=_child_setup)
    for line in out.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split()[-1])
    raise BenchFailure(f"{' '.join(cmd)}: no instruction count\n{out.stderr[-2000:]}")


# ---------------------------------------------------------------- building

def build_all(mozc, programs, work):
    """{(program, option): (binary, same_as)} for every program and option.

    Options that make the same C++ as an earlier one (e.g. inline for a
    recursive view, which is never inlined) reuse its binary: same_as names it.
    Distinct binaries are built in parallel.
    """
    jobs, out = {}, {}
    for prog in programs:
        src = os.path.join(BENCH, prog + ".moz")
        first_by_code = {}
        for opt in OPTIONS:
            tag = prog + "_" + opt.replace(",", "_")
            cpp = os.path.join(work, tag + ".cpp")
            subprocess.run([mozc, src, "--emit=cpp", "-o", cpp, "--cview-opt=" + opt], check=True, timeout=60)
            with open(cpp) as f:
                code = f.read()
            if code in first_by_code:
                out[(prog, opt)] = (out[(prog, first_by_code[code])][0], first_by_code[code])
                continue
            first_by_code[code] = opt
            binary = os.path.join(work, tag)
            out[(prog, opt)] = (binary, None)
            jobs[binary] = [mozc, src, "-o", binary, "--cview-opt=" + opt]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for f in [pool.submit(subprocess.run, cmd, check=True, timeout=600) for cmd in jobs.values()]:
            f.result()
    return out


# ---------------------------------------------------------------- checks

def context_rows(dump):
    return {t: len(rows) for t, rows in dump.items() if t.endswith("_ctx") and rows}


def check_no_contexts(dump, what):
    left = context_rows(dump)
    if left:
        raise BenchFailure(f"{what}: context tables not empty after the run: {left}")


def check_echo(dump, tables, n, what):
    """Each of `tables` holds its share of (K, K, ...) rows; together exactly K = 0..n-1."""
    seen = []
    for t in tables:
        rows = dump.get(t, [])
        bad = [r for r in rows if r[0] != r[1]]
        if bad:
            raise BenchFailure(f"{what}: {t} has wrong answers, e.g. {bad[:3]}")
        seen += [r[0] for r in rows]
    if sorted(seen) != list(range(n)):
        raise BenchFailure(f"{what}: {len(seen)} calls answered ({len(set(seen))} distinct keys), expected {n}")
    check_no_contexts(dump, what)


def check_walk(dump, walks, me, what):
    rows = dump.get("walked", [])
    if sorted(r[0] for r in rows) != list(range(walks)) or any(r[1].strip('"') != me for r in rows):
        raise BenchFailure(f"{what}: expected {walks} walks ending at {me}, got {len(rows)} rows, "
                           f"e.g. {rows[:3]}")
    check_no_contexts(dump, what)


# ---------------------------------------------------------------- cases

def seeds(n):
    return "".join(f"seed({k}).\n" for k in range(n))


def local_case(binaries, prog, facts, port, work, reps, check):
    """{option: [(seconds, stats, load seconds)]}: reps --until-idle runs per
    distinct binary, each followed by a run on the facts that start no call."""
    runs = {}
    for opt in OPTIONS:
        binary, same = binaries[(prog, opt)]
        if same:
            runs[opt] = runs[same]
            continue
        runs[opt] = []
        for _ in range(reps):
            seconds, stats, dump = run_until_idle(binary, port, facts[0], work)
            check(dump, f"{prog} --cview-opt={opt}")
            load, load_stats, _ = run_until_idle(binary, port, facts[1], work)
            if load_stats["derivations"]:
                raise BenchFailure(f"{prog} --cview-opt={opt}: {load_stats['derivations']} derivations "
                                   f"without the fact that starts the calls")
            runs[opt].append((seconds, stats, load))
    return runs


def remote_run(binary, n, work):
    """(seconds from go to the last answer, caller stats + cpu_s, callee stats) of one run."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    bench_addr = f"127.0.0.1:{listener.getsockname()[1]}"
    port_a, port_b = free_ports(2)
    callee = caller = None
    try:
        callee = Proc(binary, port_b, work, "callee")
        callee.wait_ready()
        facts = os.path.join(work, "caller.facts")
        with open(facts, "w") as f:
            f.write(f'callee("127.0.0.1:{port_b}").\ngoal({n}).\nbench("{bench_addr}").\n' + seeds(n))
        caller = Proc(binary, port_a, work, "caller", facts)
        listener.settimeout(0.5)
        deadline, finished = time.monotonic() + NODE_TIMEOUT_S, False
        while not finished and time.monotonic() < deadline:
            for p in (callee, caller):
                if p.proc.poll() is not None:
                    raise BenchFailure(f"a node exited with status {p.proc.returncode}:\n{p.log_tail()}")
            try:
                listener.recvfrom(65536)  # fin(T): every call has ended
                finished = True
            except socket.timeout:
                pass
        cpu = caller.cpu_seconds() + callee.cpu_seconds()
        dump_a, stats_a = caller.stop()
        dump_b, stats_b = callee.stop()
        caller = callee = None
    finally:
        listener.close()
        for p in (caller, callee):
            if p:
                p.stop()
    what = f"remote, {n} calls"
    if dump_a is None or dump_b is None:
        raise BenchFailure(f"{what}: a node wrote no final dump")
    if not finished:
        raise BenchFailure(f"{what}: not finished after {NODE_TIMEOUT_S} s: {len(dump_a.get('done', []))} "
                           f"calls answered, stats {stats_a}")
    check_echo(dump_a, ["done"], n, what)
    check_no_contexts(dump_b, what + " (callee)")
    if stats_a["gave_up"] or stats_b["gave_up"]:
        raise BenchFailure(f"{what}: messages given up: caller {stats_a}, callee {stats_b}")
    t0 = dump_a["go"][0][0]
    stats_a["cpu_s"] = cpu  # both nodes, whole run (including start-up and the caller's facts)
    return max(r[2] for r in dump_a["done"]) - t0, stats_a, stats_b


def remote_case(binaries, n, work, reps):
    runs = {}
    for opt in OPTIONS:
        binary, same = binaries[("cview_remote", opt)]
        if same:
            runs[opt] = runs[same]
            continue
        runs[opt] = [remote_run(binary, n, work) for _ in range(reps)]
    return runs


# ---------------------------------------------------------------- entry point

def median_row(values):
    return statistics.median(values), min(values), max(values)


def bench_cview(mozc, work, reps, calls=100_000, remote_calls=20_000, walks=20_000, callgrind=False):
    """Runs every case; returns one result per case.

    callgrind: also count the instructions per call of the one-node cases
    under valgrind (one run each with and without the calls, on a tenth of
    the calls: callgrind is ~50x slower)."""
    if callgrind and not shutil.which("valgrind"):
        raise BenchFailure("--cview-callgrind needs valgrind on PATH")
    progs = {"echo": "cview_echo", "sites": "cview_sites", "walk": "cview_walk"}
    binaries = build_all(mozc, list(progs.values()) + ["cview_remote"], work)
    (port,) = free_ports(1)  # local cases: the nodes send nothing, but walk needs its own address
    me = f"127.0.0.1:{port}"

    def texts(calls, walks):
        """{case: (the fact that starts the calls, the other facts)}"""
        return {"echo": ("on(1).\n", seeds(calls)), "sites": ("on(1).\n", seeds(calls)),
                "walk": (f"hops({HOPS}).\n", f'next("{me}").\n' + seeds(walks))}

    def write_facts(texts, suffix):
        """{case: (path of all its facts, path of all but the one that starts the calls)}"""
        facts = {}
        for name, (start, rest) in texts.items():
            facts[name] = tuple(os.path.join(work, name + suffix + end) for end in (".facts", "_load.facts"))
            for path, text in zip(facts[name], (start + rest, rest)):
                with open(path, "w") as f:
                    f.write(text)
        return facts
    facts = write_facts(texts(calls, walks), "")
    small_counts = {"echo": max(1, calls // 10), "sites": max(1, calls // 10), "walk": max(1, walks // 10)}
    small = write_facts(texts(small_counts["echo"], small_counts["walk"]), "_small") if callgrind else None
    results = []

    def local(name, label, count, unit, check):
        prog = progs[name]
        runs = local_case(binaries, prog, facts[name], port, work, reps, check)
        rows = {}
        for opt, rs in runs.items():
            load = statistics.median(l for _, _, l in rs)
            rates = [count / max(s - load, 1e-9) for s, _, _ in rs]
            rows[opt] = {"rate": median_row(rates), "total_s": statistics.median(s for s, _, _ in rs),
                         "load_s": load, "derivations": rs[0][1]["derivations"] / count}
            if callgrind and not binaries[(prog, opt)][1]:
                binary = binaries[(prog, opt)][0]
                full, base = (instructions(binary, port, f) for f in small[name])
                rows[opt]["instructions"] = (full - base) / small_counts[name]
        results.append({"label": label, "unit": unit, "rows": rows,
                        "same": {o: binaries[(prog, o)][1] for o in OPTIONS}})

    local("echo", f"one node: {calls:,} calls", calls, "calls/s",
          lambda d, w: check_echo(d, ["done"], calls, w))
    local("sites", f"one node, 4 call sites: {calls:,} calls", calls, "calls/s",
          lambda d, w: check_echo(d, ["done1", "done2", "done3", "done4"], calls, w))
    local("walk", f"one node, recursive: {walks:,} walks of {HOPS} hops", walks, "walks/s",
          lambda d, w: check_walk(d, walks, me, w))

    runs = remote_case(binaries, remote_calls, work, reps)
    rows = {}
    for opt, rs in runs.items():
        rows[opt] = {"rate": median_row([remote_calls / s for s, _, _ in rs]),
                     "total_s": statistics.median(s for s, _, _ in rs),
                     "derivations": (rs[0][1]["derivations"] + rs[0][2]["derivations"]) / remote_calls,
                     "datagrams": statistics.median((a["sent"] + b["sent"]) / remote_calls for _, a, b in rs),
                     "retransmits": max(a["retransmits"] + b["retransmits"] for _, a, b in rs),
                     "cpu_us": statistics.median(a["cpu_s"] / remote_calls * 1e6 for _, a, _ in rs)}
    results.append({"label": f"two nodes: {remote_calls:,} calls echo@B", "unit": "calls/s",
                    "rows": rows, "same": {o: binaries[("cview_remote", o)][1] for o in OPTIONS}})
    return results


def rate_text(rate):
    med, lo, hi = rate
    k = lambda v: f"{v / 1e3:.0f}" if v >= 1e4 else f"{v / 1e3:.1f}"
    return f"{k(med)} K ({k(lo)}–{k(hi)})"


def print_cview(results):
    print("| CView calls | " + " | ".join(f"`{o}`" for o in OPTIONS) + " |")
    print("| --- |" + " ---: |" * len(OPTIONS))
    for r in results:
        cells = []
        for o in OPTIONS:
            same = r["same"][o]
            cells.append(rate_text(r["rows"][o]["rate"]) + (f" (= `{same}`)" if same else ""))
        print(f"| {r['label']} ({r['unit']}) | " + " | ".join(cells) + " |")
    callgrind = any("instructions" in row for r in results for row in r["rows"].values())
    print("\n| CView calls: per run | option | total s (median) | facts load s | derivations per "
          "call/walk | datagrams per call | retransmits (max) | CPU µs per call, both nodes |" + (" instructions per call/walk |" if callgrind else ""))
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if callgrind else ""))
    for r in results:
        for o in OPTIONS:
            if r["same"][o]:
                continue
            row = r["rows"][o]
            load = f"{row['load_s']:.3f}" if "load_s" in row else "–"
            dg = f"{row['datagrams']:.2f}" if "datagrams" in row else "–"
            rt = str(row["retransmits"]) if "retransmits" in row else "–"
            cpu = f"{row['cpu_us']:.0f}" if "cpu_us" in row else "–"
            ins = (f" {row['instructions']:,.0f} |" if "instructions" in row else " – |") if callgrind else ""
            print(f"| {r['label']} | `{o}` | {row['total_s']:.3f} | {load} | {row['derivations']:.1f} | {dg} | {rt} | {cpu} |{ins}")
