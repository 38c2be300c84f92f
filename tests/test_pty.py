"""`parentinvolve ask` in a real pseudo-terminal, pressing real keys (pexpect)."""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "
CTRL_C, CTRL_D = "\x03", "\x04"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
TITLE = "Your part in your child's therapy"
STOPPED = "parentinvolve: stopped. Nothing was saved."
PROMPT_ONLY = ["(arrow keys", "space to tick", "Is this right?", "Show my plan", "Change:", "Ctrl-C to stop"]

pytestmark = [
    pytest.mark.slow,  # every test here drives a real pseudo-terminal
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only"),
]


def before(child: pexpect.spawn[str]) -> str:
    """What the terminal showed before the last match."""
    text = child.before
    assert isinstance(text, str)
    return text


def script() -> list[str]:
    exe = Path(sys.executable).parent / "parentinvolve"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "parentinvolve"]


def command(args: str) -> str:
    """A shell command line running parentinvolve with `args` (which may redirect)."""
    return " ".join(shlex.quote(part) for part in script()) + " " + args


def terminal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", COLUMNS="100", LINES="40", PAGER="cat")
    return env


def spawn(command: str, cwd: Path) -> pexpect.spawn[str]:
    """Run a shell command line in a new pseudo-terminal, 100 columns wide."""
    return pexpect.spawn(
        "bash",
        ["-c", command],
        env=terminal_env(),
        cwd=str(cwd),
        encoding="utf-8",
        dimensions=(40, 100),
        timeout=30,
    )


SAVE_OFFER = "Save a printable copy of this plan"


def finish(child: pexpect.spawn[str], save: str = "n") -> tuple[int, str]:
    """Wait for the end (answering `save` when offered a printable copy); the exit status and everything
    the terminal showed since the last expect."""
    shown = ""
    if child.expect_exact([SAVE_OFFER, pexpect.EOF]) == 0:
        shown = before(child) + SAVE_OFFER
        child.send(save + ENTER)
        child.expect(pexpect.EOF)
    shown = ANSI.sub("", shown + before(child))
    child.close()
    assert child.exitstatus is not None, f"killed by signal {child.signalstatus}"
    return child.exitstatus, shown


def answer_everything(child: pexpect.spawn[str]) -> None:
    """A 15-year-old, self-harm, DBT, just starting, in the UK: every question, with real keys."""
    child.expect_exact("How old is your child?")
    child.send("15" + ENTER)
    child.expect_exact("(space to tick, enter when done)")
    child.send(DOWN * 3 + SPACE)  # behaviour, anxiety, depression -> self-harm
    child.send(ENTER)
    child.expect_exact("What kind of therapy")
    child.send(DOWN * 3 + ENTER)  # cbt, play, pcit -> dbt
    child.expect_exact("How far along are you?")
    child.send(ENTER)  # just starting (the default)
    child.expect_exact("Which country do you live in?")
    child.send(DOWN + ENTER)  # us -> uk
    child.expect_exact("Is this right?")
    child.expect_exact("Change: Which country do you live in?")
    child.send(ENTER)  # Show my plan


def test_answer_every_question_review_and_get_the_plan(tmp_path: Path) -> None:
    child = spawn(command("ask"), tmp_path)
    answer_everything(child)
    code, shown = finish(child)
    assert code == 0
    assert TITLE in shown
    for heading in ("At a glance", "What stays private", "Questions to ask the therapist", "Sources"):
        assert heading in shown
    assert "Childline" in shown and "0800 1111 (under 19)" in shown
    assert "Dialectical behavior therapy" in shown
    assert "Traceback" not in shown


def test_the_review_shows_the_answers_in_words(tmp_path: Path) -> None:
    child = spawn(command("ask --format plain"), tmp_path)
    child.expect_exact("How old is your child?")
    child.send("9" + ENTER)
    child.expect_exact("(space to tick, enter when done)")
    child.send(DOWN + SPACE + ENTER)  # anxiety
    child.expect_exact("What kind of therapy")
    child.send(ENTER)  # cbt
    child.expect_exact("How far along are you?")
    child.send(DOWN + ENTER)  # under way
    child.expect_exact("Which country do you live in?")  # asked of everyone, not only for self-harm
    child.send(DOWN + ENTER)  # us -> uk
    child.expect_exact("Your answers:")
    child.expect_exact("Is this right?")
    review = ANSI.sub("", before(child))
    assert "How old is your child? 9" in review
    assert "Anxiety or a lot of worry" in review
    assert "Under way" in review
    assert "Which country do you live in? United Kingdom" in review
    child.send(ENTER)
    code, shown = finish(child)
    assert code == 0
    assert "Before the first appointment" not in shown  # sessions are under way
    assert "responsibility" in shown and "privacy law" not in shown  # the region changes the plan, without self-harm
    assert "Safety first" not in shown


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_stopping_at_the_second_question_exits_130_with_nothing_on_stdout(tmp_path: Path, key: str) -> None:
    out = tmp_path / "OUT"
    child = spawn(command(f"ask --save answers.yaml > {shlex.quote(str(out))}"), tmp_path)
    child.expect_exact("How old is your child?")
    child.send("7" + ENTER)
    child.expect_exact("What are you most worried about?")
    child.expect_exact("(space to tick, enter when done)")
    child.send(key)
    code, shown = finish(child)
    assert code == 130
    assert out.read_text() == ""
    assert shown.count(STOPPED) == 1
    assert shown.strip().endswith(STOPPED)
    assert "Traceback" not in shown
    assert not (tmp_path / "answers.yaml").exists()


def test_ctrl_c_at_the_first_question(tmp_path: Path) -> None:
    out = tmp_path / "OUT"
    child = spawn(command(f"ask > {shlex.quote(str(out))}"), tmp_path)
    child.expect_exact("How old is your child?")
    child.send("1" + CTRL_C)
    code, shown = finish(child)
    assert code == 130
    assert out.read_text() == ""
    assert STOPPED in shown and "Traceback" not in shown


def test_stdout_to_a_file_gets_only_the_plan_and_save_replays_it(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    child = spawn(command("ask --save answers.yaml > plan.txt"), tmp_path)
    answer_everything(child)
    code, shown = finish(child)
    assert code == 0
    text = plan.read_text(encoding="utf-8")
    assert text.startswith(TITLE + "\n")
    assert "At a glance" in text and "Childline: 0800 1111 (under 19)" in text
    for prompt_text in PROMPT_ONLY:
        assert prompt_text not in text
    assert "\x1b" not in text
    assert TITLE not in shown  # the plan went to the file, not the screen

    saved = tmp_path / "answers.yaml"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    replay = subprocess.run(
        [*script(), "ask", "--answers", str(saved), "--format", "plain"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=terminal_env(),
        timeout=60,
    )
    assert replay.returncode == 0, replay.stderr
    assert replay.stdout == text


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, "pipe"], ids=["devnull", "pipe"])
def test_without_a_terminal_and_without_answers_it_says_to_use_answers_file(stdin: object) -> None:
    proc = subprocess.run(
        [*script(), "ask"],
        input="7\n" if stdin == "pipe" else None,
        stdin=None if stdin == "pipe" else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "--answers FILE" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_partial_answers_file_on_a_terminal_asks_only_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "partial.yaml").write_text("child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\n")
    child = spawn(command("ask --answers partial.yaml --format json > plan.json"), tmp_path)
    child.expect_exact("How far along are you?")
    asked_first = ANSI.sub("", before(child))
    child.send(DOWN + ENTER)  # under way
    child.expect_exact("Which country do you live in?")
    child.send(DOWN * 4 + ENTER)  # ie
    code, shown = finish(child)
    assert code == 0
    for already in ("How old is your child?", "What are you most worried about?", "What kind of therapy"):
        assert already not in asked_first + shown
    data = json.loads((tmp_path / "plan.json").read_text())
    assert data["answers"] == {
        "child_age": 15,
        "concerns": ["self-harm"],
        "therapy": "dbt",
        "stage": "ongoing",
        "region": "ie",
    }


def test_a_complete_answers_file_on_a_terminal_asks_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("child_age: 4\nconcerns: [behavior]\ntherapy: pcit\nstage: starting\nregion: us\n")
    child = spawn(command("ask --answers a.yaml --format plain"), tmp_path)
    code, shown = finish(child)
    assert code == 0
    assert shown.startswith(TITLE)
    assert "?" not in shown.split("\n", 1)[0]
    for prompt_text in PROMPT_ONLY:
        assert prompt_text not in shown


def test_an_answers_file_without_a_region_on_a_terminal_asks_only_the_region(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("child_age: 16\nconcerns: [anxiety]\ntherapy: cbt\nstage: ongoing\n")
    child = spawn(command("ask --answers a.yaml --format json > plan.json"), tmp_path)
    child.expect_exact("Which country do you live in?")
    asked_first = ANSI.sub("", before(child))
    child.send(DOWN + ENTER)  # us -> uk
    code, shown = finish(child)
    assert code == 0
    for already in ("How old is your child?", "What are you most worried about?", "How far along are you?"):
        assert already not in asked_first + shown
    data = json.loads((tmp_path / "plan.json").read_text())
    assert data["answers"]["region"] == "uk"
    consent = " ".join(" ".join(m["what_to_expect"]) for m in data["moments"] if m["id"] == "consent")
    assert "16- and 17-year-olds" in consent


def test_no_input_never_prompts_even_on_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "partial.yaml").write_text("concerns: [anxiety]\ntherapy: cbt\n")
    child = spawn(command("ask --no-input --answers partial.yaml"), tmp_path)
    code, shown = finish(child)
    assert code == 2
    assert "child_age is missing" in shown
    assert "How old is your child?" not in shown
    child = spawn(command("ask --no-input"), tmp_path)
    code, shown = finish(child)
    assert code == 2
    assert "--answers FILE" in shown


# --- signals at a prompt (issue 11): the terminal comes back, one line, 128 + the signal ---------------------

STTY_OK = re.compile(
    r"(?<![-\w])echo(?![-\w]).*(?<![-\w])icanon(?![-\w])|(?<![-\w])icanon(?![-\w]).*(?<![-\w])echo(?![-\w])", re.S
)


def program_pid(shell_pid: int, timeout: float = 10.0) -> int:
    """The pid of parentinvolve, run by the shell that pexpect started."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{shell_pid}/task/{shell_pid}/children").read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("parentinvolve did not start")


def prompt_then_signal(tmp_path: Path, signum: int, at: str) -> tuple[int, str, str]:
    """Run `ask` (stdout to a file), go to the prompt `at`, send `signum`; the exit code, what the
    terminal showed after the signal, and `stty -a` run in the same terminal afterwards."""
    import signal as signals
    import time

    child = spawn(command('ask > plan.txt; echo "EXIT=$?"; stty -a'), tmp_path)
    assert child.pid is not None
    pid = program_pid(child.pid)
    child.expect_exact("How old is your child?")
    if at != "text":
        child.send("9" + ENTER)
        child.expect_exact("(space to tick, enter when done)")
    if at == "select":
        child.send(SPACE + ENTER)
        child.expect_exact("What kind of therapy")
    time.sleep(0.3)
    os.kill(pid, signum)
    child.expect(r"EXIT=(\d+)")
    assert isinstance(child.match, re.Match)
    code = int(child.match.group(1))
    said = ANSI.sub("", before(child))
    child.expect(pexpect.EOF)
    stty = before(child)
    child.close()
    assert signals.Signals(signum)  # (a real signal number)
    return code, said, stty


@pytest.mark.slow
@pytest.mark.parametrize("at", ["text", "checkbox", "select"])
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"])
def test_a_signal_at_a_prompt_restores_the_terminal(tmp_path: Path, name: str, at: str) -> None:
    import signal as signals

    signum = int(getattr(signals, name))
    code, said, stty = prompt_then_signal(tmp_path, signum, at)
    assert code == 128 + signum
    lines = [line for line in said.splitlines() if line.strip().startswith("parentinvolve:")]
    assert len(lines) == 1, said
    assert "stopped" in lines[0] and "Traceback" not in said
    assert ("Nothing was saved." if name == "SIGINT" else f"stopped by {name}. Nothing was written.") in lines[0]
    assert STTY_OK.search(stty), f"the terminal was left raw:\n{stty}"
    assert "-echo " not in stty and "-icanon" not in stty
    assert (tmp_path / "plan.txt").read_text() == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.txt"]


@pytest.mark.slow
def test_prompts_stay_on_the_terminal_when_stdout_and_stderr_go_to_a_file(tmp_path: Path) -> None:
    """`ask > plan.txt 2>&1`: the questions are asked on the terminal (/dev/tty), the file gets the plan only."""
    child = spawn(command("ask > plan.txt 2>&1"), tmp_path)
    answer_everything(child)  # every question was seen on the terminal
    code, _ = finish(child)
    assert code == 0
    text = (tmp_path / "plan.txt").read_text(encoding="utf-8")
    assert text.startswith(TITLE + "\n")
    for prompt_text in PROMPT_ONLY:
        assert prompt_text not in text
    assert "\x1b" not in text


@pytest.mark.slow
def test_pasting_thousands_of_digits_at_the_age_prompt(tmp_path: Path) -> None:
    child = spawn(command("ask --format plain"), tmp_path)
    child.expect_exact("How old is your child?")
    child.send("9" * 5000 + ENTER)
    child.expect_exact("far out of range")
    child.send(CTRL_C)
    code, shown = finish(child)
    assert code == 130
    assert "Traceback" not in ANSI.sub("", before(child) or "") + shown
    assert STOPPED in shown


@pytest.mark.slow
@pytest.mark.parametrize("columns", ["0", "1000000000", "-3", "abc"])
@pytest.mark.parametrize("args", ["explain pcit", "topics"])
def test_an_absurd_width_on_a_terminal_still_shows_everything(tmp_path: Path, columns: str, args: str) -> None:
    """COLUMNS outside a sane range means the default width: never an empty screen, never a MemoryError."""
    child = pexpect.spawn(
        "bash",
        ["-c", command(args)],
        env={**terminal_env(), "COLUMNS": columns, "LINES": columns},
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(40, 100),
        timeout=60,
    )
    code, shown = finish(child)
    assert code == 0
    assert ("Parent-child interaction therapy" if args.startswith("explain") else "pcit") in shown
    assert "Traceback" not in shown and "MemoryError" not in shown
