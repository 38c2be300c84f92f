"""Issue 23: a handout a clinic would print. The page count of three families' plans, printed by Chromium
(Letter and A4), and what is on every page; the README quotes these counts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, RunCli
from parentinvolve.render.html import _css_text, _short
from test_html import browse

EXAMPLE = ROOT / "examples" / "clinic"
# The README's three families ("For clinics"): the longest plan the content makes (self-harm, a clinic's crisis
# line, many sources), a typical one, and a parent still choosing a therapy.
FAMILIES = {
    "teen": "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nstage: starting\nregion: us\n",
    "nine": "child_age: 9\nconcerns: [anxiety]\ntherapy: cbt\nstage: starting\nregion: uk\n",
    "four": "child_age: 4\nconcerns: [behavior]\ntherapy: unsure\nstage: waiting\nregion: ca\n",
}
MAX_PAGES = 4


def test_the_print_footer_names_the_clinic_and_its_number_and_escapes_what_could_end_it(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / "a.yaml").write_text(FAMILIES["nine"], encoding="utf-8")
    out = tmp_path / "plan.html"
    assert (
        run_cli("ask", "--answers", str(tmp_path / "a.yaml"), "--clinic", str(EXAMPLE), "-o", str(out)).exit_code == 0
    )
    page = out.read_text(encoding="utf-8")
    assert '@bottom-left { content: "Riverbend Family Therapy (example) · 555-0142"; }' in page
    assert 'counter(page) " / " counter(pages)' in page
    assert _css_text('a"</style>\\') == '"a\\22 \\3c /style\\3e \\5c "'
    assert _short("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4434419/figure/1") == "ncbi.nlm.nih.gov"
    assert _short("https://988lifeline.org/") == "988lifeline.org"


def _pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)), text  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.parametrize("size", ["letter", "A4"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_familys_plan_prints_on_at_most_four_pages_with_the_clinic_on_each(
    run_cli: RunCli, tmp_path: Path, family: str, size: str
) -> None:
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo is missing: install poppler-utils (.ci/run does)")
    (tmp_path / "a.yaml").write_text(FAMILIES[family], encoding="utf-8")
    out = tmp_path / "plan.html"
    assert (
        run_cli("ask", "--answers", str(tmp_path / "a.yaml"), "--clinic", str(EXAMPLE), "-o", str(out)).exit_code == 0
    )
    page = out.read_text(encoding="utf-8").replace("@page { size: auto;", f"@page {{ size: {size};")
    sized = tmp_path / f"plan-{size}.html"
    sized.write_text(page, encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    browse(tmp_path, sized, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    count, text = _pages(pdf)
    assert count <= MAX_PAGES, f"{family} on {size}: {count} pages"
    sheets = text.split("\f")
    for n, sheet in enumerate(sheets[:count], 1):
        assert "Riverbend Family Therapy (example) · 555-0142" in sheet, n
        assert re.search(rf"\b{n}\s*/\s*{count}\b", sheet), n
    if family == "teen":  # the crisis lines again at the end, never a page holding only the closing words
        assert "Crisis lines" in sheets[count - 1]
