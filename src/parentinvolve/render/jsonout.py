"""JSON: plain `json.dumps`, never passed through rich (which would wrap long lines)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from parentinvolve.model import Entry, KnowledgeBase, Source, line_name

if TYPE_CHECKING:  # `explain --format json` never loads the engine
    from parentinvolve.engine import Item, Plan


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def source(s: Source) -> dict[str, str]:
    return {
        k: v
        for k, v in (
            ("id", s.id),
            ("title", s.title),
            ("publisher", s.publisher),
            ("citation", s.citation),
            ("url", s.url),
        )
        if v
    }


def entry(kb: KnowledgeBase, e: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": e.id,
        "kind": e.kind,
        "name": e.name,
        "summary": e.summary,
        "aliases": list(e.aliases + e.aliases_en),
    }
    if e.ages is not None:
        data["typical_ages"] = {"min": e.ages[0], "max": e.ages[1]}
    if len({b.attendance for b in e.bands}) == 1:
        data["attendance"] = e.bands[0].attendance
    if e.bands:
        data["attendance_by_age"] = [
            {"min_age": b.min_age, "max_age": b.max_age, "attendance": b.attendance} for b in e.bands
        ]
    if e.reviewed:
        data["reviewed"] = e.reviewed
    data["sections"] = [{"key": s.key, "heading": s.heading, "text": list(s.text)} for s in e.sections]
    data["sources"] = [source(kb.sources[i]) for i in e.sources if i in kb.sources]
    return data


def topics(kb: KnowledgeBase) -> list[dict[str, str]]:
    return [{"id": e.id, "kind": e.kind, "name": e.name, "summary": e.summary} for e in kb.entries]


def _texts(items: tuple[Item, ...]) -> list[str]:
    return [i.text for i in items]


def clinic(kb: KnowledgeBase | None) -> dict[str, Any] | None:
    """The clinic's layer, when one is on: name, how to reach it, its welcome and policies."""
    if kb is None or kb.clinic is None:
        return None
    c = kb.clinic
    policies = [e for e in (kb.entry(pid) for pid in c.policies) if e is not None]
    return {
        "name": c.name,
        "website": c.website,
        "contacts": [{"name": line.name, "contact": line.contact} for line in c.contacts],
        "after_hours": {"name": c.after_hours.name, "contact": c.after_hours.contact} if c.after_hours else None,
        "welcome": list(c.welcome),
        "policies": [{"id": e.id, "title": e.name, "text": list(e.section("policy"))} for e in policies],
    }


def _ages(ages: tuple[int, int] | None) -> dict[str, int] | None:
    return {"min": ages[0], "max": ages[1]} if ages is not None else None


def plan(p: Plan, kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """The documented JSON shape of a plan (see README, "The plan as JSON")."""
    from parentinvolve.render.summary import in_short, moment_line

    safety = None
    if p.safety is not None:
        s = p.safety
        safety = {
            "region": s.region,
            "region_name": s.region_name,
            "emergency": s.emergency,
            "lines": [
                {
                    "name": line_name(line),
                    "contact": line.contact,
                    "audience": line.audience,
                    **({"clinic": line.clinic} if line.clinic else {}),  # a clinic's own line, labelled
                }
                for line in s.lines
            ],
            "message": s.message,
            "warning_signs": list(s.warning_signs),
            "safety_plan": list(s.safety_plan),
        }
    therapy = None
    if p.therapy is not None:
        t = p.therapy
        therapy = {
            "id": t.id,
            "name": t.name,
            "summary": t.summary,
            "typical_ages": _ages(t.typical_ages),
            "age_note": t.age_note,
            "role": " ".join(t.role),
            "length": list(t.length),
        }
    return {
        "safety": safety,  # first, so it is the first thing anyone reads
        "summary": list(in_short(p, kb)),
        "clinic": clinic(kb),
        "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in p.answers.items()},
        "attendance": p.attendance.id,
        "attendance_label": p.attendance.label,
        "attendance_description": p.attendance.description,
        "crisis_pointer": p.crisis_pointer,
        "therapy": therapy,
        "suggested_therapies": [
            {
                "id": s.id,
                "name": s.name,
                "summary": s.summary,
                "attendance": s.attendance.id if s.attendance else None,
                "typical_ages": _ages(s.typical_ages),
            }
            for s in p.suggested
        ],
        "moments": [
            {
                "id": m.id,
                "title": m.title,
                "asks_of_you": moment_line(kb, m.id, p) if kb else "",
                "what_to_expect": _texts(m.items),
            }
            for m in p.moments
        ],
        "confidentiality": _texts(p.confidentiality),
        "prepare": _texts(p.prepare),
        "questions_to_ask": _texts(p.asks),
        "why_it_matters": _texts(p.why),
        "sources": [source(s) for s in p.sources],
        "trace": list(p.trace),
        "overruled": [{"rule": o.rule, "by": o.by} for o in p.overruled],
    }
