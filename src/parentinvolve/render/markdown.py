"""Markdown: content text is escaped so it can never turn into links, emphasis or HTML."""

from __future__ import annotations

import re

from parentinvolve.render.doc import Alert, Bullets, Doc, Heading, Para, Timeline

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def esc(text: str) -> str:
    """Escaped text; web addresses become `<https://…>` links, unescaped, so they work when pasted."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out += [_SPECIAL.sub(r"\\\1", text[last : match.start()]), f"<{match.group(0)}>"]
        last = match.end()
    out.append(_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def render(doc: Doc) -> str:
    out: list[str] = [f"# {esc(doc.title)}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {esc(block.text)}")
        elif isinstance(block, Para):
            out.append(f"*{esc(block.text)}*" if block.style == "note" else esc(block.text))
        elif isinstance(block, Bullets):
            for b in block.items:
                out.append(f"- {esc(b.text)}")
                if b.note:
                    out.append(f"  - *{esc(b.note)}*")
        elif isinstance(block, Timeline):
            for n, s in enumerate(block.steps, 1):
                out.append(f"{n}. **{esc(s.title)}**" + "".join(f" — {esc(line)}" for line in s.lines[:1]))
        elif isinstance(block, Alert):
            out.append(f"> **{esc(block.title)}**")
            for line in block.lines:
                out += [">", f"> {esc(line)}"]
            out.append(">")
            out += [f"> - {esc(i)}" for i in block.items]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
