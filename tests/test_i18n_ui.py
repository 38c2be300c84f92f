"""The interface in Spanish: every heading, fixed phrase, prompt and message a parent sees, in every format.

The content itself (therapies, moments, crisis lines...) is translated in content/i18n/es/ and must stay
complete (`validate --strict` in .ci/run), so the tests here expect the whole plan in Spanish.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import CONTENT, RunCli
from i18n_checks import english_sentences
from parentinvolve import i18n
from parentinvolve.kb import load as load_kb

US_SELF_HARM = "child_age: 15\nconcerns: [depression, self-harm]\ntherapy: dbt\nstage: starting\nregion: us\n"
UNSURE_UK = "child_age: 9\nconcerns: [anxiety]\ntherapy: unsure\nstage: ongoing\nregion: uk\n"
FORMATS = ("plain", "rich", "markdown", "json", "html")
# What the interface says in a plan, in English; none of it may be left in a Spanish plan.
ENGLISH_INTERFACE = (
    "Your part in your child's therapy",
    "Safety first",
    "In short",
    "How involved you will be",
    "Do next:",
    "First question to ask:",
    "What stays private",
    "At a glance",
    "Your part, moment by moment",
    "Before the first appointment",
    "Questions to ask the therapist",
    "Why your part matters",
    "Sources",
    "Crisis lines (",
    "This is general information",
    "For a 15-year-old",
    "Made on",
    "Notes",
)
SPANISH_INTERFACE = (
    "Su papel en la terapia de su hijo o hija",
    "Primero, la seguridad",
    "En resumen",
    "Cuánto participará usted",
    "Su papel, momento a momento",
    "Preguntas para el terapeuta",
    "Por qué importa su papel",
    "Fuentes",
    "Líneas de crisis (",
    "Esta es información general",
    "Para un niño o niña de 15 años",
)


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(US_SELF_HARM, encoding="utf-8")
    return path


@pytest.fixture
def spanish() -> Iterator[None]:
    """The rest of the test speaks Spanish (for calls that do not go through the CLI)."""
    i18n.activate("es")
    try:
        yield
    finally:
        i18n.activate("en")


def plan_in(run_cli: RunCli, answers: Path, fmt: str, *extra: str) -> str:
    r = run_cli("ask", "--answers", str(answers), "--format", fmt, "--no-input", "--no-pager", "--lang", "es", *extra)
    assert r.exit_code == 0, r.stderr
    return r.stdout


def strings(data: Any) -> Iterator[str]:
    """Every string value in a JSON document (not its keys: they stay English ids)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_a_spanish_plan_has_its_interface_in_spanish(run_cli: RunCli, answers: Path, fmt: str) -> None:
    text = plan_in(run_cli, answers, fmt, "--why")
    flat = " ".join(text.split()).replace("\\", "")
    for phrase in SPANISH_INTERFACE:
        assert phrase.upper() in flat.upper(), phrase  # plain shows the crisis title in capitals
    for phrase in ENGLISH_INTERFACE:
        assert phrase not in flat, phrase
    assert "Por qué: regla" in flat and "Reglas usadas:" in flat


def test_a_spanish_plan_in_json_says_in_short_in_spanish(run_cli: RunCli, answers: Path) -> None:
    data = json.loads(plan_in(run_cli, answers, "json"))
    assert data["summary"][1].startswith("Cuánto participará usted: ")
    assert "child_age" in data["answers"]  # keys and ids stay English


def test_the_spanish_page_says_its_language_and_its_date_in_spanish(run_cli: RunCli, answers: Path) -> None:
    page = plan_in(run_cli, answers, "html")
    assert '<html lang="es">' in page
    assert re.search(r"Hecho el <time datetime=\"\d{4}-\d\d-\d\d\">\d{1,2} de [a-z]+ de \d{4}</time>", page)
    assert "<h3>Notas</h3>" in page
    from parentinvolve.render import html
    from parentinvolve.render.doc import Doc, Timeline

    with_date = html.render(Doc("t", (Timeline(()),)), made=date(2026, 12, 1))
    assert "1 December 2026" in with_date and 'lang="en"' in with_date  # English stays as it was


def test_the_spanish_date_names_the_month(spanish: None) -> None:
    from parentinvolve.render import html

    assert html._day(date(2026, 3, 9)) == "9 de marzo de 2026"


def test_the_summary_sentence_is_built_in_spanish(run_cli: RunCli, tmp_path: Path) -> None:
    baby = tmp_path / "baby.yaml"
    baby.write_text(UNSURE_UK.replace("child_age: 9", "child_age: 0"), encoding="utf-8")
    text = " ".join(plan_in(run_cli, baby, "plain").split())
    assert "Para un bebé de menos de 1 año" in text and "terapia aún sin decidir" in text
    one = tmp_path / "one.yaml"
    one.write_text(UNSURE_UK.replace("child_age: 9", "child_age: 1"), encoding="utf-8")
    assert "Para un niño o niña de 1 año " in " ".join(plan_in(run_cli, one, "plain").split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_spanish_plan_has_no_english_sentence(run_cli: RunCli, answers: Path, fmt: str) -> None:
    text = plan_in(run_cli, answers, fmt)
    if fmt != "json":
        text = " ".join(text.split())  # a title wrapped over two lines is still one name
    for source in load_kb(CONTENT, lang="es").sources.values():  # titles of publications are names: not translated
        for name in (source.citation, source.title, source.publisher):
            if name:
                text = text.replace(name, " ").replace(html.escape(name), " ").replace(json.dumps(name)[1:-1], " ")
    if fmt == "json":
        data = json.loads(text)
        data.pop("sources")  # titles of publications: names, and they stay as published
        texts = [s for s in strings(data) if not s.startswith("http") and not re.fullmatch(r"[a-z0-9-]+", s)]
        found = [s for s in texts if english_sentences(s)]  # (ids such as rule ids stay English)
    else:
        found = english_sentences(without_sources(text, fmt))
    assert found == []


def without_sources(text: str, fmt: str) -> str:
    """The plan without its list of sources (publication titles stay in their own language, like names)."""
    if fmt == "html":
        return re.sub(r"<[^>]+>", "\n", re.sub(r'<ul class="sources">.*?</ul>', "", text, flags=re.S))
    start = text.index("Fuentes")
    ends = [text.find(mark, start) for mark in ("LÍNEAS DE CRISIS", "Líneas de crisis", "Esta es información")]
    return text[:start] + text[min(e for e in ends if e >= 0) :]


def test_a_us_self_harm_plan_in_spanish_opens_with_988_and_its_spanish_route(run_cli: RunCli, answers: Path) -> None:
    text = plan_in(run_cli, answers, "plain")
    top = text[: text.index("En resumen")]  # the crisis block comes before everything else
    assert "PRIMERO, LA SEGURIDAD" in top
    us = load_kb(CONTENT, lang="es").crisis.region("us")
    assert us is not None
    spanish_route = next(line for line in us.lines if "AYUDA" in line.contact)  # 988: press 2, or text AYUDA
    assert "988" in spanish_route.contact
    flat = " ".join(top.split())
    assert f"{spanish_route.name}: {spanish_route.contact}" in flat
    assert flat.index("AYUDA") < flat.index("911")  # the Spanish route is listed before the other lines
    footer = " ".join(text[text.upper().rindex("LÍNEAS DE CRISIS (") :].split())  # and again at the end
    assert "AYUDA" in footer


def test_the_988_spanish_route_is_named_in_spanish(run_cli: RunCli, answers: Path) -> None:
    text = " ".join(plan_in(run_cli, answers, "plain").split())
    assert "988 en español" in text or "español" in text[: text.index("AYUDA")]


def test_lang_fr_on_ask_is_exit_2_listing_the_languages(run_cli: RunCli, answers: Path) -> None:
    r = run_cli("ask", "--answers", str(answers), "--lang", "fr", "--no-input")
    assert r.exit_code == 2 and r.stdout == ""
    assert "en, es" in r.stderr


def test_a_french_locale_plans_in_english(run_cli: RunCli, answers: Path) -> None:
    env = {"PARENTINVOLVE_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}
    r = run_cli("ask", "--answers", str(answers), "--format", "plain", "--no-input", env={**env, "LANG": "fr_FR.UTF-8"})
    assert r.exit_code == 0
    assert r.stdout.startswith("Your part in your child's therapy\n")


def test_answers_problems_are_in_spanish(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(US_SELF_HARM.replace("child_age: 15", "child_age: -1").replace("region: us", "region: mars"))
    r = run_cli("ask", "--answers", str(bad), "--no-input", "--lang", "es")
    assert r.exit_code == 2
    assert "-1 está fuera del rango; indique un número entero del 0 al 17" in r.stderr
    assert english_sentences(r.stderr) == []


def test_cli_messages_are_in_spanish(run_cli: RunCli, tmp_path: Path, answers: Path) -> None:
    r = run_cli("explain", "zzzz-nothing", "--lang", "es")
    assert r.exit_code == 2 and r.stderr.startswith("parentinvolve: No hay ningún tema llamado")
    r = run_cli("ask", "--lang", "es")
    assert r.exit_code == 2 and "No hay una terminal donde hacer las preguntas" in r.stderr
    r = run_cli("ask", "--answers", str(answers), "--format", "pdf", "--lang", "es")
    assert r.exit_code == 2 and "Formato desconocido" in r.stderr
    (tmp_path / "plan.txt").write_text("x")
    r = run_cli("ask", "--answers", str(answers), "--output", str(tmp_path / "plan.txt"), "--lang", "es")
    assert r.exit_code == 2 and "ya existe; no se tocó" in r.stderr
    out = tmp_path / "new.txt"
    r = run_cli("ask", "--answers", str(answers), "--output", str(out), "--lang", "es")
    assert r.exit_code == 0 and "Su plan se escribió en" in r.stderr
    assert "PRIMERO, LA SEGURIDAD" in r.stderr  # the crisis lines stay on the screen, in Spanish
    for stream in (r.stderr,):
        assert english_sentences(stream.split("PRIMERO")[0]) == []


def test_typed_answers_are_checked_in_spanish(spanish: None) -> None:
    from parentinvolve.answers import check_value

    age = next(q for q in load_kb(CONTENT).questions if q.id == "child_age")
    assert check_value(age, "4 años") == (4, "")
    value, problem = check_value(age, "-1")
    assert value is None and problem.startswith("-1 está fuera del rango; indique un número entero del 0 al 17")


def test_numbered_questions_speak_spanish_and_take_s_for_yes(spanish: None) -> None:
    import io

    from parentinvolve.cli.prompts import PlainTerminal

    out = io.StringIO()
    term = PlainTerminal(io.StringIO("sí\n"), out)
    assert term.numbers("9", 3, several=False) == "Cada número debe ser del 1 al 3."
    assert term.confirm("¿Guardar?") is True
    assert "Escriba s o n (Enter para no):" in out.getvalue()


def test_every_msgstr_keeps_the_placeholders_and_is_not_english() -> None:
    from i18n_checks import po_messages

    po = Path(i18n.LOCALE_DIR) / "es" / "LC_MESSAGES" / "parentinvolve.po"
    catalog = po_messages(po)
    for msgid, msgstr in catalog.items():
        if not msgid:
            continue
        for one_id, one_str in zip(msgid.split("\0"), msgstr.split("\0"), strict=True):
            assert sorted(re.findall(r"\{\w*\}", one_id)) == sorted(re.findall(r"\{\w*\}", one_str)), msgid
        assert english_sentences(msgstr.replace("\0", "\n")) == [], msgid


@pytest.mark.slow
def test_english_never_loads_a_catalog() -> None:
    code = (
        "import sys; from parentinvolve.cli import main; "
        "main(['explain', 'pcit', '--format', 'plain']); "
        "from parentinvolve import i18n; "
        "assert i18n._catalog is None and 'parentinvolve.i18n.catalogs' not in sys.modules, 'catalog loaded'; "
        "assert 'babel' not in sys.modules, 'Babel imported'"
    )
    env = {"PATH": "/usr/bin:/bin", "PARENTINVOLVE_LANG": "en"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_spanish_text_lines_open_a_message_with_the_keyword() -> None:
    from parentinvolve.render.html import _phone

    line = _phone("llame al 988 y marque 2; o envíe la palabra AYUDA por mensaje de texto al 988")
    assert '<a href="tel:988">988</a> y marque 2' in line
    assert '<a href="sms:988?&amp;body=AYUDA">envíe la palabra AYUDA por mensaje de texto al 988</a>' in line
    assert _phone("envíe AYUDA al 988").startswith('<a href="sms:988?&amp;body=AYUDA">')
    assert '<a href="tel:988">988</a>' in _phone("llame o envíe un mensaje de texto al 988")


def test_every_metavariable_the_commands_show_is_in_the_catalog() -> None:
    """A metavariable (`--port PORT`, `clinic set DIR FIELD VALUE`) is shown as written unless the catalog has
    it: each one the commands declare is listed for translation, and Spanish has a word for it."""
    import re
    from pathlib import Path

    from parentinvolve import i18n
    from parentinvolve.cli import lang

    cli = Path(lang.__file__).parent
    declared = {m for f in cli.glob("*.py") for m in re.findall(r'metavar="([^"]+)"', f.read_text(encoding="utf-8"))}
    assert declared and sorted(declared - set(lang.METAVARS)) == []
    i18n.use("es")
    try:
        untranslated = [m for m in sorted(declared) if i18n._(m) == m and m not in ("ID", "URL")]
    finally:
        i18n.use(i18n.ENGLISH)
    assert untranslated == []
