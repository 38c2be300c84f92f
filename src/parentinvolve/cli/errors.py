"""Turning what went wrong into one clear line on stderr and an exit code (no traceback, ever)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

from parentinvolve.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from parentinvolve.i18n import _


def never_fail_to_encode() -> None:
    """On a terminal that is not UTF-8 (say PYTHONIOENCODING=ascii), show `?` for what it cannot print."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(OSError, ValueError):  # a stream that cannot be reconfigured
                stream.reconfigure(errors="replace")


def say(line: str, *, fresh_line: bool = False, wrap: bool = False) -> None:
    """One line on stderr, with what cannot be printed made visible (paths and topics come from the user).
    With `wrap`, a sentence for a person is wrapped between words to a terminal's width, so the terminal never
    cuts it mid-word (messages that name a `file:line:col` stay whole, for editors).

    Never on stdout: when stderr was closed (`2>&-`) or its reader has gone, the line is dropped.
    """
    from parentinvolve.cli.terminal import visible

    line = visible(line)
    stream = sys.stderr
    if stream is None:  # started with stderr closed and not through the console script
        return
    try:
        if wrap and stream.isatty():
            import textwrap

            columns = os.environ.get("COLUMNS", "")  # as every other part of the program (checked sane in main)
            width = (int(columns) if columns.isdigit() else os.get_terminal_size(stream.fileno()).columns) - 1
            line = "\n".join(textwrap.wrap(line, max(width, 20), break_long_words=False, break_on_hyphens=False))
        if fresh_line and stream.isatty():  # off the prompt line that Ctrl-C interrupted
            line = "\n" + line
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):  # stderr itself is gone: nothing more can be said, and no exit 120 later
        drop_stream(stream)


def drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of unwritten output cannot fail."""
    drop_stream(sys.stdout)


def drop_stream(stream: Any) -> None:
    """Point a standard stream's file at /dev/null (its unwritten output then goes nowhere, without error)."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests); nothing to silence
        pass


def click_error(exc: Exception) -> int:
    """What Click and Typer raise, without naming their classes (Typer does not export Click's exceptions): an
    exit, an abort, or an error that says itself (`format_message()`, `exit_code`: Click's public interface)."""
    import typer

    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        say("parentinvolve: " + _("stopped. Nothing was saved."), fresh_line=True)
        return EXIT_INTERRUPTED
    format_message, exit_code = getattr(exc, "format_message", None), getattr(exc, "exit_code", None)
    if callable(format_message) and isinstance(exit_code, int):
        text = format_message()
        ctx = getattr(exc, "ctx", None)
        if ctx is not None and text == ctx.get_help():  # `parentinvolve` alone (no_args_is_help): the help, as asked
            sys.stdout.write(text.rstrip() + "\n")
            return EXIT_OK
        from parentinvolve.cli.lang import click_message

        message = click_message(" ".join(text.split())).rstrip(".")
        where = ctx.command_path if ctx is not None and ctx.command_path else "parentinvolve"
        end = "" if message.endswith(("?", "!")) else "."  # "Did you mean 'explain'?" takes no extra full stop
        say(f"parentinvolve: {message}{end} " + _("Try `{command} --help`.").format(command=where))
        return EXIT_USAGE if exit_code == 2 else exit_code
    if os.environ.get("PARENTINVOLVE_DEBUG"):
        raise exc
    # A bug, not a bad input: still one line, with what to do.
    detail = " ".join(str(exc).split())[:200]
    what = type(exc).__name__ + (": " + detail if detail else "")
    say(
        "parentinvolve: "
        + _("internal error ({what}). Please report it; {variable}=1 shows the details.").format(
            what=what, variable="PARENTINVOLVE_DEBUG"
        )
    )
    return EXIT_ERROR
