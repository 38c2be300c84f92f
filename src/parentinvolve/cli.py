"""The command line: parse arguments, call the core, print, and map errors to exit codes."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from parentinvolve.doc import Doc

from parentinvolve import __version__
from parentinvolve.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
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


def _kb(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from parentinvolve.content import load_kb

    return load_kb(ctx.obj.get("content") if ctx.obj else None)


def pick_format(fmt: Optional[str], allowed: tuple[str, ...]) -> str:
    if fmt is None:
        dumb = os.environ.get("TERM") == "dumb" or "NO_COLOR" in os.environ
        return "rich" if sys.stdout.isatty() and not dumb else "plain"
    fmt = fmt.strip().lower()
    if fmt not in allowed:
        from parentinvolve.suggest import did_you_mean

        raise UsageError(f"Unknown format {fmt!r}{did_you_mean(fmt, allowed)}. Choose one of: {', '.join(allowed)}.")
    return fmt


def width() -> int:
    import shutil

    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def emit(doc: Doc, fmt: str, data: object) -> None:
    """Write a document to stdout in `fmt`; `data` is its JSON form."""
    if fmt == "json":
        from parentinvolve.render.jsonout import dumps

        sys.stdout.write(dumps(data))
    else:
        from parentinvolve.render import write_doc

        write_doc(doc, fmt, sys.stdout, width())


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
    from parentinvolve.askcmd import run

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
    from parentinvolve.doc import entry_doc

    data = None
    if chosen == "json":  # imported only when asked for: plain output needs no `json`
        from parentinvolve.render import jsonout

        data = jsonout.entry(kb, entry)
    emit(entry_doc(kb, entry), chosen, data)


def _unknown_topic(kb, topic: str) -> str:  # type: ignore[no-untyped-def]
    import difflib

    from parentinvolve.knowledge import lookup_key

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
    from parentinvolve.doc import topics_doc

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
    from parentinvolve import loader
    from parentinvolve.content import shipped_content
    from parentinvolve.errors import ContentError

    target = folder or (ctx.obj.get("content") if ctx.obj else None) or shipped_content()
    _, problems, counts = loader.check(target)
    if problems:
        raise ContentError(problems, root=str(target))
    print(f"{target}: no problems found ({counts.summary()}).")


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI; every expected failure becomes one clear message on stderr and an exit code.

    Exit codes: 0 done, 1 content, file or runtime problem, 2 usage or bad input, 130 interrupted.
    No traceback is ever shown (set PARENTINVOLVE_DEBUG=1 to see one for an unexpected error).
    """
    from typer.main import get_command

    _never_fail_to_encode()
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
            _say(f"parentinvolve: {line}" if (last if located else n == 0) else line)
        return exc.exit_code
    except (KeyboardInterrupt, EOFError):
        _say("parentinvolve: stopped. Nothing was saved.", fresh_line=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): that is not an error. Silence the final flush.
        _drop_stdout()
        return EXIT_OK
    except SystemExit as exc:
        # click turns a broken pipe met inside a command into a silent exit 1; it is not an error either.
        if isinstance(exc.__context__, OSError) and exc.__context__.errno == errno.EPIPE:
            _drop_stdout()
            return EXIT_OK
        raise
    except OSError as exc:  # e.g. stdout is a full disk: say so in one line, not a traceback
        if os.environ.get("PARENTINVOLVE_DEBUG"):
            raise
        reason = (exc.strerror or str(exc)).lower()
        if exc.filename is None:
            _drop_stdout()
            _say(f"parentinvolve: could not write the output: {reason}.")
        else:
            _say(f"parentinvolve: could not use {exc.filename}: {reason}.")
        return EXIT_ERROR
    except Exception as exc:  # the vendored click's exceptions, without importing them eagerly
        return _click_error(exc)
    if result == EXIT_INTERRUPTED:  # click's answer to Ctrl-C outside a prompt: say what happened
        _say("parentinvolve: stopped. Nothing was saved.", fresh_line=True)
    return result if isinstance(result, int) else EXIT_OK


def _never_fail_to_encode() -> None:
    """On a terminal that is not UTF-8 (say PYTHONIOENCODING=ascii), show `?` for what it cannot print."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(OSError, ValueError):  # a stream that cannot be reconfigured
                stream.reconfigure(errors="replace")


# C0 and C1 control characters (escape sequences among them) are shown as `\x1b`, never sent to the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _say(line: str, *, fresh_line: bool = False) -> None:
    """One line on stderr, with control characters made visible (paths and topics come from the user)."""
    line = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)
    if fresh_line and sys.stderr.isatty():  # off the prompt line that Ctrl-C interrupted
        line = "\n" + line
    try:
        print(line, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself is gone: nothing more can be said
        pass


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of unwritten output cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests); nothing to silence
        pass


def _click_error(exc: Exception) -> int:
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer.exceptions import Abort, Exit

    if isinstance(exc, NoArgsIsHelpError):  # `parentinvolve` alone: show the help, as asked
        sys.stdout.write(exc.format_message().rstrip() + "\n")
        return EXIT_OK
    if isinstance(exc, Exit):
        return exc.exit_code
    if isinstance(exc, Abort):
        _say("parentinvolve: stopped. Nothing was saved.", fresh_line=True)
        return EXIT_INTERRUPTED
    if isinstance(exc, ClickException):
        message = " ".join(exc.format_message().split()).rstrip(".")
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None and ctx.command_path else "parentinvolve"
        _say(f"parentinvolve: {message}. Try `{where} --help`.")
        return EXIT_USAGE if exc.exit_code == 2 else exc.exit_code
    if os.environ.get("PARENTINVOLVE_DEBUG"):
        raise exc
    # A bug, not a bad input: still one line, with what to do.
    detail = " ".join(str(exc).split())[:200]
    _say(
        f"parentinvolve: internal error ({type(exc).__name__}{': ' + detail if detail else ''}). "
        "Please report it; PARENTINVOLVE_DEBUG=1 shows the details."
    )
    return EXIT_ERROR
