"""Load and validate a content folder into a KnowledgeBase, reporting every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parentinvolve.conditions import Condition
from parentinvolve.errors import ContentError, Problem
from parentinvolve.i18n import _, ngettext
from parentinvolve.kb import entries as build_entries
from parentinvolve.kb import lock, said
from parentinvolve.kb import rules as build_rules
from parentinvolve.kb.context import Context
from parentinvolve.kb.entries import MOMENT_SECTIONS, QUESTION_KINDS, REQUIRED_QUESTIONS, THERAPY_SECTIONS
from parentinvolve.kb.reader import Loc, Node, parse_yaml, read_text
from parentinvolve.kb.rules import RULE_ADDS
from parentinvolve.kb.textfiles import folder_problem
from parentinvolve.model import (
    CRISIS,
    MOMENT,
    THERAPY,
    TOPIC,
    Crisis,
    Entry,
    KnowledgeBase,
    Rule,
    Section,
    audience_words,
    lookup_key,
)

__all__ = [
    "FILES",
    "MAX_CONTENT_BYTES",
    "MOMENT_SECTIONS",
    "QUESTION_KINDS",
    "REQUIRED_QUESTIONS",
    "RULE_ADDS",
    "THERAPY_SECTIONS",
    "Counts",
    "check",
    "load",
]

FILES = ("sources", "questions", "attendance", "therapies", "moments", "topics", "asks", "crisis", "rules")
MAX_CONTENT_BYTES = 32 * 1024 * 1024


@dataclass
class Counts:
    """What a validation checked, for the one-line summary."""

    files: int = 0
    numbers: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(
        default_factory=list
    )  # `validate` prints them and still passes (stale review dates, a clinic's copies of entries that changed since)

    def summary(self) -> str:
        """`9 files: 65 sources, 5 questions, ...`, in the current language."""
        parts = ", ".join(_count(name, n) for name, n in self.numbers.items())
        return ngettext("{n} file: {parts}", "{n} files: {parts}", self.files).format(n=self.files, parts=parts)


def _count(name: str, n: int) -> str:
    words = {
        "sources": ngettext("{n} source", "{n} sources", n),
        "questions": ngettext("{n} question", "{n} questions", n),
        "therapies": ngettext("{n} therapy", "{n} therapies", n),
        "moments": ngettext("{n} moment", "{n} moments", n),
        "topics": ngettext("{n} topic", "{n} topics", n),
        "questions to ask": ngettext("{n} question to ask", "{n} questions to ask", n),
        "rules": ngettext("{n} rule", "{n} rules", n),
    }
    return words.get(name, "{n} " + name).format(n=n)


def load(root: Path, clinic: Path | None = None) -> KnowledgeBase:
    """The knowledge base in `root` (with a clinic's layer over it), or ContentError listing every problem."""
    kb, problems, _ = check(root, clinic)
    if problems or kb is None:
        raise ContentError(problems, root=str(root), clinic=str(clinic) if clinic else "")
    return kb


def check(root: Path, clinic: Path | None = None) -> tuple[KnowledgeBase | None, list[Problem], Counts]:
    """Read and validate `root`, and a clinic's layer over it: the knowledge base (None if any problem), every
    problem, and counts."""
    import gc

    # Reading YAML makes millions of small objects and no cycles; the cyclic collector rescanning them all
    # made a 10,000-rule load 4x slower (measured: benchmarks/run.py). Reference counting still frees them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(root, clinic)
    finally:
        if collecting:
            gc.enable()


def _check(root: Path, clinic: Path | None) -> tuple[KnowledgeBase | None, list[Problem], Counts]:
    counts = Counts()
    problem = folder_problem(root)
    if problem is not None:
        message = _("{what}; give the folder that holds the content YAML files").format(what=problem)
        return None, [Problem(str(root), 1, 1, message)], counts
    if not any((root / f"{name}.yaml").exists() for name in FILES):
        listed = ", ".join(f"{name}.yaml" for name in FILES)
        return (
            None,
            [
                Problem(
                    str(root), 1, 1, _("no content files here; a content folder holds {listed}").format(listed=listed)
                )
            ],
            counts,
        )
    docs: dict[str, Node | None] = {}
    problems: list[Problem] = []
    for name in FILES:
        path = root / f"{name}.yaml"
        shown = str(path)
        if not path.exists() and not path.is_symlink():  # a broken link or a loop is read, and named
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    _("missing file {name}.yaml (see the authoring guide, content/README.md)").format(name=name),
                )
            )
            docs[name] = None
            continue
        counts.files += 1
        text, found = read_text(path, shown, max_bytes=MAX_CONTENT_BYTES)
        problems += found
        node = None
        if text is not None:
            node, found = parse_yaml(text, shown)
            problems += found
        docs[name] = node
    layer = None
    if clinic is not None:  # a clinic's layer: merged into the parsed files by id, then built as one (overlay.py)
        from parentinvolve.kb import overlay

        layer = overlay.read(clinic, MAX_CONTENT_BYTES)
        overlay.apply(docs, layer)
        problems += layer.problems
        counts.warnings = layer.warnings
    ctx = Context(root, docs)
    kb, counts.numbers = _build(ctx)
    if layer is not None:
        from parentinvolve.kb.clinic import finish

        kb = finish(ctx, kb, layer)
    if kb is not None:  # the rules are final (a clinic's layer may have changed them): their items, once
        kb = kb._replace(rules=said.index(kb.rules))
    problems += ctx.reader.problems
    counts.warnings = list(dict.fromkeys([*counts.warnings, *ctx.warnings]))  # the clinic's, then the content's
    # One problem can be reported twice (a duplicate key seen from both sides); keep one of each.
    unique = list(dict.fromkeys(problems))
    return (kb if not unique else None), unique, counts


def _build(ctx: Context) -> tuple[KnowledgeBase | None, dict[str, int]]:
    """Every file built in turn (later files refer to earlier ones): the knowledge base, None on any problem,
    and how many of each thing were read."""
    sources = build_entries.sources(ctx)
    questions = build_entries.questions(ctx)
    attendance = build_entries.attendance_levels(ctx)
    entries = build_entries.explain_entries(ctx, sources, attendance)
    asks = build_entries.asks(ctx, sources)
    crisis = build_rules.crisis(ctx, sources, questions)
    for entry_id, name, loc in ctx.name_locs:  # `explain crisis` is made from crisis.yaml, and no entry takes it
        if entry_id == name == CRISIS:
            ctx.reader.error(loc, lock.id_taken(CRISIS))
    if crisis is not None:
        entries = (*entries, _crisis_entry(ctx, crisis))
    rules = build_rules.rules(ctx, sources, questions, attendance, entries, asks)
    names = build_entries.names(ctx)
    counts = {
        "sources": len(sources),
        "questions": len(questions),
        "therapies": sum(e.kind == THERAPY for e in entries),
        "moments": sum(e.kind == MOMENT for e in entries),
        "topics": sum(e.kind == TOPIC for e in entries),
        "questions to ask": len(asks),
        "rules": len(rules),
    }
    if ctx.reader.problems or crisis is None:
        return None, counts
    kb = KnowledgeBase(
        root=str(ctx.root),
        sources=sources,
        questions=tuple(questions.values()),
        attendance=attendance,
        entries=entries,
        asks=asks,
        crisis=crisis,
        rules=_share_conditions(rules),
        names=names,
    )
    return kb, counts


def _share_conditions(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Rules with equal conditions get one condition object: the model promises it (see KnowledgeBase) and
    the engine checks each distinct condition once per plan. The cache's decoder keeps the same promise."""
    shared: dict[Condition, Condition] = {}
    return tuple(r if r.when is None else r._replace(when=shared.setdefault(r.when, r.when)) for r in rules)


CRISIS_ALIASES = (
    "suicide",
    "self-harm",
    "emergency",
    "safety plan",
    "crisis lines",
    "crisis line",
    "suicidal thoughts",
)


def _crisis_entry(ctx: Context, crisis: Crisis) -> Entry:
    """`explain crisis`: every region's lines and safety steps, made from crisis.yaml so no number is written twice."""
    sections = [Section("now", "If your child is in danger now", (crisis.message,))]
    for region in crisis.regions:
        lines = tuple(f"{line.name}: {line.contact}{audience_words(line.audience)}" for line in region.lines)
        sections.append(Section(lookup_key(region.name), region.name, lines + region.steps))
    sections.append(Section("at-home", "Safety steps for every family", crisis.safety_plan))
    where = ctx.docs.get("crisis")
    loc = where.loc if where is not None else Loc("crisis.yaml", 1, 1)
    name = "Crisis lines and safety steps"
    ctx.name_locs += [(CRISIS, text, loc) for text in (CRISIS, name, *CRISIS_ALIASES)]
    return Entry(
        kind=TOPIC,
        id=CRISIS,
        name=name,
        summary="Crisis lines for every country we cover, and steps that keep a child safer at home.",
        sections=tuple(sections),
        sources=tuple(dict.fromkeys((*crisis.sources, *(s for r in crisis.regions for s in r.sources)))),
        aliases=CRISIS_ALIASES,
        reviewed=crisis.reviewed,
    )
