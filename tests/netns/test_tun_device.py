#!/usr/bin/env python3
"""netns.tun_device: TunDevice (runtime/src/tun) creates a working tun device.

In a fresh namespace, tun_probe (tests/netns/tun_probe.cpp) opens a device with
a given name, address and MTU and answers ICMP echo requests it reads from it
(addresses swapped by the incremental-checksum rewrite). Checked:
  * `ip -j link/addr/route` show the name, MTU, UP state, address and prefix route;
  * `ping -c 3` to another address of the prefix gets 3 replies, with ICMP
    checksums the kernel accepts (so reads, IPv4 and ICMP checksum rewriting
    and writes work); 64 requests queued while the probe is stopped are all
    answered, read as full batches of 32 (the probe counts them); a don't-fragment ping of exactly the MTU
    is answered and one byte more is refused locally (the MTU is real);
  * the same with IFF_VNET_HDR (the accepted offloads are printed);
  * without --mtu the device gets the default 1408;
  * the device is gone once the probe exits, after SIGTERM and after SIGKILL;
  * as user nobody, and as root without CAP_NET_ADMIN, the probe exits with
    status 3 and an error naming the cause, and creates nothing; without
    /dev/net/tun (hidden in a private mount namespace) it exits 1 and says so;
    with an MTU the device cannot take, it exits 1 and leaves no device.
"""

import os
import re
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Lab, expect, run_test, wait_for  # noqa: E402

PREFIX = "198.19.0.1/24"   # tunnel inner addresses: 198.19.0.0/16
PEER = "198.19.0.2"        # routed into the tun device, answered by the probe
ICMP_IP_OVERHEAD = 28      # 20 IPv4 + 8 ICMP header bytes around ping's payload


def start_probe(lab, ns, args, extra=()):
    name = lab.ifname("t")
    probe = ns.start([args.probe, "--name", name, "--addr", PREFIX, "--max-seconds", "90", *extra])
    ready = wait_for(lambda: probe.line_starting("ready "), 15, f"{name} ready")
    fields = dict(item.split("=", 1) for item in ready.split()[1:])
    expect(fields["name"] == name, f"probe reports device {fields['name']}, asked for {name}")
    return probe, name, fields


def check_device(ns, name, mtu):
    link = ns.link(name)
    expect(link is not None, f"{name} not in `ip link`")
    expect(link["mtu"] == mtu, f"{name} MTU {link['mtu']}, expected {mtu}")
    expect("UP" in link["flags"], f"{name} not UP: flags {link['flags']}")
    expect(link.get("link_type") == "none", f"{name} link type {link.get('link_type')}, expected none (tun)")
    addrs = ns.ip_json("-4", "addr", "show", "dev", name)[0]["addr_info"]
    expect([(a["local"], a["prefixlen"]) for a in addrs] == [("198.19.0.1", 24)],
           f"{name} addresses {addrs}, expected 198.19.0.1/24")
    route = ns.ip_json("route", "get", PEER)[0]
    expect(route["dev"] == name, f"route to {PEER} goes via {route['dev']}, expected {name}")


def icmp_out_echos(ns):
    """Echo requests sent from the namespace so far (Icmp OutEchos in /proc/net/snmp)."""
    rows = [line.split() for line in ns.run(["cat", "/proc/net/snmp"]).stdout.splitlines() if line.startswith("Icmp:")]
    return int(rows[1][rows[0].index("OutEchos")])


def check_burst(ns, probe):
    """64 requests queued while the probe is stopped: it must read them as two full
    batches of 32, posting the second round instead of waiting for readiness."""
    sent_before = icmp_out_echos(ns)
    os.kill(probe.pid, signal.SIGSTOP)
    try:
        ping = ns.start(["ping", "-n", "-q", "-c", "64", "-l", "64", "-W", "5", PEER])
        wait_for(lambda: icmp_out_echos(ns) >= sent_before + 64, 10, "64 echo requests sent to the stopped probe")
    finally:
        os.kill(probe.pid, signal.SIGCONT)
    ping.wait(20)
    expect("64 packets transmitted, 64 received" in ping.output(),
           f"burst of 64 pings: expected 64 replies:\n{ping.output()}")


def check_ping(ns, mtu):
    out = ns.run(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", PEER], timeout=20).stdout
    expect(re.search(r"3 packets transmitted, 3 received", out), f"ping {PEER}: expected 3 replies:\n{out}")
    payload = mtu - ICMP_IP_OVERHEAD
    full = ns.run(["ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", str(payload), PEER], timeout=20)
    expect("1 received" in full.stdout, f"ping of exactly the MTU ({mtu}) not answered:\n{full.stdout}")
    over = ns.run(["ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", str(payload + 1), PEER],
                  timeout=20, check=False)
    expect(over.returncode != 0 and "1 received" not in over.stdout,
           f"ping one byte over the MTU ({mtu}) was not refused:\n{over.stdout}{over.stderr}")


def check_gone(ns, name, how):
    wait_for(lambda: ns.link(name) is None, 10, f"{name} to disappear after the probe {how}")


def check_refused(lab, ns, args, wrapper, label, status, phrases, extra=()):
    name = lab.ifname("t")
    result = ns.run([*wrapper, args.probe, "--name", name, "--addr", PREFIX, *extra], check=False, timeout=20)
    expect(result.returncode == status, f"{label}: exit status {result.returncode}, expected {status}:\n{result.stderr}")
    expect(all(p in result.stderr for p in phrases), f"{label}: error should say {phrases}, got:\n{result.stderr}")
    expect(ns.link(name) is None, f"{label}: {name} exists although the probe failed")
    print(f"{label}: {result.stderr.strip()}")


def main(args):
    with Lab("mzt", keep_logs=args.keep) as lab:
        ns = lab.namespace("tun")
        # ping on an ICMP datagram socket, whose replies the kernel drops on a bad
        # ICMP checksum (a raw-socket ping, root's default, accepts them).
        ns.run(["sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 0"])

        mtu = 1400
        for extra in ((), ("--vnet-hdr",)):
            probe, name, fields = start_probe(lab, ns, args, ("--mtu", str(mtu), *extra))
            check_device(ns, name, mtu)
            check_ping(ns, mtu)
            check_burst(ns, probe)
            if extra:
                expect(fields["vnet_header"] == "10", f"vnet header of {fields['vnet_header']} bytes, expected 10")
            expect(lab.stop(probe) == 0, f"probe exit status {probe.returncode}:\n{probe.output()}")
            counts = re.search(r"echoed (\d+) ignored \d+ full_batches (\d+)", probe.output())
            expect(counts, f"no counts in the probe's output:\n{probe.output()}")
            echoed, full_batches = int(counts.group(1)), int(counts.group(2))
            expect(echoed >= 68, f"probe echoed {echoed} requests, expected at least 3 + 64 + 1")
            expect(full_batches >= 1, "the burst never filled a batch: the batch-cap path went untested")
            print(f"{' '.join(extra) or 'plain'}: {name} mtu {mtu} vnet_header {fields['vnet_header']} "
                  f"offloads {fields['offloads']}; echoed {echoed}, {full_batches} full batches")
            check_gone(ns, name, "stopped")

        probe, name, fields = start_probe(lab, ns, args)
        check_device(ns, name, 1408)
        os.kill(probe.pid, 9)
        probe.wait(10)
        check_gone(ns, name, "was killed")

        check_refused(lab, ns, args, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
                      "as nobody", 3, ["cannot open /dev/net/tun: Permission denied", "CAP_NET_ADMIN"])
        check_refused(lab, ns, args, ["setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin"],
                      "root without CAP_NET_ADMIN", 3, ["cannot create tun device", "not permitted", "CAP_NET_ADMIN"])
        check_refused(lab, ns, args, [], "MTU too large", 1, ["cannot set MTU 70000 on", "Invalid argument"],
                      extra=["--mtu", "70000"])
        # An empty tmpfs over /dev/net in a private mount namespace hides the clone device.
        hide_tun = ["unshare", "--mount", "sh", "-c", 'mount -t tmpfs none /dev/net && exec "$@"', "sh"]
        check_refused(lab, ns, args, hide_tun, "without /dev/net/tun", 1,
                      ["cannot open /dev/net/tun: No such file or directory", "tun module"])


if __name__ == "__main__":
    run_test(main, tools=["ip", "ping", "setpriv", "sysctl"],
             add_arguments=lambda p: p.add_argument("--probe", required=True, help="path of tun_probe"))
