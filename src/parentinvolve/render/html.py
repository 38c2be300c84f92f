"""One self-contained HTML page: no scripts, no fetches, readable on a phone, with a print stylesheet."""

from __future__ import annotations

import re
from datetime import date
from html import escape

from parentinvolve import i18n
from parentinvolve.i18n import _
from parentinvolve.render.doc import (
    MONTHS,
    QUESTIONS_HEADING,
    SOURCES_HEADING,
    Alert,
    Bullets,
    Doc,
    Heading,
    Para,
    Timeline,
)
from parentinvolve.text import phone

NOTES_AFTER = QUESTIONS_HEADING  # the lined box for the answers goes after this section
NOTE_LINES = 8
_TEXT_TO = re.compile(r"\btext (?:([A-Z][A-Z0-9]*) to )?$")
_TEXT_WORD = re.compile(r"\btext\b")
# The same in Spanish: "envíe AYUDA al 988", "envíe la palabra AYUDA por mensaje de texto al 988".
_TEXT_TO_ES = re.compile(
    r"\benvíe (?:(?:la palabra )?([A-Z][A-Z0-9]*) (?:por (?:un )?mensaje de texto )?|un mensaje de texto )al $"
)

CSS = """
:root { --ink: #1d2a33; --soft: #56656f; --line: #cfd8de; --accent: #1f6f8b; --alert: #a4161a; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: #fbfcfd; overflow-wrap: break-word; }
main { max-width: 46rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; color: var(--accent); border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.25rem; }
a { color: var(--accent); }
p.lead { font-style: italic; }
p.note, li .why { color: var(--soft); font-size: 0.9rem; }
li .why { display: block; font-style: italic; }
ul { padding-left: 1.25rem; }
li { margin: 0.3rem 0; }
.alert { border: 3px solid var(--alert); border-radius: 10px; padding: 0.75rem 1rem; background: #fff5f5; }
.alert h2 { color: var(--alert); border: 0; margin-top: 0; }
.alert p { font-weight: 600; }
ol.timeline { list-style: none; padding: 0; margin: 1rem 0 1.5rem; counter-reset: step; }
ol.timeline li { position: relative; margin: 0; padding: 0.2rem 0 1.1rem 2.9rem; min-height: 2.6rem;
                 counter-increment: step; font-weight: 600; }
ol.timeline li::before { content: counter(step); position: absolute; left: 0; top: 0; width: 2rem; height: 2rem;
                 border-radius: 50%; background: var(--accent); color: #fff; text-align: center;
                 line-height: 2rem; font-weight: 700; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
ol.timeline li:not(:last-child)::after { content: ""; position: absolute; left: calc(1rem - 1px); top: 2.2rem;
                 bottom: 0.2rem; width: 2px; background: var(--line); }
ol.timeline a { color: var(--ink); text-decoration: none; }
ol.timeline .asks { display: block; font-weight: 400; color: var(--soft); font-size: 0.92rem; }
p.made { color: var(--soft); font-size: 0.9rem; margin: 0.75rem 0 0; }
.alert a[href^="tel:"], .alert a[href^="sms:"] { font-weight: 700; }
a[href^="tel:"] { white-space: nowrap; }
section.notes { margin: 1rem 0 0; }
section.notes h3 { margin-bottom: 0.25rem; }
section.notes .line { height: 2.1rem; border-bottom: 1px solid var(--line); }
@media (min-width: 40rem) {
  ol.timeline { display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.75rem; }
  ol.timeline li { padding: 2.6rem 0.25rem 0 0; min-height: 0; }
  ol.timeline li:not(:last-child)::after { left: 2.4rem; right: -0.35rem; top: calc(1rem - 1px); bottom: auto;
                 width: auto; height: 2px; }
}
@media screen { .short { display: none; } }
@page { size: auto; margin: 13mm 14mm 15mm; }
@media print {
  html { font-size: 10pt; }  /* rem is the printed size, not the screen's 16px */
  body { background: #fff; font-size: 10pt; line-height: 1.32; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 15pt; margin: 0 0 0.4rem; }
  h2 { font-size: 12pt; margin: 0.9rem 0 0.3rem; }
  h3 { font-size: 10.5pt; margin: 0.6rem 0 0.15rem; }
  ul { padding-left: 1.1rem; margin: 0.3rem 0; }
  li { margin: 0.12rem 0; }
  p { margin: 0.35rem 0; }
  p, li { orphans: 3; widows: 3; }
  h2, h3 { break-after: avoid; }
  li, p, .alert, ol.timeline, section.notes { break-inside: avoid; }
  h2.moments, ol.timeline { break-after: avoid; }
  .alert + p.note { break-before: avoid; }  /* the closing words never on a page of their own */
  .alert { padding: 0.4rem 0.7rem; border-width: 2px; }
  .alert ul { columns: 2; column-gap: 1.2rem; }
  .alert li { break-inside: avoid; }
  ol.timeline { display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.5rem; margin: 0.5rem 0 0.6rem; }
  ol.timeline li { padding: 2.3rem 0.25rem 0 0; min-height: 0; }
  ol.timeline li:not(:last-child)::after { display: none; }
  ul.sources { font-size: 7.5pt; line-height: 1.25; columns: 2; column-gap: 1.2rem; padding-left: 0.9rem; }
  ul.sources li { margin: 0.05rem 0; }
  section.notes .line { height: 1.8rem; border-bottom-color: #888; }
  section.notes .line:nth-child(n+7) { display: none; }  /* five lines on paper */
  a { color: inherit; text-decoration: none; }
}
"""

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def text(value: str) -> str:
    """Content text, escaped; web addresses become links (to read, never fetched by the page)."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(value):
        url = escape(match.group(0))
        out += [escape(value[last : match.start()]), f'<a href="{url}">{url}</a>']
        last = match.end()
    out.append(escape(value[last:]))
    return "".join(out)


def source(value: str) -> str:
    """A source: its title (or citation) is the link's text, so a screen reader reads words, not an address; on
    paper a short address follows, one a parent can type (`.short`, print only). An address inside the citation
    itself stays a link as written."""
    match = _URL.search(value)
    if match is None or match.end() != len(value) or not value[: match.start()].strip():
        return text(value)
    url = match.group(0)
    title = escape(value[: match.start()].rstrip())
    return f'<a href="{escape(url)}">{title}</a><span class="short"> {escape(_short(url))}</span>'


def _phone(value: str) -> str:
    """A crisis line with its numbers tappable: `tel:` to call, `sms:` to text (with the keyword to send,
    when the line names one), each number whole and as dialled (phone.py), or not linked at all. The words
    themselves are left exactly as the knowledge base has them."""
    out: list[str] = []
    last = 0
    for start, end, number in phone.find(value):
        dial = escape(phone.dialled(number))
        before = value[last:start]
        texting = _TEXT_TO.search(before) or _TEXT_TO_ES.search(before)
        if texting and texting.group(1):  # "text SHOUT to 85258": one link that opens the message, keyword in
            keyword = texting.group(1)
            out += [
                escape(before[: texting.start()]),
                f'<a href="sms:{dial}?&amp;body={keyword}">{escape(texting.group(0) + number)}</a>',
            ]
        elif texting and not before[: texting.start()].endswith(("call or ", "llame o ")):  # "text 50808"
            out += [
                escape(before[: texting.start()]),
                f'<a href="sms:{dial}">{escape(texting.group(0) + number)}</a>',
            ]
        else:
            word = _TEXT_WORD.search(before)  # "call or text 988": "text" opens a message, the number calls
            if word:
                out += [
                    escape(before[: word.start()]),
                    f'<a href="sms:{dial}">text</a>',
                    escape(before[word.end() :]),
                ]
            else:
                out.append(escape(before))
            out.append(f'<a href="tel:{dial}">{escape(number)}</a>')
        last = end
    out.append(escape(value[last:]))
    return "".join(out)


def _anchors(doc: Doc) -> dict[str, str]:
    """Timeline step title -> id of the section heading that tells more about it."""
    steps = [s.title for b in doc.blocks if isinstance(b, Timeline) for s in b.steps]
    headings = {b.text for b in doc.blocks if isinstance(b, Heading) and b.level > 2}
    return {title: f"moment-{n}" for n, title in enumerate(steps, 1) if title in headings}


def _short(url: str) -> str:
    """A source's address short enough to type from paper: no scheme or `www.`, the path only when short."""
    bare = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
    host = bare.partition("/")[0]
    return bare if len(bare) <= 40 else host


def _css_text(value: str) -> str:
    """Text as a CSS string, every character that could end it (or the style element) escaped."""
    keep = " .,:;-–—·()/&+'"
    return '"' + "".join(c if c.isalnum() or c in keep else f"\\{ord(c):x} " for c in value) + '"'


def _page_css(running: str) -> str:
    """On every printed page (where the browser draws page margins): the clinic's name and number, and the
    page number."""
    left = f"@bottom-left {{ content: {_css_text(running)}; }}" if running else ""
    number = '@bottom-right { content: counter(page) " / " counter(pages); }'
    style = "font: 8pt system-ui, sans-serif; color: #56656f;"
    return f"\n@page {{ {left} {number} }}\n@page {{ @bottom-left {{ {style} }} @bottom-right {{ {style} }} }}\n"


def style(doc: Doc) -> str:
    """The page's own stylesheet, as its `<style>` holds it (a Content Security Policy allows it by its hash)."""
    return CSS + _page_css(doc.running)


def render(doc: Doc, made: date | None = None, *, head: str = "", header: str = "", end: str = "") -> str:
    """The page; `made` is the date printed under the title (today when not given).

    `head`, `header` and `end` let the web page (`web/`) put its own links around the same document: in
    `<head>`, before `<main>`, and at the end of `<main>`. The file `ask --format html` writes has none."""
    anchors = _anchors(doc)
    day = made or date.today()
    body: list[str] = [f"<h1>{escape(doc.title)}</h1>"]
    dated = not any(isinstance(b, Timeline) for b in doc.blocks)  # only a plan is dated, not an `explain` page
    section = ""
    for n, block in enumerate(doc.blocks):
        if not dated and not isinstance(block, Alert):  # under the title, after the crisis lines
            body.append(
                f'<p class="made">{escape(_("Made on"))} <time datetime="{day.isoformat()}">{_day(day)}</time></p>'
            )
            dated = True
        if isinstance(block, Heading):
            section = block.text if block.level == 2 else section
            nxt = doc.blocks[n + 1] if n + 1 < len(doc.blocks) else None
            body.append(_heading(block, anchors, moments=isinstance(nxt, Timeline)))
        elif isinstance(block, Para):
            cls = f' class="{block.style}"' if block.style else ""
            body.append(f"<p{cls}{_lang(block.lang)}>{text(block.text)}</p>")
        elif isinstance(block, Bullets):
            body.extend(_bullets(block, section))
        elif isinstance(block, Timeline):
            body.append(_timeline(block, anchors))
        elif isinstance(block, Alert):
            body.append(_alert(block))
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.current()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{style(doc)}</style>\n{head}</head>\n"
        f"<body>\n{header}<main>\n{chr(10).join(body)}\n{end}</main>\n</body>\n</html>\n"
    )


def _heading(block: Heading, anchors: dict[str, str], *, moments: bool) -> str:
    """A heading; a moment's (level 3) takes its anchor, which the timeline links to, once."""
    anchor = anchors.pop(block.text, "") if block.level > 2 else ""
    ident = f' id="{anchor}"' if anchor else ""
    ident += ' class="moments"' if moments else ""
    return f"<h{block.level}{ident}{_lang(block.lang)}>{escape(block.text)}</h{block.level}>"


def _bullets(block: Bullets, section: str) -> list[str]:
    """A list; under Sources each is linked by its title, and the section before the notes gets lines to write on."""
    cited = section == _(SOURCES_HEADING)
    items = "".join(
        f"<li{_lang(b.lang)}>{_item(b.text, block.contacts or b.contact, cited)}"
        + (f'<span class="why"{_lang(i18n.current() if b.lang else "")}>{escape(b.note)}</span>' if b.note else "")
        + "</li>"
        for b in block.items
    )
    cls = ' class="sources"' if cited else ""
    out = [f"<ul{cls}>{items}</ul>"]
    if section == _(NOTES_AFTER):
        lines = '<div class="line"></div>' * NOTE_LINES
        label = escape(_("Notes"))
        out.append(f'<section class="notes" aria-label="{label}"><h3>{label}</h3>{lines}</section>')
    return out


def _timeline(block: Timeline, anchors: dict[str, str]) -> str:
    """The moments in order, each linked to its section, with its first line."""
    steps = "".join(
        (f'<li><a href="#{anchors[s.title]}">{escape(s.title)}</a>' if s.title in anchors else f"<li>{escape(s.title)}")
        + "".join(f'<span class="asks">{escape(line)}</span>' for line in s.lines[:1])
        + "</li>"
        for s in block.steps
    )
    label = escape(_("The moments of your involvement, in order"))
    return f'<ol class="timeline" aria-label="{label}">{steps}</ol>'


def _alert(block: Alert) -> str:
    """The crisis box: its lines, then each way to reach help, numbers tappable."""
    lines = "".join(f"<p>{text(line)}</p>" for line in block.lines)
    items = "".join(f"<li>{_phone(i) if phone.find(i) else text(i)}</li>" for i in block.items)
    return (
        f'<section class="alert" aria-label="{escape(block.title)}"><h2>{escape(block.title)}</h2>'
        f"{lines}<ul>{items}</ul></section>"
    )


def _item(value: str, contact: bool, cited: bool) -> str:
    """A bullet's text: numbers tappable for a way to reach someone, a source linked by its title."""
    if contact and phone.find(value):
        return _phone(value)
    return source(value) if cited else text(value)


def _day(day: date) -> str:
    """The date in words, in the current language ("1 December 2026", "1 de diciembre de 2026")."""
    if i18n.current() == i18n.ENGLISH:
        return f"{day.day} {day:%B %Y}"
    return _("{day} {month} {year}").format(day=day.day, month=_(MONTHS[day.month - 1]), year=day.year)


def _lang(lang: str) -> str:
    """The attribute for text in another language than the page's (a clinic's English in a Spanish plan)."""
    return f' lang="{escape(lang)}"' if lang else ""
