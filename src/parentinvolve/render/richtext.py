"""The terminal view, with rich. Content is always passed as `Text`, so `[markup]` is shown literally."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from parentinvolve.render.doc import Alert, Bullet, Bullets, Doc, Heading, Para, Timeline
from parentinvolve.render.plain import MAX_WIDTH, fold, wrap

CARDS_FROM = 100  # narrower than this, the timeline is a numbered list: cards would squeeze every word


def console(file: TextIO, width: int | None = None, *, terminal: bool = False) -> Console:
    """A console that never prints wider than MAX_WIDTH columns, however wide the terminal. `terminal`:
    the output is for a terminal even though `file` is a buffer (it goes through the pager)."""
    cols = min(width or Console(file=file).width, MAX_WIDTH)
    return Console(
        file=file,
        width=cols,
        force_terminal=terminal or None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def _text(value: str, room: int, style: str = "") -> Text | Group:
    """Content as `Text`; a web address longer than the line goes on a line of its own, whole (never cut:
    printed with `crop=False`, outside any table or panel, which would crop it)."""
    if not _too_long(value, room):
        return Text(value, style=style)
    parts = fold(value, room).split("\n")
    return Group(*(Text(part, style=style, overflow="ignore" if len(part) > room else "fold") for part in parts))


def _too_long(value: str, room: int) -> bool:
    return any(len(word) > room for word in value.split())


def render(doc: Doc, out: Console) -> None:
    room = out.width
    out.print(_text(doc.title, room, "bold underline"), crop=False)
    out.print()
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.print(_text(block.text, room, "bold cyan" if block.level == 2 else "bold"), crop=False)
        elif isinstance(block, Para):
            style = {"lead": "italic", "note": "dim"}.get(block.style, "")
            out.print(_text(block.text, room, style), crop=False)
        elif isinstance(block, Bullets):
            long = any(_too_long(b.text, room - 2) or _too_long(b.note, room - 2) for b in block.items)
            out.print(_hanging(block, room) if long else _bullets(block, room), crop=False)
        elif isinstance(block, Timeline):
            out.print(_timeline(block) if room >= CARDS_FROM else _numbered(block, room))
        elif isinstance(block, Alert):
            body = Group(
                *(_text(line, room - 4, "bold") for line in block.lines),
                _bullets(Bullets(tuple(Bullet(i) for i in block.items)), room - 4),
            )
            out.print(Panel(body, title=Text(block.title, style="bold"), border_style="red"))
        out.print()


def _bullets(block: Bullets, room: int) -> Table:
    """Bullets with a hanging indent: wrapped lines stay under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, style="cyan")
    grid.add_column(ratio=1)
    for b in block.items:
        grid.add_row("•", _text(b.text, room - 2))
        if b.note:
            grid.add_row("", _text(b.note, room - 2, "dim italic"))
    return grid


def _hanging(block: Bullets, room: int) -> Group:
    """Bullets as lines of text with a hanging indent (wrapped as plain text is), for a list with a word too
    long for its line: a table would crop that word at the column's edge."""
    lines: list[Text] = []
    for b in block.items:
        for n, line in enumerate(wrap(b.text, room, "• ", "  ")):
            lines.append(Text.assemble(("• ", "cyan") if n == 0 else "  ", line[2:], overflow="ignore", no_wrap=True))
        if b.note:
            lines += [
                Text(line, style="dim italic", overflow="ignore", no_wrap=True)
                for line in wrap(b.note, room, "  ", "  ")
            ]
    return Group(*lines)


def _numbered(block: Timeline, room: int) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold cyan", justify="right")
    grid.add_column(ratio=1)
    for n, step in enumerate(block.steps, 1):
        grid.add_row(f"{n}.", Text(step.title, style="bold"))
        for line in step.lines[:1]:
            grid.add_row("", _text(line, room - 4, "dim"))
    return grid


def _timeline(block: Timeline) -> Table:
    """Cards side by side, each with its moment's one line in full (it is written to fit a card)."""
    grid = Table.grid(expand=True, padding=(0, 1))
    for _ in block.steps:
        grid.add_column(ratio=1)
    panels = []
    for n, step in enumerate(block.steps, 1):
        body = Group(Text(f"{n}. {step.title}", style="bold"), *(Text(line, style="dim") for line in step.lines[:1]))
        panels.append(Panel(body, border_style="cyan"))
    grid.add_row(*panels)
    return grid
