"""One self-contained HTML page: no scripts, no fetches, readable on a phone, with a print stylesheet."""

from __future__ import annotations

from html import escape

from parentinvolve.doc import Alert, Bullets, Doc, Heading, Para, Timeline

CSS = """
:root { --ink: #1d2a33; --soft: #56656f; --line: #cfd8de; --accent: #1f6f8b; --alert: #a4161a; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: #fbfcfd; overflow-wrap: break-word; }
main { max-width: 46rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; color: var(--accent); border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.25rem; }
p.lead { font-style: italic; }
p.note, li .why { color: var(--soft); font-size: 0.9rem; }
li .why { display: block; font-style: italic; }
ul { padding-left: 1.25rem; }
li { margin: 0.3rem 0; }
.alert { border: 3px solid var(--alert); border-radius: 10px; padding: 0.75rem 1rem; background: #fff5f5; }
.alert h2 { color: var(--alert); border: 0; margin-top: 0; }
.alert p { font-weight: 600; }
ol.timeline { list-style: none; padding: 0; margin: 1rem 0; display: grid; gap: 0.75rem;
              grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); counter-reset: step; }
ol.timeline li { position: relative; margin: 0; padding: 0.6rem 0.75rem 0.6rem 2.6rem; border: 1px solid var(--line);
                 border-radius: 10px; background: #fff; counter-increment: step; }
ol.timeline li::before { content: counter(step); position: absolute; left: 0.6rem; top: 0.55rem; width: 1.5rem;
                 height: 1.5rem; border-radius: 50%; background: var(--accent); color: #fff; text-align: center;
                 font-weight: 700; line-height: 1.5rem; }
ol.timeline strong { display: block; }
ol.timeline span { color: var(--soft); font-size: 0.85rem; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  li, .alert, ol.timeline li { break-inside: avoid; }
  ol.timeline { grid-template-columns: repeat(4, 1fr); }
}
"""


def render(doc: Doc) -> str:
    body: list[str] = [f"<h1>{escape(doc.title)}</h1>"]
    for block in doc.blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            cls = f' class="{block.style}"' if block.style else ""
            body.append(f"<p{cls}>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(
                f"<li>{escape(b.text)}" + (f'<span class="why">{escape(b.note)}</span>' if b.note else "") + "</li>"
                for b in block.items
            )
            body.append(f"<ul>{items}</ul>")
        elif isinstance(block, Timeline):
            steps = "".join(
                f"<li><strong>{escape(s.title)}</strong><span>{escape(s.lines[0] if s.lines else '')}</span></li>"
                for s in block.steps
            )
            body.append(f'<ol class="timeline" aria-label="The moments of your involvement">{steps}</ol>')
        elif isinstance(block, Alert):
            lines = "".join(f"<p>{escape(line)}</p>" for line in block.lines)
            items = "".join(f"<li>{escape(i)}</li>" for i in block.items)
            body.append(
                f'<section class="alert" role="alert"><h2>{escape(block.title)}</h2>{lines}<ul>{items}</ul></section>'
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{chr(10).join(body)}\n</main>\n</body>\n</html>\n"
    )
