#!/usr/bin/env python3
"""The paper's Table 4, side by side in one run: TCP through the Mozlog SOCKS5 proxy and its peers.

Two namespaces, A (the client, 198.18.0.1/24) and B (198.18.0.2/24 and
198.18.0.3/24), joined by a veth pair, all created here. In B, started once
for the whole run:

  servers   on 198.18.0.2: the zero-copy HTTP server of the team's peer
            baseline script (shared/bench/peer-baseline.sh): GET /<N> answers
            N bytes of a file with sendfile; the file (1 GiB, --quick: 64 MiB)
            is made with fallocate in the run's temporary directory and read
            once into the page cache, then downloaded once, untimed. iperf3
            servers (a fresh one-shot server per run, as tun_table3.py).
  proxies   on 198.18.0.3, each on its own port:
              1080  socks        the SOCKS5 node (overlays/socks/socks.moz)
                                 as built, optimized (build/overlays/socks:
                                 inline views, the local event shortcut and
                                 the relay moved by splice(2))
              1081  socks_copy   the same, optimized but relaying by copy (no
                                 relay optimization; build/overlays/socks_copy)
              1082  socks_plain  the same rules with --cview-opt=none
                                 (build/overlays/socks_plain)
              1083  dante        danted, configured as peer-baseline.sh does
              1084  microsocks   microsocks -i 198.18.0.3 -p 1084
            The SOCKS nodes run with --stats; the "tcp" counters they write
            on SIGTERM go into the JSON, with each node's mozc flags as
            overlays/CMakeLists.txt gives them (the labels show them too).
            The proxies have an address of their own because
            libmosaic_preload.so never redirects a connect to the proxy's own
            address (preload/README.md): with the proxies on 198.18.0.2,
            iperf3's connects to 198.18.0.2 would go direct.

Rows, all measured from A, in this order: direct (no proxy), socks,
socks_copy, socks_plain, dante, microsocks. Per row:
  HTTP      curl -s -o /dev/null [--socks5 198.18.0.3:PORT] http://198.18.0.2:8080/<bytes>,
            --reps times; median, min and max of curl's speed_download in
            Gbit/s. 1 GiB per download (microsocks: 256 MiB, as in
            peer-baseline.sh, because it is slow; --quick: 64 MiB for all).
            The proxy's CPU time (its process and its children, from /proc)
            over the downloads' own durations, in % of one core; and the
            whole machine's (/proc/stat, all CPUs, 100 = all busy): client,
            proxy and servers share the CPUs.
  latency   the median of curl's time_total over 20 one-byte GETs, taken
            first, on the idle path
  iperf3    iperf3 -c 198.18.0.2 -t SECONDS -J, A -> B, --reps times; for the
            proxy rows under LD_PRELOAD=libmosaic_preload.so
            MOSAIC_SOCKS=198.18.0.3:PORT (the paper's "library interception"
            of an unmodified program), checked to have connected through the
            proxy; median, min and max of the receiver's Gbit/s.
and the ratios of each row's median throughput to the direct row's and to
dante's. The paper's targets for the optimized node: HTTP >= 1x dante and
>= 0.6x direct; the output says whether they were met.

Output: a Markdown table on stdout, a JSON summary (--json) and a gnuplot bar
chart (--chart). --perf-data PATH also records the optimized node with
`perf record -g` for --perf-seconds (default 5) after the measurements, while
A downloads the file through it again and again (one 1 GiB download takes
less than 5 s); `perf report -i PATH --no-children` reads it.

Needs root. Traffic goes only to 198.18.0.0/24 addresses inside the
namespaces created here. Every wait is a bounded poll; every process is
stopped by its PID (danted's workers too, by theirs); the namespaces are
deleted at the end, also on an error, Ctrl-C, SIGTERM or when the global
watchdog (--max-seconds) fires. The namespace and process handling is
tests/netns/netns.py's Lab.

    sudo python3 bench/socks_table4.py                 # 3 reps per row (~2.5 minutes on 2 cores)
    sudo python3 bench/socks_table4.py --quick         # 64 MiB, 1 rep, 1 s iperf3: smoke test (~15 s)
    sudo python3 bench/socks_table4.py --only direct,socks,dante --reps 5

Standard library only.
"""

import argparse
import dataclasses
import datetime
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from typing import Optional

sys.dont_write_bytecode = True  # importing netns.py must not leave __pycache__ in the source tree
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "netns"))

from netns import Interrupted, Lab, Process, TestFailure, wait_for  # noqa: E402
from bench_common import T0, binary_info, first_line, gnuplot_string, loadavg, log, tail, write_json  # noqa: E402

PACKAGES = ["iperf3", "curl", "microsocks", "dante-server", "gnuplot-nox", "iproute2", "iputils-ping",
            "util-linux", "python3"]
INSTALL_SCRIPT = os.path.join(ROOT, "scripts", "install-packages.sh")
LAB_PREFIX = "skt"                 # namespaces skt<PID>-a, skt<PID>-b

VETH_A, VETH_B = "198.18.0.1", "198.18.0.2"   # RFC 2544 benchmarking range
PROXY_ADDR = "198.18.0.3"          # B's second address: the proxies (see the docstring)
HTTP_PORT, IPERF_PORT = 8080, 5201
GIB, MIB = 1 << 30, 1 << 20
FULL_BYTES, QUICK_BYTES = GIB, 64 * MIB
MICROSOCKS_BYTES = 256 * MIB       # as peer-baseline.sh: microsocks is slow
LATENCY_GETS = 20
MIN_GBPS = 0.1                     # a download's time limit assumes at least this throughput (plus 30 s)
DIRECT_ROW, DANTE_ROW, TARGET_ROW = "direct", "dante", "socks"
TARGETS = {"dante": 1.0, "direct": 0.6}  # the optimized node's HTTP throughput, at least this times the row's


class RowFailure(Exception):
    """A row could not be measured; the row is reported as failed."""


class WatchdogExpired(Exception):
    """The whole run took longer than --max-seconds."""


# The team's peer-baseline HTTP server (shared/bench/peer-baseline.sh), unchanged but for the
# listen backlog: GET /<N> returns the first N bytes of the file, zero-copy (sendfile) above 64 KiB.
HTTP_SERVER = r'''
import os, socket, sys, threading
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = os.path.getsize(path)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port)); s.listen(64)
def serve(c):
    try:
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = c.recv(4096)
            if not d: return
            buf += d
        p = buf.split(b" ")[1].lstrip(b"/")
        n = min(int(p), size) if p.isdigit() else size
        hdr = b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % n
        with open(path, "rb") as f:
            if n <= 65536: c.sendall(hdr + f.read(n))     # small: one write (no Nagle split)
            else: c.sendall(hdr); c.sendfile(f, 0, n)     # bulk: zero-copy
    except OSError: pass
    finally: c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
'''

# danted as peer-baseline.sh configures it, on the proxies' address.
DANTE_CONF = """logoutput: {log}
internal: {addr} port = {port}
external: {addr}
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {{ from: 198.18.0.0/24 to: 0.0.0.0/0 }}
socks pass {{ from: 198.18.0.0/24 to: 198.18.0.0/24 command: connect }}
"""


# ---------------------------------------------------------------- rows

@dataclasses.dataclass
class Row:
    """One row of the table: `kind` says what proxy it goes through (None: direct), on `port` of
    PROXY_ADDR; `node` names the args attribute of a SOCKS node binary."""
    key: str
    label: str
    chart_label: str
    kind: Optional[str] = None
    port: Optional[int] = None
    node: Optional[str] = None


ROWS = [
    Row("direct", "direct (no proxy)", "direct"),
    Row("socks", "SOCKS node, optimized", "socks", "node", 1080, "socks"),
    Row("socks_copy", "SOCKS node, optimized, copying relay", "socks_copy", "node", 1081, "socks_copy"),
    Row("socks_plain", "SOCKS node, plain", "socks_plain", "node", 1082, "socks_plain"),
    Row("dante", "dante (danted)", "dante", "dante", 1083),
    Row("microsocks", "microsocks", "microsocks", "microsocks", 1084),
]
ROW_KEYS = [r.key for r in ROWS]
NODE_BINARIES = ("socks", "socks_copy", "socks_plain")  # args attributes (and build/overlays names)
NODE_UDP_PORT = {"socks": 7000, "socks_copy": 7001, "socks_plain": 7002}
OVERLAYS_CMAKE = os.path.join(ROOT, "overlays", "CMakeLists.txt")


def mozc_flags(target):
    """The MOZC_FLAGS overlays/CMakeLists.txt builds the target with (for the labels and the JSON),
    or None if it does not say."""
    try:
        with open(OVERLAYS_CMAKE) as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(rf"mosaic_add_overlay\(\s*{re.escape(target)}\s[^)]*?MOZC_FLAGS\s+([^)]*)\)", text)
    return " ".join(m.group(1).split()) if m else None


@dataclasses.dataclass
class Proxy:
    """A proxy process in B, with the stats file a SOCKS node writes on SIGTERM."""
    row: Row
    process: Process
    stats_path: Optional[str] = None


def write_file(lab, name, text):
    path = os.path.join(lab.workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def row_label(row):
    flags = mozc_flags(row.node) if row.node else None
    return f"{row.label} ({flags})" if flags else row.label


def start_proxy(lab, b, row, args):
    """Starts the row's proxy in B on PROXY_ADDR:row.port and waits (bounded) until it listens."""
    listen = f"{PROXY_ADDR}:{row.port}"
    stats_path = None
    if row.kind == "node":
        facts = write_file(lab, f"{row.key}.facts", f'socks.listen("{listen}").\n')
        stats_path = os.path.join(lab.workdir, f"{row.key}.stats.json")
        argv = [getattr(args, row.node), "--addr", f"{PROXY_ADDR}:{NODE_UDP_PORT[row.key]}",
                "--facts", facts, "--stats", stats_path]
    elif row.kind == "dante":
        conf = write_file(lab, "danted.conf", DANTE_CONF.format(log=os.path.join(lab.workdir, "danted.log"),
                                                                addr=PROXY_ADDR, port=row.port))
        argv = ["danted", "-f", conf, "-p", os.path.join(lab.workdir, "danted.pid")]
    else:
        argv = ["microsocks", "-i", PROXY_ADDR, "-p", str(row.port)]
    proxy = Proxy(row, b.start(argv), stats_path)

    def listening():
        if not proxy.process.alive():
            raise TestFailure(f"{row.label} exited with {proxy.process.returncode}:\n{tail(proxy.process.output())}")
        return b.listening(row.port)
    wait_for(listening, 15, f"{row.label} listening on {listen}")
    return proxy


# ---------------------------------------------------------------- processes: CPU time, trees, stopping

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(ppid, CPU seconds of the process and of its reaped children), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14-17
    return int(fields[1]), sum(int(x) for x in fields[11:15]) / CLK_TCK


def descendants(pid):
    """PIDs of the process's descendants (danted forks its workers)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = proc_stat(int(entry))
            if st:
                children.setdefault(st[0], []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def machine_jiffies():
    """(busy, total) jiffies of all CPUs together so far, from /proc/stat (idle and iowait are not busy)."""
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    return sum(values) - values[3] - values[4], sum(values)


def tree_cpu_seconds(pid):
    """CPU seconds used so far by the process and its living descendants (and by those reaped)."""
    total = 0.0
    for p in [pid, *descendants(pid)]:
        st = proc_stat(p)
        if st:
            total += st[1]
    return total


def stop_tree(lab, process, timeout=5.0):
    """Stops the process by its PID (Lab.stop: SIGTERM, SIGKILL after `timeout`), then any of its
    descendants still there, each by its PID, the same way. Returns the process's exit status."""
    family = descendants(process.pid) if process.alive() else []
    status = lab.stop(process, timeout)
    deadline = time.monotonic() + timeout
    for pid in family:
        while proc_stat(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    for pid in family:
        if proc_stat(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return status


# ---------------------------------------------------------------- measurements

def client_env(extra=None):
    """The client's environment: without proxy variables (curl would obey them), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k.lower() != "mosaic_socks"}
    env.update(extra or {})
    return env


def curl_argv(row, path, max_time, write_out):
    argv = ["curl", "-s", "-o", "/dev/null", "-m", str(max_time), "-w", write_out]
    if row.kind:
        argv += ["--socks5", f"{PROXY_ADDR}:{row.port}"]
    return argv + [f"http://{VETH_B}:{HTTP_PORT}/{path}"]


def http_max_time(nbytes):
    return int(30 + nbytes * 8 / (MIN_GBPS * 1e9))


def measure_download(a, row, nbytes):
    """One timed download of `nbytes` from A; Gbit/s from curl's speed_download."""
    max_time = http_max_time(nbytes)
    result = a.run(curl_argv(row, nbytes, max_time, "%{size_download} %{speed_download} %{time_total}"),
                   timeout=max_time + 15, check=False, env=client_env())
    fields = result.stdout.split()
    if result.returncode != 0 or len(fields) != 3 or int(float(fields[0])) != nbytes:
        return {"error": f"curl exited with {result.returncode} after {result.stdout.strip() or 'no output'} "
                         f"(size_download speed_download time_total; wanted {nbytes} bytes) {result.stderr.strip()}"}
    return {"gbps": float(fields[1]) * 8 / 1e9, "seconds": float(fields[2])}


def measure_latency(a, row):
    """The median of curl's time_total (ms) over LATENCY_GETS one-byte GETs."""
    times, errors = [], []
    for _ in range(LATENCY_GETS):
        result = a.run(curl_argv(row, 1, 5, "%{size_download} %{time_total}"), timeout=15, check=False,
                       env=client_env())
        fields = result.stdout.split()
        if result.returncode == 0 and len(fields) == 2 and fields[0] == "1":
            times.append(float(fields[1]) * 1000)
        else:
            errors.append(f"curl exited with {result.returncode}: {result.stdout.strip()} {result.stderr.strip()}")
    if not times:
        raise RowFailure(f"no one-byte GET succeeded: {errors[0]}")
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times),
            "count": len(times), "failed": len(errors)}


def measure_iperf(lab, a, b, row, args):
    """One iperf3 run A -> B against a fresh one-shot server in B; for a proxy row under the preload
    library, checked to have connected through the proxy (the client sees the proxy as its peer)."""
    server = b.start(["iperf3", "-s", "-1", "-B", VETH_B, "-p", str(IPERF_PORT)])
    extra = {}
    if row.kind:
        extra = {"LD_PRELOAD": args.preload, "MOSAIC_SOCKS": f"{PROXY_ADDR}:{row.port}"}
    try:
        wait_for(lambda: server.alive() and b.listening(IPERF_PORT), 10, "iperf3 server listening")
        result = a.run(["iperf3", "-c", VETH_B, "-p", str(IPERF_PORT), "-t", str(args.seconds), "-J",
                        "--connect-timeout", "5000"], timeout=args.seconds + 30, check=False, env=client_env(extra))
    finally:
        lab.stop(server, timeout=5)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        return {"error": f"iperf3 exited with {result.returncode}: {tail(result.stdout + result.stderr, 5)}"}
    if "error" in report:
        return {"error": report["error"]}
    connected = report.get("start", {}).get("connected") or [{}]
    peer = f"{connected[0].get('remote_host')}:{connected[0].get('remote_port')}"
    expected = f"{PROXY_ADDR}:{row.port}" if row.kind else f"{VETH_B}:{IPERF_PORT}"
    if peer != expected:
        return {"error": f"iperf3's data connection went to {peer}, not {expected}: not through the proxy"}
    end = report["end"]
    return {"gbps": end["sum_received"]["bits_per_second"] / 1e9,
            "retransmits": end["sum_sent"].get("retransmits"), "peer": peer}


def spread(runs):
    values = [run["gbps"] for run in runs if "gbps" in run]
    if not values:
        return None
    return {"median_gbps": statistics.median(values), "min_gbps": min(values), "max_gbps": max(values),
            "ok": len(values), "failed": len(runs) - len(values)}


def measure_row(lab, a, b, row, proxy, args):
    """HTTP downloads, one-byte GETs and iperf3 runs of one row; failures are recorded in the row."""
    result = {"key": row.key, "label": row_label(row), "chart_label": row.chart_label,
              "proxy": f"{PROXY_ADDR}:{row.port}" if row.kind else None}
    if row.node:
        result["mozc_flags"] = mozc_flags(row.node)
    nbytes = min(MICROSOCKS_BYTES, args.file_bytes) if row.kind == "microsocks" else args.file_bytes
    result["http_bytes"] = nbytes
    log(f"{row.label}: starting")
    try:
        if proxy and not proxy.process.alive():
            raise RowFailure(f"the proxy exited with {proxy.process.returncode}:\n{tail(proxy.process.output())}")
        result["loadavg_start"] = loadavg()
        result["latency"] = measure_latency(a, row)  # first, on the idle path
        log(f"{row.label}: latency {result['latency']['median_ms']:.2f} ms (median of {result['latency']['count']})")
        cpu0 = tree_cpu_seconds(proxy.process.pid) if proxy else 0.0
        runs, busy, total = [], 0, 0
        for rep in range(args.reps):
            machine0 = machine_jiffies()
            run = measure_download(a, row, nbytes)
            machine1 = machine_jiffies()
            busy, total = busy + machine1[0] - machine0[0], total + machine1[1] - machine0[1]
            runs.append(run)
            log(f"{row.label}: HTTP {size_text(nbytes)}, run {rep + 1}/{args.reps}: "
                + (f"{run['gbps']:.2f} Gbit/s" if "gbps" in run else run["error"]))
        transfer_s = sum(run.get("seconds", 0) for run in runs)
        if proxy and transfer_s > 0:  # of one core, over the downloads' own durations (curl's time_total)
            result["proxy_cpu_pct_http"] = 100 * (tree_cpu_seconds(proxy.process.pid) - cpu0) / transfer_s
        if total:  # all CPUs together, over the downloads (each from the start of its curl to its end)
            result["machine_cpu_pct_http"] = 100 * busy / total
        result["http_runs"] = runs
        result["http"] = spread(runs)
        runs = []
        cpu0 = tree_cpu_seconds(proxy.process.pid) if proxy else 0.0
        for rep in range(args.reps):
            run = measure_iperf(lab, a, b, row, args)
            runs.append(run)
            log(f"{row.label}: iperf3 {args.seconds} s, run {rep + 1}/{args.reps}: "
                + (f"{run['gbps']:.2f} Gbit/s" if "gbps" in run else run["error"]))
        if proxy:  # of one core, over the runs' nominal length
            used = tree_cpu_seconds(proxy.process.pid) - cpu0
            result["proxy_cpu_pct_iperf3"] = 100 * used / (args.reps * args.seconds)
        result["iperf3_runs"] = runs
        result["iperf3"] = spread(runs)
        if not result["http"] and not result["iperf3"]:
            raise RowFailure("no download and no iperf3 run succeeded: "
                             + "; ".join(r["error"] for r in result["http_runs"] + runs if "error" in r))
    except (RowFailure, TestFailure) as e:
        result["error"] = str(e)
        log(f"{row.label}: FAILED: {e}")
        if proxy:
            print(f"--- last output of {proxy.process}:\n{tail(proxy.process.output())}", file=sys.stderr)
    return result


def compare(rows):
    """Each row's median throughput (HTTP and iperf3) over the direct row's and dante's; the targets."""
    by_key = {r["key"]: r for r in rows}
    for metric in ("http", "iperf3"):
        for ref_key in (DIRECT_ROW, DANTE_ROW):
            ref = (by_key.get(ref_key) or {}).get(metric)
            for row in rows:
                if ref and row.get(metric):
                    row[f"{metric}_ratio_to_{ref_key}"] = row[metric]["median_gbps"] / ref["median_gbps"]
    target = by_key.get(TARGET_ROW) or {}
    return {f"{TARGET_ROW}_http_ratio_to_{ref_key}": {
                "ratio": target.get(f"http_ratio_to_{ref_key}"), "target": minimum,
                "met": None if target.get(f"http_ratio_to_{ref_key}") is None
                else target[f"http_ratio_to_{ref_key}"] >= minimum}
            for ref_key, minimum in TARGETS.items()}


def collect_node_stats(proxies):
    """The SOCKS nodes' --stats (written on SIGTERM, so read after they were stopped): "tcp" counters."""
    stats = {}
    for proxy in proxies:
        if not proxy.stats_path:
            continue
        entry = {"exit": proxy.process.returncode}
        try:
            with open(proxy.stats_path) as f:
                written = json.load(f)
            entry["tcp"] = written.get("tcp")
        except (OSError, ValueError) as e:
            entry["error"] = f"no stats: {e}"
        stats[proxy.row.key] = entry
    return stats


def record_profile(a, proxy, args):
    """perf record -g of the optimized node for --perf-seconds while A downloads the file through it,
    one download after the other (a 1 GiB download takes less than 5 s) until the recording ends."""
    perf = subprocess.Popen(["perf", "record", "-g", "-o", args.perf_data, "-p", str(proxy.process.pid),
                             "--", "sleep", str(args.perf_seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    downloads = []
    try:
        deadline = time.monotonic() + args.perf_seconds + 30
        while perf.poll() is None and time.monotonic() < deadline:
            downloads.append(measure_download(a, proxy.row, args.file_bytes))
        out, _ = perf.communicate(timeout=60)
    finally:
        if perf.poll() is None:
            perf.kill()
            perf.wait(timeout=10)
    speeds = [d["gbps"] for d in downloads if "gbps" in d]
    log(f"perf record: exit {perf.returncode}, {args.perf_data}; {len(downloads)} download(s) of "
        f"{size_text(args.file_bytes)} meanwhile, median "
        + (f"{statistics.median(speeds):.2f} Gbit/s" if speeds else "n/a (none succeeded)"))
    return {"path": args.perf_data, "exit": perf.returncode, "seconds": args.perf_seconds,
            "downloads": downloads, "output": tail(out, 5)}


# ---------------------------------------------------------------- output

def size_text(nbytes):
    return f"{nbytes // GIB} GiB" if nbytes % GIB == 0 else f"{nbytes // MIB} MiB"


def fmt(value, spec, missing="n/a"):
    return format(value, spec) if value is not None else missing


def markdown_table(rows, targets, args):
    sizes = sorted({r["http_bytes"] for r in rows})
    lines = [f"HTTP: curl download from B's sendfile server to A, median of {args.reps}; "
             f"latency: median curl time_total of {LATENCY_GETS} one-byte GETs; "
             f"iperf3: TCP A -> B, {args.reps} x {args.seconds} s, proxy rows through LD_PRELOAD="
             f"libmosaic_preload.so; Gbit/s = 10^9 bit/s",
             "",
             "| row | HTTP Gbit/s (median) | min-max | / direct | / dante | latency (ms) "
             "| iperf3 Gbit/s (median) | min-max | / direct | / dante | proxy CPU % (HTTP) | machine CPU % (HTTP) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        if "error" in row and not row.get("http") and not row.get("iperf3"):
            lines.append(f"| {row['label']} | FAILED | | | | | | | | | | |")
            continue
        http, iperf, lat = row.get("http") or {}, row.get("iperf3") or {}, row.get("latency") or {}
        label = row["label"] + (f" ({size_text(row['http_bytes'])})" if len(sizes) > 1 and
                                row["http_bytes"] != max(sizes) else "")
        lines.append(
            f"| {label} | {fmt(http.get('median_gbps'), '.2f')} "
            f"| {fmt(http.get('min_gbps'), '.2f')}-{fmt(http.get('max_gbps'), '.2f')} "
            f"| {fmt(row.get('http_ratio_to_direct'), '.2f')} | {fmt(row.get('http_ratio_to_dante'), '.2f')} "
            f"| {fmt(lat.get('median_ms'), '.2f')} "
            f"| {fmt(iperf.get('median_gbps'), '.2f')} "
            f"| {fmt(iperf.get('min_gbps'), '.2f')}-{fmt(iperf.get('max_gbps'), '.2f')} "
            f"| {fmt(row.get('iperf3_ratio_to_direct'), '.2f')} | {fmt(row.get('iperf3_ratio_to_dante'), '.2f')} "
            f"| {fmt(row.get('proxy_cpu_pct_http'), '.0f', '')} | {fmt(row.get('machine_cpu_pct_http'), '.0f')} |")
    lines.append("")
    lines.append("proxy CPU: the proxy's processes, % of one core over the downloads; machine CPU: all "
                 f"{os.cpu_count()} CPUs together (100 = all busy), over the downloads.")
    if len(sizes) > 1:
        small = [r["label"] for r in rows if r["http_bytes"] != max(sizes)]
        lines.append(f"HTTP downloads of {size_text(max(sizes))}, but {', '.join(small)}: "
                     f"{size_text(min(sizes))} (it is slow; as in peer-baseline.sh).")
    else:
        lines.append(f"HTTP downloads of {size_text(sizes[0])} for every row.")
    for key, t in targets.items():
        ref = key.rsplit("_", 1)[1]
        verdict = "not measured" if t["met"] is None else ("met" if t["met"] else "NOT met")
        lines.append(f"Target: optimized SOCKS node HTTP >= {t['target']:g} x {ref}: {verdict}"
                     + (f" ({t['ratio']:.2f})" if t["ratio"] is not None else ""))
    for row in rows:
        if "error" in row:
            lines.append(f"{row['label']} failed: {row['error'].splitlines()[0]}")
        failed = [r["error"] for r in row.get("http_runs", []) + row.get("iperf3_runs", []) if "error" in r]
        if failed and "error" not in row:
            lines.append(f"{row['label']}: {len(failed)} run(s) failed, first: {failed[0].splitlines()[0]}")
        if row.get("node_stats"):
            tcp = row["node_stats"].get("tcp") or {}
            counters = ", ".join(f"{k} {v}" for k, v in tcp.items()) or row["node_stats"].get("error")
            lines.append(f"{row['key']} node (exit {row['node_stats'].get('exit')}): tcp {counters}")
    return "\n".join(lines)


def draw_chart(rows, args, workdir):
    """Two bar charts side by side: HTTP download throughput per row with min-max bars and the direct
    row's, dante's and the 0.6 x direct target as lines; and iperf3 through the preload library."""
    measured = [r for r in rows if r.get("http") or r.get("iperf3")]
    if not measured:
        return "no row was measured"
    data = os.path.join(workdir, "chart.tsv")
    top = 0.0
    with open(data, "w") as f:
        for i, r in enumerate(measured):
            h, p = r.get("http") or {}, r.get("iperf3") or {}
            values = (h.get("median_gbps"), h.get("min_gbps"), h.get("max_gbps"),
                      p.get("median_gbps"), p.get("min_gbps"), p.get("max_gbps"))
            top = max([top] + [v for v in values if v is not None])
            size = size_text(r["http_bytes"])
            f.write("\t".join([str(i), r["chart_label"]] + [f"{v:.3f}" if v is not None else "NaN" for v in values]
                              + [size]) + "\n")
    by_key = {r["key"]: r for r in measured}
    refs = []
    if (by_key.get(DIRECT_ROW) or {}).get("http"):
        direct = by_key[DIRECT_ROW]["http"]["median_gbps"]
        share = TARGETS["direct"]
        refs += [(direct, "#228833", f"direct {direct:.2f}"),
                 (share * direct, "#999933", f"{share:g} x direct {share * direct:.2f} (target)")]
    if (by_key.get(DANTE_ROW) or {}).get("http"):
        dante = by_key[DANTE_ROW]["http"]["median_gbps"]
        refs.append((dante, "#cc6677", f"dante {dante:.2f}"))
    ref_plots = "".join(f", \\\n     {v:.4f} with lines dt 2 lw 2 lc rgb \"{c}\" title {gnuplot_string(t)}"
                        for v, c, t in refs)
    d = gnuplot_string(data)
    low, up = f"{top * 0.12:.3f}", f"{top * 0.04:.3f}"  # a small bar's value goes above it
    title = (f"Table 4: TCP through SOCKS5 proxies between two network namespaces "
             f"({platform.node()}, {os.cpu_count()} CPUs; client, proxies and servers share them)")
    script = f"""
set terminal pngcairo size 1200,560 font ",10"
set termoption noenhanced
set output {gnuplot_string(args.chart)}
set datafile separator "\\t"
set datafile missing "NaN"
set style fill solid 0.7 border -1
set boxwidth 0.6
set xrange [-0.6:{len(measured) - 0.4}]
set yrange [0:{top * 1.15:.3f}]
set grid ytics
set bmargin 4
set multiplot layout 1,2 title {gnuplot_string(title)}
set key inside top right vertical opaque box samplen 2
set title {gnuplot_string(f"HTTP download through the proxy (curl; median of {args.reps}; bars: min-max)")}
set ylabel "Gbit/s"
plot {d} using 1:3:xtic(sprintf("%s\\n%s", strcol(2), strcol(9))) with boxes lc rgb "#4477aa" notitle, \\
     {d} using 1:4:(0):($5-$4) with vectors nohead lw 2 lc rgb "black" notitle, \\
     {d} using 1:($3 < {low} ? $3 + {up} : $3 / 2):(sprintf("%.2f", $3)) with labels notitle{ref_plots}
set key off
set title {gnuplot_string(f"iperf3 A -> B, proxies through LD_PRELOAD (median of {args.reps} x {args.seconds} s)")}
plot {d} using 1:6:xtic(2) with boxes lc rgb "#66ccee" notitle, \\
     {d} using 1:7:(0):($8-$7) with vectors nohead lw 2 lc rgb "black" notitle, \\
     {d} using 1:($6 < {low} ? $6 + {up} : $6 / 2):(sprintf("%.2f", $6)) with labels notitle
unset multiplot
"""
    os.makedirs(os.path.dirname(os.path.abspath(args.chart)), exist_ok=True)
    result = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        return f"gnuplot exited with {result.returncode}: {result.stderr.strip()}"
    return None


def package_version(name):
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True, timeout=10)
    return out.stdout.strip() or None


def environment(args):
    return {"host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(), "loadavg": loadavg(),
            "curl": first_line(["curl", "--version"]), "iperf3": first_line(["iperf3", "--version"]),
            "dante-server": package_version("dante-server"), "microsocks": package_version("microsocks"),
            **{attr: binary_info(getattr(args, attr)) for attr in (*NODE_BINARIES, "preload")}}


# ---------------------------------------------------------------- main

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socks", default=os.path.join(ROOT, "build", "overlays", "socks"),
                    help="the SOCKS node, optimized as built (default: build/overlays/socks)")
    ap.add_argument("--socks-copy", default=os.path.join(ROOT, "build", "overlays", "socks_copy"),
                    help="the SOCKS node, optimized but relaying by copy (default: build/overlays/socks_copy)")
    ap.add_argument("--socks-plain", default=os.path.join(ROOT, "build", "overlays", "socks_plain"),
                    help="the SOCKS node, --cview-opt=none (default: build/overlays/socks_plain)")
    ap.add_argument("--preload", default=os.path.join(ROOT, "build", "preload", "libmosaic_preload.so"),
                    help="the preload library (default: build/preload/libmosaic_preload.so)")
    ap.add_argument("--reps", type=int, default=3, help="downloads and iperf3 runs per row (default 3)")
    ap.add_argument("--seconds", type=int, default=5, help="length of one iperf3 run (default 5)")
    ap.add_argument("--only", action="append", metavar="ROW",
                    help=f"run only these rows, comma-separated or repeated: {', '.join(ROW_KEYS)}")
    ap.add_argument("--quick", action="store_true",
                    help=f"{QUICK_BYTES // MIB} MiB downloads, 1 rep, 1 s iperf3 (smoke test, under a minute)")
    ap.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "socks_table4.json"),
                    help="JSON summary (default: bench/results/socks_table4.json)")
    ap.add_argument("--chart", default=os.path.join(ROOT, "docs", "socks_table4.png"),
                    help="bar chart PNG, drawn with gnuplot (default: docs/socks_table4.png)")
    ap.add_argument("--perf-data", metavar="PATH",
                    help="after the measurements, perf record -g the optimized node into PATH during one more download")
    ap.add_argument("--perf-seconds", type=int, default=5, help="length of the perf recording (default 5)")
    ap.add_argument("--max-seconds", type=int,
                    help="watchdog: abort (and clean up) after this long (default: 600, more if the runs need it)")
    ap.add_argument("--no-install", action="store_true", help=f"do not run {os.path.relpath(INSTALL_SCRIPT, ROOT)}")
    ap.add_argument("--keep", action="store_true", help="keep the processes' logs and print where")
    args = ap.parse_args()
    if args.quick:
        args.reps, args.seconds = 1, 1
    args.file_bytes = QUICK_BYTES if args.quick else FULL_BYTES
    if args.reps < 1 or args.seconds < 1:
        ap.error("--reps and --seconds must be at least 1")
    keys = [k for item in (args.only or [",".join(ROW_KEYS)]) for k in item.split(",") if k]
    unknown = [k for k in keys if k not in ROW_KEYS]
    if unknown:
        ap.error(f"unknown row(s) {', '.join(unknown)}; rows: {', '.join(ROW_KEYS)}")
    args.rows = [r for r in ROWS if r.key in keys]  # table order, whatever order --only gave
    if args.perf_data and TARGET_ROW not in keys:
        ap.error(f"--perf-data records the optimized node: the {TARGET_ROW} row must run")
    if args.max_seconds is None:
        per_row = args.reps * (http_max_time(args.file_bytes) + args.seconds + 45) + LATENCY_GETS * 15
        args.max_seconds = max(600, 120 + len(args.rows) * per_row + (args.perf_seconds + 120 if args.perf_data else 0))
    for attr in (*NODE_BINARIES, "preload"):
        setattr(args, attr, os.path.abspath(getattr(args, attr)))
    if args.perf_data:
        args.perf_data = os.path.abspath(args.perf_data)
    return args


def check_prerequisites(args):
    if os.geteuid() != 0:
        sys.exit("socks_table4.py needs root (network namespaces, veth pairs): run it with sudo")
    if not args.no_install:
        subprocess.run([INSTALL_SCRIPT, *PACKAGES, *(["linux-perf"] if args.perf_data else [])],
                       check=True, timeout=600, stdout=sys.stderr)
    needed = [(row.node, f"the {row.node} target") for row in args.rows if row.node]
    if any(row.kind for row in args.rows):
        needed.append(("preload", "the mosaic_preload target"))
    for attr, target in needed:
        path = getattr(args, attr)
        for _ in range(20):  # the other engineer's rebuild may replace it right now
            if os.access(path, os.R_OK):
                break
            time.sleep(0.5)
        else:
            sys.exit(f"{path}: not there (build {target}, or pass --{attr.replace('_', '-')} PATH)")


def refuse_existing_namespaces(lab):
    out = subprocess.run(["ip", "-j", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
    existing = {entry["name"] for entry in json.loads(out or "[]")}
    clash = sorted(existing & {f"{lab.tag}-a", f"{lab.tag}-b"})
    if clash:
        raise TestFailure(f"network namespace(s) {', '.join(clash)} exist already; not touching them")


def on_watchdog(signum, frame):
    raise WatchdogExpired("the watchdog fired")


def make_file(lab, nbytes):
    """The served file: fallocate'd (zeros, no disk writes) in the run's directory, then read once so
    that it sits in the page cache."""
    path = os.path.join(lab.workdir, "blob.bin")
    subprocess.run(["fallocate", "-l", str(nbytes), path], check=True, capture_output=True, timeout=60)
    with open(path, "rb") as f:
        while f.read(8 * MIB):
            pass
    return path


def run_bench(args):
    rows, proxies, targets, profile = [], [], {}, None
    with Lab(LAB_PREFIX, keep_logs=args.keep) as lab:
        signal.signal(signal.SIGALRM, on_watchdog)
        signal.alarm(args.max_seconds)
        try:
            refuse_existing_namespaces(lab)
            a, b = lab.namespace("a"), lab.namespace("b")
            _, veth_b = lab.veth(a, b, f"{VETH_A}/24", f"{VETH_B}/24")
            b.run(["ip", "addr", "add", f"{PROXY_ADDR}/24", "dev", veth_b])
            for dst in (VETH_B, PROXY_ADDR):
                wait_for(lambda dst=dst: a.run(["ping", "-n", "-c", "1", "-W", "1", dst], timeout=5,
                                               check=False).returncode == 0, 10, f"a ping from A to {dst}")
            log(f"serving a {args.file_bytes // MIB} MiB file from B (fallocate, read into the page cache)")
            blob = make_file(lab, args.file_bytes)
            http = b.start([sys.executable, write_file(lab, "sfhttp.py", HTTP_SERVER), VETH_B, str(HTTP_PORT), blob])
            wait_for(lambda: http.alive() and b.listening(HTTP_PORT), 15, "the HTTP server listening in B")
            for row in args.rows:
                if row.kind:
                    proxies.append(start_proxy(lab, b, row, args))
            by_row = {p.row.key: p for p in proxies}
            warm = measure_download(a, ROWS[0], args.file_bytes)  # untimed: page cache, both stacks warm
            log("warm-up download (direct, untimed): "
                + (f"{warm['gbps']:.2f} Gbit/s" if "gbps" in warm else warm["error"]))
            for row in args.rows:
                rows.append(measure_row(lab, a, b, row, by_row.get(row.key), args))
            if args.perf_data:
                profile = record_profile(a, by_row[TARGET_ROW], args)
            cpu_total = {p.row.key: tree_cpu_seconds(p.process.pid) for p in proxies}
            for proxy in reversed(proxies):  # the nodes write their --stats on SIGTERM
                stop_tree(lab, proxy.process)
            node_stats = collect_node_stats(proxies)
            for row in rows:
                if row["key"] in node_stats:
                    row["node_stats"] = node_stats[row["key"]]
                if row["key"] in cpu_total:
                    row["proxy_cpu_s_whole_run"] = round(cpu_total[row["key"]], 2)
            targets = compare(rows)
            chart_error = draw_chart(rows, args, lab.workdir)
        finally:
            signal.alarm(0)  # Lab's cleanup below must not be cut short
            for proxy in reversed(proxies):  # danted's workers too (Lab.stop stops only the PID it started)
                stop_tree(lab, proxy.process)
    return rows, targets, chart_error, profile


def main():
    args = parse_args()
    check_prerequisites(args)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    env = environment(args)
    log(f"rows: {', '.join(r.key for r in args.rows)}; {args.reps} reps, {args.file_bytes // MIB} MiB downloads, "
        f"{args.seconds} s iperf3; watchdog {args.max_seconds} s")
    try:
        rows, targets, chart_error, profile = run_bench(args)
    except (Interrupted, WatchdogExpired, TestFailure) as e:
        print(f"socks_table4.py: stopped: {e}; everything it started was removed", file=sys.stderr)
        sys.exit(2 if isinstance(e, (Interrupted, WatchdogExpired)) else 1)
    print(markdown_table(rows, targets, args))
    summary = {"started": started, "seconds": round(time.monotonic() - T0, 1),
               "method": {"reps": args.reps, "iperf3_seconds": args.seconds, "file_bytes": args.file_bytes,
                          "microsocks_bytes": min(MICROSOCKS_BYTES, args.file_bytes),
                          "latency_gets": LATENCY_GETS, "quick": args.quick,
                          "server": f"{VETH_B}:{HTTP_PORT} (HTTP), {VETH_B}:{IPERF_PORT} (iperf3)",
                          "proxies": {r.key: f"{PROXY_ADDR}:{r.port}" for r in ROWS if r.kind}},
               "environment": env, "loadavg_end": loadavg(), "targets": targets,
               "rows": rows, "profile": profile, "chart": None if chart_error else os.path.abspath(args.chart)}
    write_json(args.json, summary)
    log(f"JSON summary: {args.json}")
    if chart_error:
        log(f"no chart: {chart_error}")
    else:
        log(f"chart: {args.chart}")
    failed = [r["key"] for r in rows if "error" in r]
    sys.exit(1 if failed or chart_error else 0)


if __name__ == "__main__":
    main()
