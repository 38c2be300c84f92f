"""Choosing the output format and width, and writing a document to stdout."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

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


def width() -> int:
    import shutil

    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def emit(fmt: str, *, doc: Callable[[], Doc], data: Callable[[], object]) -> None:
    """Write to stdout in `fmt`: JSON from `data()`, any other format from the document `doc()`."""
    from parentinvolve.render import write

    write(fmt, sys.stdout, width(), doc=doc, data=data)
