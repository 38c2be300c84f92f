"""Spanish a parent can trust everywhere (issue 21): the crisis pointer names the Spanish route, every door
(commands, errors, usage, `--why`, each format, with and without a clinic's layer) speaks Spanish, and the
style guide's mechanical checks (content/i18n/es/README.md) hold for every Spanish string."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from conftest import CONTENT
from parentinvolve import engine, i18n
from parentinvolve import kb as kb_package
from parentinvolve.model import KnowledgeBase

TEEN_US = {"child_age": 15, "concerns": ["anxiety"], "therapy": "cbt", "stage": "starting", "region": "us"}


@pytest.fixture(scope="module")
def kb_es() -> KnowledgeBase:
    return kb_package.load(lang="es")


# --- the crisis pointer ----------------------------------------------------------------------------------------


def _pointer(kb: KnowledgeBase, lang: str) -> str:
    i18n.activate(lang)
    try:
        pointer = engine.plan(kb, TEEN_US).crisis_pointer
    finally:
        i18n.activate(i18n.ENGLISH)
    assert pointer is not None
    return pointer


def test_the_spanish_pointer_names_the_spanish_route_from_content(kb_es: KnowledgeBase) -> None:
    """A Spanish speaker who texts 988 alone reaches English: a Spanish plan's one crisis line is 988's Spanish
    line (call 988 and press 2; text AYUDA), marked `main_in: [es]` in crisis.yaml, never a number in code."""
    pointer = _pointer(kb_es, "es")
    us = kb_es.crisis.region("us")
    assert us is not None
    line = us.main_line("es")
    assert line is not None and "es" in line.main_in
    assert line.contact in pointer
    assert "oprima el 2" in pointer and "AYUDA" in pointer and "988" in pointer
    assert "988lifeline.org" not in pointer  # the English chat


def test_the_english_pointer_is_unchanged(kb: KnowledgeBase) -> None:
    pointer = _pointer(kb, "en")
    assert "call or text 988 (chat at 988lifeline.org)" in pointer


def test_the_spanish_route_is_sourced_with_a_public_address() -> None:
    crisis = yaml.safe_load((CONTENT / "crisis.yaml").read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in yaml.safe_load((CONTENT / "sources.yaml").read_text(encoding="utf-8"))}
    us = next(r for r in crisis["regions"] if r["id"] == "us")
    spanish = [ln for ln in us["lines"] if "es" in ln.get("main_in", [])]
    assert len(spanish) == 1 and "press 2" in spanish[0]["contact"] and "AYUDA" in spanish[0]["contact"]
    for sid in ("crisis-988-spanish", "crisis-988-what-to-expect"):
        assert sid in us["sources"]
        assert sources[sid]["url"].startswith("https://")


def test_the_spanish_plan_cites_the_spanish_route(kb_es: KnowledgeBase) -> None:
    i18n.activate("es")
    try:
        cited = {s.id for s in engine.plan(kb_es, TEEN_US).sources}
    finally:
        i18n.activate(i18n.ENGLISH)
    assert {"crisis-988-spanish", "crisis-988-what-to-expect"} <= cited


def test_a_clinic_line_cannot_take_the_pointer(tmp_path: Path) -> None:
    layer = tmp_path / "clinic"
    layer.mkdir()
    (layer / "clinic.yaml").write_text("name: Riverbend\n", encoding="utf-8")
    (layer / "crisis.yaml").write_text(
        "regions:\n  - id: uk\n    lines:\n      - name: Ours\n        contact: '555'\n"
        "        audience: anyone\n        main_in: [es]\n",
        encoding="utf-8",
    )
    _, problems, _ = kb_package.check(CONTENT, layer)
    assert any("crisis pointer names a shipped line" in p.message for p in problems)


def test_main_in_names_a_language_we_have(content_copy: Path) -> None:
    from conftest import edit

    edit(content_copy / "crisis.yaml", "main_in: [es]  #", "main_in: [fr]  #")
    _, problems, _ = kb_package.check(content_copy)
    assert any("main_in: 'fr'" in p.message for p in problems)


# --- the pager ---------------------------------------------------------------------------------------------------


class _Tty:
    encoding = "utf-8"

    def __init__(self) -> None:
        self.written = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += text
        return len(text)

    def flush(self) -> None:
        pass


class _Proc:
    def __init__(self, command: list[str], stdin: object, env: dict[str, str]) -> None:
        import io

        _Proc.env = env
        self.stdin = io.BytesIO()

    def wait(self) -> int:
        return 0

    env: ClassVar[dict[str, str]] = {}


@pytest.mark.parametrize(("preset", "expected"), [(None, "utf-8"), ("latin1", "latin1")])
def test_the_pager_is_told_the_text_is_utf8(monkeypatch: pytest.MonkeyPatch, preset: str | None, expected: str) -> None:
    """With LANG=es_US.UTF-8 on a machine without that locale, `less` showed every accented letter as <C3><AD>."""
    import subprocess
    import sys

    from parentinvolve.cli import output

    monkeypatch.setattr(sys, "stdout", _Tty())
    monkeypatch.setattr(subprocess, "Popen", _Proc)
    monkeypatch.setattr(output, "rows", lambda: 5)
    monkeypatch.setenv("PAGER", "less")
    monkeypatch.setenv("TERM", "xterm")
    if preset is None:
        monkeypatch.delenv("LESSCHARSET", raising=False)
    else:
        monkeypatch.setenv("LESSCHARSET", preset)
    assert output.show("línea\n" * 20)
    assert _Proc.env["LESSCHARSET"] == expected
