"""Every bad input gets one clear line, the right exit code, and nothing is lost.

One table, run against the *installed* `parentinvolve` command in a subprocess, each case in its own empty
folder with a fixed terminal (COLUMNS=100, NO_COLOR=1, TERM=dumb) unless the case says otherwise. For every
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

from conftest import CONTENT, RunCli, edit, line_of

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


Setup = Callable[[Path], "Mapping[str, str] | None"]


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


# --- setups -----------------------------------------------------------------------------------------------------


def content_copy(work: Path) -> Path:
    return Path(shutil.copytree(CONTENT, work / "c"))


def with_content(change: Callable[[Path], Mapping[str, str] | None]) -> Setup:
    """A copy of the shipped content at `c/`, changed by `change(c)`."""

    def setup(work: Path) -> Mapping[str, str] | None:
        return change(content_copy(work))

    return setup


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
    for phrase in ("Questions to ask the therapist", "What stays private", "Sources"):
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
            ("5000-digits", '"' + "5" * 5000 + '"', "is not a whole number"),
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
    Case("answers-endless-device", (*A, "/dev/zero"), 2, ("too big",), max_seconds=2.0, limit_memory=True),
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
        ("c/attendance.yaml:2:3: an attendance level is missing the field 'label'",),
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
                "- id: consent-starting\n  because: you're just starting\n  when: {stage: starting}\n"
                "  sources: [psychcentral-parent-involvement]\n",
                "- id: consent-starting\n  because: you're just starting\n  when: {stage: starting}\n"
                "  sources: [psychcentral-parent-involvment]\n",
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
            lambda c: (
                (c / "attendance.yaml")
                .open("a")
                .write("\n- id: every-session\n  label: Again\n  description: Again.\n")
                and None
            )
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
        out=(PLAN_TITLE,),
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
    """Every file and folder under root: (sha256, mtime in ns, mode) for a file, ("dir", 0, mode) for a folder."""
    out: dict[str, tuple[str, int, int]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if path.is_dir():  # a folder's own time changes when a temporary file comes and goes: not a change
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
    decode = lambda b: b.decode("utf-8", "surrogateescape")  # noqa: E731
    return Result(proc.returncode, decode(proc.stdout), decode(proc.stderr), seconds)


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
    return lambda: subprocess.run(["umount", "-l", str(target)], check=True)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
        for c in CASES
    ],
)
def test_bad_input(case: Case, tmp_path: Path) -> None:
    assert PARENTINVOLVE, "the parentinvolve command is not installed next to this Python"
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    for name, body in case.files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    values = dict(case.setup(work) or {}) if case.setup else {}
    cleanup = mount(case.needs, work / ("full" if case.needs == "tmpfs" else "locked")) if case.needs else None
    try:
        before, shipped = snapshot(work), snapshot(CONTENT)
        result = run(case, work, home)
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
    if case.code != 0:
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
    def interrupted(folder: object = None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("parentinvolve.kb.load", interrupted)
    result = run_cli("topics")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "parentinvolve: stopped. Nothing was saved.\n")


def test_an_unexpected_error_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    def broken(folder: object = None) -> None:
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
