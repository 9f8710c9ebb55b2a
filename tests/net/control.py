"""Client for a node's control endpoint (`--control PORT`), for tests.

One JSON object per line each way, over TCP on 127.0.0.1 (see docs/cli.md):

    with Control(port) as c:
        c.request({"op": "insert", "facts": 'p(1).'})   # -> {"ok": True, "inserted": 1}
        c.check({"op": "dump", "table": "p"})["rows"]   # raises ControlError on ok:false

Every wait is bounded: connecting, and each reply, time out with ControlTimeout.

Standard library only.
"""

import json
import socket
import time

LOOPBACK = "127.0.0.1"


class ControlError(Exception):
    """The node answered {"ok": false, "error": ...}; .reply holds the whole reply."""

    def __init__(self, reply):
        super().__init__(reply.get("error", repr(reply)))
        self.reply = reply


class ControlTimeout(Exception):
    """No (complete) reply line arrived in time."""


class ControlClosed(Exception):
    """The node closed the connection."""


class Control:
    """One connection to a node's control endpoint."""

    def __init__(self, port, timeout=10.0, host=LOOPBACK):
        self.port = port
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self._buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def send_line(self, data):
        """Sends raw bytes (or text) followed by a newline."""
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data + b"\n")

    def read_line(self, timeout=None):
        """The next line from the node (bytes, without the newline).

        Raises ControlTimeout if no full line arrives within `timeout` seconds
        (default: the connection's), ControlClosed if the node closed first.
        """
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ControlTimeout(f"no reply line from control port {self.port} within {timeout:g} s")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise ControlClosed(f"control port {self.port} closed the connection"
                                    + (f" (partial line {self._buf[:80]!r})" if self._buf else ""))
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line

    def read_reply(self, timeout=None):
        """The next reply, parsed."""
        return json.loads(self.read_line(timeout))

    def request(self, obj, timeout=None):
        """Sends one request (a dict) and returns its reply (a dict), ok or not."""
        self.send_line(json.dumps(obj))
        return self.read_reply(timeout)

    def check(self, obj, timeout=None):
        """Like request(), but raises ControlError unless the reply is ok."""
        reply = self.request(obj, timeout)
        if not reply.get("ok"):
            raise ControlError(reply)
        return reply
