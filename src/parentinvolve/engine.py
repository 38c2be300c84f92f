"""The rules engine: `plan(kb, answers) -> Plan`. Pure: no printing, no files, no prompts."""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from typing import Any, NamedTuple

from parentinvolve.answers import normalise
from parentinvolve.conditions import AnswerValue, holds
from parentinvolve.i18n import _, current
from parentinvolve.model import (
    ATTENDANCE,
    CONFIDENTIALITY,
    DEPENDS,
    MOMENT,
    PREPARE,
    THERAPY,
    WHY,
    Attendance,
    Entry,
    KnowledgeBase,
    Line,
    Region,
    Rule,
    Source,
)
from parentinvolve.model import Item as Item  # the plan's items are the rules' own (see kb/said.py)

MAX_ASKS = 8
# Built-in rules: content cannot switch them off, and no rule in rules.yaml may take their names.
SAFETY_RULE = "safety-first"  # crisis lines and safety steps first, whenever self-harm is a concern
POINTER_RULE = "crisis-pointer"  # one line with the region's main crisis line, from age 10 or with low mood
ATTENDANCE_RULE = "therapy-attendance"  # the parent's attendance, read from the therapy's own age bands
CAUTION_RULE = "therapy-caution"  # a therapy's safety note, wherever it is chosen or suggested
BUILT_IN = (SAFETY_RULE, POINTER_RULE, ATTENDANCE_RULE, CAUTION_RULE)
CAUTION = "caution"  # the therapy section that holds it (kb/entries.py)
POINTER_FROM_AGE = 10
POINTER_CONCERNS = ("self-harm", "depression")


# The plan's records are NamedTuples, not frozen dataclasses: as immutable, but several times cheaper to
# create and to define at start-up (see model.py).


class MomentPlan(NamedTuple):
    id: str
    title: str
    summary: str
    items: tuple[Item, ...]


class TherapyPlan(NamedTuple):
    id: str
    name: str
    summary: str
    role: tuple[str, ...]
    length: tuple[str, ...]
    typical_ages: tuple[int, int] | None = None
    age_note: str | None = None  # said when the child is outside the therapy's typical ages


class Suggestion(NamedTuple):
    id: str
    name: str
    summary: str
    rule: str
    because: str
    attendance: Attendance | None = None  # how involved the parent would be in it, for this child
    typical_ages: tuple[int, int] | None = None
    ages_sourced: bool = False  # whether a source gives the typical ages (else they are this guide's range)


class Safety(NamedTuple):
    region: str
    region_name: str
    emergency: str
    lines: tuple[Line, ...]
    message: str
    safety_plan: tuple[str, ...]
    warning_signs: tuple[str, ...] = ()  # what to watch for, and what to do about each kind


class Overruled(NamedTuple):
    rule: str
    by: str


class Plan(NamedTuple):
    answers: Mapping[str, AnswerValue]
    safety: Safety | None
    attendance: Attendance
    attendance_rule: str
    attendance_because: str
    crisis_pointer: str | None
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
    age = answers.get("child_age")
    age = age if isinstance(age, int) else 0
    chosen = _chosen(kb, answers, age)
    # A rule may fit what the plan says of the parent's part: the level is added to the answers it checks.
    fired = _fired(kb.rules, {**answers, ATTENDANCE: chosen.level.id} if ATTENDANCE not in answers else answers)
    used, overruled = _resolve_groups(fired)

    cited: set[str] = set()
    # Within each section the stronger rules speak first: a therapy's own arrangement before the general note.
    # A locked rule (the safety set) speaks first whatever another rule's priority: nothing can displace it.
    by_priority = sorted(used, key=_SPEAKS_FIRST, reverse=True)  # (stable, reverse too: file order kept)
    places = _collect(by_priority, cited)
    if chosen.weekly:  # the therapy's own arrangement for this age comes first in the weekly sessions
        first = [Item(t, ATTENDANCE_RULE, chosen.because) for t in chosen.weekly]
        places["weekly"] = first + [i for i in places.get("weekly", ()) if i.text not in chosen.weekly]
    region = _region(kb, answers)
    safety = _safety(kb, answers, region)
    pointer = _pointer(kb, answers, age, region)
    cited.update(_crisis_sources(kb, region, safety, pointer))
    suggested = _suggestions(kb, used, age) if chosen.plan is None else ()
    therapies = [e for e in (chosen.entry, *(kb.entry(s.id) for s in suggested)) if e is not None]
    cited.update(sid for e in therapies for sid in e.sources)  # a suggested therapy's, as a chosen one's
    # A therapy's safety note goes wherever the therapy does: chosen, or only suggested (family therapy's
    # "before any joint session" is as true for a family that has not chosen it yet).
    cautions = [Item(t, CAUTION_RULE, e.name) for e in therapies for t in e.section(CAUTION)]
    if cautions:
        places["weekly"] = [*places.get("weekly", ()), *cautions]

    built_in = (
        ((SAFETY_RULE,) if safety else ())
        + ((POINTER_RULE,) if pointer else ())
        + (ATTENDANCE_RULE,)
        + ((CAUTION_RULE,) if cautions else ())
    )
    return Plan(
        answers=answers,
        safety=safety,
        attendance=chosen.level,
        attendance_rule=ATTENDANCE_RULE,
        attendance_because=chosen.because,
        crisis_pointer=pointer,
        therapy=chosen.plan,
        suggested=suggested,
        moments=tuple(MomentPlan(m.id, m.name, m.summary, tuple(places.get(m.id, ()))) for m in kb.entries_of(MOMENT)),
        confidentiality=tuple(places.get(CONFIDENTIALITY, ())),
        prepare=tuple(places.get(PREPARE, ())),
        asks=_asks(kb, used),
        why=tuple(places.get(WHY, ())),
        # Only what is behind what it shows, and never another country's law, services or guidance (validate
        # checks that each rule cites a source that may be shown wherever it applies).
        sources=tuple(s for sid, s in kb.sources.items() if sid in cited and (not s.regions or region.id in s.regions)),
        trace=built_in + tuple([r.id for r in used]),
        overruled=tuple(overruled),
    )


class _Chosen(NamedTuple):
    """The therapy the parent chose (if any, and a therapy) and what it means for the parent's part."""

    entry: Entry | None
    plan: TherapyPlan | None
    level: Attendance  # the parent's attendance: the therapy's band for this age, else DEPENDS
    because: str  # why that level
    weekly: tuple[str, ...]  # the therapy's own words on the weekly sessions at this age


def _chosen(kb: KnowledgeBase, answers: Mapping[str, AnswerValue], age: int) -> _Chosen:
    entry = kb.entry(str(answers.get("therapy", "")))
    if entry is None or entry.kind != THERAPY:
        return _Chosen(
            None, None, kb.attendance[DEPENDS], _("you're not sure yet which therapy your child will have"), ()
        )
    band = entry.band(age)  # the loader checks that the bands cover every age
    level = kb.attendance[band.attendance] if band is not None else kb.attendance[DEPENDS]
    because = _("you chose {therapy}, and your child is {age}").format(therapy=_in_a_sentence(entry.name), age=age)
    therapy = TherapyPlan(
        entry.id,
        entry.name,
        entry.summary,
        entry.section("parent_role"),
        entry.section("length"),
        entry.ages,
        _age_note(entry, age),
    )
    return _Chosen(entry, therapy, level, because, band.weekly if band is not None else ())


def _crisis_sources(kb: KnowledgeBase, region: Region, safety: Safety | None, pointer: str | None) -> set[str]:
    """The sources behind the crisis help the plan shows: the crisis block's, the region's lines, the signs."""
    out: set[str] = set()
    if safety is not None:
        out.update(kb.crisis.sources)
    if safety is not None or pointer is not None:
        out.update(region.sources)
    if pointer is not None and kb.crisis.pointer_signs and kb.crisis.pointer_signs in pointer:
        out.update(kb.crisis.pointer_sources)
    return out


def _in_a_sentence(name: str) -> str:
    """A therapy's name inside a sentence: Spanish writes "eligió terapia familiar", not "Terapia familiar";
    English names keep their capitals, and so does an acronym ("SPACE")."""
    if current() == "en" or len(name) < 2 or not name[1].islower():
        return name
    return name[0].lower() + name[1:]


def _age_note(therapy: Entry, age: int) -> str | None:
    if therapy.ages is None or therapy.fits(age):
        return None
    low, high = therapy.ages
    return _(
        "{therapy} is usually used with children aged {low} to {high}, and your child is {age}. "
        "Ask the therapist why they chose it and how they will adapt it to your child's age."
    ).format(therapy=therapy.name, low=low, high=high, age=age)


def _fired(rules: tuple[Rule, ...], answers: Mapping[str, AnswerValue]) -> list[Rule]:
    """The rules whose condition holds (a rule without one always does), each distinct condition checked
    once: many rules share one, and the model promises that equal conditions are one object (see
    `KnowledgeBase`), so identity is a cheap key. Were the promise broken, plans would stay right, only slower."""
    checked: dict[int, bool] = {}
    seen = checked.get
    out: list[Rule] = []
    keep = out.append
    for r in rules:
        when = r.when
        if when is None:
            keep(r)
            continue
        ok = seen(id(when))
        if ok is None:
            ok = checked[id(when)] = holds(when, answers)
        if ok:
            keep(r)
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


_SPEAKS_FIRST = attrgetter("locked", "priority")
_STRENGTH = attrgetter("locked", "priority", "specificity")  # Rule.rank without its tie-break: sort is stable


def _collect(rules: list[Rule], cited: set[str]) -> dict[str, list[Item]]:
    """What the rules say, by place (a moment's id, CONFIDENTIALITY, PREPARE, WHY), in rule order, each text
    once per place; and the sources they cite, into `cited`. The items were made with the knowledge base
    (kb/said.py); only a text another rule also says there needs checking for a repeat."""
    places: dict[str, list[Item]] = {}
    repeated: set[tuple[str, str]] = set()
    for r in rules:
        cited.update(r.sources)
        for place, item, again in zip(r.said_in, r.said, r.said_again, strict=True):
            if again:
                key = (place, item.text)
                if key in repeated:
                    continue
                repeated.add(key)
            items = places.get(place)
            if items is None:
                items = places[place] = []
            items.append(item)
    return places


def _asks(kb: KnowledgeBase, rules: list[Rule]) -> tuple[Item, ...]:
    """The questions to ask the therapist: the strongest rules' picks first, at most MAX_ASKS, in bank order.

    The rules are taken strongest first (a stable sort: the earlier rule wins a tie), so each question goes to
    the first rule that lists it, and the walk stops once every question in the bank has been picked."""
    picked: dict[str, Rule] = {}
    bank = len(kb.asks)
    for r in sorted(rules, key=_STRENGTH, reverse=True):
        for ask_id in r.ask:
            picked.setdefault(ask_id, r)
        if len(picked) == bank:
            break
    # The locked questions (the safety questions) are always kept, whatever rules outrank the ones that picked
    # them; the strongest rules' picks fill the rest.
    locked = [a for a in picked if kb.asks[a].locked]
    keep = set(locked + [a for a in picked if a not in locked][: max(MAX_ASKS - len(locked), 0)])
    return tuple(Item(a.text, picked[a.id].id, picked[a.id].because) for a in kb.asks.values() if a.id in keep)


def _suggestions(kb: KnowledgeBase, rules: list[Rule], age: int) -> tuple[Suggestion, ...]:
    """The therapies the rules suggest, only those whose typical ages hold this child, each with the parent's
    attendance in it for this child's age."""
    out: dict[str, Suggestion] = {}
    for r in rules:
        for tid in r.suggest:
            entry = kb.entry(tid)
            if entry is None or tid in out or not entry.fits(age):
                continue
            band = entry.band(age)
            level = kb.attendance.get(band.attendance) if band else None
            out[tid] = Suggestion(
                tid, entry.name, entry.summary, r.id, r.because, level, entry.ages, bool(entry.ages_source)
            )
    return tuple(out.values())


def _region(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> Region:
    region_q = kb.question("region")
    region_id = str(answers.get("region", region_q.default or region_q.choice_ids()[0]))
    return kb.crisis.region(region_id) or kb.crisis.regions[0]


def _concerns(answers: Mapping[str, AnswerValue]) -> tuple[str, ...]:
    concerns = answers.get("concerns", ())
    return concerns if isinstance(concerns, tuple) else ()


def _safety(kb: KnowledgeBase, answers: Mapping[str, AnswerValue], region: Region) -> Safety | None:
    if "self-harm" not in _concerns(answers):
        return None
    lang = current()  # the line marked for this language (988's Spanish line) first: it is the one that works
    return Safety(
        region.id,
        region.name,
        region.emergency,
        tuple(sorted(region.lines, key=lambda line: lang not in line.main_in)),
        kb.crisis.message,
        region.steps + kb.crisis.safety_plan,
        kb.crisis.warning_signs,
    )


def _pointer(kb: KnowledgeBase, answers: Mapping[str, AnswerValue], age: int, region: Region) -> str | None:
    """One line to crisis help, for every child of 10 or more and whenever low mood or self-harm is a worry;
    where low mood is a worry (and no crisis block lists the warning signs), it says which signs mean now."""
    concerns = _concerns(answers)
    if age < POINTER_FROM_AGE and not set(POINTER_CONCERNS) & set(concerns):
        return None
    signs = kb.crisis.pointer_signs if "depression" in concerns and "self-harm" not in concerns else ""
    line = _pointer_line(region)
    return f"{line} {signs}" if signs else line


def crisis_now(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> str | None:
    """While the questions are still being asked: the help to show as soon as self-harm or suicidal thoughts
    are ticked. The region's main line once the country is known; before that, the emergency advice and that
    the country's own lines will follow. None when self-harm is not (or no longer) a worry."""
    if "self-harm" not in _concerns(answers):
        return None
    region = kb.crisis.region(str(answers.get("region", "")))
    if region is None:
        return kb.crisis.message + " " + _("You will get your country's crisis lines at the end.")
    return _pointer_line(region)


def _pointer_line(region: Region) -> str:
    main = region.main_line(current())  # 988's Spanish line in a Spanish plan (content marks it: main_in)
    if main is None:
        return _(
            "If you ever fear for your child's safety, call {number}. "
            'For crisis help where you live, see "parentinvolve explain crisis".'
        ).format(number=region.emergency)
    return _(
        "If you ever fear for your child's safety, contact {line}: {contact}. In an emergency, call {number}."
    ).format(line=main.name, contact=main.contact, number=region.emergency)
