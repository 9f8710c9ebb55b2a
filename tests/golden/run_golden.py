#!/usr/bin/env python3
"""Golden tests of mozc's output: each tests/golden/<kind>/<name>.moz is compiled
and its output compared with <name>.expected, kept next to it.

  diag/      mozc FILE --check            expect exit 1; stderr (the diagnostics)
  rules/     mozc FILE --emit=rules       expect exit 0; stdout
  (a case may add flags on its first line: // mozc-flags: --cview-opt=inline)
  cpp/       mozc FILE --emit=cpp         expect exit 0; stdout
  plan/      mozc FILE --emit=plan        expect exit 0; stdout
  dataflow/  mozc FILE --emit=dataflow    expect exit 0; stdout
  ast/       mozc FILE --emit=ast         expect exit 0; stdout

Files in diag/ are named fail_*.moz: every one must be rejected. mozc runs in
the case's folder with a relative path, so expected output holds no machine
paths. With --update the expected files are rewritten (read the diff!).

Also checked: every rules/ output is itself a program whose --emit=rules is
the same rules again (the printed form is valid input; provenance comments
aside), --emit=cpp (formatted, also with a --functions header) and
--emit=dataflow are deterministic (same bytes twice), Graphviz renders the
dataflow/ outputs, and a failing compile with -o leaves no output file behind.
diag/ cases about user functions read headers from diag/functions/.
--case PATTERN runs only the matching cases (e.g. --case 'diag/fail_view*').
"""
import argparse
import difflib
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# mozc names stdlib modules by their absolute path (useful to a user, who can
# open it); expected output names the folder <stdlib> so it holds no checkout path.
STDLIB = os.path.realpath(os.path.join(HERE, "..", "..", "stdlib")) + os.sep
KINDS = {
    "diag": (["--check"], 1, "stderr"),
    "rules": (["--emit=rules"], 0, "stdout"),
    "cpp": (["--emit=cpp"], 0, "stdout"),
    "plan": (["--emit=plan"], 0, "stdout"),
    "dataflow": (["--emit=dataflow"], 0, "stdout"),
    "ast": (["--emit=ast"], 0, "stdout"),
}


def run_mozc(mozc, args, cwd):
    p = subprocess.run([mozc] + args, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=60)
    return p.returncode, p.stdout, p.stderr


def case_flags(path):
    """Extra mozc flags a case asks for on its first line: `// mozc-flags: --x --y`."""
    with open(path, errors="replace") as f:
        first = f.readline()
    marker = "// mozc-flags:"
    return first[len(marker):].split() if first.startswith(marker) else []


def check_case(mozc, kind, name, update):
    flags, want_status, stream = KINDS[kind]
    folder = os.path.join(HERE, kind)
    flags = flags + case_flags(os.path.join(folder, name + ".moz"))
    status, out, err = run_mozc(mozc, [name + ".moz"] + flags, folder)
    got = (err if stream == "stderr" else out).replace(STDLIB, "<stdlib>/")
    problems = []
    if status != want_status:
        problems.append(f"exit status {status}, expected {want_status}\nstderr:\n{err}")
    if stream == "stdout" and err:
        problems.append(f"unexpected stderr:\n{err}")
    if kind == "diag" and ": error: " not in got:
        problems.append("no error was reported")
    path = os.path.join(folder, name + ".expected")
    if update:
        with open(path, "w") as f:
            f.write(got)
        return problems
    try:
        with open(path) as f:
            want = f.read()
    except FileNotFoundError:
        return problems + [f"missing {os.path.relpath(path, HERE)} (run with --update, then read it)"]
    if got != want:
        diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                    f"{kind}/{name}.expected", f"{kind}/{name} (actual)")
        problems.append("".join(diff))
    return problems


def check_determinism(mozc):
    """The same program compiled twice gives the same bytes: formatted C++ (also
    with a --functions header, read by Clang) and dataflow dot."""
    functions = os.path.join(HERE, "..", "functions")
    runs = [[os.path.join(HERE, "cpp", "small.moz"), "--emit=cpp"],
            [os.path.join(HERE, "dataflow", "overlay_small.moz"), "--emit=dataflow"],
            [os.path.join(functions, "scoring.moz"), "--functions=" + os.path.join(functions, "scoring.hpp"),
             "--emit=cpp"]]
    problems = []
    for args in runs:
        first = run_mozc(mozc, args, HERE)
        second = run_mozc(mozc, args, HERE)
        if first[0] != 0:
            problems.append(f"mozc {' '.join(args)} failed:\n{first[2]}")
        elif first != second:
            problems.append(f"mozc {' '.join(args)} gave different output for the same input")
    return problems


def check_dataflow_renders(mozc, dot):
    """Graphviz accepts every dataflow/ case's output."""
    problems = []
    folder = os.path.join(HERE, "dataflow")
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".moz")):
        status, out, err = run_mozc(mozc, [name, "--emit=dataflow"], folder)
        p = subprocess.run([dot, "-Tsvg", "-o", os.devnull], input=out, capture_output=True, text=True, timeout=120)
        if status != 0 or p.returncode != 0 or p.stderr:
            problems.append(f"dataflow/{name}: dot does not render it cleanly:\n{err}{p.stderr}")
    return problems


def check_generated_code_compiles(mozc, cxx, includes):
    """Every cpp/ case's output must compile cleanly (-Wall -Wextra -Werror),
    with the folders of its --functions headers as -I, as mozc compiles it."""
    problems = []
    folder = os.path.join(HERE, "cpp")
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".moz")):
        flags = case_flags(os.path.join(folder, name))
        header_dirs = [os.path.dirname(os.path.join(folder, f[len("--functions="):]))
                       for f in flags if f.startswith("--functions=")]
        status, out, err = run_mozc(mozc, [name, "--emit=cpp"] + flags, folder)
        if status != 0:
            problems.append(f"cpp/{name}: mozc failed:\n{err}")
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".cpp") as src:
            src.write(out)
            src.flush()
            cmd = [cxx, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror"] + \
                  [f"-I{d}" for d in includes + header_dirs] + [src.name]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if p.returncode != 0:
                problems.append(f"cpp/{name}: generated code does not compile:\n{p.stderr[:4000]}")
    return problems


NASTY_INPUTS = {
    "empty.moz": b"",
    "only_comments.moz": b"// nothing\n/* at all */\n",
    "binary.moz": bytes(range(256)) * 40,
    "unbalanced.moz": b"r1 p(X :- q(X.\n((((\n[[[\n",
    "deep_parens.moz": b"r1 p(X) :- q(X), X > " + b"(" * 100000 + b"1" + b")" * 100000 + b".\n",
    "deep_unary.moz": b"r1 p(X) :- q(X), X > " + b"-" * 100000 + b"1.\n",
    "huge_numbers.moz": b"p(" + b"9" * 5000 + b", 0x" + b"f" * 5000 + b"I, " + b"1" * 400 + b".5).\n",
    "long_line.moz": b"r1 p(X) :- " + b"q(X), " * 20000 + b"q(X).\nschema q(int).\n",
}


def check_nasty_inputs(mozc):
    """Hostile inputs: mozc must answer with exit 0 or 1, never crash or hang."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in NASTY_INPUTS.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
            try:
                status, _, err = run_mozc(mozc, [name, "--check"], tmp)
            except subprocess.TimeoutExpired:
                problems.append(f"{name}: mozc did not finish within 60 s")
                continue
            if status not in (0, 1):
                problems.append(f"{name}: mozc exited with status {status}\n{err[-2000:]}")
    return problems


PROVENANCE = re.compile(r"^/\* from [^*]* \*/ ", re.M)  # "/* from a1 */ " before a rewritten rule


def check_rules_reparse(mozc):
    """Each rules/ case's --emit=rules output, compiled again, prints the same
    rules: what mozc prints after its rewrites is a program it accepts."""
    problems = []
    folder = os.path.join(HERE, "rules")
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(f for f in os.listdir(folder) if f.endswith(".moz")):
            status, first, err = run_mozc(mozc, [name, "--emit=rules"] + case_flags(os.path.join(folder, name)), folder)
            if status != 0:
                continue  # reported by the case itself
            with open(os.path.join(tmp, name), "w") as f:
                f.write(first)
            status, second, err = run_mozc(mozc, [name, "--emit=rules"], tmp)
            if status != 0:
                problems.append(f"rules/{name}: mozc rejects its own --emit=rules output:\n{err}")
            elif PROVENANCE.sub("", first) != PROVENANCE.sub("", second):
                diff = difflib.unified_diff(first.splitlines(True), second.splitlines(True),
                                            f"rules/{name} (printed)", f"rules/{name} (printed again)")
                problems.append("".join(diff))
    return problems


def check_no_output_on_error(mozc):
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        # An input that cannot be read is a program error (exit 1), named.
        status, _, err = run_mozc(mozc, ["no_such_program.moz", "-o", os.path.join(tmp, "node")], tmp)
        if status != 1 or err != "mozc: error: cannot read 'no_such_program.moz'\n" or os.listdir(tmp):
            problems.append(f"mozc on a missing input: exit {status}, stderr {err!r}, files {os.listdir(tmp)}")
        bad = os.path.join(HERE, "diag", "fail_unsafe_head.moz")
        for flags, out in ((["--emit=cpp"], "out.cpp"), ([], "node")):
            target = os.path.join(tmp, out)
            status, _, _ = run_mozc(mozc, [bad, "-o", target] + flags, tmp)
            if status != 1:
                problems.append(f"mozc {' '.join(flags)} -o on a bad program exited {status}, expected 1")
            leftovers = os.listdir(tmp)
            if leftovers:
                problems.append(f"a failed compile left files behind: {leftovers}")
            # Nor does it leave an output from an earlier run in place.
            with open(target, "w") as f:
                f.write("stale output of an earlier run\n")
            status, _, _ = run_mozc(mozc, [bad, "-o", target] + flags, tmp)
            if status != 1 or os.path.exists(target):
                problems.append(f"mozc {' '.join(flags)} -o over an earlier output: exit {status}, "
                                f"the earlier output {'is still there' if os.path.exists(target) else 'was removed'}")
            for f in os.listdir(tmp):
                os.remove(os.path.join(tmp, f))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mozc", required=True)
    ap.add_argument("--update", action="store_true", help="rewrite the expected files")
    ap.add_argument("--cxx", default="c++", help="C++ compiler for the compile check")
    ap.add_argument("--include", action="append", default=[],
                    help="runtime include directory; given, the cpp/ outputs are also compiled")
    ap.add_argument("--dot", default=shutil.which("dot"), help="Graphviz's dot (default: the one on PATH)")
    ap.add_argument("--case", action="append", default=[], metavar="PATTERN",
                    help="run only the cases whose kind/name or name matches (shell pattern; repeatable), "
                         "and none of the whole-compiler checks")
    args = ap.parse_args()
    mozc = os.path.abspath(args.mozc)

    def selected(kind, name):
        return not args.case or any(fnmatch.fnmatch(f"{kind}/{name}", p) or fnmatch.fnmatch(name, p)
                                    for p in args.case)

    failed, total = [], 0
    for kind in KINDS:
        folder = os.path.join(HERE, kind)
        names = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".moz") and selected(kind, f[:-4]))
        for name in names:
            total += 1
            if kind == "diag" and not name.startswith("fail_"):
                failed.append((f"{kind}/{name}", ["files in diag/ must be named fail_*.moz"]))
                continue
            problems = check_case(mozc, kind, name, args.update)
            if problems:
                failed.append((f"{kind}/{name}", problems))
    if args.case and not total:
        print(f"no golden case matches {' or '.join(args.case)}")
        return 1
    checks = [("rules re-parse", check_rules_reparse),
              ("determinism", check_determinism), ("no output on error", check_no_output_on_error),
              ("hostile inputs", check_nasty_inputs),
              ("dataflow renders", lambda m: check_dataflow_renders(m, args.dot) if args.dot else
               ["Graphviz's dot is not on PATH (install graphviz; scripts/setup.sh does)"])]
    if args.include:
        checks.append(("generated code compiles", lambda m: check_generated_code_compiles(m, args.cxx, args.include)))
    for label, check in [] if args.case else checks:
        total += 1
        problems = check(mozc)
        if problems:
            failed.append((label, problems))

    for label, problems in failed:
        print(f"FAIL {label}")
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
    print(f"{total - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
