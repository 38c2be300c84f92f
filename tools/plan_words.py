"""How long is a plan? Words before "Sources", over a grid of families (issue 19, principle 13).

    .venv/bin/python tools/plan_words.py            # the grid's largest, median and the named families

Counted on the neutral document (render/doc.py), so every format agrees: every heading, paragraph, bullet,
timeline line and crisis block before the Sources heading. The grid is every therapy choice x every age x
each concern alone and every pair of concerns, with stage and region turning through their choices.
"""

from __future__ import annotations

import itertools
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from parentinvolve import kb as kbmod  # noqa: E402
from parentinvolve.engine import plan  # noqa: E402
from parentinvolve.model import KnowledgeBase  # noqa: E402
from parentinvolve.render.doc import SOURCES_HEADING, Alert, Bullets, Heading, Para, Timeline, plan_doc  # noqa: E402

# A few families a reader can picture, for the README's table (same answers before and after a change).
NAMED: dict[str, dict[str, Any]] = {
    "a baby of 1, behavior, not sure yet (US)": {"child_age": 1, "concerns": ["behavior"], "therapy": "unsure"},
    "5, anxiety, play therapy (US)": {"child_age": 5, "concerns": ["anxiety"], "therapy": "play"},
    "9, anxiety, not sure yet (UK)": {"child_age": 9, "concerns": ["anxiety"], "therapy": "unsure", "region": "uk"},
    "14, self-harm, not sure yet (US)": {"child_age": 14, "concerns": ["self-harm"], "therapy": "unsure"},
    "15, self-harm, DBT, under way (UK)": {
        "child_age": 15,
        "concerns": ["self-harm"],
        "therapy": "dbt",
        "stage": "ongoing",
        "region": "uk",
    },
    "7, trauma, family therapy (IE)": {"child_age": 7, "concerns": ["trauma"], "therapy": "family", "region": "ie"},
    "17, depression, CBT (CA)": {"child_age": 17, "concerns": ["depression"], "therapy": "cbt", "region": "ca"},
}


def words(kb: KnowledgeBase, answers: dict[str, Any]) -> int:
    """The words a parent reads before the Sources heading."""
    n = 0
    sources = SOURCES_HEADING
    for block in plan_doc(kb, plan(kb, answers)).blocks:
        if isinstance(block, Heading):
            if block.text == sources:
                break
            n += len(block.text.split())
        elif isinstance(block, Para):
            n += len(block.text.split())
        elif isinstance(block, Bullets):
            n += sum(len(b.text.split()) for b in block.items)
        elif isinstance(block, Timeline):
            n += sum(len(s.title.split()) + sum(len(line.split()) for line in s.lines) for s in block.steps)
        elif isinstance(block, Alert):
            n += len(block.title.split()) + sum(len(t.split()) for t in (*block.lines, *block.items))
    return n


def grid(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    concerns = kb.question("concerns").choice_ids()
    stages = kb.question("stage").choice_ids()
    regions = kb.question("region").choice_ids()
    sets = [[c] for c in concerns] + [list(p) for p in itertools.combinations(concerns, 2)]
    turn = itertools.count()
    for therapy, age, picked in itertools.product(kb.question("therapy").choice_ids(), range(18), sets):
        n = next(turn)
        yield {
            "child_age": age,
            "concerns": picked,
            "therapy": therapy,
            "stage": stages[n % len(stages)],
            "region": regions[(n // len(stages)) % len(regions)],
        }


def main() -> None:
    kb = kbmod.load(None)
    counts = [words(kb, a) for a in grid(kb)]
    print(
        f"families: {len(counts)}; words before Sources: largest {max(counts)}, median {statistics.median(counts):.0f}"
    )
    for name, answers in NAMED.items():
        print(f"{name}: {words(kb, answers)}")


if __name__ == "__main__":
    main()
