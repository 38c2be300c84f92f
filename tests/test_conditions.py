"""Conditions written as data: every shape, read from YAML against the shipped questions, then checked."""

from __future__ import annotations

from typing import cast

import pytest

from parentinvolve.conditions import (
    All,
    Answers,
    AnyOf,
    Condition,
    Includes,
    InRange,
    Is,
    Not,
    holds,
    mentions,
    questions_named,
    specificity,
)
from parentinvolve.kb.conditions import parse_condition
from parentinvolve.kb.fields import Reader
from parentinvolve.kb.reader import parse_yaml
from parentinvolve.model import KnowledgeBase

TEEN_CBT: Answers = {"child_age": 14, "concerns": ("anxiety", "depression"), "therapy": "cbt", "stage": "starting"}
CHILD_PCIT: Answers = {"child_age": 4, "concerns": ("behavior",), "therapy": "pcit", "stage": "ongoing"}


def cond(kb: KnowledgeBase, text: str) -> Condition:
    """A condition read from YAML flow text, checked against the shipped questions; fails on any problem."""
    node, problems = parse_yaml(text, "when.yaml")
    assert node is not None and not problems, problems
    reader = Reader()
    parsed = parse_condition(node, {q.id: q for q in kb.questions}, reader)
    assert parsed is not None and not reader.problems, reader.problems
    return parsed


@pytest.mark.parametrize(
    ("text", "parsed", "teen_cbt", "child_pcit"),
    [
        # a value
        ("{therapy: pcit}", Is("therapy", frozenset({"pcit"})), False, True),
        ("{child_age: 4}", Is("child_age", frozenset({4})), False, True),
        # a list of values
        ("{therapy: [pcit, cbt]}", Is("therapy", frozenset({"pcit", "cbt"})), True, True),
        ("{therapy: [play, family]}", Is("therapy", frozenset({"play", "family"})), False, False),
        ("{child_age: [13, 14]}", Is("child_age", frozenset({13, 14})), True, False),
        # {min, max}, both ends included
        ("{child_age: {min: 14}}", InRange("child_age", 14, None), True, False),
        ("{child_age: {min: 15}}", InRange("child_age", 15, None), False, False),
        ("{child_age: {max: 4}}", InRange("child_age", None, 4), False, True),
        ("{child_age: {max: 3}}", InRange("child_age", None, 3), False, False),
        ("{child_age: {min: 4, max: 14}}", InRange("child_age", 4, 14), True, True),
        ("{child_age: {min: 5, max: 13}}", InRange("child_age", 5, 13), False, False),
        ("{child_age: {min: 14, max: 14}}", InRange("child_age", 14, 14), True, False),
        # includes: one, or all of several
        ("{concerns: {includes: anxiety}}", Includes("concerns", frozenset({"anxiety"})), True, False),
        (
            "{concerns: {includes: [anxiety, depression]}}",
            Includes("concerns", frozenset({"anxiety", "depression"})),
            True,
            False,
        ),
        (
            "{concerns: {includes: [anxiety, behavior]}}",
            Includes("concerns", frozenset({"anxiety", "behavior"})),
            False,
            False,
        ),
        # several keys mean all
        (
            "{therapy: cbt, child_age: {min: 7}}",
            All((Is("therapy", frozenset({"cbt"})), InRange("child_age", 7, None))),
            True,
            False,
        ),
        (
            "{therapy: cbt, child_age: {max: 7}}",
            All((Is("therapy", frozenset({"cbt"})), InRange("child_age", None, 7))),
            False,
            False,
        ),
        # all / any / not
        (
            "{all: [{therapy: pcit}, {stage: ongoing}]}",
            All((Is("therapy", frozenset({"pcit"})), Is("stage", frozenset({"ongoing"})))),
            False,
            True,
        ),
        (
            "{any: [{therapy: pcit}, {concerns: {includes: depression}}]}",
            AnyOf((Is("therapy", frozenset({"pcit"})), Includes("concerns", frozenset({"depression"})))),
            True,
            True,
        ),
        (
            "{any: [{therapy: play}, {stage: ongoing}]}",
            AnyOf((Is("therapy", frozenset({"play"})), Is("stage", frozenset({"ongoing"})))),
            False,
            True,
        ),
        ("{not: {therapy: pcit}}", Not(Is("therapy", frozenset({"pcit"}))), True, False),
        (
            "{not: {any: [{child_age: {max: 8}}, {concerns: {includes: depression}}]}}",
            Not(AnyOf((InRange("child_age", None, 8), Includes("concerns", frozenset({"depression"}))))),
            False,
            False,
        ),
    ],
)
def test_every_shape_is_read_and_checked(
    kb: KnowledgeBase, text: str, parsed: Condition, teen_cbt: bool, child_pcit: bool
) -> None:
    c = cond(kb, text)
    assert c == parsed
    assert holds(c, TEEN_CBT) is teen_cbt
    assert holds(c, CHILD_PCIT) is child_pcit


@pytest.mark.parametrize(
    "text",
    [
        "{region: us}",
        "{region: [us, uk]}",
        "{child_age: 4}",
        "{child_age: {min: 0}}",
        "{child_age: {max: 17}}",
        "{concerns: {includes: anxiety}}",
        "{all: [{region: us}]}",
        "{any: [{region: us}, {child_age: {min: 0}}]}",
        "{therapy: cbt, region: us}",
    ],
)
def test_a_check_on_an_unanswered_question_is_false(kb: KnowledgeBase, text: str) -> None:
    c = cond(kb, text)
    assert not holds(c, {})
    assert not holds(c, {"therapy": "cbt"})  # answered something else, not this


def test_not_of_an_unanswered_check_holds(kb: KnowledgeBase) -> None:
    # The check on the unanswered question is false, so its negation is true.
    assert holds(cond(kb, "{not: {region: us}}"), {"therapy": "cbt"})
    assert not holds(cond(kb, "{not: {region: us}}"), {"region": "us"})


@pytest.mark.parametrize(
    ("c", "answers"),
    [
        (Is("concerns", frozenset({"anxiety"})), {"concerns": ("anxiety",)}),  # a value check on a multi answer
        (Is("child_age", frozenset({4})), {"child_age": "4"}),  # text is not the number
        (InRange("child_age", 0, 17), {"child_age": "4"}),
        (Includes("concerns", frozenset({"anxiety"})), {"concerns": "anxiety"}),  # a single value is not a list
    ],
)
def test_an_answer_of_the_wrong_shape_never_matches(c: Condition, answers: Answers) -> None:
    assert not holds(c, answers)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{therapy: pcit}", 1),
        ("{therapy: [pcit, family]}", 1),
        ("{child_age: {min: 7, max: 12}}", 1),
        ("{concerns: {includes: [anxiety, depression]}}", 1),
        ("{therapy: cbt, child_age: {min: 7}}", 2),
        ("{therapy: unsure, concerns: {includes: behavior}, child_age: {max: 7}}", 3),
        ("{all: [{therapy: cbt}, {any: [{stage: starting}, {child_age: 3}]}]}", 3),
        ("{not: {therapy: space}}", 1),
        ("{all: [{child_age: {min: 12}}, {not: {therapy: space}}]}", 2),
    ],
)
def test_specificity_counts_the_checks(kb: KnowledgeBase, text: str, expected: int) -> None:
    assert specificity(cond(kb, text)) == expected


def test_no_condition_is_the_least_specific() -> None:
    assert specificity(None) == 0


def test_loaded_rules_carry_their_specificity(kb: KnowledgeBase) -> None:
    rules = {r.id: r for r in kb.rules}
    assert rules["why-base"].specificity == 0
    assert rules["role-play"].specificity == 1
    assert rules["suggest-dbt"].specificity == 3


def test_questions_named(kb: KnowledgeBase) -> None:
    c = cond(kb, "{all: [{therapy: cbt}, {not: {any: [{stage: starting}, {concerns: {includes: trauma}}]}}]}")
    assert questions_named(c) == {"therapy", "stage", "concerns"}
    assert questions_named(None) == set()


def test_mentions_looks_inside_all_any_and_not(kb: KnowledgeBase) -> None:
    c = cond(kb, "{all: [{therapy: cbt}, {not: {any: [{stage: starting}, {concerns: {includes: trauma}}]}}]}")
    assert [q for q in ("therapy", "stage", "concerns", "child_age") if mentions(c, q)] == [
        "therapy",
        "stage",
        "concerns",
    ]
    assert mentions(cond(kb, "{not: {child_age: {min: 12}}}"), "child_age")
    assert not mentions(cond(kb, "{not: {child_age: {min: 12}}}"), "therapy")
    assert not mentions(None, "child_age")


@pytest.mark.parametrize(
    "text",
    [
        "{concerns: {includes: [anxiety, anxeity]}}",  # one good choice does not save a list with a bad one
        "{therapy: [cbt, cbtt]}",
        "{child_age: [3, teen]}",
        "{child_age: {min: 3, max: teen}}",
        "{all: [{therapy: cbt}, {thrapy: cbt}]}",
        "{any: [{therapy: cbt}, {therapy: 3}]}",
        "{not: {concerns: anxiety}}",
        "{therapy: cbt, stage: begun}",
    ],
)
def test_a_condition_with_any_problem_is_reported_and_not_made(kb: KnowledgeBase, text: str) -> None:
    node, problems = parse_yaml(text, "when.yaml")
    assert node is not None and not problems
    reader = Reader()
    assert parse_condition(node, {q.id: q for q in kb.questions}, reader) is None
    assert len(reader.problems) == 1, reader.problems


def test_only_the_six_shapes_are_conditions() -> None:
    with pytest.raises(TypeError, match=r"^not a condition: 'therapy: cbt'$"):
        holds(cast(Condition, "therapy: cbt"), {})
