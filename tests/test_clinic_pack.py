"""Issue 23: `clinic pack`, handouts for families who have not answered yet."""

from __future__ import annotations

import html
from pathlib import Path

from conftest import CONTENT, ROOT, RunCli
from parentinvolve.cli.clinic_pack import bands
from parentinvolve.kb import load

EXAMPLE = ROOT / "examples" / "clinic"


def test_one_page_per_therapy_band_and_language_with_the_same_safety_rules(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "handouts"
    result = run_cli("clinic", "pack", "--clinic", str(EXAMPLE), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    every = bands(load(CONTENT, EXAMPLE))
    pages = sorted(p.name for p in out.glob("*.html") if p.name != "index.html")
    assert pages == sorted(f"{t}-{lo}-{hi}-{lang}.html" for t, _n, lo, hi in every for lang in ("en", "es"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{name}"' in index for name in pages)
    for t, _name, lo, hi in every:
        page = html.unescape((out / f"{t}-{lo}-{hi}-en.html").read_text(encoding="utf-8"))
        assert "Riverbend on-call clinician" in page  # the clinic's after-hours line, as in every plan
        if hi >= 10:  # the crisis pointer holds for the oldest child of the band
            assert "If you ever fear for your child's safety" in page, t
        assert f"ages {lo} to {hi}" in page or f"age {lo}" in page
        assert oct((out / f"{t}-{lo}-{hi}-en.html").stat().st_mode & 0o777) == "0o600"
    spanish = (out / f"{every[0][0]}-{every[0][2]}-{every[0][3]}-es.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in spanish and "Terapia Familiar Riverbend" in spanish


def test_a_second_pack_into_the_same_folder_needs_force(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "handouts"
    assert run_cli("clinic", "pack", "--clinic", str(EXAMPLE), "--out", str(out)).exit_code == 0
    again = run_cli("clinic", "pack", "--clinic", str(EXAMPLE), "--out", str(out))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run_cli("clinic", "pack", "--clinic", str(EXAMPLE), "--out", str(out), "--force").exit_code == 0
