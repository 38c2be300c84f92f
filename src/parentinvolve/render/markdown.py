"""Markdown: content text is escaped so it can never turn into links, emphasis or HTML."""

from __future__ import annotations

import re

from parentinvolve.render.doc import Alert, Bullets, Doc, Heading, Para, Timeline

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def esc(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


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
            out.append(" → ".join(f"**{n}. {esc(s.title)}**" for n, s in enumerate(block.steps, 1)))
        elif isinstance(block, Alert):
            out.append(f"> **{esc(block.title)}**")
            for line in block.lines:
                out += [">", f"> {esc(line)}"]
            out.append(">")
            out += [f"> - {esc(i)}" for i in block.items]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
