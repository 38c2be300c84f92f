"""One plan, one story: proving that no family gets two things that cannot both be true (issue 19).

Content declares what excludes what: a rule's `excludes` (rules whose words contradict its own) and an
attendance level's `excludes` (rules whose words contradict that level: "what they keep between themselves
and your child" when you are in every session). `validate` then searches every answer that could make a
difference for a family that would get both, and names one if it finds it, so a contradiction is caught
when the content is written, not when a parent reads it.

Also here, because it needs the same search: a rule that can apply in a country must cite a source that may
be shown there (the country's own, or one that holds anywhere).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence

from parentinvolve.conditions import AnswerValue, Condition, Is, holds, questions_named
from parentinvolve.i18n import _
from parentinvolve.kb.reach import _domain
from parentinvolve.model import ATTENDANCE, DEPENDS, THERAPY, Entry, Question, Rule, Source

MAX_FAMILIES = 400_000  # beyond this the search gives up, and says so: a proof it could not make is a problem
AGE, THERAPY_Q, REGION = "child_age", "therapy", "region"


class Families:
    """The families worth trying for a set of conditions, with the attendance level each would get."""

    def __init__(self, questions: Mapping[str, Question], entries: Sequence[Entry]) -> None:
        self.questions = questions
        self.therapies = {e.id: e for e in entries if e.kind == THERAPY}

    def attendance(self, answers: Mapping[str, AnswerValue]) -> str:
        """The level the engine gives (engine.plan): the chosen therapy's band for the child's age, else DEPENDS."""
        therapy = self.therapies.get(str(answers.get(THERAPY_Q, "")))
        age = answers.get(AGE)
        band = therapy.band(age) if therapy is not None and isinstance(age, int) else None
        return band.attendance if band is not None else DEPENDS

    def search(self, conds: Sequence[Condition]) -> Iterator[dict[str, AnswerValue]] | None:
        """Every family that could make a difference to `conds` (None when there are too many to try), each
        with its derived attendance level."""
        named = set().union(*(questions_named(c) for c in conds)) if conds else set()
        derived = ATTENDANCE in named and ATTENDANCE not in self.questions  # a level, not a question
        if derived:
            named = (named - {ATTENDANCE}) | {AGE, THERAPY_Q}
        named_list = sorted(q for q in named if q in self.questions)
        if len(named_list) != len(named):
            return None
        domains = []
        for q in named_list:
            domain = _domain(self.questions[q], list(conds))
            if q == AGE and derived:  # the edges of every therapy's bands matter too
                low, high = self.questions[q].min or 0, self.questions[q].max or 0
                edges = {
                    n + d
                    for e in self.therapies.values()
                    for b in e.bands
                    for n in (b.min_age, b.max_age)
                    if n is not None
                    for d in (-1, 0, 1)
                }
                domain = sorted({*domain, *(n for n in edges if low <= n <= high)})
            domains.append(domain)
        total = 1
        for d in domains:
            total *= len(d)
        if total > MAX_FAMILIES:
            return None
        return self._families(named_list, domains, derived)

    def _families(
        self, named: list[str], domains: list[list[AnswerValue]], derived: bool
    ) -> Iterator[dict[str, AnswerValue]]:
        for values in itertools.product(*domains):
            answers: dict[str, AnswerValue] = dict(zip(named, values, strict=True))
            if derived:
                answers[ATTENDANCE] = self.attendance(answers)
            yield answers


def _speaks(rule: Rule, rivals: list[Rule], answers: Mapping[str, AnswerValue]) -> bool:
    """Whether `rule` contributes for these answers: it applies, and no stronger rule of its group does."""
    if rule.when is not None and not holds(rule.when, answers):
        return False
    return not any(r.when is None or holds(r.when, answers) for r in rivals)


def _rivals(rule: Rule, rules: Sequence[Rule]) -> list[Rule]:
    if not rule.group:
        return []
    return [r for r in rules if r.group == rule.group and r is not rule and r.rank > rule.rank]


def _words(answers: Mapping[str, AnswerValue]) -> str:
    return ", ".join(
        f"{q}: {list(v) if isinstance(v, tuple) else v}" for q, v in sorted(answers.items()) if q != ATTENDANCE
    )


def conflict(families: Families, rules: Sequence[Rule], first: Rule | str, second: Rule) -> str:
    """Why `first` (a rule, or an attendance level's id) and `second` can both reach one family: "" when they
    never do. (Each rule's stronger rivals are found once, not per family tried: big content has many rules.)"""
    second_rivals = _rivals(second, rules)
    first_rivals = _rivals(first, rules) if isinstance(first, Rule) else []
    parts: list[Rule] = [second, *second_rivals]
    if isinstance(first, Rule):
        parts += [first, *first_rivals]
    conds = [r.when for r in parts if r.when is not None]
    if not isinstance(first, Rule):
        conds.append(_IS_ATTENDANCE)
    search = families.search(conds)
    if search is None:
        return _("could not be checked: their conditions allow too many families to try; make them narrower")
    for answers in search:
        both = _speaks(first, first_rivals, answers) if isinstance(first, Rule) else answers.get(ATTENDANCE) == first
        if both and _speaks(second, second_rivals, answers):
            return _("both reach a family with {answers}").format(answers=_words(answers))
    return ""


_IS_ATTENDANCE = Is(ATTENDANCE, frozenset({"?"}))  # only so that the search varies the therapy and the age


def unsourced_regions(families: Families, rule: Rule, sources: Mapping[str, Source]) -> list[str]:
    """The regions where `rule` can apply but cites no source that may be shown there."""
    own = [sources[s] for s in rule.sources if s in sources]
    if not own or any(not s.regions for s in own):
        return []
    region_q = families.questions.get(REGION)
    if region_q is None:
        return []
    out = []
    for region in region_q.choice_ids():
        if any(s.fits(region) for s in own):
            continue
        if rule.when is None:
            out.append(region)
            continue
        search = families.search([rule.when])
        if search is None or any(
            holds(rule.when, {**answers, REGION: region}) for answers in search if answers.get(REGION, region) == region
        ):
            out.append(region)
    return out
