"""What a content translation translates: the English text fields of each entry, by file and id, shaped as a
translation file gives them, and their fingerprint (a translation records it, and is stale when it differs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parentinvolve.kb.translations import clinic
from parentinvolve.model import AUDIENCE_WORDS, MOMENT, THERAPY, TOPIC, Entry, KnowledgeBase, Rule

FILES = ("questions", "attendance", "therapies", "moments", "topics", "asks", "rules", "crisis")
CRISIS = "crisis"  # crisis.yaml's own entry, and the topic `explain crisis` made from it (kb/build.py)
CRISIS_HEADINGS = ("now", "at-home")  # the sections of `explain crisis` that are not a region (kb/build.py)
AUDIENCE_DASH = " — "  # AUDIENCE_WORDS are this, then the words
ENTRY_FILES = {"therapies": THERAPY, "moments": MOMENT, "topics": TOPIC}  # the files of `KnowledgeBase.entries`
Texts = dict[str, Any]  # field -> str | tuple[str, ...] | dict[str, ...] | tuple[dict[str, str], ...]


def english(kb: KnowledgeBase, file: str) -> dict[str, Texts]:
    """The text fields of every entry of `file`, by id, as a translation must give them."""
    if file in ENTRY_FILES:
        return {e.id: _crisis_topic(e) if e.id == CRISIS else _entry(e) for e in kb.entries_of(ENTRY_FILES[file])}
    if file not in _OF_FILE:
        raise ValueError(file)
    return _OF_FILE[file](kb)


def _questions(kb: KnowledgeBase) -> dict[str, Texts]:
    return {
        q.id: {
            "prompt": q.prompt,
            "help": q.help,
            **({"choices": {c.id: c.label for c in q.choices}} if q.choices else {}),
        }
        for q in kb.questions
    }


def _attendance(kb: KnowledgeBase) -> dict[str, Texts]:
    return {a.id: {"label": a.label, "description": a.description} for a in kb.attendance.values()}


def _asks(kb: KnowledgeBase) -> dict[str, Texts]:
    return {a.id: {"text": a.text} for a in kb.asks.values()}


def _rules(kb: KnowledgeBase) -> dict[str, Texts]:
    """A rule's reason without where a clinic's layer says it: that is not its text."""
    found = clinic.marks(kb.clinic)
    rules = [r._replace(because=clinic.unmarked(r.because, found[r.id])) if r.id in found else r for r in kb.rules]
    return {r.id: _rule(r) for r in rules if _rule(r)}


def _crisis(kb: KnowledgeBase) -> dict[str, Texts]:
    c = kb.crisis
    common: Texts = {"message": c.message, "safety_plan": c.safety_plan}
    if c.warning_signs:
        common["warning_signs"] = c.warning_signs
    if c.pointer_signs:
        common["pointer_signs"] = c.pointer_signs
    out: dict[str, Texts] = {CRISIS: common}
    for region in c.regions:
        # Keyed on the shipped text only: a clinic's own lines are its own words, never translated, so
        # they can never make a shipped region's translation stale.
        lines = tuple({"name": ln.name, "contact": ln.contact} for ln in region.lines if not ln.clinic)
        out[region.id] = {"name": region.name, "lines": lines, **({"steps": region.steps} if region.steps else {})}
        if any(ch.isalpha() for ch in region.emergency):  # words, not a number ("your local emergency number")
            out[region.id]["emergency"] = region.emergency
    return out


_OF_FILE: dict[str, Callable[[KnowledgeBase], dict[str, Texts]]] = {
    "questions": _questions,
    "attendance": _attendance,
    "asks": _asks,
    "rules": _rules,
    "crisis": _crisis,
}


def _entry(e: Entry) -> Texts:
    out: Texts = {"name": e.name, "summary": e.summary}
    if e.kind == TOPIC:
        out["sections"] = tuple({"heading": s.heading, "text": s.text} for s in e.sections)
    else:
        out.update((s.key, s.text) for s in e.sections)
    if any(band.weekly for band in e.bands):  # a therapy's weekly paragraphs, per age band, in the English order
        out["attendance"] = tuple({"weekly": band.weekly} if band.weekly else {} for band in e.bands)
    return out


def _crisis_topic(e: Entry) -> Texts:
    """`explain crisis` is built from crisis.yaml (kb/build.py): its lines and steps are translated there; the
    topic itself only has its name, summary, the headings the program gives it and the words after a line."""
    return {
        "name": e.name,
        "summary": e.summary,
        "headings": {s.key: s.heading for s in e.sections if s.key in CRISIS_HEADINGS},
        "audience": {k: v.removeprefix(AUDIENCE_DASH) for k, v in AUDIENCE_WORDS.items() if v},
    }


def _rule(r: Rule) -> Texts:
    out: Texts = {}
    if r.because:
        out["because"] = r.because
    if r.moments:
        out["moments"] = dict(r.moments)
    for name in ("confidentiality", "prepare", "why"):
        if getattr(r, name):
            out[name] = getattr(r, name)
    return out


def fingerprint(texts: Texts) -> str:
    """A short hash of an entry's English text: a translation records it, and is stale when it differs."""
    import hashlib
    import json

    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
