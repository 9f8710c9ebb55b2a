#!/usr/bin/env python3
"""The built-in table comes from the C++ header: run the generator that builds
mozc's table on a copy of stdlib/mosaic/builtins.hpp with one function added,
and the table gains exactly that function with the signature its C++ types
give; everything else is the table mozc was built with. A helper without the
f_ prefix stays out, and an f_ function whose types Mozlog cannot pass is an
error that names the header line.

  test_builtins_from_header.py --generator GEN --table BUILT.cpp --header builtins.hpp -- GEN_ARGS...
"""
import argparse
import os
import subprocess
import sys
import tempfile

ADDED = """
// Added by test_builtins_from_header.py.
template <class T>
std::vector<T> f_twice(const std::vector<T>& list, int64_t times) { return times > 0 ? f_concat(list, list) : list; }
inline int64_t helper_not_a_builtin(int64_t x) { return x; }
}  // namespace mosaic::builtins
"""
BAD = """
inline int f_narrow(int x) { return x; }
}  // namespace mosaic::builtins
"""


def fail(message):
    sys.exit("FAIL: " + message)


def generate(args, header_text, work):
    header = os.path.join(work, "builtins.hpp")
    with open(header, "w") as f:
        f.write(header_text)
    out = os.path.join(work, "table.cpp")
    p = subprocess.run([args.generator, header, "-o", out] + args.generator_args,
                       capture_output=True, text=True, timeout=60)
    table = open(out).read() if p.returncode == 0 else ""
    return p, table


def entries(table):
    return {line.strip() for line in table.splitlines() if line.strip().startswith("table[")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--table", required=True, help="the table mozc was built with")
    ap.add_argument("--header", required=True, help="stdlib/mosaic/builtins.hpp")
    ap.add_argument("generator_args", nargs="*")
    args = ap.parse_args()
    original = open(args.header).read()
    close = original.rfind("}  // namespace mosaic::builtins")
    if close < 0:
        fail("cannot find the end of namespace mosaic::builtins in " + args.header)
    built = entries(open(args.table).read())

    with tempfile.TemporaryDirectory() as work:
        p, table = generate(args, original[:close] + ADDED + original[close + len("}  // namespace mosaic::builtins"):], work)
        if p.returncode != 0:
            fail(f"the generator rejected the header with f_twice:\n{p.stderr}")
        added = entries(table) - built
        want = ('table["f_twice"] = Signature{{of(K::List, {var(0)}), of(K::Int)}, of(K::List, {var(0)}), '
                '"(list<T>, int) -> list<T>", "", false};')
        if added != {want}:
            fail(f"expected exactly one new entry\n  {want}\ngot\n  " + "\n  ".join(sorted(added)))
        if built - entries(table):
            fail("entries disappeared: " + ", ".join(sorted(built - entries(table))))
        if "helper_not_a_builtin" in table:
            fail("a function without the f_ prefix became a built-in")

        p, _ = generate(args, original[:close] + BAD + original[close + len("}  // namespace mosaic::builtins"):], work)
        if p.returncode != 1 or "builtins.hpp:" not in p.stderr or "use int64_t" not in p.stderr:
            fail(f"an f_ function with an int parameter: exit {p.returncode}, expected 1 with a located message\n{p.stderr}")
    print("PASS the built-in table comes from the header")


if __name__ == "__main__":
    main()
