#!/usr/bin/env python3
"""The paper's Table 3, side by side in one run: IP traffic over MozTun and its peers.

Every row ("setup") carries traffic from a namespace A (198.18.0.1/24) to a
namespace B (198.18.0.2/24), all created here. The first three rows share one
pair, A and B joined by a veth pair; the RON and i3 rows need more members, so
each builds a network of its own: its own A and B and its other namespaces,
each with a veth to a bridge in a switch namespace, all of the row's. Each row
starts what it needs, returns the address in its B that A's traffic goes to,
is measured, and is torn down fully before the next row starts (its processes
stopped by PID, no tun device left in its A or B, its own namespaces, and with
them its bridge and veths, deleted), so no two rows' devices ever coexist:

  direct    DirectIP: nothing but the veth pair; destination 198.18.0.2
  openvpn   OpenVPN 2.6, p2p UDP tun tunnel without crypto (--cipher none
            --auth none --data-ciphers none), tun MTU 1408 as MozTun's;
            destination 198.19.0.2, the inner address of B's end
  moztun    the compiled MozTun node (overlays/moztun) in A and in B, each
            with a tun device mz0 (198.19.0.1/24, 198.19.0.2/24, MTU 1408 by
            default) and a tunRoute fact naming the other node's UDP address;
            destination 198.19.0.2. The nodes' "tun" counters (read, written,
            read_malformed, write_failed, ...) from their --stats files, which
            they write on SIGTERM, go into the JSON summary.
  ron       tun over RON (overlays/moztun/ron_tun.moz), as tests/netns/
            test_ron_tun.py sets it up: three RON members A, B and C
            (198.18.0.1-3, UDP port 7000) on the row's bridge, each with the
            facts ron.member(...) for all three; A and B have tun devices ron0
            (198.19.0.1/24, 198.19.0.2/24), and each node maps the others' tun
            addresses to ron::"IP:7000" (tunRoute); C has no tun device, it is
            a possible intermediate. Waits (at most 30 s) for a ping through
            the tunnel; destination 198.19.0.2.
  i3        tun over i3 (overlays/moztun/i3_tun.moz), as tests/netns/
            test_i3_tun.py sets it up: six i3 servers, a Chord ring, in a
            namespace S (198.18.0.10, ports 7001-7006, landmark 7001), and two
            clients A (198.18.0.1:7000, through server 7002) and B
            (198.18.0.2:7000, through 7003) with tun devices i30
            (198.19.0.1/24, 198.19.0.2/24) and tunSelf facts; all on the row's
            bridge. The ring and the triggers take a few seconds: waits (at
            most 150 s) for a ping through the tunnel; destination 198.19.0.2.
  The RON and i3 rows, as their tests, then check that 5 of 5 pings through
  the tunnel are answered; the wait for the first one goes into the JSON
  (first_ping_s), and so do, as for MozTun, every node's --stats counters
  (C's and the i3 servers' too; only A's and B's have "tun" counters).

Measured per row, from A:
  throughput  iperf3 TCP, A -> B, --seconds each, --reps times (a fresh
              one-shot iperf3 server in B for every run, bound to the
              destination); median, min and max of the receiver's Mbit/s
  RTT         the median of 100 pings at 0.02 s intervals, taken before the
              iperf3 runs, on the idle path
and, against the OpenVPN row when it ran: the throughput ratio and the RTT
difference (ratio_to_openvpn, rtt_diff_to_openvpn_ms in the JSON); for the RON
and i3 rows, against the MozTun row when it ran: the throughput ratio (RON /
MozTun, i3 / MozTun: the table's last column, ratio_to_moztun in the JSON).

Output: a Markdown table on stdout, a JSON summary (--json) and a gnuplot bar
chart (--chart). Needs root. Traffic goes only to 198.18.0.0/15 addresses
inside the namespaces created here. Every wait is a bounded poll; every process
is stopped by its PID; a row's own namespaces are deleted when the row ends,
all the others (the shared pair with its veth, and any left) at the end, also
on an error, Ctrl-C, SIGTERM or when the global watchdog (--max-seconds) fires.
The namespace and process handling is tests/netns/netns.py's Lab.

    sudo python3 bench/tun_table3.py                 # 3 x 5 s per row (~2 minutes)
    sudo python3 bench/tun_table3.py --quick         # 1 x 2 s per row, smoke test
    sudo python3 bench/tun_table3.py --only openvpn,moztun --reps 5
    sudo python3 bench/tun_table3.py --only moztun,ron,i3

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
from typing import Callable, Optional

sys.dont_write_bytecode = True  # importing netns.py must not leave __pycache__ in the source tree
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "netns"))

from netns import Interrupted, Lab, Namespace, Process, TestFailure, check_address, wait_for  # noqa: E402
from bench_common import T0, binary_info, first_line, gnuplot_string, loadavg, log, tail, write_json  # noqa: E402

PACKAGES = ["iperf3", "openvpn", "gnuplot-nox", "iproute2", "iputils-ping"]
INSTALL_SCRIPT = os.path.join(ROOT, "scripts", "install-packages.sh")
LAB_PREFIX = "tbl"                 # namespaces tbl<PID>-a, tbl<PID>-b; a row's own: tbl<PID>-<row><label>

VETH_A, VETH_B = "198.18.0.1", "198.18.0.2"   # RFC 2544 benchmarking range
INNER_A, INNER_B = "198.19.0.1", "198.19.0.2"  # tunnel inner addresses
TUN_MTU = 1408                     # MozTun's default; OpenVPN gets the same
OPENVPN_PORT = 1194
NODE_PORT = 7000                   # UDP port of the MozTun and RON nodes and the i3 clients
RON_C = "198.18.0.3"               # the third RON member, a possible intermediate
RON_FIRST_PING_S = 30              # bound on the wait for the first ping through RON (as the test)
I3_SERVER = "198.18.0.10"          # the six i3 servers' namespace
I3_SERVER_PORTS = range(7001, 7007)
I3_CLIENT_SERVER = {"A": 7002, "B": 7003}  # the i3 server each client goes through
I3_FIRST_PING_S = 150              # bound on the ring forming and the triggers being placed (as the test)
IPERF_PORT = 5201
PING_COUNT, PING_INTERVAL = 100, 0.02
REFERENCE_ROW = "openvpn"          # ratios and RTT differences are taken against this row
MOZTUN_ROW, OVER_MOZTUN_ROWS = "moztun", ("ron", "i3")  # and these rows' throughput against MozTun's
NODE_COUNTERS = ["sent", "received", "malformed", "retransmits", "gave_up"]


class RowFailure(Exception):
    """A setup could not be started or measured; the row is reported as failed."""


class WatchdogExpired(Exception):
    """The whole run took longer than --max-seconds."""


# ---------------------------------------------------------------- the bench and its setups

@dataclasses.dataclass
class Node:
    """A MOSAIC node process started by a setup, with the stats file it writes on exit."""
    name: str
    process: Process
    stats_path: str
    tun: Optional[str] = None  # its tun device, if it was started with one


@dataclasses.dataclass
class Bench:
    """What a setup gets: the Lab, the row's namespaces A and B (the shared veth pair, or the row's own
    on its bridge), the row's own namespaces by label, and the options. Every row works on a copy of
    its own (run_row), so that what one row sets here never reaches the next."""
    lab: Lab
    a: Optional[Namespace]
    b: Optional[Namespace]
    args: argparse.Namespace
    row: str = ""                                          # the current row's key
    hosts: dict = dataclasses.field(default_factory=dict)  # the row's own namespaces by label ("A", "B", ...)
    nodes: list = dataclasses.field(default_factory=list)  # MOSAIC nodes of the current row
    extra: dict = dataclasses.field(default_factory=dict)  # figures the setup adds to its row in the JSON

    def write_file(self, name, text):
        path = os.path.join(self.lab.workdir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_node(self, ns, name, binary, udp_addr, facts, tun_addr=None, tun="mz0"):
        """Starts a compiled MOSAIC node in `ns` with the given facts (and a tun device), remembered
        in self.nodes so that its --stats file can be read once the row is torn down."""
        facts_path = self.write_file(f"{self.row}-{name}.facts", "".join(f"{fact}\n" for fact in facts))
        stats_path = os.path.join(self.lab.workdir, f"{self.row}-{name}.json")
        argv = [binary, "--addr", udp_addr, "--facts", facts_path, "--stats", stats_path]
        if tun_addr:
            argv += ["--tun", tun, "--tun-addr", tun_addr]
        node = Node(name, ns.start(argv), stats_path, tun if tun_addr else None)
        self.nodes.append(node)
        return node


def build_bridge_network(bench, hosts):
    """A network of the row's own, as tests/netns/test_ron_tun.py and test_i3_tun.py build theirs: a
    bridge in a switch namespace, and for each label of `hosts` ({label: address}) a namespace with
    a veth to the bridge, addressed address/24. The namespaces are the Lab's (tbl<PID>-<row>sw,
    tbl<PID>-<row><label>); tear_down deletes them, and with them the bridge and the veths, when the
    row ends. Labels "A" and "B" become the row's A and B; returns once A reaches every other host."""
    lab = bench.lab
    sw = lab.namespace(f"{bench.row}sw")
    sw.run(["ip", "link", "add", "br0", "type", "bridge"])
    sw.run(["ip", "link", "set", "br0", "up"])
    for label, address in hosts.items():
        iface = check_address(f"{address}/24")
        ns = lab.namespace(f"{bench.row}{label.lower()}")
        bench.hosts[label] = ns
        inside, port = lab.ifname("v"), lab.ifname("p")
        # Created with both ends already in place, so nothing is ever left in the root namespace.
        result = subprocess.run(["ip", "link", "add", inside, "netns", ns.name, "type", "veth",
                                 "peer", "name", port, "netns", sw.name],
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RowFailure(f"veth {inside}/{port} ({ns.name} to {sw.name}): {result.stderr.strip()}")
        sw.run(["ip", "link", "set", port, "master", "br0"])
        sw.run(["ip", "link", "set", port, "up"])
        ns.run(["ip", "addr", "add", str(iface), "dev", inside])
        ns.run(["ip", "link", "set", inside, "up"])
    bench.a, bench.b = bench.hosts["A"], bench.hosts["B"]
    for label, address in hosts.items():
        if label != "A":
            wait_for(lambda address=address: ping_answers(bench.a, address), 10,
                     f"the bridge to carry a ping from A to {label} ({address})")


def start_direct(bench):
    """DirectIP: the veth pair itself; nothing to start."""
    return VETH_B


def openvpn_argv(local, remote, inner_local, inner_remote):
    return ["openvpn", "--dev", "tun", "--proto", "udp",
            "--cipher", "none", "--auth", "none", "--data-ciphers", "none",
            "--tun-mtu", str(TUN_MTU), "--verb", "3",
            "--local", local, "--lport", str(OPENVPN_PORT),
            "--remote", remote, "--rport", str(OPENVPN_PORT),
            "--ifconfig", inner_local, inner_remote]


def start_openvpn(bench):
    """OpenVPN p2p over UDP, no crypto: one process in each namespace."""
    server = bench.b.start(openvpn_argv(VETH_B, VETH_A, INNER_B, INNER_A))
    # B's socket first, so that A's first packets are not refused by a port nobody listens on yet.
    wait_for(lambda: server.alive() and bench.b.listening(OPENVPN_PORT, "udp"), 10, "OpenVPN listening in B")
    client = bench.a.start(openvpn_argv(VETH_A, VETH_B, INNER_A, INNER_B))
    for process in (server, client):
        wait_for_output(process, "Initialization Sequence Completed", 30)
    return INNER_B


def start_moztun(bench):
    """MozTun: one node in each namespace, each told that the other's inner address is behind the other node."""
    binary = bench.args.moztun
    bench.start_node(bench.a, "A", binary, f"{VETH_A}:{NODE_PORT}",
                     [f'tunRoute("{INNER_B}", "{VETH_B}:{NODE_PORT}").'], tun_addr=f"{INNER_A}/24")
    bench.start_node(bench.b, "B", binary, f"{VETH_B}:{NODE_PORT}",
                     [f'tunRoute("{INNER_A}", "{VETH_A}:{NODE_PORT}").'], tun_addr=f"{INNER_B}/24")
    wait_for_tun_devices(bench, "mz0")
    return INNER_B


RON_NETWORK = {"A": VETH_A, "B": VETH_B, "C": RON_C}
I3_NETWORK = {"S": I3_SERVER, "A": VETH_A, "B": VETH_B}
INNER = {"A": INNER_A, "B": INNER_B}


def start_tun_over_ron(bench):
    """tun over RON (tests/netns/test_ron_tun.py): a ron_tun node on each of A, B and C, all three RON
    members; A and B with a tun device ron0, each node mapping the other tun addresses to their
    nodes' RON addresses. C has no tun device: it is there as a possible intermediate."""
    members = {label: f"{address}:{NODE_PORT}" for label, address in RON_NETWORK.items()}
    for label, member in members.items():
        facts = [f'ron.member("{m}").' for m in members.values()]
        facts += [f'tunRoute("{inner}", ron::"{members[other]}").' for other, inner in INNER.items() if other != label]
        tun_addr = f"{INNER[label]}/24" if label in INNER else None
        bench.start_node(bench.hosts[label], label, bench.args.ron_tun, member, facts, tun_addr=tun_addr, tun="ron0")
    wait_for_tun_devices(bench, "ron0")
    wait_for_first_ping(bench, INNER_B, RON_FIRST_PING_S, 0.2, "a first ping through the RON tunnel")
    return INNER_B


def start_tun_over_i3(bench):
    """tun over i3 (tests/netns/test_i3_tun.py): six i3_tun servers in S forming a Chord ring through
    the landmark S:7001, and the clients A and B, each through a server of its own, with a tun device
    i30 and its tun address as tunSelf (its trigger is the address's SHA-1)."""
    landmark = f"{I3_SERVER}:{I3_SERVER_PORTS[0]}"
    for port in I3_SERVER_PORTS:
        bench.start_node(bench.hosts["S"], f"S{port}", bench.args.i3_tun, f"{I3_SERVER}:{port}",
                         [f'chord.landmark("{landmark}").'])
    for label, address in (("A", VETH_A), ("B", VETH_B)):
        facts = [f'i3.server("{I3_SERVER}:{I3_CLIENT_SERVER[label]}").', f'tunSelf("{INNER[label]}").']
        bench.start_node(bench.hosts[label], label, bench.args.i3_tun, f"{address}:{NODE_PORT}", facts,
                         tun_addr=f"{INNER[label]}/24", tun="i30")
    wait_for_tun_devices(bench, "i30")
    wait_for_first_ping(bench, INNER_B, I3_FIRST_PING_S, 0.5,
                        "a first ping through i3 (ring formed, triggers placed)")
    return INNER_B


def wait_for_tun_devices(bench, name):
    for ns in (bench.a, bench.b):
        wait_for(lambda: node_alive_or_fail(bench) and ns.link(name), 15, f"{name} in {ns.name}")


def wait_for_first_ping(bench, dst, timeout, interval, what):
    """As the tests do: waits (bounded) until a ping from A to dst is answered, then checks that 5 of
    5 are. The wait goes into the row's JSON as first_ping_s."""
    t0 = time.monotonic()
    wait_for(lambda: node_alive_or_fail(bench) and ping_answers(bench.a, dst), timeout, what, interval=interval)
    bench.extra["first_ping_s"] = round(time.monotonic() - t0, 1)
    log(f"{bench.row}: first ping through the tunnel answered after {bench.extra['first_ping_s']} s")
    out = bench.a.run(["ping", "-n", "-q", "-c", "5", "-i", "0.2", "-W", "1", dst], timeout=30, check=False).stdout
    if "5 received" not in out:
        raise RowFailure(f"after the first ping, not every one of 5 pings to {dst} was answered:\n{out}")


def node_alive_or_fail(bench):
    """True while every node of the row runs; a node that exited fails the row at once, with its output."""
    for node in bench.nodes:
        if not node.process.alive():
            raise RowFailure(f"node {node.name} exited with {node.process.returncode}:\n{node.process.output()}")
    return True


def collect_node_stats(bench):
    """The counters of the row's MOSAIC nodes, read from the --stats files they wrote when stopped."""
    stats = {}
    for node in bench.nodes:
        entry = {"exit": node.process.returncode, "tun_device": node.tun}
        try:
            with open(node.stats_path) as f:
                written = json.load(f)
            entry.update({key: written.get(key) for key in NODE_COUNTERS})
            entry["tun"] = written.get("tun")
        except (OSError, ValueError) as e:
            entry["error"] = f"no stats: {e}"
        stats[node.name] = entry
    return {"nodes": stats}


@dataclasses.dataclass
class Setup:
    """One row of the table. `start(bench)` starts the row's processes (through bench.a/b.start or
    bench.start_node, so that they are stopped by PID afterwards), waits until they are up, and
    returns the address in B to measure against. `collect(bench)`, if given, runs after the row's
    processes were stopped and returns extra figures for the JSON summary. `network`, if given
    ({label: address}, with labels "A" and "B"), is a network of the row's own that run_row builds
    before start (build_bridge_network) and deletes after the row; without it the row runs on the
    shared veth pair. `slow_start_s`: how much longer than the usual start may take (for the
    watchdog's default)."""
    key: str
    label: str
    chart_label: str
    start: Callable[[Bench], str]
    collect: Optional[Callable[[Bench], dict]] = None
    network: Optional[dict] = None
    slow_start_s: int = 0


SETUPS = [
    Setup("direct", "DirectIP (veth)", "DirectIP", start_direct),
    Setup("openvpn", "OpenVPN 2.6 UDP, no crypto", "OpenVPN", start_openvpn),
    Setup("moztun", "MozTun", "MozTun", start_moztun, collect_node_stats),
    Setup("ron", "tun over RON (3 nodes)", "RON", start_tun_over_ron, collect_node_stats,
          network=RON_NETWORK, slow_start_s=RON_FIRST_PING_S),
    Setup("i3", "tun over i3 (6 servers, 2 clients)", "i3", start_tun_over_i3, collect_node_stats,
          network=I3_NETWORK, slow_start_s=I3_FIRST_PING_S),
]
SETUP_KEYS = [s.key for s in SETUPS]
NODE_BINARIES = {"moztun": "moztun", "ron": "ron_tun", "i3": "i3_tun"}  # row -> its option (args attribute)


# ---------------------------------------------------------------- bounded waits and teardown

def wait_for_output(process, text, timeout):
    """Polls the process's output for `text`; fails at once if the process exited."""
    def seen():
        if text in process.output():
            return True
        if not process.alive():
            raise RowFailure(f"{process} exited with {process.returncode} before printing '{text}':\n"
                             f"{tail(process.output())}")
        return False
    wait_for(seen, timeout, f"'{text}' from {process}")


def ping_answers(ns, dst):
    return ns.run(["ping", "-n", "-c", "1", "-W", "1", dst], timeout=5, check=False).returncode == 0


def tun_devices(ns):
    return [link["ifname"] for link in ns.ip_json("link", "show", "type", "tun") or []]


def tun_counters(bench):
    """Packet counters of the tun devices in A and B (read before teardown removes the devices):
    tx_dropped counts packets the kernel dropped because the tunnel process did not read them in time."""
    devices = {}
    for ns in (bench.a, bench.b):
        for link in ns.ip_json("-s", "link", "show", "type", "tun") or []:
            rx, tx = link["stats64"]["rx"], link["stats64"]["tx"]
            devices[f"{ns.name}:{link['ifname']}"] = {
                "mtu": link["mtu"], "txqlen": link.get("txqlen"),
                "rx_packets": rx["packets"], "rx_dropped": rx["dropped"],
                "tx_packets": tx["packets"], "tx_dropped": tx["dropped"]}
    return devices


def netns_names():
    out = subprocess.run(["ip", "-j", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
    return {entry["name"] for entry in json.loads(out or "[]")}


def tear_down(bench, first_process, first_namespace):
    """Stops the row's processes (newest first, by PID), waits until no tun device is left in its A
    and B, and deletes the namespaces the row created (its own network: with them go its bridge and
    veths), newest first."""
    lab = bench.lab
    for process in reversed(lab.processes[first_process:]):
        lab.stop(process)
    for ns in (bench.a, bench.b):
        if ns is not None:
            wait_for(lambda: not tun_devices(ns), 10, f"tun devices in {ns.name} to disappear")
    own = lab.namespaces[first_namespace:]
    for ns in reversed(own):
        result = subprocess.run(["ip", "netns", "del", ns.name], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:  # left in lab.namespaces: the Lab tries again when it closes
            raise TestFailure(f"ip netns del {ns.name}: {result.stderr.strip()}")
        lab.namespaces.remove(ns)  # gone; the Lab's final cleanup need not delete it again
    names = {ns.name for ns in own}
    wait_for(lambda: not names & netns_names(), 10, f"namespaces {', '.join(sorted(names))} to be gone")


# ---------------------------------------------------------------- measurements

def measure_ping(ns, dst):
    """Median (and min/avg/max/mdev) RTT in ms of PING_COUNT pings at PING_INTERVAL s. The median,
    because one late wake-up on a busy two-core machine moves an average of a few pings."""
    out = ns.run(["ping", "-n", "-c", str(PING_COUNT), "-i", str(PING_INTERVAL), "-W", "1", dst],
                 timeout=PING_COUNT * PING_INTERVAL + 10, check=False).stdout
    times = [float(t) for t in re.findall(r"time=([\d.]+) ms", out)]
    counts = re.search(r"(\d+) packets transmitted, (\d+) received", out)
    rtt = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms", out)
    if not counts or not rtt:
        raise RowFailure(f"ping {dst}: no statistics in its output:\n{out}")
    return {"sent": int(counts.group(1)), "received": int(counts.group(2)),
            "median_ms": statistics.median(times) if times else float("nan"),
            "min_ms": float(rtt.group(1)), "avg_ms": float(rtt.group(2)),
            "max_ms": float(rtt.group(3)), "mdev_ms": float(rtt.group(4))}


def measure_iperf(bench, dst, seconds):
    """One iperf3 TCP run A -> B against a one-shot server in B bound to dst; the receiver's Mbit/s."""
    server = bench.b.start(["iperf3", "-s", "-1", "-B", dst, "-p", str(IPERF_PORT)])
    try:
        wait_for(lambda: server.alive() and bench.b.listening(IPERF_PORT), 10, "iperf3 server listening")
        result = bench.a.run(["iperf3", "-c", dst, "-p", str(IPERF_PORT), "-t", str(seconds), "-J",
                              "--connect-timeout", "3000"], timeout=seconds + 20, check=False)
    finally:
        bench.lab.stop(server, timeout=5)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        return {"error": f"iperf3 exited with {result.returncode}: {tail(result.stdout + result.stderr, 5)}"}
    if "error" in report:
        return {"error": report["error"]}
    end = report["end"]
    return {"mbps": end["sum_received"]["bits_per_second"] / 1e6,
            "retransmits": end["sum_sent"].get("retransmits")}


def run_row(bench, setup):
    """Starts, checks, measures and tears down one setup; failures are recorded in the row."""
    row = {"key": setup.key, "label": setup.label, "chart_label": setup.chart_label}
    first_process, first_namespace = len(bench.lab.processes), len(bench.lab.namespaces)
    # The row's own copy: its A and B (its own network's, once built), nodes and extra figures.
    shared = setup.network is None
    bench = dataclasses.replace(bench, a=bench.a if shared else None, b=bench.b if shared else None,
                                row=setup.key, hosts={}, nodes=[], extra={})
    log(f"{setup.label}: starting")
    try:
        if setup.network:
            build_bridge_network(bench, setup.network)
            row["namespaces"] = {label: ns.name for label, ns in bench.hosts.items()}
        dst = setup.start(bench)
        row["dst"] = dst
        wait_for(lambda: ping_answers(bench.a, dst), 20, f"a ping from A to {dst} to be answered")
        row["ping"] = measure_ping(bench.a, dst)
        row["runs"] = []
        for rep in range(bench.args.reps):
            run = measure_iperf(bench, dst, bench.args.seconds)
            log(f"{setup.label}: run {rep + 1}/{bench.args.reps}: "
                + (f"{run['mbps']:.0f} Mbit/s" if "mbps" in run else run["error"]))
            row["runs"].append(run)
        row["tun_devices"] = tun_counters(bench)
        summarize_runs(row)
    except (RowFailure, TestFailure) as e:
        row["error"] = str(e)
        log(f"{setup.label}: FAILED: {e}")
        for process in bench.lab.processes[first_process:]:
            print(f"--- last output of {process}:\n{tail(process.output())}", file=sys.stderr)
    finally:
        tear_down(bench, first_process, first_namespace)
    row.update(bench.extra)
    if setup.collect:
        row.update(setup.collect(bench))
    return row


def summarize_runs(row):
    values = [run["mbps"] for run in row["runs"] if "mbps" in run]
    if not values:
        raise RowFailure("no iperf3 run succeeded: " + "; ".join(run["error"] for run in row["runs"]))
    row.update(median_mbps=statistics.median(values), min_mbps=min(values), max_mbps=max(values))


def compare_with_reference(rows):
    """Throughput ratio and RTT difference of each measured row against the OpenVPN row, and the
    throughput ratio of the RON and i3 rows against the MozTun row."""
    ref = next((r for r in rows if r["key"] == REFERENCE_ROW and "median_mbps" in r), None)
    moztun = next((r for r in rows if r["key"] == MOZTUN_ROW and "median_mbps" in r), None)
    for row in rows:
        if ref and "median_mbps" in row:
            row["ratio_to_openvpn"] = row["median_mbps"] / ref["median_mbps"]
            row["rtt_diff_to_openvpn_ms"] = row["ping"]["median_ms"] - ref["ping"]["median_ms"]
        if moztun and row["key"] in OVER_MOZTUN_ROWS and "median_mbps" in row:
            row["ratio_to_moztun"] = row["median_mbps"] / moztun["median_mbps"]


# ---------------------------------------------------------------- output

def markdown_table(rows, args):
    def cell(row, key, fmt):
        return fmt.format(row[key]) if key in row else "n/a"
    lines = [f"iperf3 TCP A -> B, median of {args.reps} x {args.seconds} s; "
             f"ping: median of {PING_COUNT} at {PING_INTERVAL} s; tun MTU {TUN_MTU}",
             "",
             "| setup | Mbit/s (median) | min-max | ping median (ms) | throughput / OpenVPN | RTT - OpenVPN (ms) "
             "| throughput / MozTun |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['label']} | FAILED | | | | | |")
            continue
        over_moztun = cell(row, "ratio_to_moztun", "{:.2f}") if row["key"] in OVER_MOZTUN_ROWS else ""
        lines.append(f"| {row['label']} | {row['median_mbps']:.0f} | {row['min_mbps']:.0f}-{row['max_mbps']:.0f} "
                     f"| {row['ping']['median_ms']:.3f} | {cell(row, 'ratio_to_openvpn', '{:.2f}')} "
                     f"| {cell(row, 'rtt_diff_to_openvpn_ms', '{:+.3f}')} | {over_moztun} |")
    for row in rows:
        if "error" in row:
            lines.append(f"\n{row['label']} failed: {row['error'].splitlines()[0]}")
        if "first_ping_s" in row:
            lines.append(f"\n{row['label']}: first ping through the tunnel answered {row['first_ping_s']} s "
                         f"after its nodes' tun devices were up")
        for name, node in row.get("nodes", {}).items():
            if not node.get("tun_device") and "error" not in node:
                continue  # a node without a tun device (RON's C, the i3 servers): in the JSON only
            counters = ", ".join(f"{k} {v}" for k, v in (node.get("tun") or {}).items()) or node.get("error")
            lines.append(f"\n{row['label']} node {name} (exit {node.get('exit')}): tun {counters}")
    return "\n".join(lines)


def draw_chart(rows, args, workdir):
    """Two bar charts side by side: median throughput with min-max bars, and median RTT. The
    throughput axis is logarithmic: DirectIP is some 20 times the tunnels, whose ratios matter."""
    measured = [r for r in rows if "median_mbps" in r]
    if not measured:
        return "no row was measured"
    data = os.path.join(workdir, "chart.tsv")
    with open(data, "w") as f:
        for i, r in enumerate(measured):
            f.write(f"{i}\t{r['chart_label']}\t{r['median_mbps']:.1f}\t{r['min_mbps']:.1f}\t{r['max_mbps']:.1f}"
                    f"\t{r['ping']['median_ms']:.3f}\n")
    d = gnuplot_string(data)
    title = f"Table 3: IP over tunnels between two network namespaces ({platform.node()}, {os.cpu_count()} CPUs)"
    script = f"""
set terminal pngcairo size 1100,480 font ",10"
set output {gnuplot_string(args.chart)}
set datafile separator "\\t"
set style fill solid 0.7 border -1
set boxwidth 0.6
set xrange [-0.6:{len(measured) - 0.4}]
set grid ytics
set multiplot layout 1,2 title {gnuplot_string(title)}
set title {gnuplot_string(f"TCP throughput (iperf3, median of {args.reps} x {args.seconds} s; bars: min-max)")}
set ylabel "Mbit/s (log scale)"
set logscale y
set yrange [10:*]
# values inside the bars, below their top, where no min-max bar is in the way
plot {d} using 1:3:xtic(2) with boxes lc rgb "#4477aa" notitle, \\
     {d} using 1:4:(0):($5-$4) with vectors nohead lw 2 lc rgb "black" notitle, \\
     {d} using 1:($3 * 0.6):(sprintf("%.0f", $3)) with labels notitle
unset logscale y
set yrange [0:*]
set title {gnuplot_string(f"RTT (ping, median of {PING_COUNT} at {PING_INTERVAL} s)")}
set ylabel "ms"
plot {d} using 1:6:xtic(2) with boxes lc rgb "#cc6677" notitle, \\
     {d} using 1:6:(sprintf("%.3f", $6)) with labels offset 0,0.8 notitle
unset multiplot
"""
    os.makedirs(os.path.dirname(os.path.abspath(args.chart)), exist_ok=True)
    result = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        return f"gnuplot exited with {result.returncode}: {result.stderr.strip()}"
    return None


def environment(args):
    return {"host": platform.node(), "kernel": platform.release(), "cpus": os.cpu_count(), "loadavg": loadavg(),
            "iperf3": first_line(["iperf3", "--version"]), "openvpn": first_line(["openvpn", "--version"]),
            **{attr: binary_info(getattr(args, attr)) for attr in NODE_BINARIES.values()}}


# ---------------------------------------------------------------- main

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moztun", default=os.path.join(ROOT, "build", "overlays", "moztun"),
                    help="the compiled MozTun node (default: build/overlays/moztun)")
    ap.add_argument("--ron-tun", default=os.path.join(ROOT, "build", "overlays", "ron_tun"),
                    help="the compiled tun-over-RON node (default: build/overlays/ron_tun)")
    ap.add_argument("--i3-tun", default=os.path.join(ROOT, "build", "overlays", "i3_tun"),
                    help="the compiled tun-over-i3 node (default: build/overlays/i3_tun)")
    ap.add_argument("--reps", type=int, default=3, help="iperf3 runs per row (default 3)")
    ap.add_argument("--seconds", type=int, default=5, help="length of one iperf3 run (default 5)")
    ap.add_argument("--only", action="append", metavar="ROW",
                    help=f"run only these rows, comma-separated or repeated: {', '.join(SETUP_KEYS)}")
    ap.add_argument("--quick", action="store_true", help="1 run of 2 s per row (smoke test)")
    ap.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "tun_table3.json"),
                    help="JSON summary (default: bench/results/tun_table3.json)")
    ap.add_argument("--chart", default=os.path.join(ROOT, "docs", "tun_table3.png"),
                    help="bar chart PNG, drawn with gnuplot (default: docs/tun_table3.png)")
    ap.add_argument("--max-seconds", type=int,
                    help="watchdog: abort (and clean up) after this long (default: 600, more if the runs need it)")
    ap.add_argument("--no-install", action="store_true", help=f"do not run {os.path.relpath(INSTALL_SCRIPT, ROOT)}")
    ap.add_argument("--keep", action="store_true", help="keep the processes' logs and print where")
    args = ap.parse_args()
    if args.quick:
        args.reps, args.seconds = 1, 2
    if args.reps < 1 or args.seconds < 1:
        ap.error("--reps and --seconds must be at least 1")
    keys = [k for item in (args.only or [",".join(SETUP_KEYS)]) for k in item.split(",") if k]
    unknown = [k for k in keys if k not in SETUP_KEYS]
    if unknown:
        ap.error(f"unknown row(s) {', '.join(unknown)}; rows: {', '.join(SETUP_KEYS)}")
    args.setups = [s for s in SETUPS if s.key in keys]  # table order, whatever order --only gave
    if args.max_seconds is None:
        per_row = 60 + args.reps * (args.seconds + 20)  # setup, ping, teardown; each run's bounds
        args.max_seconds = max(600, 60 + sum(per_row + s.slow_start_s for s in args.setups))
    for attr in NODE_BINARIES.values():
        setattr(args, attr, os.path.abspath(getattr(args, attr)))
    return args


def check_prerequisites(args):
    if os.geteuid() != 0:
        sys.exit("tun_table3.py needs root (network namespaces, veth pairs, tun devices): run it with sudo")
    if not args.no_install:
        subprocess.run([INSTALL_SCRIPT, *PACKAGES], check=True, timeout=600, stdout=sys.stderr)
    for setup in args.setups:
        attr = NODE_BINARIES.get(setup.key)
        if attr and not os.access(getattr(args, attr), os.X_OK):
            option = "--" + attr.replace("_", "-")
            sys.exit(f"{getattr(args, attr)}: no {setup.chart_label} node binary there "
                     f"(build the {attr} target, or pass {option} PATH)")


def refuse_existing_namespaces(names):
    out = subprocess.run(["ip", "-j", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
    existing = {entry["name"] for entry in json.loads(out or "[]")}
    clash = sorted(existing & set(names))
    if clash:
        raise TestFailure(f"network namespace(s) {', '.join(clash)} exist already; not touching them")


def namespace_names(lab, setups):
    """The namespaces this run may create: the shared pair and every selected row's own."""
    names = [f"{lab.tag}-a", f"{lab.tag}-b"]
    for setup in setups:
        if setup.network:
            names += [f"{lab.tag}-{setup.key}sw"] + [f"{lab.tag}-{setup.key}{label.lower()}" for label in setup.network]
    return names


def on_watchdog(signum, frame):
    raise WatchdogExpired("the watchdog fired")


def run_bench(args):
    rows = []
    with Lab(LAB_PREFIX, keep_logs=args.keep) as lab:
        signal.signal(signal.SIGALRM, on_watchdog)
        signal.alarm(args.max_seconds)
        try:
            refuse_existing_namespaces(namespace_names(lab, args.setups))
            a = b = None
            if any(s.network is None for s in args.setups):  # the shared veth pair, if a row runs on it
                a, b = lab.namespace("a"), lab.namespace("b")
                lab.veth(a, b, f"{VETH_A}/24", f"{VETH_B}/24")
                wait_for(lambda: ping_answers(a, VETH_B), 10, "the veth pair to carry a ping")
            bench = Bench(lab, a, b, args)
            for setup in args.setups:
                rows.append(run_row(bench, setup))
            compare_with_reference(rows)
            chart_error = draw_chart(rows, args, lab.workdir)
        finally:
            signal.alarm(0)  # Lab's cleanup below must not be cut short
    return rows, chart_error


def main():
    args = parse_args()
    check_prerequisites(args)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    env = environment(args)
    log(f"rows: {', '.join(s.key for s in args.setups)}; {args.reps} x {args.seconds} s; "
        f"watchdog {args.max_seconds} s")
    try:
        rows, chart_error = run_bench(args)
    except (Interrupted, WatchdogExpired, TestFailure) as e:
        print(f"tun_table3.py: stopped: {e}; everything it started was removed", file=sys.stderr)
        sys.exit(2 if isinstance(e, (Interrupted, WatchdogExpired)) else 1)
    print(markdown_table(rows, args))
    summary = {"started": started, "seconds": round(time.monotonic() - T0, 1),
               "method": {"reps": args.reps, "seconds": args.seconds, "ping_count": PING_COUNT,
                          "ping_interval_s": PING_INTERVAL, "tun_mtu": TUN_MTU},
               "environment": env, "loadavg_end": loadavg(),
               "rows": rows, "chart": None if chart_error else os.path.abspath(args.chart)}
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
