"""The command line: parse arguments, call the core, print, and map errors to exit codes."""

from __future__ import annotations

import errno
import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

if TYPE_CHECKING:
    from parentinvolve.model import KnowledgeBase
    from parentinvolve.render.doc import Doc

from parentinvolve import __version__, i18n
from parentinvolve.cli.clinic import app as clinic_app
from parentinvolve.cli.errors import click_error, drop_stdout, never_fail_to_encode, say
from parentinvolve.cli.output import emit, pick_format, sane_terminal_size
from parentinvolve.cli.shared import shared_options
from parentinvolve.cli.terminal import shown
from parentinvolve.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    ContentError,
    ParentInvolveError,
    UsageError,
)
from parentinvolve.i18n import N_, _, ngettext
from parentinvolve.render import FORMATS
from parentinvolve.startup import StdoutClosed

HELP = N_("""Understand your part in your child's therapy.

\b
Examples:
  parentinvolve ask                      answer a few questions, get your plan
  parentinvolve ask --answers me.yaml    the same, from a saved answers file
  parentinvolve ask --plain-text         the same, words only, for a screen reader
  parentinvolve explain pcit             what PCIT is and what it asks of you
  parentinvolve explain "play therapy"   names and aliases work too
  parentinvolve topics                   everything that can be explained
  parentinvolve validate                 check the content files

General information only: not medical or legal advice.""")

app = typer.Typer(
    name="parentinvolve",
    help=HELP,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

app.add_typer(clinic_app)  # parentinvolve clinic init|override|show

PlainTextOpt = typer.Option(
    False,
    "--plain-text",
    help="Words only, for screen readers and braille: no lines drawn, no colours, headings as words "
    "(also PARENTINVOLVE_PLAIN_TEXT=1).",
    envvar="PARENTINVOLVE_PLAIN_TEXT",
    show_envvar=False,
)
FormatOpt = typer.Option(
    None,
    "--format",
    "-f",
    metavar="FORMAT",
    help="rich, plain, markdown or json. Default: rich on a terminal, else plain.",
    show_default=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"parentinvolve {__version__}")
        raise typer.Exit()


@app.callback()
@shared_options(top=True)  # --content, --clinic (cli/shared.py): here, after any command, or from the environment
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version, is_eager=True
    ),
    lang: Optional[str] = typer.Option(
        None,
        "--lang",
        help=N_("Language: en or es. Default: PARENTINVOLVE_LANG, else your locale, else English."),
        metavar="LANG",
    ),
) -> None:
    """Understand your part in your child's therapy."""
    # `--lang` is taken out of the arguments before Click sees them (cli/lang.py), wherever it stands;
    # it is declared here for --help. --content and --clinic land in ctx.obj (cli/shared.py).


def _kb(ctx: typer.Context) -> KnowledgeBase:
    from parentinvolve import kb
    from parentinvolve.i18n import current

    obj = ctx.obj or {}
    clinic, lang = obj.get("clinic"), current()
    if clinic is not None and lang != "en":
        _warn_unreadable(Path(clinic) / "i18n" / lang)
    return kb.load(obj.get("content"), clinic, lang=lang)


def _warn_unreadable(folder: Path) -> None:
    """A clinic's translations that cannot be read: one warning line, and the shipped translations are used
    (the same for the folder and for a file in it)."""
    if not os.path.isdir(folder):
        return
    names: list[Path] = []
    if os.access(folder, os.R_OK | os.X_OK):
        names = [p for p in folder.glob("*.yaml") if p.is_file() and not os.access(p, os.R_OK)]
    else:
        names = [folder]
    if names:
        say(
            _(
                "warning: {path} cannot be read (permission denied); the clinic's translations there are not used."
            ).format(path=", ".join(shown(p) for p in names))
        )


@app.command()
@shared_options()
def ask(
    ctx: typer.Context,
    answers: Optional[Path] = typer.Option(
        None,
        "--answers",
        "-a",
        help="Read the answers from this YAML or JSON file (or a CSV, one row a family) instead of asking.",
        metavar="FILE",
    ),
    more: Optional[list[Path]] = typer.Argument(
        None,
        help="More answers files (or CSVs), after --answers FILE: one plan each, in --output-dir.",
        metavar="[FILE]...",
    ),
    output_dir: Optional[Path] = typer.Option(
        None,
        "--output-dir",
        help="Write one plan per family (every answers file, every CSV row) into this folder (readable by you only).",
        metavar="DIR",
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt; fail if an answer is missing (needs --answers)."
    ),
    save: Optional[Path] = typer.Option(
        None,
        "--save",
        help="Also save your answers to this file (readable by you only), to replay with --answers.",
        metavar="FILE",
    ),
    output: Optional[Path] = typer.Option(
        None,
        "--output",
        "-o",
        help="Write the plan to this file (readable by you only) instead of the screen; - for standard output.",
        metavar="FILE",
    ),
    force: bool = typer.Option(False, "--force", help="Let --output and --save replace an existing file."),
    fmt: Optional[str] = typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMAT",
        help="rich, plain, markdown, json or html. Default: from the --output file name, else rich on a terminal, else plain.",
        show_default=False,
    ),
    why: bool = typer.Option(False, "--why", help="Show under each item the rule that produced it."),
    no_pager: bool = typer.Option(
        False, "--no-pager", help="Print a long plan straight to the terminal instead of through $PAGER (less)."
    ),
    plain_text: bool = typer.Option(
        False,
        "--plain-text",
        help="Words only, for screen readers and braille: numbered questions, no lines drawn, no colours, "
        "headings as words, no pager (also PARENTINVOLVE_PLAIN_TEXT=1).",
        envvar="PARENTINVOLVE_PLAIN_TEXT",
        show_envvar=False,
    ),
) -> None:
    """Answer a few questions and get a plan for your part in your child's therapy.

    \b
    Examples:
      parentinvolve ask
      parentinvolve ask --save answers.yaml
      parentinvolve ask --answers answers.yaml --format json
      parentinvolve ask --answers answers.yaml --output plan.html
      parentinvolve ask --answers answers.yaml --why
      parentinvolve ask --answers families.csv --output-dir plans
      parentinvolve ask --plain-text

    \b
    An answers file (YAML or JSON) looks like:
      child_age: 9
      concerns: [anxiety]
      therapy: cbt
      stage: starting
      region: uk
    """
    files = [answers, *(more or [])] if answers is not None else list(more or [])
    batch = output_dir is not None or len(files) > 1 or (answers is not None and answers.suffix.lower() == ".csv")
    if batch:
        if output_dir is None or answers is None or output is not None or save is not None:
            raise UsageError(
                _(
                    "Several families (more than one answers file, or a CSV) need --answers FILE... and "
                    "--output-dir DIR, without --output or --save."
                )
            )
        from parentinvolve.cli import batch as many
        from parentinvolve.cli.output import pick_format
        from parentinvolve.render import PLAN_FORMATS

        chosen = pick_format(fmt or "html", PLAN_FORMATS)
        many.run(_kb(ctx), files, output_dir, "plain" if chosen == "rich" else chosen, why=why, force=force)
        return
    from parentinvolve.cli.ask import run

    run(
        lambda: _kb(ctx),
        answers_file=answers,
        no_input=no_input,
        save=save,
        output=output,
        force=force,
        fmt=fmt,
        why=why,
        pager=not no_pager,
        plain_text=plain_text,
    )


def _complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from parentinvolve.cli.complete import topics as complete_topics

    return complete_topics(ctx, incomplete)


@app.command()
@shared_options()
def explain(
    ctx: typer.Context,
    topic: str = typer.Argument(
        ...,
        help="A therapy type, moment or topic: an id, name or alias.",
        metavar="TOPIC",
        autocompletion=_complete_topic,
    ),
    fmt: Optional[str] = FormatOpt,
    plain_text: bool = PlainTextOpt,
) -> None:
    """Explain a therapy type, a moment of involvement, or a topic.

    \b
    Examples:
      parentinvolve explain pcit
      parentinvolve explain "collateral sessions"
      parentinvolve explain dbt --format markdown
      parentinvolve explain confidentiality --format json
    """
    chosen = pick_format(fmt, FORMATS, plain_text=plain_text)
    kb = _kb(ctx)
    entry = kb.find(topic)
    if entry is None:
        raise UsageError(_unknown_topic(kb, topic))

    def page() -> Doc:
        from parentinvolve.render.doc import entry_doc

        return entry_doc(kb, entry)

    def data() -> object:
        from parentinvolve.render.jsonout import entry as entry_data  # (json only when JSON is asked for)

        return entry_data(kb, entry)

    emit(chosen, doc=page, data=data)


def _unknown_topic(kb: KnowledgeBase, topic: str) -> str:
    from parentinvolve.model import lookup_key
    from parentinvolve.text.didyoumean import close_matches

    shown = topic if len(topic) <= 40 else topic[:40] + "…"
    key = lookup_key(topic)
    if not key:
        return _("Give a topic to explain, like `parentinvolve explain pcit`; `parentinvolve topics` lists them all.")
    ids = list(dict.fromkeys(kb.names[c] for c in close_matches(key, kb.names))) if len(key) <= 100 else []
    hint = " " + _("Did you mean: {topics}?").format(topics=", ".join(ids)) if ids else ""
    return _("No topic called {topic}.{hint} See every topic with `parentinvolve topics`.").format(
        topic=repr(shown), hint=hint
    )


@app.command()
@shared_options()
def topics(ctx: typer.Context, fmt: Optional[str] = FormatOpt, plain_text: bool = PlainTextOpt) -> None:
    """List every therapy type, moment and topic, with a one-line summary.

    \b
    Example:
      parentinvolve topics
    """
    chosen = pick_format(fmt, FORMATS, plain_text=plain_text)
    kb = _kb(ctx)

    def page() -> Doc:
        from parentinvolve.render.doc import topics_doc

        return topics_doc(kb)

    def data() -> object:
        from parentinvolve.render.jsonout import topics as topics_data

        return topics_data(kb)

    emit(chosen, doc=page, data=data)


@app.command()
@shared_options()
def validate(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Argument(
        None, help="The content folder to check. Default: --content, or the built-in content.", metavar="[DIR]"
    ),
    strict: bool = typer.Option(
        False, "--strict", help="Fail (exit 1) when a translation is missing or stale, not only warn."
    ),
) -> None:
    """Check a content folder and list every problem as file:line:column: message.

    \b
    Examples:
      parentinvolve validate
      parentinvolve validate ./my-clinic-content
    """
    from parentinvolve import kb
    from parentinvolve.errors import ContentError

    obj = ctx.obj or {}
    target = folder or obj.get("content") or kb.shipped()
    clinic = obj.get("clinic")
    if folder is not None and (folder / "clinic.yaml").is_file() and not (folder / "rules.yaml").exists():
        raise UsageError(
            _(
                "{folder} is a clinic's layer, not a content folder: check it with `parentinvolve validate --clinic {folder}`."
            ).format(folder=shown(folder))
        )
    layer = _(" with the clinic's layer {folder}").format(folder=shown(clinic)) if clinic else ""
    found, problems, counts = kb.check(target, clinic)
    if problems:
        given = folder or obj.get("content")  # the built-in content is not named: the command needs no folder
        raise ContentError(problems, root=str(target) if given or not clinic else "", clinic=str(clinic or ""))
    for warning in counts.warnings:  # a clinic's copy of an entry that has changed since: worth a look, not an error
        say(str(warning))
    from parentinvolve.cli.translation_report import check_translations

    assert found is not None  # no problems means a knowledge base
    languages = check_translations(found, target, strict=strict, clinic=clinic)
    print(
        _("{folder}{layer}: no problems found ({counts}).").format(
            folder=shown(target), layer=layer, counts=counts.summary()
        )
    )
    for line in languages:
        print(line)


@app.command()
@shared_options()
def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Listen on this address; 0.0.0.0 for the whole network.", metavar="ADDRESS"
    ),
    # a string, checked by serve.run: one message for every bad port, in the run's language (Typer's own
    # integer check words it in English, and differently from one release to the next)
    port: str = typer.Option("8000", "--port", help="Listen on this port.", metavar="PORT"),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in your web browser."),
    exit_url: Optional[str] = typer.Option(
        None,
        "--exit-url",
        envvar="PARENTINVOLVE_EXIT_URL",
        help='Where the "Exit this page" link goes (a neutral page). Default: BBC Weather.',
        metavar="URL",
    ),
    allow_host: list[str] = typer.Option(
        [], "--allow-host", help="Another name the page may be reached by (repeatable).", metavar="NAME"
    ),
) -> None:
    """Serve the questions and the plan as a web page, until Ctrl-C. Stores nothing.

    \b
    Examples:
      parentinvolve serve
      parentinvolve serve --open
      parentinvolve serve --host 0.0.0.0 --clinic ./my-clinic
    """
    from parentinvolve.cli.serve import run

    obj = ctx.obj or {}

    def check() -> object:
        from parentinvolve import kb

        return [kb.load(obj.get("content"), obj.get("clinic"), lang=lang) for lang in i18n.AVAILABLE]

    run(
        check,
        content=obj.get("content"),
        clinic=obj.get("clinic"),
        host=host,
        port_given=port,
        open_browser=open_browser,
        exit_url=exit_url,
        allow_host=allow_host,
    )


@functools.cache  # Typer builds the Click command from the functions' signatures: 4 ms, once per process is enough
def _command(language: str) -> Any:
    """The Click command for the app, its help in `language`, the current one (main may run many times in
    one process)."""
    from typer.main import get_command

    from parentinvolve.cli.lang import prepare

    command = get_command(app)
    prepare(command, language)
    return command


MAX_SHOWN = 200  # problems listed one per line; the rest are counted


def report(exc: ParentInvolveError) -> None:
    """The error on stderr: its first MAX_SHOWN lines and a count of the rest (linear in their number).

    Located problems stay `path:line:col: message` at the start of the line, so editors can jump to them;
    the summary that names the program comes last for them, first for everything else.
    """
    lines = exc.lines()
    located = isinstance(exc, ContentError)
    summary, body = (lines[-1], lines[:-1]) if located else (lines[0], lines[1:])
    if not located:
        say(f"parentinvolve: {summary}", wrap=True)
    for line in body[:MAX_SHOWN]:
        say(line, wrap=not located)  # sentences wrap between words on a terminal; `file:line:col` lines stay whole
    if len(body) > MAX_SHOWN:
        more = len(body) - MAX_SHOWN
        say(
            ngettext(
                "… and {more} more problem like these (the first {shown} are shown).",
                "… and {more} more problems like these (the first {shown} are shown).",
                more,
            ).format(more=f"{more:,}", shown=MAX_SHOWN)
        )
    if located:
        say(f"parentinvolve: {summary}")


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI; every expected failure becomes one clear message on stderr and an exit code.

    Exit codes: 0 done, 1 content, file or runtime problem, 2 usage or bad input, 130 interrupted (Ctrl-C),
    128 + N stopped by signal N (143 SIGTERM, 129 SIGHUP, 131 SIGQUIT; see startup.py).
    No traceback is ever shown (set PARENTINVOLVE_DEBUG=1 to see one for an unexpected error).
    """
    never_fail_to_encode()
    sane_terminal_size()
    try:
        try:
            from parentinvolve.cli.lang import choose_language

            args = choose_language(sys.argv[1:] if argv is None else argv)
            command = _command(i18n.current())
            result = command.main(args=args, prog_name="parentinvolve", standalone_mode=False)
        finally:
            sys.stdout.flush()
    except ParentInvolveError as exc:
        report(exc)
        return exc.exit_code
    except (KeyboardInterrupt, EOFError):
        say("parentinvolve: " + _("stopped. Nothing was saved."), fresh_line=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): that is not an error. Silence the final flush.
        drop_stdout()
        return EXIT_OK
    except SystemExit as exc:
        # click turns a broken pipe met inside a command into a silent exit 1; it is not an error either.
        if isinstance(exc.__context__, OSError) and exc.__context__.errno == errno.EPIPE:
            drop_stdout()
            return EXIT_OK
        raise
    except StdoutClosed:
        say("parentinvolve: " + _("standard output is closed, so nothing was written; run it without `>&-`."))
        return EXIT_ERROR
    except OSError as exc:  # e.g. stdout is a full disk: say so in one line, not a traceback
        if os.environ.get("PARENTINVOLVE_DEBUG"):
            raise
        from parentinvolve.kb.textfiles import os_reason

        reason = os_reason(exc)
        if exc.filename is None:
            drop_stdout()
            say("parentinvolve: " + _("could not write the output: {reason}.").format(reason=reason))
        else:
            say(
                "parentinvolve: " + _("could not use {path}: {reason}.").format(path=shown(exc.filename), reason=reason)
            )
        return EXIT_ERROR
    except Exception as exc:  # Click's and Typer's exceptions (cli/errors.py), and bugs
        return click_error(exc)
    if result == EXIT_INTERRUPTED:  # click's answer to Ctrl-C outside a prompt: say what happened
        say("parentinvolve: " + _("stopped. Nothing was saved."), fresh_line=True)
    return result if isinstance(result, int) else EXIT_OK
