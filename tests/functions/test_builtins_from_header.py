#!/usr/bin/env python3
"""The built-in table comes from the C++ header. The build makes a copy of
stdlib/mosaic/builtins.hpp with functions added (`write-header`, below) and
links a second mozc with the table generated from the copy, by the same rule
as mozc's own (mozc_add_builtin_table). Then (`check`):

* that table has exactly the added f_ functions more than mozc's, with the
  signatures and purity their C++ declarations give; a helper without the f_
  prefix stays out;
* the second mozc accepts a Mozlog program calling them, plans the impure one
  after the join, and rejects a call with an argument of the wrong type with a
  located error, while mozc (the stock header) does not know them;
* the generator rejects an f_ function whose types Mozlog cannot pass, with a
  message naming the header line.

  test_builtins_from_header.py write-header builtins.hpp OUT.hpp
  test_builtins_from_header.py check --mozc MOZC --extended-mozc MOZC2 --table BUILT.cpp
      --extended-table EXTENDED.cpp --generator GEN --header builtins.hpp -- GEN_ARGS...
"""
import argparse
import os
import subprocess
import sys
import tempfile

NAMESPACE_END = "}  // namespace mosaic::builtins"
ADDED = """
// Added by test_builtins_from_header.py.
template <class T>
std::vector<T> f_twice(const std::vector<T>& list, int64_t times) { return times > 0 ? f_concat(list, list) : list; }
MOSAIC_IMPURE double f_jitter();  // declared only: the mozc built with it checks and plans, never links
inline int64_t helper_not_a_builtin(int64_t x) { return x; }
"""
ADDED_ENTRIES = {
    'table["f_twice"] = Signature{{of(K::List, {var(0)}), of(K::Int)}, of(K::List, {var(0)}), '
    '"(list<T>, int) -> list<T>", "", false};',
    'table["f_jitter"] = Signature{{}, of(K::Float), "() -> float", "", true};',
}
BAD = """
inline int f_narrow(int x) { return x; }
"""

CALLS = """materialize(peer, infinity, infinity, keys(1)).
schema peer(int).
b1 doubled(L2) :- periodic(_, 1), L := [1, 2], L2 := f_twice(L, 2).
b2 jittered(P, J) :- periodic(_, 1), peer(P), J := f_jitter().
"""
WRONG_TYPE = """b1 doubled(L2) :- periodic(_, 1), L := [1, 2], L2 := f_twice(L, "two").
"""


def fail(message):
    sys.exit("FAIL: " + message)


def with_added(header_text, added):
    """The header with `added` at the end of its first namespace mosaic::builtins."""
    end = header_text.find(NAMESPACE_END)
    if end < 0:
        fail("cannot find the end of namespace mosaic::builtins")
    return header_text[:end] + added + header_text[end:]


def entries(table_text):
    return {line.strip() for line in table_text.splitlines() if line.strip().startswith("table[")}


def read(path):
    with open(path) as f:
        return f.read()


def mozc_run(mozc, program_text, work, flags):
    path = os.path.join(work, "calls.moz")
    with open(path, "w") as f:
        f.write(program_text)
    return subprocess.run([mozc, "calls.moz"] + flags, cwd=work, capture_output=True, text=True, timeout=60)


def check(args):
    added = entries(read(args.extended_table)) - entries(read(args.table))
    if added != ADDED_ENTRIES:
        fail("the table from the extended header differs from mozc's by\n  " + "\n  ".join(sorted(added)) +
             "\nexpected\n  " + "\n  ".join(sorted(ADDED_ENTRIES)))
    if entries(read(args.table)) - entries(read(args.extended_table)):
        fail("entries of mozc's table are missing from the extended one")
    if "helper_not_a_builtin" in read(args.extended_table):
        fail("a function without the f_ prefix became a built-in")

    with tempfile.TemporaryDirectory() as work:
        p = mozc_run(args.extended_mozc, CALLS, work, ["--check"])
        if p.returncode != 0 or p.stderr:
            fail(f"the mozc built from the extended header rejects calls to its functions:\n{p.stderr}")
        p = mozc_run(args.extended_mozc, CALLS, work, ["--emit=dataflow"])
        if p.returncode != 0 or "join peer (scan)\\lJ := f_jitter()\\l" not in p.stdout:
            fail(f"the impure f_jitter is not planned after the join:\n{p.stdout}{p.stderr}")
        p = mozc_run(args.extended_mozc, WRONG_TYPE, work, ["--check"])
        located = "calls.moz:1:65: error: type mismatch: argument 2 of 'f_twice' must be int"
        if p.returncode != 1 or located not in p.stderr:
            fail(f"a string for f_twice's int: exit {p.returncode}, expected 1 with a located error\n{p.stderr}")
        p = mozc_run(args.mozc, CALLS, work, ["--check"])
        if p.returncode != 1 or "unknown function 'f_twice'" not in p.stderr:
            fail(f"mozc, built from the stock header, accepts f_twice: exit {p.returncode}\n{p.stderr}")

        header = os.path.join(work, "builtins.hpp")
        with open(header, "w") as f:
            f.write(with_added(read(args.header), BAD))
        p = subprocess.run([args.generator, header, "-o", os.path.join(work, "table.cpp")] + args.generator_args,
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 1 or "builtins.hpp:" not in p.stderr or "use int64_t" not in p.stderr:
            fail(f"an f_ function with an int parameter: exit {p.returncode}, expected 1 with a located message\n"
                 f"{p.stderr}")
    print("PASS the built-in table comes from the header")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write-header", help="the build step: copy the header with the functions added")
    write.add_argument("header")
    write.add_argument("output")
    run = sub.add_parser("check")
    run.add_argument("--mozc", required=True)
    run.add_argument("--extended-mozc", required=True, help="mozc linked with the extended header's table")
    run.add_argument("--table", required=True, help="the table mozc was built with")
    run.add_argument("--extended-table", required=True)
    run.add_argument("--generator", required=True)
    run.add_argument("--header", required=True, help="stdlib/mosaic/builtins.hpp")
    run.add_argument("generator_args", nargs="*")
    args = ap.parse_args()
    if args.command == "write-header":
        text = with_added(read(args.header), ADDED)
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w") as f:
            f.write(text)
    else:
        check(args)


if __name__ == "__main__":
    main()
