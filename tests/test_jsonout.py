"""The JSON a plan and a clinic's layer are printed as (`render/jsonout.py`), where the shipped content never goes:
a therapy without typical ages, a suggestion whose attendance is not known, a clinic without an after-hours
line or with a policy that names no entry, a clinic's own crisis line, a plan rendered without its knowledge
base. The shapes are the published ones (src/parentinvolve/schemas; tests/test_schemas.py, tests/golden/)."""

from __future__ import annotations

import json

from kbbuilder import kb, rule, therapy
from parentinvolve.engine import plan
from parentinvolve.model import POLICY, Clinic, Crisis, Entry, Line, Region, Section
from parentinvolve.render import jsonout

ANSWERS = {"child_age": 9, "concerns": ["a"], "therapy": "unsure"}


def test_a_therapy_without_typical_ages_says_null() -> None:
    base = kb([therapy("x")._replace(ages=None, ages_source="")], [])
    data = jsonout.plan(plan(base, {**ANSWERS, "therapy": "x"}), base)
    assert data["therapy"]["typical_ages"] is None
    assert data["therapy"]["age_note"] is None


def test_a_suggestion_whose_attendance_is_not_known_says_null() -> None:
    base = kb([therapy("x", 3, 12, level="not-a-level")], [rule("offer", suggest=("x",))])
    data = jsonout.plan(plan(base, ANSWERS), base)
    assert data["suggested_therapies"] == [
        {
            "id": "x",
            "name": "Therapy x",
            "summary": "About x.",
            "attendance": None,
            "typical_ages": {"min": 3, "max": 12},
        }
    ]


def test_a_plan_rendered_without_its_knowledge_base_has_no_clinic_and_no_one_line_summaries() -> None:
    base = kb([therapy("x")], [])
    data = jsonout.plan(plan(base, ANSWERS))
    assert data["clinic"] is None
    assert [m["asks_of_you"] for m in data["moments"]] == [""]


def test_a_clinics_layer_its_policies_and_no_after_hours_line() -> None:
    policy = Entry(POLICY, "ours-records", "Your records", "How to ask.", (Section(POLICY, "", ("Write to us.",)),), ())
    base = kb([therapy("x")], [])
    assert jsonout.clinic(base) is None and jsonout.clinic(None) is None
    with_clinic = base._replace(
        entries=(*base.entries, policy),
        clinic=Clinic("Ours", "/ours", website="https://ours.example", policies=("ours-records", "gone")),
    )
    assert jsonout.clinic(with_clinic) == {
        "name": "Ours",
        "website": "https://ours.example",
        "contacts": [],
        "after_hours": None,
        "welcome": [],
        "policies": [{"id": "ours-records", "title": "Your records", "text": ["Write to us."]}],  # "gone": no entry
    }
    data = jsonout.plan(plan(with_clinic, ANSWERS), with_clinic)
    assert data["clinic"] == jsonout.clinic(with_clinic)


def test_a_clinics_own_crisis_line_is_labelled_with_the_clinic_and_a_shipped_one_is_not() -> None:
    lines = (Line("Lifeline", "988", main=True), Line("Desk", "555-0100", clinic="Ours"))
    base = kb([therapy("x")], [], crisis=Crisis("Call now.", (), ("src",), (Region("us", "US", "911", lines),)))
    data = jsonout.plan(plan(base, {**ANSWERS, "concerns": ["self-harm"]}), base)
    assert data["safety"]["lines"] == [
        {"name": "Lifeline", "contact": "988", "audience": "anyone"},
        {"name": "Ours — Desk", "contact": "555-0100", "audience": "anyone", "clinic": "Ours"},
    ]


def test_json_is_printed_whole_with_its_own_characters_and_a_final_newline() -> None:
    text = jsonout.dumps({"name": "Niño — 988", "n": [1]})
    assert text == '{\n  "name": "Niño — 988",\n  "n": [\n    1\n  ]\n}\n'
    assert json.loads(text) == {"name": "Niño — 988", "n": [1]}
