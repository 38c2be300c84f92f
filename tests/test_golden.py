"""Golden plans: three families in every document format, and the JSON of a few `explain` entries and of
`topics`, kept as files under tests/golden/.

A change of wording shows up as a reviewed diff of these files. After a deliberate change, regenerate them:

    .venv/bin/python -m pytest tests/test_golden.py --update-golden

then read `git diff tests/golden` before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import RunCli

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLE_CLINIC = Path(__file__).resolve().parent.parent / "examples" / "clinic"
FAMILIES = {
    "preschooler-pcit": "child_age: 4\nconcerns: [behavior]\ntherapy: pcit\nstage: starting\nregion: us\n",
    "teen-self-harm-dbt-uk": "child_age: 15\nconcerns: [depression, self-harm]\ntherapy: dbt\nstage: ongoing\nregion: uk\n",
    "school-age-anxiety-unsure": "child_age: 9\nconcerns: [anxiety]\ntherapy: unsure\nstage: starting\nregion: us\n",
}
FORMATS = {"plain": "txt", "markdown": "md", "json": "json", "html": "html"}
# `explain --format json` for a therapy with two attendance bands (the last open-ended), one with a single level
# and sourced ages, a moment (no ages, no bands), and a topic; and `topics --format json`.
LOOKUPS = {
    "explain-cbt": ("explain", "cbt"),
    "explain-pcit": ("explain", "pcit"),
    "explain-consent": ("explain", "consent"),
    "explain-confidentiality": ("explain", "confidentiality"),
    "topics": ("topics",),
}
# The date a plan was made is the one thing that differs from run to run.
DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2} [A-Z][a-z]+ \d{4}\b|\b[A-Z][a-z]+ \d{1,2}, \d{4}\b")


def _stable(text: str) -> str:
    return DATES.sub("<date>", text)


def _compare(golden: Path, actual: str, request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"no {golden.name}: run `pytest tests/test_golden.py --update-golden`"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{golden.name} differs from the output; if the change is meant, regenerate with "
        "`pytest tests/test_golden.py --update-golden` and review the diff"
    )


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_plan_matches_its_golden_file(
    family: str, fmt: str, run_cli: RunCli, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(FAMILIES[family], encoding="utf-8")
    result = run_cli("ask", "--answers", str(answers), "--format", fmt, "--no-input")
    assert result.exit_code == 0, result.stderr
    _compare(GOLDEN / f"{family}.{FORMATS[fmt]}", _stable(result.stdout), request)


def test_a_clinics_plan_json_matches_its_golden_file(
    run_cli: RunCli, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The example clinic's layer in a self-harm plan: its name, contacts, after-hours line, welcome and
    policies, and its own crisis lines labelled."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(FAMILIES["teen-self-harm-dbt-uk"], encoding="utf-8")
    result = run_cli(
        "--clinic", str(EXAMPLE_CLINIC), "ask", "--answers", str(answers), "--format", "json", "--no-input"
    )
    assert result.exit_code == 0, result.stderr
    _compare(GOLDEN / "teen-self-harm-dbt-uk-clinic.json", _stable(result.stdout), request)


@pytest.mark.parametrize("name", list(LOOKUPS))
def test_lookup_json_matches_its_golden_file(name: str, run_cli: RunCli, request: pytest.FixtureRequest) -> None:
    """Entries carry their reviewed dates as content, not the day's: nothing to make stable."""
    result = run_cli(*LOOKUPS[name], "--format", "json")
    assert result.exit_code == 0, result.stderr
    _compare(GOLDEN / f"{name}.json", result.stdout, request)
