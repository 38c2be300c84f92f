"""Conditions written as data: what they are, how they are checked, how specific they are.

A condition never runs code: it is one of six shapes, checked against an answers mapping.
Parsing them from YAML (with checks against the questions) lives in `kb/conditions.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Union

AnswerValue = Union[int, str, tuple[str, ...]]
Answers = Mapping[str, AnswerValue]


@dataclass(frozen=True, slots=True)
class Is:
    """The answer to `question` is one of `values` (a select or integer question)."""

    question: str
    values: frozenset[str | int]


@dataclass(frozen=True, slots=True)
class InRange:
    """The number answered to `question` lies in [low, high]; a missing end is open."""

    question: str
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Includes:
    """The multi-select answer to `question` contains every one of `values`."""

    question: str
    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition


Condition = Union[Is, InRange, Includes, All, AnyOf, Not]


def holds(cond: Condition, answers: Answers) -> bool:
    """Whether `cond` holds for `answers`. A check on an unanswered question is false."""
    # By exact type, not isinstance: the six kinds have no subclasses, and this runs for every rule of every plan.
    if type(cond) is Is:
        value = answers.get(cond.question)
        return value is not None and type(value) is not tuple and value in cond.values
    if type(cond) is InRange:
        value = answers.get(cond.question)
        if type(value) is not int:
            return False
        return (cond.low is None or value >= cond.low) and (cond.high is None or value <= cond.high)
    if type(cond) is Includes:
        value = answers.get(cond.question)
        return type(value) is tuple and cond.values.issubset(value)
    # Plain loops, not all()/any() over a generator: this runs once per rule per plan (see benchmarks/).
    if type(cond) is All:
        for part in cond.parts:  # noqa: SIM110
            if not holds(part, answers):
                return False
        return True
    if type(cond) is AnyOf:
        for part in cond.parts:  # noqa: SIM110
            if holds(part, answers):
                return True
        return False
    if type(cond) is Not:
        return not holds(cond.part, answers)
    raise TypeError(f"not a condition: {cond!r}")


def specificity(cond: Condition | None) -> int:
    """How many checks a condition makes: more checks, more specific."""
    if cond is None:
        return 0
    if isinstance(cond, (All, AnyOf)):
        return sum(specificity(p) for p in cond.parts)
    if isinstance(cond, Not):
        return specificity(cond.part)
    return 1


def questions_named(cond: Condition | None) -> set[str]:
    """Every question id a condition looks at."""
    if cond is None:
        return set()
    if isinstance(cond, (All, AnyOf)):
        return set().union(*(questions_named(p) for p in cond.parts))
    if isinstance(cond, Not):
        return questions_named(cond.part)
    return {cond.question}


def mentions(cond: Condition | None, question: str) -> bool:
    """Whether a condition looks at the answer to `question` anywhere inside it."""
    if cond is None:
        return False
    if isinstance(cond, (All, AnyOf)):
        return any(mentions(part, question) for part in cond.parts)
    if isinstance(cond, Not):
        return mentions(cond.part, question)
    return cond.question == question
