"""Markdown: content text is escaped so it can never turn into links, emphasis, HTML, entities or blocks.

Each piece of text is one line of inline text wherever it is placed (a paragraph, a list item, a quote):
its line breaks become spaces, every character Markdown gives a meaning to is backslash-escaped, `&` too
(so `&copy;` shows as written), and what would start a block at the start of the text (`1986.`, `+ x`,
`---`, `===`, a heading, a quote, a fence) is escaped as well, so content can never restructure the document.
"""

from __future__ import annotations

import re

from parentinvolve.render.doc import Alert, Bullets, Doc, Heading, Para, Timeline

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|&~])")
_BLOCK_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")
_BREAKS = re.compile(r"\s*[\r\n\f\v\u2028\u2029\x85]+\s*|\t")


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def esc(text: str) -> str:
    """One line of inline Markdown that shows exactly `text`; web addresses become `<https://…>` links,
    unescaped inside, so they still work when pasted."""
    text = _BREAKS.sub(" ", text).strip()
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        out += [_SPECIAL.sub(r"\\\1", text[last : match.start()]), f"<{match.group(0)}>"]
        last = match.end()
    out.append(_SPECIAL.sub(r"\\\1", text[last:]))
    joined = "".join(out)
    return _BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", joined)


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
