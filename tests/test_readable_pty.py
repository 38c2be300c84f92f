"""A plan on a real terminal (pexpect): the pager, the crisis lines after it, numbered questions on a dumb
terminal, and the printable page offered at the end."""

from __future__ import annotations

import io
import os
import re
import shlex
import stat
import sys
from pathlib import Path

import pexpect
import pytest

from parentinvolve.kb import load as load_kb

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only"),
]

ENTER = "\r"
TEEN = "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nstage: starting\nregion: uk\n"
TITLE = "Your part in your child's therapy"


def command(args: str) -> str:
    exe = Path(sys.executable).parent / "parentinvolve"
    parts = [str(exe)] if exe.exists() else [sys.executable, "-m", "parentinvolve"]
    return " ".join(shlex.quote(p) for p in parts) + " " + args


def spawn(args: str, cwd: Path, rows: int = 24, **env: str) -> tuple[pexpect.spawn[str], io.StringIO]:
    """`parentinvolve ARGS` in a new pseudo-terminal; also a log of every byte it showed."""
    full = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "PAGER", "LESS"}}
    full.update({"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "80", "LINES": str(rows), **env})
    child = pexpect.spawn(
        "bash", ["-c", command(args)], env=full, cwd=str(cwd), encoding="utf-8", dimensions=(rows, 80), timeout=30
    )
    log = io.StringIO()
    child.logfile_read = log
    return child, log


def end(child: pexpect.spawn[str]) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, f"killed by signal {child.signalstatus}"
    return int(child.exitstatus)


@pytest.fixture
def stub_pager(tmp_path: Path) -> tuple[str, Path, Path]:
    """A pager that records that it ran, and what it was given."""
    ran, got = tmp_path / "pager-ran", tmp_path / "pager-got"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ntouch {shlex.quote(str(ran))}\ncat > {shlex.quote(str(got))}\n")
    script.chmod(0o755)
    (tmp_path / "teen.yaml").write_text(TEEN)
    return str(script), ran, got


def test_a_long_plan_goes_through_the_pager_then_the_crisis_lines_stay_on_screen(
    tmp_path: Path, stub_pager: tuple[str, Path, Path]
) -> None:
    pager, ran, got = stub_pager
    child, log = spawn("ask --answers teen.yaml", tmp_path, PAGER=pager)
    assert end(child) == 0
    assert ran.exists()
    paged = got.read_text(encoding="utf-8")
    assert TITLE in paged and "Questions to ask the therapist" in paged
    shown = re.sub(r"\x1b\[[0-9;]*m|[│╭╮╰╯─]", " ", log.getvalue())  # the words, without colours or the box
    after = " ".join(shown.split())
    uk = load_kb().crisis.region("uk")
    assert uk is not None
    for line in uk.lines:  # the pager has closed: the region's lines are what the screen shows last
        assert line.contact in after


def test_no_pager_and_a_file_print_directly(tmp_path: Path, stub_pager: tuple[str, Path, Path]) -> None:
    pager, ran, _ = stub_pager
    child, log = spawn("ask --answers teen.yaml --no-pager", tmp_path, PAGER=pager)
    assert end(child) == 0
    assert not ran.exists()
    assert TITLE in log.getvalue() and "Questions to ask the therapist" in log.getvalue()
    child, _ = spawn("ask --answers teen.yaml > plan.txt", tmp_path, PAGER=pager)
    assert end(child) == 0
    assert not ran.exists()
    assert (tmp_path / "plan.txt").read_text(encoding="utf-8").startswith(TITLE)


def test_a_plan_that_fits_the_screen_is_not_paged(tmp_path: Path, stub_pager: tuple[str, Path, Path]) -> None:
    pager, ran, _ = stub_pager
    child, _ = spawn("ask --answers teen.yaml", tmp_path, rows=1000, PAGER=pager)
    assert end(child) == 0
    assert not ran.exists()


def test_a_dumb_terminal_gets_numbered_questions_and_no_escape_codes(tmp_path: Path) -> None:
    kb = load_kb()
    concerns, therapy, region = kb.question("concerns"), kb.question("therapy"), kb.question("region")
    child, log = spawn("ask", tmp_path, rows=40, TERM="dumb")
    child.expect_exact("How old is your child?")
    child.expect_exact("Type a number")
    child.send("-1" + ENTER)
    child.expect_exact(f"-1 is out of range; give a whole number from {kb.question('child_age').min}")
    child.send("15 yrs" + ENTER)
    child.expect_exact("separated by commas")
    number = concerns.choice_ids().index("self-harm") + 1
    anxiety = concerns.choice_ids().index("anxiety") + 1
    child.send(f"{anxiety}, {number}" + ENTER)
    child.expect_exact(f"= {concerns.label('anxiety')}; {concerns.label('self-harm')}")
    child.expect_exact("Type a number")
    child.send(f"{therapy.choice_ids().index('dbt') + 1}" + ENTER)
    child.expect_exact("(Enter for 1)")
    child.send(ENTER)  # the default: just starting
    child.expect_exact("Type a number")
    child.send(f"{region.choice_ids().index('uk') + 1}" + ENTER)
    child.expect_exact("Your answers:")
    child.expect_exact("see your plan")
    child.send(ENTER)
    child.expect_exact("Save a printable copy of this plan")
    child.expect_exact("Enter for no")
    child.send("y" + ENTER)
    child.expect_exact("Saved")
    assert end(child) == 0
    shown = log.getvalue()
    assert "\x1b" not in shown
    assert TITLE in shown and "Childline" in shown
    pages = list(tmp_path.glob("parentinvolve-plan-*.html"))
    assert len(pages) == 1
    assert stat.S_IMODE(pages[0].stat().st_mode) == 0o600
    assert str(pages[0]) in " ".join(shown.split()).replace(" ", "") or pages[0].name in shown
    assert "tel:" in pages[0].read_text(encoding="utf-8")


def test_a_warm_completion_reads_the_cache_and_never_imports_yaml(tmp_path: Path) -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PARENTINVOLVE_"))}
    env.update(
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        _PARENTINVOLVE_COMPLETE="complete_bash",
        COMP_WORDS="parentinvolve explain pc",
        COMP_CWORD="2",
    )
    cmd = [sys.executable, "-X", "importtime", "-m", "parentinvolve"]
    cold = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    warm = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert cold.returncode == warm.returncode == 0, warm.stderr[-500:]
    assert "pcit" in warm.stdout.split()
    assert " yaml" in cold.stderr  # the first run read the YAML (so the check below can fail)
    assert " yaml" not in warm.stderr and " questionary" not in warm.stderr
