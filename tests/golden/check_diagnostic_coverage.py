#!/usr/bin/env python3
"""Every diagnostic mozc can print has a golden test.

Reads each diags.error/warning/note(...) call in mozc/'s C++ sources, takes the
longest string literal of its message (the fixed part of the text), and
requires it in some tests/golden/**/*.expected file, or in a test script that
checks mozc's output for it (tests/**/*.py, tests/unit/*.cpp: diagnostics about
C++ files and command lines that a golden case cannot set up). A diagnostic
no test can reach (the compiler's own failures) is listed in UNREACHABLE with
the reason. Exit 0 when every diagnostic is
covered, 1 otherwise (listing the uncovered ones with file:line).
"""
import argparse
import glob
import os
import re
import sys

# Fixed message text -> why no golden input reaches it, and where it is tested instead.
UNREACHABLE = {
    "cannot format the generated C++: ": "clang::format failing on mozc's own output is a compiler bug, not an input",
}

CALL = re.compile(r"\bdiags_?\.(error|warning|note)\(")
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unescape(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def call_text(source, start):
    """The argument text of the call whose '(' ends at `start`, up to its matching ')'."""
    depth, i = 1, start
    while depth and i < len(source):
        c = source[i]
        if c == '"':
            i += 1
            while source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    return source[start:i - 1]


def diagnostics(root):
    """[(path, line, kind, fixed text)] of every diagnostic call under mozc/."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, "mozc", "**", "*.cpp"), recursive=True)):
        with open(path) as f:
            source = f.read()
        for m in CALL.finditer(source):
            literals = LITERAL.findall(call_text(source, m.end()))
            if literals:
                out.append((os.path.relpath(path, root), source.count("\n", 0, m.start()) + 1, m.group(1),
                            unescape(max(literals, key=len))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    args = ap.parse_args()
    expected = ""
    tests = os.path.join(args.root, "tests")
    for pattern in (os.path.join("golden", "**", "*.expected"), os.path.join("**", "*.py"),
                    os.path.join("unit", "*.cpp")):
        for path in glob.glob(os.path.join(tests, pattern), recursive=True):
            if os.path.abspath(path) == os.path.abspath(__file__):
                continue
            with open(path, errors="replace") as f:
                expected += f.read()
    found = diagnostics(args.root)
    uncovered = [d for d in found if d[3] not in expected and d[3] not in UNREACHABLE]
    stale = [text for text in UNREACHABLE if not any(d[3] == text for d in found)]
    for path, line, kind, text in uncovered:
        print(f"{path}:{line}: {kind} without a golden test: {text!r}")
    for text in stale:
        print(f"UNREACHABLE lists {text!r}, which mozc no longer prints")
    print(f"{len(found)} diagnostics, {len(found) - len(uncovered)} covered by goldens or listed as unreachable")
    return 1 if uncovered or stale else 0


if __name__ == "__main__":
    sys.exit(main())
