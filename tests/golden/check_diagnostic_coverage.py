#!/usr/bin/env python3
"""Every diagnostic mozc declares is reported by some test.

The ids come from mozc/diag/diagnostic_kinds.def; each must be declared once
with MOZC_DIAGNOSTIC in mozc/'s sources. The tests that check diagnostics (the
goldens, the unit tests, the scripts about C++ headers and command lines) run
with MOZC_DIAGNOSTIC_LOG set and leave the ids they saw reported in --logs
(*.ids, one id a line; see tests/CMakeLists.txt). A diagnostic no test can
reach (the compiler's own failures) is listed in UNREACHABLE with the reason.
Exit 0 when every id is reported or listed, 1 otherwise, naming each missing
id with where it is declared.
"""
import argparse
import glob
import os
import re
import sys

# Id -> why no test input reaches it.
UNREACHABLE = {
    "CannotFormatGeneratedCpp": "clang::format failing on mozc's own output is a compiler bug, not an input",
}

KIND = re.compile(r"^MOZC_DIAGNOSTIC_KIND\((\w+)\)", re.M)
DECLARATION = re.compile(r"\bMOZC_DIAGNOSTIC\((\w+),\s*(\w+),")


def declarations(root):
    """{id: [(path, line)]} of every MOZC_DIAGNOSTIC in mozc/."""
    out = {}
    for path in sorted(glob.glob(os.path.join(root, "mozc", "**", "*.[ch]pp"), recursive=True)):
        with open(path) as f:
            source = f.read()
        for m in DECLARATION.finditer(source):
            if "//" in source[source.rfind("\n", 0, m.start()) + 1:m.start()]:
                continue  # an example in a comment
            line = source.count("\n", 0, m.start()) + 1
            out.setdefault(m.group(1), []).append((os.path.relpath(path, root), line))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--logs", required=True, help="folder of the tests' *.ids logs")
    args = ap.parse_args()
    with open(os.path.join(args.root, "mozc", "diag", "diagnostic_kinds.def")) as f:
        ids = KIND.findall(f.read())
    declared = declarations(args.root)
    logs = glob.glob(os.path.join(args.logs, "*.ids"))
    reported = set()
    for path in logs:
        with open(path) as f:
            reported.update(f.read().split())

    problems = []
    for i in ids:
        places = declared.get(i, [])
        if len(places) != 1:
            problems.append(f"{i} is declared {len(places)} times (want once): {places}")
    for i in ids:
        if i not in reported and i not in UNREACHABLE:
            path, line = declared.get(i, [("mozc/diag/diagnostic_kinds.def", 0)])[0]
            problems.append(f"{path}:{line}: {i}: no test reports this diagnostic")
    for i, why in UNREACHABLE.items():
        if i not in ids:
            problems.append(f"UNREACHABLE lists {i}, which mozc no longer declares")
        elif i in reported:
            problems.append(f"UNREACHABLE lists {i} ({why}), but a test reports it")
    for p in problems:
        print(p)
    print(f"{len(ids)} diagnostics, {len(set(ids) & reported)} reported by tests "
          f"({len(logs)} logs), {len(UNREACHABLE)} unreachable")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
