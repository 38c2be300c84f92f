"""`parentinvolve ask`: gather answers (file or prompts), make the plan, and show or write it."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from parentinvolve import startup
from parentinvolve.conditions import AnswerValue
from parentinvolve.engine import Plan
from parentinvolve.errors import AnswersError, UsageError
from parentinvolve.i18n import N_, _
from parentinvolve.model import KnowledgeBase

if TYPE_CHECKING:
    from parentinvolve.render.doc import Doc

NO_TTY = N_(
    "There is no terminal to ask the questions on. Put your answers in a file and run "
    "`parentinvolve ask --answers FILE` (see `parentinvolve ask --help`)."
)


def run(
    kb_loader: Callable[[], KnowledgeBase],
    *,
    answers_file: Path | None,
    no_input: bool,
    save: Path | None,
    output: Path | None,
    force: bool,
    fmt: str | None,
    why: bool,
    pager: bool = True,
    plain_text: bool = False,
) -> None:
    from parentinvolve.cli.output import SUFFIX_FORMATS, pick_format
    from parentinvolve.render import PLAN_FORMATS

    if output is not None and str(output) == "-":  # `--output -`: standard output, as Unix tools read it
        output, pager = None, False
    if no_input and answers_file is None:
        raise UsageError(_("--no-input needs --answers FILE: without prompts, the answers must come from a file."))
    if fmt is None and output is not None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower(), "plain")
    chosen = pick_format(fmt, PLAN_FORMATS, plain_text=plain_text)
    pager = pager and not plain_text  # a screen reader reads on; less would stop it at every screen
    check_targets(answers_file, save, output, force=force)
    if output is None and 1 in startup.closed:  # say so before asking anything
        raise startup.StdoutClosed("standard output is closed")
    interactive = not no_input and _stdin_is_a_terminal()
    if answers_file is None and not interactive:
        raise UsageError(_(NO_TTY))
    kb: KnowledgeBase = kb_loader()
    answers, prompted = gather(kb, answers_file, interactive, numbered=plain_text)

    from parentinvolve.cli.answers_file import answers_text
    from parentinvolve.cli.errors import say
    from parentinvolve.cli.private_files import write_private
    from parentinvolve.cli.terminal import shown, strip
    from parentinvolve.engine import plan

    result = plan(kb, answers)
    if save is not None:
        write_private(save, answers_text(result.answers, save), force=force)
        say(_("Saved your answers to {path} (only you can read it).").format(path=shown(save)), wrap=True)
    text = render(kb, result, chosen, why, to_terminal=output is None)
    if output is not None:
        write_private(output, strip(text), force=force)
        if result.safety is not None:  # the crisis lines are never hidden away in a file
            for line in render_safety(result).splitlines():
                say(line)
        say(_("Wrote your plan to {path} (only you can read it).").format(path=shown(output)), wrap=True)
    else:
        from parentinvolve.cli.output import show

        colour = chosen == "rich"
        if show(text, pager=pager, colour=colour) and result.safety is not None and chosen in ("rich", "plain", "text"):
            show(render_footer(result, chosen), pager=False, colour=colour)  # the crisis lines stay on the screen
        if prompted and sys.stdout.isatty():
            offer_page(kb, result, why, numbered=plain_text)


def check_targets(answers_file: Path | None, save: Path | None, output: Path | None, *, force: bool) -> None:
    """Refuse, before anything is asked, files we must not or cannot write."""
    from parentinvolve.cli.private_files import check_target, same_file

    if save is not None and output is not None and same_file(save, output):
        raise UsageError(_("--save and --output name the same file; give them different names."))
    for target, option in ((save, "--save"), (output, "--output")):
        if target is not None and answers_file is not None and same_file(target, answers_file):
            raise UsageError(
                _("{option} names the answers file itself; give another name, so your answers are kept.").format(
                    option=option
                )
            )
    for target, what in ((save, "answers"), (output, "output")):
        if target is not None:
            check_target(target, force=force, what=what)


def _stdin_is_a_terminal() -> bool:
    """Whether questions can be asked: stdin is a terminal (not a file, a pipe or closed)."""
    import os

    try:
        return os.isatty(0) and 0 not in startup.closed
    except OSError:
        return False


def offer_page(kb: KnowledgeBase, result: Plan, why: bool, *, numbered: bool = False) -> None:
    """After an interview, offer a printable page of the plan: a new file (never one that exists), 0600."""
    from datetime import date

    from parentinvolve.cli import prompts
    from parentinvolve.cli.output import save_name
    from parentinvolve.cli.private_files import write_private

    folder = save_folder()
    target = Path(save_name(folder, f"parentinvolve-plan-{date.today().isoformat()}", ".html"))
    if not prompts.offer_to_save(home_relative(str(target)), numbered=numbered):
        return
    from parentinvolve.cli.errors import say
    from parentinvolve.cli.terminal import shown

    write_private(target, render(kb, result, "html", why, to_terminal=False), force=False)
    say(
        _("Saved {path} (only you can read it). Open it in a web browser to read or print it.").format(
            path=shown(home_relative(str(target)))
        ),
        wrap=True,
    )


def save_folder() -> str:
    """Where the offered copy goes: the current folder, unless it is not writable or is inside a source
    checkout (git, Mercurial: a plan there could be committed by mistake); then the home folder."""
    import os

    here = os.getcwd()
    if os.access(here, os.W_OK) and not _in_checkout(here):
        return here
    return os.path.expanduser("~")


def _in_checkout(folder: str) -> bool:
    import os

    path = os.path.abspath(folder)
    while True:
        if any(os.path.exists(os.path.join(path, mark)) for mark in (".git", ".hg", ".svn")):
            return True
        parent = os.path.dirname(path)
        if parent == path:
            return False
        path = parent


def home_relative(path: str) -> str:
    """`path` as a person reads it: `~/x.html` for a file in the home folder."""
    import os

    home = os.path.expanduser("~").rstrip(os.sep)
    return "~" + path[len(home) :] if home and path.startswith(home + os.sep) else path


def gather(
    kb: KnowledgeBase, answers_file: Path | None, interactive: bool, *, numbered: bool = False
) -> tuple[dict[str, AnswerValue], bool]:
    """The answers, and whether any question was put on the terminal."""
    from parentinvolve.answers import normalise

    start: dict[str, AnswerValue] = {}
    if answers_file is not None:
        from parentinvolve.cli.answers_file import read_answers

        notes: dict[str, str] = {}
        raw = read_answers(answers_file, notes)
        try:
            if not interactive:
                return normalise(kb, raw, source=str(answers_file)), False
            start = normalise(kb, raw, source=str(answers_file), partial=True)
        except AnswersError as exc:
            raise _with_notes(exc, notes) from None
        if _complete(kb, start):  # nothing left to ask: don't open the terminal (or import questionary)
            return normalise(kb, start, source=str(answers_file)), False
    from parentinvolve.cli import prompts

    return prompts.on_terminal(kb, start, fill_only=answers_file is not None, numbered=numbered), True


def _with_notes(exc: AnswersError, notes: dict[str, str]) -> AnswersError:
    """The same problems, each about an answer YAML misread (`region: NO`) with the hint to quote it."""
    if not notes:
        return exc
    problems = [p + next((n for k, n in notes.items() if p.startswith(f"{k}: ")), "") for p in exc.problems]
    return AnswersError(problems, source=exc.source)


def _complete(kb: KnowledgeBase, answers: dict[str, AnswerValue]) -> bool:
    """Whether every question that applies to these answers has one."""
    from parentinvolve.answers import asked

    return all(q.id in answers for q in kb.questions if asked(q, answers))


def render(kb: KnowledgeBase, result: Plan, fmt: str, why: bool, *, to_terminal: bool) -> str:
    """The plan as text in `fmt` (rich output for a terminal keeps its colours, also through the pager)."""
    from parentinvolve.cli.output import width
    from parentinvolve.render import jsonout, write

    def data() -> object:
        out = jsonout.plan(result, kb)
        if why:
            out["why_details"] = _why_details(result)
        return out

    buffer = io.StringIO()
    terminal = to_terminal and sys.stdout.isatty()
    write(fmt, buffer, width(), doc=lambda: _plan_doc(kb, result, why), data=data, terminal=terminal)
    return buffer.getvalue()


def _plan_doc(kb: KnowledgeBase, result: Plan, why: bool) -> Doc:
    from parentinvolve.render.doc import plan_doc  # (JSON never needs the document layer: imported only here)

    return plan_doc(kb, result, why=why)


def render_footer(result: Plan, fmt: str) -> str:
    """The plan's closing crisis lines, for the screen after the pager closes."""
    from parentinvolve.cli.output import width
    from parentinvolve.render import write_doc
    from parentinvolve.render.doc import Doc, footer_alert

    alert = footer_alert(result)
    if alert is None:
        return ""
    buffer = io.StringIO()
    write_doc(Doc("", (alert,)), fmt, buffer, width(), terminal=sys.stdout.isatty())
    return buffer.getvalue().lstrip("\n=#")


def render_safety(result: Plan) -> str:
    """The crisis block alone, as plain text for the screen (when the plan itself went to a file)."""
    from parentinvolve.cli.output import width
    from parentinvolve.render.doc import Doc, safety_alert
    from parentinvolve.render.plain import render as plain

    alert = safety_alert(result)
    return plain(Doc(_("Safety first"), (alert,)), width()) if alert is not None else ""


def _why_details(result: Plan) -> list[dict[str, str]]:
    items = [*result.confidentiality, *result.prepare, *result.asks, *result.why]
    items += [i for m in result.moments for i in m.items]
    return [{"text": i.text, "rule": i.rule, "because": i.because} for i in items]
