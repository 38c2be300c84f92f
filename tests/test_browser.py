"""The HTML plan in real Chromium (Debian's, through Playwright): axe-core finds no WCAG 2.2 A/AA violation, and
the page never scrolls sideways at 320 CSS px, also with WCAG's text spacing (1.4.12) applied, in English, in
Spanish and with a clinic's layer. Playwright drives the system `chromium` (`executable_path`): nothing is
downloaded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_html import ask_html

ROOT = Path(__file__).resolve().parent.parent
SELF_HARM_UK = "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n"
SELF_HARM_US = "child_age: 14\nconcerns: [self-harm, depression]\ntherapy: unsure\nregion: us\n"
ANXIETY = "child_age: 9\nconcerns: [anxiety]\ntherapy: unsure\nregion: ie\n"
PAGES = {
    "en-uk": (SELF_HARM_UK, ()),
    "en-us": (SELF_HARM_US, ()),
    "en-anxiety": (ANXIETY, ()),
    "es-us": (SELF_HARM_US, ("--lang", "es")),
    "es-uk": (SELF_HARM_UK, ("--lang", "es")),
    "en-clinic": (SELF_HARM_US, ("--clinic", str(ROOT / "examples" / "clinic"))),
    "es-clinic": (SELF_HARM_US, ("--lang", "es", "--clinic", str(ROOT / "examples" / "clinic"))),
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# WCAG 2.2, 1.4.12 Text Spacing: the page must survive these without loss of content.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
      word-spacing: 0.16em !important; }
p, li { margin-bottom: 2em !important; }"""

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is needed for the browser tests (Debian's `chromium`; .ci/run installs it)"
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("pages")
    return {name: ask_html(folder, answers, *extra) for name, (answers, extra) in PAGES.items()}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violation(browser: Any, pages: dict[str, str], name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1024, "height": 800})
    try:
        page.set_content(pages[name])
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    finally:
        page.close()
    violations = result.response["violations"]
    assert result.violations_count == 0, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("spacing", [False, True], ids=["plain", "text-spacing"])
def test_no_sideways_scrolling_at_320_px(browser: Any, pages: dict[str, str], name: str, spacing: bool) -> None:
    """320 CSS px is a small phone, and a 1280-px window at 400% zoom (WCAG 1.4.10 Reflow)."""
    page = browser.new_page(viewport={"width": 320, "height": 640})
    try:
        page.set_content(pages[name])
        if spacing:
            page.add_style_tag(content=TEXT_SPACING)
        inner = page.evaluate("window.innerWidth")
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('body *'))
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                 .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 60))"""
        )
        scroll = page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.close()
    assert inner == 320
    assert scroll <= 320 and not wide, (scroll, wide[:5])


def test_links_and_numbers_a_parent_needs(pages: dict[str, str]) -> None:
    """Sources are linked by their titles, the crisis pointer in "In short" and the clinic's numbers dial."""
    import re

    for name, page in pages.items():
        sources = page.split('<ul class="sources">', 1)[1].split("</ul>", 1)[0]
        shown = re.findall(r'<a href="[^"]+">([^<]*)</a>', sources)
        assert shown and not [s for s in shown if s.startswith("http")], (name, shown[:3])
        short = re.search(r"<h2>(?:In short|En resumen)</h2>\n<ul><li>(.*?)</li>", page)
        assert short is not None
        assert ('href="tel:' in short.group(1)) == ("anxiety" not in name), name  # the crisis pointer dials
    assert 'href="tel:' in pages["en-clinic"].split("Riverbend", 1)[1]
