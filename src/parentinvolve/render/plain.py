"""Plain text: wrapped to the terminal width, never cutting a word, no colour or markup."""

from __future__ import annotations

import textwrap

from parentinvolve.render.doc import Alert, Bullets, Doc, Heading, Para, Timeline


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        width=max(width, 10),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def render(doc: Doc, width: int = 80) -> str:
    out: list[str] = [doc.title, "=" * min(len(doc.title), width), ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [block.text, ("-" if block.level == 2 else "·") * min(len(block.text), width)]
        elif isinstance(block, Para):
            out += _wrap(block.text, width)
        elif isinstance(block, Bullets):
            for b in block.items:
                out += _wrap(b.text, width, "- ", "  ")
                if b.note:
                    out += _wrap(b.note, width, "    ", "    ")
        elif isinstance(block, Timeline):
            for n, step in enumerate(block.steps, 1):
                out += _wrap(f"{n}. {step.title}", width)
        elif isinstance(block, Alert):
            bar = "!" * min(width, 60)
            out += [bar, *_wrap(block.title.upper(), width)]
            for line in block.lines:
                out += _wrap(line, width)
            for item in block.items:
                out += _wrap(item, width, "- ", "  ")
            out.append(bar)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
