"""Harness for tests that need real network devices: network namespaces.

A Lab creates network namespaces, veth pairs between them and processes inside
them, and removes everything it created when it exits -- on success, failure,
Ctrl-C, SIGTERM or SIGHUP (context manager, signal handlers, and atexit as a
last resort). Names carry a prefix and the test's PID, so parallel tests do not
collide and leftovers of a killed test can be recognised and removed.
Processes are stopped by their own PID only. Every wait is bounded.

Addresses: veth links get addresses in 198.18.0.0/15 (RFC 2544 benchmarking);
tunnel inner addresses belong in 198.19.0.0/16; nothing else is allowed.

    from netns import Lab, wait_for, run_test
    def main(args):
        with Lab("mzs") as lab:
            a, b = lab.namespace("a"), lab.namespace("b")
            lab.veth(a, b, "198.18.0.1/24", "198.18.0.2/24")
            server = b.start(["iperf3", "-s", "-B", "198.18.0.2"])
            wait_for(lambda: b.listening(5201), 10, "iperf3 listening")
            a.run(["iperf3", "-c", "198.18.0.2", "-t", "2"], timeout=20)
            lab.stop(server)
    run_test(main, tools=["ip", "ss", "iperf3"])

Needs root. Outside CI a missing tool or permission skips (exit 77); under
CI=true it fails: CI always runs as root, and missing tools are installed by
scripts/setup-netns.sh (also tried locally when running as root).

Standard library only.
"""

import argparse
import atexit
import ctypes
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests
ALLOWED_NETWORKS = [ipaddress.ip_network("198.18.0.0/15"), ipaddress.ip_network("127.0.0.0/8")]
SETUP_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "setup-netns.sh")
IFNAMSIZ = 16


class TestFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


class Skip(Exception):
    """The test cannot run here (not root, tool missing) and is not under CI."""


class Interrupted(Exception):
    """SIGINT, SIGTERM or SIGHUP arrived; raised so that cleanup runs."""


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def _cannot_run(reason):
    if in_ci():
        raise TestFailure(f"{reason} (CI=true: netns tests never skip)")
    raise Skip(reason)


def require(tools):
    """Root and the given tools; installs missing tools through setup-netns.sh when root."""
    if os.geteuid() != 0:
        _cannot_run("netns tests need root (network namespaces, veth, tun)")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        print(f"netns: missing {' '.join(missing)}; running {SETUP_SCRIPT}", flush=True)
        subprocess.run(["bash", SETUP_SCRIPT], timeout=600, check=False)
        missing = [t for t in tools if shutil.which(t) is None]
        if missing:
            _cannot_run(f"missing tools after scripts/setup-netns.sh: {' '.join(missing)}")


def check_address(cidr):
    """An interface address in CIDR form, refused unless in 198.18.0.0/15 or 127.0.0.0/8."""
    iface = ipaddress.ip_interface(cidr)
    if not any(iface.ip in net for net in ALLOWED_NETWORKS):
        raise ValueError(f"{cidr}: tests use only 198.18.0.0/15 and 127.0.0.0/8")
    return iface


def wait_for(condition, timeout, what, interval=0.05):
    """Polls `condition` until it returns a true value (returned) or `timeout` s pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def expect(condition, message):
    if not condition:
        raise TestFailure(message)


def _child_setup():
    # If the test dies without cleaning up, its children get SIGTERM (PR_SET_PDEATHSIG = 1).
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    os.setpgid(0, 0)  # Ctrl-C on the terminal reaches the test only; the Lab stops children itself


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class Process:
    """A process inside a namespace; output goes to a log file in the Lab's directory."""

    def __init__(self, argv, namespace, log_path):
        self.argv = list(argv)
        self.namespace = namespace
        self.log_path = log_path
        with open(log_path, "wb") as log:
            # `ip netns exec` execs the command itself, so Popen's PID is the command's.
            self.popen = subprocess.Popen(["ip", "netns", "exec", namespace.name, *self.argv],
                                          stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                          preexec_fn=_child_setup)
        self.pid = self.popen.pid

    def __repr__(self):
        return f"<{os.path.basename(self.argv[0])} pid {self.pid} in {self.namespace.name}>"

    def alive(self):
        return self.popen.poll() is None

    @property
    def returncode(self):
        return self.popen.poll()

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def line_starting(self, prefix):
        """The first output line starting with `prefix`, else None; fails if the process died."""
        for line in self.output().splitlines():
            if line.startswith(prefix):
                return line
        if not self.alive():
            raise TestFailure(f"{self} exited with {self.returncode} before printing '{prefix}':\n{self.output()}")
        return None

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"{self} still running after {timeout} s") from None


class Namespace:
    def __init__(self, lab, name):
        self.lab = lab
        self.name = name

    def __repr__(self):
        return f"<netns {self.name}>"

    def run(self, argv, timeout=20, check=True, **kwargs):
        """Runs argv inside the namespace to completion; text output captured."""
        try:
            result = subprocess.run(["ip", "netns", "exec", self.name, *argv], capture_output=True,
                                    text=True, timeout=timeout, **kwargs)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"{' '.join(map(str, argv))} in {self.name} took over {timeout} s") from None
        if check and result.returncode != 0:
            raise TestFailure(f"{' '.join(map(str, argv))} in {self.name} exited with {result.returncode}:\n"
                              f"{result.stdout}{result.stderr}")
        return result

    def ip_json(self, *args):
        """`ip -j ARGS` in the namespace, parsed; None if ip fails (e.g. no such device)."""
        result = self.run(["ip", "-j", *args], check=False)
        if result.returncode != 0:
            return None
        return json.loads(result.stdout or "[]")

    def link(self, ifname):
        links = self.ip_json("link", "show", "dev", ifname)
        return links[0] if links else None

    def listening(self, port, proto="tcp"):
        flag = "-t" if proto == "tcp" else "-u"
        out = self.run(["ss", "-H", "-l", "-n", flag], check=False).stdout
        return any(re.search(rf":{port}\s", line + " ") for line in out.splitlines())

    def start(self, argv):
        return self.lab.start(self, argv)


class Lab:
    """Namespaces, veth pairs and processes of one test, all removed at exit."""

    def __init__(self, prefix="mz", keep_logs=False):
        if not re.fullmatch(r"[a-z]{1,3}", prefix):
            raise ValueError("prefix: 1-3 lowercase letters (interface names are at most 15 characters)")
        self.prefix = prefix
        self.keep_logs = keep_logs
        self.tag = f"{prefix}{os.getpid()}"
        self.namespaces = []
        self.processes = []
        self.workdir = None
        self._names = 0
        self._old_handlers = {}
        self._closed = True

    # ------------------------------------------------------------ lifetime

    def __enter__(self):
        self._closed = False
        self.workdir = tempfile.mkdtemp(prefix=f"{self.tag}-")
        atexit.register(self.close)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._old_handlers[sig] = signal.signal(sig, self._interrupt)
        self._remove_stale()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and not self._closed:
            for p in self.processes:  # the evidence, before the logs are deleted
                self.stop(p)
                print(f"--- output of {p} (exit {p.returncode}):\n{p.output()}", file=sys.stderr)
        self.close()
        return False

    @staticmethod
    def _interrupt(signum, frame):
        raise Interrupted(f"signal {signum}")

    def close(self):
        """Stops every process (by PID) and deletes every namespace; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # finish cleaning up before dying
        try:
            for p in reversed(self.processes):
                self.stop(p)
            for ns in reversed(self.namespaces):
                # Deleting a namespace destroys the veth ends and tun devices inside it.
                subprocess.run(["ip", "netns", "del", ns.name], capture_output=True, timeout=30)
            if self.workdir and not self.keep_logs:
                shutil.rmtree(self.workdir, ignore_errors=True)
            elif self.workdir:
                print(f"netns: logs kept in {self.workdir}", file=sys.stderr)
        finally:
            for sig, old in self._old_handlers.items():
                signal.signal(sig, old)
            atexit.unregister(self.close)

    def _remove_stale(self):
        """Namespaces of this prefix left by a test that was killed (its PID is gone)."""
        out = subprocess.run(["ip", "-j", "netns", "list"], capture_output=True, text=True, timeout=10).stdout
        for entry in json.loads(out or "[]"):
            m = re.fullmatch(rf"{self.prefix}(\d+)-.+", entry["name"])
            if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
                subprocess.run(["ip", "netns", "del", entry["name"]], capture_output=True, timeout=30)

    # ------------------------------------------------------------ things a test creates

    def ifname(self, kind="i"):
        """A fresh interface name for this Lab: prefix, PID, kind, counter (at most 15 characters)."""
        self._names += 1
        name = f"{self.tag}{kind}{self._names}"
        if len(name) >= IFNAMSIZ:
            raise ValueError(f"interface name {name} is too long")
        return name

    def namespace(self, label):
        if not re.fullmatch(r"[a-z0-9]{1,20}", label):
            raise ValueError(f"namespace label {label!r}: lowercase letters and digits")
        name = f"{self.tag}-{label}"
        subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True, timeout=30)
        ns = Namespace(self, name)
        self.namespaces.append(ns)
        ns.run(["ip", "link", "set", "lo", "up"])
        return ns

    def veth(self, a, b, addr_a, addr_b):
        """A veth pair from namespace a to b, addressed and up; returns (name in a, name in b)."""
        ia, ib = check_address(addr_a), check_address(addr_b)
        name_a, name_b = self.ifname("v"), self.ifname("v")
        # Created with both ends already in place, so nothing is ever left in the root namespace.
        subprocess.run(["ip", "link", "add", name_a, "netns", a.name, "type", "veth",
                        "peer", "name", name_b, "netns", b.name], check=True, capture_output=True, timeout=30)
        for ns, name, iface in ((a, name_a, ia), (b, name_b, ib)):
            ns.run(["ip", "addr", "add", str(iface), "dev", name])
            ns.run(["ip", "link", "set", name, "up"])
        return name_a, name_b

    def start(self, namespace, argv):
        index = len(self.processes)
        log = os.path.join(self.workdir, f"{index}-{os.path.basename(str(argv[0]))}.log")
        p = Process([str(a) for a in argv], namespace, log)
        self.processes.append(p)
        return p

    def stop(self, process, timeout=5.0):
        """SIGTERM, then SIGKILL after `timeout`, to this process's PID only; returns its exit status."""
        if process.alive():  # not yet reaped, so the PID is still this process's
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.popen.wait(timeout=timeout)
        return process.returncode


def run_test(main, tools=("ip",), add_arguments=None):
    """Parses the options (--keep, and the test's own via add_arguments(parser)), checks
    requirements, calls main(args) and maps the outcome to an exit status:
    0 pass, 1 failure, 2 interrupted, 77 skipped (never under CI=true)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep process logs and print where")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args()
    name = os.path.basename(sys.argv[0])
    try:
        require(tools)
        main(args)
    except Skip as e:
        print(f"SKIP {name}: {e}")
        sys.exit(SKIP)
    except TestFailure as e:
        print(f"FAIL {name}: {e}")
        sys.exit(1)
    except Interrupted as e:
        print(f"INTERRUPTED {name}: {e}")
        sys.exit(2)
    except Exception:
        traceback.print_exc()
        print(f"FAIL {name}: unexpected error")
        sys.exit(1)
    print(f"PASS {name}")
