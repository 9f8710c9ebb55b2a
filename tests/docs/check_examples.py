#!/usr/bin/env python3
"""Every ```mozlog block in the docs is a complete program that mozc accepts.

Usage: check_examples.py --mozc PATH FILE.md...
Each block is written to a temporary file and checked with `mozc --check`
(from the block's own directory, so relative #includes resolve as the reader
would resolve them next to the page). Exit 1 lists every failing block.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mozc", required=True)
    p.add_argument("pages", nargs="+")
    args = p.parse_args()
    failures, checked = [], 0
    for page in args.pages:
        text = open(page).read()
        for m in re.finditer(r"```mozlog\n(.*?)```", text, re.S):
            line = text.count("\n", 0, m.start()) + 1
            with tempfile.NamedTemporaryFile("w", suffix=".moz", dir=os.path.dirname(os.path.abspath(page)),
                                             prefix=".example-", delete=False) as f:
                f.write(m.group(1))
            try:
                r = subprocess.run([args.mozc, f.name, "--check"], capture_output=True, text=True, timeout=60)
            finally:
                os.unlink(f.name)
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
