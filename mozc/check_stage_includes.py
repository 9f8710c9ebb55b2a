#!/usr/bin/env python3
"""Fails when a compiler stage includes a header of a stage it does not use.

The graph file (written by mozc/CMakeLists.txt from each stage's USES) has one
line per stage, `name: used stages...`; a line may also name one file
(`ffi/builtins_generator.cpp: ...`) that is a tool of its own rather than part
of its folder's stage. A file in folder S may include headers of S and of the
stages S uses, directly or through others. Prints every violation as
`path:line: error: ...` and exits 1; exits 0 when there is none.
"""
import argparse
import os
import re
import sys

# "stage/file.hpp", also spelled relative to the including file ("../plan/plan.hpp").
INCLUDE = re.compile(r'^\s*#\s*include\s+"((?:\.\./)*([a-z_]+)/[^"]+)"', re.M)


def read_graph(path):
    graph = {}
    with open(path) as f:
        for line in f:
            if ":" in line:
                name, uses = line.split(":", 1)
                graph[name.strip()] = uses.split()
    return graph


def reachable(graph, name):
    seen, todo = {name}, list(graph.get(name, []))
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(graph.get(n, []))
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", required=True)
    ap.add_argument("--root", required=True, help="the folder holding one folder per stage")
    args = ap.parse_args()
    graph = read_graph(args.graph)
    stages = {n for n in graph if "/" not in n}
    problems = 0
    for stage in sorted(stages):
        folder = os.path.join(args.root, stage)
        for file in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if not file.endswith((".cpp", ".hpp")):
                continue
            rel = f"{stage}/{file}"
            node = rel if rel in graph else stage
            allowed = (reachable(graph, node) - {node}) | {stage}
            with open(os.path.join(folder, file)) as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                header, used = m.group(1), m.group(2)
                if used in stages and used not in allowed:
                    line = text.count("\n", 0, m.start()) + 1
                    uses = " ".join(sorted(allowed - {stage})) or "no other stage"
                    print(f"{os.path.join(args.root, rel)}:{line}: error: stage '{stage}' includes "
                          f"'{header}', but {node} uses only: {uses} "
                          f"(a stage never reaches into a later one; see mozc/CMakeLists.txt)")
                    problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
