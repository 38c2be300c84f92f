"""The first thing the `parentinvolve` command runs (see `__main__.run`): standard streams and signals,
before any heavy import.

Why here and not in `cli/`: importing `parentinvolve.cli` loads Typer (a few hundred milliseconds on a
busy machine), and a Ctrl-C in that time would print a traceback. This module needs only the standard
library, so the handlers are in place before anything slow happens.

- Standard streams that were closed (`<&-`, `>&-`, `2>&-`) are reopened on /dev/null, so no file we open
  later can take their number; `closed` says which ones were, so the CLI can say "standard output is closed".
- SIGINT, SIGTERM, SIGHUP and SIGQUIT: put the terminal back as it was (if a prompt had changed it), remove
  any temporary file still being written, say one line on stderr, and exit with 128 + the signal number.
  prompt_toolkit takes SIGINT over while a prompt is open (and gives it back after); the other three stay ours.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator

EXIT_SIGNAL_BASE = 128
_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")

closed: set[int] = set()  # which of the standard streams (0, 1, 2) were closed when we started
_temporary: set[str] = set()  # temporary files being written: removed if a signal stops us
_finished: list[str] = []  # files the user asked for that were completely written
_restore_terminal: list[Callable[[], None]] = []
_also_say: list[str] = []  # lines said after "stopped" (the crisis help a parent was already shown)


def reopen_closed_streams() -> None:
    """Give every closed standard stream /dev/null, and remember that it was closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
    if not closed:
        return
    for fd in sorted(closed):
        try:
            null = os.open(os.devnull, os.O_RDWR)
        except OSError:  # pragma: no cover - /dev/null always exists on POSIX
            return
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    if 1 in closed:
        sys.stdout = _ClosedOutput()  # writing raises a clear error, never writes into a file of ours
    if 2 in closed:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if 0 in closed:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - not a terminal: no questions


class StdoutClosed(OSError):
    """Standard output was closed when the program started (`>&-`)."""


class _ClosedOutput:
    """What `sys.stdout` is when standard output was closed: any write fails with StdoutClosed."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        if text:
            raise StdoutClosed("standard output is closed")
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 1


def writing(path: str) -> None:
    """A temporary file is being written: remove it if a signal stops us."""
    _temporary.add(path)


def done_writing(path: str, final: str | None = None) -> None:
    """The temporary file is gone (renamed to `final`, or removed)."""
    _temporary.discard(path)
    if final is not None:
        _finished.append(final)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold our signals (they wait; none is lost) for a step a signal must not cut in two: creating a
    temporary file and registering it, or renaming it and saying so. The handler then runs just after."""
    numbers = {n for n in (getattr(signal, name, None) for name in _SIGNALS) if n is not None}
    try:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, numbers)
    except (AttributeError, OSError, ValueError):  # a platform without it: the step runs unguarded
        before = None
    try:
        yield
    finally:
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


def on_terminal(restore: Callable[[], None]) -> Callable[[], None]:
    """Register how to put the terminal back; returns a function that unregisters it."""
    _restore_terminal.append(restore)
    return lambda: _restore_terminal.remove(restore) if restore in _restore_terminal else None


def say_if_stopped(lines: list[str]) -> None:
    """Lines to say again, under the "stopped" line, if a signal stops us from now on (none: `[]`)."""
    _also_say[:] = lines


def _wrapped(line: str) -> str:
    """`line` wrapped between words to the terminal on stderr, so it is never cut mid-word."""
    import textwrap

    columns = os.environ.get("COLUMNS", "")
    try:
        width = int(columns) if columns.isdigit() else os.get_terminal_size(2).columns
    except OSError:
        return line
    return "\n".join(textwrap.wrap(line, max(width - 1, 20), break_long_words=False, break_on_hyphens=False))


def _say(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace"))


def _on_signal(signum: int, _frame: object) -> None:
    """Stop now, cleanly: the terminal back as it was, no temporary file left, one line, 128 + signal."""
    for restore in reversed(_restore_terminal):
        with contextlib.suppress(Exception):
            restore()
    for path in list(_temporary):
        with contextlib.suppress(OSError):
            os.unlink(path)
    fresh = "\n" if not _restore_terminal and _isatty(2) else ""  # (a restored terminal got its own)
    _say(f"{fresh}parentinvolve: {stopped_message(signum, _finished)}\n")
    for line in _also_say:
        _say(_wrapped(line) + "\n")
    os._exit(EXIT_SIGNAL_BASE + signum)


def stopped_message(signum: int, finished: list[str]) -> str:
    """What a signal stopped, in the language of the run (the catalog is loaded by then, if it is needed)."""
    i18n = sys.modules.get("parentinvolve.i18n")  # never imported here: a signal may come before it is
    translate = getattr(i18n, "_", None)  # ...or while it is: a module being imported has no `_` yet

    def _(text: str) -> str:
        return str(translate(text)) if translate is not None else text

    if finished:
        tail = _("{files} was written; nothing else was.").format(files=", ".join(finished))
    else:
        tail = _("Nothing was saved.") if signum == signal.SIGINT else _("Nothing was written.")
    name = signal.Signals(signum).name
    head = _("stopped.") if signum == signal.SIGINT else _("stopped by {signal}.").format(signal=name)
    return f"{head} {tail}"


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def install() -> None:
    """Our handler for SIGINT, SIGTERM, SIGHUP and SIGQUIT (where the platform has them)."""
    for name in _SIGNALS:
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(OSError, ValueError):  # not the main thread, or not allowed here
                signal.signal(number, _on_signal)
