"""The questionnaire on a terminal. The only module that imports questionary (it is slow to import).

Questions come from `questions.yaml`, one at a time, so each `when` can look at earlier answers. Every typed
answer goes through the same check as an answers file (`answers.check_value`), and a problem is shown right
under the question, which is then asked again. A terminal that cannot show menus (`TERM=dumb`, or one
prompt_toolkit cannot drive) gets numbered plain-text questions instead: no escape codes at all.
Ctrl-C and Ctrl-D at any prompt raise `Interrupted`; nothing is printed on stdout from here.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import questionary
from prompt_toolkit.application import Application, AppSession, create_app_session_from_tty
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys

from parentinvolve import startup
from parentinvolve.answers import asked, check_value
from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import Interrupted
from parentinvolve.i18n import N_, _
from parentinvolve.model import KnowledgeBase, Question

SHOW_PLAN = "__plan__"
STYLE = questionary.Style([("instruction", "italic"), ("help", "italic fg:ansibrightblack")])
STOPPED = N_("stopped. Nothing was saved.")
PLAIN_TERMS = ("", "dumb", "unknown")
TICK = N_("(space to tick, enter when done)")
ARROWS = N_("(arrow keys, then enter)")
YES = N_("y, yes")  # the answers that mean yes, separated by ", " (English "y" and "yes" always work too)


INTRO = N_("A few questions about your child (Ctrl-C to stop at any time).")


def _enter_for(ask: str, default: str) -> str:
    """ "Type a number (Enter for 3): " -- what to type, and what Enter alone gives."""
    if not default:
        return ask + ": "
    return _("{ask} (Enter for {default}):").format(ask=ask, default=default) + " "


def plain_terminal(numbered: bool = False) -> bool:
    """Whether the terminal should get numbered plain-text questions rather than menus (`numbered`: asked for,
    with `--plain-text`)."""
    return numbered or os.environ.get("TERM", "") in PLAIN_TERMS


def _columns() -> int:
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


def _rows() -> int:
    """The height of the terminal the questions are on."""
    for fd in (0, 2, 1):
        try:
            return max(os.get_terminal_size(fd).lines, 5)
        except OSError:
            continue
    return max(shutil.get_terminal_size((80, 24)).lines, 5)


def _labels(q: Question, instruction: str, indent: int) -> list[str]:
    """The choices' labels as the menu shows them: whole, unless the question, its help and every label would
    not fit on the screen at once (a 60×20 terminal); then each label only up to its dash ("CBT (cognitive
    behavioral therapy)"), so the last choice ("Not sure yet") and the help that points to it stay in view."""
    labels = [c.label for c in q.choices]
    tall = len(_wrap(q.help, "  ", "  ").splitlines()) + len(_message(q.prompt, instruction).splitlines())
    tall += sum(len(_title(label, indent).splitlines()) for label in labels)
    if tall <= _rows() - 2:
        return labels
    return [label.split(" — ", 1)[0] for label in labels]


def _wrap(text: str, first: str = "", rest: str = "", width: int | None = None) -> str:
    """Text wrapped to the terminal, whole words only, with a hanging indent."""
    lines = textwrap.wrap(
        text,
        width=(width or _columns()) - 1,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines) or first


def _sentence(problem: str) -> str:
    return problem[:1].upper() + problem[1:].rstrip(".") + "."


# --- menus (questionary) ---------------------------------------------------------------------------------


def _stop_on_ctrl_d(app: Application[Any]) -> None:
    """questionary's lists ignore Ctrl-D; make it end the questionnaire like Ctrl-C does. Ctrl-Z suspends (it
    would type `^Z` into a text question otherwise)."""
    keys = KeyBindings()

    @keys.add("c-d", eager=True)
    def end_on_ctrl_d(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError(), style="class:aborting")

    @keys.add("c-z", eager=True)  # suspend, as the shell and the numbered questions do (`fg` comes back)
    def suspend(event: KeyPressEvent) -> None:
        event.app.suspend_to_background()

    @keys.add(Keys.SIGINT, eager=True)  # `kill -INT`: prompt_toolkit turns the signal into this key
    def end_on_sigint(event: KeyPressEvent) -> None:
        event.app.erase_when_done = False  # leave the question where it was, and the "stopped" line below it
        event.app.exit(exception=KeyboardInterrupt(), style="class:aborting")

    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])


def _ask(question: questionary.Question, *, summary: Callable[[Any], str] | None = None) -> Any:
    """Put a question; with `summary`, the prompt is replaced, once answered, by `? question  <summary>`."""
    _stop_on_ctrl_d(question.application)
    if summary is not None:
        question.application.erase_when_done = True
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError) as exc:
        raise Interrupted(_(STOPPED)) from exc
    if summary is not None:
        questionary.print(_wrap(summary(answer), "? ", "  "), style="bold")
    return answer


def _message(prompt: str, instruction: str = "") -> str:
    """A question wrapped to the terminal after its `? ` mark; the instruction that follows it moves to a
    line of its own when it would not fit (a terminal would cut it at the edge, mid-word)."""
    cols = _columns()
    text = _wrap(prompt, "", "  ", cols - 2)
    if instruction and 2 + len(text.rsplit("\n", 1)[-1]) + 1 + len(instruction) > cols - 1:
        text += "\n "
    return text


def _title(label: str, indent: int) -> str:
    """A choice label wrapped to the terminal (menus would cut it at the edge); continuation lines indented."""
    return _wrap(label, "", " " * indent, _columns() - indent)


def ask_one(q: Question, current: AnswerValue | None = None) -> AnswerValue:
    """Put one question and return its answer in canonical form."""
    questionary.print(_wrap(q.help, "  ", "  "), style="italic fg:ansibrightblack")
    if q.kind == "integer":
        typed = "" if current is None else str(current)
        while True:
            typed = _ask(questionary.text(_message(q.prompt), default=typed, style=STYLE)).strip()
            value, problem = check_value(q, typed)
            if value is not None:
                return value
            questionary.print(_wrap(_sentence(problem), "  ", "  "), style="fg:ansired bold")
            typed = ""  # asked again empty: the problem above quotes what was typed
    if q.kind == "multi":
        chosen = set(current) if isinstance(current, tuple) else set()
        labels = _labels(q, _(TICK), 5)
        choices = [
            questionary.Choice(_title(label, 5), value=c.id, checked=c.id in chosen)
            for c, label in zip(q.choices, labels, strict=True)
        ]
        picked = _ask(
            questionary.checkbox(
                _message(q.prompt, _(TICK)),
                choices=choices,
                validate=lambda xs: bool(xs) or _("Pick at least one (space to tick, enter when done)."),
                instruction=_(TICK),
                style=STYLE,
            ),
            summary=lambda ids: f"{q.prompt} {q.words(tuple(ids))}",
        )
        value, _problem = check_value(q, list(picked))
    else:
        default = current if isinstance(current, str) else q.default
        labels = _labels(q, _(ARROWS), 3)
        choices = [questionary.Choice(_title(label, 3), value=c.id) for c, label in zip(q.choices, labels, strict=True)]
        picked = _ask(
            questionary.select(
                _message(q.prompt, _(ARROWS)),
                choices=choices,
                default=next((c for c in choices if c.value == default), None),
                instruction=_(ARROWS),
                style=STYLE,
            ),
            summary=lambda cid: f"{q.prompt} {q.label(cid)}",
        )
        value, _problem = check_value(q, picked)
    assert value is not None  # each prompt only lets a valid answer through
    return value


def fill(
    kb: KnowledgeBase,
    answers: dict[str, AnswerValue],
    ask: Callable[[Question], AnswerValue] | None = None,
    tell: Callable[[str], None] | None = None,
) -> dict[str, AnswerValue]:
    """Ask, in order, every question that applies and has no answer; drop answers that no longer apply.
    Crisis help is told (`tell`) as soon as an answer calls for it (`crisis_help`)."""
    put = ask or ask_one
    out: dict[str, AnswerValue] = {}
    for q in kb.questions:
        if not asked(q, out):
            continue
        out[q.id] = answers[q.id] if q.id in answers else put(q)
        crisis_help(kb, out, tell or _tell)
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


def _tell(line: str) -> None:
    questionary.print(_wrap(line, "  ", "  ") + "\n", style="bold fg:ansired")


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


def review(kb: KnowledgeBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Show the answers; let the parent change any of them until they choose to see the plan."""
    while True:
        questionary.print("\n" + _("Your answers:"), style="bold")
        shown = [q for q in kb.questions if q.id in answers]
        for q in shown:
            questionary.print(_wrap(f"{q.prompt} {q.words(answers[q.id])}", "  ", "    "))
        choices = [questionary.Choice(_("Show my plan"), value=SHOW_PLAN)]
        change = _("Change: {question}")
        choices += [questionary.Choice(_title(change.format(question=q.prompt), 3), value=q.id) for q in shown]
        picked = _ask(questionary.select(_("Is this right?"), choices=choices, instruction=_(ARROWS), style=STYLE))
        if picked == SHOW_PLAN:
            return answers
        q = kb.question(picked)
        answers = dict(answers)
        answers[q.id] = ask_one(q, answers[q.id])
        answers = fill(kb, answers)


def interview(kb: KnowledgeBase, start: dict[str, AnswerValue] | None = None) -> dict[str, AnswerValue]:
    """The whole questionnaire: every question that applies, then the review."""
    questionary.print(_wrap(_(INTRO)), style="bold")
    return review(kb, fill(kb, dict(start or {})))


# --- numbered plain-text questions (TERM=dumb) -----------------------------------------------------------


class PlainTerminal:
    """Questions as numbered text on a terminal that cannot show menus: read lines, write lines."""

    def __init__(self, read: TextIO, write: TextIO) -> None:
        self.read, self.write = read, write

    def say(self, text: str = "") -> None:
        self.write.write(text + "\n")
        self.write.flush()

    def line(self, prompt: str) -> str:
        """One typed line, after `prompt` (wrapped to the terminal; the answer goes on its last line)."""
        self.write.write(_wrap(prompt) + " ")
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
        self.say(_wrap(q.prompt))
        self.say(_wrap(q.help, "  ", "  "))
        if q.kind == "integer":
            while True:
                typed = self.line(_enter_for(_("Type a number"), "" if current is None else str(current)))
                value, problem = check_value(q, typed or ("" if current is None else str(current)))
                if value is not None:
                    return value
                self.say(_wrap(_sentence(problem), "  ", "  "))
        several = q.kind == "multi"
        ids = q.choice_ids()
        for n, c in enumerate(q.choices, 1):
            self.say(_wrap(c.label, f"  {n:>2}. ", " " * 6))
        default = current if current is not None else q.default
        if isinstance(default, tuple):
            default_numbers = ", ".join(str(ids.index(d) + 1) for d in default)
        else:
            default_numbers = str(ids.index(default) + 1) if default in ids else ""
        ask = _("Type one or more numbers, separated by commas") if several else _("Type a number")
        while True:
            typed = self.line(_enter_for(ask, default_numbers)) or default_numbers
            picked = self.numbers(typed, len(ids), several)
            if isinstance(picked, str):
                self.say("  " + picked)
                continue
            value, problem = check_value(q, [ids[n - 1] for n in picked] if several else ids[picked[0] - 1])
            if value is not None:
                self.say(_wrap(q.words(value), "  = ", "    "))
                return value
            self.say(_wrap(_sentence(problem), "  ", "  "))

    def review(self, kb: KnowledgeBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
        while True:
            shown = [q for q in kb.questions if q.id in answers]
            self.say()
            self.say(_("Your answers:"))
            for n, q in enumerate(shown, 1):
                self.say(_wrap(f"{q.prompt} {q.words(answers[q.id])}", f"  {n}. ", "     "))
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
        self.say(_wrap(line))

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
def _plain_terminal() -> Iterator[PlainTerminal]:
    """The terminal itself for the questions (so `ask > plan.txt` keeps them out of the file), else stderr."""
    try:
        tty = open("/dev/tty", "w", encoding="utf-8", errors="replace")  # noqa: SIM115 (closed below)
    except OSError:
        yield PlainTerminal(sys.stdin, sys.stderr)
        return
    with tty:
        yield PlainTerminal(sys.stdin, tty)


def on_terminal(
    kb: KnowledgeBase, start: dict[str, AnswerValue], *, fill_only: bool, numbered: bool = False
) -> dict[str, AnswerValue]:
    """Ask on the controlling terminal (even when stdout and stderr go to a file): the questions an answers
    file left open (`fill_only`), or the whole interview. A signal that stops us puts the terminal back."""
    if plain_terminal(numbered):
        with _plain_terminal() as term, help_if_stopped():
            if fill_only:
                return fill(kb, start, term.ask_one, term.tell)
            term.say(_wrap(_(INTRO)))
            return term.review(kb, fill(kb, dict(start), term.ask_one, term.tell))
    with _terminal() as session, help_if_stopped():
        forget = startup.on_terminal(_restorer(session.output))
        try:
            return fill(kb, start) if fill_only else interview(kb, start)
        finally:
            forget()


def offer_to_save(where: str, *, numbered: bool = False) -> bool:
    """Whether the parent wants a printable copy of the plan (an HTML page) saved as `where`."""
    question = _("Save a printable copy of this plan (a web page) as {path}?").format(path=where)
    if plain_terminal(numbered):
        with _plain_terminal() as term:
            return term.confirm(question)
    with _terminal() as session:
        forget = startup.on_terminal(_restorer(session.output))
        try:
            return bool(_ask(_confirm(question)))
        finally:
            forget()


def _confirm(question: str) -> questionary.Question:
    """A yes/no question, default no: y or n; in another language, its own key for yes works too (s for sí)."""
    from parentinvolve import i18n

    if i18n.current() == i18n.ENGLISH:
        return questionary.confirm(_message(question), default=False, style=STYLE)
    asked = questionary.confirm(_message(question), default=False, style=STYLE, instruction=_("(y/N)") + " ")
    keys = KeyBindings()
    for word in _(YES).split(", "):
        if len(word) == 1 and word.lower() not in "yn":

            @keys.add(word.lower(), eager=True)
            @keys.add(word.upper(), eager=True)
            def say_yes(event: KeyPressEvent) -> None:
                event.app.exit(result=True)

    asked.application.key_bindings = merge_key_bindings([asked.application.key_bindings or KeyBindings(), keys])
    return asked


@contextmanager
def _terminal() -> Iterator[AppSession]:
    """A prompt_toolkit session on /dev/tty, so prompts never go into a redirected stdout or stderr."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    try:
        tty_in = open("/dev/tty", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:  # no controlling terminal (stdin is one, or we would not be here): use it
        with create_app_session_from_tty() as session:
            yield session
        return
    try:
        with (
            open("/dev/tty", "w", encoding="utf-8") as tty_out,
            create_app_session(input=create_input(tty_in), output=create_output(tty_out)) as session,
        ):
            yield session
    finally:
        tty_in.close()


def _restorer(output: Any) -> Callable[[], None]:
    """Put the terminal back as it is now: echo and line editing on, cursor shown."""
    import termios

    try:
        fd = output.fileno()
        saved = termios.tcgetattr(fd)
    except (OSError, termios.error, NotImplementedError):
        return lambda: None

    def restore() -> None:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        os.write(fd, b"\x1b[0m\x1b[?25h\x1b[?2004l\r\n")

    return restore
