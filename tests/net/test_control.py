#!/usr/bin/env python3
"""The control endpoint (--control) of running nodes, on tables.moz.

Two nodes A and B run with `--control 0`; the test reads each port from the
node's --control-file and talks JSON lines over TCP on 127.0.0.1:

* facts inserted through A's endpoint derive the aggregates computed here,
  a replaced key included; dumps through the endpoint hold exactly the rows,
  in exactly the encoding, of the node's own --dump file;
* a located fact inserted at A travels to B, where a watch on B sees it arrive
  (and then stays silent while nothing changes);
* several clients at once, pipelined requests answered in order;
* malformed JSON, unknown ops, bad fields, unknown tables, facts with syntax or
  type errors, bytes that are not UTF-8 and a line over 1 MiB each get an error
  reply (the oversized line then a close), are counted, and insert nothing;
* a client that never reads its replies is dropped while others are answered;
* the endpoint listens on 127.0.0.1 only;
* scripts/mosaic-ctl: each command, and its exit statuses.
Every wait is bounded; nothing sleeps and hopes.
"""

import json
import os
import socket
import subprocess
import sys
import time

import harness
from control import ControlClosed, ControlTimeout
from harness import Cluster, TestFailure, expect_rows, mozlog_string, parse_args, run, wait_until

WAIT_S = 60
MOSAIC_CTL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "mosaic-ctl")
MAX_LINE = 1 << 20


def rows_of(reply, table="t"):
    """The rows of a dump reply as a set of normalized tuples (harness.table_rows)."""
    return harness.table_rows({table: reply["rows"]}, table)


def dump_rows(ctl, table):
    return rows_of(ctl.check({"op": "dump", "table": table}), table)


def wait_control_rows(ctl, table, expected, what):
    def check():
        rows = dump_rows(ctl, table)
        return rows == set(expected), harness.describe_diff(expected, rows, table)
    wait_until(check, WAIT_S, what)


def control_stats(ctl):
    return ctl.check({"op": "stats"})["stats"]


# ------------------------------------------------------------------ checks

def check_insert_and_dump(a, ca):
    """Inserted facts derive aggregates; endpoint dumps equal the --dump file's rows."""
    scores = [("ann", "red", 3), ("bob", "red", 5), ("cat", "blue", 2)]
    facts = " ".join(f"score({mozlog_string(n)}, {mozlog_string(t)}, {p})." for n, t, p in scores)
    reply = ca.check({"op": "insert", "facts": facts, "id": "s1"})
    if reply != {"ok": True, "id": "s1", "inserted": 3}:
        raise TestFailure(f"insert reply: {reply}")
    wait_control_rows(ca, "teamSum", {("red", 8), ("blue", 2)}, "teamSum from inserted scores")
    # Key replacement, exactly as with --facts: ann moves to blue with 10 points.
    ca.check({"op": "insert", "facts": 'score("ann", "blue", 10).'})
    wait_control_rows(ca, "teamSum", {("red", 5), ("blue", 12)}, "teamSum after ann's score was replaced")
    wait_control_rows(ca, "teamCount", {("red", 1), ("blue", 2)}, "teamCount")
    wait_control_rows(ca, "teamMax", {("red", 5), ("blue", 10)}, "teamMax")

    # The same rows, in the same encoding, as the node's own dump file.
    file_dump = a.dump()
    everything = ca.check({"op": "dump"})["tables"]
    for table in ("score", "teamSum", "teamCount", "teamMax", "cfg", "note"):
        one = ca.check({"op": "dump", "table": table})
        if not (one["rows"] == everything[table] == file_dump[table]):
            raise TestFailure(f"{table}: endpoint rows {one['rows']}, all-tables dump {everything[table]}, "
                              f"--dump file {file_dump[table]}")
        if one["table"] != table:
            raise TestFailure(f"dump reply names table {one['table']!r}, not {table!r}")
    if set(everything) != set(file_dump):
        raise TestFailure(f"tables in the endpoint dump {sorted(everything)} != dump file {sorted(file_dump)}")


def check_located_fact_and_watch(a, b, ca):
    """A note for B inserted at A reaches B; a watch on B sees noteCount change."""
    with b.connect(timeout=WAIT_S) as watcher:
        first = watcher.check({"op": "watch", "table": "noteCount", "interval": 0.1, "id": 7})
        if first.get("id") != 7 or first.get("table") != "noteCount" or first["rows"] != []:
            raise TestFailure(f"first watch line: {first}")
        reply = ca.check({"op": "insert", "facts": f"note({mozlog_string(b.addr)}, \"hello\").\n"
                                                  f"note({mozlog_string(b.addr)}, \"world\")."})
        if reply["inserted"] != 2:
            raise TestFailure(f"insert reply: {reply}")
        deadline = time.monotonic() + WAIT_S
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure(f"the watch on B's noteCount never showed 2 notes; lines seen: {seen}")
            try:
                line = watcher.read_reply(timeout=left)
            except ControlTimeout:
                continue
            seen.append(line)
            if not line.get("ok") or line.get("id") != 7:
                raise TestFailure(f"bad watch line: {line}")
            if rows_of(line) == {(b.addr, 2)}:
                break
        # Nothing changes now: the watch stays quiet (each line differs from the last).
        rows = [json.dumps(l["rows"]) for l in [first] + seen]
        if any(x == y for x, y in zip(rows, rows[1:])):
            raise TestFailure(f"the watch repeated unchanged rows: {rows}")
        try:
            extra = watcher.read_line(timeout=0.6)
            raise TestFailure(f"the watch sent a line although noteCount did not change: {extra!r}")
        except ControlTimeout:
            pass
    with b.connect(timeout=WAIT_S) as cb:
        expect_rows({(b.addr, "hello"), (b.addr, "world")}, dump_rows(cb, "note"), "note on B")
    expect_rows(set(), dump_rows(ca, "note"), "note on A (located at B)")


def check_many_clients(a):
    """Several connections at once, each with pipelined requests, all answered in order."""
    conns = [a.connect(timeout=WAIT_S) for _ in range(6)]
    try:
        for i, c in enumerate(conns):
            c.send_line(json.dumps({"op": "insert", "facts": f'cfg("client{i}", {i}).', "id": i}))
            c.send_line(json.dumps({"op": "stats", "id": f"s{i}"}))
            c.send_line(json.dumps({"op": "dump", "table": "teamSum", "id": [i]}))
        for i, c in enumerate(conns):
            r1, r2, r3 = c.read_reply(), c.read_reply(), c.read_reply()
            if r1 != {"ok": True, "id": i, "inserted": 1} or r2.get("id") != f"s{i}" or not r2.get("ok") \
                    or r3.get("id") != [i] or rows_of(r3) != {("red", 5), ("blue", 12)}:
                raise TestFailure(f"client {i} got {r1}, {r2}, {r3}")
        if control_stats(conns[0])["control"]["clients"] < len(conns):
            raise TestFailure("stats count fewer connected clients than are open")
    finally:
        for c in conns:
            c.close()
    with a.connect(timeout=WAIT_S) as c:
        wait_control_rows(c, "cfg", {(f"client{i}", i) for i in range(6)}, "cfg rows from six clients")


def check_bad_requests(a):
    """Every bad request gets an error reply and changes nothing; the node stays up."""
    with a.connect(timeout=WAIT_S) as c:
        before = control_stats(c)["control"]
        bad = [
            (b"this is not json", "malformed JSON"),
            (b'{"op":"stats"', "malformed JSON"),
            (b'["op","stats"]', "JSON object"),
            (b'{"op":"\xff\xfe"}', "malformed JSON"),  # not UTF-8
            (b'{}', '"op"'),
            (b'{"op":42}', '"op"'),
            (b'{"op":"drop_tables"}', "unknown op"),
            (b'{"op":"dump","table":"nosuch"}', 'no table "nosuch"'),
            (b'{"op":"dump","table":1}', '"table" must be a string'),
            (b'{"op":"dump","tabel":"cfg"}', "unknown field"),
            (b'{"op":"insert"}', '"facts"'),
            (b'{"op":"insert","facts":"cfg(\\"bad1\\", 1). cfg(\\"bad2\\", "}', "1:29: expected a value"),
            (b'{"op":"insert","facts":"cfg(\\"bad3\\", 1) cfg(\\"bad4\\", 2)."}', "1:16: expected '.'"),
            (b'{"op":"watch","table":"cfg","interval":"fast"}', "interval"),
            (b'{"op":"watch"}', '"table"'),
        ]
        for line, needle in bad:
            c.send_line(line)
            reply = c.read_reply()
            if reply.get("ok") is not False or needle not in reply.get("error", ""):
                raise TestFailure(f"request {line!r}: expected an error mentioning {needle!r}, got {reply}")
        # Rejected by the program (wrong type) after one good fact: the reply says one went in.
        reply = c.request({"op": "insert", "facts": 'cfg("good", 1).\ncfg(2, "two").'})
        if reply != {"ok": False, "error": "2:1: field 1 must be string, not 2; expected cfg(string, int)", "inserted": 1}:
            raise TestFailure(f"type error reply: {reply}")
        after = control_stats(c)["control"]
        if after["errors"] - before["errors"] != len(bad) + 1:
            raise TestFailure(f"errors counted {after['errors'] - before['errors']}, expected {len(bad) + 1}")
        wait_control_rows(c, "cfg", {("good", 1)} | {(f"client{i}", i) for i in range(6)},
                          "cfg: only the good fact of the bad requests")

    # A line over 1 MiB: an error reply, then the node closes the connection.
    with a.connect(timeout=WAIT_S) as big:
        big.sock.sendall(b"x" * (MAX_LINE + 100) + b"\n")
        reply = big.read_reply()
        if reply.get("ok") is not False or "longer than" not in reply.get("error", ""):
            raise TestFailure(f"oversized line: expected an error reply, got {reply}")
        try:
            extra = big.read_line()
            raise TestFailure(f"the connection stayed open after an oversized line: {extra[:100]!r}")
        except ControlClosed:
            pass
    # A line of exactly 1 MiB is still read (and is, here, malformed JSON).
    with a.connect(timeout=WAIT_S) as edge:
        edge.send_line(b" " * (MAX_LINE - 2) + b"{]")
        reply = edge.read_reply()
        if reply.get("ok") is not False or "malformed JSON" not in reply.get("error", ""):
            raise TestFailure(f"a 1 MiB line: {reply}")
        control_stats(edge)  # the connection is still good
    a.check_alive()


def check_stuck_client(a):
    """A client that never reads is dropped; meanwhile everyone else is answered."""
    with a.connect(timeout=WAIT_S) as c:
        facts = "".join(f'cfg("bulk{i:05d}", {i}).\n' for i in range(5000))
        if c.check({"op": "insert", "facts": facts})["inserted"] != 5000:
            raise TestFailure("bulk insert")
        wait_until(lambda: len(dump_rows(c, "cfg")) >= 5000, WAIT_S, "5000 bulk cfg rows")
        dropped_before = control_stats(c)["control"]["dropped_clients"]

        stuck = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
        stuck.settimeout(WAIT_S)
        try:
            stuck.connect((harness.LOOPBACK, a.control_port()))
            # ~100 KB per reply; 400 replies are far beyond the 4 MiB the node keeps for a client.
            stuck.sendall(b'{"op":"dump","table":"cfg"}\n' * 400)
            t0 = time.monotonic()
            # Others are answered promptly all along, and the stuck client is dropped.
            wait_until(lambda: (control_stats(c)["control"]["dropped_clients"] > dropped_before,
                                f"dropped_clients {control_stats(c)['control']}"),
                       WAIT_S, "the node to drop a client that never reads")
            start = time.monotonic()
            c.check({"op": "insert", "facts": 'cfg("after_stuck", 1).'})
            if time.monotonic() - start > 5:
                raise TestFailure("a request took over 5 s while a stuck client was connected")
            print(f"stuck client dropped after {time.monotonic() - t0:.2f} s")
        finally:
            stuck.close()
        a.check_alive()


def check_loopback_only(a):
    port = a.control_port()
    listening = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state = fields[1], fields[3]
                    host, hex_port = local.rsplit(":", 1)
                    if int(hex_port, 16) == port and state == "0A":  # LISTEN
                        listening.add(host)
        except FileNotFoundError:
            pass
    if listening and listening != {"0100007F"}:  # 127.0.0.1, little-endian hex
        raise TestFailure(f"control port {port} listens on {sorted(listening)}, not only 127.0.0.1")
    try:
        socket.create_connection(("127.0.0.2", port), timeout=5).close()
        raise TestFailure(f"control port {port} accepted a connection on 127.0.0.2")
    except OSError:
        pass


def check_mosaic_ctl(a, b):
    def ctl(*args, stdin=None):
        p = subprocess.run([sys.executable, MOSAIC_CTL, *args], input=stdin, capture_output=True, text=True,
                           timeout=WAIT_S)
        return p.returncode, p.stdout, p.stderr

    port = str(a.control_port())
    code, out, err = ctl(port, "insert", 'score("dan", "green", 4).')
    if code != 0 or out.strip() != "inserted 1":
        raise TestFailure(f"mosaic-ctl insert: {code} {out!r} {err!r}")
    code, out, err = ctl(a.control_path, "insert", "-", stdin='score("eli", "green", 6).\n')  # port file, stdin
    if code != 0 or out.strip() != "inserted 1":
        raise TestFailure(f"mosaic-ctl insert -: {code} {out!r} {err!r}")

    def green():
        code, out, err = ctl(port, "dump", "teamSum")
        rows = [json.loads(line) for line in out.splitlines()]
        return code == 0 and ["green", 10] in rows, f"{code} {out!r} {err!r}"
    wait_until(green, WAIT_S, "mosaic-ctl dump teamSum to show green 10")
    code, out, err = ctl(port, "dump")
    if code != 0 or json.loads(out)["teamMax"] != a.dump()["teamMax"]:
        raise TestFailure(f"mosaic-ctl dump: {code} {out!r} {err!r}")
    code, out, err = ctl(port, "stats")
    if code != 0 or json.loads(out)["addr"] != a.addr:
        raise TestFailure(f"mosaic-ctl stats: {code} {out!r} {err!r}")
    code, out, err = ctl(port, "block", b.addr)
    if code != 0 or out.strip() != f"blocked: {b.addr}":
        raise TestFailure(f"mosaic-ctl block: {code} {out!r} {err!r}")
    code, out, err = ctl(port, "unblock")
    if code != 0 or out.strip() != "blocked: none":
        raise TestFailure(f"mosaic-ctl unblock: {code} {out!r} {err!r}")
    code, out, err = ctl(port, "block", "nowhere")
    if code != 1 or "IP:PORT" not in err:
        raise TestFailure(f"mosaic-ctl block nowhere: expected status 1, got {code} {out!r} {err!r}")
    code, out, err = ctl(str(b.control_port()), "watch", "noteCount", "--interval", "0.05", "--count", "1")
    if code != 0 or json.loads(out) != [[b.addr, 2]]:
        raise TestFailure(f"mosaic-ctl watch: {code} {out!r} {err!r}")
    code, out, err = ctl(port, "dump", "nosuch")
    if code != 1 or "no table" not in err:
        raise TestFailure(f"mosaic-ctl dump nosuch: expected status 1, got {code} {out!r} {err!r}")
    code, out, err = ctl(port, "insert", "cfg(")
    if code != 1 or "1:5:" not in err:
        raise TestFailure(f"mosaic-ctl insert with a syntax error: {code} {out!r} {err!r}")
    code, out, err = ctl(port, "frobnicate")
    if code != 2 or "usage:" not in err:
        raise TestFailure(f"mosaic-ctl usage error: {code} {out!r} {err!r}")
    closed = harness.free_ports(1)[0]  # a UDP port number; almost surely no TCP listener either
    code, out, err = ctl(str(closed), "stats")
    if code != 3 or "cannot connect" not in err:
        raise TestFailure(f"mosaic-ctl with nothing listening: {code} {out!r} {err!r}")


def test(args):
    with Cluster(args.node, "control", keep=args.keep) as c:
        a, b = c.nodes(2, control=True)
        c.start_all()
        with a.connect(timeout=WAIT_S) as ca:
            check_insert_and_dump(a, ca)
            check_located_fact_and_watch(a, b, ca)
        check_many_clients(a)
        check_bad_requests(a)
        check_stuck_client(a)
        check_loopback_only(a)
        check_mosaic_ctl(a, b)
        for n in (a, b):
            stats = n.stats()  # the --stats file carries the endpoint's counters too
            if stats["control"]["port"] != n.control_port():
                raise TestFailure(f"{n}: stats control port {stats['control']} != {n.control_port()}")
        errors = a.stats()["control"]["errors"]
        if errors < 17:
            raise TestFailure(f"A counted {errors} control errors, expected at least 17")
        print(f"A: {a.stats()['control']}")


if __name__ == "__main__":
    args = parse_args(__doc__, seeded=False)
    run(test, args)
