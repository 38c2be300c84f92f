"""Choosing the output format and width, and writing a document to stdout."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Optional

from parentinvolve.cli.terminal import clean_stdout, write
from parentinvolve.errors import UsageError

if TYPE_CHECKING:
    from parentinvolve.render.doc import Doc

SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json"}


def pick_format(fmt: Optional[str], allowed: tuple[str, ...]) -> str:
    if fmt is None:
        dumb = os.environ.get("TERM") == "dumb" or "NO_COLOR" in os.environ
        return "rich" if sys.stdout.isatty() and not dumb else "plain"
    fmt = fmt.strip().lower()
    if fmt not in allowed:
        from parentinvolve.didyoumean import did_you_mean

        raise UsageError(f"Unknown format {fmt!r}{did_you_mean(fmt, allowed)}. Choose one of: {', '.join(allowed)}.")
    return fmt


def sane_terminal_size() -> None:
    """COLUMNS or LINES outside a sane range (`COLUMNS=0`, `COLUMNS=1000000000`) are ignored, as if unset:
    the terminal's own size, else the default, is used instead (by us and by rich, which reads them too)."""
    for name, low, high in (("COLUMNS", 20, 1000), ("LINES", 1, 10000)):
        value = os.environ.get(name)
        if value is None:
            continue
        text = value.strip()
        number = int(text) if text.isdigit() and text.isascii() and len(text) <= 6 else -1
        if not low <= number <= high:
            del os.environ[name]


def width() -> int:
    import shutil

    from parentinvolve.cli.terminal import sane_width

    return min(sane_width(shutil.get_terminal_size((80, 24)).columns), 100)


def emit(doc: Doc, fmt: str, data: object) -> None:
    """Write a document to stdout in `fmt`; `data` is its JSON form."""
    if fmt == "json":
        from parentinvolve.render.jsonout import dumps

        write(dumps(data))
    else:
        from parentinvolve.render import write_doc

        write_doc(doc, fmt, clean_stdout(keep_colour=fmt == "rich"), width())
