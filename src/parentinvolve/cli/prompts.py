"""The questionnaire on a terminal. The only module that imports questionary (it is slow to import).

Questions come from `questions.yaml`, one at a time, so each `when` can look at earlier answers.
Ctrl-C and Ctrl-D at any prompt raise `Interrupted`; nothing is printed on stdout from here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import questionary
from prompt_toolkit.application import Application, AppSession, create_app_session_from_tty
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.keys import Keys

from parentinvolve import startup
from parentinvolve.answers import asked, check_value
from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import Interrupted
from parentinvolve.model import KnowledgeBase, Question

SHOW_PLAN = "__plan__"
STYLE = questionary.Style([("instruction", "italic"), ("help", "italic fg:ansibrightblack")])


def _stop_on_ctrl_d(app: Application[Any]) -> None:
    """questionary's lists ignore Ctrl-D; make it end the questionnaire like Ctrl-C does."""
    keys = KeyBindings()

    @keys.add("c-d", eager=True)
    def end_on_ctrl_d(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError(), style="class:aborting")

    @keys.add(Keys.SIGINT, eager=True)  # `kill -INT`: prompt_toolkit turns the signal into this key
    def end_on_sigint(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt(), style="class:aborting")

    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])


def _ask(question: questionary.Question) -> Any:
    _stop_on_ctrl_d(question.application)
    try:
        return question.unsafe_ask()
    except (KeyboardInterrupt, EOFError) as exc:
        raise Interrupted("stopped. Nothing was saved.") from exc


def age_problem(q: Question, text: str) -> str | None:
    """Why a typed age is not accepted, in plain words; None when it is fine."""
    text = text.strip()
    if not text:
        return "Please type your child's age in years, as a number (for example 7)."
    if not (text.isdigit() and text.isascii()):
        return f"Please type the age as a number, like 7 — not {text!r}."
    number = int(text) if len(text) <= 3 else 1000  # no age has 4 digits (and int() refuses 4,300 or more)
    if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
        return f"This guide covers children aged {q.min} to {q.max}; please type an age in that range."
    return None


def ask_one(q: Question, current: AnswerValue | None = None) -> AnswerValue:
    """Put one question and return its answer in canonical form."""
    questionary.print(q.help, style="italic fg:ansibrightblack")
    if q.kind == "integer":
        text = _ask(
            questionary.text(
                q.prompt,
                default="" if current is None else str(current),
                validate=lambda t: age_problem(q, t) or True,
                style=STYLE,
            )
        )
        value, _ = check_value(q, text.strip())
    elif q.kind == "multi":
        chosen = set(current) if isinstance(current, tuple) else set()
        choices = [questionary.Choice(c.label, value=c.id, checked=c.id in chosen) for c in q.choices]
        picked = _ask(
            questionary.checkbox(
                q.prompt,
                choices=choices,
                validate=lambda xs: bool(xs) or "Pick at least one (space to tick, enter when done).",
                instruction="(space to tick, enter when done)",
                style=STYLE,
            )
        )
        value, _ = check_value(q, list(picked))
    else:
        default = current if isinstance(current, str) else q.default
        choices = [questionary.Choice(c.label, value=c.id) for c in q.choices]
        picked = _ask(
            questionary.select(
                q.prompt,
                choices=choices,
                default=next((c for c in choices if c.value == default), None),
                instruction="(arrow keys, then enter)",
                style=STYLE,
            )
        )
        value, _ = check_value(q, picked)
    assert value is not None  # each prompt only lets a valid answer through
    return value


def fill(kb: KnowledgeBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Ask, in order, every question that applies and has no answer; drop answers that no longer apply."""
    out: dict[str, AnswerValue] = {}
    for q in kb.questions:
        if not asked(q, out):
            continue
        out[q.id] = answers[q.id] if q.id in answers else ask_one(q)
    return out


def _words(q: Question, value: AnswerValue) -> str:
    if isinstance(value, tuple):
        return ", ".join(q.label(v) for v in value)
    return q.label(value) if isinstance(value, str) else str(value)


def review(kb: KnowledgeBase, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Show the answers; let the parent change any of them until they choose to see the plan."""
    while True:
        questionary.print("\nYour answers:", style="bold")
        shown = [q for q in kb.questions if q.id in answers]
        for q in shown:
            questionary.print(f"  {q.prompt} {_words(q, answers[q.id])}")
        choices = [questionary.Choice("Show my plan", value=SHOW_PLAN)]
        choices += [questionary.Choice(f"Change: {q.prompt}", value=q.id) for q in shown]
        picked = _ask(
            questionary.select("Is this right?", choices=choices, instruction="(arrow keys, then enter)", style=STYLE)
        )
        if picked == SHOW_PLAN:
            return answers
        q = kb.question(picked)
        answers = dict(answers)
        answers[q.id] = ask_one(q, answers[q.id])
        answers = fill(kb, answers)


def interview(kb: KnowledgeBase, start: dict[str, AnswerValue] | None = None) -> dict[str, AnswerValue]:
    """The whole questionnaire: every question that applies, then the review."""
    questionary.print("A few questions about your child (Ctrl-C to stop at any time).", style="bold")
    return review(kb, fill(kb, dict(start or {})))


def on_terminal(kb: KnowledgeBase, start: dict[str, AnswerValue], *, fill_only: bool) -> dict[str, AnswerValue]:
    """Ask on the controlling terminal (even when stdout and stderr go to a file): the questions an answers
    file left open (`fill_only`), or the whole interview. A signal that stops us puts the terminal back."""
    with _terminal() as session:
        forget = startup.on_terminal(_restorer(session.output))
        try:
            return fill(kb, start) if fill_only else interview(kb, start)
        finally:
            forget()


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
