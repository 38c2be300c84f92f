"""Plain words, measured (issue 10, principle 10): every paragraph a parent can see is scored with the
Flesch-Kincaid grade (textstat, pinned to a version that works offline), and spelling is one variety (US)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parentinvolve.engine import plan
from parentinvolve.model import KnowledgeBase
from parentinvolve.render.doc import DISCLAIMER

OVERALL_MAX = 7.0
PARAGRAPH_MAX = 10.0
# Paragraphs allowed above PARAGRAPH_MAX, each with its reason (matched by how the paragraph starts).
EXCEPTIONS = {
    "Dowell, K. A., & Ogles, B. M. (2010).": "a reference to a paper, written as researchers cite it",
    "Emergency: your local emergency number": "a label line of the crisis lines, not prose",
}
# UK spellings that must not appear beside the US ones the content uses (aliases, which only help `explain`
# find things, and source titles, which are quoted, are not checked).
UK_SPELLINGS = re.compile(
    r"\b(behaviour\w*|colour\w*|centre[sd]?|programme\w*|practis\w*|organis\w*|recognis\w*|realis\w*|"
    r"paediatric\w*|favour\w*|counselling|judgement|randomis\w*|labour\w*|defence|licence|analys(e|ed|es|ing))\b",
    re.IGNORECASE,
)


def paragraphs(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """(where, text) for every paragraph of content a parent can read, and the program's own sentences."""
    for e in kb.entries:
        yield f"{e.id} summary", e.summary
        for s in e.sections:
            for t in s.text:
                yield f"{e.id} {s.key}", t
        for _, _, _, weekly in e.bands:
            for t in weekly:
                yield f"{e.id} weekly", t
    for r in kb.rules:
        for t in (*r.confidentiality, *r.prepare, *r.why, *(x for _, texts in r.moments for x in texts)):
            yield r.id, t
    for a in kb.asks.values():
        yield f"ask {a.id}", a.text
    for level in kb.attendance.values():
        yield f"attendance {level.id}", level.description
    for q in kb.questions:
        yield f"question {q.id}", f"{q.prompt} {q.help}"
    yield "crisis message", kb.crisis.message
    for t in kb.crisis.safety_plan:
        yield "crisis safety plan", t
    for region in kb.crisis.regions:
        for t in region.steps:
            yield f"crisis steps {region.id}", t
    yield "disclaimer", DISCLAIMER
    # What the engine writes itself: the age note and the crisis pointer, for every region.
    for region_id in kb.question("region").choice_ids():
        p = plan(kb, {"child_age": 15, "concerns": ["depression"], "therapy": "pcit", "region": region_id})
        assert p.crisis_pointer and p.therapy and p.therapy.age_note
        yield f"pointer {region_id}", p.crisis_pointer
        yield "age note", p.therapy.age_note


def labels(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Choice labels: short names, not sentences, so they are spell-checked but not graded."""
    for q in kb.questions:
        for c in q.choices:
            yield f"choice {c.id}", c.label


def grade(text: str) -> float:
    import textstat  # (imported here: 0.4 s, which only the tests that score text should pay)

    return float(textstat.flesch_kincaid_grade(text))


def test_textstat_is_the_pinned_offline_version() -> None:
    # 0.7.13 fetches a dictionary from the network on first use; 0.7.4 (pyphen-based) works offline.
    from importlib.metadata import version

    assert version("textstat") == "0.7.4"
    assert grade("The cat sat on the mat.") < 3


def test_overall_reading_grade_is_at_most_7(kb: KnowledgeBase) -> None:
    text = " ".join(t for _, t in paragraphs(kb))
    assert grade(text) <= OVERALL_MAX


def test_no_paragraph_is_above_grade_10_except_the_listed_few(kb: KnowledgeBase) -> None:
    too_hard = [
        (round(grade(t), 1), where, t[:80])
        for where, t in paragraphs(kb)
        if grade(t) > PARAGRAPH_MAX and not t.startswith(tuple(EXCEPTIONS))
    ]
    assert not too_hard, too_hard


def test_every_exception_is_still_needed(kb: KnowledgeBase) -> None:
    texts = [t for _, t in paragraphs(kb)]
    for start in EXCEPTIONS:
        assert any(t.startswith(start) and grade(t) > PARAGRAPH_MAX for t in texts), start


def test_one_spelling_variety_throughout(kb: KnowledgeBase) -> None:
    found = [(where, m.group()) for where, t in (*paragraphs(kb), *labels(kb)) for m in UK_SPELLINGS.finditer(t)]
    assert not found, found
