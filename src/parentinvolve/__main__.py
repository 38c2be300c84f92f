"""The `parentinvolve` command and `python -m parentinvolve`: signals and streams first, then the CLI."""

import sys


def run() -> None:
    """Signal handlers and closed standard streams are dealt with before Typer is even imported, so a
    Ctrl-C at any moment of start-up gives one line, never a traceback."""
    from parentinvolve import startup

    startup.install()
    startup.reopen_closed_streams()
    from parentinvolve.cli import main

    sys.exit(main())


if __name__ == "__main__":
    run()
