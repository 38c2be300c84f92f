"""Issue 10, "Clinically sound plans for every family": ages, attendance, safety, honest confidentiality, words
that fit the stage and the place, and each point said once. Asserted on the JSON plan (the engine and the JSON
renderer that `ask --format json` runs), in loops over the knowledge base's own therapies, ages and concerns.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli, edit, line_of
from parentinvolve.engine import plan
from parentinvolve.model import KnowledgeBase
from parentinvolve.render import jsonout

CONCERNS = ["behavior", "anxiety", "depression", "self-harm", "family-change", "trauma", "eating", "other"]
FOR_TEENS = ("dbt", "fbt")  # therapies for teenagers: chosen for a younger child, their summary says so
PARENT_LED = ("space", "cprt", "parent-training")


def plan_json(kb: KnowledgeBase, **answers: Any) -> dict[str, Any]:
    data: dict[str, Any] = jsonout.plan(plan(kb, answers))
    return data


def texts(data: dict[str, Any]) -> list[str]:
    """Every paragraph a parent reads in the plan (not the answers they gave, nor the source titles)."""
    out: list[str] = []
    if data["safety"]:
        s = data["safety"]
        out += [s["message"], *(f"{line['name']}: {line['contact']}" for line in s["lines"])]
        out += [*s["warning_signs"], *s["safety_plan"]]
    out.append(data["attendance_description"])
    if data["crisis_pointer"]:
        out.append(data["crisis_pointer"])
    if data["therapy"]:
        t = data["therapy"]
        out += [t["summary"], t["role"], *t["length"]] + ([t["age_note"]] if t["age_note"] else [])
    out += [s["summary"] for s in data["suggested_therapies"]]
    for m in data["moments"]:
        out += m["what_to_expect"]
    out += data["confidentiality"] + data["prepare"] + data["questions_to_ask"] + data["why_it_matters"]
    return out


def families(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    """A wide spread of families: every therapy choice x every age x each concern, with stage and region
    turning through their choices (and a second concern now and then)."""
    regions = kb.question("region").choice_ids()
    stages = kb.question("stage").choice_ids()
    turn = itertools.count()
    for therapy, age, concern in itertools.product(kb.question("therapy").choice_ids(), range(18), CONCERNS):
        n = next(turn)
        concerns = [concern] if n % 3 else sorted({concern, CONCERNS[n % len(CONCERNS)]}, key=CONCERNS.index)
        yield {
            "child_age": age,
            "concerns": concerns,
            "therapy": therapy,
            "stage": stages[n % len(stages)],
            "region": regions[n % len(regions)],
        }


FamilyPlans = list[tuple[dict[str, Any], dict[str, Any]]]


@pytest.fixture(scope="module")
def family_plans(kb: KnowledgeBase) -> FamilyPlans:
    """(answers, JSON plan) for every family of `families`, planned once for the tests of this module that
    read them all (nothing changes them)."""
    return [(answers, plan_json(kb, **answers)) for answers in families(kb)]


# --- 1. age fit -----------------------------------------------------------------------------------------------


def test_every_therapy_declares_sourced_typical_ages_and_explain_states_them(
    kb: KnowledgeBase, run_cli: RunCli
) -> None:
    for entry in kb.entries_of("therapy"):
        assert entry.ages is not None, entry.id
        low, high = entry.ages
        r = run_cli("explain", entry.id, "--format", "plain")
        assert f"Typical ages: {low} to {high}" in " ".join(r.stdout.split()), entry.id
        assert "Last reviewed:" in r.stdout


def test_no_suggestion_is_outside_the_childs_typical_ages(kb: KnowledgeBase) -> None:
    for age, concerns in itertools.product(range(18), [[c] for c in CONCERNS] + [CONCERNS]):
        data = plan_json(kb, child_age=age, concerns=concerns, therapy="unsure")
        for s in data["suggested_therapies"]:
            assert s["typical_ages"]["min"] <= age <= s["typical_ages"]["max"], (age, concerns, s["id"])


def test_a_one_year_old_gets_baby_fitting_suggestions_and_no_school_or_teen_talk(kb: KnowledgeBase) -> None:
    for age, therapy, concern in itertools.product((0, 1, 2), kb.question("therapy").choice_ids(), CONCERNS):
        data = plan_json(kb, child_age=age, concerns=[concern], therapy=therapy)
        said = " ".join(texts(data)).lower()
        assert "school" not in said, (age, therapy, concern)
        if therapy not in FOR_TEENS:  # a therapy for teenagers, chosen for a younger child: its summary says so
            assert not re.search(r"\bteen", said), (age, therapy, concern)
    ids = [s["id"] for s in plan_json(kb, child_age=1, concerns=["behavior"], therapy="unsure")["suggested_therapies"]]
    assert "cpp" in ids and not {"play", "pcit", "tf-cbt", "cbt"} & set(ids)


def test_teen_privacy_talk_only_from_12(kb: KnowledgeBase) -> None:
    for age, therapy in itertools.product(range(12), kb.question("therapy").choice_ids()):
        if therapy in FOR_TEENS:  # a therapy for teenagers, chosen for a younger child: its summary says so
            continue
        said = " ".join(texts(plan_json(kb, child_age=age, concerns=["anxiety"], therapy=therapy))).lower()
        assert not re.search(r"\bteen", said), (age, therapy)


def test_a_chosen_therapy_outside_its_ages_gets_an_honest_note(kb: KnowledgeBase) -> None:
    data = plan_json(kb, child_age=8, concerns=["self-harm"], therapy="dbt")
    assert data["therapy"]["typical_ages"] == {"min": 12, "max": 17}
    assert "usually used with children aged 12 to 17" in data["therapy"]["age_note"]
    assert plan_json(kb, child_age=14, concerns=["self-harm"], therapy="dbt")["therapy"]["age_note"] is None


# --- 2. attendance: one decision from therapy and age ------------------------------------------------------


def test_a_four_year_old_in_cbt_has_every_session(kb: KnowledgeBase) -> None:
    assert plan_json(kb, child_age=4, concerns=["anxiety"], therapy="cbt")["attendance"] == "every-session"


def test_unsure_depends_and_each_suggestion_carries_its_own_attendance(kb: KnowledgeBase) -> None:
    data = plan_json(kb, child_age=9, concerns=["anxiety", "trauma"], therapy="unsure")
    assert data["attendance"] == "depends"
    by_id = {s["id"]: s["attendance"] for s in data["suggested_therapies"]}
    assert by_id["space"] == "parent-only" and by_id["tf-cbt"] == "some-sessions"


# --- 3. parent training and DBT are suggested where they fit ---------------------------------------------


@pytest.mark.parametrize(("age", "concern", "expected"), [(7, "behavior", "parent-training"), (12, "self-harm", "dbt")])
def test_first_line_therapies_are_suggested(kb: KnowledgeBase, age: int, concern: str, expected: str) -> None:
    data = plan_json(kb, child_age=age, concerns=[concern], therapy="unsure")
    assert expected in [s["id"] for s in data["suggested_therapies"]]


# --- 4. safety that keeps children alive ---------------------------------------------------------------------


def test_us_self_harm_mentions_guns_medicines_and_the_emergency_department(kb: KnowledgeBase) -> None:
    steps = " ".join(
        plan_json(kb, child_age=15, concerns=["self-harm"], therapy="cbt", region="us")["safety"]["safety_plan"]
    )
    assert "gun" in steps and "emergency department" in steps and "even if your child seems well" in steps
    assert "Lock up all medicines" in steps and "without a prescription" in steps
    signs = " ".join(
        plan_json(kb, child_age=15, concerns=["self-harm"], therapy="cbt", region="us")["safety"]["warning_signs"]
    )
    assert "stay with your child" in signs and "asking does not make such thoughts more likely" in signs


def test_uk_self_harm_says_a_and_e(kb: KnowledgeBase) -> None:
    steps = " ".join(
        plan_json(kb, child_age=15, concerns=["self-harm"], therapy="cbt", region="uk")["safety"]["safety_plan"]
    )
    assert "A&E" in steps and "999" in steps


def test_every_crisis_line_says_who_it_is_for(kb: KnowledgeBase) -> None:
    for region in kb.question("region").choice_ids():
        data = plan_json(kb, child_age=15, concerns=["self-harm"], therapy="cbt", region=region)
        assert all(line["audience"] in ("young-people", "parents", "anyone") for line in data["safety"]["lines"])


# Copied exactly from shared/facts.md (the checked list): the lines added for issue 10.
REQUIRED_LINES = {
    "ie": ("Pieta", "1800 247 247; text HELP to 51444"),
    "uk": ("PAPYRUS HOPELINE247", "0800 068 4141"),
    "us": ("988 in Spanish", "call 988, press 2; text AYUDA to 988"),
}


@pytest.mark.parametrize("region", sorted(REQUIRED_LINES))
def test_the_added_crisis_lines_are_exactly_as_checked(kb: KnowledgeBase, region: str) -> None:
    name, contact = REQUIRED_LINES[region]
    lines = plan_json(kb, child_age=15, concerns=["self-harm"], therapy="dbt", region=region)["safety"]["lines"]
    assert any(line["name"] == name and line["contact"].startswith(contact) for line in lines), lines


def test_a_crisis_pointer_from_age_10_and_with_low_mood(kb: KnowledgeBase) -> None:
    data = plan_json(kb, child_age=13, concerns=["depression"], therapy="cbt", region="us")
    assert data["safety"] is None and "988" in data["crisis_pointer"]
    assert plan_json(kb, child_age=7, concerns=["depression"], therapy="cbt")["crisis_pointer"]
    assert plan_json(kb, child_age=10, concerns=["behavior"], therapy="cbt")["crisis_pointer"]
    assert plan_json(kb, child_age=9, concerns=["behavior"], therapy="cbt")["crisis_pointer"] is None
    for region in kb.question("region").choice_ids():
        main = kb.crisis.region(region)
        assert main is not None
        pointer = plan_json(kb, child_age=14, concerns=["anxiety"], therapy="cbt", region=region)["crisis_pointer"]
        assert main.emergency in pointer


@pytest.mark.parametrize("name", ["crisis", "suicide", "self-harm", "emergency", "safety plan", "crisis lines"])
def test_explain_crisis_shows_every_regions_lines_and_the_safety_steps(
    run_cli: RunCli, kb: KnowledgeBase, name: str
) -> None:
    r = run_cli("explain", name, "--format", "plain")
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    for region in kb.crisis.regions:
        assert region.name in text
        for line in region.lines:
            assert f"{line.name}: {line.contact}" in text
    assert "Lock up all medicines" in text


def test_the_safety_rule_cannot_be_removed_by_content(content_copy: Path, kb: KnowledgeBase) -> None:
    from parentinvolve.kb import build

    (content_copy / "rules.yaml").write_text(
        "- id: only\n  sources: [psychcentral-parent-involvement]\n  ask: [goals, at-home, records, crisis-plan, how-long]\n",
        encoding="utf-8",
    )
    p = plan(build.load(content_copy), {"child_age": 15, "concerns": ["self-harm"], "therapy": "cbt"})
    assert p.safety is not None and p.trace[0] == "safety-first" and p.crisis_pointer


# --- 5. somewhere else ---------------------------------------------------------------------------------------


def test_region_other_gives_no_countrys_numbers_and_no_country_law(kb: KnowledgeBase) -> None:
    numbers = {
        n
        for region in kb.crisis.regions
        if region.id != "other"
        for line in region.lines
        for n in re.findall(r"\d[\d -]*\d", line.contact)
        if len(re.sub(r"\D", "", n)) >= 3  # phone numbers and short codes, not "ages 5–25"
    }
    for age, therapy in itertools.product((3, 10, 15), kb.question("therapy").choice_ids()):
        data = plan_json(kb, child_age=age, concerns=["self-harm", "family-change"], therapy=therapy, region="other")
        said = " ".join(texts(data))
        assert not [n for n in numbers if n in said], (age, therapy)
        assert not {"HIPAA", "California", "Gillick", "custody", "Québec"} & set(re.findall(r"\w+", said))
        assert "In England" not in said and "parental responsibility" not in said
        assert "local emergency number" in said


# --- 6. honest confidentiality --------------------------------------------------------------------------------


@pytest.mark.xdist_group("family-plans")  # one worker plans them all once
def test_every_plans_confidentiality_names_the_limits_without_promising(family_plans: FamilyPlans) -> None:
    for answers, data in family_plans:
        private = " ".join(data["confidentiality"])
        assert "serious risk of harm" in private, answers
        if answers["region"] == "us":  # the country's own law: mandated reporting, duty to warn
            assert "abuse or neglect" in private and "child protection" in private, answers
            assert "someone else" in private, answers
        elif answers["region"] == "uk":  # safeguarding
            assert "protect a child" in private and "serious harm to anyone" in private, answers
        else:  # no source for the law there: say it may apply, and to ask
            assert "report suspected abuse" in private and "someone else" in private, answers
        assert "whatever has been agreed" not in private and "must tell you" not in private, answers
        assert private.count("Privacy in therapy has limits") == 1


# --- 7. joint sessions ---------------------------------------------------------------------------------------


def test_family_therapy_and_tf_cbt_keep_joint_work_safe(kb: KnowledgeBase) -> None:
    family = " ".join(texts(plan_json(kb, child_age=9, concerns=["family-change"], therapy="family")))
    # the article's point (the whole family, the other parent and siblings too) and the safety caution, both
    assert "includes the other parent, and brothers and sisters" in family and "agreed with the therapist" in family
    assert "Before any joint session, tell the therapist privately" in family
    tf = " ".join(texts(plan_json(kb, child_age=9, concerns=["trauma"], therapy="tf-cbt")))
    assert "did not cause the harm" in tf


@pytest.mark.xdist_group("family-plans")  # one worker plans them all once
def test_space_plans_never_imply_the_therapist_sees_the_child(family_plans: FamilyPlans) -> None:
    implies = ("meet your child", "sees them", "between you and my child", "see my child alone", "sees your child")
    for answers, data in family_plans:
        if answers["therapy"] not in PARENT_LED:
            continue
        said = " ".join(texts(data))
        assert not [p for p in implies if p in said], answers


# --- 8. right for the stage and the words ---------------------------------------------------------------------


def test_ongoing_plans_speak_of_consent_and_intake_as_done(kb: KnowledgeBase) -> None:
    data = plan_json(kb, child_age=9, concerns=["anxiety"], therapy="cbt", stage="ongoing")
    said = " ".join(texts(data))
    assert "You'll usually be asked" not in said and "Before treatment" not in said
    assert "If it was not" in said and data["prepare"] == []
    starting = " ".join(texts(plan_json(kb, child_age=9, concerns=["anxiety"], therapy="cbt")))
    assert "more than one visit" in starting and "ask how long yours will take" in starting
    assert "full psychiatric evaluation" not in starting


def test_16_and_17_year_olds_in_england_are_not_told_children_cannot_consent(kb: KnowledgeBase) -> None:
    for age in (16, 17):
        said = " ".join(texts(plan_json(kb, child_age=age, concerns=["anxiety"], therapy="cbt", region="uk")))
        assert "presumed able" in said
        assert "can't agree" not in said and "cannot legally agree" not in said and "custody" not in said


def test_the_postnatal_paragraph_is_for_young_children_only(kb: KnowledgeBase) -> None:
    for age in range(18):
        said = " ".join(texts(plan_json(kb, child_age=age, concerns=["other"], therapy="cbt")))
        assert ("after having a baby" in said) == (age <= 5), age


def test_for_what_you_described_only_when_something_was_described(run_cli: RunCli, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("child_age: 12\nconcerns: [other]\ntherapy: unsure\n", encoding="utf-8")
    assert "for what you described" not in " ".join(
        run_cli("ask", "--answers", str(other), "--format", "plain").stdout.split()
    )
    anxious = tmp_path / "anxious.yaml"
    anxious.write_text("child_age: 12\nconcerns: [anxiety]\ntherapy: unsure\n", encoding="utf-8")
    assert "for what you described" in " ".join(
        run_cli("ask", "--answers", str(anxious), "--format", "plain").stdout.split()
    )


# --- 9. sources and review dates ----------------------------------------------------------------------------


@pytest.mark.xdist_group("family-plans")  # one worker plans them all once
def test_every_cited_source_has_a_public_url(family_plans: FamilyPlans) -> None:
    for _answers, data in family_plans:
        for source in data["sources"]:
            assert source.get("url", "").startswith(("https://", "http://")), source["id"]


def test_every_entry_has_a_review_date(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.reviewed), entry.id


def test_validate_warns_about_an_old_review_date_and_still_passes(run_cli: RunCli, content_copy: Path) -> None:
    therapies = content_copy / "therapies.yaml"
    text = therapies.read_text(encoding="utf-8").replace("  reviewed: 2026-11-30\n", "  reviewed: 2020-01-15\n", 1)
    therapies.write_text(text, encoding="utf-8")
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if "warning:" in line]
    assert warnings == [
        f"{therapies}:{line_of(therapies, '  reviewed: 2020-01-15')}:13: warning: therapy 'cbt' was last reviewed "
        "on 2020-01-15, more than 24 months ago; check it again"
    ]


# --- validate owns the content rules -----------------------------------------------------------------------


def test_validate_names_a_therapy_without_attendance(run_cli: RunCli, content_copy: Path) -> None:
    therapies = content_copy / "therapies.yaml"
    start = therapies.read_text(encoding="utf-8").index("- id: pcit")
    text = therapies.read_text(encoding="utf-8")
    section = text[start:]
    a = section.index("  attendance:\n")
    b = section.index("  what_it_is:\n")
    therapies.write_text(text[: start + a] + section[b:], encoding="utf-8")
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert f"{therapies}:{line_of(therapies, '- id: pcit')}:3: a therapy is missing the field 'attendance'" in r.stderr


def test_validate_names_a_therapy_missing_from_the_therapy_question(run_cli: RunCli, content_copy: Path) -> None:
    questions = content_copy / "questions.yaml"
    edit(
        questions,
        "    - id: cpp\n      label: Child-parent psychotherapy — for babies and young children, with you\n",
        "",
    )
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    therapies = content_copy / "therapies.yaml"
    assert f"{therapies}:{line_of(therapies, '- id: cpp')}:7: therapy 'cpp' is not a choice" in r.stderr


# --- each point once (issue 12, item 2) ------------------------------------------------------------------------


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", paragraph) if len(s.split()) >= 4]


def test_a_pcit_plan_states_each_key_figure_once(kb: KnowledgeBase) -> None:
    said = " ".join(texts(plan_json(kb, child_age=4, concerns=["behavior"], therapy="pcit")))
    assert said.count("12 to 20") == 1 and said.count("5 minutes") == 1


@pytest.mark.xdist_group("family-plans")  # one worker plans them all once
def test_no_sentence_is_said_twice_in_any_plan(family_plans: FamilyPlans) -> None:
    for answers, data in family_plans:
        counts = Counter(s for t in texts(data) for s in sentences(t))
        repeated = [s for s, n in counts.items() if n > 1]
        assert not repeated, (answers, repeated)


@pytest.mark.parametrize("therapy", ["cbt", "space", "unsure"])
def test_the_timeline_fits_the_stage(kb: KnowledgeBase, therapy: str) -> None:
    """A family already under way is not told to sign the consent form or come to the first appointment;
    a family just starting is."""
    lines: dict[str, list[str]] = {}
    for stage in ("starting", "ongoing"):
        answers = {"child_age": 10, "concerns": ["anxiety"], "therapy": therapy, "stage": stage}
        lines[stage] = [m["asks_of_you"] for m in jsonout.plan(plan(kb, answers), kb)["moments"]]
    starting, ongoing = " ".join(lines["starting"]), " ".join(lines["ongoing"])
    assert "sign it" in starting and "first appointment" in starting
    assert "sign" not in ongoing and "first appointment" not in ongoing and "will be" not in ongoing
    assert all(lines["ongoing"]), "every moment keeps a line"
