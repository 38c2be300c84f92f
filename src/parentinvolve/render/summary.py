"""The first things a plan says: who it is for, in one sentence, and "In short", at most six one-line points.

Built only from what the plan already holds, so it never says anything the rest of the plan does not; a
point whose material is missing is left out rather than made up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from parentinvolve.conditions import mentions
from parentinvolve.i18n import _, ngettext
from parentinvolve.model import UNSURE, KnowledgeBase, line_name

if TYPE_CHECKING:
    from parentinvolve.engine import Plan

MAX_POINTS = 6
OTHER_REGION = "other"  # the region choice for every country the guide has no numbers for
AGE = "child_age"  # the question whose answer is the child's age
ASKS_OF_YOU = "asks_of_you"  # the section key in moments.yaml
STAGE = "stage"  # the question that says how far along a family is (questions.yaml)
PRIVACY_TOPIC = "confidentiality"  # a therapy's section key, and the id of the topic about privacy
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡\"“‘(])")  # Spanish may open with ¿ or ¡


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph (the whole paragraph when it is one sentence)."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def _lower_first(text: str) -> str:
    """ "Some sessions" -> "some sessions", "A change" -> "a change"; "DBT", "SPACE" and "TF-CBT" stay."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    acronym = len(first) > 1 and first[1].isupper()
    return text if acronym else text[:1].lower() + text[1:]


def _short(label: str) -> str:
    """A choice label without its explanation: "DBT (dialectical ...) — skills for ..." -> "DBT"."""
    label = label.split(" — ", 1)[0].split(", such as", 1)[0]
    return re.sub(r"\s*\([^)]*\)", "", label).strip() or label


def for_whom(kb: KnowledgeBase, p: Plan) -> str:
    """The answers in one sentence: "For a 15-year-old (suicidal thoughts or self-harm), in DBT, just
    starting, in the United Kingdom." Questions a clinic adds are named by their short answer."""
    parts: list[str] = []
    for q in kb.questions:
        if q.id not in p.answers:
            continue
        value = p.answers[q.id]
        if isinstance(value, int) and q.id == AGE:
            old = ngettext("a {age}-year-old", "a {age}-year-old", value).format(age=value)
            parts.append(old if value > 0 else _("a baby under 1"))
        elif isinstance(value, int):
            parts.append(f"{q.prompt} {value}")
        elif isinstance(value, tuple):
            worries = "; ".join(_lower_first(_short(q.label(v))) for v in value)
            parts.append(f"({worries})" if parts else worries)
        elif q.id == "therapy":
            named = _("in {therapy}").format(therapy=_lower_first(_short(q.label(value))))
            parts.append(_("therapy not decided yet") if value == UNSURE else named)
        elif q.id == "region" and value == OTHER_REGION:  # no country to name: "in Somewhere else" reads wrong
            parts.append(_("outside the countries this guide covers"))
        elif q.id == "region":
            name = _short(q.label(value))
            where = _("in the {region}") if name.startswith("United ") else _("in {region}")
            parts.append(where.format(region=name))
        else:
            parts.append(_lower_first(_short(q.label(value))))
    if not parts:
        return ""
    text = parts[0]
    for part in parts[1:]:
        text += (" " if part.startswith("(") else ", ") + part
    return _("For {whom}.").format(whom=text)


def in_short(p: Plan, kb: KnowledgeBase | None = None) -> tuple[str, ...]:
    """At most six one-line points: the crisis pointer (when there is one), how involved you will be, the
    most useful thing to do next, the first question to ask, and what stays private (in the therapy's own
    words when `kb` is given: a sentence taken from the middle of the plan may lean on the one before it)."""
    # (A plan with crisis lines always has the pointer: both come with self-harm; see engine._pointer.)
    points: list[str] = [p.crisis_pointer] if p.crisis_pointer else []
    points.append(_("How involved you will be: {level}.").format(level=_lower_first(p.attendance.label)))
    if p.prepare:
        points.append(_("Do next: {step}").format(step=_lower_first(first_sentence(p.prepare[0].text))))
    if p.asks:
        points.append(_("First question to ask: {question}").format(question=p.asks[0].text))
    private = _private(p, kb)
    if private:
        points.append(_("What stays private: {what}").format(what=_lower_first(private)))
    return tuple(points[:MAX_POINTS])


def _private(p: Plan, kb: KnowledgeBase | None) -> str:
    """What stays private, in a sentence that stands on its own: the therapy's own words when it is known;
    otherwise the plan's privacy point written for this child's age (what privacy means differs most by
    age), else the first one."""
    if kb is not None and p.therapy is not None:
        therapy = kb.entry(p.therapy.id)
        said = therapy.section(PRIVACY_TOPIC) if therapy is not None else ()
        if said:
            return first_sentence(said[0])
    if not p.confidentiality:
        return ""
    if kb is None:
        return first_sentence(p.confidentiality[0].text)
    by_age = {r.id for r in kb.rules if mentions(r.when, AGE)}
    best = next((item for item in p.confidentiality if item.rule in by_age), p.confidentiality[0])
    return first_sentence(best.text)


def crisis_footer(p: Plan) -> tuple[str, tuple[str, ...]] | None:
    """The crisis lines again, short, for the end of a plan that starts with them: (title, lines)."""
    if p.safety is None:
        return None
    s = p.safety
    return _("Crisis lines ({region})").format(region=s.region_name), tuple(
        f"{line_name(line)}: {line.contact}" for line in s.lines
    )


def moment_line(kb: KnowledgeBase, moment_id: str, p: Plan) -> str:
    """What a moment asks of this family, in the one line written for it: `asks_of_you` in moments.yaml, or
    the line for the family's stage when the moment has one (`asks_of_you_ongoing` once sessions are under
    way: the consent is signed, the intake is past; `asks_of_you_waiting` while on a waiting list)."""
    entry = kb.entry(moment_id)
    if entry is None:
        return ""
    stage = p.answers.get(STAGE)
    line = entry.section(f"{ASKS_OF_YOU}_{stage}") if isinstance(stage, str) else ()
    line = line or entry.section(ASKS_OF_YOU)
    return line[0] if line else ""
