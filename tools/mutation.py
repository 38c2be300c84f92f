"""Mutation testing of the core: mutmut changes the code one small step at a time (`<` to `<=`, `and` to `or`, a
key renamed, a `continue` made a `break`) and runs the fast tests that reach the changed function; a change no
test notices "survives". This runs mutmut as configured in pyproject.toml (`[tool.mutmut]`: the five files of
the core and the tests that are run) and prints, per file, how many changes the tests killed.

    .venv/bin/pip install --group mutation               # mutmut, once (not in `dev`: CI does not run this)
    .venv/bin/python tools/mutation.py                   # the measure, from scratch (15 to 40 min on 2 cores)
    .venv/bin/python tools/mutation.py 'parentinvolve.engine.*'   # only these (mutmut's names; globs allowed)
    .venv/bin/python tools/mutation.py --report          # the table of the last run, without running anything
    .venv/bin/python tools/mutation.py --report --functions       # ... with a line per function

The measure: every mutant of conditions.py, kb/conditions.py and render/jsonout.py, and a fixed sample of
engine.py (mutants numbered ...0, 3, 6, 9: 4 in 10) and kb/rules.py (...0 and 5: 1 in 5), which have the most
mutants and the slowest tests (SCOPE below). It starts from scratch: it deletes `mutants/` (git-ignored), so
no result of an earlier run stands. Naming
mutants reruns just those and keeps every other result. `mutmut show NAME` shows one change,
`mutmut results` lists the survivors. The score is mutmut's own: (killed + timed out) / (all - skipped).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"
KILLED = ("killed", "timeout", "caught by type check")
SCOPE = [
    "parentinvolve.conditions.*",
    "parentinvolve.kb.conditions.*",
    "parentinvolve.render.jsonout.*",
    "parentinvolve.engine.*__mutmut_*[0369]",
    "parentinvolve.kb.rules.*__mutmut_*[05]",
]


def run(names: list[str], children: int) -> int:
    if not names:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        names = SCOPE
    return subprocess.run([str(MUTMUT), "run", "--max-children", str(children), *names], cwd=ROOT).returncode


def results() -> list[tuple[str, str]]:
    """Every mutant's name and status, as `mutmut results --all true` lists them."""
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    pairs = []
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            pairs.append((name, status))
    return pairs


def where(name: str) -> tuple[str, str]:
    """`parentinvolve.kb.rules.x_crisis__mutmut_12` -> ("kb/rules.py", "crisis")."""
    module, _, function = name.partition("__mutmut_")[0].rpartition(".")
    path = "/".join(module.split(".")[1:]) + ".py"
    return path, function.removeprefix("x_").replace("ǁ", ".").strip(".")


def table(pairs: list[tuple[str, str]], functions: bool) -> str:
    by_file: dict[str, Counter[str]] = defaultdict(Counter)
    by_function: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for name, status in pairs:
        path, function = where(name)
        by_file[path][status] += 1
        by_function[path, function][status] += 1
    rows = ["| file | killed | survived | no tests | timeout | score |", "|---|---|---|---|---|---|"]

    def row(label: str, c: Counter[str]) -> str:
        """Over the mutants checked (a run of a few names leaves the others unchecked, or as they were)."""
        killed = sum(c[k] for k in KILLED)
        total = sum(c.values()) - c["skipped"] - c["not checked"]
        score = f"{100 * killed / total:.0f}%" if total else "-"
        rest = f" ({c['not checked']} not checked)" if c["not checked"] else ""
        return f"| {label} | {killed}/{total}{rest} | {c['survived']} | {c['no tests']} | {c['timeout']} | {score} |"

    for path in sorted(by_file):
        rows.append(row(f"`{path}`", by_file[path]))
        if functions:
            rows += [row(f"  `{f}()`", c) for (p, f), c in sorted(by_function.items()) if p == path]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to (re)run, by mutmut's name; globs allowed")
    parser.add_argument("--report", action="store_true", help="print the last run's table, run nothing")
    parser.add_argument("--functions", action="store_true", help="a line per function too")
    parser.add_argument("--max-children", type=int, default=2, help="mutants run at once (default 2)")
    args = parser.parse_args()
    if not args.report:
        code = run(args.names, args.max_children)
        if code != 0:
            print(f"mutmut exited with {code}", file=sys.stderr)
            return code
    if not (ROOT / "mutants").is_dir():
        print("no results: run `python tools/mutation.py` first", file=sys.stderr)
        return 1
    print(table(results(), args.functions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
