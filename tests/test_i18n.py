"""Languages (issue 14, phase 1): choosing one, interface text through gettext, content translations that
fall back to English entry by entry and never go stale silently, the glossary, and readable Spanish."""

from __future__ import annotations

import ast
import gettext
import io
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CONTENT, ROOT, RunCli, edit
from i18n_checks import english_ratio, english_sentences, fernandez_huerta, po_messages
from parentinvolve import engine, i18n
from parentinvolve import kb as kb_package
from parentinvolve.i18n import catalogs
from parentinvolve.kb import entries as kb_entries
from parentinvolve.kb.translations import merge, source, status
from parentinvolve.model import KnowledgeBase

ES = CONTENT / "i18n" / "es"
PO = ROOT / "src" / "parentinvolve" / "i18n" / "locale" / "es" / "LC_MESSAGES" / "parentinvolve.po"
NO_LOCALE = {"PARENTINVOLVE_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


@pytest.fixture(scope="module")
def kb_es() -> KnowledgeBase:
    return kb_package.load(lang="es")


def spanish_entries(file: str, folder: Path = ES) -> list[dict[str, Any]]:
    return list(yaml.safe_load((folder / f"{file}.yaml").read_text(encoding="utf-8")))


def spanish_entry_ids(file: str, folder: Path = ES) -> list[str]:
    return [item["id"] for item in spanish_entries(file, folder)]


def drop_translation(content: Path, file: str, entry_id: str) -> None:
    """Take one entry out of a content copy's Spanish `file`, as if it had never been translated."""
    path = content / "i18n" / "es" / f"{file}.yaml"
    kept = [item for item in spanish_entries(file, path.parent) if item["id"] != entry_id]
    path.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- choosing the language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "es_US.UTF-8"}, "es"),
        ({"LANG": "es_MX"}, "es"),
        ({"LANG": "es"}, "es"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "es_MX"}, "en"),
        ({"LANGUAGE": "fr:es:en", "LANG": "fr_FR.UTF-8"}, "es"),
        ({"LANGUAGE": "es", "LC_ALL": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_locale_picks_spanish_or_quietly_english(environ: dict[str, str], expected: str) -> None:
    assert i18n.choose(None, environ) == (expected, None)


def test_an_explicit_language_wins_and_an_unavailable_one_is_an_error() -> None:
    assert i18n.choose("es", {"LANG": "en_US.UTF-8"}) == ("es", None)
    assert i18n.choose(None, {"PARENTINVOLVE_LANG": "es_MX", "LANG": "en_US"}) == ("es", None)
    assert i18n.choose("en", {"PARENTINVOLVE_LANG": "es"}) == ("en", None)
    lang, problem = i18n.choose("fr", {})
    assert lang == "en" and problem is not None and "en, es" in problem


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lang", "es", "explain", "pcit"], ("es", ["explain", "pcit"], True)),
        (["explain", "pcit", "--lang=es"], ("es", ["explain", "pcit"], True)),
        (
            ["explain", "--lang", "es", "pcit", "--format", "json"],
            ("es", ["explain", "pcit", "--format", "json"], True),
        ),
        (["explain", "--", "--lang"], (None, ["explain", "--", "--lang"], True)),
        (["topics", "--lang"], (None, ["topics"], False)),
        (["--lang", "--help"], (None, ["--help"], False)),
    ],
)
def test_lang_is_taken_out_of_the_arguments_wherever_it_stands(argv: list[str], expected: Any) -> None:
    assert i18n.split_lang_option(argv) == expected


def test_lang_fr_is_exit_2_listing_the_available_languages(run_cli: RunCli) -> None:
    for args in (["--lang", "fr", "topics"], ["topics", "--lang", "fr"]):
        r = run_cli(*args)
        assert (r.exit_code, r.stdout) == (2, "")
        assert r.stderr == "parentinvolve: There is no fr translation; available languages: en, es.\n"
    r = run_cli("topics", "--lang")
    assert (r.exit_code, r.stderr) == (2, "parentinvolve: --lang needs a language: en, es.\n")
    r = run_cli("topics", env={"PARENTINVOLVE_LANG": "de"})  # our own variable names a language: no silent fallback
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (
        "parentinvolve: PARENTINVOLVE_LANG is de, but there is no such translation; available languages: en, es.\n"
    )


def test_a_french_locale_means_english_and_exit_0(run_cli: RunCli) -> None:
    r = run_cli("explain", "pcit", "--format", "plain", env={**NO_LOCALE, "LANG": "fr_FR.UTF-8"})
    assert r.exit_code == 0
    assert "What it is" in r.stdout and "Qué es" not in r.stdout


def test_a_spanish_locale_gives_spanish_topics(run_cli: RunCli, kb_es: KnowledgeBase) -> None:
    r = run_cli("topics", "--format", "plain", env={**NO_LOCALE, "LANG": "es_US.UTF-8"})
    assert r.exit_code == 0
    pcit = kb_es.entry("pcit")
    shipped = next(i for i in spanish_entries("therapies") if i["id"] == "pcit")
    assert pcit is not None and pcit.summary == " ".join(shipped["summary"].split())
    assert " ".join(pcit.summary.split()[:6]) in " ".join(r.stdout.split())


def test_parentinvolve_lang_gives_spanish_help(run_cli: RunCli) -> None:
    r = run_cli("--help", env={**NO_LOCALE, "PARENTINVOLVE_LANG": "es"})
    assert r.exit_code == 0
    assert r.stdout.startswith("Uso: parentinvolve ")
    for text in ("Entienda su papel", "Opciones:", "Comandos:", "Mostrar este mensaje y salir.", "--lang IDIOMA"):
        assert text in r.stdout
    r = run_cli("topics", "--help", "--lang", "es")
    assert r.stdout.startswith("Uso: parentinvolve topics [OPCIONES]")
    assert "Muestra cada tipo de terapia" in r.stdout


def test_clicks_errors_in_spanish(run_cli: RunCli) -> None:
    r = run_cli("--lang", "es", "explain")
    assert (r.exit_code, r.stderr) == (
        2,
        "parentinvolve: Falta el argumento 'TEMA'. Pruebe `parentinvolve explain --help`.\n",
    )
    r = run_cli("--lang", "es", "explain", "pcit", "--nope")
    assert r.exit_code == 2 and r.stderr.startswith("parentinvolve: No existe la opción --nope.")
    r = run_cli("--lang", "es", "nope")
    assert r.exit_code == 2 and "No existe el comando 'nope'" in r.stderr


def test_english_after_spanish_in_one_process_is_english_again(run_cli: RunCli) -> None:
    run_cli("--lang", "es", "--help")
    r = run_cli("--help")
    assert r.stdout.startswith("Usage: parentinvolve ") and "Options:" in r.stdout


# --- content in Spanish, entry by entry -------------------------------------------------------------------------


def test_explain_pcit_in_spanish(run_cli: RunCli, kb_es: KnowledgeBase) -> None:
    r = run_cli("--lang", "es", "explain", "pcit", "--format", "plain")
    assert r.exit_code == 0
    pcit = kb_es.entry("pcit")
    assert pcit is not None
    assert r.stdout.startswith(pcit.name + "\n")
    pcit_term = next(t for t in glossary() if "PCIT" in t.get("also", []))
    assert pcit.name.lower() == pcit_term["first_use"].lower()
    assert "Qué es" in r.stdout and kb_es.attendance["every-session"].label in r.stdout
    body = r.stdout.split("\nSources\n")[0]
    body = "\n".join(line for line in body.splitlines() if not line.startswith(("Your involvement", "Also known")))
    assert english_sentences(body) == []
    assert english_ratio(body) < 0.02


def test_spanish_names_find_entries_and_english_ids_still_work(run_cli: RunCli) -> None:
    for topic in ("terapia de interacción entre padres e hijos", "pcit", "parent-child interaction therapy"):
        r = run_cli("--lang", "es", "explain", topic, "--format", "json")
        assert r.exit_code == 0 and '"id": "pcit"' in r.stdout


@pytest.mark.parametrize(
    ("name", "entry_id"),
    [
        ("terapia de juego", "play"),
        ("Terapia familiar", "family"),
        ("crisis", "crisis"),
        ("suicidio", "crisis"),
        ("autolesiones", "crisis"),
        ("entrenamiento para padres", "parent-training"),
        ("psicoterapia para padres e hijos", "cpp"),
        ("confidencialidad", "confidentiality"),
    ],
)
def test_spanish_names_for_explain(kb_es: KnowledgeBase, name: str, entry_id: str) -> None:
    found = kb_es.find(name)
    assert found is not None and found.id == entry_id


def test_a_missing_translation_falls_back_to_english_for_that_entry_only(kb: KnowledgeBase, content_copy: Path) -> None:
    drop_translation(content_copy, "therapies", "cbt")
    kb_es = kb_package.load(content_copy, lang="es")
    cbt_en, cbt_es = kb.entry("cbt"), kb_es.entry("cbt")
    assert cbt_en is not None and cbt_es is not None
    assert (cbt_es.name, cbt_es.summary) == (cbt_en.name, cbt_en.summary)
    assert [s.text for s in cbt_es.sections] == [s.text for s in cbt_en.sections]
    assert cbt_es.sections[0].heading == "Qué es"  # the program's own headings are translated all the same
    pcit_en, pcit_es = kb.entry("pcit"), kb_es.entry("pcit")
    assert pcit_en is not None and pcit_es is not None and pcit_es.summary != pcit_en.summary


def test_ids_and_answers_stay_english(kb: KnowledgeBase, kb_es: KnowledgeBase) -> None:
    assert [q.id for q in kb_es.questions] == [q.id for q in kb.questions]
    assert [q.choice_ids() for q in kb_es.questions] == [q.choice_ids() for q in kb.questions]
    assert [e.id for e in kb_es.entries] == [e.id for e in kb.entries]
    assert kb_es.question("concerns").label("self-harm") == "Pensamientos suicidas o autolesiones"


def test_spanish_crisis_lines_keep_every_number(kb: KnowledgeBase, kb_es: KnowledgeBase) -> None:
    digits = re.compile(r"\d+")
    for en, es in zip(kb.crisis.regions, kb_es.crisis.regions, strict=True):
        assert digits.findall(en.emergency) == digits.findall(es.emergency)  # ("112 or 999" reads "112 o 999")
        for a, b in zip(en.lines, es.lines, strict=True):
            assert sorted(digits.findall(a.name + a.contact)) == sorted(digits.findall(b.name + b.contact))
            assert (a.audience, a.main) == (b.audience, b.main)
        assert len(es.steps) == len(en.steps)


def test_translated_regions_give_their_lines_and_steps_in_the_plan_and_in_explain_crisis(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    digits = re.compile(r"\d+")

    def spanish(text: str) -> str:  # a stand-in translation that keeps every number, as validate requires
        return " ".join(["texto", *digits.findall(text)])

    shipped = source.english(kb, "crisis")
    entries = [
        {
            "id": region.id,
            "source_hash": source.fingerprint(shipped[region.id]),
            "name": f"Región {region.id}",
            "lines": [{"name": spanish(ln.name), "contact": spanish(ln.contact)} for ln in region.lines],
            **({"steps": [spanish(step) for step in region.steps]} if region.steps else {}),
            **({"emergency": spanish(shipped[region.id]["emergency"])} if "emergency" in shipped[region.id] else {}),
        }
        for region in kb.crisis.regions
    ]
    shutil.copytree(CONTENT / "i18n" / "es", tmp_path / "es")  # a copy of the content's translations, crisis edited
    entries += [i for i in spanish_entries("crisis") if i["id"] == "crisis"]  # the message and steps, as shipped
    (tmp_path / "es" / "crisis.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    es = kb_package.translate(kb, "es", [tmp_path])
    assert not status.reports(kb, CONTENT, [tmp_path], ["es"])[0].problems
    us = es.crisis.region("us")
    assert us is not None and us.name == "Región us" and us.steps and us.steps[0].startswith("texto")
    safety = engine.plan(es, {"child_age": 15, "concerns": ["self-harm"], "therapy": "dbt", "region": "us"}).safety
    assert safety is not None and safety.region_name == "Región us"
    assert safety.safety_plan[: len(us.steps)] == us.steps  # the region's own steps first, translated
    # `explain crisis` is made again from the translated lines and steps, with its own words in Spanish.
    crisis, topic = es.entry("crisis"), next(i for i in spanish_entries("topics") if i["id"] == "crisis")
    assert (
        crisis is not None
        and crisis.name == topic["name"]
        and all(es.find(n) == crisis for n in ("suicidio", "autolesiones", "crisis"))
    )
    headings = [s.heading for s in crisis.sections]
    assert headings == [topic["headings"]["now"], *(r.name for r in es.crisis.regions), topic["headings"]["at-home"]]
    for region, section in zip(es.crisis.regions, crisis.sections[1:-1], strict=True):
        assert section.text[len(region.lines) :] == region.steps
        spanish_first = sorted(region.lines, key=lambda ln: "es" not in ln.main_in)  # 988's Spanish line first
        for line, text in zip(spanish_first, section.text[: len(region.lines)], strict=True):
            assert text.startswith(f"{line.name}: {line.contact}")
            assert text.endswith(topic["audience"][line.audience]) if line.audience in topic["audience"] else True
    english = kb.entry("crisis")
    assert english is not None and english.sections[1].heading == kb.crisis.regions[0].name  # English untouched


def test_changing_an_english_paragraph_makes_its_translation_stale(
    run_cli: RunCli, kb: KnowledgeBase, content_copy: Path
) -> None:
    (before,) = status.reports(kb, CONTENT, [CONTENT / "i18n"], ["es"])
    edit(
        content_copy / "therapies.yaml",
        "PCIT suits children whose main difficulties",
        "PCIT is for children whose main difficulties",
    )
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 0
    line = next(n for n, text in enumerate((ES / "therapies.yaml").read_text().splitlines(), 1) if text == "- id: pcit")
    english_line = next(
        n
        for n, text in enumerate((content_copy / "therapies.yaml").read_text().splitlines(), 1)
        if text == "- id: pcit"
    )
    stale = [w for w in r.stderr.splitlines() if "stale" in w and "/i18n/es/therapies.yaml:" in w]
    assert stale == [
        f"{content_copy}/i18n/es/therapies.yaml:{line}:3: es: 'pcit' is stale: its English text changed "
        f"({content_copy}/therapies.yaml:{english_line}); English is shown until the translation is updated and "
        "its source_hash set (tools/i18n.py skeleton) (warning)"
    ]
    assert re.search(rf"^es: \d+/\d+ entries, {before.stale + 1} stale$", r.stdout, re.M)
    assert run_cli("validate", "--strict", str(content_copy)).exit_code == 1
    # ... and, being stale, it is not shown: that entry is in English again, the others stay Spanish.
    r = run_cli("--lang", "es", "--content", str(content_copy), "explain", "pcit", "--format", "plain")
    pcit = kb.entry("pcit")
    assert pcit is not None and pcit.summary in " ".join(r.stdout.split()) and "Todas las sesiones" in r.stdout


def test_validate_lists_missing_translations_with_the_english_file_and_line(
    run_cli: RunCli, kb: KnowledgeBase, content_copy: Path
) -> None:
    drop_translation(content_copy, "therapies", "cbt")
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 0
    line = next(
        n for n, text in enumerate((CONTENT / "therapies.yaml").read_text().splitlines(), 1) if text == "- id: cbt"
    )
    assert (
        f"{content_copy}/therapies.yaml:{line}:3: es: 'cbt' has no translation (English is shown) (warning)" in r.stderr
    )
    (report,) = status.reports(kb, content_copy, [content_copy / "i18n"], ["es"])
    total = sum(len(source.english(kb, f)) for f in source.FILES)
    assert report.total == total and "cbt" not in spanish_entry_ids("therapies", content_copy / "i18n" / "es")
    assert f"es: {report.translated}/{total} entries, {report.stale} stale\n" in r.stdout
    assert len(r.stderr.splitlines()) == total - report.translated + report.stale


def test_a_malformed_translation_is_a_located_content_problem(
    run_cli: RunCli, kb: KnowledgeBase, content_copy: Path
) -> None:
    spanish = content_copy / "i18n" / "es"
    edit(spanish / "therapies.yaml", "- id: pcit", "- id: pcti")
    uk = kb.crisis.region("uk")
    assert uk is not None
    lines = [{"name": ln.name, "contact": ln.contact} for ln in uk.lines]
    lines[0]["contact"] = lines[0]["contact"] + " 7"  # a number the English line does not have
    entry = {
        "id": "uk",
        "source_hash": source.fingerprint(source.english(kb, "crisis")["uk"]),
        "name": "Reino Unido",
        "lines": lines,
        "steps": list(uk.steps),
    }
    (spanish / "crisis.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    r = run_cli("validate", str(content_copy))
    assert (r.exit_code, r.stdout) == (1, "")
    assert re.search(
        r"i18n/es/therapies\.yaml:\d+:7: no English entry 'pcti' in therapies\.yaml \(did you mean: pcit\?\)", r.stderr
    )
    assert re.search(
        r"i18n/es/crisis\.yaml:\d+:\d+: lines\.contact: keep every number exactly as in the English", r.stderr
    )
    # Crisis help is never shown in English instead of Spanish: the Spanish run is refused, naming each entry.
    r = run_cli("--lang", "es", "--content", str(content_copy), "explain", "pcit", "--format", "plain")
    assert (r.exit_code, r.stdout) == (1, "")
    assert "'uk' está desactualizada" in r.stderr and "'us' no tiene traducción" in r.stderr  # in the run's language
    # Anything else that is broken is English, the rest Spanish: a parent still gets a plan.
    (spanish / "crisis.yaml").write_bytes((CONTENT / "i18n" / "es" / "crisis.yaml").read_bytes())
    r = run_cli("--lang", "es", "--content", str(content_copy), "explain", "pcit", "--format", "plain")
    assert r.exit_code == 0 and "Todas las sesiones" in r.stdout


def test_a_stale_translation_whose_english_fields_changed_is_a_warning_not_an_error(
    run_cli: RunCli, content_copy: Path
) -> None:
    # The English gained and lost fields since this was translated (as happened to the first Spanish slice):
    # it is out of date, so it is not shown and validate warns, but nothing is broken.
    path = content_copy / "i18n" / "es" / "attendance.yaml"
    old = {"id": "depends", "source_hash": "0123456789ab", "label": "Depende", "ages": "de 0 a 17"}
    kept = [i for i in spanish_entries("attendance", path.parent) if i["id"] != "depends"]
    path.write_text(yaml.safe_dump([*kept, old], allow_unicode=True), encoding="utf-8")
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 0
    assert re.search(r"i18n/es/attendance\.yaml:\d+:3: es: 'depends' is stale", r.stderr)
    assert run_cli("validate", "--strict", str(content_copy)).exit_code == 1


def test_the_cache_is_per_language_and_sees_translation_changes(content_copy: Path) -> None:
    en, es = kb_package.load(content_copy), kb_package.load(content_copy, lang="es")
    assert en.attendance["every-session"].label == "Every session"
    assert es.attendance["every-session"].label == "Todas las sesiones"
    assert kb_package.load(content_copy, lang="es") == es  # from the cache now
    edit(content_copy / "i18n" / "es" / "attendance.yaml", "label: Todas las sesiones", "label: Cada sesión")
    assert kb_package.load(content_copy, lang="es").attendance["every-session"].label == "Cada sesión"
    assert kb_package.load(content_copy).attendance["every-session"].label == "Every session"


def test_a_clinic_folder_of_translations_overrides_the_shipped_one(kb: KnowledgeBase, tmp_path: Path) -> None:
    clinic = tmp_path / "clinic-i18n"
    (clinic / "es").mkdir(parents=True)
    texts = source.english(kb, "asks")["goals"]
    entry = {"id": "goals", "source_hash": source.fingerprint(texts), "text": "¿Cuáles son las metas?"}
    (clinic / "es" / "asks.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    both = kb_package.translate(kb, "es", [CONTENT / "i18n", clinic])
    shipped = kb_package.translate(kb, "es", [CONTENT / "i18n"])
    assert both.asks["goals"].text == "¿Cuáles son las metas?"
    assert both.asks["at-home"].text == shipped.asks["at-home"].text != kb.asks["at-home"].text


def test_a_skeleton_holds_english_to_translate_and_counts_as_missing(kb: KnowledgeBase, tmp_path: Path) -> None:
    existing = tmp_path / "only-pcit.yaml"  # a file with one translated entry, pcit
    pcit_es = [i for i in spanish_entries("therapies") if i["id"] == "pcit"]
    existing.write_text(yaml.safe_dump(pcit_es, allow_unicode=True), encoding="utf-8")
    target = tmp_path / "es" / "therapies.yaml"
    target.parent.mkdir()
    target.write_text(status.skeleton(kb, "therapies", existing), encoding="utf-8")
    items = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == [e.id for e in kb.entries_of("therapy")]
    pcit = next(i for i in items if i["id"] == "pcit")
    assert pcit["source_hash"] == source.fingerprint(source.english(kb, "therapies")["pcit"])  # kept as translated
    cbt, cbt_en = next(i for i in items if i["id"] == "cbt"), kb.entry("cbt")
    assert cbt_en is not None and cbt["source_hash"].startswith("TODO ") and cbt["summary"] == cbt_en.summary
    assert cbt["attendance"] == [{"weekly": list(band.weekly)} for band in cbt_en.bands]  # every band's weekly text
    (report,) = status.reports(kb, CONTENT, [tmp_path], ["es"])
    assert report.stale == 0
    assert report.translated == 1  # pcit; the skeleton's TODO entries count as missing
    # The locked safety set, untranslated here, is an error each (never English instead), not a warning.
    locked = {r.id for r in kb.rules if r.locked} | {a.id for a in kb.asks.values() if a.locked}
    regions = {r.id for r in kb.crisis.regions}
    assert {"crisis-plan", "confidentiality-limits", "self-harm-safety", "harm-in-family"} <= locked
    assert {p.message.split("'")[1] for p in report.problems} == {"crisis", *regions, *locked}


# --- the interface catalog ----------------------------------------------------------------------------------------


def load_tool() -> Any:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import i18n as tool

        return tool
    finally:
        sys.path.remove(str(ROOT / "tools"))


def test_the_catalog_lists_every_interface_string() -> None:
    """Run `python tools/i18n.py extract` when this fails. The messages and their order must match; the
    `#:` lines that say where each is used may lag behind an edit that only moved code."""
    tool = load_tool()

    def messages_only(catalog: str) -> list[str]:
        return [line for line in catalog.splitlines() if not line.startswith("#:")]

    shipped = (ROOT / "src/parentinvolve/i18n/locale/parentinvolve.pot").read_text(encoding="utf-8")
    assert messages_only(shipped) == messages_only(tool.write_po(tool.extract(), None, tool.HEADER))
    messages = set(tool.extract())
    found = re.findall(r'^msgid "(.*)"$', PO.read_text(encoding="utf-8"), re.M)
    in_po = {m.replace('\\"', '"').replace("\\\\", "\\") for m in found if m}  # as the .po escapes them
    assert {m for m in messages if "\n" not in m and "\0" not in m} <= in_po | {""}


def test_no_f_string_is_marked_for_translation() -> None:
    for path in (ROOT / "src" / "parentinvolve").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "N_", "ngettext"):
                # a literal, or a message marked with N_ elsewhere; never text built on the spot
                assert not any(isinstance(a, (ast.JoinedStr, ast.BinOp)) for a in node.args), f"{path}:{node.lineno}"


def test_every_placeholder_survives_translation() -> None:
    catalog = po_messages(PO)
    for msgid, msgstr in catalog.items():
        if msgid:
            for a, b in zip(msgid.split("\0"), msgstr.split("\0"), strict=True):
                assert sorted(re.findall(r"\{[^}]*\}", a)) == sorted(re.findall(r"\{[^}]*\}", b)), msgid


def test_po_files_compile_to_what_gettext_reads() -> None:
    text = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\nmsgid "Old"\nmsgstr "Viejo"\n\nmsgid "Hi"\nmsgstr ""\n"Ho"\n"la"\n\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] "uno"\nmsgstr[1] "muchos"\n'
    catalog = gettext.GNUTranslations(io.BytesIO(catalogs.compiled(catalogs.read(text))))
    assert (catalog.gettext("Hi"), catalog.gettext("Old"), catalog.gettext("Nope")) == ("Hola", "Old", "Nope")
    assert (catalog.ngettext("one", "many", 1), catalog.ngettext("one", "many", 3)) == ("uno", "muchos")
    with pytest.raises(catalogs.CatalogError, match="<po>:1"):
        catalogs.read("msgid nope")


def test_clicks_backspace_is_written_and_read_as_the_c_escape() -> None:
    """Click's `\\b` (keep this paragraph unwrapped) is in several help texts: Babel writes it raw unless told."""
    catalog = catalogs.template([("Usage:\n\n\b\nExamples:", [("cli.py", 1)])])
    text = catalogs.text(catalog, 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n')
    assert '"\\b\\n"' in text and "\b" not in text
    translated = text.rstrip("\n").removesuffix('msgstr ""') + 'msgstr "Uso:\\n\\n\\b\\nEjemplos:"\n'
    catalog_es = gettext.GNUTranslations(io.BytesIO(catalogs.compiled(catalogs.read(translated))))
    assert catalog_es.gettext("Usage:\n\n\b\nExamples:") == "Uso:\n\n\b\nEjemplos:"


def test_a_run_without_babel_reads_the_mo_as_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel is for building and developing: without it, a `.po` newer than its `.mo` is not compiled."""
    import os

    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po, mo = folder / "parentinvolve.po", folder / "parentinvolve.mo"
    mo.write_bytes(catalogs.compiled(catalogs.read('msgid "Usage:"\nmsgstr "Uso:"\n')))
    po.write_text('msgid "Usage:"\nmsgstr "Modo de uso:"\n', encoding="utf-8")
    later = mo.stat().st_mtime_ns + 60 * 10**9
    os.utime(po, ns=(later, later))
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Modo de uso:"  # a development install
    for name in ["babel", *(m for m in sys.modules if m.startswith("babel."))]:
        monkeypatch.setitem(sys.modules, name, None)  # as if Babel were not installed
    monkeypatch.delitem(sys.modules, "parentinvolve.i18n.catalogs")
    monkeypatch.delattr(i18n, "catalogs")
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Uso:"
    mo.unlink()
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Usage:"


def test_the_section_headings_are_in_the_catalog() -> None:
    headings = {h for _, h, _ in kb_entries.THERAPY_SECTIONS + kb_entries.MOMENT_SECTIONS}
    assert headings | {merge.POLICY_HEADING} == set(merge.HEADINGS)


# --- the Spanish itself ---------------------------------------------------------------------------------------------


def glossary() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ES / "glossary.yaml").read_text(encoding="utf-8")))


def translated_texts(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """(file:id, English text, Spanish text) of every shipped Spanish entry."""
    out = []
    for file in source.FILES:
        if not (ES / f"{file}.yaml").exists():
            continue
        english = source.english(kb, file)
        for item in yaml.safe_load((ES / f"{file}.yaml").read_text(encoding="utf-8")):
            spanish = {k: v for k, v in item.items() if k not in ("id", "source_hash", "aliases")}
            out.append((f"{file}:{item['id']}", flatten(english[item["id"]]), flatten(spanish)))
    return out


def flatten(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(flatten(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return "\n".join(flatten(v) for v in value)
    return " ".join(str(value).split())


def test_translations_use_the_glossary_terms(kb: KnowledgeBase) -> None:
    terms = glossary()
    for where, english, spanish in translated_texts(kb):
        low = spanish.lower()
        for term in terms:
            for avoid in term.get("avoid", []):
                assert not re.search(rf"(?<!\w){re.escape(avoid.lower())}(?!\w)", low), (
                    f"{where}: {avoid!r} -> {term['es']!r}"
                )
            if re.search(term["en"], english, re.I):
                forms = [term["es"], *term.get("also", [])]
                assert any(f.lower() in low for f in forms), (
                    f"{where}: the English says {term['en']!r}; use {term['es']!r}"
                )
            first = term.get("first_use")
            acronyms = [a for a in term.get("also", []) if a.isupper()]
            if first and any(re.search(rf"(?<![\w-]){a}(?![\w-])", spanish) for a in acronyms):
                assert first.lower() in low, f"{where}: give {first!r} at the first mention"
                assert low.count("por sus siglas en inglés") <= low.count("(") and low.count(first.lower()) == 1, where


def test_the_spanish_reads_easily_and_is_not_english(kb: KnowledgeBase) -> None:
    texts = translated_texts(kb)
    prose = "\n".join(spanish for _, _, spanish in texts)
    assert fernandez_huerta(prose) >= 70
    assert english_ratio(prose) < 0.01, english_sentences(prose)
    assert all(english_ratio(english) > 0.15 for _, english, _ in texts if len(english.split()) > 12)


@pytest.mark.parametrize("command", [[], ["ask"], ["explain"], ["topics"], ["validate"]])
def test_every_help_page_is_spanish(run_cli: RunCli, command: list[str]) -> None:
    r = run_cli(*command, "--help", "--lang", "es")
    assert r.exit_code == 0 and r.stdout.startswith("Uso: ")
    assert english_sentences(r.stdout, threshold=0.15) == []


def test_a_po_edited_after_the_mo_is_read_directly(tmp_path: Path) -> None:
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po, mo = folder / "parentinvolve.po", folder / "parentinvolve.mo"
    mo.write_bytes(catalogs.compiled(catalogs.read('msgid "Usage:"\nmsgstr "Uso:"\n')))
    po.write_text('msgid "Usage:"\nmsgstr "Modo de uso:"\n', encoding="utf-8")
    import os

    os.utime(po, ns=(mo.stat().st_mtime_ns + 1_000_000, mo.stat().st_mtime_ns + 1_000_000))
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Uso:"  # written together, as an installer does
    os.utime(po, ns=(mo.stat().st_mtime_ns + 60 * 10**9, mo.stat().st_mtime_ns + 60 * 10**9))
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Modo de uso:"  # edited since: the .po wins
    mo.unlink()
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Modo de uso:"
    po.write_text('msgid "Usage:"\nbroken', encoding="utf-8")
    assert i18n.catalog("es", tmp_path).gettext("Usage:") == "Usage:"  # a broken catalog: English, no crash


def test_an_emergency_number_in_words_is_translated_too(run_cli: RunCli, tmp_path: Path) -> None:
    """'Somewhere else' has no number, only words: a Spanish plan must not say 'llame al your local…'."""
    answers = tmp_path / "a.yaml"
    answers.write_text("child_age: 13\nconcerns: [depression]\ntherapy: cbt\nregion: other\n", encoding="utf-8")
    out = " ".join(run_cli("ask", "--answers", str(answers), "--format", "plain", "--lang", "es").stdout.split())
    assert "your local emergency number" not in out
    assert "llame al número de emergencias de su zona" in out
