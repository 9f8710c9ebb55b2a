#!/usr/bin/env python3
"""netns.moztun: unmodified applications over MozTun (overlays/moztun), the
paper's point-to-point tunnel, between two network namespaces.

Namespaces A (198.18.0.1) and B (198.18.0.2) joined by a veth pair; in each a
moztun node with a tun device (198.19.0.1/24 and 198.19.0.2/24) and a tunRoute
fact naming the other node. Checked, each step waiting on a condition with a
bound:
  * `ping` across the tunnel: 5 of 5 echo requests answered;
  * an HTTP download of 16 MiB of random bytes (python3 http.server in B, curl
    in A) arrives byte for byte (SHA-256 compared);
  * iperf3 (2 s) completes and reports bytes received;
  * a forged tun tuple whose bytes are no IP packet, sent to B's UDP port, is
    dropped and counted (write_malformed), as is a datagram that is no frame
    (malformed); B keeps carrying traffic afterwards;
  * the counters agree: packets read and written on both sides, nothing
    refused by the devices;
  * the mapping changes at run time: through A's control endpoint
    (mosaic-ctl insert; tunRoute is keyed by the tun address, so a new row
    replaces the old) the entry for B's tun address is pointed at an address
    where no node runs, and pings stop; pointed back at B, they flow again;
  * stopping a node (SIGTERM) exits 0 and removes its tun device;
  * the node refuses clearly: without CAP_NET_ADMIN (as root with the
    capability dropped) it exits 1 naming the cause and the remedy and leaves
    no device; a malformed --tun-addr exits 2 with the usage.
"""

import hashlib
import json
import os
import signal
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from tunnel_checks import ping_ok  # noqa: E402

VETH_A, VETH_B = "198.18.0.1", "198.18.0.2"
TUN_A, TUN_B = "198.19.0.1", "198.19.0.2"
PORT = 7000
BLOB_BYTES = 16 * 1024 * 1024


CTL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "mosaic-ctl")
NOWHERE = "198.18.0.99"  # on A's link, but no node there


def start_node(lab, args, ns, veth, tun, peer_tun, peer_veth, name):
    facts = os.path.join(lab.workdir, f"{name}.facts")
    with open(facts, "w") as f:
        f.write(f'tunRoute("{peer_tun}", "{peer_veth}:{PORT}").\n')
    stats = os.path.join(lab.workdir, f"{name}.json")
    dev = lab.ifname("t")
    control = os.path.join(lab.workdir, f"{name}.port")
    node = ns.start([args.moztun, "--addr", f"{veth}:{PORT}", "--facts", facts, "--tun", dev,
                     "--tun-addr", f"{tun}/24", "--stats", stats, "--run-for", "170",
                     "--control", "0", "--control-file", control])
    wait_for(lambda: ns.link(dev) is not None or not node.alive(), 15, f"tun device {dev} in {ns.name}")
    expect(node.alive(), f"{name} exited:\n{node.output()}")
    wait_for(lambda: os.path.exists(control), 10, f"{name}'s control endpoint")
    return node, dev, stats


def remap(ns, name, lab, dest):
    """Points A's entry for B's tun address at `dest` through the control endpoint."""
    port = os.path.join(lab.workdir, f"{name}.port")
    ns.run(["python3", CTL, port, "insert", f'tunRoute("{TUN_B}", "{dest}:{PORT}").'])


def check_remap(lab, a):
    remap(a, "a", lab, NOWHERE)
    expect(not ping_ok(a, TUN_B, 3), "pings still answered with the mapping pointing nowhere")
    remap(a, "a", lab, VETH_B)
    wait_for(lambda: ping_ok(a, TUN_B, 1), 10, "pings answered again once the mapping points at B", interval=0.2)
    print("mapping: re-pointed away, pings stopped; re-pointed at B, pings answered")


def read_stats(node, path, lab):
    """The node's counters now: SIGUSR1 makes it rewrite its --stats file."""
    before = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
    os.kill(node.pid, signal.SIGUSR1)
    wait_for(lambda: os.path.exists(path) and os.stat(path).st_mtime_ns != before, 10, f"{path} rewritten")
    with open(path) as f:
        return json.load(f)


def check_http(lab, a, b):
    www = os.path.join(lab.workdir, "www")
    os.makedirs(www)
    blob = os.urandom(BLOB_BYTES)
    with open(os.path.join(www, "blob"), "wb") as f:
        f.write(blob)
    server = b.start(["python3", "-m", "http.server", "8080", "--bind", TUN_B, "--directory", www])
    wait_for(lambda: b.listening(8080), 15, "http.server listening in B")
    out = os.path.join(lab.workdir, "downloaded")
    a.run(["curl", "-sS", "--fail", "--max-time", "60", "-o", out, f"http://{TUN_B}:8080/blob"], timeout=90)
    with open(out, "rb") as f:
        got = f.read()
    expect(len(got) == len(blob), f"downloaded {len(got)} bytes, served {len(blob)}")
    expect(hashlib.sha256(got).digest() == hashlib.sha256(blob).digest(), "downloaded bytes differ from the served ones")
    lab.stop(server)
    print(f"http: {len(got)} bytes downloaded through the tunnel, identical")


def check_iperf(lab, a, b):
    server = b.start(["iperf3", "-s", "-B", TUN_B, "-p", "5201"])
    wait_for(lambda: b.listening(5201), 15, "iperf3 listening in B")
    result = a.run(["iperf3", "-c", TUN_B, "-p", "5201", "-t", "2", "-J"], timeout=60)
    end = json.loads(result.stdout)["end"]
    received = end["sum_received"]["bytes"]
    expect(received > 0, f"iperf3 received nothing: {end}")
    print(f"iperf3: {received} bytes in 2 s, {end['sum_received']['bits_per_second'] / 1e6:.0f} Mbit/s")
    lab.stop(server)


def forged_datagrams():
    """A best-effort frame carrying tun("0x0102") -- bytes that are no IP packet --
    and a datagram that is no frame at all."""
    message = bytes([1]) + struct.pack("<I", 3) + b"tun" + bytes([9]) + struct.pack("<I", 2) + b"\x01\x02"
    frame = b"MZ" + bytes([1, 2]) + struct.pack("<QQ", 0x1234, 1) + message
    return frame, b"not a frame"


def check_forged(lab, a, b, node_b, stats_b):
    before = read_stats(node_b, stats_b, lab)
    frame, junk = forged_datagrams()
    send = ("import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
            f"[s.sendto(bytes.fromhex(h), ('{VETH_B}', {PORT})) for h in sys.argv[1:]]")
    a.run(["python3", "-c", send, frame.hex(), junk.hex()])

    def counted():
        s = read_stats(node_b, stats_b, lab)
        return s if (s["tun"]["write_malformed"] > before["tun"]["write_malformed"] and
                     s["malformed"] > before["malformed"]) else None
    after = wait_for(counted, 10, "B counting the forged tun tuple and the junk datagram", interval=0.2)
    print(f"forged: write_malformed {before['tun']['write_malformed']} -> {after['tun']['write_malformed']}, "
          f"malformed {before['malformed']} -> {after['malformed']}")
    expect(node_b.alive(), "B died after the forged datagrams")
    expect(ping_ok(a, TUN_B, 3), "the tunnel stopped carrying pings after the forged datagrams")


def main(args):
    with Lab("mt") as lab:
        a, b = lab.namespace("a"), lab.namespace("b")
        lab.veth(a, b, f"{VETH_A}/24", f"{VETH_B}/24")
        node_a, dev_a, stats_a = start_node(lab, args, a, VETH_A, TUN_A, TUN_B, VETH_B, "a")
        node_b, dev_b, stats_b = start_node(lab, args, b, VETH_B, TUN_B, TUN_A, VETH_A, "b")

        # The first echo may go before B's device is up: wait for one answer, then count.
        wait_for(lambda: ping_ok(a, TUN_B, 1), 20, "a first ping through the tunnel", interval=0.2)
        expect(ping_ok(a, TUN_B, 5), "not every ping through the tunnel was answered")
        print("ping: 5 of 5 answered")
        check_http(lab, a, b)
        check_iperf(lab, a, b)
        check_forged(lab, a, b, node_b, stats_b)
        check_remap(lab, a)
        check_refusals(lab, args, a)

        for node, ns, dev, stats, name in ((node_a, a, dev_a, stats_a, "a"), (node_b, b, dev_b, stats_b, "b")):
            status = lab.stop(node)
            expect(status == 0, f"node {name} exited with {status} on SIGTERM:\n{node.output()}")
            expect(ns.link(dev) is None, f"{dev} still exists after node {name} stopped")
            with open(stats) as f:
                tun = json.load(f)["tun"]
            print(f"node {name} tun counters: {tun}")
            expect(tun["read"] > 1000 and tun["written"] > 1000, f"node {name} carried too little: {tun}")
            expect(tun["read_malformed"] == 0 and tun["read_unused"] == 0 and tun["no_device"] == 0,
                   f"node {name} dropped packets from its device: {tun}")
            expect(tun["write_failed"] < tun["written"] // 100, f"node {name}'s device refused many packets: {tun}")


def check_refusals(lab, args, ns):
    dev = lab.ifname("t")
    argv = [args.moztun, "--addr", f"{VETH_A}:{PORT + 1}", "--tun", dev, "--tun-addr", f"{TUN_A}/24", "--run-for", "5"]
    denied = ns.run(["setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", *argv], check=False, timeout=20)
    out = denied.stdout + denied.stderr
    expect(denied.returncode == 1, f"without CAP_NET_ADMIN the node exited {denied.returncode}:\n{out}")
    expect("cannot create tun device" in out and "CAP_NET_ADMIN" in out, f"no clear message:\n{out}")
    expect(ns.link(dev) is None, f"{dev} exists after the refused start")
    bad = ns.run([args.moztun, "--addr", f"{VETH_A}:{PORT + 1}", "--tun", dev, "--tun-addr", "198.19.0.1"],
                 check=False, timeout=20)
    expect(bad.returncode == 2 and "--tun-addr expects" in bad.stderr and "usage:" in bad.stderr,
           f"a malformed --tun-addr: exit {bad.returncode}:\n{bad.stderr}")
    print("refusals: no CAP_NET_ADMIN -> exit 1 with the cause; bad --tun-addr -> exit 2 with the usage")


def add_arguments(parser):
    parser.add_argument("--moztun", required=True, help="the moztun node binary (build/overlays/moztun)")


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "ping", "iperf3", "curl", "setpriv"], add_arguments=add_arguments)
