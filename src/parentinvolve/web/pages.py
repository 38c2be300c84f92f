"""What every page has around its content: the exit link, the clinic's name, the language link; and the
stylesheet (the plan's own, from `render/html.py`, plus the form's), served as a file for the CSP."""

from __future__ import annotations

from html import escape

from parentinvolve import i18n
from parentinvolve.i18n import _
from parentinvolve.model import KnowledgeBase
from parentinvolve.render import html

LANGUAGE_NAMES = {"en": "English", "es": "Español"}
STYLESHEET = '<link rel="stylesheet" href="/style.css">\n'

WEB_CSS = """
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: 0; padding: 0; overflow: hidden;
                   clip: rect(0 0 0 0); clip-path: inset(50%); border: 0; white-space: nowrap; }
header.site { background: var(--ink); color: #fff; padding: 0.5rem 1rem; }
header.site .bar { max-width: 46rem; margin: 0 auto; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem;
                   align-items: center; justify-content: space-between; }
header.site .name { font-weight: 700; }
header.site a, header.site .link { color: #fff; }
a.exit { display: inline-block; background: var(--alert); color: #fff !important; font-weight: 700;
         padding: 0.4rem 0.9rem; border-radius: 4px; text-decoration: none; border: 2px solid #fff; }
a:focus, button:focus, input:focus { outline: 3px solid #fd0; outline-offset: 0; box-shadow: 0 0 0 5px var(--ink); }
.link { background: none; border: 0; padding: 0; font: inherit; color: var(--accent); text-decoration: underline;
        cursor: pointer; }
form.inline { display: inline; }
.group { margin: 0 0 2rem; }
.group-error { border-left: 5px solid var(--alert); padding-left: 0.9rem; }
fieldset.fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
.label-wrapper, .legend { font-size: 1.25rem; margin: 0 0 0.3rem; color: var(--ink); border: 0; }
legend { padding: 0; max-width: 100%; }
.hint { color: var(--soft); margin: 0 0 0.6rem; }
.error-message { color: var(--alert); font-weight: 700; margin: 0 0 0.6rem; }
.input { font: inherit; padding: 0.3rem; border: 2px solid var(--ink); border-radius: 0; }
.group-error .input { border-color: var(--alert); }
.width-3 { width: 5.5em; max-width: 100%; }
.choice { display: flex; align-items: flex-start; gap: 0.6rem; margin: 0 0 0.6rem; }
.choice input { width: 1.6rem; height: 1.6rem; margin: 0.1rem 0 0; flex: none; }
.choice label { flex: 1; min-width: 0; }
.button { font: inherit; font-weight: 700; color: #fff; background: #00703c; border: 0; border-bottom: 3px solid #002d18;
          padding: 0.55rem 1.1rem; border-radius: 0; cursor: pointer; }
.button.secondary { color: var(--ink); background: #e5eaed; border-bottom-color: #8a979f; }
.error-summary { border: 5px solid var(--alert); padding: 1rem; margin: 0 0 2rem; }
.error-summary h2 { margin-top: 0; color: var(--ink); border: 0; }
.error-summary a { color: var(--alert); font-weight: 700; }
section.actions { margin: 2.5rem 0 0; padding: 1rem; border: 2px solid var(--line); }
section.actions h2 { margin-top: 0; }
section.actions .row { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.75rem 0; }
@media print { header.site, section.actions, a.exit { display: none; } }
"""

STYLE = html.CSS + WEB_CSS


def language_link(lang: str, here: str, hidden_fields: str = "") -> str:
    """A link to `here` in each other language; a button posting the answers again when there are answers."""
    out = []
    for other in i18n.AVAILABLE:
        if other == lang:
            continue
        name = escape(LANGUAGE_NAMES.get(other, other))
        if hidden_fields:
            out.append(
                f'<form class="inline" method="post" action="{escape(here)}?lang={other}">{hidden_fields}'
                f'<button class="link" type="submit" lang="{other}">{name}</button></form>'
            )
        else:
            out.append(f'<a href="{escape(here)}?lang={other}" hreflang="{other}" lang="{other}">{name}</a>')
    return " ".join(out)


def header(kb: KnowledgeBase | None, exit_url: str, switch: str) -> str:
    """The banner on every page: Exit this page, whose service this is, and the language link."""
    name = kb.clinic.name if kb is not None and kb.clinic is not None else _("Your part in your child's therapy")
    return (
        f'<header class="site"><div class="bar"><span class="name">{escape(name)}</span>'
        f'<nav aria-label="{escape(_("Language"))}">{switch}</nav>'
        f'<a class="exit" href="{escape(exit_url)}" rel="nofollow noreferrer">{escape(_("Exit this page"))}</a>'
        "</div></header>\n"
    )


def page(title: str, body: str, *, kb: KnowledgeBase | None, exit_url: str, switch: str) -> str:
    """A whole page of ours (the plan page is `render/html.py`'s, with the same header)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{i18n.current()}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{STYLESHEET}</head>\n<body>\n"
        f'{header(kb, exit_url, switch)}<main id="main">\n{body}\n</main>\n</body>\n</html>\n'
    )


def problem_page(status: int, message: str, *, kb: KnowledgeBase | None, exit_url: str, switch: str) -> str:
    """A bad request, in plain words: what went wrong, and the way back to the questions."""
    titles = {
        400: _("Something in the request was not right"),
        404: _("Page not found"),
        405: _("This page cannot be used that way"),
        413: _("The form sent too much"),
        415: _("The form was sent in a way this page does not read"),
    }
    title = titles.get(status, _("Sorry, something went wrong"))
    body = (
        f"<h1>{escape(title)}</h1><p>{escape(message)}</p>"
        f'<p><a href="/?lang={i18n.current()}">{escape(_("Go to the questions"))}</a></p>'
    )
    return page(title, body, kb=kb, exit_url=exit_url, switch=switch)
