"""Every bad input gets one clear line, the right exit code, and nothing is lost.

One table, each case in its own empty folder and home with a fixed terminal (COLUMNS=100, NO_COLOR=1,
TERM=dumb) unless the case says otherwise. A case that needs a process of its own (a shell line, bytes on
stdin, a memory limit, a mount, a closed stderr, an interpreter setting, a time limit, or `process=True`)
runs the *installed* `parentinvolve` command in a subprocess; the others run in-process through the same
`cli.main` the command calls, with the same environment and folder, which is what keeps the table fast
(starting Python costs more than most cases). For every
case: the exit code; a message on stderr naming the problem (a few lines at most); nothing on stdout for a
failure; no traceback anywhere; and no file created, changed or removed except the ones the case expects
(the folder is snapshotted before and after, and the shipped content with it).

Ctrl-C and Ctrl-D at each kind of prompt are covered in-process in test_prompts.py; the two pexpect tests at
the end press them at the first prompt of a real terminal.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import CONTENT, RunCli, edit, line_of, run_main

BIN = Path(sys.executable).parent
PARENTINVOLVE = shutil.which("parentinvolve", path=str(BIN)) or shutil.which("parentinvolve") or ""
BASE_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
# Variables that would change what the program prints; removed so the outer shell cannot leak in.
SCRUBBED = ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "LINES", "TERM", "CLICOLOR", "CLICOLOR_FORCE", "PYTHONIOENCODING")
SCRUBBED_PREFIXES = ("PARENTINVOLVE_", "TTY_")
PLAN_TITLE = "Your part in your child's therapy"
OK_ANSWERS = "child_age: 5\nconcerns: [anxiety]\ntherapy: cbt\n"
ESCAPES = ("\x1b[2J", "\x1b]8;")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str
    seconds: float


Setup = Callable[[Path], object]  # may return a mapping of values for the expected lines


@dataclass(frozen=True)
class Case:
    """One bad (or odd) input and what must happen.

    `args` are passed to parentinvolve, or, with `shell`, form a bash command where `PI` is the program.
    `err`/`out` are substrings that must appear; `{name}` in them is filled from what `setup` returns.
    `writes` are the paths (relative to the case folder) the run is expected to create or change.
    """

    id: str
    args: tuple[str, ...]
    code: int
    err: tuple[str, ...] = ()
    out: tuple[str, ...] = ()
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    setup: Setup | None = None
    env: Mapping[str, str | None] = field(default_factory=dict)
    stdin: str | bytes | None = None  # None: /dev/null
    max_lines: int = 3
    writes: tuple[str, ...] = ()
    shell: bool = False
    check: Callable[[Result, Path], None] | None = None
    max_seconds: float | None = None
    limit_memory: bool = False
    needs: str = ""  # "tmpfs" or "readonly": a folder the case gets mounted at `full/` or `locked/`
    xfail: str = ""
    stderr_closed: bool = False  # run with `2>&-` (or into a closed pipe): nothing can be said, exit code only
    warm: bool = True  # start with the shipped content already cached in the case's home, as after any first run
    process: bool = False  # run the installed command in a subprocess even when nothing else asks for one

    def needs_process(self) -> bool:
        return bool(
            self.process
            or self.shell
            or self.stdin is not None
            or self.limit_memory
            or self.needs
            or self.stderr_closed
            or self.max_seconds is not None
            or any(key.startswith("PYTHON") for key in self.env)
        )


# --- setups -----------------------------------------------------------------------------------------------------


def content_copy(work: Path) -> Path:
    return Path(shutil.copytree(CONTENT, work / "c"))


def with_content(change: Callable[[Path], object]) -> Setup:
    """A copy of the shipped content at `c/`, changed by `change(c)` (which may offer values for the expected
    lines as a mapping; anything else it returns is ignored)."""

    def setup(work: Path) -> Mapping[str, str] | None:
        offered = change(content_copy(work))
        return offered if isinstance(offered, Mapping) else None

    return setup


def swap(name: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    """Replace a content file by what `make(path)` puts in its place (a FIFO, a link...)."""

    def change(c: Path) -> None:
        (c / name).unlink()
        make(c / name)

    return change


def add_to(path: Path, text: str) -> None:
    """Append `text` to a file."""
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def replace_in(name: str, old: str, new: str, *, at: str = "") -> Callable[[Path], Mapping[str, str]]:
    """Edit one content file; `at` is a snippet of the new text whose line is offered as `{line}`."""

    def change(c: Path) -> Mapping[str, str]:
        edit(c / name, old, new)
        return {"line": str(line_of(c / name, at))} if at else {}

    return change


MARKUP = (
    "Markup [bold]x[/bold] and [/oops] and [link=http://evil.example/]here[/link], "
    "a clear-screen \\e[2J and an OSC 8 link \\e]8;;http://evil.example/\\e\\\\click\\e]8;;\\e\\\\ end"
)
CBT_SUMMARY = "  summary: A talking therapy built on practical skills, often used for anxiety or low mood.\n"


PCIT_RULE = "- id: role-pcit\n  because: you chose PCIT\n  when: {therapy: pcit}\n"


def markup_content(work: Path) -> Mapping[str, str]:
    c = content_copy(work)
    edit(c / "therapies.yaml", CBT_SUMMARY, f'  summary: "{MARKUP}"\n')
    (work / "ok.yaml").write_text(OK_ANSWERS, encoding="utf-8")
    return {}


def billion_laughs() -> str:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        lines.append(f"lol{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nchild_age: *a9\nconcerns: [anxiety]\ntherapy: cbt\n"


def marker_outside(work: Path) -> Path:
    return work.parent / "PWNED"


# --- extra checks -----------------------------------------------------------------------------------------------


def no_marker(result: Result, work: Path) -> None:
    assert not (work / "PWNED").exists() and not marker_outside(work).exists(), "the tag ran a command"


def no_escapes(result: Result, work: Path) -> None:
    for text in (result.out, result.err, *(p.read_text("utf-8", "replace") for p in work.glob("plan*"))):
        for seq in ESCAPES:
            assert seq not in text, f"{seq!r} reached the output"


def markup_kept(result: Result, work: Path) -> None:
    no_escapes(result, work)
    text = result.out + "".join(p.read_text("utf-8") for p in work.glob("plan*"))
    assert "[/oops]" in text or "\\[/oops\\]" in text, "markup must be shown literally (or stripped)"
    assert "[bold]x[/bold]" in text or "\\[bold\\]x\\[/bold\\]" in text
    assert "click" in text and " end" in text, "the text around the escapes must survive"


def colour_on(result: Result, work: Path) -> None:
    assert "\x1b[" in result.out, "FORCE_COLOR=1 with --format rich should colour the output"
    if (work / "c").exists():
        markup_kept(result, work)
    else:
        no_escapes(result, work)


def no_ansi(result: Result, work: Path) -> None:
    assert "\x1b" not in result.out + result.err


def owner_only(*names: str) -> Callable[[Result, Path], None]:
    def check(result: Result, work: Path) -> None:
        for name in names:
            mode = stat.S_IMODE((work / name).stat().st_mode)
            assert mode == 0o600, f"{name} has mode {mode:o}, not 600"

    return check


def saved_answers_replay(result: Result, work: Path) -> None:
    owner_only("saved.yaml")(result, work)
    again = subprocess.run(
        [PARENTINVOLVE, "ask", "--answers", "saved.yaml", "--format", "json"],
        cwd=work,
        env=environment({}, work.parent / "home"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert again.returncode == 0, again.stderr
    assert '"child_age": 5' in again.stdout


def whole_words(entry_id: str) -> Callable[[Result, Path], None]:
    """At COLUMNS=20 every word of the entry's text must still appear whole (never cut mid-word)."""

    def check(result: Result, work: Path) -> None:
        from parentinvolve.kb.build import load

        entry = load(CONTENT).entry(entry_id)
        assert entry is not None
        words = set(result.out.split())
        texts = [entry.summary, *(t for s in entry.sections for t in s.text)]
        missing = [w for t in texts for w in t.split() if w not in words]
        assert not missing, f"words cut or lost at COLUMNS=20: {missing[:10]}"

    return check


def plan_words_whole(result: Result, work: Path) -> None:
    words = set(result.out.split())
    for phrase in (PLAN_TITLE, "Questions to ask the therapist", "What stays private", "Sources"):
        assert all(w in words for w in phrase.split()), phrase


def short_stderr(limit: int) -> Callable[[Result, Path], None]:
    def check(result: Result, work: Path) -> None:
        assert len(result.err) <= limit, f"stderr is {len(result.err)} characters long"

    return check


def untouched(name: str, text: str) -> Callable[[Result, Path], None]:
    def check(result: Result, work: Path) -> None:
        assert (work / name).read_text(encoding="utf-8") == text

    return check


# --- the table ------------------------------------------------------------------------------------------------

A = ("ask", "--answers")
EXAMPLE_CLINIC = Path(__file__).resolve().parent.parent / "examples" / "clinic"


def answers(text: str | bytes) -> dict[str, str | bytes]:
    return {"a.yaml": text}


CASES: list[Case] = [
    # --- answers files ---------------------------------------------------------------------------------------
    Case("answers-missing-file", (*A, "nope.yaml"), 2, ("nope.yaml", "no such file")),
    Case("answers-is-a-folder", (*A, "adir"), 2, ("adir", "folder, not a file"), files={"adir/keep": ""}),
    Case("answers-empty", (*A, "a.yaml"), 2, ("a.yaml", "empty"), files=answers("")),
    Case("answers-only-comments", (*A, "a.yaml"), 2, ("a.yaml:1:1: the file is empty",), files=answers("# hi\n")),
    Case(
        "answers-not-a-mapping",
        (*A, "a.yaml"),
        2,
        ("should be a mapping like `child_age: 7`", "not a list"),
        files=answers("- anxiety\n- cbt\n"),
    ),
    Case("answers-plain-text", (*A, "a.yaml"), 2, ("should be a mapping", "not text"), files=answers("hello\n")),
    Case(
        "answers-invalid-yaml-located",
        (*A, "a.yaml"),
        2,
        ("a.yaml:3:8: invalid YAML", "started at line 2", "']'"),
        files=answers("child_age: 5\nconcerns: [anxiety\ntherapy: cbt\n"),
    ),
    Case(
        "answers-invalid-json-located",
        (*A, "a.json"),
        2,
        ("a.json:2:14: invalid JSON: Expecting value",),
        files={"a.json": '{"child_age": 5,\n "concerns": ]}'},
    ),
    Case(
        "answers-json-trailing-comma",
        (*A, "a.json"),
        2,
        ("a.json:1:35: invalid JSON",),
        files={"a.json": '{"child_age": 5, "therapy": "cbt",}'},
    ),
    Case(
        "answers-json-read-as-json",  # 1e1 is a number in JSON (YAML 1.1 would read text)
        (*A, "a.json"),
        2,
        ("child_age: 10.0 is not a whole number",),
        files={"a.json": '{"child_age": 1e1, "concerns": ["anxiety"], "therapy": "cbt"}'},
    ),
    Case(
        "answers-unknown-key",
        (*A, "a.yaml"),
        2,
        ('unknown question "colour"', "the questions are: child_age, concerns, therapy"),
        files=answers(OK_ANSWERS + "colour: blue\n"),
    ),
    Case(
        "answers-misspelt-key",
        (*A, "a.yaml"),
        2,
        ('unknown question "child_agee" (did you mean: child_age?)',),
        files=answers("child_agee: 5\nconcerns: [anxiety]\ntherapy: cbt\n"),
    ),
    Case(
        "answers-duplicate-key",
        (*A, "a.yaml"),
        2,
        ("a.yaml:4:1: duplicate key 'therapy' (first at line 3); keep only one",),
        files=answers(OK_ANSWERS + "therapy: pcit\n"),
    ),
    Case(
        "answers-unknown-therapy",
        (*A, "a.yaml"),
        2,
        ('therapy: "pcitt" is not one of:', "(did you mean: pcit?)"),
        files=answers("child_age: 5\nconcerns: [anxiety]\ntherapy: pcitt\n"),
        max_lines=1,
    ),
    *(
        Case(
            f"answers-age-{name}",
            (*A, "a.yaml"),
            2,
            ("a.yaml: child_age: ", shown, "; give a whole number from 0 to 17"),
            files=answers(f"child_age: {value}\nconcerns: [anxiety]\ntherapy: cbt\n"),
            max_lines=1,
        )
        for name, value, shown in (
            ("minus-1", "-1", "-1 is out of range"),
            ("18", "18", "18 is out of range"),
            ("five", '"five"', '"five" is not a whole number'),
            ("4.5", "4.5", "4.5 is not a whole number"),
            ("true", "true", "true is not a whole number"),
            ("empty", "", "the answer is empty"),
            ("5000-digits", '"' + "5" * 5000 + '"', "far out of range"),
        )
    ),
    Case(
        "answers-concerns-not-a-list",
        (*A, "a.yaml"),
        2,
        ("concerns: should be a list, like [behavior]",),
        files=answers("child_age: 5\nconcerns: anxiety\ntherapy: cbt\n"),
    ),
    Case(
        "answers-concerns-empty",
        (*A, "a.yaml"),
        2,
        ("concerns: pick at least one",),
        files=answers("child_age: 5\nconcerns: []\ntherapy: cbt\n"),
    ),
    Case(
        "answers-concerns-duplicates",
        (*A, "a.yaml"),
        2,
        ('concerns: "anxiety" is listed twice; list each once',),
        files=answers("child_age: 5\nconcerns: [anxiety, anxiety]\ntherapy: cbt\n"),
    ),
    Case(
        "answers-several-problems-one-line-each",
        (*A, "a.yaml"),
        2,
        ("a.yaml: child_age: 18 is out of range", 'a.yaml: therapy: "pcitt" is not one of'),
        files=answers("child_age: 18\nconcerns: [anxiety]\ntherapy: pcitt\n"),
    ),
    Case(
        "answers-billion-laughs",
        (*A, "a.yaml"),
        2,
        ("anchors and aliases (&name, *name) are not allowed",),
        files=answers(billion_laughs()),
        max_seconds=2.0,
        limit_memory=True,
        max_lines=1,
    ),
    Case(
        "answers-python-tag-never-runs",
        (*A, "a.yaml"),
        2,
        ("a.yaml:1:12: unsupported tag", "remove it"),
        files=answers(
            'child_age: !!python/object/apply:os.system ["touch PWNED; touch ../PWNED"]\n'
            "concerns: [anxiety]\ntherapy: cbt\n"
        ),
        check=no_marker,
    ),
    Case(
        "answers-not-utf8",
        (*A, "a.yaml"),
        2,
        ("a.yaml:3:14: this is not UTF-8 text; save the file as UTF-8",),
        files=answers(b'child_age: 5\nconcerns: [anxiety]\ntherapy: "caf\xe9"\n'),
    ),
    Case(
        "answers-control-character",
        (*A, "a.yaml"),
        2,
        ("a.yaml:3:13: the character U+001B is not allowed", "remove it"),
        files=answers("child_age: 5\nconcerns: [anxiety]\ntherapy: cbt\x1b[2J\n"),
        check=no_escapes,
    ),
    Case(
        "answers-bom-and-crlf-accepted",
        (*A, "a.yaml"),
        0,
        out=(PLAN_TITLE, "Cognitive behavioral therapy (CBT)"),
        files=answers(b"\xef\xbb\xbfchild_age: 5\r\nconcerns: [anxiety]\r\ntherapy: cbt\r\n"),
    ),
    Case(
        "answers-over-1-mib-rejected-before-parsing",
        (*A, "a.yaml"),
        2,
        ("a.yaml:1:1: the file is too big",),
        # If this were parsed, the unclosed brackets would be reported instead of the size.
        files=answers("[" * 2000 + "\n" + "#" * (1024 * 1024) + "\n"),
        max_seconds=2.0,
    ),
    Case(
        "answers-endless-device",
        (*A, "/dev/zero"),
        2,
        ("/dev/zero:1:1: this is a device or other special file, not a regular file",),
        max_seconds=2.0,
        limit_memory=True,
    ),
    Case(
        "answers-bad-no-output-file-written",
        (*A, "a.yaml", "--output", "plan.md", "--save", "saved.yaml"),
        2,
        ("therapy",),
        files=answers("child_age: 5\nconcerns: [anxiety]\ntherapy: nope\n"),
    ),
    # --- content folders -------------------------------------------------------------------------------------
    Case("content-missing-folder-validate", ("validate", "nowhere"), 1, ("nowhere", "no such folder")),
    Case("content-missing-folder-option", ("--content", "nowhere", "topics"), 1, ("nowhere", "no such folder")),
    Case("content-empty-folder", ("validate", "empty"), 1, ("empty", "sources.yaml"), files={"empty/.keep": ""}),
    Case("content-a-file-not-a-folder", ("--content", "a.yaml", "topics"), 1, ("not a folder",), files=answers("")),
    Case(
        "content-yaml-syntax",
        ("validate", "c"),
        1,
        ("c/moments.yaml:", "invalid YAML: while parsing a flow sequence started at line {line},", "has 1 problem"),
        setup=with_content(
            replace_in("moments.yaml", "  name: Giving consent\n", "  name: [Giving consent\n", at="  name: [Giving")
        ),
    ),
    Case(
        "content-duplicate-key",
        ("validate", "c"),
        1,
        ("c/moments.yaml:{line}:3: duplicate key 'name'",),
        setup=with_content(
            replace_in(
                "moments.yaml",
                "  name: Giving consent\n",
                "  name: Giving consent\n  name: Consent\n",
                at="  name: Consent",
            )
        ),
    ),
    Case(
        "content-unknown-field",
        ("--content", "c", "explain", "pcit"),
        1,
        ("c/therapies.yaml:{line}:3: unknown field 'sumary' in a therapy (did you mean: summary?)",),
        setup=with_content(
            replace_in("therapies.yaml", CBT_SUMMARY, CBT_SUMMARY.replace("summary", "sumary"), at="  sumary:")
        ),
    ),
    Case(
        "content-missing-field",
        ("validate", "c"),
        1,
        ("c/attendance.yaml:3:3: an attendance level is missing the field 'label'",),
        setup=with_content(replace_in("attendance.yaml", "  label: Every session\n", "")),
        max_lines=2,
    ),
    Case(
        "content-no-read-as-yes-no",
        ("validate", "c"),
        1,
        ("c/moments.yaml:{line}:9: name should be text, not yes/no (true/false); YAML reads `no` as",),
        setup=with_content(replace_in("moments.yaml", "  name: Giving consent\n", "  name: no\n", at="  name: no")),
        max_lines=2,
    ),
    Case(
        "content-bad-id",
        ("validate", "c"),
        1,
        ("c/rules.yaml:{line}:7: rule id 'Consent Starting' should be lower-case words joined by hyphens",),
        setup=with_content(
            replace_in("rules.yaml", "- id: consent-starting\n", "- id: Consent Starting\n", at="- id: Consent")
        ),
    ),
    Case(
        "content-unknown-source",
        ("validate", "c"),
        1,
        (
            "c/rules.yaml:{line}:",
            "unknown source 'psychcentral-parent-involvment' (did you mean",
        ),
        setup=with_content(
            replace_in(
                "rules.yaml",
                "  when: {stage: [starting, waiting]}\n  sources: [psychcentral-parent-involvement]\n",
                "  when: {stage: [starting, waiting]}\n  sources: [psychcentral-parent-involvment]\n",
                at="  sources: [psychcentral-parent-involvment]",
            )
        ),
        max_lines=2,
    ),
    Case(
        "content-duplicate-id",
        ("validate", "c"),
        1,
        ("duplicate attendance id 'every-session'",),
        setup=with_content(
            lambda c: add_to(c / "attendance.yaml", "\n- id: every-session\n  label: Again\n  description: Again.\n")
        ),
        max_lines=4,
    ),
    Case(
        "content-condition-unknown-question",
        ("validate", "c"),
        1,
        ("c/rules.yaml:{line}:10: unknown question 'therapie' in condition (did you mean: therapy?)",),
        setup=with_content(
            replace_in("rules.yaml", PCIT_RULE, PCIT_RULE.replace("therapy:", "therapie:"), at="  when: {therapie")
        ),
    ),
    Case(
        "content-condition-unknown-choice",
        ("validate", "c"),
        1,
        ("c/rules.yaml:{line}:19: 'pcitt' is not a choice of therapy (did you mean: pcit?)",),
        setup=with_content(
            replace_in("rules.yaml", PCIT_RULE, PCIT_RULE.replace("pcit}", "pcitt}"), at="  when: {therapy: pcitt")
        ),
    ),
    Case(
        "content-file-missing",
        ("--content", "c", "topics"),
        1,
        ("c/asks.yaml:1:1: missing file asks.yaml",),
        setup=with_content(lambda c: (c / "asks.yaml").unlink()),
        max_lines=4,
    ),
    Case(
        "content-not-a-list",
        ("validate", "c"),
        1,
        ("c/attendance.yaml:1:1: attendance.yaml should be a list",),
        setup=with_content(lambda c: (c / "attendance.yaml").write_text("every-session: Every session\n") and None),
        max_lines=6,
    ),
    Case(
        "content-alias",
        ("validate", "c"),
        1,
        ("anchors and aliases (&name, *name) are not allowed",),
        setup=with_content(
            replace_in("attendance.yaml", "  label: Every session\n", "  label: &l Every session\n  x: *l\n")
        ),
        max_lines=4,
    ),
    Case(
        "content-python-tag-never-runs",
        ("validate", "c"),
        1,
        ("c/moments.yaml:{line}:9: unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'",),
        setup=with_content(
            replace_in(
                "moments.yaml",
                "  name: Giving consent\n",
                '  name: !!python/object/apply:os.system ["touch PWNED; touch ../PWNED"]\n',
                at="  name: !!python",
            )
        ),
        check=no_marker,
    ),
    Case(
        "content-not-utf8",
        ("validate", "c"),
        1,
        (
            "c/attendance.yaml:",
            "this is not UTF-8 text",
        ),
        setup=with_content(lambda c: (c / "attendance.yaml").write_bytes(b"- id: caf\xe9\n") and None),
    ),
    Case(
        "content-raw-escape-located",
        ("validate", "c"),
        1,
        ("c/therapies.yaml:{line}:22: the character U+001B is not allowed", "has 1 problem"),
        setup=with_content(
            replace_in("therapies.yaml", CBT_SUMMARY, "  summary: Clear this\x1b[2J now.\n", at="  summary: Clear this")
        ),
        check=no_escapes,
        max_lines=2,
    ),
    Case(
        "content-markup-rich-forced-colour",
        ("--content", "c", "explain", "cbt", "--format", "rich"),
        0,
        out=("Markup",),
        setup=markup_content,
        env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"},
        check=colour_on,
    ),
    *(
        Case(
            f"content-markup-{fmt}",
            ("--content", "c", "explain", "cbt", "--format", fmt),
            0,
            out=("Markup",),
            setup=markup_content,
            check=markup_kept,
        )
        for fmt in ("plain", "markdown", "json")
    ),
    Case(
        "content-markup-in-a-plan-html",
        ("--content", "c", "ask", "--answers", "ok.yaml", "--output", "plan.html"),
        0,
        setup=markup_content,
        writes=("plan.html",),
        check=markup_kept,
        max_lines=3,
    ),
    Case(
        "content-markup-validates",
        ("validate", "c"),
        0,
        out=("c: no problems found",),
        setup=markup_content,
        check=no_escapes,
    ),
    # --- the command line ------------------------------------------------------------------------------------
    Case("topic-unknown", ("explain", "nonsense"), 2, ("No topic called 'nonsense'", "parentinvolve topics")),
    Case("topic-typo", ("explain", "pcitt"), 2, ("Did you mean: pcit?",)),
    Case("topic-empty", ("explain", ""), 2, ("Give a topic to explain", "parentinvolve topics")),
    Case(
        "topic-10000-characters",
        ("explain", "x" * 10_000),
        2,
        ("No topic called 'xxxx", "…'"),
        check=short_stderr(200),
        max_seconds=5.0,
    ),
    Case("topic-non-ascii", ("explain", "thérapie-日本語"), 2, ("No topic called 'thérapie-日本語'",)),
    Case("topic-escape-sequence", ("explain", "\x1b[2J\x1b]8;;x\x07"), 2, ("\\x1b[2J",), check=no_escapes),
    Case("path-escape-sequence", (*A, "\x1b[2J.yaml"), 2, ("\\x1b[2J.yaml", "no such file"), check=no_escapes),
    Case("option-unknown", ("explain", "pcit", "--bogus"), 2, ("No such option: --bogus", "--help")),
    Case("command-unknown", ("explian", "pcit"), 2, ("No such command 'explian'", "parentinvolve --help")),
    Case("argument-missing", ("explain",), 2, ("Missing argument 'TOPIC'", "parentinvolve explain --help")),
    Case("format-unknown", ("explain", "pcit", "--format", "jsn"), 2, ("Unknown format 'jsn'", "json")),
    Case("no-input-without-answers", ("ask", "--no-input"), 2, ("--no-input needs --answers FILE",)),
    Case(
        "save-and-output-the-same-file",
        (*A, "ok.yaml", "--save", "x.yaml", "--output", "x.yaml"),
        2,
        ("--save and --output name the same file",),
        files={"ok.yaml": OK_ANSWERS},
    ),
    # --- the terminal ----------------------------------------------------------------------------------------
    Case("ask-stdin-dev-null", ("ask",), 2, ("no terminal to ask the questions on", "--answers FILE")),
    Case("ask-stdin-pipe", ("ask",), 2, ("no terminal", "--answers FILE"), stdin=b"7\n\n\n"),
    Case("term-dumb", ("explain", "pcit"), 0, out=("Parent-child interaction therapy (PCIT)",), check=no_ansi),
    Case(
        "no-color-even-on-xterm",
        ("explain", "pcit", "--format", "rich"),
        0,
        out=("Parent-child interaction therapy (PCIT)",),
        env={"TERM": "xterm-256color", "NO_COLOR": "1"},
        check=no_ansi,
    ),
    Case(
        "force-color-rich",
        ("explain", "pcit", "--format", "rich"),
        0,
        out=("Parent-child interaction therapy",),
        env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"},
        check=colour_on,
    ),
    Case(
        "force-color-piped-default-is-plain",
        ("explain", "pcit"),
        0,
        out=("Parent-child interaction therapy (PCIT)\n====",),
        env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm-256color"},
        check=no_ansi,
    ),
    Case(
        "columns-20-explain",
        ("explain", "pcit"),
        0,
        env={"COLUMNS": "20"},
        check=whole_words("pcit"),
    ),
    Case(
        "columns-20-plan",
        (*A, "ok.yaml"),
        0,
        out=("Your part in your",),  # the title wraps too
        files={"ok.yaml": OK_ANSWERS},
        env={"COLUMNS": "20"},
        check=plan_words_whole,
    ),
    Case(
        "not-utf8-terminal",
        (*A, "ok.yaml"),
        0,
        out=(PLAN_TITLE,),
        files={"ok.yaml": OK_ANSWERS},
        env={"PYTHONIOENCODING": "ascii"},
    ),
    Case(
        "piped-into-head",
        ('set -o pipefail; "$PI" explain pcit | head -1',),
        0,
        out=("Parent-child interaction therapy (PCIT)",),
        shell=True,
    ),
    Case(
        "piped-into-a-closed-pipe",  # the reader is gone before the first write: a real EPIPE
        ('set -o pipefail; "$PI" ask --answers ok.yaml --format json | true',),
        0,
        files={"ok.yaml": OK_ANSWERS},
        shell=True,
    ),
    Case(
        "stdout-disk-full",
        ('"$PI" explain pcit > /dev/full',),
        1,
        ("could not write the output: no space left on device",),
        shell=True,
        max_lines=1,
    ),
    # --- output files --------------------------------------------------------------------------------------
    Case(
        "output-missing-folder",
        (*A, "ok.yaml", "--output", "nodir/plan.txt"),
        2,
        ("nodir", "does not exist"),
        files={"ok.yaml": OK_ANSWERS},
    ),
    Case(
        "output-under-a-file",
        (*A, "ok.yaml", "--output", "ok.yaml/plan.txt"),
        2,
        ("ok.yaml is not a folder",),
        files={"ok.yaml": OK_ANSWERS},
    ),
    Case(
        "save-under-a-file",
        (*A, "ok.yaml", "--save", "ok.yaml/saved.yaml"),
        2,
        ("ok.yaml is not a folder",),
        files={"ok.yaml": OK_ANSWERS},
    ),
    Case(
        "output-is-a-folder",
        (*A, "ok.yaml", "--output", "adir"),
        2,
        ("adir is a folder; give a file name",),
        files={"ok.yaml": OK_ANSWERS, "adir/keep": ""},
    ),
    Case(
        "output-unwritable-folder",
        (*A, "ok.yaml", "--output", "locked/plan.txt"),
        1,
        ("Cannot write in locked",),
        files={"ok.yaml": OK_ANSWERS},
        needs="readonly",
    ),
    Case(
        "output-exists-refused",
        (*A, "ok.yaml", "--output", "plan.txt"),
        2,
        ("plan.txt already exists; it was left untouched", "--force"),
        files={"ok.yaml": OK_ANSWERS, "plan.txt": "my own notes\n"},
        check=untouched("plan.txt", "my own notes\n"),
    ),
    Case(
        "output-exists-forced",
        (*A, "ok.yaml", "--output", "plan.txt", "--force"),
        0,
        ("Wrote your plan to plan.txt",),
        files={"ok.yaml": OK_ANSWERS, "plan.txt": "my own notes\n"},
        writes=("plan.txt",),
        check=owner_only("plan.txt"),
    ),
    Case(
        "output-disk-full",
        (*A, "ok.yaml", "--output", "full/plan.txt"),
        1,
        ("Could not write full/plan.txt: no space left on the disk. Nothing was written.",),
        files={"ok.yaml": OK_ANSWERS},
        needs="tmpfs",
    ),
    Case(
        "output-written-owner-only",
        (*A, "ok.yaml", "--output", "plan.md"),
        0,
        ("Wrote your plan to plan.md (only you can read it)",),
        files={"ok.yaml": OK_ANSWERS},
        writes=("plan.md",),
        check=owner_only("plan.md"),
    ),
    Case(
        "save-missing-folder",
        (*A, "ok.yaml", "--save", "nodir/saved.yaml"),
        2,
        ("nodir", "does not exist"),
        files={"ok.yaml": OK_ANSWERS},
    ),
    Case(
        "save-unwritable-folder",
        (*A, "ok.yaml", "--save", "locked/saved.yaml"),
        1,
        ("Cannot write in locked",),
        files={"ok.yaml": OK_ANSWERS},
        needs="readonly",
    ),
    Case(
        "save-exists-refused",
        (*A, "ok.yaml", "--save", "saved.yaml"),
        2,
        ("saved.yaml already exists; it was left untouched",),
        files={"ok.yaml": OK_ANSWERS, "saved.yaml": "keep me\n"},
        check=untouched("saved.yaml", "keep me\n"),
    ),
    Case(
        "save-disk-full",
        (*A, "ok.yaml", "--save", "full/saved.yaml"),
        1,
        ("Could not write full/saved.yaml: no space left on the disk",),
        files={"ok.yaml": OK_ANSWERS},
        needs="tmpfs",
    ),
    Case(
        "save-written-owner-only-and-replays",
        (*A, "ok.yaml", "--save", "saved.yaml", "--format", "json"),
        0,
        ("Saved your answers to saved.yaml",),
        out=('"child_age": 5',),
        files={"ok.yaml": OK_ANSWERS},
        writes=("saved.yaml",),
        check=saved_answers_replay,
    ),
]


# --- round two (issue 11): the causes, each with variations -----------------------------------------------------

UNTOUCHED_NOTES = "my own notes\n"


def fifo(name: str) -> Setup:
    def setup(work: Path) -> None:
        os.mkfifo(work / name, 0o644)

    return setup


def symlink(name: str, target: str) -> Setup:
    def setup(work: Path) -> None:
        os.symlink(target, work / name)

    return setup


def both(*setups: Setup) -> Setup:
    def setup(work: Path) -> Mapping[str, str] | None:
        values: dict[str, str] = {}
        for one in setups:
            offered = one(work)
            if isinstance(offered, Mapping):
                values.update(offered)
        return values

    return setup


def no_force_hint(result: Result, work: Path) -> None:
    assert "--force" not in result.err, "--force must be offered only for a regular file"


def still_char_device(path: str) -> Callable[[Result, Path], None]:
    def check(result: Result, work: Path) -> None:
        assert stat.S_ISCHR(os.lstat(path).st_mode), f"{path} is no longer a device"

    return check


def stdout_closed_line(result: Result, work: Path) -> None:
    assert result.err.count("\n") == 1 and "standard output is closed" in result.err
    assert "internal error" not in result.err


def json_only_on_stdout(result: Result, work: Path) -> None:
    import json

    assert json.loads(result.out)["answers"]["child_age"] == 5, "stdout must hold the JSON alone"
    assert "Saved your answers" not in result.out


def one_line_message(phrase: str) -> Callable[[Result, Path], None]:
    """The line with `phrase` is one line (a newline in a file name cannot split it), escapes made visible."""

    def check(result: Result, work: Path) -> None:
        lines = [line for line in result.err.splitlines() if phrase in line]
        assert len(lines) == 1, result.err
        assert len(result.err.strip().splitlines()) == 1, "the file name split the message"
        no_escapes(result, work)

    return check


def cache_slot(home: Path) -> Path:
    files = sorted((home / ".cache" / "parentinvolve").glob("kb-*.bin"))
    assert len(files) == 1, files
    return files[0]


def warm_cache(change: Callable[[Path], None]) -> Setup:
    """Run `explain` once so the cache exists, then `change(slot)` the cache file (in the case's home)."""

    def setup(work: Path) -> None:
        home = work.parent / "home"
        done = subprocess.run(
            [PARENTINVOLVE, "explain", "pcit"], env=environment({}, home), capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        change(cache_slot(home))

    return setup


def oversize(slot: Path) -> None:
    with slot.open("r+b") as fh:  # sparse: 600 MiB on paper, nothing on the disk
        fh.truncate(600 * 1024 * 1024)


def forge_bomb(slot: Path) -> None:
    """A correct header for this content and a checksum anyone can compute, around a marshal bomb."""
    from parentinvolve.kb import cache

    blob = slot.read_bytes()
    header = blob[: cache._HEADER_BYTES]
    payload = b"[" + (2**31 - 1).to_bytes(4, "little")
    header = header[: len(cache.MAGIC) + 32] + len(payload).to_bytes(8, "big")
    slot.write_bytes(header + cache._tag(bytes(32), header, payload) + payload)


def to_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path, 0o600)


def cache_folder(kind: str) -> Setup:
    """The cache folder planted before the first run: a link to a folder of the user's, a folder open to
    everyone, or (as root) another user's folder."""

    def setup(work: Path) -> None:
        cache_home = work.parent / "home" / ".cache"
        cache_home.mkdir(parents=True)
        (work / "www").mkdir()
        (work / "www").chmod(0o777 if kind == "open" else 0o755)
        if kind == "other-user" and os.geteuid() == 0:
            os.chown(work / "www", 65534, 65534)
        (cache_home / "parentinvolve").symlink_to(work / "www") if kind == "symlink" else None
        if kind != "symlink":
            os.rename(work / "www", cache_home / "parentinvolve")

    return setup


def cache_folder_untouched(kind: str) -> Callable[[Result, Path], None]:
    """The planted folder has its mode and owner, and nothing was written in it."""

    def check(result: Result, work: Path) -> None:
        folder = work / "www" if kind == "symlink" else work.parent / "home" / ".cache" / "parentinvolve"
        info = folder.lstat()
        assert stat.S_ISDIR(info.st_mode)
        assert stat.S_IMODE(info.st_mode) == (0o777 if kind == "open" else 0o755), oct(info.st_mode)
        if kind == "other-user" and os.geteuid() == 0:
            assert info.st_uid == 65534
        assert list(folder.iterdir()) == [], "the cache wrote into a folder it does not own or trust"

    return check


def markdown_safe(markers: tuple[str, ...]) -> Callable[[Result, Path], None]:
    """No line of the Markdown starts a block the content did not ask for."""

    def check(result: Result, work: Path) -> None:
        lines = result.out.splitlines()
        for marker in markers:
            bad = [line for line in lines if line.startswith(marker)]
            assert not bad, f"content started a Markdown block: {bad}"
        assert "&copy;" not in result.out.replace("\\&copy;", ""), "an HTML entity would render"

    return check


INJECTED = (
    "1986. A good year.",
    "+ x",
    "---",
    "===",
    "# Injected heading",
    "> Injected quote",
    "```",
    "~~~",
    "    indented code",
    "&copy; &amp;",
    "1) first",
)


def markdown_content(work: Path) -> None:
    c = content_copy(work)
    lines = "\\n".join(INJECTED)
    edit(c / "therapies.yaml", CBT_SUMMARY, f'  summary: "{lines}"\n')


def huge_flow(work: Path) -> None:
    c = content_copy(work)
    with (c / "rules.yaml").open("w", encoding="ascii") as fh:  # 16 MiB of `1,`: 8 million flow items
        fh.write("[" + "1," * 8_000_000 + "1]\n")


def many_problems(count: int) -> Setup:
    def setup(work: Path) -> None:
        c = content_copy(work)
        with (c / "attendance.yaml").open("a", encoding="utf-8") as fh:
            for i in range(count):
                fh.write(f"\n- id: extra-{i}\n  label: Extra\n  description: Extra.\n  bogus{i}: 1\n")

    return setup


def many_keys(count: int) -> dict[str, str | bytes]:
    return answers(OK_ANSWERS + "".join(f"unknown{i}: 1\n" for i in range(count)))


def long_name(length: int, char: str = "p") -> str:
    stem = char * ((length - 4) // len(char.encode()))
    return stem + ".txt"


FIFO_WORDS = "named pipe (FIFO)"

CASES += [
    # 1. the cache folder: never followed through a link, never re-moded, never another user's
    *(
        Case(
            f"cache-folder-{kind}-is-left-alone",
            ("explain", "pcit"),
            0,
            out=("Parent-child interaction therapy (PCIT)",),
            setup=cache_folder(kind),
            check=cache_folder_untouched(kind),
            warm=False,  # the planted folder is the whole point
        )
        for kind in ("symlink", "open", "other-user")
    ),
    # 2. --force replaces only a regular file; the answers file is never the output
    Case(
        "output-force-onto-dev-null",
        (*A, "ok.yaml", "--output", "/dev/null", "--force"),
        2,
        ("/dev/null is a device, not a regular file", "left untouched"),
        files={"ok.yaml": OK_ANSWERS},
        check=still_char_device("/dev/null"),
        max_lines=1,
    ),
    Case(
        "save-force-onto-dev-null",
        (*A, "ok.yaml", "--save", "/dev/null", "--force"),
        2,
        ("/dev/null is a device",),
        files={"ok.yaml": OK_ANSWERS},
        check=still_char_device("/dev/null"),
    ),
    Case(
        "output-onto-dev-null-without-force",
        (*A, "ok.yaml", "--output", "/dev/null"),
        2,
        ("/dev/null is a device",),
        files={"ok.yaml": OK_ANSWERS},
        check=no_force_hint,
    ),
    *(
        Case(
            f"{option[2:]}-force-onto-a-fifo",
            (*A, "ok.yaml", option, "p.txt", "--force"),
            2,
            (f"p.txt is a {FIFO_WORDS}, not a regular file",),
            files={"ok.yaml": OK_ANSWERS},
            setup=fifo("p.txt"),
            check=no_force_hint,
            max_seconds=10,
        )
        for option in ("--output", "--save")
    ),
    Case(
        "output-onto-a-fifo-without-force",
        (*A, "ok.yaml", "--output", "p.txt"),
        2,
        (FIFO_WORDS,),
        files={"ok.yaml": OK_ANSWERS},
        setup=fifo("p.txt"),
        check=no_force_hint,
    ),
    *(
        Case(
            f"output-force-onto-{name}",
            (*A, "ok.yaml", "--output", target, "--force"),
            2,
            ("is a symbolic link", "left untouched"),
            files={"ok.yaml": OK_ANSWERS},
            check=no_force_hint,
        )
        for name, target in (("dev-stdout", "/dev/stdout"), ("dev-stderr", "/dev/stderr"), ("dev-fd-1", "/dev/fd/1"))
    ),
    Case(
        "output-force-onto-a-symlink-to-my-file",
        (*A, "ok.yaml", "--output", "link.txt", "--force"),
        2,
        ("link.txt is a symbolic link",),
        files={"ok.yaml": OK_ANSWERS, "notes.txt": UNTOUCHED_NOTES},
        setup=symlink("link.txt", "notes.txt"),
        check=untouched("notes.txt", UNTOUCHED_NOTES),
    ),
    Case(
        "save-force-onto-a-dangling-symlink",
        (*A, "ok.yaml", "--save", "link.yaml", "--force"),
        2,
        ("link.yaml is a symbolic link that leads nowhere",),
        files={"ok.yaml": OK_ANSWERS},
        setup=symlink("link.yaml", "elsewhere/nothing.yaml"),
    ),
    *(
        Case(
            f"{option[2:]}-is-the-answers-file{'-forced' if force else ''}{'-spelt-differently' if alias else ''}",
            (*A, "ok.yaml", option, "./ok.yaml" if alias else "ok.yaml", *(["--force"] if force else [])),
            2,
            (f"{option} names the answers file itself",),
            files={"ok.yaml": OK_ANSWERS},
            check=untouched("ok.yaml", OK_ANSWERS),
        )
        for option in ("--output", "--save")
        for force in (False, True)
        for alias in (False, True)
    ),
    Case(
        "output-is-the-answers-file-through-a-hard-link",
        (*A, "ok.yaml", "--output", "again.yaml", "--force"),
        2,
        ("--output names the answers file itself",),
        files={"ok.yaml": OK_ANSWERS},
        setup=lambda work: os.link(work / "ok.yaml", work / "again.yaml"),
        check=untouched("ok.yaml", OK_ANSWERS),
    ),
    # 4. names and text cleaned at the moment they are written
    Case(
        "output-name-with-escapes",
        (*A, "ok.yaml", "--output", "plan\x1b[2J\x1b]8;;x\x07.txt"),
        0,
        ("Wrote your plan to 'plan\\x1b[2J\\x1b]8;;x\\x07.txt'",),
        files={"ok.yaml": OK_ANSWERS},
        writes=("plan\x1b[2J\x1b]8;;x\x07.txt",),
        check=one_line_message("Wrote your plan"),
    ),
    Case(
        "save-name-with-a-newline",
        (*A, "ok.yaml", "--save", "s\nparentinvolve: forged.yaml", "--format", "json"),
        0,
        ("Saved your answers to 's\\nparentinvolve: forged.yaml'",),
        files={"ok.yaml": OK_ANSWERS},
        writes=("s\nparentinvolve: forged.yaml",),
        check=one_line_message("Saved your answers"),
    ),
    Case(
        "output-name-with-bidi-controls",
        (*A, "ok.yaml", "--output", "plan\u202etxt.exe"),
        0,
        ("Wrote your plan to 'plan\\u202etxt.exe'",),
        files={"ok.yaml": OK_ANSWERS},
        writes=("plan\u202etxt.exe",),
        check=one_line_message("Wrote your plan"),
    ),
    Case(
        "validate-folder-name-with-escapes",
        ("validate", "c\x1b[2J"),
        0,
        out=("'c\\x1b[2J': no problems found",),
        setup=lambda work: shutil.copytree(CONTENT, work / "c\x1b[2J") and None,
        check=no_escapes,
    ),
    Case(
        "validate-folder-name-with-escapes-and-a-problem",
        ("validate", "c\x1b]8;;x\x07"),
        1,
        ("c\\x1b]8;;x\\x07/therapies.yaml:", "The content in c\\x1b]8;;x\\x07 has"),
        setup=lambda work: (
            shutil.copytree(CONTENT, work / "c\x1b]8;;x\x07")
            and (work / "c\x1b]8;;x\x07" / "attendance.yaml").write_text("[]\n")
            and None
        ),
        check=no_escapes,
        max_lines=30,
    ),
    *(
        Case(
            f"content-{name}-is-reported-{cmd[-1]}",
            ("--content", "c", *cmd) if cmd[0] != "validate" else (*cmd,),
            1,
            (f"c/therapies.yaml:{{line}}:{col}: the invisible character U+{code:04X}",),
            setup=with_content(
                replace_in(
                    "therapies.yaml",
                    CBT_SUMMARY,
                    f"  summary: In a crisis call 911{chr(code)}119{chr(0x202C)} now.\n",
                    at="  summary: In a crisis",
                )
            ),
            check=no_escapes,
            max_lines=2,
        )
        for name, code, col in (("bidi-override", 0x202E, 32), ("zero-width-space", 0x200B, 32), ("rlm", 0x200F, 32))
        for cmd in (("validate", "c"), ("explain", "cbt"))
    ),
    Case(
        "answers-bidi-control",
        (*A, "a.yaml"),
        2,
        ("a.yaml:3:13: the invisible character U+202E",),
        files=answers("child_age: 5\nconcerns: [anxiety]\ntherapy: cbt\u202e\n"),
        max_lines=1,
    ),
    # 5. Markdown: content can't make blocks, entities or HTML
    *(
        Case(
            f"content-markdown-blocks-{cmd[0]}",
            ("--content", "c", *cmd),
            0,
            out=("A good year.",),
            setup=both(markdown_content, lambda work: (work / "ok.yaml").write_text(OK_ANSWERS)),
            check=markdown_safe(("1986.", "+ x", "---", "===", "# Injected", "> Injected", "```", "~~~", "1)")),
            writes=(),
        )
        for cmd in (("explain", "cbt", "--format", "markdown"), ("ask", "--answers", "ok.yaml", "--format", "markdown"))
    ),
    # 6. absurd terminal widths mean the default width, never nothing and never a MemoryError
    *(
        Case(
            f"columns-{label}-{args[0]}-{fmt}",
            (*args, "--format", fmt),
            0,
            out=(want,),
            files={"ok.yaml": OK_ANSWERS},
            env={"COLUMNS": columns, "LINES": columns},
            limit_memory=True,
            max_seconds=20,
        )
        for label, columns in (("0", "0"), ("huge", "1000000000"), ("negative", "-5"), ("text", "wide"))
        for args, want in (
            (("explain", "pcit"), "Parent-child interaction therapy"),
            (("topics",), "pcit"),
            (("ask", "--answers", "ok.yaml"), PLAN_TITLE),
        )
        for fmt in ("rich", "plain")
    ),
    # 8. many problems: the first 200 and a count, in linear time
    Case(
        "validate-20000-problems",
        ("validate", "c"),
        1,
        ("… and 19,800 more problems like these", "has 20000 problems"),
        setup=many_problems(20_000),
        max_lines=202,
        max_seconds=20,  # the 5 s budget is checked in CPU time by test_20000_problems_in_under_5_seconds
    ),
    Case(
        "answers-60000-unknown-keys",
        (*A, "a.yaml"),
        2,
        ("a.yaml",),
        files=many_keys(60_000),
        max_seconds=5,
        max_lines=1,
    ),
    Case(
        "answers-40000-unknown-keys-json",
        (*A, "a.json"),
        2,
        ("holds 40,000 answers",),
        files={"a.json": "{" + ", ".join([f'"unknown{i}": 1' for i in range(40_000)]) + "}"},
        max_seconds=5,
        max_lines=1,
    ),
    Case(
        "answers-150-unknown-keys-one-line-each",
        (*A, "a.yaml"),
        2,
        ('unknown question "unknown149"',),
        files=many_keys(150),
        max_lines=151,
    ),
    # 9. memory: the cache is checked before it is read or decoded; content has a node cap
    Case(
        "cache-oversized-file",
        ("explain", "pcit"),
        0,
        out=("PCIT",),
        setup=warm_cache(oversize),
        limit_memory=True,
        max_seconds=10,
    ),
    Case(
        "cache-forged-marshal-bomb",
        ("explain", "pcit"),
        0,
        out=("PCIT",),
        setup=warm_cache(forge_bomb),
        limit_memory=True,
        max_seconds=10,
    ),
    Case(
        "content-8-million-flow-items",
        ("validate", "c"),
        1,
        ("c/rules.yaml:1:1: the file holds more than 1,000,000 values",),
        setup=huge_flow,
        limit_memory=True,
        max_seconds=15,
        max_lines=2,
    ),
    # 10. special files are named, never waited on
    Case(
        "cache-fifo-at-the-slot",
        ("explain", "pcit"),
        0,
        out=("PCIT",),
        setup=warm_cache(to_fifo),
        max_seconds=10,
    ),
    Case(
        "cache-secret-is-a-fifo",
        ("explain", "pcit"),
        0,
        out=("PCIT",),
        setup=warm_cache(lambda slot: to_fifo(slot.parent / "secret")),
        max_seconds=10,
    ),
    *(
        Case(
            f"content-rules-fifo-{cmd[-1]}",
            cmd,
            1,
            (f"c/rules.yaml:1:1: this is a {FIFO_WORDS}, not a regular file",),
            setup=with_content(swap("rules.yaml", os.mkfifo)),
            max_seconds=10,
            max_lines=2,
        )
        for cmd in (("validate", "c"), ("--content", "c", "explain", "pcit"), ("--content", "c", "topics"))
    ),
    *(
        Case(
            f"content-rules-link-to-dev-stdin-{'pipe' if stdin is not None else 'null'}",
            ("validate", "c"),
            1,
            ("c/rules.yaml:1:1: this is a", "not a regular file"),
            setup=with_content(swap("rules.yaml", lambda p: os.symlink("/dev/stdin", p))),
            stdin=stdin,
            max_seconds=10,
            max_lines=2,
        )
        for stdin in (None, b"- id: x\n")
    ),
    Case(
        "content-rules-symlink-loop",
        ("validate", "c"),
        1,
        ("c/rules.yaml:1:1: this is a symbolic link that loops back on itself",),
        setup=with_content(swap("rules.yaml", lambda p: os.symlink("rules.yaml", p))),
        max_lines=2,
    ),
    *(
        Case(
            f"content-unused-{name}-never-read",
            ("--content", "c", "explain", "pcit"),
            0,
            out=("PCIT",),
            setup=with_content(make),
            max_seconds=10,
        )
        for name, make in (
            ("proc-kmsg-link", lambda c: os.symlink("/proc/kmsg", c / "x.yaml")),
            ("fifo", lambda c: os.mkfifo(c / "x.yaml")),
            ("dev-zero-link", lambda c: os.symlink("/dev/zero", c / "x.yaml")),
            ("dev-stdin-link", lambda c: os.symlink("/dev/stdin", c / "x.yaml")),
        )
    ),
    Case(
        "answers-fifo",
        (*A, "p.yaml"),
        2,
        (f"p.yaml:1:1: this is a {FIFO_WORDS}",),
        setup=fifo("p.yaml"),
        max_seconds=10,
    ),
    Case(
        "answers-symlink-loop",
        (*A, "a.yaml"),
        2,
        ("a.yaml:1:1: this is a symbolic link that loops back on itself",),
        setup=symlink("a.yaml", "a.yaml"),
    ),
    # 12. numbers too long to be numbers
    *(
        Case(
            f"content-max-{name}",
            ("validate", "c"),
            1,
            message,
            setup=with_content(replace_in("questions.yaml", "  max: 17\n", f"  max: {value}\n", at="  max: ")),
            max_lines=2,
        )
        for name, value, message in (
            ("hex-5000-digits", "0x" + "f" * 5000, ("c/questions.yaml:{line}:8: this number is too long",)),
            ("decimal-5000-digits", "1" * 5000, ("c/questions.yaml:{line}:8: this number is too long",)),
            ("hex-30-digits", "0x" + "f" * 30, ("c/questions.yaml:{line}:8: max 0xfff", "is too big; give a whole")),
            ("negative-hex", "-0x10", ("min 0 is larger than max -16",)),
        )
    ),
    Case(
        "content-priority-negative-hex-is-a-number",
        ("validate", "c"),
        0,
        out=("no problems found",),
        setup=with_content(
            lambda c: (
                (c / "rules.yaml").write_text(
                    (c / "rules.yaml").read_text().replace("  priority: 10\n", "  priority: -0x10\n", 1)
                )
                and None
            )
        ),
    ),
    Case(
        "answers-age-5000-digits-unquoted",
        (*A, "a.yaml"),
        2,
        ("a.yaml:1:12: this number is too long",),
        files=answers("child_age: " + "5" * 5000 + "\nconcerns: [anxiety]\ntherapy: cbt\n"),
        max_lines=1,
    ),
    # 13. closed standard streams
    Case(
        "stdin-closed-with-answers",
        ('"$PI" ask --answers ok.yaml <&-',),
        0,
        out=(PLAN_TITLE,),
        files={"ok.yaml": OK_ANSWERS},
        shell=True,
    ),
    Case(
        "stdin-closed-without-answers",
        ('"$PI" ask <&-',),
        2,
        ("no terminal", "--answers FILE"),
        shell=True,
        max_lines=1,
    ),
    *(
        Case(
            f"stdout-closed-{re.sub('[^a-z]+', '-', a).strip('-')}",
            (f'"$PI" {a} >&-',),
            1,
            ("parentinvolve: standard output is closed",),
            files={"ok.yaml": OK_ANSWERS},
            shell=True,
            check=stdout_closed_line,
            max_lines=1,
        )
        for a in (
            "explain pcit",
            "explain pcit --format json",
            "topics",
            "validate",
            "--help",
            "--version",
            "ask --answers ok.yaml",
            "ask --answers ok.yaml --format html",
        )
    ),
    Case(
        "stdout-closed-ask-save-says-so-first",
        ('"$PI" ask --answers ok.yaml --save s.yaml >&-',),
        1,
        ("parentinvolve: standard output is closed",),
        files={"ok.yaml": OK_ANSWERS},
        shell=True,
        max_lines=1,
    ),
    Case(
        "stdout-closed-ask-output-succeeds",
        ('"$PI" ask --answers ok.yaml --output plan.txt >&-',),
        0,
        ("Wrote your plan to plan.txt",),
        files={"ok.yaml": OK_ANSWERS},
        shell=True,
        writes=("plan.txt",),
        check=owner_only("plan.txt"),
    ),
    *(
        Case(
            f"stderr-closed-{name}",
            (f'"$PI" {a} 2>&-',),
            code,
            files={"ok.yaml": OK_ANSWERS},
            shell=True,
            stderr_closed=True,
        )
        for name, a, code in (
            ("explain-nope", "explain nope", 2),
            ("bad-answers", "ask --answers nope.yaml", 2),
            ("validate-missing", "validate nowhere", 1),
        )
    ),
    Case(
        "stderr-closed-save-json-keeps-stdout-json",
        ('"$PI" ask --answers ok.yaml --save s.yaml --format json 2>&-',),
        0,
        files={"ok.yaml": OK_ANSWERS},
        shell=True,
        writes=("s.yaml",),
        check=json_only_on_stdout,
        stderr_closed=True,
    ),
    *(
        Case(
            f"error-into-a-closed-pipe-{name}",
            (f'"$PI" {a} 2>&1 | true; exit "${{PIPESTATUS[0]}}"',),
            code,
            shell=True,
            stderr_closed=True,
        )
        for name, a, code in (("explain-nope", "explain nope", 2), ("validate-missing", "validate nowhere", 1))
    ),
    # 14. smaller ones
    *(
        Case(
            f"save-self-looping-symlink{'-forced' if force else ''}",
            (*A, "ok.yaml", "--save", "s.yaml", *(["--force"] if force else [])),
            2,
            ("s.yaml is a symbolic link that loops back on itself",),
            files={"ok.yaml": OK_ANSWERS},
            setup=symlink("s.yaml", "s.yaml"),
            max_lines=1,
        )
        for force in (False, True)
    ),
    *(
        Case(
            f"output-{n}-byte-name{'-multibyte' if char != 'p' else ''}",
            (*A, "ok.yaml", "--output", long_name(n, char)),
            0,
            ("Wrote your plan to",),
            files={"ok.yaml": OK_ANSWERS},
            writes=(long_name(n, char),),
            check=owner_only(long_name(n, char)),
        )
        for n, char in ((246, "p"), (248, "p"), (250, "p"), (255, "p"), (250, "é"), (252, "日"))
    ),
    Case(
        "save-255-byte-name",
        (*A, "ok.yaml", "--save", long_name(255, "s")[:-4] + ".yml"),
        0,
        ("Saved your answers to",),
        out=(PLAN_TITLE,),
        files={"ok.yaml": OK_ANSWERS},
        writes=(long_name(255, "s")[:-4] + ".yml",),
    ),
    *(
        Case(
            f"answers-region-{word}",
            (*A, "a.yaml"),
            2,
            (f"YAML reads `{word}` as yes/no", f'put it in quotes, like region: "{word}"'),
            files=answers(f"child_age: 5\nconcerns: [anxiety]\ntherapy: cbt\nregion: {word}\n"),
            max_lines=1,
        )
        for word in ("NO", "no", "On", "off", "yes")
    ),
    *(
        Case(
            f"answers-{name}",
            (*A, "a.yaml"),
            2,
            ("a.yaml:1:1: this is UTF-16 or another encoding, not UTF-8 text; save the file as UTF-8",),
            files=answers(OK_ANSWERS.encode(encoding)),
            max_lines=1,
        )
        for name, encoding in (
            ("utf16-le-no-bom", "utf-16-le"),
            ("utf16-be-no-bom", "utf-16-be"),
            ("utf16-with-bom", "utf-16"),
            ("utf32", "utf-32"),
        )
    ),
    Case(
        "content-utf16",
        ("validate", "c"),
        1,
        ("c/attendance.yaml:1:1: this is UTF-16", "save the file as UTF-8"),
        setup=with_content(
            lambda c: (
                (c / "attendance.yaml").write_bytes((c / "attendance.yaml").read_text().encode("utf-16-le")) and None
            )
        ),
        max_lines=2,
    ),
]


def a_clinic(change: Callable[[Path], None] | None = None) -> Setup:
    """A copy of the example clinic at `clinic/`, changed by `change(clinic)`."""

    def setup(work: Path) -> Mapping[str, str] | None:
        clinic = Path(shutil.copytree(EXAMPLE_CLINIC, work / "clinic"))
        if change is not None:
            change(clinic)
        return None

    return setup


def _clinic_field(clinic: Path, old: str, new: str) -> None:
    edit(clinic / "clinic.yaml", old, new)


def _linked_therapies(clinic: Path) -> None:
    (clinic / "therapies.yaml").unlink()
    (clinic.parent / "elsewhere.yaml").write_text("# not the clinic's\n", encoding="utf-8")
    (clinic / "therapies.yaml").symlink_to(clinic.parent / "elsewhere.yaml")


def _open_to_everyone(clinic: Path) -> None:
    clinic.chmod(0o777)


def _looped(work: Path) -> Mapping[str, str] | None:
    (work / "loop").symlink_to(work / "loop")
    return None


# Issue 20, round three: a clinic's layer and its commands.
CASES += [
    Case(
        "clinic-after-hours-takes-a-crisis-line-name",
        ("validate", "--clinic", "clinic"),
        1,
        ("clinic/clinic.yaml:14:9: 'Samaritans' would pass for the shipped crisis line 'Samaritans'",),
        setup=a_clinic(lambda c: _clinic_field(c, "Riverbend on-call clinician (evenings and weekends)", "Samaritans")),
        max_lines=2,
    ),
    Case(
        "clinic-disables-the-limits-of-confidentiality",
        ("validate", "--clinic", "clinic"),
        1,
        ("rule 'confidentiality-limits' cannot be disabled: it is part of the locked safety set",),
        setup=a_clinic(lambda c: _clinic_field(c, "  - ask-region-records", "  - confidentiality-limits")),
        max_lines=2,
    ),
    *(
        Case(
            f"clinic-override-{name.replace(' ', '-')}",
            ("clinic", "override", name, "--clinic", "clinic"),
            2,
            ("Crisis help cannot be copied into a clinic's layer: it is part of the locked safety set",),
            setup=a_clinic(),
            max_lines=1,
        )
        for name in ("crisis", "suicide", "safety plan")
    ),
    Case(
        "clinic-override-through-a-link",
        ("clinic", "override", "dbt", "--clinic", "clinic"),
        2,
        ("clinic/therapies.yaml is a symbolic link, not a regular file; it was left untouched.",),
        setup=a_clinic(_linked_therapies),
        max_lines=1,
    ),
    Case(
        "clinic-folder-open-to-everyone",
        ("ask", "--answers", "ok.yaml", "--clinic", "clinic"),
        1,
        ("clinic:1:1: other users of this computer can change this (it is writable by everyone)",),
        files={"ok.yaml": OK_ANSWERS},
        setup=a_clinic(_open_to_everyone),
        max_lines=2,
    ),
    Case(
        "clinic-folder-is-a-link-loop",
        ("validate", "--clinic", "loop"),
        1,
        ("loop:1:1: this is a symbolic link that loops back on itself, not a folder",),
        setup=_looped,
        max_lines=2,
    ),
    Case(
        "clinic-init-escape-in-the-name",
        ("clinic", "init", "our\x1b[2Jclinic"),
        0,
        out=("Wrote 'our\\x1b[2Jclinic/clinic.yaml'",),
        writes=("our\x1b[2Jclinic", "our\x1b[2Jclinic/clinic.yaml", "our\x1b[2Jclinic/README.md"),
    ),
    Case(
        "clinic-reviewed-not-a-real-date",
        ("validate", "--clinic", "clinic"),
        1,
        ("clinic/clinic.yaml:41:11: reviewed '2026-02-30' is not a real date",),
        setup=a_clinic(lambda c: _clinic_field(c, "reviewed: 2026-11-30", "reviewed: 2026-02-30")),
        max_lines=2,
    ),
    Case(
        "output-dash-is-standard-output",
        (*A, "ok.yaml", "--output", "-", "--format", "plain"),
        0,
        out=(PLAN_TITLE,),
        files={"ok.yaml": OK_ANSWERS},
    ),
    Case(
        "content-nul-in-utf8",
        ("validate", "c"),
        1,
        ("c/attendance.yaml:1:1: a NUL character (a zero byte) is here; remove it",),
        setup=with_content(
            lambda c: (c / "attendance.yaml").write_bytes(b"\x00" + (c / "attendance.yaml").read_bytes()) and None
        ),
        max_lines=2,
    ),
]


# --- running a case -----------------------------------------------------------------------------------------


def environment(extra: Mapping[str, str | None], home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED and not k.startswith(SCRUBBED_PREFIXES)}
    env.update(BASE_ENV)
    env.update({"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "PI": PARENTINVOLVE})
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and folder under root: (sha256, mtime in ns, mode) for a file, ("dir", 0, mode) for a folder,
    the target for a symbolic link and the device number for anything else (a FIFO, a device): the mode
    holds the file type, so a FIFO replaced by a file, or a re-moded folder, is a change."""
    out: dict[str, tuple[str, int, int]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            out[str(path.relative_to(root))] = ("link:" + os.readlink(path), 0, info.st_mode)
        elif not stat.S_ISDIR(info.st_mode) and not stat.S_ISREG(info.st_mode):
            out[str(path.relative_to(root))] = ("special", info.st_rdev, info.st_mode)
        elif path.is_dir():  # a folder's own time changes when a temporary file comes and goes: not a change
            out[str(path.relative_to(root))] = ("dir", 0, info.st_mode)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[str(path.relative_to(root))] = (digest, info.st_mtime_ns, info.st_mode)
    return out


def changed(before: Mapping[str, object], after: Mapping[str, object]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def limit_memory() -> None:  # pragma: no cover - runs in the child
    gib = 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (gib, gib))


def run(case: Case, work: Path, home: Path) -> Result:
    argv = ["bash", "-c", case.args[0]] if case.shell else [PARENTINVOLVE, *case.args]
    data = case.stdin.encode() if isinstance(case.stdin, str) else case.stdin
    start = time.monotonic()
    proc = subprocess.run(
        argv,
        cwd=work,
        env=environment(case.env, home),
        input=data,  # a pipe holding these bytes, or /dev/null
        stdin=subprocess.DEVNULL if data is None else None,
        capture_output=True,
        timeout=30,
        preexec_fn=limit_memory if case.limit_memory else None,
    )
    seconds = time.monotonic() - start
    return Result(proc.returncode, _decode(proc.stdout), _decode(proc.stderr), seconds)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def run_here(case: Case, work: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    """The case in this process, through `cli.main`, in the environment and folder `run` would give it."""
    env = environment(case.env, home)
    for key in [k for k in os.environ if k not in env]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    start = time.monotonic()
    got = run_main(list(case.args))
    return Result(got.exit_code, got.stdout, got.stderr, time.monotonic() - start)


def mount(kind: str, target: Path) -> Callable[[], None]:
    """A full disk (a tiny tmpfs, filled up) or a read-only folder at `target`; skips where it cannot."""
    target.mkdir()
    if kind == "readonly" and os.geteuid() != 0:
        target.chmod(0o555)
        return lambda: target.chmod(0o755)
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    if kind == "tmpfs":
        cmd = [["mount", "-t", "tmpfs", "-o", "size=4k,nr_inodes=16", "tmpfs", str(target)]]
    else:
        cmd = [["mount", "--bind", str(target), str(target)], ["mount", "-o", "remount,ro,bind", str(target)]]
    for step in cmd:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["umount", str(target)], capture_output=True)
            pytest.skip(f"cannot simulate {kind} here ({done.stderr.strip()}); see the in-process tests")
    if kind == "tmpfs":  # fill it up, so that nothing more fits
        with open(target / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 1024)
                    fh.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC

    def unmount() -> None:
        subprocess.run(["umount", "-l", str(target)], check=True)

    return unmount


@pytest.fixture(scope="session")
def warm_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose cache holds the shipped content, made by one real run: each case starts from a copy, so
    the cases measure what they are about, not the first, uncached load (a cold cache has cases of its own)."""
    home = tmp_path_factory.mktemp("warm-home")
    done = subprocess.run(
        [PARENTINVOLVE, "explain", "pcit"], env=environment({}, home), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert list((home / ".cache" / "parentinvolve").glob("kb-*.bin")), "the first run left no cache"
    return home


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.slow, *([pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])],
        )
        for c in CASES
    ],
)
def test_bad_input(case: Case, tmp_path: Path, warm_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert PARENTINVOLVE, "the parentinvolve command is not installed next to this Python"
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    if case.warm:
        shutil.copytree(warm_home, home, symlinks=True)  # (modes kept: the cache trusts only a private folder)
    else:
        home.mkdir()
    for name, body in case.files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    offered = case.setup(work) if case.setup else None
    values = dict(offered) if isinstance(offered, Mapping) else {}
    cleanup = mount(case.needs, work / ("full" if case.needs == "tmpfs" else "locked")) if case.needs else None
    try:
        before, shipped = snapshot(work), snapshot(CONTENT)
        result = run(case, work, home) if case.needs_process() else run_here(case, work, home, monkeypatch)
        after = snapshot(work)
    finally:
        if cleanup:
            cleanup()
    shown = f"\nexit {result.code}\n--- stdout\n{result.out[:2000]}\n--- stderr\n{result.err[:2000]}"

    for stream in (result.out, result.err):
        assert "Traceback" not in stream, shown
        assert "Exception ignored" not in stream and "Broken pipe" not in stream, shown
    assert result.code == case.code, shown
    for want in case.err:
        for key, value in values.items():
            want = want.replace("{" + key + "}", value)
        assert want in result.err, f"stderr lacks {want!r}{shown}"
    for want in case.out:
        assert want in result.out, f"stdout lacks {want!r}{shown}"
    if case.stderr_closed:
        assert result.err == "", shown
        if case.code != 0:
            assert result.out == "", "an error went to stdout" + shown
    elif case.code != 0:
        lines = result.err.strip().splitlines()
        # every failure says who is talking; located content problems lead with file:line:col instead
        assert lines and any(line.startswith("parentinvolve: ") for line in lines), shown
        assert lines[0].startswith("parentinvolve: ") or LOCATED.match(lines[0]), shown
        assert len(lines) <= case.max_lines, f"{len(lines)} lines on stderr, at most {case.max_lines}{shown}"
        if not case.shell:
            assert result.out == "", shown
    assert changed(before, after) == set(case.writes), f"files changed: {sorted(changed(before, after))}{shown}"
    assert snapshot(CONTENT) == shipped, "the shipped content was changed"
    if case.max_seconds is not None:
        assert result.seconds < case.max_seconds, f"took {result.seconds:.2f} s{shown}"
    if case.check is not None:
        case.check(result, work)


LOCATED = re.compile(r"^\S.*:\d+:\d+: ")


def test_case_count(request: pytest.FixtureRequest) -> None:
    """The issue asks for at least 40 cases; the count is shown in the test summary."""
    from _bad_inputs_header import header

    assert len(CASES) >= 40, header()
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
    _show_in_summary(request.config, header())


def _show_in_summary(config: pytest.Config, line: str) -> None:
    class Summary:
        def pytest_terminal_summary(self, terminalreporter: object) -> None:
            terminalreporter.write_line(line)  # type: ignore[attr-defined]

    if not config.pluginmanager.has_plugin("bad-inputs-summary"):
        config.pluginmanager.register(Summary(), "bad-inputs-summary")


# --- full disk and unwritable folder, in-process (work even where mounting is not allowed) -----------------


@pytest.mark.slow
@pytest.mark.parametrize("option", ["--output", "--save"])
def test_full_disk_leaves_no_partial_file(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARENTINVOLVE_NO_CACHE", "1")
    (tmp_path / "ok.yaml").write_text(OK_ANSWERS, encoding="utf-8")

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    before = snapshot(tmp_path)
    result = run_cli("ask", "--answers", "ok.yaml", option, "out.yaml")
    assert result.exit_code == 1
    assert result.stderr == "parentinvolve: Could not write out.yaml: no space left on the disk. Nothing was written.\n"
    assert snapshot(tmp_path) == before, "a partial or temporary file was left behind"


@pytest.mark.slow
def test_unwritable_folder_is_refused_before_anything_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARENTINVOLVE_NO_CACHE", "1")
    (tmp_path / "ok.yaml").write_text(OK_ANSWERS, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == "locked" else real_access(p, mode))
    result = run_cli("ask", "--answers", "ok.yaml", "--output", "locked/plan.txt")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "parentinvolve: Cannot write in locked (permission denied); choose another folder."
    )
    assert list((tmp_path / "locked").iterdir()) == []


# --- Ctrl-C and Ctrl-D at the first prompt, in a real terminal ----------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_interrupt_at_the_first_prompt(key: str, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    home = tmp_path / "home"
    home.mkdir()
    env = environment({"TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "PYTHONFAULTHANDLER": "1"}, home)
    out = tmp_path / "stdout.txt"
    # stdout goes to a file, so what the terminal shows is the prompts and stderr only.
    child = pexpect.spawn(
        "bash",
        ["-c", f'exec "$PI" ask > {out}'],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=20,
        dimensions=(24, 100),
    )
    if child.expect(["How old is your child", pexpect.TIMEOUT]) == 1:  # say where it hangs, if it ever does
        child.kill(signal.SIGABRT)  # PYTHONFAULTHANDLER prints every thread's stack
        child.expect(pexpect.EOF)
        pytest.fail(f"no first prompt after {child.timeout} s:\n{child.before}")
    time.sleep(0.2)
    child.send(key)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    screen = child.before or ""
    assert screen.count("parentinvolve: stopped. Nothing was saved.") == 1, screen
    assert "Traceback" not in screen
    assert out.read_text(encoding="utf-8") == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "stdout.txt"]


# --- the last line of defence in cli.main, in-process -------------------------------------------------------


def test_ctrl_c_outside_a_prompt_says_stopped(monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    def interrupted(folder: object = None, clinic: object = None, lang: str = "en") -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("parentinvolve.kb.load", interrupted)
    result = run_cli("topics")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "parentinvolve: stopped. Nothing was saved.\n")


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    def broken(folder: object = None, clinic: object = None, lang: str = "en") -> None:
        raise RuntimeError("something\nunexpected")

    monkeypatch.setattr("parentinvolve.kb.load", broken)
    result = run_cli("topics")
    assert result.exit_code == 1
    assert result.stderr == (
        "parentinvolve: internal error (RuntimeError: something unexpected). "
        "Please report it; PARENTINVOLVE_DEBUG=1 shows the details.\n"
    )
    monkeypatch.setenv("PARENTINVOLVE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        run_cli("topics")


# --- signals (issue 11): never a traceback, never a temporary file left, one line, 128 + the signal -------------

# Runs the real entry point with the write of the temporary file stopped by a signal at the worst moment:
# after the plan is in the hidden temporary file, before it takes its name.
SIGNAL_MID_WRITE = """
import os, signal, sys
signum = getattr(signal, sys.argv[1])
real_fsync = os.fsync
def fsync(fd):
    real_fsync(fd)
    os.kill(os.getpid(), signum)
os.fsync = fsync
sys.argv = ["parentinvolve", *sys.argv[2:]]
from parentinvolve.__main__ import run
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize("option", ["--output", "--save"])
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, name: str, option: str) -> None:
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    (work / "ok.yaml").write_text(OK_ANSWERS, encoding="utf-8")
    before = snapshot(work)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_MID_WRITE, name, "ask", "--answers", "ok.yaml", option, "out.txt"],
        cwd=work,
        env=environment({}, home),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    signum = int(getattr(signal, name))
    assert done.returncode == 128 + signum, done.stderr
    assert snapshot(work) == before, f"left behind: {sorted(changed(before, snapshot(work)))}"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    want = "stopped. Nothing was saved." if name == "SIGINT" else f"stopped by {name}. Nothing was written."
    assert lines[0] == f"parentinvolve: {want}"


def _signal_at(argv: list[str], cwd: Path, env: Mapping[str, str], delay: float, signum: int) -> tuple[int, str]:
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(delay)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, (out + err).decode("utf-8", "replace")


# A frame in one of our modules (the console script itself, `bin/parentinvolve`, is not one).
OUR_FRAME = re.compile(r'File "[^"]*/parentinvolve/[^"]*\.py"')


def _ours(text: str) -> bool:
    """Whether a traceback went through our code. A SIGINT that lands while the interpreter itself starts
    (importing `site`, or the console script's `import re`) gets Python's own traceback before any line of
    ours can run; from the first line of `__main__.run` on, signals are held until our handlers take them."""
    return "Traceback" in text and bool(OUR_FRAME.search(text))


@pytest.mark.slow
def test_ctrl_c_at_random_moments_of_start_up_never_shows_a_traceback(tmp_path: Path) -> None:
    """50 SIGINTs at random moments in the first 400 ms of `explain` and `ask --answers`: each run ends
    normally or says "stopped" with exit 130; never a traceback from our code."""
    import random

    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "ok.yaml").write_text(OK_ANSWERS, encoding="utf-8")
    env = environment({}, home)
    rng = random.Random(11)
    commands = ([PARENTINVOLVE, "explain", "pcit"], [PARENTINVOLVE, "ask", "--answers", "ok.yaml"])
    seen, before_us = [], 0
    for n in range(50):
        delay = rng.uniform(0, 0.4)
        code, text = _signal_at(commands[n % 2], tmp_path, env, delay, signal.SIGINT)
        assert not _ours(text), f"at {delay * 1000:.0f} ms:\n{text}"
        if "Traceback" in text or code == -signal.SIGINT:  # the interpreter's start-up, before our first line
            before_us += 1
            continue
        seen.append(code)
        assert "KeyboardInterrupt" not in text, text
        assert code in (0, 130), f"exit {code} at {delay * 1000:.0f} ms:\n{text}"
        if code == 130:
            assert text.strip().splitlines()[-1] == "parentinvolve: stopped. Nothing was saved.", text
    assert 130 in seen, f"no run was interrupted by us ({before_us} of 50 came before our code): proves nothing"


@pytest.mark.slow
def test_sigterm_at_random_moments_of_writing_a_plan_never_leaves_a_file_behind(tmp_path: Path) -> None:
    import random

    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "ok.yaml").write_text(OK_ANSWERS, encoding="utf-8")
    env = environment({}, home)
    rng = random.Random(3)
    for n in range(12):
        argv = [PARENTINVOLVE, "ask", "--answers", "ok.yaml", "--output", f"plan{n}.html", "--save", f"a{n}.yaml"]
        code, text = _signal_at(argv, work, env, rng.uniform(0, 0.6), signal.SIGTERM)
        assert not _ours(text), text
        assert code in (0, 143, -signal.SIGTERM), text  # (killed outright before Python set up anything)
        names = sorted(p.name for p in work.iterdir())
        assert not [x for x in names if x.startswith(".")], f"a temporary file was left: {names}"
        for name in (f"plan{n}.html", f"a{n}.yaml"):
            if (work / name).exists():
                assert stat.S_IMODE((work / name).stat().st_mode) == 0o600


def test_an_age_of_thousands_of_digits_is_refused_before_int() -> None:
    """prompt_toolkit runs the validator on every keystroke: it must never raise (int() refuses 4,300 digits)."""
    from parentinvolve.answers import check_value
    from parentinvolve.kb import load

    question = next(q for q in load().questions if q.kind == "integer")
    for text in ("9" * 5000, "0" * 10_000 + "7", "1" * 4301):
        value, message = check_value(question, text)
        assert value is None and "range" in message


@pytest.mark.slow
def test_20000_problems_in_under_5_seconds(tmp_path: Path) -> None:
    """`validate` on a folder with 20,000 problems: the first 200 and a count, in under 5 s of CPU time
    (CPU time, not wall time: the machine may be shared with other work)."""
    many_problems(20_000)(tmp_path)
    with (tmp_path / "err.txt").open("wb") as err:
        proc = subprocess.Popen(
            [PARENTINVOLVE, "validate", "c"],
            cwd=tmp_path,
            env=environment({}, tmp_path / "home"),
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 1
    lines = (tmp_path / "err.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 202 and "… and 19,800 more problems" in lines[200], lines[-3:]
    assert usage.ru_utime + usage.ru_stime < 5.0, f"{usage.ru_utime + usage.ru_stime:.1f} s of CPU"
