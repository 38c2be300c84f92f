"""The engine's promises, each on a knowledge base made for it (tests/kbbuilder.py), so that none of them rests
on what the shipped content happens to contain: suggestions stay inside a therapy's ages, each is offered once
and names the rule that offered it, groups and ranks decide who speaks, the cap of questions keeps the
strongest and never drops a locked one, a rule can fit the parent's attendance level."""

from __future__ import annotations

import pytest

from kbbuilder import age, chosen, kb, rule, therapy, worry
from parentinvolve.conditions import Is, Not
from parentinvolve.engine import MAX_ASKS, Safety, TherapyPlan, crisis_now, plan
from parentinvolve.i18n import activate
from parentinvolve.model import (
    ATTENDANCE,
    Band,
    Choice,
    Crisis,
    KnowledgeBase,
    Line,
    Question,
    Region,
    Rule,
    Section,
    Source,
)

ANSWERS = {"child_age": 9, "concerns": ["a"], "therapy": "unsure"}


def test_a_suggestion_outside_the_therapys_ages_is_never_offered() -> None:
    base = kb(
        [therapy("young", 0, 5), therapy("teen", 12, 17), therapy("any")],
        [rule("offer", suggest=("young", "teen", "any"))],
    )
    for child_age, expected in ((3, ["young", "any"]), (9, ["any"]), (14, ["teen", "any"]), (5, ["young", "any"])):
        got = [s.id for s in plan(base, {**ANSWERS, "child_age": child_age}).suggested]
        assert got == expected, child_age
    # every therapy the rules offer, checked: one outside the ages does not stop the ones after it
    only = kb([therapy("teen", 12, 17), therapy("any")], [rule("offer", suggest=("teen", "any"))])
    assert [s.id for s in plan(only, ANSWERS).suggested] == ["any"]


def test_each_therapy_is_suggested_once_by_the_first_rule_that_offers_it_and_says_which() -> None:
    base = kb(
        [therapy("x"), therapy("y")],
        [rule("first", worry("a"), order=0, suggest=("x",)), rule("second", order=1, suggest=("x", "y"))],
    )
    suggested = plan(base, ANSWERS).suggested
    assert [(s.id, s.rule, s.because) for s in suggested] == [
        ("x", "first", "because first"),
        ("y", "second", "because second"),
    ]
    assert suggested[0].attendance is not None and suggested[0].attendance.id == "some-sessions"


def test_no_suggestion_for_a_chosen_therapy() -> None:
    base = kb([therapy("x"), therapy("y")], [rule("offer", suggest=("y",))])
    assert plan(base, {**ANSWERS, "therapy": "x"}).suggested == ()


def test_in_a_group_only_the_strongest_rule_speaks_and_the_trace_says_who_overruled_whom() -> None:
    base = kb(
        [therapy("x")],
        [
            rule("weak", group="g", priority=10, order=0, why=("Weak.",)),
            rule("strong", worry("a"), group="g", priority=20, order=1, why=("Strong.",)),
            rule("tie-specific", age(5, 12), group="h", priority=5, order=2, why=("Specific.",)),
            rule("tie-plain", group="h", priority=5, order=3, why=("Plain.",)),
        ],
    )
    p = plan(base, ANSWERS)
    assert [i.text for i in p.why] == ["Strong.", "Specific."]
    assert {(o.rule, o.by) for o in p.overruled} == {("weak", "strong"), ("tie-plain", "tie-specific")}


def test_the_cap_keeps_the_strongest_questions_and_never_a_locked_one_less() -> None:
    asks = [f"q{n}" for n in range(12)]
    base = kb(
        [therapy("x")],
        [
            rule("safety", ask=("q11",), locked=True, order=0),
            rule("loud", priority=90, ask=tuple(asks[:10]), order=1),
        ],
        asks,
    )
    got = [i.rule for i in plan(base, ANSWERS).asks]
    assert len(got) == MAX_ASKS and "safety" in got


def test_a_rule_can_fit_the_parents_attendance_level() -> None:
    base = kb(
        [therapy("with-you", level="every-session"), therapy("alone", level="some-sessions")],
        [
            rule("in-the-room", Is(ATTENDANCE, frozenset({"every-session"})), why=("You are there.",)),
            rule("kept-apart", Not(Is(ATTENDANCE, frozenset({"every-session"}))), why=("Ask what stays private.",)),
        ],
    )
    assert [i.text for i in plan(base, {**ANSWERS, "therapy": "with-you"}).why] == ["You are there."]
    assert [i.text for i in plan(base, {**ANSWERS, "therapy": "alone"}).why] == ["Ask what stays private."]
    assert [i.text for i in plan(base, ANSWERS).why] == ["Ask what stays private."]  # not known yet: depends
    assert ATTENDANCE not in plan(base, ANSWERS).answers  # the parent's answers, as given


def test_a_chosen_therapy_outside_its_ages_gets_a_note_and_still_its_attendance() -> None:
    base = kb([therapy("teen", 12, 17, level="some-sessions")], [rule("any", chosen("teen"), why=("Teen.",))])
    p = plan(base, {**ANSWERS, "therapy": "teen", "child_age": 8})
    assert p.therapy is not None and p.therapy.age_note and "12 to 17" in p.therapy.age_note
    assert p.attendance.id == "some-sessions"


# --- the safety block, the crisis pointer, and the help shown while the questions are asked ------------------------

US = Region(
    "us",
    "US",
    "911",
    (Line("Main line", "call 988", main=True), Line("Spanish line", "call 988, press 2", main_in=("es",))),
    steps=("Put guns away.",),
    sources=("us-src",),
)
UK = Region("uk", "UK", "999", (Line("Samaritans", "116 123", main=True),), steps=("UK step.",), sources=("uk-src",))
NOWHERE = Region("nz", "Elsewhere", "112", (Line("Emergency", "112"),))  # no main line
CRISIS = Crisis(
    "Call now.",
    ("Lock up medicines.",),
    ("crisis-src",),
    (US, UK, NOWHERE),
    warning_signs=("Talk of dying.",),
    pointer_signs="Act at once if they talk of dying.",
    pointer_sources=("signs-src",),
)
SOURCES = [Source(s, s.title()) for s in ("us-src", "uk-src", "crisis-src", "signs-src")] + [
    Source("uk-law", "UK law", regions=("uk",))
]
POINTER = "If you ever fear for your child's safety, contact {line}. In an emergency, call {number}."


def crisis_kb(*rules: Rule) -> KnowledgeBase:
    return kb([therapy("x")], rules, crisis=CRISIS, sources=SOURCES)


def test_self_harm_brings_the_regions_crisis_block_and_its_sources() -> None:
    base = crisis_kb()
    p = plan(base, {**ANSWERS, "concerns": ["self-harm"], "region": "uk"})
    assert p.safety == Safety(
        region="uk",
        region_name="UK",
        emergency="999",
        lines=UK.lines,
        message="Call now.",
        safety_plan=("UK step.", "Lock up medicines."),  # the region's steps before the common ones
        warning_signs=("Talk of dying.",),
    )
    assert p.crisis_pointer == POINTER.format(line="Samaritans: 116 123", number="999")  # no signs: the block has them
    assert [s.id for s in p.sources] == ["uk-src", "crisis-src"]  # in the knowledge base's order
    assert p.trace[:3] == ("safety-first", "crisis-pointer", "therapy-attendance")
    assert plan(base, {**ANSWERS, "concerns": ["a", "b"], "region": "uk"}).safety is None


def test_a_spanish_plan_puts_the_line_marked_for_spanish_first_and_names_it_in_the_pointer() -> None:
    base = crisis_kb()
    answers = {**ANSWERS, "concerns": ["self-harm"], "region": "us"}
    english = plan(base, answers)
    assert english.safety is not None and [line.name for line in english.safety.lines] == ["Main line", "Spanish line"]
    assert english.crisis_pointer == POINTER.format(line="Main line: call 988", number="911")
    activate("es")
    try:
        spanish = plan(base, answers)
    finally:
        activate("en")
    assert spanish.safety is not None and [line.name for line in spanish.safety.lines] == ["Spanish line", "Main line"]
    assert spanish.crisis_pointer is not None and "Spanish line: call 988, press 2" in spanish.crisis_pointer


@pytest.mark.parametrize(
    ("child_age", "concerns", "pointer"),
    [
        (9, ["a"], None),
        (10, ["a"], POINTER.format(line="Main line: call 988", number="911")),
        (16, ["b"], POINTER.format(line="Main line: call 988", number="911")),
        (4, ["depression"], POINTER.format(line="Main line: call 988", number="911") + " " + CRISIS.pointer_signs),
        (4, ["self-harm"], POINTER.format(line="Main line: call 988", number="911")),
        (12, ["depression", "self-harm"], POINTER.format(line="Main line: call 988", number="911")),
    ],
)
def test_the_crisis_pointer_is_for_children_of_10_and_over_and_for_low_mood_or_self_harm(
    child_age: int, concerns: list[str], pointer: str | None
) -> None:
    p = plan(crisis_kb(), {**ANSWERS, "child_age": child_age, "concerns": concerns, "region": "us"})
    assert p.crisis_pointer == pointer
    assert ("crisis-pointer" in p.trace) == (pointer is not None)
    cited = {s.id for s in p.sources}
    assert ("signs-src" in cited) == (pointer is not None and CRISIS.pointer_signs in pointer)
    assert ("us-src" in cited) == (pointer is not None)


def test_a_region_without_a_main_line_points_to_its_emergency_number_and_to_explain_crisis() -> None:
    p = plan(crisis_kb(), {**ANSWERS, "child_age": 14, "region": "nz"})
    assert p.crisis_pointer == (
        "If you ever fear for your child's safety, call 112. "
        'For crisis help where you live, see "parentinvolve explain crisis".'
    )


def test_the_help_shown_once_self_harm_is_ticked_names_the_line_once_the_country_is_known() -> None:
    base = crisis_kb()
    assert crisis_now(base, {"concerns": ("depression",), "region": "us"}) is None
    assert crisis_now(base, {}) is None
    assert crisis_now(base, {"concerns": ("self-harm",)}) == (
        "Call now. You will get your country's crisis lines at the end."
    )
    assert crisis_now(base, {"concerns": ("self-harm",), "region": "uk"}) == POINTER.format(
        line="Samaritans: 116 123", number="999"
    )
    assert crisis_now(base, {"concerns": ("self-harm",), "region": "nz"}) == (
        "If you ever fear for your child's safety, call 112. "
        'For crisis help where you live, see "parentinvolve explain crisis".'
    )


def test_a_region_question_not_asked_falls_back_to_its_default() -> None:
    region = Question(
        "region", "select", "Where?", "", (Choice("us", "US"), Choice("uk", "UK")), default="uk", when=age(12)
    )
    base = kb([therapy("x")], [], crisis=CRISIS, sources=SOURCES, region=region)
    p = plan(base, {**ANSWERS, "child_age": 5, "concerns": ["self-harm"]})
    assert "region" not in p.answers and p.safety is not None and p.safety.region == "uk"


def test_a_source_of_one_country_is_cited_only_for_families_there() -> None:
    base = crisis_kb(rule("law", why=("The law.",))._replace(sources=("src", "uk-law")))
    assert "uk-law" in {s.id for s in plan(base, {**ANSWERS, "region": "uk"}).sources}
    assert "uk-law" not in {s.id for s in plan(base, {**ANSWERS, "region": "us"}).sources}


# --- the parent's part, the therapy, its caution ---------------------------------------------------------------------


def test_the_parents_part_says_why_and_the_therapys_weekly_words_come_first() -> None:
    base = kb(
        [therapy("x", 3, 12)],
        [rule("weekly", moments=(("weekly", ("Weekly in x.", "Bring a snack.")),))],
    )
    unsure = plan(base, ANSWERS)
    assert unsure.attendance.id == "depends"
    assert unsure.attendance_because == "you're not sure yet which therapy your child will have"
    chosen_x = plan(base, {**ANSWERS, "therapy": "x"})
    because = "you chose Therapy x, and your child is 9"
    assert (chosen_x.attendance.id, chosen_x.attendance_rule, chosen_x.attendance_because) == (
        "some-sessions",
        "therapy-attendance",
        because,
    )
    weekly = next(m for m in chosen_x.moments if m.id == "weekly")
    assert [(i.text, i.rule, i.because) for i in weekly.items] == [
        ("Weekly in x.", "therapy-attendance", because),  # the therapy's own, once, though the rule says it too
        ("Bring a snack.", "weekly", "because weekly"),
    ]
    assert chosen_x.therapy == TherapyPlan(
        id="x",
        name="Therapy x",
        summary="About x.",
        role=("Your part in x.",),
        length=(),
        typical_ages=(3, 12),
        age_note=None,
    )


def test_a_therapy_chosen_outside_its_ages_says_so_in_full() -> None:
    p = plan(kb([therapy("teen", 12, 17)], []), {**ANSWERS, "therapy": "teen", "child_age": 8})
    assert p.therapy is not None and p.therapy.age_note == (
        "Therapy teen is usually used with children aged 12 to 17, and your child is 8. "
        "Ask the therapist why they chose it and how they will adapt it to your child's age."
    )


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Terapia familiar", "usted eligió terapia familiar y"),
        ("SPACE", "usted eligió SPACE y"),  # an acronym keeps its capitals
        ("PCit", "usted eligió PCit y"),
        ("Tf", "usted eligió tf y"),
    ],
)
def test_a_spanish_plan_writes_the_therapys_name_inside_its_sentence(name: str, said: str) -> None:
    base = kb([therapy("x")._replace(name=name)], [])
    activate("es")
    try:
        because = plan(base, {**ANSWERS, "therapy": "x"}).attendance_because
    finally:
        activate("en")
    assert because.startswith(said), because


def test_a_therapys_caution_goes_wherever_the_therapy_does() -> None:
    caution = Section("caution", "Safety", ("No joint sessions while someone is unsafe.",))
    fam = therapy("fam")._replace(sections=(*therapy("fam").sections, caution), sources=("src", "fam-src"))
    base = kb([fam], [rule("offer", suggest=("fam",))], sources=[Source("fam-src", "Fam")])
    for answers in ({**ANSWERS, "therapy": "fam"}, ANSWERS):  # chosen, or only suggested
        p = plan(base, answers)
        weekly = next(m for m in p.moments if m.id == "weekly")
        assert (weekly.items[-1].text, weekly.items[-1].rule, weekly.items[-1].because) == (
            "No joint sessions while someone is unsafe.",
            "therapy-caution",
            "Therapy fam",
        )
        assert "therapy-caution" in p.trace and "fam-src" in {s.id for s in p.sources}
    assert [i.text for i in next(m for m in plan(base, ANSWERS).moments if m.id == "weekly").items] == [
        "No joint sessions while someone is unsafe."
    ]
    assert "therapy-caution" not in plan(kb([therapy("x")], []), ANSWERS).trace


# --- what the rules say, once ------------------------------------------------------------------------------------------


def test_each_text_is_said_once_in_each_place_whichever_rules_say_it() -> None:
    base = kb(
        [therapy("x")],
        [
            rule("one", why=("Same.", "Also."), prepare=("Same.",), order=0),
            rule("two", why=("Same.", "Also.", "Own."), prepare=("Same.",), order=1),
        ],
    )
    p = plan(base, ANSWERS)
    assert [(i.text, i.rule) for i in p.why] == [("Same.", "one"), ("Also.", "one"), ("Own.", "two")]
    assert [i.text for i in p.prepare] == ["Same."]
    assert p.trace == ("therapy-attendance", "one", "two")


def test_each_question_to_ask_says_which_rule_asks_it_and_why() -> None:
    base = kb([therapy("x")], [rule("asker", worry("a"), ask=("q1", "q2"))], ["q1", "q2", "q3"])
    assert [(i.text, i.rule, i.because) for i in plan(base, ANSWERS).asks] == [
        ("Ask q1?", "asker", "because asker"),
        ("Ask q2?", "asker", "because asker"),
    ]


def test_locked_questions_beyond_the_cap_are_all_kept_and_leave_no_room_for_others() -> None:
    locked = [f"safe{n}" for n in range(MAX_ASKS + 1)]
    base = kb(
        [therapy("x")],
        [rule("safety", ask=tuple(locked), locked=True, order=0), rule("other", ask=("q",), priority=99, order=1)],
        ["q"],
        locked_asks=locked,
    )
    assert [i.rule for i in plan(base, ANSWERS).asks] == ["safety"] * len(locked)


def test_a_chosen_therapy_with_no_band_for_the_childs_age_says_depends_and_adds_no_weekly_words() -> None:
    """validate refuses such bands; the engine still gives a plan, with the level that is never wrong."""
    young = therapy("young")._replace(
        bands=(Band(min_age=0, max_age=5, attendance="every-session", weekly=("Weekly in young.",)),)
    )
    p = plan(kb([young], []), {**ANSWERS, "therapy": "young", "child_age": 9})
    assert p.attendance.id == "depends" and p.therapy is not None and p.therapy.id == "young"
    assert [i.text for m in p.moments for i in m.items] == []


def test_each_moment_of_the_plan_carries_its_name_and_summary() -> None:
    p = plan(kb([therapy("x")], []), ANSWERS)
    assert [(m.id, m.title, m.summary) for m in p.moments] == [("weekly", "Weekly", "Weekly sessions.")]
