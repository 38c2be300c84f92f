"""Turning what went wrong into one clear line on stderr and an exit code (no traceback, ever)."""

from __future__ import annotations

import contextlib
import os
import re
import sys

from parentinvolve.errors import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE


def never_fail_to_encode() -> None:
    """On a terminal that is not UTF-8 (say PYTHONIOENCODING=ascii), show `?` for what it cannot print."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(OSError, ValueError):  # a stream that cannot be reconfigured
                stream.reconfigure(errors="replace")


# C0 and C1 control characters (escape sequences among them) are shown as `\x1b`, never sent to the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def say(line: str, *, fresh_line: bool = False) -> None:
    """One line on stderr, with control characters made visible (paths and topics come from the user)."""
    line = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)
    if fresh_line and sys.stderr.isatty():  # off the prompt line that Ctrl-C interrupted
        line = "\n" + line
    try:
        print(line, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself is gone: nothing more can be said
        pass


def drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of unwritten output cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests); nothing to silence
        pass


def click_error(exc: Exception) -> int:
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer.exceptions import Abort, Exit

    if isinstance(exc, NoArgsIsHelpError):  # `parentinvolve` alone: show the help, as asked
        sys.stdout.write(exc.format_message().rstrip() + "\n")
        return EXIT_OK
    if isinstance(exc, Exit):
        return exc.exit_code
    if isinstance(exc, Abort):
        say("parentinvolve: stopped. Nothing was saved.", fresh_line=True)
        return EXIT_INTERRUPTED
    if isinstance(exc, ClickException):
        from parentinvolve.cli.lang import click_message
        from parentinvolve.i18n import _

        message = click_message(" ".join(exc.format_message().split())).rstrip(".")
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None and ctx.command_path else "parentinvolve"
        end = "" if message.endswith(("?", "!")) else "."  # "Did you mean 'explain'?" takes no extra full stop
        say(f"parentinvolve: {message}{end} " + _("Try `{command} --help`.").format(command=where))
        return EXIT_USAGE if exc.exit_code == 2 else exc.exit_code
    if os.environ.get("PARENTINVOLVE_DEBUG"):
        raise exc
    # A bug, not a bad input: still one line, with what to do.
    detail = " ".join(str(exc).split())[:200]
    say(
        f"parentinvolve: internal error ({type(exc).__name__}{': ' + detail if detail else ''}). "
        "Please report it; PARENTINVOLVE_DEBUG=1 shows the details."
    )
    return EXIT_ERROR
