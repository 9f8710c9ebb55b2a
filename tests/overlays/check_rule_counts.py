#!/usr/bin/env python3
"""Prints each overlay's rule count and checks it against its budget.

The budgets are the paper's (§7: Chord 35, i3 16, RON 11) and the issue's for
fwd (6); the tunnels' and SOCKS' are their own (the tun rule, and i3_tun's trigger rule). A rule is counted per ':-' in the overlay's own source, comments
removed (views' rules included, other modules it includes not). Each overlay
must also be accepted by mozc --check, so a count is never of a broken file.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUDGETS = {  # overlay source -> most rules allowed
    "overlays/chord/chord.moz": 35,
    "overlays/fwd/fwd.moz": 6,
    "overlays/i3/i3.moz": 16,
    "overlays/i3/sampling.moz": 2,  # the paper's s1-s2 (§4.5.2)
    "overlays/ron/ron.moz": 11,
    "stdlib/sr.moz": 6,
    "stdlib/tun.moz": 1,                   # the address mapping's rule: MozTun, and tun over RON
    "overlays/moztun/moztun.moz": 0,       # MozTun is stdlib/tun.moz and nothing else
    "overlays/moztun/ron_tun.moz": 0,      # RON and stdlib/tun.moz
    "overlays/moztun/i3_tun.moz": 2,       # the paper's i3_tun, and the rule keeping this node's trigger
    # SOCKS (paper §7.1.2: 18 rules): accept and handshake, shared; one hop
    # adds connect and relay (16 in all); two hops add the exit's views and
    # the remote relay (20 in all).
    "overlays/socks/socks_handshake.moz": 8,
    "overlays/socks/socks.moz": 10,
    "overlays/socks/socks_two_hop.moz": 12,
    # Composition (paper §6, §7.2): activation at run time, the Alice
    # composition's own rules, and the query over the catalog.
    "overlays/compose/activation.moz": 3,
    "overlays/compose/alice.moz": 5,
    "overlays/compose/query.moz": 15,
}
# The paper's Alice composition is 69 rules in all (§7.2: i3, RON, source
# routing and tunneling); ours, every module its program includes.
ALICE_PROGRAM = ["overlays/chord/chord.moz", "overlays/i3/i3.moz", "overlays/ron/ron.moz", "stdlib/ping.moz",
                 "stdlib/sr.moz", "overlays/compose/activation.moz", "overlays/compose/alice.moz"]
ALICE_BUDGET = 69


def rules_in(path):
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    return text.count(":-")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mozc", required=True)
    args = ap.parse_args()
    failed = False
    for rel, budget in BUDGETS.items():
        path = os.path.join(ROOT, rel)
        check = subprocess.run([args.mozc, path, "--check"], capture_output=True, text=True, timeout=120)
        n = rules_in(path)
        verdict = "ok" if n <= budget and check.returncode == 0 else "FAIL"
        failed |= verdict != "ok"
        print(f"{rel}: {n} rules (budget {budget}) {verdict}")
        if check.returncode != 0:
            print(check.stderr, file=sys.stderr)
    total = sum(rules_in(os.path.join(ROOT, rel)) for rel in ALICE_PROGRAM)
    verdict = "ok" if total <= ALICE_BUDGET else "FAIL"
    failed |= verdict != "ok"
    print(f"the Alice composition (overlays/compose/alice.moz and all it includes): {total} rules "
          f"(the paper's {ALICE_BUDGET}) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
