"""The questionnaire on a terminal, with menus. The only module that imports questionary (it is slow to import).

Questions come from `questions.yaml`, one at a time, so each `when` can look at earlier answers. Every typed
answer goes through the same check as an answers file (`answers.check_value`), and a problem is shown right
under the question, which is then asked again, empty. A terminal that cannot show menus (`TERM=dumb`, or one
prompt_toolkit cannot drive), or `--plain-text`, gets numbered plain-text questions instead (`cli/numbered.py`,
which also holds what both share: the order, and crisis help as soon as self-harm is ticked).
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
from parentinvolve.answers import check_value
from parentinvolve.cli.numbered import (
    INTRO,
    STOPPED,
    YES,
    PlainTerminal,
    columns,
    crisis_help,
    fitting_labels,
    help_if_stopped,
    plain_terminal_io,
)
from parentinvolve.cli.numbered import fill as fill_in_order
from parentinvolve.cli.numbered import sentence as _sentence
from parentinvolve.cli.numbered import wrap as _wrap
from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import Interrupted
from parentinvolve.i18n import N_, _
from parentinvolve.model import KnowledgeBase, Question

__all__ = ["STOPPED", "PlainTerminal", "ask_one", "crisis_help", "fill", "help_if_stopped", "on_terminal"]

SHOW_PLAN = "__plan__"
STYLE = questionary.Style([("instruction", "italic"), ("help", "italic fg:ansibrightblack")])
PLAIN_TERMS = ("", "dumb", "unknown")
TICK = N_("(space to tick, enter when done)")
ARROWS = N_("(arrow keys, then enter)")


def plain_terminal(numbered: bool = False) -> bool:
    """Whether the terminal should get numbered plain-text questions rather than menus (`numbered`: asked for,
    with `--plain-text`)."""
    return numbered or os.environ.get("TERM", "") in PLAIN_TERMS


def _labels(q: Question, instruction: str, indent: int) -> list[str]:
    """The choices' labels as the menu shows them (`numbered.fitting_labels`: shortened on a small screen)."""
    above = len(_wrap(q.help, "  ", "  ").splitlines()) + len(_message(q.prompt, instruction).splitlines())
    return fitting_labels(q, above, lambda label: len(_title(label, indent).splitlines()))


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
    cols = columns()
    text = _wrap(prompt, "", "  ", cols - 2)
    if instruction and 2 + len(text.rsplit("\n", 1)[-1]) + 1 + len(instruction) > cols - 1:
        text += "\n "
    return text


def _title(label: str, indent: int) -> str:
    """A choice label wrapped to the terminal (menus would cut it at the edge); continuation lines indented."""
    return _wrap(label, "", " " * indent, columns() - indent)


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
    """`numbered.fill` with the menus: each question that applies and has no answer, in order."""
    return fill_in_order(kb, answers, ask or ask_one, tell or _tell)


def _tell(line: str) -> None:
    """Crisis help under the menus, in bold red, apart from the next question."""
    questionary.print(_wrap(line, "  ", "  ") + "\n", style="bold fg:ansired")


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


def on_terminal(
    kb: KnowledgeBase, start: dict[str, AnswerValue], *, fill_only: bool, numbered: bool = False
) -> dict[str, AnswerValue]:
    """Ask on the controlling terminal (even when stdout and stderr go to a file): the questions an answers
    file left open (`fill_only`), or the whole interview. A signal that stops us puts the terminal back."""
    if plain_terminal(numbered):
        with plain_terminal_io() as term, help_if_stopped():
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
        with plain_terminal_io() as term:
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
