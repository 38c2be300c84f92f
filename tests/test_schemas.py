"""The published JSON contracts (`src/parentinvolve/schemas/`, shipped in the package): the plan, one entry
(`explain`) and the list of topics, checked against what the program really prints for many families, in both
languages, with and without a clinic's layer and `--why`. A renamed or dropped key fails here."""

from __future__ import annotations

import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import RunCli
from parentinvolve import kb as kb_package
from parentinvolve.cli.ask import render
from parentinvolve.engine import plan
from parentinvolve.i18n import activate
from parentinvolve.model import KnowledgeBase
from parentinvolve.render import jsonout

EXAMPLE_CLINIC = Path(__file__).resolve().parent.parent / "examples" / "clinic"


def schema(name: str) -> Draft202012Validator:
    text = (
        resources.files("parentinvolve").joinpath("schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    )
    data = json.loads(text)
    Draft202012Validator.check_schema(data)
    return Draft202012Validator(data)


def families(kb: KnowledgeBase) -> list[dict[str, Any]]:
    q = kb.question
    sets = [[c] for c in q("concerns").choice_ids()] + [["self-harm", "family-change"], ["trauma", "eating"]]
    grid = itertools.product(range(0, 18, 3), q("therapy").choice_ids(), sets)
    regions, stages = q("region").choice_ids(), q("stage").choice_ids()
    return [
        {"child_age": a, "therapy": t, "concerns": c, "region": regions[n % len(regions)], "stage": stages[n % 3]}
        for n, (a, t, c) in enumerate(grid)
        if n % 5 == 0
    ]


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("clinic", [None, EXAMPLE_CLINIC], ids=["shipped", "clinic"])
def test_every_plan_matches_the_published_plan_schema(lang: str, clinic: Path | None) -> None:
    validator = schema("plan")
    activate(lang)
    try:
        kb = kb_package.load(None, clinic, lang=lang)
        for n, answers in enumerate(families(kb)):
            data = json.loads(render(kb, plan(kb, answers), "json", n % 2 == 0, to_terminal=False))
            assert not errors(validator, data), (answers, errors(validator, data)[:3])
    finally:
        activate("en")  # as a new process would start (conftest: a run ends in English)


def test_the_plan_schema_refuses_a_renamed_or_missing_key(kb: KnowledgeBase) -> None:
    validator = schema("plan")
    data = jsonout.plan(plan(kb, {"child_age": 15, "concerns": ["self-harm"], "therapy": "dbt"}), kb)
    assert not errors(validator, data)
    renamed = {("crisis_lines" if k == "safety" else k): v for k, v in data.items()}
    assert errors(validator, renamed)
    missing = {k: v for k, v in data.items() if k != "questions_to_ask"}
    assert errors(validator, missing)
    wrong = {**data, "safety": {**data["safety"], "warning_signs": "stay with your child"}}
    assert errors(validator, wrong)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_entry_and_the_topics_match_their_schemas(run_cli: RunCli, kb: KnowledgeBase, lang: str) -> None:
    entry, topics = schema("entry"), schema("topics")
    r = run_cli("--lang", lang, "topics", "--format", "json")
    listed = json.loads(r.stdout)
    assert not errors(topics, listed)
    assert [t["id"] for t in listed] == [e.id for e in kb.entries]
    for e in kb.entries:
        data = json.loads(run_cli("--lang", lang, "explain", e.id, "--format", "json").stdout)
        assert not errors(entry, data), (e.id, errors(entry, data)[:3])
    clinic = json.loads(
        run_cli("--clinic", str(EXAMPLE_CLINIC), "explain", "riverbend-missed-sessions", "--format", "json").stdout
    )
    assert clinic["kind"] == "policy" and not errors(entry, clinic)
