#!/usr/bin/env python3
"""Every ```mozlog block in the docs is a complete program that mozc accepts.

Usage: check_examples.py --mozc PATH [--module-path DIR ...] FILE.md...
Each block is written to a file in a fresh temporary directory (never into
the source tree) and checked with `mozc --check`. Its #includes resolve as
the reader's would next to the page: the page's own directory comes first in
MOSAIC_MODULE_PATH (where mozc looks after the including file's directory),
then each --module-path (directories a page tells its readers to put there).
Exit 1 lists every failing block.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile


def check_block(mozc, source, page, module_path):
    with tempfile.TemporaryDirectory(prefix="mozc-example-") as tmp:
        # One level down, so that a relative #include ("../x.moz") cannot find
        # a file next to the temporary directory by accident.
        folder = os.path.join(tmp, "example")
        os.mkdir(folder)
        path = os.path.join(folder, "example.moz")
        with open(path, "w") as f:
            f.write(source)
        dirs = [os.path.dirname(os.path.abspath(page))] + module_path
        if os.environ.get("MOSAIC_MODULE_PATH"):
            dirs.append(os.environ["MOSAIC_MODULE_PATH"])
        env = dict(os.environ, MOSAIC_MODULE_PATH=":".join(dirs))
        return subprocess.run([mozc, path, "--check"], capture_output=True, text=True, timeout=60, env=env)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mozc", required=True)
    p.add_argument("--module-path", action="append", default=[], help="a directory the pages' readers add to "
                   "MOSAIC_MODULE_PATH (repeatable)")
    p.add_argument("pages", nargs="+")
    args = p.parse_args()
    module_path = [os.path.abspath(d) for d in args.module_path]
    failures, checked = [], 0
    for page in args.pages:
        text = open(page).read()
        for m in re.finditer(r"```mozlog\n(.*?)```", text, re.S):
            line = text.count("\n", 0, m.start()) + 1
            r = check_block(args.mozc, m.group(1), page, module_path)
            checked += 1
            if r.returncode != 0:
                failures.append(f"{page}:{line}: example rejected by mozc:\n{r.stderr}")
    if checked == 0:
        failures.append("no ```mozlog examples found")
    for f in failures:
        print(f, file=sys.stderr)
    print(f"{checked - len(failures)} of {checked} examples accepted")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
