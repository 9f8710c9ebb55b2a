#!/usr/bin/env python3
"""netns.socks_two_hop: SOCKS5 in two hops (overlays/socks/socks_two_hop.moz).

Four namespaces on a bridge: C (198.18.0.1: the client and the entry node),
R (198.18.0.4: a node that only forwards), X (198.18.0.3: the exit node) and
S (198.18.0.2: the server). iptables in S drops everything from C and R, so
the server is reachable from C only through X. The entry's exit address is
the source route sr::[R, X]: calls to the exit travel C -> R -> X. Checked,
each wait bounded:
  * without the overlay, curl from C to S fails (the firewall);
  * curl --socks5-hostname (a name only X resolves) and --socks5 (an IPv4
    address) through the entry download 4 MiB byte for byte;
  * R forwarded the calls (its sr.send counters grew), so the connection was
    carried over the overlay, not around it;
  * a destination the exit's allow list leaves out is refused (curl fails)
    and the entry goes on serving.
"""

import hashlib
import json
import os
import shutil
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from tunnel_checks import bridge, serve  # noqa: E402

C, S, X, R = "198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.4"
PORT = 7000
SOCKS_PORT = 1080
SERVER_NAME = "server.mosaic.test"
BLOB_BYTES = 4 * 1024 * 1024


def stats_of(node, path):
    if os.path.exists(path):
        os.remove(path)
    os.kill(node.pid, signal.SIGUSR1)
    wait_for(lambda: os.path.exists(path), 10, f"stats of {node}")
    with open(path) as f:
        return json.load(f)


def forwarded(stats):
    return sum(m.get("sent", 0) for name, m in stats.get("messages", {}).items() if name.startswith("sr."))


def main(args):
    with Lab("mkt", keep_logs=args.keep) as lab:
        ns = {label: lab.namespace(label) for label in ("c", "s", "x", "r")}
        bridge(lab, ns, {"c": C, "s": S, "x": X, "r": R})
        ns["s"].run(["iptables", "-A", "INPUT", "-s", C, "-j", "DROP"])
        ns["s"].run(["iptables", "-A", "INPUT", "-s", R, "-j", "DROP"])
        hosts_dir = f"/etc/netns/{ns['x'].name}"  # only the exit knows the server's name
        os.makedirs(hosts_dir, exist_ok=True)
        try:
            with open(os.path.join(hosts_dir, "hosts"), "w") as f:
                f.write(f"127.0.0.1 localhost\n{S} {SERVER_NAME}\n")
            run_checks(lab, ns, args)
        finally:
            shutil.rmtree(hosts_dir, ignore_errors=True)


def run_checks(lab, ns, args):
    http, blob_hash = serve(lab, ns["s"], S, BLOB_BYTES)
    facts = {
        "c": f'socks.listen("{C}:{SOCKS_PORT}").\nsocks.exit(sr::["{R}:{PORT}", "{X}:{PORT}"]).\n',
        "x": f'socks.config("allow", ["198.18.0.2/32", "{SERVER_NAME}"]).\n',
        "r": "",
    }
    nodes, stats = {}, {}
    for label, ip in (("c", C), ("x", X), ("r", R)):
        path = os.path.join(lab.workdir, f"{label}.facts")
        with open(path, "w") as f:
            f.write(facts[label])
        stats[label] = os.path.join(lab.workdir, f"{label}.stats.json")
        nodes[label] = ns[label].start([args.node, "--addr", f"{ip}:{PORT}", "--facts", path,
                                        "--stats", stats[label], *args.node_args])
    wait_for(lambda: ns["c"].listening(SOCKS_PORT), 15, "the entry listening")

    direct = ns["c"].run(["curl", "-sS", "--max-time", "3", f"http://{S}:8080/blob", "-o", "/dev/null"], check=False)
    expect(direct.returncode != 0, "the server is unreachable from C without the overlay (iptables)")

    before = forwarded(stats_of(nodes["r"], stats["r"]))
    out = os.path.join(lab.workdir, "got")
    for how, url in (("--socks5-hostname", f"http://{SERVER_NAME}:8080/blob"), ("--socks5", f"http://{S}:8080/blob")):
        ns["c"].run(["curl", "-sS", "--fail", "--max-time", "90", how, f"{C}:{SOCKS_PORT}", "-o", out, url],
                    timeout=150)
        with open(out, "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        expect(got == blob_hash, f"curl {how} through entry and exit: {BLOB_BYTES} bytes identical")
    after = forwarded(stats_of(nodes["r"], stats["r"]))
    expect(after > before, f"R forwarded the calls to the exit (sr messages sent {before} -> {after})")
    print(f"two hops: {BLOB_BYTES} B by name and by address, identical; R forwarded {after - before} "
          "source-routed messages")

    refused = ns["c"].run(["curl", "-sS", "--max-time", "20", "--socks5", f"{C}:{SOCKS_PORT}",
                           f"http://{R}:8080/", "-o", "/dev/null"], check=False, timeout=40)
    expect(refused.returncode != 0, "a destination off the exit's allow list is refused")
    ns["c"].run(["curl", "-sS", "--fail", "--max-time", "120", "--socks5", f"{C}:{SOCKS_PORT}", "-o", out,
                 f"http://{S}:8080/blob"], timeout=150)
    print(f"allow list: a destination off the exit's list refused (curl exit {refused.returncode}); "
          "the entry serves on")
    for proc in (*nodes.values(), http):
        lab.stop(proc)


def add_arguments(parser):
    parser.add_argument("--node", required=True, help="the two-hop SOCKS node (build/overlays/socks_two_hop)")
    parser.add_argument("--node-args", nargs="*", default=[], help="more node options (e.g. --log-level debug)")


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "curl", "iptables"], add_arguments=add_arguments)
