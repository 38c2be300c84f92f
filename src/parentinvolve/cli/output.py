"""Choosing the output format and width, and writing a document to stdout."""

from __future__ import annotations

import os
import sys
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


def emit(doc: Doc, fmt: str, data: object) -> None:
    """Write a document to stdout in `fmt`; `data` is its JSON form."""
    if fmt == "json":
        from parentinvolve.render.jsonout import dumps

        sys.stdout.write(dumps(data))
    else:
        from parentinvolve.render import write_doc

        write_doc(doc, fmt, sys.stdout, width())
