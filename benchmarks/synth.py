"""Synthetic knowledge bases for the benchmark: the shipped content, grown to N rules and T topics.

Every generated file follows content/README.md, so the result passes `parentinvolve validate`. Conditions use
the shipped questions and choices in all six shapes; texts are unique so nothing is merged away.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from parentinvolve.kb import build as loader
from parentinvolve.kb import reach
from parentinvolve.kb import shipped as shipped_content
from parentinvolve.model import MOMENT, KnowledgeBase

KEEP = ("sources", "questions", "attendance", "therapies", "moments", "asks", "crisis")

# Answer sets the plan benchmark runs, covering a young child, a teen in crisis and an unsure parent.
ANSWERS: tuple[dict[str, object], ...] = (
    {"child_age": 9, "concerns": ["anxiety"], "therapy": "cbt", "stage": "starting"},
    {"child_age": 15, "concerns": ["depression", "self-harm"], "therapy": "dbt", "stage": "ongoing", "region": "uk"},
    {"child_age": 5, "concerns": ["behavior", "family-change"], "therapy": "unsure", "stage": "starting"},
)


def q(text: str) -> str:
    """A YAML scalar that is always read as this exact text (JSON strings are YAML flow scalars)."""
    return json.dumps(text, ensure_ascii=False)


class _Vocab:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.choices = {qu.id: list(qu.choice_ids()) for qu in kb.questions}
        self.sources = [s.id for s in kb.sources.values() if not s.regions]  # sources that hold anywhere
        self.asks = list(kb.asks)
        self.moments = [e.id for e in kb.entries_of(MOMENT)]


def _condition(rng: random.Random, v: _Vocab) -> str:
    therapy = rng.choice(v.choices["therapy"])
    concern = rng.choice(v.choices["concerns"])
    stage = rng.choice(v.choices["stage"])
    region = rng.choice(v.choices["region"])
    low = rng.randint(0, 14)
    shapes = (
        f"{{therapy: {therapy}}}",
        f"{{therapy: [{therapy}, {rng.choice(v.choices['therapy'])}]}}",
        f"{{child_age: {{min: {low}, max: {low + rng.randint(0, 3)}}}}}",
        f"{{concerns: {{includes: {concern}}}}}",
        f"{{therapy: {therapy}, child_age: {{min: {low}}}}}",
        f"{{all: [{{stage: {stage}}}, {{not: {{therapy: {therapy}}}}}]}}",
        f"{{any: [{{region: {region}}}, {{concerns: {{includes: [{concern}]}}}}]}}",
        f"{{not: {{concerns: {{includes: {concern}}}}}}}",
    )
    return rng.choice(shapes)


def _rule(i: int, rng: random.Random, v: _Vocab) -> str:
    lines = [
        f"- id: gen-rule-{i}",
        f"  because: {q(f'generated rule {i}')}",
        f"  when: {_condition(rng, v)}",
        f"  priority: {rng.choice((0, 10, 20, 30))}",
        f"  sources: [{rng.choice(v.sources)}]",
    ]
    if i % 7 == 0:
        lines.append(f"  group: gen-group-{i % 91}")
    lines.append("  moments:")
    lines.append(f"    {rng.choice(v.moments)}: [{q(f'Generated advice {i} for this moment, in plain words.')}]")
    lines.append(f"  prepare: [{q(f'Generated preparation step {i}.')}]")
    lines.append(f"  ask: [{rng.choice(v.asks)}]")
    if i % 3 == 0:
        lines.append(f"  why: [{q(f'Generated reason {i}: your part matters.')}]")
    if i % 5 == 0:
        lines.append(f"  confidentiality: [{q(f'Generated privacy note {i}.')}]")
    return "\n".join(lines)


def _topic(i: int, rng: random.Random, v: _Vocab) -> str:
    return "\n".join(
        [
            f"- id: gen-topic-{i}",
            f"  name: {q(f'Generated subject {i}')}",
            f"  aliases: [{q(f'synthetic subject {i}')}]",
            f"  summary: {q(f'A generated topic for the benchmark, number {i}.')}",
            "  reviewed: 2026-11-30",
            "  sections:",
            f"    - heading: {q('What it is')}",
            f"      text: [{q(f'Generated explanation {i}, first paragraph.')}, {q(f'Second paragraph {i}.')}]",
            f"    - heading: {q('What you can do')}",
            f"      text: [{q(f'Generated suggestion {i}.')}]",
            f"  sources: [{rng.choice(v.sources)}]",
        ]
    )


def make_kb(target: Path, rules: int, topics: int | None = None, seed: int = 5) -> Path:
    """Write a content folder with exactly `rules` rules (and `topics` topics, if given) into `target`; never
    fewer than the shipped content has (it is copied whole, then added to)."""
    src = shipped_content()
    kb = loader.load(src)
    v = _Vocab(kb)
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for name in KEEP:
        shutil.copyfile(src / f"{name}.yaml", target / f"{name}.yaml")
    shipped_rules = len(kb.rules)
    rules = max(rules, shipped_rules)  # the smallest size is the shipped content itself (102 rules today)
    text = (src / "rules.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    generated = [_rule(i, rng, v) for i in range(rules - shipped_rules)]
    # validate rejects a rule that a stronger rule of its group always overrules: such a rule leaves its group.
    # Found in memory, round by round (a rule can show up only once its stronger rivals are few enough to check).
    shutil.copyfile(src / "topics.yaml", target / "topics.yaml")
    (target / "rules.yaml").write_text(text + "\n\n".join(generated) + "\n", encoding="utf-8")
    check = reach.dead_rules
    setattr(reach, "dead_rules", lambda rules, questions: {})  # noqa: B010 - load once without the check
    try:
        built = loader.load(target)
    finally:
        setattr(reach, "dead_rules", check)  # noqa: B010
    questions = {qu.id: qu for qu in built.questions}
    current = list(built.rules)
    while dead := {rid for rid in check(current, questions) if rid.startswith("gen-rule-")}:
        current = [r._replace(group="") if r.id in dead else r for r in current]
        for rid in dead:
            i = int(rid.rsplit("-", 1)[1])
            generated[i] = "\n".join(line for line in generated[i].splitlines() if not line.startswith("  group:"))
    text += "\n\n".join(generated) + "\n"
    (target / "rules.yaml").write_text(text, encoding="utf-8")
    shipped_topics = sum(e.kind == "topic" for e in kb.entries)
    extra = max(0, (topics if topics is not None else shipped_topics) - shipped_topics)
    text = (src / "topics.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    text += "\n\n".join(_topic(i, rng, v) for i in range(extra)) + "\n"
    (target / "topics.yaml").write_text(text, encoding="utf-8")
    return target
