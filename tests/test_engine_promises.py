"""The engine's promises, each on a knowledge base made for it (tests/kbbuilder.py), so that none of them rests
on what the shipped content happens to contain: suggestions stay inside a therapy's ages, each is offered once
and names the rule that offered it, groups and ranks decide who speaks, the cap of questions keeps the
strongest and never drops a locked one, a rule can fit the parent's attendance level."""

from __future__ import annotations

from kbbuilder import age, chosen, kb, rule, therapy, worry
from parentinvolve.conditions import Is, Not
from parentinvolve.engine import MAX_ASKS, plan
from parentinvolve.model import ATTENDANCE

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
