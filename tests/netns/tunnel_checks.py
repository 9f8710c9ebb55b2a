"""What the tunnel tests (test_moztun, test_ron_tun, test_i3_tun) share: a
bridge between namespaces, pings, an HTTP server of random bytes and a
download checked against it, and reading an outage off `ping -D`.
Standard library only."""

import hashlib
import json
import os
import re
import subprocess
import threading

from netns import expect, wait_for


def bridge(lab, namespaces, addresses):
    """A bridge in a namespace of its own with one veth to each of `namespaces`
    ({label: Namespace}), addressed addresses[label]/24; returns {label: device}."""
    sw = lab.namespace("sw")
    sw.run(["ip", "link", "add", "br0", "type", "bridge"])
    sw.run(["ip", "link", "set", "br0", "up"])
    devices = {}
    for label, ns in namespaces.items():
        inside, port = lab.ifname("v"), lab.ifname("p")
        subprocess.run(["ip", "link", "add", inside, "netns", ns.name, "type", "veth", "peer", "name", port,
                        "netns", sw.name], check=True, capture_output=True, timeout=30)
        sw.run(["ip", "link", "set", port, "master", "br0"])
        sw.run(["ip", "link", "set", port, "up"])
        ns.run(["ip", "addr", "add", f"{addresses[label]}/24", "dev", inside])
        ns.run(["ip", "link", "set", inside, "up"])
        devices[label] = inside
    return devices


def ping_ok(ns, dest, count):
    """Whether all of `count` pings from `ns` to `dest` (0.2 s apart) are answered."""
    result = ns.run(["ping", "-c", str(count), "-i", "0.2", "-W", "1", "-q", dest], check=False, timeout=30)
    return f"{count} received" in result.stdout


def serve(lab, ns, bind, size):
    """python3 http.server on bind:8080 in `ns`, serving `size` random bytes as /blob;
    returns (process, SHA-256 hex of the bytes)."""
    www = os.path.join(lab.workdir, f"www{size}")
    os.makedirs(www, exist_ok=True)
    blob = os.urandom(size)
    with open(os.path.join(www, "blob"), "wb") as f:
        f.write(blob)
    server = ns.start(["python3", "-m", "http.server", "8080", "--bind", bind, "--directory", www])
    wait_for(lambda: ns.listening(8080), 15, "http.server listening")
    return server, hashlib.sha256(blob).hexdigest()


def download(ns, host, out, limit=None, timeout=90):
    """curl http://host:8080/blob from `ns` into `out`; returns the SHA-256 hex of what arrived."""
    argv = ["curl", "-sS", "--fail", "--max-time", str(timeout), "-o", out]
    if limit:
        argv += ["--limit-rate", limit]
    ns.run(argv + [f"http://{host}:8080/blob"], timeout=timeout + 30)
    with open(out, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def first_reply_after(ping_output, t_wall):
    """From `ping -D` output: seconds from wall-clock time t_wall to the first reply after it, or None."""
    replies = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", ping_output, re.M)]
    after = [t for t in replies if t > t_wall]
    return (after[0] - t_wall) if after else None


def check_transfers(lab, a, b, dest, over):
    """From `a` to `dest` in `b`: 5 of 5 pings, an 8 MiB HTTP download byte for byte,
    and 2 s of iperf3 that receive something. `over` names the tunnel in messages."""
    expect(ping_ok(a, dest, 5), f"not every ping over {over} was answered")
    server, digest = serve(lab, b, dest, 8 * 1024 * 1024)
    expect(download(a, dest, os.path.join(lab.workdir, "plain")) == digest, f"the download over {over} differs")
    lab.stop(server)
    iperf = b.start(["iperf3", "-s", "-B", dest, "-p", "5201"])
    wait_for(lambda: b.listening(5201), 15, "iperf3 listening")
    end = json.loads(a.run(["iperf3", "-c", dest, "-t", "2", "-J"], timeout=60).stdout)["end"]
    lab.stop(iperf)
    expect(end["sum_received"]["bytes"] > 0, f"iperf3 over {over} received nothing")
    print(f"{over}: 5 of 5 pings; 8 MiB over HTTP, identical; iperf3 "
          f"{end['sum_received']['bits_per_second'] / 1e6:.0f} Mbit/s")


def outage_across(lab, a, b, dest, event, what):
    """A paced 6 MiB download from `dest` in `b` (1 MiB/s) and a ping every 50 ms
    from `a` run across `event()`, which returns the wall-clock time it counts
    from. The download must complete byte for byte; returns the seconds from that
    time to the first ping answered after it."""
    server, digest = serve(lab, b, dest, 6 * 1024 * 1024)
    out = os.path.join(lab.workdir, "paced")
    result = {}
    thread = threading.Thread(target=lambda: result.update(digest=download(a, dest, out, limit="1M", timeout=90)))
    thread.start()
    wait_for(lambda: os.path.exists(out) and os.path.getsize(out) > 1024 * 1024, 30, "the paced download under way")
    pinger = a.start(["ping", "-D", "-i", "0.05", "-W", "1", "-w", "15", dest])
    wait_for(lambda: pinger.output().count("bytes from") >= 5, 10, f"pings answered before {what}")
    t0 = event()
    thread.join(timeout=120)
    expect(not thread.is_alive(), f"the download did not finish after {what}")
    expect(result.get("digest") == digest, f"the download across {what} differs from the served file")
    pinger.wait(30)
    lab.stop(server)
    gap = first_reply_after(pinger.output(), t0)
    expect(gap is not None, f"no ping answered after {what}:\n{pinger.output()[-2000:]}")
    return gap
