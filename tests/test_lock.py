"""The locked safety set (issue 20 A, issue 21): no clinic's layer, however written, can rename, reword,
translate, outrank, disable or displace crisis lines, safety steps, the safety questions, the limits of
confidentiality or the self-harm rules; and a clinic's own lines never turn the Spanish crisis block English.

Each route a layer could try is a case: `validate --clinic` exits 1 with one located line that names the locked
entry and why, and nothing in the layer or the content is changed. Then a property: random layers, and the locked
text and its order in a plan are always the shipped ones (or the layer is refused).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CONTENT, ROOT, RunCli
from parentinvolve import engine
from parentinvolve import kb as kb_package
from parentinvolve.errors import ContentError
from parentinvolve.kb.translations import files as translation_files
from parentinvolve.model import KnowledgeBase

EXAMPLE = ROOT / "examples" / "clinic"
SELF_HARM = {"child_age": 15, "concerns": ["self-harm"], "therapy": "dbt", "stage": "starting", "region": "us"}
LOCKED_RULES = ("confidentiality-limits", "self-harm-safety")
WHY = "it is part of the locked safety set"


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "clinic"))


def spanish_crisis_copy(clinic: Path) -> None:
    """The route of the attack: the shipped Spanish crisis file copied into the layer, text edited, hashes kept."""
    (clinic / "i18n" / "es").mkdir(parents=True, exist_ok=True)
    text = (CONTENT / "i18n" / "es" / "crisis.yaml").read_text(encoding="utf-8")
    (clinic / "i18n" / "es" / "crisis.yaml").write_text(text.replace("Estados Unidos", "EE. UU. (falso)"), "utf-8")


ROUTES = [
    pytest.param(
        "clinic.yaml",
        "after_hours:\n  name: Samaritans\n  contact: 555-0100\n",
        "would pass for the shipped crisis line 'Samaritans'",
        id="after-hours-takes-a-shipped-name",
    ),
    pytest.param(
        "clinic.yaml",
        "after_hours:\n  name: 988 suicide and crisis lifeline\n  contact: 555-0100\n",
        "would pass for the shipped crisis line '988 Suicide & Crisis Lifeline'",
        id="after-hours-takes-a-shipped-name-written-otherwise",
    ),
    pytest.param(
        "clinic.yaml",
        "contacts:\n  - name: childline\n    contact: 555-0100\n",
        "would pass for the shipped crisis line 'Childline'",
        id="a-contact-takes-a-shipped-name",
    ),
    pytest.param(
        "crisis.yaml",
        "regions:\n  - id: us\n    lines:\n      - {name: Samaritans, contact: 555-0100}\n",
        "would pass for the shipped crisis line 'Samaritans'",
        id="a-crisis-line-takes-a-shipped-name-of-another-region",
    ),
    pytest.param(
        "asks.yaml",
        "- id: crisis-plan\n  text: Ask us at the front desk.\n",
        f"question to ask 'crisis-plan' cannot be changed by a clinic's layer: {WHY}",
        id="asks-rewrites-the-crisis-question",
    ),
    pytest.param(
        "rules.yaml",
        "- id: confidentiality-limits\n  confidentiality: [Everything stays private.]\n",
        f"rule 'confidentiality-limits' cannot be changed by a clinic's layer: {WHY}",
        id="rules-rewrites-the-limits-of-confidentiality",
    ),
    pytest.param(
        "clinic.yaml",
        "disable: [confidentiality-limits]\n",
        f"rule 'confidentiality-limits' cannot be disabled: {WHY}",
        id="disable-the-limits-of-confidentiality",
    ),
    pytest.param(
        "clinic.yaml",
        "disable: [self-harm-safety]\n",
        f"rule 'self-harm-safety' cannot be disabled: {WHY}",
        id="disable-a-self-harm-rule",
    ),
    pytest.param(
        "rules.yaml",
        "- id: ask-region-records\n  locked: false\n",
        "`locked` is set only by the shipped content",
        id="unlock-a-rule",
    ),
    pytest.param(
        "rules.yaml",
        "- id: our-rule\n  locked: true\n  sources: [riverbend-handbook]\n  why: [Ours.]\n",
        "`locked` is set only by the shipped content",
        id="lock-a-rule-of-its-own",
    ),
    pytest.param(
        "sources.yaml",
        "- id: crisis-samaritans\n  url: https://crisis.example\n",
        f"source 'crisis-samaritans' cannot be changed by a clinic's layer: {WHY}",
        id="a-crisis-lines-source-points-elsewhere",
    ),
    pytest.param(
        "topics.yaml",
        "- id: crisis\n  name: Crisis\n  summary: Call us.\n  reviewed: 2026-11-30\n  sources: [riverbend-handbook]\n"
        "  sections:\n    - {heading: Now, text: [Call us first.]}\n",
        "the id 'crisis' is the crisis lines' own (`explain crisis`, made from crisis.yaml): it is part of the locked",
        id="a-topic-takes-the-crisis-id",
    ),
    # issue 19's safety rules are in the set too: a clinic can neither switch off nor rewrite them
    pytest.param(
        "clinic.yaml",
        "disable: [confidentiality-limits-us]\n",
        f"rule 'confidentiality-limits-us' cannot be disabled: {WHY}",
        id="disable-what-a-us-therapist-must-report",
    ),
    pytest.param(
        "clinic.yaml",
        "disable: [harm-in-family]\n",
        f"rule 'harm-in-family' cannot be disabled: {WHY}",
        id="disable-harm-within-the-family",
    ),
    pytest.param(
        "rules.yaml",
        "- id: young-child-risk-assessment\n  moments: {intake: [Play therapy will do.]}\n",
        f"rule 'young-child-risk-assessment' cannot be changed by a clinic's layer: {WHY}",
        id="rewrite-the-young-child-at-risk",
    ),
    pytest.param(
        "asks.yaml",
        "- id: crisis-plan\n  locked: false\n",
        "`locked` is set only by the shipped content",
        id="unlock-the-crisis-question",
    ),
]


@pytest.mark.parametrize(("file", "text", "reason"), ROUTES)
def test_every_route_around_the_lock_is_refused_and_named(
    run_cli: RunCli, clinic: Path, file: str, text: str, reason: str
) -> None:
    path = clinic / file
    if file == "clinic.yaml":  # the clinic's name, then the case's own fields
        path.write_text("name: Riverbend Family Therapy (example)\n" + text, encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    before, shipped = tree(clinic), tree(CONTENT)
    r = run_cli("validate", "--clinic", str(clinic))
    assert (r.exit_code, r.stdout) == (1, ""), r.stderr
    located = [line for line in r.stderr.splitlines() if reason in line]
    assert len(located) == 1, r.stderr
    assert located[0].startswith(f"{path}:"), located  # file:line:col: message, in the layer
    assert r.stderr.splitlines()[-1].endswith(f"check again with `parentinvolve validate --clinic {clinic}`.")
    r = run_cli("ask", "--clinic", str(clinic), "--answers", "-")
    assert r.exit_code == 1 and reason in r.stderr  # no plan is ever made from it
    assert tree(clinic) == before and tree(CONTENT) == shipped


def test_a_layers_own_spanish_crisis_text_is_refused_and_never_shown(run_cli: RunCli, clinic: Path) -> None:
    spanish_crisis_copy(clinic)
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    refused = [line for line in r.stderr.splitlines() if "cannot be translated by a clinic's layer" in line]
    assert len(refused) == 7 and all(WHY in line for line in refused)  # the message and steps, and six regions
    listed = run_cli("clinic", "show", "--clinic", str(clinic))
    assert "translated crisis line us into es" in listed.stdout  # `clinic show` lists translations too
    es = kb_package.load(CONTENT, clinic, lang="es")
    us = es.crisis.region("us")
    assert us is not None and us.name == "Estados Unidos"  # the shipped translation, not the layer's


def test_a_layers_own_translation_of_the_questions_is_refused(run_cli: RunCli, clinic: Path) -> None:
    """The questions are the same for every clinic: their choices open the crisis block and pick its lines."""
    (clinic / "i18n" / "es").mkdir(parents=True, exist_ok=True)
    text = (CONTENT / "i18n" / "es" / "questions.yaml").read_text(encoding="utf-8")
    (clinic / "i18n" / "es" / "questions.yaml").write_text(text.replace("Estados Unidos", "Reino Unido"), "utf-8")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert f"{clinic}/i18n/es/questions.yaml:1:1: a clinic's layer cannot translate questions.yaml" in r.stderr
    es = kb_package.load(CONTENT, clinic, lang="es")
    assert es.question("region").label("us") == kb_package.load(CONTENT, lang="es").question("region").label("us")


def test_a_layer_rule_joining_a_locked_rules_group_is_refused(
    run_cli: RunCli, content_copy: Path, clinic: Path
) -> None:
    rules = content_copy / "rules.yaml"  # a locked rule in a group, as new safety rules may be
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace("- id: confidentiality-teen\n", "- id: confidentiality-teen\n  locked: true\n"), "utf-8"
    )
    (clinic / "rules.yaml").write_text(
        "- id: our-privacy\n  group: privacy-age\n  priority: 99\n  sources: [riverbend-handbook]\n"
        "  confidentiality: [Everything stays between us.]\n",
        encoding="utf-8",
    )
    r = run_cli("validate", str(content_copy), "--clinic", str(clinic))
    assert r.exit_code == 1
    assert "group 'privacy-age' holds the locked rule 'confidentiality-teen'" in r.stderr


def test_eight_strong_new_questions_never_push_out_the_crisis_question(clinic: Path) -> None:
    asks = "".join(f"- id: ours-{n}\n  text: Our question {n}?\n  sources: [riverbend-handbook]\n" for n in range(8))
    (clinic / "asks.yaml").write_text(asks, encoding="utf-8")
    (clinic / "rules.yaml").write_text(
        "- id: ours-first\n  priority: 1000\n  sources: [riverbend-handbook]\n"
        f"  ask: [{', '.join(f'ours-{n}' for n in range(8))}]\n"
        "  why: [Ours first.]\n  confidentiality: [Ours first.]\n",
        encoding="utf-8",
    )
    layered = kb_package.load(CONTENT, clinic)
    plan = engine.plan(layered, SELF_HARM)
    crisis_plan = layered.asks["crisis-plan"].text
    assert crisis_plan in [i.text for i in plan.asks] and len(plan.asks) == engine.MAX_ASKS
    assert plan.confidentiality[0].rule == "confidentiality-limits"  # the limits still come first
    assert plan.why[0].rule == "self-harm-safety"


def test_a_clinic_never_turns_the_spanish_crisis_block_english(run_cli: RunCli, clinic: Path, tmp_path: Path) -> None:
    """Issue 21: an after-hours line, extra contacts, crisis lines and overrides; every region's crisis block
    is wholly the shipped Spanish, then the clinic's own lines, labelled."""
    (clinic / "crisis.yaml").write_text(
        "regions:\n  - id: uk\n    lines:\n      - {name: Riverbend text line, contact: text 555-0123}\n", "utf-8"
    )
    plain = kb_package.load(CONTENT, lang="es")
    layered = kb_package.load(CONTENT, clinic, lang="es")
    assert layered.clinic is not None and layered.clinic.after_hours is not None
    for shipped in plain.crisis.regions:
        mine = layered.crisis.region(shipped.id)
        assert mine is not None
        assert mine.lines[: len(shipped.lines)] == shipped.lines, shipped.id  # translated, whole, in order
        assert mine[:2] == shipped[:2] and mine.steps == shipped.steps
        assert all(line.clinic == layered.clinic.name for line in mine.lines[len(shipped.lines) :])
    assert layered.crisis.message == plain.crisis.message and layered.crisis.safety_plan == plain.crisis.safety_plan
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(SELF_HARM), encoding="utf-8")
    out = run_cli("--lang", "es", "ask", "--clinic", str(clinic), "--answers", str(answers), "--format", "plain")
    assert out.exit_code == 0, out.stderr
    block = out.stdout.split("!!!!\n", 2)[1]
    assert "ESTADOS UNIDOS" in block and "If there is a gun" not in block and "988 in Spanish" not in block
    # the clinic's own line, after the shipped ones, labelled with the clinic's name, in its own Spanish words
    assert "Terapia Familiar Riverbend (ejemplo), fuera del horario de atención — Clínico de guardia" in " ".join(
        block.split()
    )
    r = run_cli("validate", "--strict", "--clinic", str(EXAMPLE))
    assert r.exit_code == 0, r.stderr


def test_a_missing_or_stale_locked_translation_is_an_error_never_english(run_cli: RunCli, content_copy: Path) -> None:
    crisis = content_copy / "i18n" / "es" / "crisis.yaml"
    entries = [e for e in yaml.safe_load(crisis.read_text(encoding="utf-8")) if e["id"] != "uk"]
    crisis.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    asks = content_copy / "asks.yaml"
    asks.write_text(asks.read_text(encoding="utf-8").replace("what should we do", "what should we do now"), "utf-8")
    r = run_cli("validate", str(content_copy))  # not --strict: still an error
    assert r.exit_code == 1
    assert "es: 'uk' has no translation, and it is part of the locked safety set" in r.stderr
    assert "es: 'crisis-plan' is stale (its English text changed), and it is part of the locked safety set" in r.stderr
    r = run_cli("--lang", "es", "--content", str(content_copy), "explain", "crisis")
    assert (r.exit_code, r.stdout) == (1, "")
    with pytest.raises(ContentError):
        kb_package.load(content_copy, lang="es")


# --- the property: no layer, however written, changes the locked set --------------------------------------------


def locked_view(kb: KnowledgeBase) -> tuple[object, ...]:
    """Everything in the locked set, as a plan and `explain crisis` show it (a clinic's own lines left out)."""
    regions = tuple(
        (r.id, r.name, r.emergency, tuple(ln for ln in r.lines if not ln.clinic), r.steps) for r in kb.crisis.regions
    )
    rules = tuple((r.id, r.said) for r in kb.rules if r.locked)
    asks = tuple((a.id, a.text) for a in kb.asks.values() if a.locked)
    return kb.crisis.message, kb.crisis.safety_plan, regions, rules, asks


def plan_view(kb: KnowledgeBase) -> tuple[object, ...]:
    plan = engine.plan(kb, SELF_HARM)
    assert plan.safety is not None
    count = sum(not ln.clinic for ln in plan.safety.lines)
    assert not any(ln.clinic for ln in plan.safety.lines[:count])  # a clinic's lines only ever after the shipped
    locked_asks = [i.text for i in plan.asks if i.text == kb.asks["crisis-plan"].text]
    return (
        plan.safety.lines[:count],
        plan.asks[0].text,  # the crisis question first
        plan.safety.safety_plan,
        plan.crisis_pointer,
        locked_asks,
        plan.confidentiality[0].rule,
        plan.why[0].rule,
    )


IDS = ["crisis-plan", "goals", "our-ask", *LOCKED_RULES, "ask-region-records", "suggest-dbt", "our-rule"]
TEXT = st.sampled_from(["Call us instead.", "Samaritans", "Everything stays private.", "988", "Nada."])
ENTRY = st.fixed_dictionaries(
    {"id": st.sampled_from(IDS), "sources": st.just(["riverbend-handbook"])},
    optional={
        "text": TEXT,
        "priority": st.integers(-5, 10_000),
        "group": st.sampled_from(["extra-ask", "privacy-age", "ours"]),
        "ask": st.lists(st.sampled_from(["crisis-plan", "goals", "our-ask", "at-home"]), max_size=4, unique=True),
        "why": st.lists(TEXT, min_size=1, max_size=2),
        "confidentiality": st.lists(TEXT, min_size=1, max_size=2),
        "locked": st.booleans(),
    },
)
LINE = st.fixed_dictionaries(
    {"name": st.sampled_from(["Samaritans", "Our line", "Childline", "Emergency"]), "contact": TEXT}
)
LAYER = st.fixed_dictionaries(
    {},
    optional={
        "rules": st.lists(ENTRY, max_size=3),
        "asks": st.lists(ENTRY, max_size=3),
        "disable": st.lists(
            st.sampled_from([*LOCKED_RULES, "ask-region-records", "safety-first"]), max_size=2, unique=True
        ),
        "after_hours": LINE,
        "crisis": st.lists(st.tuples(st.sampled_from(["us", "uk", "xx"]), LINE), max_size=2),
        "translate": st.sampled_from(["crisis", "asks", "rules"]),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layer=LAYER)
def test_no_layer_changes_the_locked_set_or_its_order(
    layer: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("layer")
    clinic: dict[str, object] = {"name": "Test clinic"}
    if "disable" in layer:
        clinic["disable"] = layer["disable"]
    if "after_hours" in layer:
        clinic["after_hours"] = layer["after_hours"]
    (folder / "clinic.yaml").write_text(yaml.safe_dump(clinic), encoding="utf-8")
    (folder / "sources.yaml").write_text(
        '- {id: riverbend-handbook, title: Our handbook, url: "https://example.org/handbook"}\n', encoding="utf-8"
    )
    for file in ("rules", "asks"):
        if layer.get(file):
            (folder / f"{file}.yaml").write_text(yaml.safe_dump(layer[file]), encoding="utf-8")
    if layer.get("crisis"):
        regions = [{"id": rid, "lines": [line]} for rid, line in layer["crisis"]]
        (folder / "crisis.yaml").write_text(yaml.safe_dump({"regions": regions}), encoding="utf-8")
    if "translate" in layer:
        file = str(layer["translate"])
        (folder / "i18n" / "es").mkdir(parents=True)
        entries = yaml.safe_load((CONTENT / "i18n" / "es" / f"{file}.yaml").read_text(encoding="utf-8"))
        for entry in entries:  # reworded, hashes kept
            for key, value in entry.items():
                if isinstance(value, str) and key not in ("id", translation_files.HASH):
                    entry[key] = "Texto cambiado"
        (folder / "i18n" / "es" / f"{file}.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), "utf-8")
    for lang in ("en", "es"):
        shipped = kb_package.load(CONTENT, lang=lang)
        try:
            layered = kb_package.load(CONTENT, folder, lang=lang)
        except ContentError:
            continue  # refused as a whole: nothing of it is used
        assert locked_view(layered) == locked_view(shipped)
        assert plan_view(layered) == plan_view(shipped)
