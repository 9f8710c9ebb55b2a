#!/usr/bin/env python3
"""netns.legacy_bridge: the legacy-overlay adapter (paper §5.4) under OpenVPN.

Three namespaces: A (198.18.0.1) and B (198.18.0.2) joined by one veth pair,
B (198.18.1.1) and C (198.18.1.2) by another. An OpenVPN p2p tunnel between A
and B (no crypto; inner addresses 198.19.0.1 and 198.19.0.2) is the legacy
overlay: an overlay not written in Mozlog. The nodes of A and B run with
--legacy on their tunnel address (port 7100); iptables drops Mozlog's own UDP
port between A and B, so the tunnel is the only way between them. C is
reached only by Mozlog's UDP from B. Checked, each wait bounded:
  * A -> B over the legacy overlay: heard@legacy::"198.19.0.2:7100" arrives;
  * A -> C bridged: heard@sr::[legacy::"198.19.0.2:7100", "198.18.1.2:7000"]
    crosses the tunnel, then B forwards it over UDP;
  * C -> A back the other way: sr::["198.18.1.1:7000", legacy::"198.19.0.1:7100"];
  * the adapters' "legacy" counters show the packets went through them, and
    OpenVPN's tun device counted them (they really were in the tunnel);
  * a datagram that is no packet of ours, sent to the adapter's port from
    inside the tunnel, is dropped and counted (malformed), the node unharmed;
  * a node started with --legacy on an address it does not have exits 1 and
    says why.
"""

import json
import os
import signal
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Lab, expect, run_test, wait_for  # noqa: E402

A, B_A, B_C, C = "198.18.0.1", "198.18.0.2", "198.18.1.1", "198.18.1.2"
TUN_A, TUN_B = "198.19.0.1", "198.19.0.2"
PORT, LEGACY_PORT, OPENVPN_PORT = 7000, 7100, 1194


def openvpn(ns, local, remote, inner_local, inner_remote):
    return ns.start(["openvpn", "--dev", "tun", "--dev-type", "tun", "--proto", "udp",
                     "--cipher", "none", "--auth", "none", "--data-ciphers", "none", "--verb", "3",
                     "--local", local, "--lport", str(OPENVPN_PORT), "--remote", remote, "--rport", str(OPENVPN_PORT),
                     "--ifconfig", inner_local, inner_remote])


def report(node, stats_path, dump_path):
    for path in (stats_path, dump_path):
        if os.path.exists(path):
            os.remove(path)
    os.kill(node.pid, signal.SIGUSR1)
    wait_for(lambda: os.path.exists(stats_path) and os.path.exists(dump_path), 10, f"report of {node}")
    with open(stats_path) as f, open(dump_path) as g:
        return json.load(f), json.load(g)


def tun_packets(ns):
    """Packets OpenVPN's tun device has sent and received in `ns`."""
    links = ns.ip_json("-s", "link", "show", "type", "tun") or []
    return sum(l["stats64"]["rx"]["packets"] + l["stats64"]["tx"]["packets"] for l in links)


def main(args):
    with Lab("mkl", keep_logs=args.keep) as lab:
        a, b, c = lab.namespace("a"), lab.namespace("b"), lab.namespace("c")
        lab.veth(a, b, f"{A}/24", f"{B_A}/24")
        lab.veth(b, c, f"{B_C}/24", f"{C}/24")
        # Mozlog's own UDP between A and B is cut: the legacy overlay is the only way.
        for ns, peer in ((a, B_A), (b, A)):
            ns.run(["iptables", "-A", "INPUT", "-p", "udp", "-s", peer, "--dport", str(PORT), "-j", "DROP"])
        vpn_b = openvpn(b, B_A, A, TUN_B, TUN_A)
        wait_for(lambda: b.listening(OPENVPN_PORT, "udp"), 10, "OpenVPN listening in B")
        vpn_a = openvpn(a, A, B_A, TUN_A, TUN_B)
        for p in (vpn_a, vpn_b):
            wait_for(lambda p=p: "Initialization Sequence Completed" in p.output(), 30, f"{p} up")

        refused = a.run([args.node, "--addr", f"{A}:{PORT}", "--legacy", f"{TUN_B}:{LEGACY_PORT}", "--run-for", "1"],
                        check=False, timeout=20)
        expect(refused.returncode == 1 and "--legacy" in refused.stderr,
               f"--legacy on an address the node does not have: exit 1 and a message ({refused.returncode}: "
               f"{refused.stderr.strip()})")

        says = {
            "a": [f'say(legacy::"{TUN_B}:{LEGACY_PORT}", "over the tunnel").',
                  f'say(sr::[legacy::"{TUN_B}:{LEGACY_PORT}", "{C}:{PORT}"], "bridged to C").'],
            "b": [],
            "c": [f'say(sr::["{B_C}:{PORT}", legacy::"{TUN_A}:{LEGACY_PORT}"], "bridged back to A").'],
        }
        setup = {"a": (a, A, [f"--legacy", f"{TUN_A}:{LEGACY_PORT}"]),
                 "b": (b, B_C, [f"--legacy", f"{TUN_B}:{LEGACY_PORT}"]),
                 "c": (c, C, [])}
        nodes, files = {}, {}
        for label, (ns, ip, extra) in setup.items():
            facts = os.path.join(lab.workdir, f"{label}.facts")
            with open(facts, "w") as f:
                f.write("\n".join(says[label]) + "\n")
            files[label] = (os.path.join(lab.workdir, f"{label}.stats.json"),
                            os.path.join(lab.workdir, f"{label}.dump.json"))
            nodes[label] = ns.start([args.node, "--addr", f"{ip}:{PORT}", "--facts", facts,
                                     "--stats", files[label][0], "--dump", files[label][1], *extra])
        tunnel_before = tun_packets(a)

        def heard(label, text):
            _, dump = report(nodes[label], *files[label])
            return any(row[1] == text for row in dump.get("heard", []))

        wait_for(lambda: heard("b", "over the tunnel"), 20, "B hears A over the legacy overlay")
        wait_for(lambda: heard("c", "bridged to C"), 20, "C hears A: over the tunnel, then UDP from B")
        wait_for(lambda: heard("a", "bridged back to A"), 20, "A hears C: UDP to B, then over the tunnel")
        stats = {label: report(nodes[label], *files[label])[0] for label in nodes}
        for label in ("a", "b"):
            leg = stats[label].get("legacy", {})
            expect(leg.get("sent", 0) > 0 and leg.get("received", 0) > 0,
                   f"{label}'s adapter sent and received ({leg})")
        expect("legacy" not in stats["c"], "C, without an adapter, has no legacy counters")
        expect(tun_packets(a) > tunnel_before, "the tuples went through OpenVPN's tun device")
        print(f"legacy overlay: A->B over OpenVPN, A->C and C->A bridged with sr; adapters "
              f"A {stats['a']['legacy']}, B {stats['b']['legacy']}")

        # Not a packet of ours, from inside the tunnel: dropped and counted.
        before = stats["b"]["legacy"]["malformed"]
        a.run([sys.executable, "-c",
               "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
               f"[s.sendto(b'junk' * n, ('{TUN_B}', {LEGACY_PORT})) for n in range(5)]"])
        wait_for(lambda: report(nodes["b"], *files["b"])[0]["legacy"]["malformed"] >= before + 5, 10,
                 "5 foreign datagrams counted as malformed at B")
        expect(nodes["b"].alive(), "B is unharmed by them")
        print("foreign datagrams at the adapter: dropped and counted")
        for p in (*nodes.values(), vpn_a, vpn_b):
            lab.stop(p)


def add_arguments(parser):
    parser.add_argument("--node", required=True, help="tests/netns/legacy/legacy_bridge.moz, compiled")


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "iptables", "openvpn"], add_arguments=add_arguments)
