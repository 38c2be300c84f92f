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


def kb(therapies: Iterable[Entry], rules: Iterable[Rule], asks: Iterable[str] = ()) -> KnowledgeBase:
    therapies = tuple(therapies)
    questions = (
        Question("child_age", "integer", "Age?", "", min=0, max=17),
        Question("concerns", "multi", "Worries?", "", (Choice("a", "A"), Choice("b", "B"))),
        Question(
            "therapy", "select", "Therapy?", "", (*(Choice(t.id, t.name) for t in therapies), Choice("unsure", "?"))
        ),
        Question("region", "select", "Where?", "", (Choice("us", "US"),), default="us"),
    )
    moment = Entry(MOMENT, "weekly", "Weekly", "Weekly sessions.", (), ("src",))
    crisis = Crisis("Call now.", (), ("src",), (Region("us", "US", "911", (Line("Line", "911", main=True),)),))
    return KnowledgeBase(
        root="<test>",
        sources=MappingProxyType({"src": SOURCE}),
        questions=questions,
        attendance=MappingProxyType({a: Attendance(a, a.title(), f"{a}.") for a in LEVELS}),
        entries=(*therapies, moment),
        asks=MappingProxyType({a: Ask(a, f"Ask {a}?", ("src",)) for a in asks}),
        crisis=crisis,
        rules=said.index(rules),
    )


def age(low: int | None = None, high: int | None = None) -> InRange:
    return InRange("child_age", low, high)


def worry(*values: str) -> Includes:
    return Includes("concerns", frozenset(values))


def chosen(*values: str) -> Is:
    return Is("therapy", frozenset(values))
