"""The HTML plan: one self-contained page, escaped, readable on a phone; checked in headless Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import run_main
from parentinvolve.render.doc import Alert, Bullet, Bullets, Doc, Heading, Para, Step, Timeline
from parentinvolve.render.html import render

ROOT = Path(__file__).resolve().parent.parent
DBT_UK = "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n"
PCIT = "child_age: 4\nconcerns: [behavior]\ntherapy: pcit\n"
PHONE = 400  # CSS pixels


def ask_html(tmp_path: Path, answers: str, *extra: str) -> str:
    """`parentinvolve [extra...] ask --answers FILE --format html`, in-process; the page it prints."""
    path = tmp_path / "answers.yaml"
    path.write_text(answers, encoding="utf-8")
    result = run_main([*extra, "ask", "--answers", str(path), "--format", "html"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    return ask_html(tmp_path_factory.mktemp("html"), DBT_UK)


# --- the file itself -----------------------------------------------------------------------------


def test_the_page_fetches_nothing_and_runs_nothing(page: str) -> None:
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    assert "src=" not in lowered
    assert "url(" not in lowered and "@import" not in lowered and "@font-face" not in lowered
    # the only addresses are links to sources, for a person to follow
    for tag in re.findall(r"<[a-z]+[^>]*\bhref=", lowered):
        assert tag.startswith("<a ")


def test_the_page_is_made_for_phones_and_paper(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<meta charset="utf-8">' in page
    assert "@media print" in page
    assert '<html lang="en">' in page


def test_the_timeline_has_the_four_moments_in_order_linked_to_their_sections(page: str) -> None:
    timeline = re.search(r'<ol class="timeline"[^>]*>(.*?)</ol>', page, re.S)
    assert timeline is not None
    steps = re.findall(r'<li><a href="#([^"]+)">(.*?)</a><span class="asks">[^<]+</span></li>', timeline.group(1))
    assert [title for _, title in steps] == [
        "Giving consent",
        "The intake appointment",
        "The weekly sessions",
        "Sessions for you without your child (collateral sessions)",
    ]
    for anchor, title in steps:
        assert f'<h3 id="{anchor}">{title}</h3>' in page


def test_the_crisis_lines_come_first(page: str) -> None:
    body = page.split("</h1>", 1)[1]
    assert body.lstrip().startswith('<section class="alert"')
    words = re.sub(r"<[^>]+>", "", body)  # the numbers are tel: links
    assert words.index("Childline: 0800 1111 (under 19)") < words.index("At a glance")
    assert "Samaritans: 116 123" in words


def test_source_addresses_are_links(page: str) -> None:
    assert '<a href="https://www.ncbi.nlm.nih.gov/pubmed/20390807">' in page


def test_text_from_the_content_is_shown_literally(tmp_path: Path) -> None:
    content = Path(shutil.copytree(ROOT / "content", tmp_path / "content"))
    attendance = content / "attendance.yaml"
    text = attendance.read_text(encoding="utf-8")
    tricky = 'Every <b>session</b> & more <script>alert(1)</script> https://example.org/?a=1&b="x"'
    text, count = re.subn(
        r"(- id: every-session\n  label: ).*\n", lambda m: m.group(1) + json.dumps(tricky) + "\n", text, count=1
    )
    assert count == 1
    attendance.write_text(text, encoding="utf-8")
    page = ask_html(tmp_path, PCIT, "--content", str(content))
    assert "Every &lt;b&gt;session&lt;/b&gt; &amp; more &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "<script" not in page
    # an address is a link, cut at the first character that cannot be part of it
    assert '<a href="https://example.org/?a=1&amp;b=">https://example.org/?a=1&amp;b=</a>&quot;x&quot;' in page


def test_every_kind_of_block_is_escaped() -> None:
    bad = '<b>x</b> & "q" <script>'
    doc = Doc(
        bad,
        (
            Alert(bad, (bad,), (bad,)),
            Heading(bad),
            Heading(bad, 3),
            Para(bad),
            Para(bad, "note"),
            Bullets((Bullet(bad, bad),)),
            Timeline((Step(bad, (bad,)),)),
        ),
    )
    page = render(doc)
    assert "<b>" not in page and "<script" not in page
    shown = "&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &lt;script&gt;"
    assert page.count(shown) >= 10  # title twice, alert title, line and item, headings, paragraphs, item and note


# --- in a real browser ---------------------------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (install Debian's `chromium`; .ci/run does)")


def browse(tmp_path: Path, target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        *args,
        target.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def phone_frame(page: str, script: str = "") -> str:
    """The page in a 400-px-wide frame. Headless Chromium will not make a window narrower than 500 px,
    so a frame is how the page gets a true 400-px viewport (its media queries and layout follow it)."""
    return (
        "<!DOCTYPE html><html><head><style>body{margin:0;overflow:hidden}"
        f"iframe{{border:0;display:block;width:{PHONE}px;height:2000px}}</style>{script}</head><body>"
        f'<iframe id="phone" srcdoc="{html.escape(page, quote=True)}"></iframe><pre id="seen"></pre></body></html>'
    )


MEASURE = """<script>
window.addEventListener("load", function () {
  var win = document.getElementById("phone").contentWindow, doc = win.document;
  var top = function (sel) { var e = doc.querySelector(sel); return e ? e.getBoundingClientRect().top : -1; };
  var h2 = Array.prototype.filter.call(doc.querySelectorAll("h2"), function (e) {
    return e.textContent === "At a glance"; })[0];
  document.title = JSON.stringify({
    inner: win.innerWidth, scroll: doc.documentElement.scrollWidth,
    alert: top(".alert"), glance: h2 ? h2.getBoundingClientRect().top : -1,
    timeline: top("ol.timeline")});
  document.getElementById("seen").textContent = doc.body.innerText;
});
</script>"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def png_pixels(data: bytes) -> bytes:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return zlib.decompress(b"".join(chunks))


@pytest.mark.slow
def test_in_chromium_on_a_phone(tmp_path: Path, page: str) -> None:
    framed = tmp_path / "measure.html"
    framed.write_text(phone_frame(page, MEASURE), encoding="utf-8")
    dumped = browse(tmp_path, framed, "--window-size=500,2000", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dumped.stdout, re.S)
    assert title is not None, dumped.stdout[:500]
    facts = json.loads(html.unescape(title.group(1)))
    assert facts["inner"] == PHONE  # the page really was laid out 400 px wide
    assert facts["scroll"] <= PHONE, "the page scrolls sideways on a phone"
    assert 0 <= facts["alert"] < facts["glance"] < facts["timeline"]

    seen = re.search(r'<pre id="seen">(.*?)</pre>', dumped.stdout, re.S)
    assert seen is not None
    text = html.unescape(seen.group(1))
    for words in (
        "Your part in your child's therapy",
        "Childline: 0800 1111 (under 19)",
        "Samaritans: 116 123",
        "At a glance",
        "Your part, moment by moment",
        "The intake appointment",
        "Questions to ask the therapist",
        "It is not medical or legal advice",
    ):
        assert words in text


@pytest.mark.slow
def test_a_screenshot_on_a_phone(tmp_path: Path, page: str) -> None:
    framed = tmp_path / "phone.html"
    framed.write_text(phone_frame(page), encoding="utf-8")
    shot = tmp_path / "phone.png"
    result = browse(tmp_path, framed, f"--window-size={PHONE},2000", f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == (PHONE, 2000)
    assert len(data) > 20_000
    pixels = png_pixels(data)
    assert len(set(pixels)) > 100  # text and colour, not a blank page
