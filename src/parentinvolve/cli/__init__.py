"""The command line: parse arguments, call the core, print, and map errors to exit codes."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from parentinvolve.model import KnowledgeBase

from parentinvolve import __version__
from parentinvolve.cli.errors import click_error, drop_stdout, never_fail_to_encode, say
from parentinvolve.cli.output import emit, pick_format
from parentinvolve.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    ContentError,
    ParentInvolveError,
    UsageError,
)

HELP = """Understand your part in your child's therapy.

\b
Examples:
  parentinvolve ask                      answer a few questions, get your plan
  parentinvolve ask --answers me.yaml    the same, from a saved answers file
  parentinvolve explain pcit             what PCIT is and what it asks of you
  parentinvolve explain "play therapy"   names and aliases work too
  parentinvolve topics                   everything that can be explained
  parentinvolve validate                 check the content files

General information only: not medical or legal advice."""

app = typer.Typer(
    name="parentinvolve",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
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
def root(
    ctx: typer.Context,
    content: Optional[Path] = typer.Option(
        None, "--content", help="Use the knowledge base in this folder instead of the built-in one.", metavar="DIR"
    ),
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Understand your part in your child's therapy."""
    ctx.obj = {"content": content}


def _kb(ctx: typer.Context) -> KnowledgeBase:
    from parentinvolve import kb

    return kb.load(ctx.obj.get("content") if ctx.obj else None)


@app.command()
def ask(
    ctx: typer.Context,
    answers: Optional[Path] = typer.Option(
        None, "--answers", "-a", help="Read the answers from this YAML or JSON file instead of asking.", metavar="FILE"
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
        help="Write the plan to this file (readable by you only) instead of the screen.",
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
) -> None:
    """Answer a few questions and get a plan for your part in your child's therapy.

    \b
    Examples:
      parentinvolve ask
      parentinvolve ask --save answers.yaml
      parentinvolve ask --answers answers.yaml --format json
      parentinvolve ask --answers answers.yaml --output plan.html
      parentinvolve ask --answers answers.yaml --why

    \b
    An answers file (YAML or JSON) looks like:
      child_age: 9
      concerns: [anxiety]
      therapy: cbt
      stage: starting
      region: uk
    """
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
    )


@app.command()
def explain(
    ctx: typer.Context,
    topic: str = typer.Argument(..., help="A therapy type, moment or topic: an id, name or alias.", metavar="TOPIC"),
    fmt: Optional[str] = FormatOpt,
) -> None:
    """Explain a therapy type, a moment of involvement, or a topic.

    \b
    Examples:
      parentinvolve explain pcit
      parentinvolve explain "collateral sessions"
      parentinvolve explain dbt --format markdown
      parentinvolve explain confidentiality --format json
    """
    chosen = pick_format(fmt, ("rich", "plain", "markdown", "json"))
    kb = _kb(ctx)
    entry = kb.find(topic)
    if entry is None:
        raise UsageError(_unknown_topic(kb, topic))
    from parentinvolve.render.doc import entry_doc

    data = None
    if chosen == "json":  # imported only when asked for: plain output needs no `json`
        from parentinvolve.render import jsonout

        data = jsonout.entry(kb, entry)
    emit(entry_doc(kb, entry), chosen, data)


def _unknown_topic(kb: KnowledgeBase, topic: str) -> str:
    import difflib

    from parentinvolve.model import lookup_key

    shown = topic if len(topic) <= 40 else topic[:40] + "…"
    key = lookup_key(topic)
    if not key:
        return "Give a topic to explain, like `parentinvolve explain pcit`; `parentinvolve topics` lists them all."
    close = difflib.get_close_matches(key, list(kb.names), n=3, cutoff=0.6) if len(key) <= 100 else []
    ids = list(dict.fromkeys(kb.names[c] for c in close))
    hint = f" Did you mean: {', '.join(ids)}?" if ids else ""
    return f"No topic called {shown!r}.{hint} See every topic with `parentinvolve topics`."


@app.command()
def topics(ctx: typer.Context, fmt: Optional[str] = FormatOpt) -> None:
    """List every therapy type, moment and topic, with a one-line summary.

    \b
    Example:
      parentinvolve topics
    """
    chosen = pick_format(fmt, ("rich", "plain", "markdown", "json"))
    kb = _kb(ctx)
    from parentinvolve.render.doc import topics_doc

    data = None
    if chosen == "json":
        from parentinvolve.render import jsonout

        data = jsonout.topics(kb)
    emit(topics_doc(kb), chosen, data)


@app.command()
def validate(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Argument(
        None, help="The content folder to check. Default: --content, or the built-in content.", metavar="[DIR]"
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

    target = folder or (ctx.obj.get("content") if ctx.obj else None) or kb.shipped()
    _, problems, counts = kb.check(target)
    if problems:
        raise ContentError(problems, root=str(target))
    for warning in counts.warnings:  # e.g. an entry not reviewed for 24 months: worth a look, not a failure
        print(warning)
    print(f"{target}: no problems found ({counts.summary()}).")


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI; every expected failure becomes one clear message on stderr and an exit code.

    Exit codes: 0 done, 1 content, file or runtime problem, 2 usage or bad input, 130 interrupted.
    No traceback is ever shown (set PARENTINVOLVE_DEBUG=1 to see one for an unexpected error).
    """
    from typer.main import get_command

    never_fail_to_encode()
    command = get_command(app)
    try:
        try:
            result = command.main(args=argv, prog_name="parentinvolve", standalone_mode=False)
        finally:
            sys.stdout.flush()
    except ParentInvolveError as exc:
        # Located problems stay `path:line:col: message` at the start of the line, so editors can jump to them.
        located = isinstance(exc, ContentError)
        for n, line in enumerate(exc.lines()):
            last = n == len(exc.lines()) - 1
            say(f"parentinvolve: {line}" if (last if located else n == 0) else line)
        return exc.exit_code
    except (KeyboardInterrupt, EOFError):
        say("parentinvolve: stopped. Nothing was saved.", fresh_line=True)
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
    except OSError as exc:  # e.g. stdout is a full disk: say so in one line, not a traceback
        if os.environ.get("PARENTINVOLVE_DEBUG"):
            raise
        reason = (exc.strerror or str(exc)).lower()
        if exc.filename is None:
            drop_stdout()
            say(f"parentinvolve: could not write the output: {reason}.")
        else:
            say(f"parentinvolve: could not use {exc.filename}: {reason}.")
        return EXIT_ERROR
    except Exception as exc:  # the vendored click's exceptions, without importing them eagerly
        return click_error(exc)
    if result == EXIT_INTERRUPTED:  # click's answer to Ctrl-C outside a prompt: say what happened
        say("parentinvolve: stopped. Nothing was saved.", fresh_line=True)
    return result if isinstance(result, int) else EXIT_OK
