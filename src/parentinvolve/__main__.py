"""The `parentinvolve` command and `python -m parentinvolve`: signals and streams first, then the CLI."""

# The C module under `signal` (no typing stub, hence `__import__`): it costs nothing, so it comes first.
_signal = __import__("_signal")

# Until our handlers are in place, the signals that stop us are held back (blocked), not lost: they arrive
# the moment the handlers can take them (in `run`). Only the console script and `-m` import this module.
_STOPPING = {getattr(_signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(_signal, name)}
_HELD = hasattr(_signal, "pthread_sigmask")
if _HELD:
    _signal.pthread_sigmask(_signal.SIG_BLOCK, _STOPPING)


def run() -> None:
    """Signal handlers and closed standard streams are dealt with before Typer is even imported, so a
    Ctrl-C at any moment of start-up gives one line, never a traceback."""
    import sys

    from parentinvolve import startup

    startup.install()
    if _HELD:
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, _STOPPING)
    startup.reopen_closed_streams()
    from parentinvolve.cli import main

    sys.exit(main())


if __name__ == "__main__":
    run()
