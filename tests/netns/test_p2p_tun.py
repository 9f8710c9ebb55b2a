#!/usr/bin/env python3
"""netns.p2p_tun: the paper's rule p2p_tun (§4.6), compiled as written with a
constant peer address (tests/netns/p2p/p2p_tun_{a,b}.moz), carries ping and an
HTTP download between two namespaces: A (198.18.0.1:1086, tun 198.19.0.1/24)
and B (198.18.0.2:1086, tun 198.19.0.2/24), each sending every packet of its
device to the other."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, expect, run_test, wait_for  # noqa: E402
from tunnel_checks import download, ping_ok, serve  # noqa: E402


def main(args):
    with Lab("pt") as lab:
        a, b = lab.namespace("a"), lab.namespace("b")
        lab.veth(a, b, "198.18.0.1/24", "198.18.0.2/24")
        for ns, binary, ip, tun in ((a, args.node_a, "198.18.0.1", "198.19.0.1"),
                                    (b, args.node_b, "198.18.0.2", "198.19.0.2")):
            dev = lab.ifname("t")
            node = ns.start([binary, "--addr", f"{ip}:1086", "--tun", dev, "--tun-addr", f"{tun}/24", "--run-for", "100"])
            wait_for(lambda: ns.link(dev) is not None or not node.alive(), 15, f"tun device {dev}")
            expect(node.alive(), f"{binary} exited:\n{node.output()}")
        wait_for(lambda: ping_ok(a, "198.19.0.2", 1), 20, "a first ping through p2p_tun", interval=0.2)
        expect(ping_ok(a, "198.19.0.2", 5) and ping_ok(b, "198.19.0.1", 5), "not every ping was answered")
        server, digest = serve(lab, b, "198.19.0.2", 4 * 1024 * 1024)
        expect(download(a, "198.19.0.2", os.path.join(lab.workdir, "blob")) == digest, "the download differs")
        lab.stop(server)
        print("p2p_tun: pings both ways, a 4 MiB download identical")


def add_arguments(parser):
    parser.add_argument("--node-a", required=True)
    parser.add_argument("--node-b", required=True)


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "ping", "curl"], add_arguments=add_arguments)
