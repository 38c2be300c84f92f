"""Spanish a parent can trust everywhere (issue 21): the crisis pointer names the Spanish route, every door
(commands, errors, usage, `--why`, each format, with and without a clinic's layer) speaks Spanish, and the
style guide's mechanical checks (content/i18n/es/README.md) hold for every Spanish string."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import sys
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from conftest import CONTENT, ROOT, RunCli, edit
from i18n_checks import po_messages
from parentinvolve import engine, i18n
from parentinvolve import kb as kb_package
from parentinvolve.kb.entries import QUESTION_KINDS
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


def test_a_spanish_crisis_block_puts_the_spanish_line_first(kb_es: KnowledgeBase, kb: KnowledgeBase) -> None:
    answers = {**TEEN_US, "concerns": ["self-harm"]}
    i18n.activate("es")
    try:
        safety = engine.plan(kb_es, answers).safety
    finally:
        i18n.activate(i18n.ENGLISH)
    assert safety is not None and "es" in safety.lines[0].main_in
    english = engine.plan(kb, answers).safety
    assert english is not None and english.lines[0].main  # English keeps crisis.yaml's order


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


# --- every door in Spanish ---------------------------------------------------------------------------------------
#
# English words are found by vocabulary, not by a guess: a word of the English content or the English interface
# text that appears in no Spanish text (the translations, the Spanish catalog, the example clinic's Spanish).
# What a Spanish reader is shown in English on purpose is left out before looking: source titles (the lines of
# the Sources section, and a JSON plan's `sources`), web addresses, ids, paths, options and `code`.

ES = CONTENT / "i18n" / "es"
EXAMPLE_CLINIC = ROOT / "examples" / "clinic"
PO = ROOT / "src" / "parentinvolve" / "i18n" / "locale" / "es" / "LC_MESSAGES" / "parentinvolve.po"
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:'[A-Za-z]+)?")
_STRIP = re.compile(
    r"https?://\S+|\b[\w.-]+@[\w.-]+|\S*[/\\]\S*|`[^`]*`|(?<![\w-])--?[a-z][\w-]*|\b\S+\.(?:yaml|json|md|html|txt|org|com)\b"
    r"|\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b|\$[A-Z_]+|\b[A-Z_]{2,}\b|'[^'\n]*'"  # (quoted: what the user wrote)
)


# Names given as English, and said so: "(en inglés, National Child Traumatic Stress Network)", "...; en inglés:
# cognitive behavioral therapy." (an entry's English aliases); a source named by its title: "(fuente: ...)".
_ON_PURPOSE = re.compile(
    r"en\s+inglés,\s[^)]*\)|en\s+inglés\)?:\s[^.]*\.|en\s+inglés\s+se\s+dice\s+que\s+es\s+\"[^\"]*\"|\(fuente:\s[^)]*\)"
)


_CITATION = re.compile(r"[^\n]*\(\d{4}\)\.(?:[^\n]*\n)*?[^\n]*doi:\S+")


def _texts_of(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in ("id", "source_hash") for t in _texts_of(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts_of(v)]
    return []


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(_STRIP.sub(" ", text)) if len(w) > 2}


@functools.cache
def english_only_words() -> frozenset[str]:
    english: set[str] = set()
    for path in CONTENT.glob("*.yaml"):
        if path.name != "sources.yaml":
            english |= _words(" ".join(_texts_of(yaml.safe_load(path.read_text(encoding="utf-8")))))
    catalog = po_messages(PO)
    english |= _words(" ".join(str(k) for k in catalog))
    # The Spanish vocabulary leaves out what the Spanish text keeps in English on purpose (names said to be
    # English, the research citations), so that "the", "and" or "child" are still found where they leak.
    spanish: set[str] = set()
    for path in [*ES.glob("*.yaml"), *(EXAMPLE_CLINIC / "i18n" / "es").glob("*.yaml")]:
        texts = _texts_of(yaml.safe_load(path.read_text(encoding="utf-8")))
        spanish |= _words(" ".join(_ON_PURPOSE.sub(" ", t) for t in texts if "doi:" not in t))
    for value in catalog.values():
        spanish |= _words(" ".join(value) if isinstance(value, (list, tuple)) else str(value))
    return frozenset(english - spanish - proper_names())


@functools.cache
def proper_names() -> frozenset[str]:
    """Words of names that stay as they are in every language: the crisis lines' names (Samaritans, Kids Help
    Phone, 988 Suicide & Crisis Lifeline), the organisations the text names, the research it cites."""
    crisis = yaml.safe_load((CONTENT / "crisis.yaml").read_text(encoding="utf-8"))
    names = {ln["name"] for r in crisis["regions"] for ln in r["lines"]}
    names |= {"Psych Central", "NICE", "CDC", "HIPAA", "Dowell Ogles Haine-Schlagel Walsh"}
    return frozenset(_words(" ".join(names)))


def english_in(output: str, *, ids: frozenset[str] = frozenset()) -> list[str]:
    """The lines of a Spanish output that hold an English word (outside what is English on purpose)."""
    found = []
    in_sources = False
    output = _ON_PURPOSE.sub(" ", output)
    output = _CITATION.sub(" ", output)  # a research paper cited in the text, as published
    for line in output.splitlines():
        stripped = line.strip(" -#*=·")
        if stripped in ("Fuentes", "## Fuentes", "Sources"):
            in_sources = True
            continue
        if in_sources and (line.startswith(("- ", "  ", "* ")) or not stripped):
            continue
        in_sources = False
        words = _words(line) - ids
        hits = sorted(w for w in words if w in english_only_words())
        if hits:
            found.append(f"{hits}: {line}")
    return found


def test_the_english_finder_finds_english_and_lets_names_be() -> None:
    assert english_in("Su papel\n- Ask the therapist what your child will do.") != []
    assert english_in("Por qué: regla therapy-attendance (you chose cbt, and your child is 9)") != []
    assert english_in("missing file rules.yaml; see the guide") != []
    assert english_in("Llame a Samaritans: 116 123. Vea https://988lifeline.org y `parentinvolve topics`.") == []
    assert english_in("Una red (en inglés, National Child Traumatic Stress Network) de los Estados Unidos.") == []


def _json_texts(data: object, key: str = "") -> list[str]:
    """The words a person reads in a JSON plan: every string value, except ids, sources and the answers."""
    if key in (
        "sources",
        "answers",
        "id",
        "rule",
        "rules",
        "trace",
        "overruled",
        "by",
        "level",
        "region",
        "kind",
        "audience",
    ):
        return []
    if isinstance(data, dict):
        return [t for k, v in data.items() for t in _json_texts(v, k)]
    if isinstance(data, list):
        return [t for v in data for t in _json_texts(v, key)]
    if isinstance(data, str) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", data):  # an id ("depends")
        return []
    return [data] if isinstance(data, str) else []


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example clinic without its after-hours line: a clinic's line in the crisis block is kept in Spanish
    by the safety lock (the hardening branch, issue 21's first critical item), not by this branch."""
    folder = tmp_path_factory.mktemp("layer") / "clinic"
    shutil.copytree(EXAMPLE_CLINIC, folder)
    text = (folder / "clinic.yaml").read_text(encoding="utf-8")
    start = text.index("after_hours:")
    end = text.index("welcome:")
    (folder / "clinic.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    spanish = (folder / "i18n" / "es" / "clinic.yaml").read_text(encoding="utf-8")
    (folder / "i18n" / "es" / "clinic.yaml").write_text(
        "\n".join(line for line in spanish.splitlines() if not line.startswith("after_hours:")) + "\n",
        encoding="utf-8",
    )
    return folder


FAMILIES = {
    "teen-self-harm-us": "child_age: 15\nconcerns: [self-harm, depression]\ntherapy: dbt\nstage: starting\nregion: us\n",
    "young-unsure-uk": "child_age: 4\nconcerns: [behavior, family-change]\ntherapy: unsure\nstage: starting\nregion: uk\n",
    "trauma-tf-cbt-ca": "child_age: 9\nconcerns: [trauma]\ntherapy: tf-cbt\nstage: ongoing\nregion: ca\n",
    "baby-cpp-other": "child_age: 1\nconcerns: [trauma, other]\ntherapy: cpp\nstage: starting\nregion: other\n",
    "space-au": "child_age: 8\nconcerns: [anxiety]\ntherapy: space\nstage: ongoing\nregion: au\n",
    "family-ie": "child_age: 17\nconcerns: [self-harm, family-change]\ntherapy: family\nstage: starting\nregion: ie\n",
}


def _ids(kb: KnowledgeBase) -> frozenset[str]:
    rules = {r.id for r in kb.rules} | {e.id for e in kb.entries} | set(kb.sources)
    rules |= {q.id for q in kb.questions} | {c for q in kb.questions for c in q.choice_ids()} | set(QUESTION_KINDS)
    return frozenset(w for i in rules for w in _words(i))


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("with_layer", [False, True], ids=["shipped", "clinic"])
def test_every_plan_format_is_spanish(
    run_cli: RunCli, tmp_path: Path, layer: Path, kb_es: KnowledgeBase, family: str, with_layer: bool
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(FAMILIES[family], encoding="utf-8")
    extra = ["--clinic", str(layer)] if with_layer else []
    for fmt in ("plain", "markdown", "html", "json"):
        for why in ([], ["--why"]) if fmt != "json" else ([],):
            r = run_cli("--lang", "es", *extra, "ask", "--answers", str(answers), "--format", fmt, *why)
            assert r.exit_code == 0, r.stderr
            out = r.stdout
            if fmt == "json":
                out = "\n".join(_json_texts(json.loads(out)))
            elif fmt == "html":
                out = re.sub(r"<style>.*?</style>", " ", out, flags=re.S)
                out = re.sub(r'<li lang="en">.*?</li>', " ", out, flags=re.S)  # sources, cited as published
                out = html.unescape(re.sub(r"<[^>]+>", "\n", out))
            assert english_in(out, ids=_ids(kb_es)) == [], (fmt, why)


def test_every_explain_page_and_listing_is_spanish(run_cli: RunCli, kb_es: KnowledgeBase, layer: Path) -> None:
    ids = _ids(kb_es)
    for entry in kb_es.entries:
        r = run_cli("--lang", "es", "explain", entry.id, "--format", "plain")
        assert r.exit_code == 0, r.stderr
        assert english_in(r.stdout, ids=ids) == [], entry.id
    for policy in ("riverbend-records", "riverbend-missed-sessions"):
        r = run_cli("--lang", "es", "--clinic", str(layer), "explain", policy, "--format", "markdown")
        assert r.exit_code == 0 and english_in(r.stdout, ids=ids) == [], r.stdout
    for args in (["topics"], ["topics", "--format", "markdown"], ["--clinic", str(layer), "topics"]):
        r = run_cli("--lang", "es", *args)
        assert r.exit_code == 0 and english_in(r.stdout, ids=ids) == [], args
    r = run_cli("--lang", "es", "explain", "pcit", "--format", "json")
    assert english_in("\n".join(_json_texts(json.loads(r.stdout))), ids=ids) == []


HELP = [[], ["ask"], ["explain"], ["topics"], ["validate"], ["clinic"], ["clinic", "init"], ["clinic", "override"]]


@pytest.mark.parametrize("command", HELP, ids=lambda c: " ".join(c) or "top")
def test_every_help_is_spanish(run_cli: RunCli, command: list[str]) -> None:
    r = run_cli("--lang", "es", *command, "--help")
    assert r.exit_code == 0
    assert "Uso: parentinvolve" in r.stdout and "[OPCIONES]" in r.stdout
    examples = re.compile(r"^\s+parentinvolve .*$|^\s+\w+: .*$", re.M)  # command lines and an answers file
    assert english_in(examples.sub("", r.stdout)) == []


def test_validate_and_clinic_show_are_spanish(run_cli: RunCli, layer: Path) -> None:
    for args in (["validate"], ["validate", "--clinic", str(layer)], ["clinic", "show", "--clinic", str(layer)]):
        r = run_cli("--lang", "es", *args)
        assert r.exit_code == 0, r.stderr
        assert english_in(r.stdout + r.stderr) == [], args
    r = run_cli("--lang", "es", "validate")
    assert "no se encontró ningún problema (9 archivos: " in r.stdout and "fuentes" in r.stdout


def _bad_answers(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, str | bytes] = {
        "empty.yaml": "",
        "bad.json": "{child_age: }",
        "bad.yaml": "child_age: [7\n",
        "list.yaml": "- 7\n- 8\n",
        "value.yaml": "child_age: 70\nconcerns: [xyzzy]\ntherapy: cbtt\nstage: starting\nregion: us\n",
        "question.yaml": "child_age: 7\nage: 8\n",
        "duplicate.yaml": "child_age: 7\nchild_age: 8\n",
        "latin1.yaml": b"child_age: 7 \xe9\n",
    }
    out = {}
    for name, text in files.items():
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        out[name] = path
    out["missing.yaml"] = tmp_path / "missing.yaml"
    out["folder"] = tmp_path
    return out


def test_every_error_is_spanish(run_cli: RunCli, tmp_path: Path, layer: Path, kb_es: KnowledgeBase) -> None:
    bad = _bad_answers(tmp_path)
    cases = [
        ["explian"],
        ["explain"],
        ["explain", "pcit", "--bogus"],
        ["explain", "TCCX"],
        ["explain", "pcit", "--format", "pdf"],
        ["ask", "--no-input"],
        ["ask"],
        ["validate", str(tmp_path / "nowhere")],
        ["--content", str(tmp_path / "nowhere"), "topics"],
        ["clinic", "show"],
        ["clinic", "init", str(layer)],
        ["clinic", "override", "xyzzy", "--clinic", str(layer)],
        ["topics", "xyzzy"],
        *[["ask", "--answers", str(path)] for path in bad.values()],
        ["ask", "--answers", str(bad["question.yaml"]), "--no-input"],
        ["ask", "--answers", str(bad["value.yaml"]), "--output", str(tmp_path), "--force"],
    ]
    for args in cases:
        r = run_cli("--lang", "es", *args)
        assert r.exit_code != 0, args
        assert r.stderr.startswith("parentinvolve: ") or ":" in r.stderr, args
        assert english_in(r.stderr, ids=_ids(kb_es)) == [], (args, r.stderr)


def test_clinic_override_says_and_writes_spanish(run_cli: RunCli, tmp_path: Path, kb_es: KnowledgeBase) -> None:
    """`clinic override` in Spanish: what it says, and the comments it writes into the layer's file (its header
    and the stamp's note); the copied entry itself stays as shipped, in English, and the layer still validates."""
    folder = tmp_path / "clinic"
    assert run_cli("clinic", "init", str(folder), "--name", "Riverbend").exit_code == 0
    r = run_cli("--lang", "es", "clinic", "override", "pcit", "--clinic", str(folder))
    assert r.exit_code == 0 and r.stdout.startswith("Se copió pcit en "), r.stderr
    assert english_in(r.stdout, ids=_ids(kb_es)) == [], r.stdout
    lines = (folder / "therapies.yaml").read_text(encoding="utf-8").splitlines()
    stamp = next(line for line in lines if "based_on:" in line)
    assert lines[0] == (
        "# therapies.yaml en la capa de una clínica: cada entrada cambia la entrada incluida que tiene el mismo id "
        "(o agrega una nueva)."
    )
    assert stamp.endswith("  # el texto incluido del que partió esta copia; déjelo como está")
    assert english_in(f"{lines[0]}\n{stamp.split('#', 1)[1]}") == []
    assert run_cli("--lang", "es", "clinic", "override", "cbt", "summary", "--clinic", str(folder)).exit_code == 0
    assert run_cli("validate", "--clinic", str(folder)).exit_code == 0
    english = tmp_path / "english"
    assert run_cli("clinic", "init", str(english), "--name", "Riverbend").exit_code == 0
    assert run_cli("clinic", "override", "pcit", "--clinic", str(english)).exit_code == 0
    first = (english / "therapies.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert (
        first
        == "# therapies.yaml in a clinic's layer: each entry changes the shipped entry with the same id (or adds one)."
    )


def test_content_and_clinic_layer_problems_are_spanish(
    run_cli: RunCli, content_copy: Path, tmp_path: Path, kb_es: KnowledgeBase
) -> None:
    """`validate` on broken content and a broken clinic's layer: every located problem in Spanish."""
    edit(
        content_copy / "rules.yaml",
        "  when: {stage: ongoing}\n  priority: 25\n  excludes: [unsure-ask-which, waiting-meanwhile]",
        "  when: {stage: ongoin}\n  priorty: 25\n  excludes: [unsure-ask-which, waiting-meanwhile]",
    )
    edit(content_copy / "questions.yaml", "- id: stage\n  kind: select", "- id: stage\n  kind: xyzzy")
    edit(content_copy / "crisis.yaml", "reviewed: 2026-11-30", "reviewed: 2026-13-30")
    r = run_cli("--lang", "es", "validate", str(content_copy))
    assert r.exit_code == 1 and r.stderr.count("\n") >= 4, r.stderr
    assert english_in(r.stderr, ids=_ids(kb_es)) == [], r.stderr
    folder = tmp_path / "broken"
    shutil.copytree(EXAMPLE_CLINIC, folder)
    (folder / "crisis.yaml").write_text(
        "regions:\n  - id: us\n    emergency: '112'\n    lines:\n      - name: Emergency\n        contact: '000'\n"
        "  - id: mars\n    lines: []\n",
        encoding="utf-8",
    )
    (folder / "questions.yaml").write_text("[]\n", encoding="utf-8")
    edit(folder / "clinic.yaml", "  - ask-region-records", "  - safety-first\n  - ask-region-record")
    edit(folder / "i18n" / "es" / "clinic.yaml", "contacts:", "hours: siempre\ncontacts:")
    r = run_cli("--lang", "es", "validate", "--clinic", str(folder))
    assert r.exit_code == 1 and r.stderr.count("\n") >= 4, r.stderr
    assert english_in(r.stderr, ids=_ids(kb_es)) == [], r.stderr


# --- the style guide's mechanical checks (content/i18n/es/README.md) --------------------------------------------

FORBIDDEN = {
    r"\b[Pp]uls[ea]\b": "oprima, not pulse (a phone menu or a key)",
    r"\b[Mm]arque (el )?\d": "oprima el 2, not marque 2",
    r"\brecién (empieza|empezó|comienza|comenzó)": "está empezando: recién empieza is Southern Cone",
    r"\busted mism[oa]\b": "the parent has no gender: usted también, por su cuenta",
    r"\b(sentirse|se siente|se sienta) (in)?segur[oa]\b": "the parent has no gender: tener dudas, a salvo",
    r"\bverlo a usted\b|\blo guía\b|\busted está separad[oa]\b": "the parent has no gender",
    r"\bpasando mal\b": "Spain: le cuesta mucho",
    r"\bvosotros\b|\bordenador\b|\bmóvil\b|\b[Vv]ale[,.!]": "a Spain-only form",
    r"\bseri[oa]s?\b": "grave, not serio (one term)",
    r"\bdenunci\w*": "reportar, not denunciar (one term)",
    r"\bsesi(ón|ones) en conjunto\b|\bsesiones juntos\b": "sesiones conjuntas (one term)",
    r"\b[Vv]enga a\b|\b[Vv]engan a\b|\b[Tt]ráiga\w*": "a calque: asista, lleve, prepare",
    r"\b\d{4}-\d{2}-\d{2}\b": "a date in Spanish prose is written out: 30 de noviembre de 2026",
}
_SERIAL = re.compile(r",[^,.;:?¿()\"{}]{1,60}, [yo] ")


def spanish_strings() -> list[tuple[str, str]]:
    """(where, text) for every Spanish string: the content translations (not ids, hashes or aliases, which are
    names parents type), the catalog's translations, the example clinic's Spanish."""
    out = []
    for path in sorted([*ES.glob("*.yaml"), *(EXAMPLE_CLINIC / "i18n" / "es").glob("*.yaml")]):
        if path.name == "glossary.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else [data]
        for item in items:
            where = f"{path.name}:{item.get('id', '')}"
            out += [(where, t) for t in _texts_of({k: v for k, v in item.items() if k != "aliases"})]
    catalog = po_messages(PO)
    for msgid, msgstr in catalog.items():
        if msgid:
            out += [(f"parentinvolve.po:{msgid[:40]!r}", t) for t in str(msgstr).split("\0")]
    return out


def test_the_style_guide_exists() -> None:
    guide = (ES / "README.md").read_text(encoding="utf-8")
    for must in ("usted", "su hijo o hija", "oprima", "grave", "reportar", "sesiones conjuntas", "en inglés"):
        assert must in guide


def test_no_spanish_string_uses_a_forbidden_form() -> None:
    problems = []
    for where, text in spanish_strings():
        for pattern, why in FORBIDDEN.items():
            found = re.search(pattern, text)
            if found and why.startswith("a date") and "reviewed" in text:
                continue  # a message about a file's own `reviewed: YYYY-MM-DD` field, with an example
            if found:
                problems.append(f"{where}: {found.group()!r}: {why}")
        serial = _SERIAL.search(" ".join(text.split()))
        if serial:
            problems.append(f"{where}: {serial.group()!r}: no English-style comma before y/o at the end of a list")
    assert problems == []


def test_no_iso_date_in_spanish_prose(run_cli: RunCli, layer: Path) -> None:
    for args in (["explain", "pcit"], ["explain", "crisis"], ["clinic", "show", "--clinic", str(layer)]):
        r = run_cli("--lang", "es", *args, *(["--format", "plain"] if args[0] == "explain" else []))
        assert r.exit_code == 0
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", r.stdout), args
    assert "30 de noviembre de 2026" in run_cli("--lang", "es", "explain", "pcit").stdout


def test_a_signal_is_reported_in_spanish() -> None:
    import signal

    from parentinvolve import startup

    i18n.activate("es")
    try:
        assert startup.stopped_message(signal.SIGINT, []) == "detenido. No se guardó nada."
        assert (
            startup.stopped_message(signal.SIGTERM, ["plan.html"])
            == "detenido por SIGTERM. Se escribió plan.html; nada más."
        )
    finally:
        i18n.activate(i18n.ENGLISH)
    assert startup.stopped_message(signal.SIGTERM, []) == "stopped by SIGTERM. Nothing was written."


def test_a_signal_while_the_catalog_module_is_being_imported_is_reported_in_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Ctrl-C can land while `parentinvolve.i18n` is in sys.modules but has not run yet (no `_`): one line in
    English, never a traceback (seen by test_bad_inputs' Ctrl-C at random moments of start-up)."""
    import signal
    import types

    from parentinvolve import startup

    monkeypatch.setitem(sys.modules, "parentinvolve.i18n", types.ModuleType("parentinvolve.i18n"))
    assert startup.stopped_message(signal.SIGINT, []) == "stopped. Nothing was saved."


# --- a clinic's own words -------------------------------------------------------------------------------------


@pytest.fixture
def english_only_layer(tmp_path: Path) -> Path:
    """The example clinic with no Spanish of its own words."""
    folder = tmp_path / "clinic"
    shutil.copytree(EXAMPLE_CLINIC, folder)
    (folder / "i18n" / "es" / "clinic.yaml").unlink()
    return folder


def test_a_clinic_speaks_spanish_in_spanish_plans(run_cli: RunCli, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(FAMILIES["space-au"], encoding="utf-8")
    r = run_cli("--lang", "es", "--clinic", str(EXAMPLE_CLINIC), "ask", "--answers", str(answers), "--format", "html")
    assert r.exit_code == 0
    assert "Terapia Familiar Riverbend (ejemplo)" in r.stdout and "Recepción (de lunes a viernes, de 9 a 5)" in r.stdout
    assert "Sesiones a las que no puede asistir" in r.stdout and "Missed sessions" not in r.stdout
    assert "Welcome to Riverbend" not in r.stdout
    clinic_part = r.stdout[r.stdout.index("Terapia Familiar Riverbend (ejemplo)</h2>") :]
    assert 'lang="en"' not in clinic_part[: clinic_part.index("<h2", 10)]  # the clinic's section: all Spanish
    r = run_cli("--lang", "es", "--clinic", str(EXAMPLE_CLINIC), "explain", "riverbend-records")
    assert r.exit_code == 0 and "El expediente de su hijo o hija" in r.stdout


def test_what_a_clinic_leaves_in_english_is_marked_and_named(
    run_cli: RunCli, tmp_path: Path, english_only_layer: Path
) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(FAMILIES["space-au"], encoding="utf-8")
    r = run_cli(
        "--lang", "es", "--clinic", str(english_only_layer), "ask", "--answers", str(answers), "--format", "html"
    )
    assert r.exit_code == 0
    assert '<p lang="en">Welcome to Riverbend' in r.stdout
    assert '<h3 lang="en">Missed sessions</h3>' in r.stdout
    assert '<li lang="en">Front desk (weekdays 9–5): <a href="tel:5550142">555-0142</a></li>' in r.stdout
    r = run_cli("validate", "--clinic", str(english_only_layer))
    named = [line for line in r.stderr.splitlines() if "does not translate" in line]
    assert len(named) == 7 and all(line.startswith(str(english_only_layer / "clinic.yaml")) for line in named)
    assert any("its policy 'riverbend-records'" in line for line in named)
    assert run_cli("validate", "--clinic", str(english_only_layer), "--strict").exit_code == 1


def test_a_clinics_spanish_is_checked(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    shutil.copytree(EXAMPLE_CLINIC, folder)
    spanish = folder / "i18n" / "es" / "clinic.yaml"
    edit(spanish, "  - Recepción (de lunes a viernes, de 9 a 5)", "  - Recepción (de lunes a viernes)")
    edit(spanish, "  riverbend-records:", "  riverbend-recordz:")
    r = run_cli("--lang", "es", "validate", "--clinic", str(folder))
    assert r.exit_code == 1
    assert (
        "deje cada número igual que en clinic.yaml" in r.stderr
        and "no hay ninguna norma 'riverbend-recordz'" in r.stderr
    )
    assert english_in(r.stderr) == [], r.stderr
