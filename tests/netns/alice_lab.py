"""The paper's Alice scenario (§6, §7.2) in network namespaces, shared by the
test (test_alice.py), the benchmark (bench/alice.py) and the demo.

Every address is in 198.18.0.0/15, the private side too:

    "Internet" (a bridge, 198.18.0.0/24)
      six i3 servers, a Chord ring   198.18.0.10:7001-7006   namespace s
      Bob (curl)                     198.18.0.2:7000         namespace b    RON
      gateway G, public side         198.18.0.3:7000         namespace g    RON, NAT, administrator
      RON helpers                    198.18.0.4, .5:7000     namespaces h1, h2
      Alice at school                198.18.0.1:7100         namespace a
    Alice's home network (G's other side, 198.18.100.0/24, MASQUERADE out)
      G                              198.18.100.1
      Alice at home                  198.18.100.2:7100       namespace a

Nobody outside has a route into 198.18.100.0/24: at home, Alice is reachable
only through G. One program runs everywhere (build/overlays/alice,
overlays/compose/alice.moz); facts give each node its role, and G, the
administrator, activates a composition with comp.activate (its control
endpoint). Its plans are what the composition query answers for Alice's two
situations (scripts/mosaic-compose on overlays/compose/catalog): "school" (i3 alone: Alice and Bob at their IP addresses) or
"home" (Alice at sr::[G, Internal], privately sr::[ron::G, Internal]; Bob
privately ron::Bob; Alice enters RON through G). Bob's node keeps running
across every switch; Alice's node restarts when her laptop gets its new
address (a node's address is fixed for its lifetime).

Bob fetches a file from an HTTP server on Alice's tun address (198.19.0.1)
with unmodified curl through his tun device (198.19.0.2). The Download class
samples the size of curl's output file for throughput over time.

Standard library only."""

import hashlib
import json
import os
import subprocess
import threading
import time

from netns import expect, wait_for

PORT = 7000
ALICE_PORT = 7100
SERVER_IP = "198.18.0.10"
SERVER_PORTS = range(7001, 7007)
BOB = "198.18.0.2"
G_PUBLIC = "198.18.0.3"
HELPERS = {"h1": "198.18.0.4", "h2": "198.18.0.5"}
ALICE_SCHOOL = "198.18.0.1"
G_HOME = "198.18.100.1"
ALICE_HOME = "198.18.100.2"
TUN = {"alice": "198.19.0.1", "bob": "198.19.0.2"}
TUN_MTU = 1280
HTTP_PORT = 8080
DIRECT_PORT = 8081     # the direct-IP comparison: G forwards 198.18.0.3:8081 to Alice's 8081
RING_S = 150           # a ring of six on two busy cores, the triggers, the first shortcut
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MOSAIC_CTL = os.path.join(ROOT, "scripts", "mosaic-ctl")
MOSAIC_COMPOSE = os.path.join(ROOT, "scripts", "mosaic-compose")
CATALOG = os.path.join(ROOT, "overlays", "compose", "catalog")


def node(ip, port=PORT):
    return f"{ip}:{port}"


def composition_plans(workdir, query_node):
    """The administrator's facts: the query's answer for Alice's two situations
    (overlays/compose/catalog), authorized by scripts/mosaic-compose as
    "school" and "home" with this network's addresses."""
    facts = []
    for name, sites in (("school", {"Alice-School": node(ALICE_SCHOOL, ALICE_PORT), "Bob": node(BOB)}),
                        ("home", {"Alice-Home": node(ALICE_HOME, ALICE_PORT), "Bob": node(BOB),
                                  "G": node(G_PUBLIC)})):
        deploy = os.path.join(workdir, f"{name}.sites.json")
        with open(deploy, "w") as f:
            json.dump(sites, f)
        out = os.path.join(workdir, f"{name}.plan.facts")
        subprocess.run([MOSAIC_COMPOSE, "--node", query_node, os.path.join(CATALOG, f"alice-{name}.facts"),
                        "--authorize", "1", "--as", name, "--deploy", deploy, "--facts-out", out,
                        "--record", os.path.join(workdir, "authorized.jsonl")],
                       check=True, capture_output=True, text=True, timeout=120)
        with open(out) as f:
            facts += [line for line in f.read().splitlines() if line.strip()]
    return facts


class AliceLab:
    """The namespaces, links and nodes of the scenario, inside a netns.Lab."""

    def __init__(self, lab, binary, log=print):
        self.lab = lab
        self.binary = binary
        self.log = log
        self.ns = {}
        self.nodes = {}
        self.alice_at = None
        self.alice_dev = lab.ifname("t")
        self.bob_dev = lab.ifname("t")

    # ------------------------------------------------------------ network

    def build(self):
        lab = self.lab
        for label in ("s", "b", "g", "h1", "h2", "a"):
            self.ns[label] = lab.namespace(label)
        sw = lab.namespace("sw")
        sw.run(["ip", "link", "add", "br0", "type", "bridge"])
        sw.run(["ip", "link", "set", "br0", "up"])
        self.ports = {}
        public = {"s": SERVER_IP, "b": BOB, "g": G_PUBLIC, "h1": HELPERS["h1"], "h2": HELPERS["h2"],
                  "a": ALICE_SCHOOL}
        self.dev = {}
        for label, ip in public.items():
            inside, port = lab.ifname("v"), lab.ifname("p")
            subprocess.run(["ip", "link", "add", inside, "netns", self.ns[label].name, "type", "veth", "peer",
                            "name", port, "netns", sw.name], check=True, capture_output=True, timeout=30)
            sw.run(["ip", "link", "set", port, "master", "br0"])
            sw.run(["ip", "link", "set", port, "up"])
            self.ns[label].run(["ip", "addr", "add", f"{ip}/24", "dev", inside])
            self.ns[label].run(["ip", "link", "set", inside, "up"])
            self.dev[label] = inside
            self.ports[label] = port
        self.sw = sw
        # Alice's home link to G, down while she is at school; G NATs it.
        g, a = self.ns["g"], self.ns["a"]
        self.g_home_dev, self.a_home_dev = lab.veth(g, a, f"{G_HOME}/24", f"{ALICE_HOME}/24")
        a.run(["ip", "addr", "flush", "dev", self.a_home_dev])
        a.run(["ip", "link", "set", self.a_home_dev, "down"])
        g.run(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        g.run(["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "198.18.100.0/24", "-o", self.dev["g"],
               "-j", "MASQUERADE"])
        # The direct-IP comparison's port forward (paper §7.2: "a TCP port forwarding rule on the gateway").
        g.run(["iptables", "-t", "nat", "-A", "PREROUTING", "-d", G_PUBLIC, "-p", "tcp", "--dport",
               str(DIRECT_PORT), "-j", "DNAT", "--to-destination", f"{ALICE_HOME}:{DIRECT_PORT}"])

    def shape_bob(self, mbit):
        """Bob's access link at `mbit` Mbit/s both ways (tbf), the wide-area bottleneck."""
        burst = max(32, mbit * 4)  # kbit: enough for a few full-size packets at the rate
        for ns, dev in ((self.ns["b"], self.dev["b"]), (self.sw, self.ports["b"])):
            ns.run(["tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", f"{mbit}mbit",
                    "burst", f"{burst}kbit", "latency", "100ms"])

    def fail_g_bob(self, on):
        """The G-Bob path fails (paper §7.2: G's firewall blocks the downloader's traffic)."""
        op = "-I" if on else "-D"
        g = self.ns["g"]
        for chain, flag in (("INPUT", "-s"), ("OUTPUT", "-d"), ("FORWARD", "-s"), ("FORWARD", "-d")):
            g.run(["iptables", op, chain, flag, BOB, "-j", "DROP"])

    # ------------------------------------------------------------ nodes

    def _facts(self, name, lines):
        path = os.path.join(self.lab.workdir, f"{name}.facts")
        with open(path, "w") as f:
            f.write("".join(line + "\n" for line in lines))
        return path

    def _start(self, name, ns, addr, facts, extra=()):
        port_file = os.path.join(self.lab.workdir, f"{name}-{len(self.lab.processes)}.port")
        stats = os.path.join(self.lab.workdir, f"{name}.stats.json")
        argv = [self.binary, "--addr", addr, "--facts", self._facts(name, facts), "--run-for", "3600",
                "--control", "0", "--control-file", port_file, "--stats", stats, *extra]
        p = ns.start(argv)
        wait_for(lambda: os.path.exists(port_file) or not p.alive(), 30, f"node {name} up")
        expect(p.alive(), f"node {name} exited:\n{p.output()}")
        p.port_file, p.stats_file, p.label = port_file, stats, name
        self.nodes[name] = p
        return p

    def ron_members(self):
        return [f'ron.member("{node(ip)}").' for ip in (BOB, G_PUBLIC, *HELPERS.values())]

    def start_servers(self):
        landmark = node(SERVER_IP, SERVER_PORTS[0])
        for port in SERVER_PORTS:
            self._start(f"s{port}", self.ns["s"], node(SERVER_IP, port), [f'chord.landmark("{landmark}").'])

    def start_ron(self):
        query = os.path.join(os.path.dirname(self.binary), "compose_query")
        self.plans = composition_plans(self.lab.workdir, query)
        self._start("g", self.ns["g"], node(G_PUBLIC), self.ron_members() + self.plans)
        for label, ip in HELPERS.items():
            self._start(label, self.ns[label], node(ip), self.ron_members())
        bob = [f'i3.server("{node(SERVER_IP, 7003)}").', f'tunSelf("{TUN["bob"]}").'] + self.ron_members()
        self._start("bob", self.ns["b"], node(BOB), bob,
                    ["--tun", self.bob_dev, "--tun-addr", f"{TUN['bob']}/24", "--tun-mtu", str(TUN_MTU)])
        wait_for(lambda: self.ns["b"].link(self.bob_dev), 15, "Bob's tun device")

    def start_alice(self, where):
        ip = ALICE_SCHOOL if where == "school" else ALICE_HOME
        facts = [f'i3.server("{node(SERVER_IP, 7002)}").', f'tunSelf("{TUN["alice"]}").']
        self._start("alice", self.ns["a"], node(ip, ALICE_PORT), facts,
                    ["--tun", self.alice_dev, "--tun-addr", f"{TUN['alice']}/24", "--tun-mtu", str(TUN_MTU)])
        wait_for(lambda: self.ns["a"].link(self.alice_dev), 15, "Alice's tun device")
        self.alice_at = where

    def ctl(self, name, *args, timeout=20):
        p = self.nodes[name]
        return p.namespace.run(["python3", MOSAIC_CTL, p.port_file, *args], timeout=timeout).stdout

    def activate(self, composition):
        """The administrator (G) authorizes and activates a composition on the running nodes."""
        self.ctl("g", "insert", f'comp.activate("{composition}").')

    def table(self, name, table):
        """The rows of a table at a node, one string each, with addresses' quotes unescaped."""
        out = self.ctl(name, "dump", table)
        return [line.replace('\\"', '"') for line in out.splitlines() if line.strip()]

    def stats(self, name):
        return json.loads(self.ctl(name, "stats"))

    # ------------------------------------------------------------ phases

    def move_alice_home(self):
        """Alice's laptop leaves school and comes up behind G: new address, node restarted
        there (same tun address), and G activates the home composition."""
        a = self.ns["a"]
        self.lab.stop(self.nodes.pop("alice"))
        a.run(["ip", "addr", "flush", "dev", self.dev["a"]])
        a.run(["ip", "link", "set", self.dev["a"], "down"])
        a.run(["ip", "link", "set", self.a_home_dev, "up"])
        a.run(["ip", "addr", "add", f"{ALICE_HOME}/24", "dev", self.a_home_dev])
        a.run(["ip", "route", "add", "default", "via", G_HOME])
        self.start_alice("home")
        self.activate("home")

    def ping_ok(self, count=1):
        r = self.ns["b"].run(["ping", "-c", str(count), "-i", "0.2", "-W", "1", "-q", TUN["alice"]],
                             check=False, timeout=30)
        return f"{count} received" in r.stdout

    def wait_connected(self, timeout=RING_S):
        t = time.monotonic()
        wait_for(lambda: self.ping_ok(), timeout, "Bob's first ping to Alice over the composition", interval=0.5)
        return time.monotonic() - t


class HttpFile:
    """python3 http.server in namespace `ns` on bind:port serving `size` random bytes as /blob."""

    def __init__(self, lab, ns, bind, port, size):
        www = os.path.join(lab.workdir, f"www{port}")
        os.makedirs(www, exist_ok=True)
        blob = os.urandom(size)
        with open(os.path.join(www, "blob"), "wb") as f:
            f.write(blob)
        self.digest = hashlib.sha256(blob).hexdigest()
        self.size = size
        self.process = ns.start(["python3", "-m", "http.server", str(port), "--bind", bind, "--directory", www])
        wait_for(lambda: ns.listening(port), 15, f"http.server on {bind}:{port}")


class Download:
    """Unmodified curl in namespace `ns`; a thread samples the output file's size
    every `interval` s, for throughput over time."""

    def __init__(self, lab, ns, url, name, limit=None, max_time=600, interval=0.25):
        self.out = os.path.join(lab.workdir, name)
        argv = ["curl", "-sS", "--fail", "--max-time", str(max_time), "-o", self.out]
        if limit:
            argv += ["--limit-rate", limit]
        self.t0 = time.monotonic()
        self.process = ns.start(argv + [url])
        self.samples = []  # (seconds since start, bytes)
        self._stop = False
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def _sample(self, interval):
        while not self._stop:
            size = os.path.getsize(self.out) if os.path.exists(self.out) else 0
            self.samples.append((time.monotonic() - self.t0, size))
            if not self.process.alive():
                break
            time.sleep(interval)

    def bytes(self):
        return self.samples[-1][1] if self.samples else 0

    def elapsed(self):
        return time.monotonic() - self.t0

    def wait_bytes(self, n, timeout, what):
        wait_for(lambda: self.bytes() >= n or not self.process.alive(), timeout, what)
        size = os.path.getsize(self.out) if os.path.exists(self.out) else 0
        expect(max(self.bytes(), size) >= n, f"curl ended (exit {self.process.returncode}) with {size} bytes "
                                            f"before {what}:\n{self.process.output()}")

    def finish(self, timeout):
        code = self.process.wait(timeout)
        self._stop = True
        self._thread.join(timeout=5)
        self.samples.append((time.monotonic() - self.t0, os.path.getsize(self.out) if os.path.exists(self.out) else 0))
        self.seconds = self.samples[-1][0]
        return code

    def digest(self):
        with open(self.out, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    def bytes_between(self, t_from, t_to):
        """Bytes that arrived between two times (seconds since the start)."""
        before = max((b for t, b in self.samples if t <= t_from), default=0)
        until = max((b for t, b in self.samples if t <= t_to), default=0)
        return until - before

    def longest_stall(self, t_from=0.0, t_to=None):
        """The longest time without progress between two times (seconds since the start)."""
        t_to = self.samples[-1][0] if t_to is None else t_to
        pts = [(t, b) for t, b in self.samples if t_from <= t <= t_to]
        longest, since, last = 0.0, None, None
        for t, b in pts:
            if last is None or b > last:
                since, last = t, b
            longest = max(longest, t - since)
        return longest
