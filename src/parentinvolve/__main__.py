"""The `parentinvolve` command and `python -m parentinvolve`: signals and streams first, then the CLI."""

import signal
import sys

_STOPPING = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)}


def run() -> None:
    """Signal handlers and closed standard streams are dealt with before Typer is even imported, so a
    Ctrl-C at any moment of start-up gives one line, never a traceback. Until our handlers are in place the
    signals are held back (blocked), not lost: they arrive the moment the handlers can take them."""
    held = hasattr(signal, "pthread_sigmask")
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    from parentinvolve import startup

    startup.install()
    if held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    startup.reopen_closed_streams()
    from parentinvolve.cli import main

    sys.exit(main())


if __name__ == "__main__":
    run()
