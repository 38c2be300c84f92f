"""Can a rule ever contribute to a plan? Checked by trying every answer that could make a difference.

A rule is dead when its `when` can never hold (`{child_age: {min: 12, max: 6}}` is caught earlier, but
`{all: [{therapy: pcit}, {therapy: dbt}]}` is not), or when, whenever it holds, a stronger rule of its group
holds too and so speaks instead. Only the questions those conditions name are varied, and only at the
values that matter (each number a condition names, and its neighbours), so the check stays small.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

from parentinvolve.conditions import All, AnswerValue, Condition, Includes, InRange, Is, holds, questions_named
from parentinvolve.i18n import _
from parentinvolve.model import Question, Rule

MAX_TRIES = 50_000  # beyond this many answer combinations the rule is given the benefit of the doubt


def dead_rules(rules: list[Rule], questions: Mapping[str, Question]) -> dict[str, str]:
    """Every rule that can never contribute, with why in words. Rivals are looked up by group, and rules with
    the same condition against the same rivals are checked once (big content repeats its conditions)."""
    groups: dict[str, list[Rule]] = {}
    for r in rules:
        if r.group:
            groups.setdefault(r.group, []).append(r)
    seen: dict[tuple[object, ...], str] = {}
    out: dict[str, str] = {}
    for rule in rules:
        rivals = [r for r in groups.get(rule.group, ()) if r is not rule and r.rank > rule.rank]
        key = (rule.when, rule.group, tuple(r.when for r in rivals))
        if key not in seen:
            seen[key] = dead(rule, rivals, questions)
        if seen[key]:
            out[rule.id] = seen[key]
    return out


def dead(rule: Rule, rivals: list[Rule], questions: Mapping[str, Question]) -> str:
    """Why `rule` can never contribute, given the stronger rules of its group; "" when some answers let it speak."""
    conds = [c for c in (rule.when, *(r.when for r in rivals)) if c is not None]
    named = sorted(set().union(*(questions_named(c) for c in conds))) if conds else []
    if any(q not in questions for q in named):
        return ""
    # Only answers that pass the rule's own top-level checks can make it speak: try no others.
    musts = _musts(rule.when)
    domains = [
        [v for v in _domain(questions[q], conds) if all(holds(c, {q: v}) for c in musts if c.question == q)]
        for q in named
    ]
    total = 1
    for d in domains:
        total *= len(d)
    if total > MAX_TRIES:
        return ""
    ever_holds = False
    for values in itertools.product(*domains) if domains else [()]:
        answers: dict[str, AnswerValue] = dict(zip(named, values, strict=True))
        if rule.when is not None and not holds(rule.when, answers):
            continue
        ever_holds = True
        if not any(r.when is None or holds(r.when, answers) for r in rivals):
            return ""
    if not ever_holds:
        return _("can never apply: no answers make its `when` true")
    return _("never contributes: whenever it applies, a stronger rule of group {group} applies too").format(
        group=repr(rule.group)
    )


def _musts(cond: Condition | None) -> list[Is | InRange | Includes]:
    """The single-question checks that hold whenever `cond` does (its conjuncts, through nested `all`)."""
    if isinstance(cond, All):
        return [c for part in cond.parts for c in _musts(part)]
    if isinstance(cond, (Is, InRange, Includes)):
        return [cond]
    return []


def _domain(q: Question, conds: list[Condition]) -> list[AnswerValue]:
    if q.kind == "integer":
        low = q.min if q.min is not None else 0
        high = q.max if q.max is not None else low + 100
        points = {low, high}
        for n in _numbers(q.id, conds):
            points.update((n - 1, n, n + 1))
        return sorted(p for p in points if low <= p <= high)
    if q.kind == "multi":
        mentioned = sorted(_choices(q.id, conds))
        others = [c for c in q.choice_ids() if c not in mentioned][:1]
        out: list[AnswerValue] = []
        for n in range(len(mentioned) + 1):
            for picked in itertools.combinations(mentioned, n):
                for extra in ([], others):
                    if picked or extra:
                        out.append(tuple(sorted([*picked, *extra])))
        return out
    return list(q.choice_ids())


def _walk(cond: Condition) -> Iterator[Condition]:
    yield cond
    for attr in ("parts",):
        for part in getattr(cond, attr, ()):
            yield from _walk(part)
    part = getattr(cond, "part", None)
    if part is not None:
        yield from _walk(part)


def _numbers(question: str, conds: list[Condition]) -> set[int]:
    out: set[int] = set()
    for cond in conds:
        for c in _walk(cond):
            if isinstance(c, InRange) and c.question == question:
                out.update(n for n in (c.low, c.high) if n is not None)
            elif isinstance(c, Is) and c.question == question:
                out.update(v for v in c.values if isinstance(v, int))
    return out


def _choices(question: str, conds: list[Condition]) -> set[str]:
    return {
        v for cond in conds for c in _walk(cond) if isinstance(c, Includes) and c.question == question for v in c.values
    }
