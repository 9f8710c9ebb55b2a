#!/usr/bin/env python3
"""The overlay walk-throughs of docs/language.md, run as the page says.

Why: a walk-through whose commands no longer work, or whose stated outcome no
longer holds, misleads every reader who tries it. This test takes from the
page itself a walk-through's program (a ```mozlog block whose first line is
`// NAME.moz`; sketches of commands for unmarked programs are not run) and its commands (the ```sh blocks that compile it with
`mozc NAME.moz -o BIN` and run `./BIN --addr ... --facts ...`, including later
blocks that run `./BIN` nodes again). It runs the commands that write files
and compile -- with `mozc` this build's compiler and $MOSAIC the source tree
-- in a fresh directory, then, block by block, starts the nodes the block
starts, with their facts files, through the harness: every address
127.0.0.1:9NNN of the page is replaced by a free port, and instead of the
page's `sleep` and `--run-for` the test waits, with bounds, for the outcome
the page states:

* hello, first block (addresses built in rules): b holds hello rows from c
  sent to fwd::0x50I and to sr::[a, fwd::0x50I]; no other node holds any, and
  a's counters show it relayed the source routes (sr.send received);
* hello, second block (bridging): b holds hello rows from the non-member n
  sent to sr::[a, fwd::0x50I], none sent to fwd::0x50I; no other node holds any;
* layers (layering): carol holds note rows from alice; alice and bob hold
  none; bob's counters show the packets passing through as fwd.recv.
"""

import argparse
import os
import re
import subprocess
import tempfile

from harness import Cluster, TestFailure, free_ports, run, wait_until

WAIT_S = 60
MIN_ROWS = 3
DOC_ADDR = re.compile(r"127\.0\.0\.1:(9\d{3})")
NODE_LINE = re.compile(r"^\./(\w+) --addr (\S+) (.*?)\s*&?\s*$")
SKIPPED = re.compile(r"^(sleep |wait\b|python3 )")  # timing and inspection: the test's own checks replace them


class Walkthrough:
    def __init__(self, binary, program_name):
        self.binary = binary
        self.program_name = program_name
        self.setup = []  # shell lines that write files and compile, in page order
        self.runs = []   # per sh block: [(page address, facts file)], in page order


def parse_page(text):
    """{program file name: source} and [Walkthrough] from the page's blocks."""
    programs, walkthroughs, by_binary = {}, [], {}
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", text, re.S):
        if lang == "mozlog":
            first = body.split("\n", 1)[0].strip()
            if re.fullmatch(r"// [\w.-]+\.moz", first):
                programs[first[3:]] = body
            continue
        if lang != "sh":
            continue
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        compiles = [re.match(r"^mozc (\S+\.moz) -o (\w+)$", line) for line in lines]
        compiles = [m for m in compiles if m]
        started = [NODE_LINE.match(line) for line in lines]
        started = [m for m in started if m]
        if compiles and compiles[0].group(1) in programs:  # only walk-throughs whose program is marked
            w = Walkthrough(compiles[0].group(2), compiles[0].group(1))
            walkthroughs.append(w)
            by_binary[w.binary] = w
        elif started and started[0].group(1) in by_binary:
            w = by_binary[started[0].group(1)]  # a later block starting more nodes of the same program
        else:
            continue
        nodes = []
        for line in lines:
            node = NODE_LINE.match(line)
            if node:
                facts = re.search(r"--facts (\S+)", node.group(3))
                nodes.append((node.group(2), facts.group(1) if facts else None))
            elif not SKIPPED.match(line):
                w.setup.append(line)
        w.runs.append(nodes)
    return programs, walkthroughs


def prepare(w, programs, mozc, source, workdir):
    """Writes the program, runs the page's setup lines (ports replaced); returns
    the binary and, per run, {page address: (port, facts text)}."""
    page_addrs = [a for nodes in w.runs for a, _ in nodes]
    page_ports = sorted({int(p) for line in w.setup + page_addrs for p in DOC_ADDR.findall(line)})
    ports = dict(zip(page_ports, free_ports(len(page_ports))))

    def local(text):
        return DOC_ADDR.sub(lambda m: f"127.0.0.1:{ports[int(m.group(1))]}", text)

    with open(os.path.join(workdir, w.program_name), "w") as f:
        f.write(programs[w.program_name])
    script = "set -e\nmozc() { \"$MOZC\" \"$@\"; }\n" + "\n".join(local(line) for line in w.setup) + "\n"
    env = dict(os.environ, MOZC=mozc, MOSAIC=source)
    p = subprocess.run(["bash", "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise TestFailure(f"the page's commands for {w.binary} failed:\n{script}\n{p.stdout}{p.stderr}")
    runs = []
    for nodes in w.runs:
        run_nodes = {}
        for page_addr, facts in nodes:
            text = open(os.path.join(workdir, facts)).read() if facts else ""
            run_nodes[page_addr] = (int(local(page_addr).rsplit(":", 1)[1]), text)
        runs.append(run_nodes)
    return os.path.join(workdir, w.binary), runs


def fwd_members_know_each_other(nodes, what):
    def check():
        counts = {n: len(n.rows("fwd.node")) for n in nodes}
        return all(c >= len(nodes) for c in counts.values()), f"fwd.node rows: {counts}"
    wait_until(check, WAIT_S, what)


def received(node, pred):
    return node.stats()["messages"].get(pred, {}).get("received", 0)


def page_nodes(nodes, *ports):
    return [nodes[f"127.0.0.1:{p}"] for p in ports]


def hellos_only_at(b, others, want):
    """Waits until b holds at least MIN_ROWS hello rows for each (From, To) of
    want, and fails at once on a hello row anywhere else or for another pair."""
    def placed():
        for other in others:
            if other.rows("hello"):
                raise TestFailure(f"{other} holds hello rows, which all belong at b: {sorted(other.rows('hello'))[:5]}")
        counts = {}
        for frm, to, _seq in b.rows("hello"):
            if (frm, to) not in want:
                raise TestFailure(f"b holds a hello from {frm} sent to {to}, which the page does not expect")
            counts[(frm, to)] = counts.get((frm, to), 0) + 1
        return all(counts.get(k, 0) >= MIN_ROWS for k in want), f"hello rows at b: {counts}"
    wait_until(placed, WAIT_S, f"hello rows at b for {sorted(want)}")


def start_gateway_and_owner(nodes):
    """Members a and b, started first; the page's `sleep 2` lets them learn of each other."""
    a, b = page_nodes(nodes, 9101, 9102)
    a.start()
    b.start()
    fwd_members_know_each_other([a, b], "a and b to know each other (the page's `sleep 2`)")
    return a, b


def check_hello_rules(nodes):
    a, b = start_gateway_and_owner(nodes)
    (c,) = page_nodes(nodes, 9103)
    c.start()
    hellos_only_at(b, [a, c], {(c.addr, "fwd::0x50I"), (c.addr, f'sr::["{a.addr}", fwd::0x50I]')})
    if received(a, "sr.send") < MIN_ROWS:
        raise TestFailure(f"a's counters do not show it relaying the source routes: {a.stats()['messages']}")


def check_hello_bridge(nodes):
    a, b = start_gateway_and_owner(nodes)
    (n,) = page_nodes(nodes, 9104)
    n.start()
    hellos_only_at(b, [a, n], {(n.addr, f'sr::["{a.addr}", fwd::0x50I]')})


def check_layers(nodes):
    alice, bob, carol = page_nodes(nodes, 9201, 9202, 9203)
    for node in (bob, carol, alice):
        node.start()

    def arrived():
        for other in (alice, bob):
            if other.rows("note"):
                raise TestFailure(f"{other} holds notes, which all belong at carol: {sorted(other.rows('note'))[:5]}")
        notes = {seq for frm, seq in carol.rows("note") if frm == alice.addr}
        return len(notes) >= MIN_ROWS, f"{len(notes)} notes from alice at carol"
    wait_until(arrived, WAIT_S, "alice's notes at carol, through up over sr over fwd")
    notes = len(carol.rows("note"))
    if received(bob, "fwd.recv") < notes:
        raise TestFailure(f"carol holds {notes} notes but bob received only {received(bob, 'fwd.recv')} "
                          f"fwd.recv messages: {bob.stats()['messages']}")


CHECKS = {"hello": [check_hello_rules, check_hello_bridge], "layers": [check_layers]}  # per sh block


def main(args):
    programs, walkthroughs = parse_page(open(args.page).read())
    found = {w.binary: len(w.runs) for w in walkthroughs}
    if found != {name: len(checks) for name, checks in CHECKS.items()}:
        raise TestFailure(f"the page's walk-throughs (and their blocks of nodes) are {found}; this test checks "
                          f"{ {name: len(checks) for name, checks in CHECKS.items()} }")
    for w in walkthroughs:
        with tempfile.TemporaryDirectory(prefix=f"mosaic-walkthrough-{w.binary}-") as workdir:
            print(f"{w.binary}: compiling {w.program_name} as the page does", flush=True)
            binary, runs = prepare(w, programs, os.path.abspath(args.mozc), os.path.abspath(args.source), workdir)
            for i, (nodes, check) in enumerate(zip(runs, CHECKS[w.binary]), start=1):
                with Cluster(binary, f"walkthrough-{w.binary}-{i}", keep=args.keep) as c:
                    check({addr: c.node(facts=facts, port=port) for addr, (port, facts) in nodes.items()})
                print(f"{w.binary}, block {i}: {len(nodes)} nodes, the page's outcome holds", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mozc", required=True, help="the compiler the page's `mozc` stands for")
    ap.add_argument("--page", required=True, help="docs/language.md")
    ap.add_argument("--source", required=True, help="the source tree, the page's $MOSAIC")
    ap.add_argument("--keep", action="store_true", help="keep node files (facts, dumps, logs)")
    parsed = ap.parse_args()
    parsed.seed = None
    run(main, parsed)
