"""The rules engine: `plan(kb, answers) -> Plan`. Pure: no printing, no files, no prompts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parentinvolve.answers import normalise
from parentinvolve.conditions import AnswerValue, holds
from parentinvolve.model import MOMENT, UNSURE, Attendance, KnowledgeBase, Line, Rule, Source

MAX_ASKS = 8
SAFETY_RULE = "safety-first"  # the built-in rule that puts crisis lines first; content cannot switch it off


@dataclass(frozen=True, slots=True)
class Item:
    """One thing the plan says, with the rule that said it and that rule's sources."""

    text: str
    rule: str
    because: str = ""


@dataclass(frozen=True, slots=True)
class MomentPlan:
    id: str
    title: str
    summary: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class TherapyPlan:
    id: str
    name: str
    summary: str
    role: tuple[str, ...]
    length: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    name: str
    summary: str
    rule: str
    because: str


@dataclass(frozen=True, slots=True)
class Safety:
    region: str
    region_name: str
    emergency: str
    lines: tuple[Line, ...]
    message: str
    safety_plan: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Overruled:
    rule: str
    by: str


@dataclass(frozen=True, slots=True)
class Plan:
    answers: Mapping[str, AnswerValue]
    answer_labels: tuple[tuple[str, str], ...]  # (question prompt, answer in words), for people
    safety: Safety | None
    attendance: Attendance
    attendance_rule: str
    therapy: TherapyPlan | None
    suggested: tuple[Suggestion, ...]
    moments: tuple[MomentPlan, ...]
    confidentiality: tuple[Item, ...]
    prepare: tuple[Item, ...]
    asks: tuple[Item, ...]
    why: tuple[Item, ...]
    sources: tuple[Source, ...]
    trace: tuple[str, ...]
    overruled: tuple[Overruled, ...]


def plan(kb: KnowledgeBase, raw_answers: Mapping[Any, Any]) -> Plan:
    """The plan for these answers. Raises AnswersError if the answers don't fit the questions."""
    answers = normalise(kb, raw_answers)
    fired = _fired(kb.rules, answers)
    used, overruled = _resolve_groups(fired)
    setting = [r for r in used if r.attendance]
    winner = max(setting, key=lambda r: r.rank)  # the loader guarantees an unconditional attendance rule
    overruled += [Overruled(r.id, winner.id) for r in setting if r is not winner]

    chosen = kb.entry(str(answers.get("therapy", "")))
    therapy = None
    if chosen is not None and answers.get("therapy") != UNSURE:
        therapy = TherapyPlan(
            chosen.id, chosen.name, chosen.summary, chosen.section("parent_role"), chosen.section("length")
        )

    cited: set[str] = set(chosen.sources if therapy and chosen else ())
    # Within each section the stronger rules speak first: a therapy's own arrangement before the general note.
    by_priority = sorted(used, key=lambda r: -r.priority)
    moments, confidentiality, prepare, why = _collect(by_priority, cited)
    safety = _safety(kb, answers)
    if safety is not None:
        cited.update(kb.crisis.sources)

    return Plan(
        answers=answers,
        answer_labels=_labels(kb, answers),
        safety=safety,
        attendance=kb.attendance[winner.attendance],
        attendance_rule=winner.id,
        therapy=therapy,
        suggested=_suggestions(kb, used) if therapy is None else (),
        moments=tuple(
            MomentPlan(m.id, m.name, m.summary, tuple(moments.get(m.id, {}).values())) for m in kb.entries_of(MOMENT)
        ),
        confidentiality=tuple(confidentiality.values()),
        prepare=tuple(prepare.values()),
        asks=_asks(kb, used),
        why=tuple(why.values()),
        sources=tuple(s for sid, s in kb.sources.items() if sid in cited),
        trace=((SAFETY_RULE,) if safety else ()) + tuple(r.id for r in used),
        overruled=tuple(overruled),
    )


def _fired(rules: tuple[Rule, ...], answers: Mapping[str, AnswerValue]) -> list[Rule]:
    """The rules whose condition holds (a rule without one always does), each distinct condition checked
    once: many rules share one, and the model promises that equal conditions are one object (see
    `KnowledgeBase`), so identity is a cheap key. Were the promise broken, plans would stay right, only slower."""
    checked: dict[int, bool] = {}
    out = []
    for r in rules:
        when = r.when
        if when is None:
            out.append(r)
            continue
        ok = checked.get(id(when))
        if ok is None:
            ok = checked[id(when)] = holds(when, answers)
        if ok:
            out.append(r)
    return out


def _resolve_groups(fired: list[Rule]) -> tuple[list[Rule], list[Overruled]]:
    """Among fired rules sharing a group, only the strongest contributes."""
    best: dict[str, Rule] = {}
    for r in fired:
        if r.group and (r.group not in best or r.rank > best[r.group].rank):
            best[r.group] = r
    used = [r for r in fired if not r.group or best[r.group] is r]
    overruled = [Overruled(r.id, best[r.group].id) for r in fired if r.group and best[r.group] is not r]
    return used, overruled


_Place = dict[str, Item]  # text -> the item that first said it, in order


def _collect(rules: list[Rule], cited: set[str]) -> tuple[dict[str, _Place], _Place, _Place, _Place]:
    """What the rules add to each moment, to confidentiality, prepare and why: text -> Item, in rule order,
    each text once per place; and the sources they cite, into `cited`. One pass over the rules, not one per
    place: with thousands of rules, going over them again costs more than the work itself (benchmarks/).
    """
    moments: dict[str, _Place] = {}
    confidentiality: _Place = {}
    prepare: _Place = {}
    why: _Place = {}
    for r in rules:
        cited.update(r.sources)
        for mid, texts in r.moments:  # (the loader rejects a moment named twice in one rule)
            _add(moments.setdefault(mid, {}), texts, r)
        if r.confidentiality:
            _add(confidentiality, r.confidentiality, r)
        if r.prepare:
            _add(prepare, r.prepare, r)
        if r.why:
            _add(why, r.why, r)
    return moments, confidentiality, prepare, why


def _add(place: _Place, texts: tuple[str, ...], r: Rule) -> None:
    for text in texts:
        if text not in place:
            place[text] = Item(text, r.id, r.because)


def _asks(kb: KnowledgeBase, rules: list[Rule]) -> tuple[Item, ...]:
    """The questions to ask the therapist: the strongest rules' picks first, at most MAX_ASKS, in bank order."""
    picked: dict[str, Rule] = {}
    for r in sorted(rules, key=lambda r: r.rank, reverse=True):
        for ask_id in r.ask:
            picked.setdefault(ask_id, r)
    keep = set(list(picked)[:MAX_ASKS])
    return tuple(Item(a.text, picked[a.id].id, picked[a.id].because) for a in kb.asks.values() if a.id in keep)


def _suggestions(kb: KnowledgeBase, rules: list[Rule]) -> tuple[Suggestion, ...]:
    out: dict[str, Suggestion] = {}
    for r in rules:
        for tid in r.suggest:
            entry = kb.entry(tid)
            if entry is not None and tid not in out:
                out[tid] = Suggestion(tid, entry.name, entry.summary, r.id, r.because)
    return tuple(out.values())


def _safety(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> Safety | None:
    concerns = answers.get("concerns", ())
    if not isinstance(concerns, tuple) or "self-harm" not in concerns:
        return None
    region_q = kb.question("region")
    region_id = str(answers.get("region", region_q.default or region_q.choice_ids()[0]))
    region = kb.crisis.region(region_id) or kb.crisis.regions[0]
    return Safety(region.id, region.name, region.emergency, region.lines, kb.crisis.message, kb.crisis.safety_plan)


def _labels(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> tuple[tuple[str, str], ...]:
    out = []
    for q in kb.questions:
        if q.id not in answers:
            continue
        out.append((q.prompt, q.words(answers[q.id])))
    return tuple(out)
