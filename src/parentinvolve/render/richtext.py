"""The terminal view, with rich. Content is always passed as `Text`, so `[markup]` is shown literally."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from parentinvolve.render.doc import Alert, Bullets, Doc, Heading, Para, Timeline


def console(file: TextIO) -> Console:
    return Console(file=file, markup=False, emoji=False, highlight=False, soft_wrap=False)


def render(doc: Doc, out: Console) -> None:
    out.print(Text(doc.title, style="bold underline"))
    out.print()
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.print(Text(block.text, style="bold cyan" if block.level == 2 else "bold"))
        elif isinstance(block, Para):
            style = {"lead": "italic", "note": "dim"}.get(block.style, "")
            out.print(Text(block.text, style=style))
        elif isinstance(block, Bullets):
            out.print(_bullets(block))
        elif isinstance(block, Timeline):
            out.print(_timeline(block))
        elif isinstance(block, Alert):
            body = Group(
                *(Text(line, style="bold") for line in block.lines),
                *(Text("• " + item) for item in block.items),
            )
            out.print(Panel(body, title=Text(block.title, style="bold"), border_style="red"))
        out.print()


def _bullets(block: Bullets) -> Table:
    """Bullets with a hanging indent: wrapped lines stay under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, style="cyan")
    grid.add_column(ratio=1)
    for b in block.items:
        grid.add_row("•", Text(b.text))
        if b.note:
            grid.add_row("", Text(b.note, style="dim italic"))
    return grid


def _timeline(block: Timeline) -> Table:
    grid = Table.grid(expand=True, padding=(0, 1))
    for _ in block.steps:
        grid.add_column(ratio=1)
    panels = []
    for n, step in enumerate(block.steps, 1):
        first = step.lines[0] if step.lines else ""
        short = first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"
        body = Group(Text(f"{n}. {step.title}", style="bold"), Text(short, style="dim"))
        panels.append(Panel(body, border_style="cyan"))
    grid.add_row(*panels)
    return grid
