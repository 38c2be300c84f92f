"""Plain text: wrapped to the terminal width (at most 100 columns), never cutting a word, no colour or markup."""

from __future__ import annotations

import textwrap

from parentinvolve.render.doc import Alert, Bullets, Doc, Heading, Para, Timeline

MAX_WIDTH = 100  # prose wider than this is hard to read, however wide the terminal


def fold(text: str, room: int) -> str:
    """`text` with any word longer than `room` (a web address, in practice) on a line of its own, whole: a
    copied address is never broken, and no other word shares its line. The line is wider than `room`; a
    terminal shows the rest on the next row, and copies it as one line."""
    if room < 10 or all(len(word) <= room for word in text.split()):
        return text
    out = [f"\n{word}\n" if len(word) > room else word for word in text.split()]
    return " ".join(out).replace(" \n", "\n").replace("\n ", "\n").replace("\n\n", "\n").strip("\n")


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Lines of at most `width` characters (wider only for a single unbreakable piece)."""
    width = max(width, 10)
    lines: list[str] = []
    for n, part in enumerate(fold(text, width - len(rest)).split("\n")):
        lines += textwrap.wrap(
            part,
            width=width,
            initial_indent=first if n == 0 else rest,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return lines or [first.rstrip()]


def render(doc: Doc, width: int = 80, *, words_only: bool = False) -> str:
    """The document as plain text. `words_only` (`--plain-text`, for screen readers and braille displays): no
    drawn lines (no `===`, `---` or `!!!` bars), headings as words ending in a colon, items without a dash,
    nothing in capitals: only what a person would read aloud."""
    if words_only:
        return _words(doc, min(width, MAX_WIDTH))
    width = min(width, MAX_WIDTH)
    out: list[str] = [*wrap(doc.title, width), "=" * min(len(doc.title), width), ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [*wrap(block.text, width), ("-" if block.level == 2 else "·") * min(len(block.text), width)]
        elif isinstance(block, Para):
            out += wrap(block.text, width)
        elif isinstance(block, Bullets):
            for b in block.items:
                out += wrap(b.text, width, "- ", "  ")
                if b.note:
                    out += wrap(b.note, width, "    ", "    ")
        elif isinstance(block, Timeline):
            out += _steps(block, width)
        elif isinstance(block, Alert):
            bar = "!" * min(width, 60)
            out += [bar, *wrap(block.title.upper(), width)]
            for line in block.lines:
                out += wrap(line, width)
            for item in block.items:
                out += wrap(item, width, "- ", "  ")
            out.append(bar)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _steps(block: Timeline, width: int) -> list[str]:
    out: list[str] = []
    for n, step in enumerate(block.steps, 1):
        number = f"{n}. "
        out += wrap(step.title, width, number, " " * len(number))
        for line in step.lines[:1]:
            out += wrap(line, width, " " * len(number), " " * len(number))
    return out


def _heading(text: str) -> str:
    return text if text.endswith((":", "?", "!", ".")) else text + ":"


def _words(doc: Doc, width: int) -> str:
    out: list[str] = [*wrap(doc.title + ".", width), ""] if doc.title else []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += wrap(_heading(block.text), width)
        elif isinstance(block, Para):
            out += wrap(block.text, width)
        elif isinstance(block, Bullets):
            for b in block.items:
                out += wrap(b.text, width, "", "  ")
                if b.note:
                    out += wrap(b.note, width, "  ", "  ")
        elif isinstance(block, Timeline):
            out += _steps(block, width)
        elif isinstance(block, Alert):
            out += wrap(_heading(block.title), width)
            for line in [*block.lines, *block.items]:
                out += wrap(line, width, "", "  ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
