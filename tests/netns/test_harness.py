#!/usr/bin/env python3
"""netns.harness: netns.py creates what it says and removes all of it.

Two namespaces joined by a veth pair reach each other (ping both ways) and not
the root namespace; a process started in one namespace listens there only and
is stopped by its PID; addresses outside 198.18.0.0/15 and 127.0.0.0/8 are
refused; waits are bounded; and when the Lab exits -- normally or by an
exception, or by SIGTERM to a child test process -- its namespaces and
processes are gone.
"""

import os
import select
import signal
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Lab, TestFailure, expect, run_test, wait_for  # noqa: E402


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def check_veth_and_processes():
    with Lab("mzh") as lab:
        a, b = lab.namespace("a"), lab.namespace("b")
        name_a, name_b = lab.veth(a, b, "198.18.0.1/24", "198.18.0.2/24")
        expect({a.name, b.name} <= namespaces(), "namespaces not listed by `ip netns list`")
        expect(a.link(name_a)["operstate"] in ("UP", "UNKNOWN") and b.link(name_b) is not None,
               "veth ends missing or down")
        expect(a.link(name_b) is None, f"{name_b} visible in {a.name}")
        a.run(["ping", "-n", "-c", "1", "-W", "2", "198.18.0.2"])
        b.run(["ping", "-n", "-c", "1", "-W", "2", "198.18.0.1"])

        server = b.start([sys.executable, "-m", "http.server", "--bind", "198.18.0.2", "8000"])
        wait_for(lambda: b.listening(8000), 15, "http.server listening in b")
        expect(not a.listening(8000), "b's listener is visible in a")
        a.run(["curl", "-sf", "-m", "5", "-o", "/dev/null", "http://198.18.0.2:8000/"])
        pid = server.pid
        expect(lab.stop(server) is not None and not server.alive(), "server still running after stop")
        expect(not os.path.exists(f"/proc/{pid}"), f"pid {pid} still exists")

        try:
            lab.veth(a, b, "10.0.0.1/24", "198.18.1.2/24")
            raise TestFailure("an address outside 198.18.0.0/15 was accepted")
        except ValueError:
            pass
        try:
            wait_for(lambda: False, 0.2, "nothing")
            raise TestFailure("wait_for did not time out")
        except TestFailure as e:
            expect("timed out after 0.2 s" in str(e), f"unexpected wait_for failure: {e}")
        created = {a.name, b.name}
    expect(not created & namespaces(), f"namespaces left after a normal exit: {created & namespaces()}")


def check_cleanup_on_exception():
    created, pids = set(), []
    try:
        with Lab("mzh") as lab:
            ns = lab.namespace("x")
            created.add(ns.name)
            pids.append(ns.start(["sleep", "30"]).pid)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    expect(created and not created & namespaces(), f"namespaces left after an exception: {created}")
    expect(not os.path.exists(f"/proc/{pids[0]}"), f"process {pids[0]} left after an exception")


def check_cleanup_on_sigterm():
    # A child test creates a namespace and a process, then waits; SIGTERM must clean up.
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {HERE!r})
        from netns import Interrupted, Lab
        try:
            with Lab("mzh") as lab:
                ns = lab.namespace("t")
                p = ns.start(["sleep", "60"])
                print(ns.name, p.pid, flush=True)
                time.sleep(60)
        except Interrupted:
            sys.exit(2)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        if not select.select([child.stdout], [], [], 20)[0]:
            raise TestFailure("the child test printed nothing within 20 s")
        name, pid = child.stdout.readline().split()
        expect(name in namespaces(), f"{name} not created")
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
    expect(child.returncode == 2, f"child test exit status {child.returncode}, expected 2 (Interrupted)")
    expect(name not in namespaces(), f"{name} left after SIGTERM")
    expect(not os.path.exists(f"/proc/{pid}"), f"process {pid} left after SIGTERM")


def main(args):
    check_veth_and_processes()
    check_cleanup_on_exception()
    check_cleanup_on_sigterm()


if __name__ == "__main__":
    run_test(main, tools=["ip", "ss", "ping", "curl"])
