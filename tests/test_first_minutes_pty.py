"""The first minutes on a real terminal (pexpect): the pager says how to leave it, crisis help the moment
self-harm is typed and again on Ctrl-C, `--plain-text` for a screen reader, and the save offer's words."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pexpect
import pytest

from parentinvolve.kb import load as load_kb
from test_readable_pty import ENTER, TEEN, end, spawn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only"),
]
CTRL_C = "\x03"


def expect_words(child: pexpect.spawn[str], text: str) -> None:
    """Wait for `text`, wherever the terminal's width wrapped it."""
    child.expect(r"\s+".join(re.escape(word) for word in text.split()))


def test_less_says_how_to_leave_it(tmp_path: Path) -> None:
    """`less` with no LESS of the user's: its prompt says Space, b and q, and at the end that q quits."""
    (tmp_path / "teen.yaml").write_text(TEEN, encoding="utf-8")
    child, _ = spawn("ask --answers teen.yaml", tmp_path, rows=20)
    child.expect_exact("Space for more, b to go back, q to quit")
    child.send("G")  # to the end
    child.expect_exact("End of the plan. q to quit")
    child.send("q")
    child.expect_exact("Samaritans")  # the crisis lines, again, once the pager has closed
    assert end(child) == 0


def test_a_users_own_less_prompt_is_kept(tmp_path: Path) -> None:
    (tmp_path / "teen.yaml").write_text(TEEN, encoding="utf-8")
    child, log = spawn("ask --answers teen.yaml", tmp_path, rows=20, LESS="-R -Psmine")
    child.expect_exact("mine")
    child.send("q")
    assert end(child) == 0
    assert "q to quit" not in log.getvalue()


def test_crisis_help_as_soon_as_self_harm_is_typed_and_again_on_ctrl_c(tmp_path: Path) -> None:
    kb = load_kb()
    self_harm = kb.question("concerns").choice_ids().index("self-harm") + 1
    child, log = spawn("ask --plain-text", tmp_path, rows=20, COLUMNS="60")
    child.expect_exact("Type a number")
    child.send("15" + ENTER)
    child.expect_exact("separated by commas")
    child.send(f"{self_harm}" + ENTER)
    expect_words(child, "You will get your country's crisis lines at the end.")
    child.expect_exact("What kind of therapy")  # shown before the next question
    child.send(CTRL_C)
    child.expect_exact("stopped. Nothing was saved.")
    expect_words(child, "Call the emergency number for where you live straight away.")
    assert end(child) == 130
    shown = log.getvalue()
    assert "\x1b" not in shown  # numbered questions with --plain-text, even on an xterm


def test_plain_text_mode_reads_as_words(tmp_path: Path) -> None:
    """`--plain-text`: numbered questions, the plan with no drawn lines, no pager, and the save offer names
    the folder; every line at 60 columns whole (nothing cut mid-word)."""
    kb = load_kb()
    concerns, region = kb.question("concerns"), kb.question("region")
    (tmp_path / ".git").mkdir()  # run inside a git checkout: the copy goes to the home folder instead
    home = tmp_path / "home"
    home.mkdir()
    child, log = spawn("ask --plain-text", tmp_path, rows=20, COLUMNS="60", HOME=str(home))
    child.expect_exact("Type a number")
    child.send("15" + ENTER)
    child.expect_exact("separated by commas")
    child.send(f"{concerns.choice_ids().index('self-harm') + 1}" + ENTER)
    child.expect_exact("Type a number")
    child.send(f"{len(kb.question('therapy').choices)}" + ENTER)
    child.expect_exact("(Enter for 1)")
    child.send(ENTER)
    child.expect_exact("Type a number")
    child.send(f"{region.choice_ids().index('uk') + 1}" + ENTER)
    expect_words(child, "Samaritans: 116 123")  # the country's line, before the review
    child.expect_exact("see your plan")
    child.send(ENTER)
    expect_words(child, "Save a printable copy of this plan (a web page) as ~/parentinvolve-plan-")
    child.send("y" + ENTER)
    expect_words(child, "(only you can read it). Open it in a web browser to read or print it.")
    assert end(child) == 0
    assert len(list(home.glob("parentinvolve-plan-*.html"))) == 1 and not list(tmp_path.glob("*.html"))
    shown = log.getvalue().replace("\r\n", "\n")
    long = [line for line in shown.splitlines() if len(line) > 60 and not re.fullmatch(r"\s*https?://\S+", line)]
    assert not long, long[:3]  # at 60 columns, every line whole: nothing for the terminal to cut mid-word
    plan = shown[shown.index("Your part in your child's therapy.") :]
    assert "\x1b" not in shown
    assert not re.search(r"^(=+|-+|!+|·+)$", plan, re.M), "a drawn line in plain-text mode"
    assert not re.search(r"[─│╭╮╰╯━]", plan)
    assert "In short:" in plan and "Sources:" in plan
    assert "Space for more" not in shown  # no pager
