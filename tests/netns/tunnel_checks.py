"""What the tunnel tests (test_moztun, test_ron_tun, test_i3_tun) share: a
bridge between namespaces, pings, an HTTP server of random bytes and a
download checked against it, and reading an outage off `ping -D`.
Standard library only."""

import hashlib
import os
import re
import subprocess

from netns import wait_for


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
