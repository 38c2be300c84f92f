"""A small knowledge base made for a test, from the model's own records (as pip-tools tests its resolver on a fake
index): so every promise of the engine is exercised whatever the shipped content happens to contain."""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

from parentinvolve.conditions import Condition, Includes, InRange, Is
from parentinvolve.kb import said
from parentinvolve.model import (
    DEPENDS,
    MOMENT,
    THERAPY,
    Ask,
    Attendance,
    Band,
    Choice,
    Crisis,
    Entry,
    KnowledgeBase,
    Line,
    Question,
    Region,
    Rule,
    Section,
    Source,
)

SOURCE = Source("src", "A source", url="https://example.org")
LEVELS = ("every-session", "some-sessions", "parent-only", DEPENDS)


def therapy(tid: str, low: int = 0, high: int = 17, level: str = "some-sessions") -> Entry:
    return Entry(
        THERAPY,
        tid,
        f"Therapy {tid}",
        f"About {tid}.",
        (Section("parent_role", "Your part", (f"Your part in {tid}.",)),),
        ("src",),
        ages=(low, high),
        ages_source="src",
        bands=(Band(0, 17, level, (f"Weekly in {tid}.",)),),
    )


def rule(rid: str, when: Condition | None = None, order: int = 0, **fields: Any) -> Rule:
    return Rule(rid, ("src",), because=f"because {rid}", when=when, order=order, **fields)


CRISIS = Crisis("Call now.", (), ("src",), (Region("us", "US", "911", (Line("Line", "911", main=True),)),))


def kb(
    therapies: Iterable[Entry],
    rules: Iterable[Rule],
    asks: Iterable[str] = (),
    *,
    crisis: Crisis = CRISIS,
    sources: Iterable[Source] = (),
    locked_asks: Iterable[str] = (),
    region: Question | None = None,
) -> KnowledgeBase:
    """Therapies (and the unsure choice) to choose from, one moment (`weekly`), and the rules; the region question
    offers the crisis regions (the first by default) unless `region` is given; `sources` beside the one every
    record cites (`src`); `locked_asks` are asked too, and locked."""
    therapies = tuple(therapies)
    locked = tuple(locked_asks)
    questions = (
        Question("child_age", "integer", "Age?", "", min=0, max=17),
        Question(
            "concerns",
            "multi",
            "Worries?",
            "",
            (Choice("a", "A"), Choice("b", "B"), Choice("depression", "Low mood"), Choice("self-harm", "Self-harm")),
        ),
        Question(
            "therapy", "select", "Therapy?", "", (*(Choice(t.id, t.name) for t in therapies), Choice("unsure", "?"))
        ),
        region
        or Question(
            "region",
            "select",
            "Where?",
            "",
            tuple(Choice(r.id, r.name) for r in crisis.regions),
            default=crisis.regions[0].id,
        ),
    )
    moment = Entry(MOMENT, "weekly", "Weekly", "Weekly sessions.", (), ("src",))
    return KnowledgeBase(
        root="<test>",
        sources=MappingProxyType({"src": SOURCE, **{s.id: s for s in sources}}),
        questions=questions,
        attendance=MappingProxyType({a: Attendance(a, a.title(), f"{a}.") for a in LEVELS}),
        entries=(*therapies, moment),
        asks=MappingProxyType({a: Ask(a, f"Ask {a}?", ("src",), locked=a in locked) for a in (*locked, *asks) if a}),
        crisis=crisis,
        rules=said.index(rules),
    )


def age(low: int | None = None, high: int | None = None) -> InRange:
    return InRange("child_age", low, high)


def worry(*values: str) -> Includes:
    return Includes("concerns", frozenset(values))


def chosen(*values: str) -> Is:
    return Is("therapy", frozenset(values))
