"""Questions without menus, and what every way of asking shares: the order and skip logic (`fill`), crisis help
as soon as self-harm is ticked (`crisis_help`, `help_if_stopped`), and numbered plain-text questions for a
terminal that cannot show menus (`TERM=dumb`) or a reader who asked for words only (`--plain-text`): read
lines, write lines, no escape codes at all. Imports no prompt library (`cli/prompts.py` does, for the menus).
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from parentinvolve import startup
from parentinvolve.answers import asked, check_value
from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import Interrupted
from parentinvolve.i18n import N_, _
from parentinvolve.model import KnowledgeBase, Question

STOPPED = N_("stopped. Nothing was saved.")
YES = N_("y, yes")  # the answers that mean yes, separated by ", " (English "y" and "yes" always work too)
INTRO = N_("A few questions about your child (Ctrl-C to stop at any time).")


def enter_for(ask: str, default: str) -> str:
    """ "Type a number (Enter for 3): " -- what to type, and what Enter alone gives."""
    if not default:
        return ask + ": "
    return _("{ask} (Enter for {default}):").format(ask=ask, default=default) + " "


def columns() -> int:
    """The width of the terminal the questions are on (stdout may be a file or a pipe)."""
    cols = shutil.get_terminal_size((0, 0)).columns if "COLUMNS" in os.environ else 0
    for fd in (0, 2, 1):
        if cols:
            break
        try:
            cols = os.get_terminal_size(fd).columns
        except OSError:
            continue
    return max(min(cols or 80, 100), 20)


def rows() -> int:
    """The height of the terminal the questions are on (LINES first, as COLUMNS is for the width)."""
    if os.environ.get("LINES", "").isdigit():
        return max(int(os.environ["LINES"]), 5)
    for fd in (0, 2, 1):
        try:
            return max(os.get_terminal_size(fd).lines, 5)
        except OSError:
            continue
    return max(shutil.get_terminal_size((80, 24)).lines, 5)


def fitting_labels(q: Question, above: int, height: Callable[[str], int]) -> list[str]:
    """The choices' labels as a screen shows them: whole, unless the question (`above` lines: its help and
    prompt) and every label (`height` lines each) would not fit on the screen at once (a 60×20 terminal);
    then each label only up to its dash ("CBT (cognitive behavioral therapy)"), and if that is still too
    tall, a bracket only up to its comma ("Terapia cognitivo-conductual (CBT)"), so the last choice ("Not
    sure yet") and the help that points to it stay in view."""
    import re

    def fits(labels: list[str]) -> bool:
        return above + sum(height(label) for label in labels) <= rows() - 2

    labels = [c.label for c in q.choices]
    if fits(labels):
        return labels
    labels = [label.split(" — ", 1)[0] for label in labels]
    if fits(labels):
        return labels
    return [re.sub(r"\(([^,()]+),[^()]*\)", r"(\1)", label) for label in labels]


def wrap(text: str, first: str = "", rest: str = "", width: int | None = None) -> str:
    """Text wrapped to the terminal, whole words only, with a hanging indent."""
    lines = textwrap.wrap(
        text,
        width=(width or columns()) - 1,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines) or first


def sentence(problem: str) -> str:
    return problem[:1].upper() + problem[1:].rstrip(".") + "."


def fill(
    kb: KnowledgeBase,
    answers: dict[str, AnswerValue],
    ask: Callable[[Question], AnswerValue],
    tell: Callable[[str], None],
) -> dict[str, AnswerValue]:
    """Ask, in order, every question that applies and has no answer; drop answers that no longer apply.
    Crisis help is told (`tell`) as soon as an answer calls for it (`crisis_help`)."""
    out: dict[str, AnswerValue] = {}
    for q in kb.questions:
        if not asked(q, out):
            continue
        out[q.id] = answers[q.id] if q.id in answers else ask(q)
        crisis_help(kb, out, tell)
    return out


_HELP_SHOWN: list[str] = []  # the crisis help last shown on this terminal; said again if the questions stop


def crisis_help(kb: KnowledgeBase, answers: dict[str, AnswerValue], tell: Callable[[str], None]) -> None:
    """As soon as self-harm or suicidal thoughts are ticked, the crisis help (`engine.crisis_now`): told once,
    and again when it changes (the country's line once the country is known); forgotten if un-ticked."""
    from parentinvolve.engine import crisis_now

    line = crisis_now(kb, answers)
    if line is not None and line not in _HELP_SHOWN:
        tell(line)
    _HELP_SHOWN[:] = [line] if line is not None else []
    startup.say_if_stopped(_HELP_SHOWN[:])  # said again if a signal (Ctrl-C at a numbered question) stops us


@contextmanager
def help_if_stopped() -> Iterator[None]:
    """Ctrl-C or Ctrl-D after the crisis help was shown: it is said again, under "stopped"."""
    _HELP_SHOWN.clear()
    startup.say_if_stopped([])
    try:
        yield
    except (Interrupted, KeyboardInterrupt, EOFError) as exc:
        message = exc.message if isinstance(exc, Interrupted) else _(STOPPED)
        if _HELP_SHOWN:
            raise Interrupted(message, hint=_HELP_SHOWN[0]) from exc
        raise


class PlainTerminal:
    """Questions as numbered text on a terminal that cannot show menus: read lines, write lines."""

    def __init__(self, read: TextIO, write: TextIO) -> None:
        self.read, self.write = read, write

    def say(self, text: str = "") -> None:
        self.write.write(text + "\n")
        self.write.flush()

    def line(self, prompt: str) -> str:
        """One typed line, after `prompt` (wrapped to the terminal; the answer goes on its last line)."""
        self.write.write(wrap(prompt) + " ")
        self.write.flush()
        try:
            text = self._readline()
        except KeyboardInterrupt as exc:
            raise Interrupted(_(STOPPED)) from exc
        if not text:  # Ctrl-D, or the terminal went away
            raise Interrupted(_(STOPPED))
        return _printable(text.strip())

    def _readline(self) -> str:
        """One line as typed; bytes the terminal's encoding does not allow (Latin-1 typed in a UTF-8 locale)
        become U+FFFD, so the question is simply asked again. Read as bytes where the stream has them: a
        decoding error inside a text stream would lose the lines after it."""
        raw = getattr(self.read, "buffer", None)
        if raw is None:
            return self.read.readline()
        encoding = getattr(self.read, "encoding", None) or "utf-8"
        return bytes(raw.readline()).decode(encoding, "replace")

    def numbers(self, typed: str, count: int, several: bool) -> list[int] | str:
        """The choice numbers typed ("2" or "1, 3"), or what is wrong with them."""
        parts = [p for p in typed.replace(",", " ").split() if p]
        if not parts or not all(p.isdigit() and p.isascii() for p in parts):
            if several:
                return _("Type one or more numbers from 1 to {count}.").format(count=count)
            return _("Type a number from 1 to {count}.").format(count=count)
        picked = [int(p) for p in parts]
        if any(not 1 <= n <= count for n in picked):
            return _("Each number must be from 1 to {count}.").format(count=count)
        if not several and len(picked) > 1:
            return _("Type just one number.")
        return list(dict.fromkeys(picked))

    def ask_one(self, q: Question, current: AnswerValue | None = None) -> AnswerValue:
        self.say()
        self.say(wrap(q.prompt))
        self.say(wrap(q.help, "  ", "  "))
        if q.kind == "integer":
            while True:
                typed = self.line(enter_for(_("Type a number"), "" if current is None else str(current)))
                value, problem = check_value(q, typed or ("" if current is None else str(current)))
                if value is not None:
                    return value
                self.say(wrap(sentence(problem), "  ", "  "))
        several = q.kind == "multi"
        ids = q.choice_ids()
        above = 3 + len(wrap(q.prompt).splitlines()) + len(wrap(q.help, "  ", "  ").splitlines())
        for n, label in enumerate(fitting_labels(q, above, lambda label: len(wrap(label, "  00. ").splitlines())), 1):
            self.say(wrap(label, f"  {n:>2}. ", " " * 6))
        default = current if current is not None else q.default
        if isinstance(default, tuple):
            default_numbers = ", ".join(str(ids.index(d) + 1) for d in default)
        else:
            default_numbers = str(ids.index(default) + 1) if default in ids else ""
        ask = _("Type one or more numbers, separated by commas") if several else _("Type a number")
        while True:
            typed = self.line(enter_for(ask, default_numbers)) or default_numbers
            picked = self.numbers(typed, len(ids), several)
            if isinstance(picked, str):
                self.say("  " + picked)
                continue
            value, problem = check_value(q, [ids[n - 1] for n in picked] if several else ids[picked[0] - 1])
            if value is not None:
                self.say(wrap(q.words(value), "  = ", "    "))
                return value
            self.say(wrap(sentence(problem), "  ", "  "))

    def review(self, kb: KnowledgeBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
        while True:
            shown = [q for q in kb.questions if q.id in answers]
            self.say()
            self.say(_("Your answers:"))
            for n, q in enumerate(shown, 1):
                self.say(wrap(f"{q.prompt} {q.words(answers[q.id])}", f"  {n}. ", "     "))
            typed = self.line(_("Press Enter to see your plan, or type a number to change that answer:") + " ")
            if not typed:
                return answers
            picked = self.numbers(typed, len(shown), several=False)
            if isinstance(picked, str):
                self.say("  " + picked)
                continue
            q = shown[picked[0] - 1]
            answers = dict(answers)
            answers[q.id] = self.ask_one(q, answers[q.id])
            answers = fill(kb, answers, self.ask_one, self.tell)

    def tell(self, line: str) -> None:
        self.say()
        self.say(wrap(line))

    def confirm(self, question: str) -> bool:
        typed = self.line(question + " " + _("Type y or n (Enter for no):") + " ").lower()
        return typed in ("y", "yes", *_(YES).lower().split(", "))


def _printable(text: str) -> str:
    """A typed line that can be written back: bytes the locale could not decode (kept as lone surrogates by
    Python's surrogateescape) become U+FFFD, so echoing or quoting them never fails."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


@contextmanager
def plain_terminal_io() -> Iterator[PlainTerminal]:
    """The terminal itself for the questions (so `ask > plan.txt` keeps them out of the file), else stderr."""
    try:
        tty = open("/dev/tty", "w", encoding="utf-8", errors="replace")  # noqa: SIM115 (closed below)
    except OSError:
        yield PlainTerminal(sys.stdin, sys.stderr)
        return
    with tty:
        yield PlainTerminal(sys.stdin, tty)
