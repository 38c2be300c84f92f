"""parentinvolve's speed budgets (issue 5), measured side by side on this machine.

    .venv/bin/python benchmarks/run.py [--pairs N] [--markdown FILE]

Each command is compared with its floor, what the required libraries cost just to import, run in alternating
pairs (floor, command, floor, command, ...) so that a busy machine slows both alike; the figure is the
median. Wall time and peak memory come from the kernel (os.wait4). The synthetic knowledge bases
(100 / 1,000 / 10,000 rules; 1,000 topics) are generated here, in a temporary folder, and the cache lives in
that folder too, so nothing in your home is touched. Exits 1 if any budget is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLINIC = HERE.parent / "examples" / "clinic"  # a clinic's layer over the content (issue 13)
sys.path.insert(0, str(HERE))

FLOOR = "import typer, rich.console"
PLAN_SIZES = (100, 1_000, 10_000)
PLAN_MS_BUDGET = 20.0
SCALING_BUDGET = 12.0
ANSWERS = {"child_age": 9, "concerns": ["anxiety"], "therapy": "cbt", "stage": "starting"}
ANSWERS_YAML = "child_age: 9\nconcerns: [anxiety]\ntherapy: cbt\nstage: starting\n"


@dataclass
class Row:
    figure: str
    value: str
    floor: str = ""
    ratio: str = ""
    budget: str = ""
    ok: bool | None = None  # None: reported, no budget

    @property
    def result(self) -> str:
        return "—" if self.ok is None else ("pass" if self.ok else "FAIL")


# --------------------------------------------------------------------------------------------------------
# Running things


def child_env(work: Path) -> dict[str, str]:
    """The environment every measured process gets: a private cache, a fixed terminal, bytecode allowed.

    PYTHONDONTWRITEBYTECODE is dropped: an installed package has its .pyc files, and the floor's libraries
    have theirs; without it an editable install would recompile parentinvolve on every run.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PARENTINVOLVE_"))}
    env.update({"XDG_CACHE_HOME": str(work / "cache"), "COLUMNS": "100", "LINES": "40", "TERM": "dumb"})
    env.pop("FORCE_COLOR", None)
    return env


# Commands are started by a small helper process (plain Python, nothing imported but the standard library).
# The kernel counts a child's memory before its exec in its peak, so a child forked from this process, which
# grows to hundreds of MB while it builds knowledge bases, would report this process's size, not its own.
SPAWNER = r"""
import json, os, pty, select, signal, sys, time

def collect(fds, until=None, deadline=None):
    bufs = {fd: bytearray() for fd in fds}
    open_fds = list(fds)
    while open_fds:
        left = None if deadline is None else max(deadline - time.perf_counter(), 0)
        ready, _, _ = select.select(open_fds, [], [], left)
        if not ready:
            return bufs, "timeout"
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.remove(fd)
                continue
            bufs[fd] += chunk
            if until is not None and until in bufs[fd]:
                return bufs, "found"
    return bufs, "eof"

def run(cmd, env):
    (r_out, w_out), (r_err, w_err) = os.pipe(), os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(w_out, 1)
            os.dup2(w_err, 2)
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    os.close(w_out)
    os.close(w_err)
    bufs, _ = collect([r_out, r_err])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(r_out)
    os.close(r_err)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
            "code": os.waitstatus_to_exitcode(status),
            "out": bufs[r_out].decode("utf-8", "replace"), "err": bufs[r_err].decode("utf-8", "replace")}

def end(pid):
    # Stop the program; return the CPU seconds it used (it idles at the prompt: the cost of getting there).
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        stop = time.perf_counter() + 2
        while time.perf_counter() < stop:
            got, _, usage = os.wait4(pid, os.WNOHANG)
            if got:
                return usage.ru_utime + usage.ru_stime
            time.sleep(0.005)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime

def prompt(cmd, env, text, timeout):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            import fcntl, struct, termios
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    bufs, how = collect([fd], until=text.encode(), deadline=start + timeout)
    wall = time.perf_counter() - start
    cpu = end(pid)
    os.close(fd)
    return {"wall": wall, "cpu": cpu, "found": how == "found", "screen": bufs[fd][-400:].decode("utf-8", "replace")}

for line in sys.stdin:
    req = json.loads(line)
    if req["kind"] == "run":
        answer = run(req["cmd"], req["env"])
    else:
        answer = prompt(req["cmd"], req["env"], req["text"], req["timeout"])
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
"""


class Spawner:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, request: dict[str, object]) -> dict[str, object]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer: dict[str, object] = json.loads(self.proc.stdout.readline())
        return answer

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()


SPAWN: Spawner | None = None


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS (KiB) and stdout of one run, output piped; exit 0 required."""
    assert SPAWN is not None
    got = SPAWN.ask({"kind": "run", "cmd": cmd, "env": env})
    if got["code"] != 0:
        raise SystemExit(f"benchmark: {' '.join(cmd)} exited {got['code']}:\n{got['err']}")
    return float(str(got["wall"])), float(str(got["cpu"])), int(str(got["rss_kib"])), str(got["out"])


def pairs(floor: list[str], subject: list[str], env: dict[str, str], n: int) -> dict[str, list[float]]:
    """Alternate floor and subject n times (after one warm-up each): wall and CPU times (ms), peak RSS (MiB)."""
    out: dict[str, list[float]] = {f"{k}{m}": [] for k in ("floor_", "") for m in ("ms", "cpu", "mb")}
    run_once(floor, env)
    run_once(subject, env)
    for _ in range(n):
        for key, cmd in (("floor_", floor), ("", subject)):
            wall, cpu, rss, _ = run_once(cmd, env)
            out[f"{key}ms"].append(wall * 1000)
            out[f"{key}cpu"].append(cpu * 1000)
            out[f"{key}mb"].append(rss / 1024)
    return out


def ratio_of_pairs(subject: list[float], floor: list[float]) -> float:
    """The median of the pairs' own ratios: each pair ran back to back, so a busy moment slows both alike,
    and the median then drops the pairs a burst of load hit unevenly."""
    return statistics.median(s / f for s, f in zip(subject, floor, strict=True))


def time_row(name: str, m: dict[str, list[float]], budget: float) -> Row:
    """Judged on CPU time (what the program costs: a loaded machine stretches wall time, not CPU time);
    the wall-time ratio is shown beside it."""
    cpu, wall = ratio_of_pairs(m["cpu"], m["floor_cpu"]), ratio_of_pairs(m["ms"], m["floor_ms"])
    return Row(
        f"{name}: time",
        f"{fmt_ms(statistics.median(m['cpu']))} CPU, {fmt_ms(statistics.median(m['ms']))} wall",
        f"{fmt_ms(statistics.median(m['floor_cpu']))} CPU, {fmt_ms(statistics.median(m['floor_ms']))} wall",
        f"{cpu:.2f}× CPU ({wall:.2f}× wall)",
        f"≤ {budget}×",
        cpu <= budget,
    )


def time_to_prompt(cmd: list[str], env: dict[str, str], text: str, timeout: float = 30.0) -> tuple[float, float]:
    """Wall and CPU seconds until `text` is on the screen of a pseudo-terminal (100x24); then the program is
    ended (it idles at the prompt, so its CPU time is the cost of getting there)."""
    assert SPAWN is not None
    got = SPAWN.ask({"kind": "prompt", "cmd": cmd, "env": env, "text": text, "timeout": timeout})
    if not got["found"]:
        raise SystemExit(f"benchmark: no prompt {text!r} from {' '.join(cmd)}; the screen ended with {got['screen']!r}")
    return float(str(got["wall"])), float(str(got["cpu"]))


def child(kind: str, args: list[str]) -> None:
    """Run inside a measured Python process: time `plan()` or `load_kb()` there and print the figures as JSON."""
    from parentinvolve.kb import load as load_kb

    folder = Path(args[0])
    if kind == "load":
        start = time.perf_counter()
        load_kb(folder)
        print(json.dumps([time.perf_counter() - start]))
        return
    if kind == "batch":
        print(json.dumps(batch_figures(folder, [int(n) for n in args[1:]])))
        return
    import synth

    from parentinvolve.engine import plan

    kb = load_kb(folder)
    best = []  # for each answer set, the best of `repeat` plans (timeit's rule: noise only ever adds)
    for answers in synth.ANSWERS:
        times = []
        for _ in range(int(args[1])):
            start = time.process_time()  # CPU time: a busy machine stretches wall time, not this
            plan(kb, answers)
            times.append(time.process_time() - start)
        best.append(min(times))
    print(json.dumps([statistics.fmean(best)]))


def families_csv(path: Path, kb, rows: int) -> None:
    """A CSV of `rows` families, the answers drawn (seeded) from the questions' own choices."""
    import csv
    import random

    rnd = random.Random(23)
    q = {x.id: x for x in kb.questions}
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["name", *q])
        for n in range(rows):
            concerns = rnd.sample(q["concerns"].choice_ids(), rnd.randint(1, 2))
            out.writerow(
                [
                    f"family-{n}",
                    rnd.randint(0, 17),
                    ";".join(concerns),
                    rnd.choice(q["therapy"].choice_ids()),
                    rnd.choice(q["stage"].choice_ids()),
                    rnd.choice(q["region"].choice_ids()),
                ]
            )


def batch_figures(work: Path, sizes: list[int]) -> list[float]:
    """In one process: the CPU time of one `plan()` and one HTML render (the mean over the 1,000 families of
    the first CSV), then of `ask --answers CSV --output-dir` (cli/batch.py) for each size, whole."""
    from parentinvolve.answers import normalise
    from parentinvolve.cli import batch
    from parentinvolve.engine import plan
    from parentinvolve.kb import load as load_kb
    from parentinvolve.render.doc import plan_doc
    from parentinvolve.render.html import render

    kb = load_kb()
    csvs = {}
    for rows in sizes:
        csvs[rows] = work / f"families-{rows}.csv"
        families_csv(csvs[rows], kb, rows)
    every = [f.raw for f in batch.families(kb, [csvs[sizes[0]]])]
    start = time.process_time()
    for raw in every:
        render(plan_doc(kb, plan(kb, normalise(kb, raw))))
    out = [(time.process_time() - start) / len(every)]
    for rows in sizes:
        folder = work / f"plans-{rows}"
        folder.mkdir()
        start = time.process_time()
        batch.run(kb, [csvs[rows]], folder, "html", why=False, force=False)
        out.append(time.process_time() - start)
        shutil.rmtree(folder)
    return out


def child_figures(env: dict[str, str], kind: str, *args: str) -> list[float]:
    """Figures timed inside a fresh Python process (so only the work itself is measured)."""
    cmd = [sys.executable, str(Path(__file__)), "--child", kind, *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    figures: list[float] = json.loads(done.stdout)
    return figures


# --------------------------------------------------------------------------------------------------------
# The figures


def fmt_ms(ms: float) -> str:
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def cli_rows(py: str, exe: str, env: dict[str, str], work: Path, n: int) -> list[Row]:
    answers = work / "answers.yaml"
    answers.write_text(ANSWERS_YAML, encoding="utf-8")
    answers_json = work / "answers.json"
    answers_json.write_text(json.dumps(ANSWERS), encoding="utf-8")
    floor = [py, "-c", FLOOR]
    subjects = (
        ("`explain pcit`, piped", [exe, "explain", "pcit"], 1.2, 1.25),
        (
            "`explain pcit --clinic examples/clinic`, piped",
            [exe, "explain", "pcit", "--clinic", str(CLINIC)],
            1.25,
            1.25,
        ),
        ("`topics`, piped", [exe, "topics"], 1.2, 1.25),
        ("Tab: completing `explain pc`", [exe], 1.2, 1.25),
        ("`--help`", [exe, "--help"], 1.5, None),
        # Spanish (issue 14): the same budgets; the cache is per language and the catalog is read lazily.
        ("`explain pcit --lang es`, piped", [exe, "explain", "pcit", "--lang", "es"], 1.2, 1.25),
        ("`topics --lang es`, piped", [exe, "topics", "--lang", "es"], 1.2, 1.25),
        ("`--help --lang es`", [exe, "--help", "--lang", "es"], 1.5, None),
        (
            "`ask --answers F.yaml --format json`",
            [exe, "ask", "--answers", str(answers), "--format", "json"],
            1.5,  # a YAML answers file goes through PyYAML (issue 9); JSON through the standard library
            1.25,
        ),
        (
            "`ask --answers F.json --format json`",
            [exe, "ask", "--answers", str(answers_json), "--format", "json"],
            1.2,
            1.25,
        ),
        (
            "`ask --answers F.json --format json --lang es`",
            [exe, "ask", "--answers", str(answers_json), "--format", "json", "--lang", "es"],
            1.2,
            1.25,
        ),
    )
    # Shell completion runs the program with click's protocol in the environment (what bash's script does).
    completing = {**env, "_PARENTINVOLVE_COMPLETE": "complete_bash", "COMP_WORDS": "parentinvolve explain pc"}
    completing["COMP_CWORD"] = "2"
    rows = []
    for name, cmd, time_budget, mem_budget in subjects:
        m = pairs(floor, cmd, completing if name.startswith("Tab:") else env, n)
        rows.append(time_row(name, m, time_budget))
        if mem_budget is not None:
            mb, floor_mb = statistics.median(m["mb"]), statistics.median(m["floor_mb"])
            rows.append(
                Row(
                    f"{name}: peak memory",
                    f"{mb:.1f} MiB",
                    f"{floor_mb:.1f} MiB",
                    f"{mb / floor_mb:.2f}×",
                    f"≤ {mem_budget}×",
                    mb / floor_mb <= mem_budget,
                )
            )
        print(f"  measured {name}", file=sys.stderr)
    return rows


def prompt_row(py: str, exe: str, env: dict[str, str], work: Path, n: int) -> Row:
    from parentinvolve.kb import load as load_kb
    from parentinvolve.kb import shipped as shipped_content

    first = load_kb(shipped_content()).questions[0].prompt
    script = work / "floor_prompt.py"
    script.write_text(f"import typer, questionary, rich.console\nquestionary.text({first!r}).unsafe_ask()\n")
    tty_env = dict(env, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")
    tty_env.pop("COLUMNS", None)
    tty_env.pop("LINES", None)
    floor, subject = [py, str(script)], [exe, "ask"]
    time_to_prompt(floor, tty_env, first)
    time_to_prompt(subject, tty_env, first)
    m: dict[str, list[float]] = {"ms": [], "cpu": [], "floor_ms": [], "floor_cpu": []}
    for _ in range(n):
        for key, cmd in (("floor_", floor), ("", subject)):
            wall, cpu = time_to_prompt(cmd, tty_env, first)
            m[f"{key}ms"].append(wall * 1000)
            m[f"{key}cpu"].append(cpu * 1000)
    print("  measured the first prompt", file=sys.stderr)
    return time_row("`ask` in a terminal: the first question", m, 1.2)


def plan_rows(env: dict[str, str], work: Path, rounds: int) -> list[Row]:
    import synth

    folders = {n: synth.make_kb(work / f"kb-{n}-rules", n) for n in PLAN_SIZES}
    for folder in folders.values():  # fill the cache: `ask` normally finds it warm
        child_figures(env, "plan", str(folder), "1")
    times: dict[int, list[float]] = {n: [] for n in PLAN_SIZES}
    for _ in range(rounds):  # fresh processes, the sizes taking turns, so that a busy moment hits them all
        for n, folder in folders.items():
            times[n] += child_figures(env, "plan", str(folder), "10")
    med = {n: statistics.median(t) * 1000 for n, t in times.items()}
    print("  measured plan()", file=sys.stderr)
    rows = [Row("`plan()`, 100 rules (the shipped content, 102 rules): per plan", fmt_ms(med[100]))]
    for small, big in itertools.pairwise(PLAN_SIZES):
        ratio = ratio_of_pairs(times[big], times[small])  # the sizes of one round, compared with each other
        rows.append(
            Row(
                f"`plan()`, {big:,} rules: per plan (vs {small:,})",
                fmt_ms(med[big]),
                fmt_ms(med[small]),
                f"{ratio:.1f}×",
                f"≤ {SCALING_BUDGET:.0f}×",
                ratio <= SCALING_BUDGET,
            )
        )
    rows.append(
        Row(
            "`plan()`, 10,000 rules: per plan",
            fmt_ms(med[10_000]),
            budget=f"≤ {PLAN_MS_BUDGET:.0f} ms",
            ok=med[10_000] <= PLAN_MS_BUDGET,
        )
    )
    return rows


BATCH_BUDGET = 3.0  # per family, ≤ 3× one plan() and one HTML render in the same process
BATCH_SCALING = 11.0  # 10,000 families ≤ 11× 1,000


def batch_rows(env: dict[str, str], work: Path, n: int) -> list[Row]:
    folder = work / "batch"
    base, small, big = [], [], []
    for round_ in range(n):
        here = folder / str(round_)
        here.mkdir(parents=True)
        one, t1000, t10000 = child_figures(env, "batch", str(here), "1000", "10000")
        base.append(one)
        small.append(t1000 / 1000)
        big.append(t10000 / t1000)
        shutil.rmtree(here, ignore_errors=True)
    print("  measured ask --output-dir", file=sys.stderr)
    per, one, scale = statistics.median(small), statistics.median(base), statistics.median(big)
    return [
        Row(
            "`ask --answers 1,000-row CSV --output-dir`, HTML: per family (vs one `plan()` + one HTML render)",
            fmt_ms(per * 1000),
            fmt_ms(one * 1000),
            f"{per / one:.1f}×",
            f"≤ {BATCH_BUDGET:.0f}×",
            per / one <= BATCH_BUDGET,
        ),
        Row(
            "`ask --answers CSV --output-dir`, 10,000 rows (vs 1,000)",
            f"{scale:.1f}× the time",
            "",
            f"{scale:.1f}×",
            f"≤ {BATCH_SCALING:.0f}×",
            scale <= BATCH_SCALING,
        ),
    ]


def load_rows(env: dict[str, str], work: Path, n: int) -> list[Row]:
    import synth

    folder = synth.make_kb(work / "kb-1000-topics", 10_000, 1_000)
    cache = Path(env["XDG_CACHE_HOME"]) / "parentinvolve"
    cold, warm = [], []
    for _ in range(n):
        shutil.rmtree(cache, ignore_errors=True)
        cold += child_figures(env, "load", str(folder))
        warm += child_figures(env, "load", str(folder))
    print("  measured load", file=sys.stderr)
    what = "load + validate, 1,000 topics and 10,000 rules"
    return [
        Row(f"{what}: cold (YAML read, checked, cache written)", fmt_ms(statistics.median(cold) * 1000)),
        Row(f"{what}: warm (from the cache)", fmt_ms(statistics.median(warm) * 1000)),
    ]


def web_rows(env: dict[str, str], work: Path) -> list[Row]:
    """`parentinvolve serve`'s page (benchmarks/web.py): plan page vs a trivial page; 2 workers vs 1."""
    import importlib.util

    if importlib.util.find_spec("uvicorn") is None:
        return [Row("web: not measured (install the web extra: pip install '.[web]')", "—")]
    import web

    rows = [Row(*row[:5], ok=row[5]) for row in web.rows_of(web.measure(env, work))]
    print("  measured the web page", file=sys.stderr)
    return rows


# --------------------------------------------------------------------------------------------------------
# Reporting


def machine() -> list[str]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    versions = []
    for dist in ("parentinvolve", "typer", "rich", "questionary", "PyYAML"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    return [
        f"CPU: {model}, {usable} cores usable ({os.cpu_count()} online)",
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}",
        f"Load average at the start: {load}",
        "Packages: " + ", ".join(versions),
    ]


def table(rows: list[Row]) -> list[str]:
    head = ("figure", "measured", "floor", "ratio", "budget", "result")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(f"| {r.figure} | {r.value} | {r.floor} | {r.ratio} | {r.budget} | {r.result} |")
    return lines


def markdown(rows: list[Row], info: list[str], pairs_n: int, when: str) -> str:
    out = [
        "## Performance",
        "",
        "`explain`, `topics` and `--help` should feel instant (shell completion runs the program on every Tab),",
        "and the engine should stay linear as a clinic's knowledge base grows. `.venv/bin/python benchmarks/run.py`",
        "measures every budget on the machine it runs on and exits 1 if one is missed. Each command is run in",
        f'{pairs_n} alternating pairs with its floor, `python -c "{FLOOR}"` (what the required libraries cost',
        "just to import), or for the first question of `ask` in a pseudo-terminal, a script that imports typer,",
        "questionary and rich.console and shows one questionary prompt. A budget is judged on CPU time, by the",
        "median of each pair's own ratio (a loaded machine stretches wall time, not CPU time; wall is shown too);",
        "peak memory as the kernel reports it. `plan()` is timed inside fresh processes on generated knowledge bases",
        "(best of 10 per answer set, median over the processes); the floor of each scaling row is the next",
        "smaller size. The batch rows run in one process each (median of 3): the mean CPU time of one `plan()`",
        "and one HTML render over 1,000 generated families, against `ask --answers CSV --output-dir` writing 1,000",
        "and 10,000 of them. The knowledge bases and the cache live in a temporary folder.",
        "",
        f"Latest run ({when}):",
        "",
        *(f"- {line}" for line in info),
        "",
        *table(rows),
        "",
        *(
            [f"Not met in this run: {'; '.join(r.figure for r in rows if r.ok is False)}.", ""]
            if any(r.ok is False for r in rows)
            else []
        ),
        "How it stays fast: each command imports only what it uses (questionary only when `ask` puts a question",
        "on a terminal, no rich module for plain, markdown or JSON output, PyYAML only when YAML must be read);",
        "the validated knowledge base is cached in `$XDG_CACHE_HOME/parentinvolve/` (else",
        "`~/.cache/parentinvolve/`), keyed by a hash of the content files, the version and the cache format, so a",
        "repeat `explain` parses no YAML (`PARENTINVOLVE_NO_CACHE=1` turns the cache off; `validate` always reads",
        "the YAML); the model's records are NamedTuples (a frozen dataclass takes about 1.4 ms to define at each",
        "start on Python 3.11); `plan()` checks each distinct condition once and makes one pass over the rules",
        "that apply, whose items were made with the knowledge base (`kb/said.py`).",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure parentinvolve's speed budgets (issue 5).")
    parser.add_argument("--pairs", type=int, default=21, help="alternating pairs per comparison (default 21)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write a Performance section here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--web-only", action="store_true", help="only the web page's figures (needs the web extra)")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return 0

    py = sys.executable
    exe = str(Path(py).parent / "parentinvolve")
    if not os.access(exe, os.X_OK):
        print(f"benchmark: {exe} not found; install parentinvolve in this Python's environment", file=sys.stderr)
        return 2
    info = machine()
    print("\n".join(info), file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="parentinvolve-bench-"))
    global SPAWN
    SPAWN = Spawner()
    try:
        env = child_env(work)
        os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]  # this process too: never the cache in your home
        rows = [] if args.web_only else cli_rows(py, exe, env, work, args.pairs)
        if not args.web_only:
            rows.append(prompt_row(py, exe, env, work, args.pairs))
            rows += plan_rows(env, work, max(5, args.pairs))
            rows += batch_rows(env, work, 3)
            rows += load_rows(env, work, 5)
        rows += web_rows(env, work)
    finally:
        SPAWN.close()
        shutil.rmtree(work, ignore_errors=True)
    when = time.strftime("%Y-%m-%d")
    print()
    print("\n".join(info))
    print()
    print("\n".join(table(rows)))
    missed = [r.figure for r in rows if r.ok is False]
    print()
    print(f"{len(missed)} budget(s) missed: {'; '.join(missed)}" if missed else "Every budget is met.")
    if args.markdown:
        args.markdown.write_text(markdown(rows, info, args.pairs, when), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
