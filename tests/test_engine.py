"""The rules engine: `plan(kb, answers)` for every therapy, age and concern, conflicts, purity and bad answers."""

from __future__ import annotations

import copy
import functools
import itertools
import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CONTENT
from parentinvolve.engine import ATTENDANCE_RULE, BUILT_IN, SAFETY_RULE, Overruled, Plan, plan
from parentinvolve.errors import EXIT_USAGE, AnswersError
from parentinvolve.kb import build as loader
from parentinvolve.kb import load as load_kb
from parentinvolve.model import KnowledgeBase
from parentinvolve.render import jsonout

THERAPIES = [
    "cbt",
    "play",
    "pcit",
    "dbt",
    "family",
    "space",
    "tf-cbt",
    "cprt",
    "parent-training",
    "cpp",
    "fbt",
    "unsure",
]
AGES = range(0, 18)
CONCERNS = ["behavior", "anxiety", "depression", "self-harm", "family-change", "trauma", "eating", "other"]


def all_items(p: Plan) -> list[Any]:
    return [
        *(i for m in p.moments for i in m.items),
        *p.confidentiality,
        *p.prepare,
        *p.asks,
        *p.why,
    ]


def check_plan(kb: KnowledgeBase, p: Plan) -> None:
    """What holds for every plan, whatever the answers."""
    rules = {r.id: r for r in kb.rules}
    assert p.attendance.id in kb.attendance
    assert p.attendance_rule == ATTENDANCE_RULE and ATTENDANCE_RULE in p.trace
    assert p.trace, "a plan always says which rules made it"
    assert len(set(p.trace)) == len(p.trace)
    assert all(t in rules or t in BUILT_IN for t in p.trace)
    assert 5 <= len(p.asks) <= 8
    assert [m.id for m in p.moments] == [e.id for e in kb.entries_of("moment")]
    cited = {s.id for s in p.sources}
    assert all(s in kb.sources for s in cited)
    region = str(p.answers.get("region", "us"))
    for item in all_items(p):
        assert item.text and item.rule in p.trace
        if item.rule in rules:
            # every source of the rule that may be shown in the family's country, and at least one
            fitting = {s for s in rules[item.rule].sources if kb.sources[s].fits(region)}
            assert fitting and fitting <= cited, item.rule
    assert all(s.fits(region) for s in p.sources), region
    for o in p.overruled:
        assert o.rule in rules and o.by in p.trace and o.rule != o.by
    json.dumps(jsonout.plan(p))


def test_every_therapy_age_and_concern_gives_a_sound_plan(kb: KnowledgeBase) -> None:
    """A loop over the knowledge base (every therapy choice x every age x each concern), not a test per case."""
    for therapy, age, concern in itertools.product(kb.question("therapy").choice_ids(), AGES, CONCERNS):
        p = plan(kb, {"child_age": age, "concerns": [concern], "therapy": therapy})
        check_plan(kb, p)
        data = jsonout.plan(p)
        where = (therapy, age, concern)
        assert (data["safety"] is not None) == (concern == "self-harm"), where
        assert (p.trace[0] == SAFETY_RULE) == (concern == "self-harm"), where
        if therapy == "unsure":
            assert p.therapy is None and data["attendance"] == "depends", where
            for s in p.suggested:  # each suggestion fits the child's age and says the parent's part in it
                entry = kb.entry(s.id)
                assert entry is not None and entry.fits(age), where
                band = entry.band(age)
                assert band is not None and s.attendance is not None and s.attendance.id == band.attendance, where
        else:
            entry = kb.entry(therapy)
            assert entry is not None and p.therapy is not None and p.therapy.id == therapy
            band = entry.band(age)
            assert band is not None and data["attendance"] == band.attendance, where
            assert (data["therapy"]["age_note"] is None) == entry.fits(age), where
            assert not data["suggested_therapies"]
        cited = {s["id"] for s in data["sources"]}
        assert cited <= set(kb.sources)


@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
def test_every_combination_of_concerns_stages_and_regions_gives_a_sound_plan(kb: KnowledgeBase) -> None:
    regions = kb.question("region").choice_ids()
    therapies = kb.question("therapy").choice_ids()
    turn = itertools.count()
    for therapy, age, stage in itertools.product(therapies, (0, 1, 5, 6, 7, 12, 13, 16, 17), ("starting", "ongoing")):
        for n in (1, 2, 3, len(CONCERNS)):
            for concerns in itertools.combinations(CONCERNS, n):
                answers: dict[str, Any] = {"child_age": age, "concerns": list(concerns), "therapy": therapy}
                answers["stage"] = stage
                region = answers["region"] = regions[next(turn) % len(regions)]  # every family has a region
                p = plan(kb, answers)
                check_plan(kb, p)
                assert (p.safety is not None) == ("self-harm" in concerns)
                assert p.answers["region"] == region
                pointer = age >= 10 or bool({"self-harm", "depression"} & set(concerns))
                assert (p.crisis_pointer is not None) == pointer, answers


def test_the_plan_for_a_therapy_matches_what_explain_says_about_it(kb: KnowledgeBase) -> None:
    for entry in kb.entries_of("therapy"):
        for age in AGES:
            p = plan(kb, {"child_age": age, "concerns": ["other"], "therapy": entry.id})
            band = entry.band(age)
            assert band is not None and p.attendance.id == band.attendance, (entry.id, age)
            weekly = next(m for m in p.moments if m.id == "weekly")
            assert [i.text for i in weekly.items][: len(band.weekly)] == list(band.weekly), (entry.id, age)


# --- attendance: one decision, from the therapy and the age together ------------------------------------------


def test_pcit_is_every_session_at_any_age(kb: KnowledgeBase) -> None:
    for age in AGES:
        p = plan(kb, {"child_age": age, "concerns": ["behavior"], "therapy": "pcit"})
        assert p.attendance.id == "every-session"
        assert p.therapy is not None and any("coaches you live" in t for t in p.therapy.role)


def test_a_four_year_old_in_cbt_has_a_parent_in_every_session(kb: KnowledgeBase) -> None:
    p = plan(kb, {"child_age": 4, "concerns": ["anxiety"], "therapy": "cbt"})
    assert p.attendance.id == "every-session"
    assert "mostly seen on their own" not in p.attendance.description
    assert plan(kb, {"child_age": 9, "concerns": ["anxiety"], "therapy": "cbt"}).attendance.id == "some-sessions"


def test_play_therapy_at_4_is_some_sessions(kb: KnowledgeBase) -> None:
    p = plan(kb, {"child_age": 4, "concerns": ["behavior"], "therapy": "play"})
    assert p.attendance.id == "some-sessions"
    weekly = " ".join(i.text for m in p.moments if m.id == "weekly" for i in m.items)
    assert "don't usually sit in on every play therapy session" in weekly
    assert "a parent is often in the room for every session" not in weekly


def test_therapy_unknown_depends_and_each_suggestion_says_the_parents_part(kb: KnowledgeBase) -> None:
    for age in AGES:
        p = plan(kb, {"child_age": age, "concerns": ["anxiety", "trauma"], "therapy": "unsure"})
        assert p.attendance.id == "depends"
        data = jsonout.plan(p)
        assert data["suggested_therapies"], age
        for s in data["suggested_therapies"]:
            assert set(s) == {"id", "name", "summary", "attendance", "typical_ages"}
            assert s["attendance"] in kb.attendance and s["attendance"] != "depends"
            assert s["typical_ages"]["min"] <= age <= s["typical_ages"]["max"]


def test_space_is_parent_only(kb: KnowledgeBase) -> None:
    for age in AGES:
        p = plan(kb, {"child_age": age, "concerns": ["anxiety"], "therapy": "space"})
        assert p.attendance.id == "parent-only"
        # The child is not seen, so nothing about what the child keeps private from you.
        assert not {"confidentiality-teen", "confidentiality-younger"} & set(p.trace)


def test_dbt_replaces_the_teen_privacy_note_with_its_own(kb: KnowledgeBase) -> None:
    p = plan(kb, {"child_age": 15, "concerns": ["self-harm"], "therapy": "dbt", "region": "uk"})
    assert Overruled("confidentiality-teen", "confidentiality-dbt") in p.overruled
    private = " ".join(i.text for i in p.confidentiality)
    assert private.count("confidentiality agreement") + private.count("agreement about this") == 1
    assert p.safety is not None and p.safety.region == "uk" and p.safety.emergency == "999"


def test_self_harm_without_a_region_shows_the_default_region(kb: KnowledgeBase) -> None:
    p = plan(kb, {"child_age": 15, "concerns": ["self-harm"], "therapy": "cbt"})
    assert p.safety is not None
    assert p.safety.region == kb.question("region").default
    assert p.answers["region"] == p.safety.region


def test_without_a_region_every_plan_uses_the_default_region(kb: KnowledgeBase) -> None:
    """The region is asked of every family, so answers without one get the default and its local rules."""
    default = kb.question("region").default
    assert default == "us" and kb.question("region").when is None
    p = plan(kb, {"child_age": 13, "concerns": ["anxiety"], "therapy": "cbt"})
    assert p.answers["region"] == default
    assert p.safety is None
    assert {"region-us-records", "region-us-teen-consent"} <= set(p.trace)
    assert not [r for r in p.trace if r.startswith(("region-uk-", "region-ca-", "region-consent-elsewhere"))]


def test_unsure_suggestions_follow_the_answers(kb: KnowledgeBase) -> None:
    def suggested(age: int, *concerns: str) -> set[str]:
        return {s.id for s in plan(kb, {"child_age": age, "concerns": list(concerns), "therapy": "unsure"}).suggested}

    assert "pcit" in suggested(5, "behavior")
    assert "pcit" not in suggested(9, "behavior")
    assert "parent-training" in suggested(7, "behavior")
    assert "parent-training" not in suggested(12, "behavior")
    assert "dbt" in suggested(12, "self-harm")
    assert "dbt" not in suggested(11, "self-harm")
    assert "tf-cbt" in suggested(10, "trauma")
    assert suggested(1, "trauma") == {"cpp"}
    assert suggested(12, "other") == {"cbt", "family"}


# --- conflict resolution on a small knowledge base of our own ------------------------------------------------

SOURCE = "psychcentral-parent-involvement"
ASKS = "[goals, kept-informed, at-home, crisis-plan, which-therapy]"


def rule(rid: str, when: str = "", **fields: object) -> str:
    lines = [f"- id: {rid}", f"  sources: [{SOURCE}]"]
    if when:
        lines.append(f"  when: {when}")
    lines += [f"  {key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def synthetic(content_copy: Path, *rules: str) -> KnowledgeBase:
    """The shipped content with rules.yaml replaced: a base rule, then `rules` in order."""
    text = rule("default", ask=ASKS) + "".join(rules)
    (content_copy / "rules.yaml").write_text(text, encoding="utf-8")
    return loader.load(content_copy)


ANSWERS = {"child_age": 5, "concerns": ["behavior"], "therapy": "cbt", "stage": "starting"}


def winner(p: Plan) -> list[str]:
    return [i.rule for i in p.why]


def test_priority_beats_specificity(content_copy: Path) -> None:
    kb = synthetic(
        content_copy,
        rule("specific", "{therapy: cbt, child_age: {max: 6}}", group="g", priority=10, why="[Specific.]"),
        rule("important", "{therapy: cbt, stage: starting}", group="g", priority=20, why="[Important.]"),
    )
    p = plan(kb, ANSWERS)
    assert winner(p) == ["important"]
    assert Overruled("specific", "important") in p.overruled


def test_on_equal_priority_the_more_specific_wins(content_copy: Path) -> None:
    kb = synthetic(
        content_copy,
        rule("general", "{therapy: cbt}", group="g", priority=10, why="[General.]"),
        rule("specific", "{therapy: cbt, child_age: {max: 6}}", group="g", priority=10, why="[Specific.]"),
    )
    p = plan(kb, ANSWERS)
    assert winner(p) == ["specific"]
    assert Overruled("general", "specific") in p.overruled
    # When the specific rule does not apply, the general one wins.
    older = plan(kb, {**ANSWERS, "child_age": 9})
    assert winner(older) == ["general"]
    assert "specific" not in older.trace


@pytest.mark.parametrize("first", ["one", "two"])
def test_on_a_full_tie_the_earlier_rule_wins(content_copy: Path, first: str) -> None:
    rules = {
        "one": rule("one", "{therapy: cbt}", group="g", priority=10, why="[One.]"),
        "two": rule("two", "{child_age: {max: 6}}", group="g", priority=10, why="[Two.]"),
    }
    second = "two" if first == "one" else "one"
    kb = synthetic(content_copy, rules[first], rules[second])
    p = plan(kb, ANSWERS)
    assert winner(p) == [first]
    assert Overruled(second, first) in p.overruled


def test_only_the_strongest_rule_of_a_group_contributes(content_copy: Path) -> None:
    kb = synthetic(
        content_copy,
        rule("weak", "{therapy: cbt}", group="note", priority=1, why="[Weak words.]", ask="[custody]"),
        rule(
            "strong",
            "{therapy: cbt, stage: starting}",
            group="note",
            priority=2,
            why="[Strong words.]",
            ask="[records]",
        ),
        rule("free", "{therapy: cbt}", why="[Free words.]"),
    )
    p = plan(kb, ANSWERS)
    why = [i.text for i in p.why]
    asks = [i.rule for i in p.asks]
    assert "Strong words." in why and "Free words." in why and "Weak words." not in why
    assert "strong" in asks and "weak" not in asks
    assert Overruled("weak", "strong") in p.overruled
    assert "weak" not in p.trace and {"strong", "free"} <= set(p.trace)


def test_a_rule_whose_condition_fails_adds_nothing(content_copy: Path) -> None:
    kb = synthetic(content_copy, rule("teen", "{child_age: {min: 13}}", why="[Teen words.]"))
    p = plan(kb, ANSWERS)
    assert "teen" not in p.trace
    assert all(i.text != "Teen words." for i in p.why)
    assert "Teen words." in [i.text for i in plan(kb, {**ANSWERS, "child_age": 13}).why]


# --- purity ---------------------------------------------------------------------------------------------------


def test_plan_is_pure(kb: KnowledgeBase) -> None:
    answers = {"child_age": 14, "concerns": ["self-harm", "anxiety"], "therapy": "dbt", "stage": "ongoing"}
    before = copy.deepcopy(answers)
    first, second = plan(kb, answers), plan(kb, answers)
    assert first == second
    assert answers == before
    assert plan(kb, MappingProxyType(answers)) == first  # a read-only mapping is fine: nothing is written to it


def test_answers_are_normalised_the_same_way_as_an_answers_file(kb: KnowledgeBase) -> None:
    messy = {"child_age": "9", "concerns": ["Anxiety", "family_change"], "therapy": "TF CBT"}
    clean = {"child_age": 9, "concerns": ["family-change", "anxiety"], "therapy": "tf-cbt"}
    assert plan(kb, messy) == plan(kb, clean)


# --- bad answers --------------------------------------------------------------------------------------------------

GOOD = {"child_age": 9, "concerns": ["anxiety"], "therapy": "cbt"}


NOT_A_NUMBER = "is not a whole number; give a whole number from 0 to 17"
OUT_OF_RANGE = "is out of range; give a whole number from 0 to 17"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"child_age": 18}, ("child_age: 18 ", OUT_OF_RANGE)),
        ({"child_age": -1}, ("child_age: -1 ", OUT_OF_RANGE)),
        ({"child_age": "nine"}, ("child_age: ", "nine", NOT_A_NUMBER)),
        ({"child_age": True}, ("child_age: ", NOT_A_NUMBER)),
        ({"child_age": 9.5}, ("child_age: 9.5 ", NOT_A_NUMBER)),
        ({"concerns": []}, ("concerns: pick at least one; give a list of one or more of: behavior,",)),
        ({"concerns": "anxiety"}, ("concerns: should be a list",)),
        ({"concerns": ["anxiety", "anxiety"]}, ("concerns: ", "anxiety", "is listed twice")),
        ({"concerns": ["anxeity"]}, ("concerns: ", "(did you mean: anxiety?)")),
        ({"therapy": "pcti"}, ("therapy: ", "pcti", "is not one of: cbt,", "(did you mean: pcit?)")),
        ({"therapy": 3}, ("therapy: 3 should be one of: cbt,",)),
        ({"therapyy": "cbt"}, ("unknown question ", "therapyy", "(did you mean: therapy?)")),
        ({"region": "mars"}, ("region: ", "mars", "is not one of: us, uk, ca, au, ie")),
    ],
)
def test_invalid_answers_raise_answers_error(
    kb: KnowledgeBase, change: dict[str, object], expected: tuple[str, ...]
) -> None:
    with pytest.raises(AnswersError) as caught:
        plan(kb, {**GOOD, **change})
    assert caught.value.exit_code == EXIT_USAGE == 2
    lines = caught.value.lines()
    assert len(lines) == 1 and lines[0].startswith("answers: ")
    assert all(part in lines[0] for part in expected), lines[0]


def test_missing_answers_are_all_named_at_once(kb: KnowledgeBase) -> None:
    with pytest.raises(AnswersError) as caught:
        plan(kb, {"stage": "ongoing"})
    lines = caught.value.lines()
    assert lines == [
        "answers: child_age is missing: give a whole number from 0 to 17",
        "answers: concerns is missing: give a list of one or more of: "
        "behavior, anxiety, depression, self-harm, family-change, trauma, eating, other",
        "answers: therapy is missing: give one of: cbt, play, pcit, dbt, family, space, tf-cbt, cprt, parent-training, cpp, fbt, unsure",
    ]


# Any mapping at all: a plan, or a clear AnswersError; never anything else.
answer_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 30),
    st.floats(allow_nan=True),
    st.text(max_size=10),
    st.sampled_from([*THERAPIES, *CONCERNS, "us", "uk", "starting", "ongoing"]),
    st.lists(st.sampled_from(CONCERNS) | st.text(max_size=5), max_size=4),
)
answer_keys = st.sampled_from(["child_age", "concerns", "therapy", "stage", "region"]) | st.text(max_size=8)


@functools.cache  # hypothesis runs the test many times: load once (and only when it runs: it is slow-marked)
def shipped() -> KnowledgeBase:
    return loader.load(CONTENT)


@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
@settings(max_examples=300, deadline=None)
@given(raw=st.dictionaries(answer_keys, answer_values, max_size=6))
def test_any_answers_give_a_plan_or_an_answers_error(raw: dict[str, object]) -> None:
    try:
        p = plan(shipped(), raw)
    except AnswersError as exc:
        assert exc.lines() and all(line.startswith("answers: ") for line in exc.lines())
    else:
        check_plan(shipped(), p)


# --- what each rule says, made with the knowledge base (kb/said.py) ---------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("clinic", [None, CONTENT.parent / "examples" / "clinic"], ids=["content", "with-a-clinic"])
def test_each_rules_items_are_its_own_words_in_its_language(lang: str, clinic: Path | None) -> None:
    """The items a rule brings to a plan are made once, where rules are made or changed (a clinic's layer
    adds to `because`, a translation changes the texts): they must be the rule's words as they end up."""
    kb = loader.load(CONTENT, clinic) if lang == "en" else load_kb(CONTENT, clinic, lang)
    said_where: dict[tuple[str, str], int] = {}
    for r in kb.rules:
        words = [(m, t) for m, texts in r.moments for t in texts]
        words += [
            (place, t)
            for place, texts in (("#confidentiality", r.confidentiality), ("#prepare", r.prepare), ("#why", r.why))
            for t in texts
        ]
        words = list(dict.fromkeys(words))
        assert list(zip(r.said_in, [i.text for i in r.said], strict=True)) == words, r.id
        assert all((i.rule, i.because) == (r.id, r.because) for i in r.said), r.id
        for word in words:
            said_where[word] = said_where.get(word, 0) + 1
    for r in kb.rules:
        again = [said_where[(place, i.text)] > 1 for place, i in zip(r.said_in, r.said, strict=True)]
        assert list(r.said_again) == again, r.id
    if lang == "es":
        assert any("Usted" in i.text or "usted" in i.text for r in kb.rules for i in r.said)


def test_a_text_two_rules_say_in_one_place_is_said_once(content_copy: Path) -> None:
    """Two rules that apply to everyone say the same line in the weekly sessions: a plan says it once, where
    the first of them put it; the same line in another place is another item."""
    line = "Bring a notebook to jot down what the therapist suggests."
    with (content_copy / "rules.yaml").open("a", encoding="utf-8") as fh:
        for n in (1, 2):
            fh.write(f"\n- id: notebook-{n}\n  sources: [aacap-questions]\n  moments:\n    weekly: [{line!r}]\n")
        fh.write(f"\n- id: notebook-3\n  sources: [aacap-questions]\n  prepare: [{line!r}]\n")
    kb = loader.load(content_copy)
    notebooks = {r.id: r for r in kb.rules if r.id.startswith("notebook-")}
    assert [r.said_again for r in notebooks.values()] == [(True,), (True,), (False,)]
    p = plan(kb, {"child_age": 9, "concerns": ["anxiety"], "therapy": "cbt", "stage": "ongoing"})
    weekly = [i for m in p.moments if m.id == "weekly" for i in m.items if i.text == line]
    assert [i.rule for i in weekly] == ["notebook-1"]
    assert [i.rule for i in p.prepare if i.text == line] == ["notebook-3"]
