"""What each rule says, made once when the knowledge base is made, not in every plan.

A rule's words (`moments`, `confidentiality`, `prepare`, `why`) become the plan's items as they are: the same
text, rule id and reason for any family. So they are made here, with where each goes, and `plan()` only picks
the rules that apply. A text that two rules say in the same place is marked, so that a plan checks those for
repeats and never hashes the rest: with 10,000 rules, that step of a plan took about half the time
(benchmarks/run.py). Called last wherever rules are made or changed (kb/build.py, kb/translations/merge.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from parentinvolve.model import CONFIDENTIALITY, PREPARE, WHY, Item, Rule


def _words(rule: Rule) -> Iterator[tuple[str, str]]:
    """(place, text) for everything the rule says, in the order a plan shows it."""
    for moment, texts in rule.moments:
        for text in texts:
            yield moment, text
    for place, texts in ((CONFIDENTIALITY, rule.confidentiality), (PREPARE, rule.prepare), (WHY, rule.why)):
        for text in texts:
            yield place, text


def index(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The rules with `said`, `said_in` and `said_again` made from their words."""
    words = [(r, list(dict.fromkeys(_words(r)))) for r in rules]  # a rule repeating itself says it once
    times = Counter(word for _, said in words for word in said)
    return tuple(
        r._replace(
            said=tuple(Item(text, r.id, r.because) for _, text in said),
            said_in=tuple(place for place, _ in said),
            said_again=tuple(times[word] > 1 for word in said),
        )
        for r, said in words
    )
