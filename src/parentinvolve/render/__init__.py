"""Renderers: each turns a `doc.Doc` (or a plan/entry, for JSON) into text in one format."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from parentinvolve.render.doc import Doc

FORMATS = ("rich", "plain", "markdown", "json")
PLAN_FORMATS = (*FORMATS, "html")


def write_doc(doc: Doc, fmt: str, out: TextIO, width: int, *, terminal: bool = False) -> None:
    """Write `doc` to `out` in a text format (JSON is written by the caller, from its own data).

    Each renderer is imported only when it is used, so plain output never imports rich. `terminal`: the
    text is for a terminal (rich keeps its colours even when written to a buffer first, for the pager).
    """
    if fmt == "markdown":
        from parentinvolve.render.markdown import render as markdown

        out.write(markdown(doc))
    elif fmt == "html":
        from parentinvolve.render.html import render as html

        out.write(html(doc))
    elif fmt == "rich":
        from parentinvolve.render import richtext

        richtext.render(doc, richtext.console(out, width, terminal=terminal))
    else:  # plain, or `text`: plain words only (`--plain-text`)
        from parentinvolve.render.plain import render as plain

        out.write(plain(doc, width, words_only=fmt == "text"))


def write(
    fmt: str, out: TextIO, width: int, *, doc: Callable[[], Doc], data: Callable[[], object], terminal: bool = False
) -> None:
    """Write in `fmt`: JSON from `data()`, every other format from `doc()` (only the one needed is built)."""
    if fmt == "json":
        from parentinvolve.render.jsonout import dumps

        out.write(dumps(data()))
    else:
        write_doc(doc(), fmt, out, width, terminal=terminal)
