"""Issue 19, "Safe and complete at the edges": one test (or a few) for each principle, on families of our own,
asserted on the JSON plan; the consistency walk over the whole grid (principle 10); the sources of every
region's plans (principle 11); and the length of every plan (principle 13).
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli
from parentinvolve.engine import plan
from parentinvolve.model import ATTENDANCE, KnowledgeBase
from parentinvolve.render import jsonout
from test_clinical import plan_json, texts

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import plan_words

REGIONS_WITH_LINES = ("us", "uk", "ca", "au", "ie")
PARENT_LED = ("space", "cprt", "parent-training")


def said(data: dict[str, Any]) -> str:
    return " ".join(texts(data))


def consent(data: dict[str, Any]) -> str:
    return " ".join(next(m for m in data["moments"] if m["id"] == "consent")["what_to_expect"])


# --- 1. suicide and self-harm, taught to parents -----------------------------------------------------------------


@pytest.mark.parametrize("region", ["us", "uk", "ca", "au", "ie", "other"])
def test_every_self_harm_plan_names_the_warning_signs_what_to_do_and_the_emergency_department(
    kb: KnowledgeBase, region: str
) -> None:
    for age in (8, 14, 17):
        safety = plan_json(kb, child_age=age, concerns=["self-harm"], therapy="unsure", region=region)["safety"]
        signs = " ".join(safety["warning_signs"])
        assert "wanting to die" in signs and "hopelessness" in signs and "a sudden calm" in signs
        # what to do about each kind: signs -> stay, ask, get help today; danger now -> the emergency number
        assert "get help today" in signs.lower() and "call the emergency number" in signs
        steps = " ".join(safety["safety_plan"])
        assert "before you leave" in steps and "follow up" in steps and "at home tonight" in steps
        assert re.search(r"\b(gun|firearm)\b", steps), region  # in every region, in its own words


def test_crisis_lines_are_said_to_be_for_the_parent_too(kb: KnowledgeBase) -> None:
    for region in REGIONS_WITH_LINES:
        safety = plan_json(kb, child_age=15, concerns=["self-harm"], therapy="dbt", region=region)["safety"]
        steps = " ".join(safety["safety_plan"])
        names = [line["name"] for line in safety["lines"]]
        assert re.search(r"(is for you too|open to anyone, you included)", steps), region
        first = steps.split(" is for you too")[0].split(" and the text line")[0].split()[-1]
        assert any(first in name for name in names), (region, first)  # a line the block lists


def test_a_depression_plan_says_which_signs_mean_use_the_crisis_line_now(kb: KnowledgeBase) -> None:
    for region in ("us", "uk", "other"):
        pointer = plan_json(kb, child_age=13, concerns=["depression"], therapy="cbt", region=region)["crisis_pointer"]
        assert "at once if your child talks of suicide" in pointer, region
    plain = plan_json(kb, child_age=13, concerns=["anxiety"], therapy="cbt")["crisis_pointer"]
    assert "at once" not in plain  # only where low mood is the worry


# --- 2. young children at risk ------------------------------------------------------------------------------------


def test_a_young_child_at_risk_gets_an_assessment_first_and_no_single_model(kb: KnowledgeBase) -> None:
    for age, extra in itertools.product(range(10), ([], ["anxiety"], ["behavior"], ["trauma"], ["family-change"])):
        data = plan_json(kb, child_age=age, concerns=["self-harm", *extra], therapy="unsure")
        assert data["suggested_therapies"] == [], (age, extra)
        intake = " ".join(next(m for m in data["moments"] if m["id"] == "intake")["what_to_expect"])
        assert "full assessment" in intake and "closely involved" in intake, (age, extra)
        assert "Parents don't usually sit in" not in said(data)
    older = plan_json(kb, child_age=12, concerns=["self-harm"], therapy="unsure")
    assert [s["id"] for s in older["suggested_therapies"]] == ["dbt"]  # from 12, a suggestion fits age and risk


# --- 3. harm within the family ------------------------------------------------------------------------------------


def test_trauma_plans_say_what_happens_when_the_person_who_hurt_the_child_is_in_the_family(kb: KnowledgeBase) -> None:
    for therapy in kb.question("therapy").choice_ids():
        for region in ("us", "uk", "other"):
            data = plan_json(kb, child_age=7, concerns=["trauma"], therapy=therapy, region=region)
            private = " ".join(data["confidentiality"])
            assert "tell the therapist privately" in private, therapy
            assert "should not be in your child's sessions" in private and "did not cause the harm" in private
            assert "child protection" in private


def test_family_therapy_suggested_carries_the_same_safety_words_as_family_therapy_chosen(kb: KnowledgeBase) -> None:
    chosen = plan_json(kb, child_age=9, concerns=["family-change"], therapy="family")
    suggested = plan_json(kb, child_age=9, concerns=["family-change"], therapy="unsure")
    assert "family" in [s["id"] for s in suggested["suggested_therapies"]]
    caution = "Before any joint session, tell the therapist privately"
    assert caution in said(chosen) and caution in said(suggested)
    assert caution not in said(plan_json(kb, child_age=9, concerns=["anxiety"], therapy="cbt"))


# --- 4. separated parents at every consent ------------------------------------------------------------------------


def test_every_consent_says_who_may_consent_when_parents_live_apart(kb: KnowledgeBase) -> None:
    terms = {"us": "custody order", "uk": "parental responsibility"}
    for region, concern, stage in itertools.product(
        kb.question("region").choice_ids(), ("anxiety", "family-change"), kb.question("stage").choice_ids()
    ):
        text = consent(plan_json(kb, child_age=9, concerns=[concern], therapy="cbt", region=region, stage=stage))
        assert "live apart" in text, (region, concern, stage)
        assert terms.get(region, "tell the therapist") in text, region


# --- 5. turning 18 --------------------------------------------------------------------------------------------------


def test_16_and_17_year_olds_are_told_what_changes_at_18_where_they_live(kb: KnowledgeBase) -> None:
    expected = {
        "us": "records only if they agree in writing",
        "uk": "move to adult services",
        "ca": "move to adult care",
        "au": "turns 18",
        "ie": "adult services at 18",
        "other": "turns 18",
    }
    for region, words in expected.items():
        for age in (16, 17):
            assert words in consent(plan_json(kb, child_age=age, concerns=["depression"], therapy="dbt", region=region))
        assert " 18" not in consent(plan_json(kb, child_age=15, concerns=["depression"], therapy="dbt", region=region))


# --- 6. a child who will not go -----------------------------------------------------------------------------------


def test_plans_say_what_to_do_if_the_child_refuses_fitted_to_age_and_worry(kb: KnowledgeBase) -> None:
    anxious = " ".join(plan_json(kb, child_age=10, concerns=["anxiety"], therapy="unsure")["prepare"])
    assert "go to the first appointment yourself" in anxious and "SPACE" in anxious
    behavior = " ".join(plan_json(kb, child_age=6, concerns=["behavior"], therapy="cbt")["prepare"])
    assert "go to the first appointment yourself" in behavior and "parent training" in behavior
    teen = " ".join(plan_json(kb, child_age=16, concerns=["depression"], therapy="cbt", stage="waiting")["prepare"])
    assert "go to the first appointment yourself" in teen
    ongoing = said(plan_json(kb, child_age=12, concerns=["depression"], therapy="cbt", stage="ongoing"))
    assert "starts refusing to go" in ongoing
    for therapy in PARENT_LED:  # the child does not come anyway
        assert "won't go" not in said(plan_json(kb, child_age=9, concerns=["anxiety"], therapy=therapy))
    assert "won't go" not in said(plan_json(kb, child_age=2, concerns=["behavior"], therapy="unsure"))


# --- 7. waiting -------------------------------------------------------------------------------------------------------


def test_a_waiting_family_is_told_what_to_do_meanwhile_and_nothing_of_sessions_under_way(kb: KnowledgeBase) -> None:
    assert "waiting" in kb.question("stage").choice_ids()
    for region in ("us", "uk"):
        answers = {"child_age": 11, "concerns": ["anxiety"], "therapy": "cbt", "stage": "waiting", "region": region}
        data = plan_json(kb, **answers)
        first = data["prepare"][0]
        assert first.startswith("While you wait") and "emergency department" in first
        assert data["summary"][2].startswith("Do next: while you wait")
        text = said(data)
        assert "Now that sessions are going" not in text and "The first appointments are behind you" not in text
        timeline = [m["asks_of_you"] for m in jsonout.plan(plan(kb, answers), kb)["moments"]]
        assert timeline[2] == "Once sessions begin, ask what your part in them will be."


# --- 8. the parent's own health -------------------------------------------------------------------------------------


def test_a_baby_or_toddlers_parent_is_told_where_to_turn_for_their_own_mood(kb: KnowledgeBase) -> None:
    where = {
        "us": "your own doctor",
        "uk": "GP or health visitor",
        "ie": "GP or public health nurse",
        "au": "maternal, child and family health nurse",
        "ca": "your own doctor",
        "other": "your own doctor",
    }
    for region, words in where.items():
        for age in (0, 3):
            assert words in " ".join(
                plan_json(kb, child_age=age, concerns=["behavior"], therapy="unsure", region=region)["why_it_matters"]
            )
        older = plan_json(kb, child_age=4, concerns=["behavior"], therapy="unsure", region=region)
        assert "Your own health matters too" not in " ".join(older["why_it_matters"])


# --- 9. eating, and school refusal ----------------------------------------------------------------------------------


def test_eating_is_a_concern_fbt_a_therapy_and_parents_find_it_by_the_words_they_type(
    kb: KnowledgeBase, run_cli: RunCli
) -> None:
    assert "eating" in kb.question("concerns").choice_ids()
    suggested = plan_json(kb, child_age=14, concerns=["eating"], therapy="unsure")["suggested_therapies"]
    assert [s["id"] for s in suggested] == ["fbt"]
    fbt = plan_json(kb, child_age=15, concerns=["eating"], therapy="fbt")
    assert fbt["attendance"] == "every-session" and "You are at the center" in fbt["therapy"]["role"]
    for words in ("eating disorder", "anorexia", "bulimia", "FBT", "Maudsley", "family-based treatment"):
        r = run_cli("explain", words, "--format", "json")
        assert r.exit_code == 0 and '"id": "fbt"' in r.stdout, words
    r = run_cli("explain", "won't go to school", "--format", "plain")
    assert r.exit_code == 0 and "When your child won't go to school" in r.stdout


# --- 10. one plan, one story ------------------------------------------------------------------------------------------


def grid(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    """Every age x therapy x stage x concern (alone and in pairs), the region turning through its choices."""
    concerns = kb.question("concerns").choice_ids()
    sets = [[c] for c in concerns] + [list(p) for p in itertools.combinations(concerns, 2)]
    regions = kb.question("region").choice_ids()
    turn = itertools.count()
    for age, therapy, stage, picked in itertools.product(
        range(18), kb.question("therapy").choice_ids(), kb.question("stage").choice_ids(), sets
    ):
        yield {
            "child_age": age,
            "therapy": therapy,
            "stage": stage,
            "concerns": picked,
            "region": regions[next(turn) % len(regions)],
        }


@pytest.mark.xdist_group("edges-grid")
def test_no_plan_in_the_grid_says_two_things_that_exclude_each_other(kb: KnowledgeBase) -> None:
    excludes = {r.id: set(r.excludes) for r in kb.rules if r.excludes}
    by_level = {a.id: set(a.excludes) for a in kb.attendance.values() if a.excludes}
    assert excludes and by_level  # the content declares them
    n = 0
    for answers in grid(kb):
        p = plan(kb, answers)
        used = set(p.trace)
        for rid in used & set(excludes):
            assert not used & excludes[rid], (answers, rid, used & excludes[rid])
        assert not used & by_level.get(p.attendance.id, set()), (answers, p.attendance.id)
        # the one-line summary leans on this: a plan with the crisis lines also has the pointer to them
        assert p.safety is None or p.crisis_pointer, answers
        n += 1
    assert n > 20_000


def test_the_shipped_exclusions_name_only_shipped_rules(kb: KnowledgeBase) -> None:
    ids = {r.id for r in kb.rules}
    named = {x for r in kb.rules for x in r.excludes} | {x for a in kb.attendance.values() for x in a.excludes}
    assert named and named <= ids, named - ids


def test_a_rule_may_fit_the_parents_attendance_level(kb: KnowledgeBase) -> None:
    # PCIT at 5: the parent is in every session, so the plan never asks what is kept between therapist and child
    data = plan_json(kb, child_age=5, concerns=["behavior"], therapy="pcit")
    assert data["attendance"] == "every-session"
    assert "keep between themselves and your child" not in said(data)
    assert "You are in the sessions" in " ".join(data["confidentiality"])
    play = plan_json(kb, child_age=3, concerns=["anxiety"], therapy="play")  # mostly seen alone at 3
    assert play["attendance"] != "every-session" and "hear most" not in said(play)
    assert (
        ATTENDANCE
        not in jsonout.plan(plan(kb, {"child_age": 5, "concerns": ["behavior"], "therapy": "pcit"}))["answers"]
    )


def test_an_ongoing_plan_never_asks_which_therapy_they_plan_to_use(kb: KnowledgeBase) -> None:
    data = plan_json(kb, child_age=9, concerns=["anxiety"], therapy="unsure", stage="ongoing")
    asks = " ".join(data["questions_to_ask"])
    assert "plan to use" not in asks and "are you using with my child" in asks


# --- 11. sources that belong --------------------------------------------------------------------------------------


@pytest.mark.xdist_group("edges-grid")
@pytest.mark.parametrize("region", ["us", "uk", "ca", "au", "ie", "other"])
def test_a_plan_never_cites_another_countrys_law_services_or_guidance(kb: KnowledgeBase, region: str) -> None:
    foreign = {s.id for s in kb.sources.values() if s.regions and region not in s.regions}
    assert foreign
    for answers in itertools.islice(grid(kb), 0, None, 7):
        p = plan(kb, {**answers, "region": region})
        cited = {s.id for s in p.sources}
        assert not cited & foreign, (answers, cited & foreign)


def test_a_us_plan_cites_no_london_or_western_australian_service_and_a_uk_plan_no_hipaa(kb: KnowledgeBase) -> None:
    us = {s["id"] for s in plan_json(kb, child_age=9, concerns=["anxiety"], therapy="cbt")["sources"]}
    assert not {"cahs-first-appointment", "cnwl-first-appointment", "nice-qs116-x"} & us
    for region in ("uk", "ie", "other"):
        cited = {
            s["id"] for s in plan_json(kb, child_age=9, concerns=["anxiety"], therapy="cbt", region=region)["sources"]
        }
        assert not {"hipaa-parent-records", "hipaa-access", "cwig-mandated", "ncsl-duty-to-warn"} & cited, region


# --- 13. no longer for it -----------------------------------------------------------------------------------------

# Measured with tools/plan_words.py on the content before issue 19 (5,544 families): the longest plan had 1,569
# words before Sources. A measurement of the old plans, not of this code: the README's table records it.
LONGEST_BEFORE = 1569


@pytest.mark.xdist_group("edges-grid")
def test_no_plan_grew_past_the_longest_plan_before_this_issue(kb: KnowledgeBase) -> None:
    longest = max(plan_words.grid(kb), key=lambda a: plan_words.words(kb, a))
    assert plan_words.words(kb, longest) <= LONGEST_BEFORE, longest


def test_in_short_stays_at_six_points_or_fewer(kb: KnowledgeBase) -> None:
    for answers in itertools.islice(grid(kb), 0, None, 31):
        assert len(jsonout.plan(plan(kb, answers), kb)["summary"]) <= 6
