#!/usr/bin/env python3
"""compose.query: the composition query (overlays/compose/query.moz, run by
scripts/mosaic-compose) on the paper's catalog (Tables 1 and 2).

  * Alice at school (needs mobility): i3 over IP, at her own address;
  * Alice at home (mobility, NAT, reliability): i3 over sr bridged into RON at
    G, public sr::[G, Internal] and private sr::[ron::G, Internal]; the
    authorization writes those as comp.plan facts and records the choice;
  * unsatisfiable: G forbidding sr leaves NAT traversal without an overlay,
    and the answer says so, naming the sites; a requirement no overlay
    provides is named; bad arguments exit 2."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "scripts", "mosaic-compose")
CATALOG = os.path.join(ROOT, "overlays", "compose", "catalog")


def run(args, *argv):
    return subprocess.run([sys.executable, TOOL, "--node", args.node, *argv], capture_output=True, text=True,
                          timeout=120)


def check(cond, message, result=None):
    if not cond:
        detail = f"\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}" if result is not None else ""
        print(f"FAIL: {message}{detail}")
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="compose-query-")

    school = run(args, os.path.join(CATALOG, "alice-school.facts"))
    check(school.returncode == 0, "alice-school has a composition", school)
    check("1 composition" in school.stdout and "1. i3 over IP" in school.stdout, "at school: i3 over IP", school)

    home = run(args, os.path.join(CATALOG, "alice-home.facts"))
    check(home.returncode == 0, "alice-home has a composition", home)
    check("1 composition" in home.stdout and "1. i3 over sr, bridged into ron at the edge" in home.stdout,
          "at home: i3 over sr, bridged into RON", home)
    check("i3: sr::[Edge, Server]" in home.stdout and "i3: sr::[ron::Edge, Server]" in home.stdout,
          "at home: the public and private address forms", home)

    sites = os.path.join(tmp, "sites.json")
    with open(sites, "w") as f:
        json.dump({"Alice-Home": "198.18.100.2:7100", "Bob": "198.18.0.2:7000", "G": "198.18.0.3:7000"}, f)
    facts, record = os.path.join(tmp, "plan.facts"), os.path.join(tmp, "record.jsonl")
    auth = run(args, os.path.join(CATALOG, "alice-home.facts"), "--authorize", "1", "--as", "home",
               "--deploy", sites, "--facts-out", facts, "--record", record)
    check(auth.returncode == 0, "the authorization succeeds", auth)
    plan = open(facts).read()
    expected = [
        'comp.plan("home", "198.18.100.2:7100", sr::["198.18.0.3:7000", "198.18.100.2:7100"], '
        'sr::[ron::"198.18.0.3:7000", "198.18.100.2:7100"]).',
        'comp.plan("home", "198.18.0.2:7000", "198.18.0.2:7000", ron::"198.18.0.2:7000").',
        'comp.planGateway("home", "198.18.100.2:7100", "ron", "198.18.0.3:7000").',
    ]
    check(plan.splitlines() == expected, f"the activation facts:\n{plan}")
    rec = [json.loads(line) for line in open(record)]
    check(len(rec) == 1 and rec[0]["name"] == "home" and rec[0]["composition"][:3] == ["i3", "sr", "ron"],
          f"the recorded authorization: {rec}")

    no_sr = os.path.join(tmp, "no-sr.facts")
    with open(no_sr, "w") as f:
        f.write(open(os.path.join(CATALOG, "paper.facts")).read()
                .replace('site.policy("G", "sr", true)', 'site.policy("G", "sr", false)'))
    r = run(args, "--catalog", no_sr, os.path.join(CATALOG, "alice-home.facts"))
    check(r.returncode == 1, "G forbidding sr leaves no composition", r)
    check("requirement 'nat' (gateway scope): i3 is not allowed at G; sr is not allowed at G" in r.stdout,
          "the answer names the failing requirement and the constraints", r)

    multicast = os.path.join(tmp, "multicast.facts")
    with open(multicast, "w") as f:
        f.write('app.ends("feed", "Bob", "Alice-School"). app.edge("feed", "Alice-School").\n'
                'app.need("feed", "mobility"). app.need("feed", "multicast").\n')
    r = run(args, multicast)
    check(r.returncode == 1 and "requirement 'multicast': the catalog says nothing about where it must hold"
          in r.stdout, "an unknown requirement is named", r)

    bad = run(args, os.path.join(CATALOG, "alice-home.facts"), "--authorize", "1")
    check(bad.returncode == 2 and "--authorize needs --as NAME" in bad.stderr, "usage error exits 2", bad)
    bad = run(args, os.path.join(tmp, "missing.facts"))
    check(bad.returncode == 2 and "no such file" in bad.stderr, "a missing file exits 2", bad)
    print("PASS compose.query: school -> i3 over IP; home -> i3 over sr bridged into RON; "
          "failures explained")


if __name__ == "__main__":
    main()
