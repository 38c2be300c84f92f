"""Load and validate a content folder into a KnowledgeBase, reporting every problem at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from parentinvolve.conditions import specificity
from parentinvolve.condparse import parse_condition
from parentinvolve.errors import ContentError, Problem
from parentinvolve.fields import Reader
from parentinvolve.knowledge import (
    MOMENT,
    THERAPY,
    TOPIC,
    UNSURE,
    Ask,
    Attendance,
    Choice,
    Crisis,
    Entry,
    KnowledgeBase,
    Line,
    Question,
    Region,
    Rule,
    Section,
    Source,
    lookup_key,
)
from parentinvolve.suggest import did_you_mean
from parentinvolve.yamlsrc import Loc, Map, Node, Scalar, Seq, parse_yaml, read_text

FILES = ("sources", "questions", "attendance", "therapies", "moments", "topics", "asks", "crisis", "rules")
MAX_CONTENT_BYTES = 32 * 1024 * 1024
# The questions the program itself relies on, and the kind each must be.
REQUIRED_QUESTIONS = {
    "child_age": "integer",
    "concerns": "multi",
    "therapy": "select",
    "stage": "select",
    "region": "select",
}
QUESTION_KINDS = ("integer", "select", "multi")
THERAPY_SECTIONS = (
    ("what_it_is", "What it is", True),
    ("used_for", "What it is used for", True),
    ("ages", "Ages", True),
    ("parent_role", "Your part as a parent", True),
    ("how_often", "How often you take part", True),
    ("confidentiality", "What stays private", True),
    ("length", "How long it lasts and how it ends", False),
    ("details", "More to know", False),
)
MOMENT_SECTIONS = (
    ("when", "When it happens", True),
    ("asks", "What it asks of you", True),
    ("prepare", "How to prepare", True),
)
RULE_ADDS = ("attendance", "suggest", "moments", "confidentiality", "prepare", "ask", "why")


@dataclass
class Counts:
    """What a validation checked, for the one-line summary."""

    files: int = 0
    numbers: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.numbers.items())
        return f"{self.files} files: {parts}"


def load(root: Path) -> KnowledgeBase:
    """The knowledge base in `root`, or ContentError listing every problem."""
    kb, problems, _ = check(root)
    if problems or kb is None:
        raise ContentError(problems, root=str(root))
    return kb


def check(root: Path) -> tuple[KnowledgeBase | None, list[Problem], Counts]:
    """Read and validate `root`: the knowledge base (None if any problem), every problem, and counts."""
    import gc

    # Reading YAML makes millions of small objects and no cycles; the cyclic collector rescanning them all
    # made a 10,000-rule load 4x slower (measured: benchmarks/run.py). Reference counting still frees them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(root)
    finally:
        if collecting:
            gc.enable()


def _check(root: Path) -> tuple[KnowledgeBase | None, list[Problem], Counts]:
    counts = Counts()
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "no such folder"
        return None, [Problem(str(root), 1, 1, f"{what}; give the folder that holds the content YAML files")], counts
    if not any((root / f"{name}.yaml").exists() for name in FILES):
        listed = ", ".join(f"{name}.yaml" for name in FILES)
        return None, [Problem(str(root), 1, 1, f"no content files here; a content folder holds {listed}")], counts
    docs: dict[str, Node | None] = {}
    problems: list[Problem] = []
    for name in FILES:
        path = root / f"{name}.yaml"
        shown = str(path)
        if not path.exists():
            problems.append(
                Problem(shown, 1, 1, f"missing file {name}.yaml (see the authoring guide, content/README.md)")
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
    builder = _Builder(root, docs)
    kb = builder.build()
    problems += builder.r.problems
    counts.numbers = builder.counts
    # One problem can be reported twice (a duplicate key seen from both sides); keep one of each.
    unique = list(dict.fromkeys(problems))
    return (kb if not unique else None), unique, counts


def _loose(text: str) -> str:
    """An id with case and everything but letters and digits ignored: `Every Session` ~ `every-session`."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


class _Builder:
    def __init__(self, root: Path, docs: dict[str, Node | None]) -> None:
        self.root = root
        self.docs = docs
        self.r = Reader()
        self.counts: dict[str, int] = {}
        self.bad_ids: dict[str, set[str]] = {}  # file -> loose keys of entry ids that are malformed
        self.choice_locs: dict[tuple[str, str], Loc] = {}  # (question id, choice id) -> where the id is written
        self.name_locs: list[tuple[str, str, Loc]] = []  # (entry id, id|name|alias, where it is written)
        # Files that could not be read (or are not a list): their problem is already reported, so
        # references into them are not checked (one syntax error must not bring dozens of "unknown ...").
        self.broken = {
            name for name, node in docs.items() if node is None or (name != "crisis" and not isinstance(node, Seq))
        }

    def own_id(self, node: Node | None, what: str, file: str) -> str:
        """The id of an entry of `file`; a malformed one is remembered so references to it are not reported too."""
        value = self.r.ident(node, what)
        if not value and isinstance(node, Scalar) and node.kind == "str":
            self.bad_ids.setdefault(file, set()).add(_loose(str(node.value)))
        return value

    def missing(self, value: str, known: Iterable[str], file: str) -> bool:
        """Whether `value` names nothing in `file`, and that is a new problem: not a file that could not be
        read, nor an entry whose own id is malformed (`Every Session` for `every-session`), both reported."""
        if not value or value in known or file in self.broken:
            return False
        return _loose(value) not in self.bad_ids.get(file, set())

    def refs(self, pairs: Iterable[tuple[str, Loc]], known: Iterable[str], what: str, file: str) -> tuple[str, ...]:
        known = list(known)
        return self.r.refs(((v, loc) for v, loc in pairs if v in known or self.missing(v, known, file)), known, what)

    def entries(self, name: str) -> tuple[Node, ...]:
        node = self.docs.get(name)
        return self.r.items(node, f"{name}.yaml") if node is not None else ()

    def unique(self, pairs: Iterable[tuple[str, Loc]], what: str, note: str = "") -> None:
        seen: dict[str, Loc] = {}
        for value, loc in pairs:
            if not value:
                continue
            if value in seen:
                first = seen[value]
                self.r.error(loc, f"duplicate {what} {value!r} (also at {first.path}:{first.line}){note}")
            else:
                seen[value] = loc

    def build(self) -> KnowledgeBase | None:
        sources = self.sources()
        questions = self.questions()
        attendance = self.attendance_levels()
        entries = self.explain_entries(sources, attendance)
        asks = self.asks(sources)
        crisis = self.crisis(sources, questions)
        rules = self.rules(sources, questions, attendance, entries, asks)
        names = self.names()
        self.counts = {
            "sources": len(sources),
            "questions": len(questions),
            "therapies": sum(e.kind == THERAPY for e in entries),
            "moments": sum(e.kind == MOMENT for e in entries),
            "topics": sum(e.kind == TOPIC for e in entries),
            "questions to ask": len(asks),
            "rules": len(rules),
        }
        if self.r.problems or crisis is None:
            return None
        return KnowledgeBase(
            root=str(self.root),
            sources=sources,
            questions=tuple(questions.values()),
            attendance=attendance,
            entries=entries,
            asks=asks,
            crisis=crisis,
            rules=rules,
            names=names,
        )

    def source_refs(self, fields: dict[str, Node], what: str, sources: dict[str, Source]) -> tuple[str, ...]:
        node = fields.get("sources")
        pairs = self.r.idents(node, f"{what} sources")
        if isinstance(node, Seq) and not node.items:
            self.r.error(node.loc, f"{what} needs at least one source id")
        return self.refs(pairs, sources, "source", "sources")

    def sources(self) -> dict[str, Source]:
        out: dict[str, Source] = {}
        pairs = []
        for node in self.entries("sources"):
            f = self.r.fields(node, "a source", ["id", "title"], ["publisher", "citation", "url", "note"])
            sid = self.own_id(f.get("id"), "source id", "sources")
            pairs.append((sid, node.loc))
            src = Source(
                id=sid,
                title=self.r.text(f.get("title"), "title"),
                publisher=self.r.text(f.get("publisher"), "publisher"),
                citation=self.r.text(f.get("citation"), "citation"),
                url=self.r.text(f.get("url"), "url"),
                note=self.r.text(f.get("note"), "note"),
            )
            if sid and sid not in out:
                out[sid] = src
        self.unique(pairs, "source id")
        return out

    def questions(self) -> dict[str, Question]:
        out: dict[str, Question] = {}
        locs: dict[str, Loc] = {}
        all_ids = {
            str(id_node.value)
            for node in self.entries("questions")
            if isinstance(node, Map) and isinstance(id_node := node.items.get("id"), Scalar)
        }
        for node in self.entries("questions"):
            f = self.r.fields(
                node, "a question", ["id", "kind", "prompt", "help"], ["choices", "min", "max", "default", "when"]
            )
            qid = self.r.ident(f.get("id"), "question id")
            kind = self.r.text(f.get("kind"), "kind")
            if kind and kind not in QUESTION_KINDS:
                self.r.error(
                    f["kind"].loc,
                    f"kind {kind!r} should be one of {', '.join(QUESTION_KINDS)}{did_you_mean(kind, QUESTION_KINDS)}",
                )
            choices = self.choices(f.get("choices"), kind, qid, node.loc)
            low, high = self.r.integer(f.get("min"), "min"), self.r.integer(f.get("max"), "max")
            if kind != "integer" and (low is not None or high is not None):
                self.r.error(node.loc, f"question {qid!r}: min and max are for integer questions only")
            if low is not None and high is not None and low > high:
                self.r.error(node.loc, f"question {qid!r}: min {low} is larger than max {high}")
            default = self.r.text(f.get("default"), "default") or None
            if default is not None and kind != "select":
                self.r.error(f["default"].loc, f"question {qid!r}: only select questions take a default")
            elif default is not None and default not in [c.id for c in choices]:
                self.r.error(
                    f["default"].loc,
                    f"default {default!r} is not a choice of {qid}{did_you_mean(default, [c.id for c in choices])}",
                )
            when = parse_condition(f["when"], out, self.r, later=all_ids) if "when" in f else None
            if qid in out:
                self.r.error(node.loc, f"duplicate question id {qid!r} (also at line {locs[qid].line})")
                continue
            q = Question(
                qid,
                kind,
                self.r.text(f.get("prompt"), "prompt"),
                self.r.text(f.get("help"), "help"),
                choices,
                low,
                high,
                default,
                when,
            )
            if qid:
                out[qid], locs[qid] = q, node.loc
        where = self.docs.get("questions")
        if where is not None:
            for qid, kind in REQUIRED_QUESTIONS.items():
                if qid not in out:
                    self.r.error(
                        where.loc, f"questions.yaml must have the question {qid!r} ({kind}); the program relies on it"
                    )
                elif out[qid].kind != kind:
                    self.r.error(locs[qid], f"question {qid!r} must be of kind {kind}")
        return out

    def choices(self, node: Node | None, kind: str, qid: str, loc: Loc) -> tuple[Choice, ...]:
        if kind in ("select", "multi") and node is None:
            self.r.error(loc, f"question {qid!r} needs a list of choices")
        if kind == "integer" and node is not None:
            self.r.error(node.loc, f"question {qid!r}: an integer question has no choices")
        out = []
        pairs = []
        for item in self.r.items(node, "choices"):
            f = self.r.fields(item, "a choice", ["id", "label"])
            cid = self.r.ident(f.get("id"), "choice id")
            pairs.append((cid, item.loc))
            self.choice_locs.setdefault((qid, cid), f["id"].loc if "id" in f else item.loc)
            out.append(Choice(cid, self.r.text(f.get("label"), "label")))
        if kind in ("select", "multi") and isinstance(node, Seq) and not node.items:
            self.r.error(node.loc, f"question {qid!r} needs at least one choice")
        self.unique(pairs, f"choice of {qid}")
        return tuple(out)

    def attendance_levels(self) -> dict[str, Attendance]:
        out: dict[str, Attendance] = {}
        pairs = []
        for node in self.entries("attendance"):
            f = self.r.fields(node, "an attendance level", ["id", "label", "description"])
            aid = self.own_id(f.get("id"), "attendance id", "attendance")
            pairs.append((aid, node.loc))
            out.setdefault(
                aid,
                Attendance(aid, self.r.text(f.get("label"), "label"), self.r.text(f.get("description"), "description")),
            )
        self.unique(pairs, "attendance id")
        return out

    def explain_entries(self, sources: dict[str, Source], attendance: dict[str, Attendance]) -> tuple[Entry, ...]:
        out: list[Entry] = []
        pairs = []
        common = ["id", "name", "summary", "sources"]
        for kind, file, sections in ((THERAPY, "therapies", THERAPY_SECTIONS), (MOMENT, "moments", MOMENT_SECTIONS)):
            for node in self.entries(file):
                req = [k for k, _, needed in sections if needed] + (["attendance"] if kind == THERAPY else [])
                opt = ["aliases"] + [k for k, _, needed in sections if not needed]
                f = self.r.fields(node, f"a {kind}", common + req, opt)
                secs = tuple(Section(k, h, self.r.paragraphs(f.get(k), k)) for k, h, _ in sections if k in f)
                level = ""
                if kind == THERAPY and "attendance" in f:
                    level = self.r.ident(f["attendance"], "attendance")
                    if self.missing(level, attendance, "attendance"):
                        self.r.error(
                            f["attendance"].loc, f"unknown attendance {level!r}{did_you_mean(level, attendance)}"
                        )
                out.append(self.entry(kind, f, secs, sources, level))
                pairs.append((out[-1].id, node.loc))
        for node in self.entries("topics"):
            f = self.r.fields(node, "a topic", [*common, "sections"], ["aliases"])
            topic_secs: list[Section] = []
            for item in self.r.items(f.get("sections"), "sections"):
                sf = self.r.fields(item, "a section", ["heading", "text"])
                heading = self.r.text(sf.get("heading"), "heading")
                topic_secs.append(Section(lookup_key(heading), heading, self.r.paragraphs(sf.get("text"), "text")))
            out.append(self.entry(TOPIC, f, tuple(topic_secs), sources, ""))
            pairs.append((out[-1].id, node.loc))
        self.unique(pairs, "id", "; therapies, moments and topics share one set of ids")
        return tuple(out)

    def entry(
        self, kind: str, f: dict[str, Node], secs: tuple[Section, ...], sources: dict[str, Source], level: str
    ) -> Entry:
        alias_nodes = self.r.items(f.get("aliases"), "aliases")
        aliases = tuple(self.r.text(a, "alias") for a in alias_nodes)
        entry_id = self.own_id(f.get("id"), f"{kind} id", {THERAPY: "therapies", MOMENT: "moments"}.get(kind, "topics"))
        name = self.r.text(f.get("name"), "name")
        for value, key in ((entry_id, "id"), (name, "name")):
            if value:
                self.name_locs.append((entry_id, value, f[key].loc))
        self.name_locs += [(entry_id, a, node.loc) for a, node in zip(aliases, alias_nodes, strict=True) if a]
        return Entry(
            kind=kind,
            id=entry_id,
            name=name,
            summary=self.r.text(f.get("summary"), "summary"),
            sections=secs,
            sources=self.source_refs(f, f"this {kind}", sources),
            aliases=tuple(a for a in aliases if a),
            attendance=level,
        )

    def names(self) -> dict[str, str]:
        """Every way to name an entry (as `explain` compares them); a name that two entries claim is a problem."""
        names: dict[str, str] = {}
        first: dict[str, Loc] = {}
        for entry_id, name, loc in self.name_locs:
            key = lookup_key(name)
            if not key or not entry_id:
                continue
            other = names.setdefault(key, entry_id)
            first.setdefault(key, loc)
            if other != entry_id:
                was = first[key]
                self.r.error(
                    loc,
                    f"the name or alias {name!r} of {entry_id!r} is already used by {other!r} "
                    f"(at {was.path}:{was.line}); names must be unique, ignoring case, hyphens and spaces",
                )
        return names

    def asks(self, sources: dict[str, Source]) -> dict[str, Ask]:
        out: dict[str, Ask] = {}
        pairs = []
        for node in self.entries("asks"):
            f = self.r.fields(node, "a question to ask", ["id", "text", "sources"])
            aid = self.own_id(f.get("id"), "id", "asks")
            pairs.append((aid, node.loc))
            out.setdefault(
                aid, Ask(aid, self.r.text(f.get("text"), "text"), self.source_refs(f, "this question", sources))
            )
        self.unique(pairs, "question id")
        return out

    def crisis(self, sources: dict[str, Source], questions: dict[str, Question]) -> Crisis | None:
        node = self.docs.get("crisis")
        if node is None:
            return None
        f = self.r.fields(node, "crisis.yaml", ["message", "safety_plan", "sources", "regions"])
        regions = []
        for item in self.r.items(f.get("regions"), "regions"):
            rf = self.r.fields(item, "a region", ["id", "name", "emergency", "lines"])
            lines = []
            for line in self.r.items(rf.get("lines"), "lines"):
                lf = self.r.fields(line, "a crisis line", ["name", "contact"])
                lines.append(Line(self.r.text(lf.get("name"), "name"), self.r.text(lf.get("contact"), "contact")))
            if not lines and "lines" in rf:
                self.r.error(rf["lines"].loc, "a region needs at least one crisis line")
            regions.append(
                (
                    Region(
                        self.r.ident(rf.get("id"), "region id"),
                        self.r.text(rf.get("name"), "name"),
                        self.r.text(rf.get("emergency"), "emergency"),
                        tuple(lines),
                    ),
                    item.loc,
                )
            )
        self.unique(((r.id, loc) for r, loc in regions), "region")
        region_q = questions.get("region")
        if region_q is not None:
            have = {r.id for r, _ in regions}
            for cid in region_q.choice_ids():
                if cid not in have:
                    self.r.error(
                        node.loc, f"crisis.yaml has no crisis lines for region {cid!r}, a choice of the region question"
                    )
            for r, loc in regions:
                if r.id and r.id not in region_q.choice_ids():
                    self.r.error(
                        loc,
                        f"region {r.id!r} is not a choice of the region question{did_you_mean(r.id, region_q.choice_ids())}",
                    )
        return Crisis(
            message=self.r.text(f.get("message"), "message"),
            safety_plan=self.r.paragraphs(f.get("safety_plan"), "safety_plan"),
            sources=self.source_refs(f, "crisis.yaml", sources),
            regions=tuple(r for r, _ in regions),
        )

    def rules(
        self,
        sources: dict[str, Source],
        questions: dict[str, Question],
        attendance: dict[str, Attendance],
        entries: tuple[Entry, ...],
        asks: dict[str, Ask],
    ) -> tuple[Rule, ...]:
        therapies = [e.id for e in entries if e.kind == THERAPY]
        moments = [e.id for e in entries if e.kind == MOMENT]
        out: list[Rule] = []
        pairs = []
        for order, node in enumerate(self.entries("rules")):
            f = self.r.fields(node, "a rule", ["id", "sources"], ["because", "when", "priority", "group", *RULE_ADDS])
            rid = self.r.ident(f.get("id"), "rule id")
            pairs.append((rid, node.loc))
            if f and not any(k in f for k in RULE_ADDS):
                self.r.error(node.loc, f"rule {rid!r} adds nothing: give at least one of {', '.join(RULE_ADDS)}")
            when = (
                parse_condition(f["when"], questions, self.r)
                if "when" in f and "questions" not in self.broken
                else None
            )
            level = self.r.ident(f.get("attendance"), "attendance")
            if self.missing(level, attendance, "attendance"):
                self.r.error(f["attendance"].loc, f"unknown attendance {level!r}{did_you_mean(level, attendance)}")
            moment_parts = []
            if "moments" in f:
                mf = f["moments"]
                if isinstance(mf, Map):
                    for key, value in mf.items.items():
                        if self.missing(key, moments, "moments"):
                            self.r.error(mf.keys[key], f"unknown moment {key!r}{did_you_mean(key, moments)}")
                        moment_parts.append((key, self.r.paragraphs(value, f"moments {key}")))
                else:
                    self.r.error(
                        mf.loc, "moments should be a mapping of moment ids to paragraphs, like {weekly: [...]}"
                    )
            out.append(
                Rule(
                    id=rid,
                    sources=self.source_refs(f, f"rule {rid!r}", sources),
                    because=self.r.text(f.get("because"), "because"),
                    when=when,
                    priority=self.r.integer(f.get("priority"), "priority") or 0,
                    group=self.r.ident(f.get("group"), "group"),
                    attendance=level,
                    suggest=self.refs(self.r.idents(f.get("suggest"), "suggest"), therapies, "therapy", "therapies"),
                    moments=tuple(moment_parts),
                    confidentiality=self.r.paragraphs(f.get("confidentiality"), "confidentiality"),
                    prepare=self.r.paragraphs(f.get("prepare"), "prepare"),
                    ask=self.refs(self.r.idents(f.get("ask"), "ask"), asks, "question to ask (asks.yaml)", "asks"),
                    why=self.r.paragraphs(f.get("why"), "why"),
                    order=order,
                    specificity=specificity(when),
                )
            )
        self.unique(pairs, "rule id")
        self.check_questions_refs(questions, therapies)
        self.check_default_attendance(out, [loc for _, loc in pairs])
        return tuple(out)

    def check_default_attendance(self, rules: list[Rule], locs: list[Loc]) -> None:
        """Every plan must get an attendance level: some rule without `when` sets one, and no stronger rule
        of its group can overrule it without setting one itself."""
        where = self.docs.get("rules")
        if where is None or not rules:
            return
        defaults = [r for r in rules if r.when is None and r.attendance]
        if not defaults:
            self.r.error(
                where.loc, "no rule without `when` sets attendance, so some plans would have none; add a default rule"
            )
            return
        blockers = {
            d.id: [r for r in rules if d.group and r.group == d.group and not r.attendance and r.rank > d.rank]
            for d in defaults
        }
        if all(blockers[d.id] for d in defaults):
            d = defaults[0]
            b = blockers[d.id][0]
            self.r.error(
                locs[b.order],
                f"rule {b.id!r} sets no attendance but can overrule {d.id!r}, the default attendance rule, in group "
                f"{d.group!r}, so some plans would have none; give it an attendance or move it out of the group",
            )

    def check_questions_refs(self, questions: dict[str, Question], therapies: list[str]) -> None:
        therapy_q = questions.get("therapy")
        if therapy_q is None or "therapies" in self.broken:
            return
        for choice in therapy_q.choices:
            if choice.id != UNSURE and self.missing(choice.id, therapies, "therapies"):
                node = self.docs.get("questions")
                loc = self.choice_locs.get(("therapy", choice.id)) or (
                    node.loc if node is not None else Loc("questions.yaml", 1, 1)
                )
                self.r.error(
                    loc,
                    f"therapy choice {choice.id!r} is not a therapy in therapies.yaml{did_you_mean(choice.id, therapies)}",
                )
