"""`clinic pack`: handouts for families who have not answered the questions yet, one page per therapy and
age band (and per language the clinic's layer speaks), and an `index.html` listing them.

Each page is a plan made by the engine (so the same safety rules hold: the crisis pointer for the oldest age of
the band, the clinic's after-hours line) for a family starting that therapy, rendered by the same HTML
renderer; only its one-line "for whom" says it is for a band of ages, not one child. Each file is written whole
(`write_private`), the index last, so an interrupted run leaves whole pages and no index pointing at missing ones.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from parentinvolve.i18n import _
from parentinvolve.model import THERAPY, KnowledgeBase


def languages(clinic: Path) -> list[str]:
    """English, and each language the layer gives its own words in (i18n/<lang>/clinic.yaml)."""
    from parentinvolve.i18n import AVAILABLE, ENGLISH

    return [ENGLISH, *(x for x in AVAILABLE if x != ENGLISH and (clinic / "i18n" / x / "clinic.yaml").is_file())]


def bands(kb: KnowledgeBase) -> list[tuple[str, str, int, int]]:
    """(therapy id, its name, youngest, oldest) for each attendance band within the therapy's typical ages."""
    out = []
    for e in kb.entries:
        if e.kind != THERAPY:
            continue
        low, high = e.ages or (0, 17)
        for band in e.bands:
            lo = max(band.min_age, low)
            hi = high if band.max_age is None else min(band.max_age, high)
            if lo <= hi:
                out.append((e.id, e.name, lo, hi))
    return out


def pack(content: Path | None, clinic: Path, out: Path, region: str, *, force: bool) -> list[tuple[str, Path]]:
    """Write every page and the index; the pages written, each with its language."""
    from parentinvolve import engine, i18n, kb
    from parentinvolve.cli.private_files import write_private
    from parentinvolve.render.doc import Para, plan_doc
    from parentinvolve.render.html import render
    from parentinvolve.render.summary import for_whom

    was = i18n.current()
    written: list[tuple[str, Path]] = []
    index: list[str] = []
    try:
        for lang in languages(clinic):
            i18n.activate(lang)
            base = kb.load(content, clinic, lang=lang)
            items = []
            for tid, name, lo, hi in bands(base):
                answers = {
                    "child_age": hi,
                    "concerns": ["other"],
                    "therapy": tid,
                    "stage": "starting",
                    "region": region,
                }
                p = engine.plan(base, answers)
                doc = plan_doc(base, p)
                who = for_whom(base, p)
                ages = _("ages {lo} to {hi}").format(lo=lo, hi=hi) if lo < hi else _("age {age}").format(age=lo)
                said = _(
                    "For a family starting {therapy}, with a child of {ages}: the general picture, before your own plan."
                )
                line = Para(said.format(therapy=name, ages=ages), "note")
                blocks = tuple(line if isinstance(b, Para) and b.text == who else b for b in doc.blocks)
                doc = doc._replace(title=f"{doc.title} — {name}, {ages}", blocks=blocks)
                path = out / f"{tid}-{lo}-{hi}-{lang}.html"
                write_private(path, render(doc), force=force)
                written.append((lang, path))
                items.append(f'<li><a href="{escape(path.name)}">{escape(name)}, {escape(ages)}</a></li>')
            heading = escape(base.clinic.name if base.clinic else "")
            index.append(
                f'<section lang="{lang}"><h2>{heading} — {escape(_("Handouts"))}</h2><ul>{"".join(items)}</ul></section>'
            )
    finally:
        i18n.activate(was)
    write_private(out / "index.html", _index(index), force=force)
    return written


def _index(sections: list[str]) -> str:
    from parentinvolve.render.html import CSS

    title = escape(_("Handouts for families"))
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        + "\n".join(sections)
        + "\n</main>\n</body>\n</html>\n"
    )
