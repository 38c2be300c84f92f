"""Building the entries of the knowledge base: sources, questions, attendance levels, therapies, moments and
topics, the names they go by, and the questions to ask."""

from __future__ import annotations

import datetime
import re

from parentinvolve.i18n import _
from parentinvolve.kb.conditions import parse_condition
from parentinvolve.kb.context import Context
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq
from parentinvolve.model import (
    MOMENT,
    THERAPY,
    TOPIC,
    Ask,
    Attendance,
    Band,
    Choice,
    Entry,
    Question,
    Section,
    Source,
    lookup_key,
)
from parentinvolve.text.didyoumean import did_you_mean

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
    ("age_fit", "Ages", True),
    ("parent_role", "Your part as a parent", True),
    ("how_often", "How often you take part", True),
    ("confidentiality", "What stays private", True),
    ("length", "How long it lasts and how it ends", False),
    ("details", "More to know", False),
    # a safety note said wherever the therapy is chosen or suggested (engine.py): family therapy's, before
    # anyone joins a joint session
    ("caution", "Before any joint session", False),
)
STALE_AFTER_DAYS = 730  # `validate` warns about an entry whose `reviewed` date is older than 24 months
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://\S+$")
MOMENT_SECTIONS = (
    ("asks_of_you", "Your part in one line", True),  # the plan's timeline shows it (render/summary.py)
    ("asks_of_you_ongoing", "Once sessions are under way", False),  # the timeline's line for families under way
    ("asks_of_you_waiting", "While you wait for a first appointment", False),  # ... and for families on a list
    ("when", "When it happens", True),
    ("asks", "What it asks of you", True),
    ("prepare", "How to prepare", True),
)


def sources(ctx: Context) -> dict[str, Source]:
    out: dict[str, Source] = {}
    pairs = []
    for node in ctx.entries("sources"):
        f = ctx.reader.fields(node, _("a source"), ["id", "title", "url"], ["publisher", "citation", "note", "regions"])
        sid = ctx.own_id(f.get("id"), "source id", "sources")
        url_node = f.get("url")
        url = ctx.reader.text(url_node, "url")
        if url and url_node is not None and not _URL.match(url):
            ctx.reader.error(
                url_node.loc, _("url {url} should be a public web address starting with https://").format(url=repr(url))
            )
        pairs.append((sid, node.loc))
        regions = ctx.reader.idents(f.get("regions"), "regions")
        ctx.region_locs += [(sid, region, loc) for region, loc in regions]
        src = Source(
            id=sid,
            title=ctx.reader.text(f.get("title"), "title"),
            publisher=ctx.reader.text(f.get("publisher"), "publisher"),
            citation=ctx.reader.text(f.get("citation"), "citation"),
            url=url,
            note=ctx.reader.text(f.get("note"), "note"),
            regions=tuple(region for region, _ in regions),
        )
        if sid and sid not in out:
            out[sid] = src
    ctx.unique(pairs, _("source id"))
    return out


def questions(ctx: Context) -> dict[str, Question]:
    out: dict[str, Question] = {}
    locs: dict[str, Loc] = {}
    all_ids = {
        str(id_node.value)
        for node in ctx.entries("questions")
        if isinstance(node, Map) and isinstance(id_node := node.items.get("id"), Scalar)
    }
    for node in ctx.entries("questions"):
        q = _question(ctx, node, out, all_ids)
        if q.id in out:
            ctx.reader.error(
                node.loc,
                _("duplicate question id {qid} (also at line {line})").format(qid=repr(q.id), line=locs[q.id].line),
            )
        elif q.id:
            out[q.id], locs[q.id] = q, node.loc
    where = ctx.docs.get("questions")
    if where is not None:
        _check_required(ctx, where.loc, out, locs)
    return out


def _question(ctx: Context, node: Node, earlier: dict[str, Question], all_ids: set[str]) -> Question:
    """One question; its `when` may name the questions before it (`earlier`), and is told apart from a typo by
    `all_ids` (a question asked later)."""
    f = ctx.reader.fields(
        node, _("a question"), ["id", "kind", "prompt", "help"], ["choices", "min", "max", "default", "when"]
    )
    qid = ctx.reader.ident(f.get("id"), "question id")
    kind = ctx.reader.text(f.get("kind"), "kind")
    if kind and kind not in QUESTION_KINDS:
        ctx.reader.error(
            f["kind"].loc,
            _("kind {kind} should be one of {names}{suggestion}").format(
                kind=repr(kind), names=", ".join(QUESTION_KINDS), suggestion=did_you_mean(kind, QUESTION_KINDS)
            ),
        )
    choices = _choices(ctx, f.get("choices"), kind, qid, node.loc)
    low, high = _range(ctx, f, kind, qid, node.loc)
    default = _default(ctx, f.get("default"), kind, qid, choices)
    when = parse_condition(f["when"], earlier, ctx.reader, later=all_ids) if "when" in f else None
    return Question(
        qid,
        kind,
        ctx.reader.text(f.get("prompt"), "prompt"),
        ctx.reader.text(f.get("help"), "help"),
        choices,
        low,
        high,
        default,
        when,
    )


def _range(ctx: Context, f: dict[str, Node], kind: str, qid: str, loc: Loc) -> tuple[int | None, int | None]:
    """An integer question's `min` and `max`."""
    low, high = ctx.reader.integer(f.get("min"), "min"), ctx.reader.integer(f.get("max"), "max")
    if kind != "integer" and (low is not None or high is not None):
        ctx.reader.error(loc, _("question {qid}: min and max are for integer questions only").format(qid=repr(qid)))
    if low is not None and high is not None and low > high:
        ctx.reader.error(
            loc, _("question {qid}: min {low} is larger than max {high}").format(qid=repr(qid), low=low, high=high)
        )
    return low, high


def _default(ctx: Context, node: Node | None, kind: str, qid: str, choices: tuple[Choice, ...]) -> str | None:
    """A select question's preselected choice."""
    default = ctx.reader.text(node, "default") or None
    if node is None or default is None:
        return default
    if kind != "select":
        ctx.reader.error(node.loc, _("question {qid}: only select questions take a default").format(qid=repr(qid)))
    elif default not in [c.id for c in choices]:
        ctx.reader.error(
            node.loc,
            _("default {default} is not a choice of {qid}{suggestion}").format(
                default=repr(default), qid=qid, suggestion=did_you_mean(default, [c.id for c in choices])
            ),
        )
    return default


def _check_required(ctx: Context, loc: Loc, out: dict[str, Question], locs: dict[str, Loc]) -> None:
    """The questions the program itself relies on are there, each of the kind it expects."""
    for qid, kind in REQUIRED_QUESTIONS.items():
        if qid not in out:
            ctx.reader.error(
                loc,
                _("questions.yaml must have the question {qid} ({kind}); the program relies on it").format(
                    qid=repr(qid), kind=kind
                ),
            )
        elif out[qid].kind != kind:
            ctx.reader.error(locs[qid], _("question {qid} must be of kind {kind}").format(qid=repr(qid), kind=kind))


def _choices(ctx: Context, node: Node | None, kind: str, qid: str, loc: Loc) -> tuple[Choice, ...]:
    if kind in ("select", "multi") and node is None:
        ctx.reader.error(loc, _("question {qid} needs a list of choices").format(qid=repr(qid)))
    if kind == "integer" and node is not None:
        ctx.reader.error(node.loc, _("question {qid}: an integer question has no choices").format(qid=repr(qid)))
    out = []
    pairs = []
    for item in ctx.reader.items(node, "choices"):
        f = ctx.reader.fields(item, _("a choice"), ["id", "label"])
        cid = ctx.reader.ident(f.get("id"), "choice id")
        pairs.append((cid, item.loc))
        ctx.choice_locs.setdefault((qid, cid), f["id"].loc if "id" in f else item.loc)
        out.append(Choice(cid, ctx.reader.text(f.get("label"), "label")))
    if kind in ("select", "multi") and isinstance(node, Seq) and not node.items:
        ctx.reader.error(node.loc, _("question {qid} needs at least one choice").format(qid=repr(qid)))
    ctx.unique(pairs, _("choice of {id}").format(id=qid))
    return tuple(out)


def attendance_levels(ctx: Context) -> dict[str, Attendance]:
    out: dict[str, Attendance] = {}
    pairs = []
    for node in ctx.entries("attendance"):
        f = ctx.reader.fields(node, _("an attendance level"), ["id", "label", "description"], ["excludes"])
        aid = ctx.own_id(f.get("id"), "attendance id", "attendance")
        pairs.append((aid, node.loc))
        excludes = ctx.reader.idents(f.get("excludes"), "excludes")
        if excludes and aid:
            ctx.excludes_locs[f"attendance:{aid}"] = list(excludes)
        out.setdefault(
            aid,
            Attendance(
                aid,
                ctx.reader.text(f.get("label"), "label"),
                ctx.reader.text(f.get("description"), "description"),
                tuple(v for v, _ in excludes),
            ),
        )
    ctx.unique(pairs, _("attendance id"))
    return out


def explain_entries(ctx: Context, sources: dict[str, Source], attendance: dict[str, Attendance]) -> tuple[Entry, ...]:
    out: list[Entry] = []
    pairs = []
    common = ["id", "name", "summary", "reviewed", "sources"]
    for kind, file, sections in ((THERAPY, "therapies", THERAPY_SECTIONS), (MOMENT, "moments", MOMENT_SECTIONS)):
        for node in ctx.entries(file):
            req = [k for k, _, needed in sections if needed] + (["ages", "attendance"] if kind == THERAPY else [])
            opt = ["aliases"] + [k for k, _, needed in sections if not needed]
            f = ctx.reader.fields(node, f"a {kind}", common + req, opt)
            secs = tuple(Section(k, h, ctx.reader.paragraphs(f.get(k), k)) for k, h, _ in sections if k in f)
            entry = _entry(ctx, kind, f, secs, sources)
            if kind == THERAPY:
                ages, ages_source = _ages(ctx, f.get("ages"), sources, entry.id)
                bands = _bands(ctx, f.get("attendance"), attendance, entry.id)
                entry = entry._replace(ages=ages, ages_source=ages_source, bands=bands)
            out.append(entry)
            pairs.append((out[-1].id, node.loc))
    for node in ctx.entries("topics"):
        f = ctx.reader.fields(node, _("a topic"), [*common, "sections"], ["aliases"])
        topic_secs: list[Section] = []
        for item in ctx.reader.items(f.get("sections"), "sections"):
            sf = ctx.reader.fields(item, _("a section"), ["heading", "text"])
            heading = ctx.reader.text(sf.get("heading"), "heading")
            topic_secs.append(Section(lookup_key(heading), heading, ctx.reader.paragraphs(sf.get("text"), "text")))
        out.append(_entry(ctx, TOPIC, f, tuple(topic_secs), sources))
        pairs.append((out[-1].id, node.loc))
    ctx.unique(pairs, "id", _("; therapies, moments and topics share one set of ids"))
    return tuple(out)


def _entry(ctx: Context, kind: str, f: dict[str, Node], secs: tuple[Section, ...], sources: dict[str, Source]) -> Entry:
    alias_nodes = ctx.reader.items(f.get("aliases"), "aliases")
    aliases = tuple(ctx.reader.text(a, "alias") for a in alias_nodes)
    entry_id = ctx.own_id(f.get("id"), f"{kind} id", {THERAPY: "therapies", MOMENT: "moments"}.get(kind, "topics"))
    name = ctx.reader.text(f.get("name"), "name")
    for value, key in ((entry_id, "id"), (name, "name")):
        if value:
            ctx.name_locs.append((entry_id, value, f[key].loc))
    ctx.name_locs += [(entry_id, a, node.loc) for a, node in zip(aliases, alias_nodes, strict=True) if a]
    return Entry(
        kind=kind,
        id=entry_id,
        name=name,
        summary=ctx.reader.text(f.get("summary"), "summary"),
        sections=secs,
        sources=ctx.source_refs(f, _("this {kind}").format(kind=_(kind)), sources),
        aliases=tuple(a for a in aliases if a),
        reviewed=reviewed(ctx, f.get("reviewed"), f"{kind} {entry_id!r}"),
    )


def reviewed(ctx: Context, node: Node | None, what: str) -> str:
    """A `reviewed: YYYY-MM-DD` date; a date older than STALE_AFTER_DAYS is a warning (validate still passes)."""
    if node is None:
        return ""
    raw = str(node.raw) if isinstance(node, Scalar) else ""
    if not isinstance(node, Scalar) or node.kind not in ("timestamp", "str") or not _DATE.match(raw):
        ctx.reader.error(node.loc, _("reviewed should be a date written YYYY-MM-DD, like 2026-11-30"))
        return ""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        ctx.reader.error(node.loc, _("reviewed {raw} is not a real date; write it YYYY-MM-DD").format(raw=repr(raw)))
        return ""
    if day > ctx.today:
        ctx.reader.error(
            node.loc, _("reviewed {raw} is in the future; give the date the text was last checked").format(raw=raw)
        )
    elif (ctx.today - day).days > STALE_AFTER_DAYS:
        ctx.warnings.append(
            node.loc.problem(
                _("warning: {what} was last reviewed on {raw}, more than 24 months ago; check it again").format(
                    what=what, raw=raw
                )
            )
        )
    return raw


def _ages(
    ctx: Context, node: Node | None, sources: dict[str, Source], therapy: str
) -> tuple[tuple[int, int] | None, str]:
    """A therapy's typical ages: `{min, max, source}`, within the age question's range (checked later)."""
    if node is None:
        return None, ""
    if not isinstance(node, Map):
        ctx.reader.error(node.loc, _("ages should be a mapping like {min: 2, max: 7, source: a-source-id}"))
        return None, ""
    f = ctx.reader.fields(node, "ages", ["min", "max"], ["source"])
    low, high = ctx.reader.integer(f.get("min"), "ages min"), ctx.reader.integer(f.get("max"), "ages max")
    source = ""
    if "source" in f:
        source = ctx.reader.ident(f["source"], "ages source")
        if ctx.missing(source, sources, "sources"):
            ctx.reader.error(
                f["source"].loc,
                _("unknown source {source}{suggestion}").format(
                    source=repr(source), suggestion=did_you_mean(source, sources)
                ),
            )
            source = ""
    if low is None or high is None:
        return None, source
    if low > high:
        ctx.reader.error(node.loc, _("ages: min {low} is larger than max {high}").format(low=low, high=high))
        return None, source
    ctx.ages_locs[therapy] = node.loc
    return (low, high), source


def _bands(ctx: Context, node: Node | None, attendance: dict[str, Attendance], therapy: str) -> tuple[Band, ...]:
    """The parent's attendance by age band: `[{ages: {min, max}, level, weekly: [paragraphs]}]`; a band
    without `ages` covers every age. Whether the bands cover every age is checked with the questions."""
    if node is None:
        return ()
    if not isinstance(node, Seq):
        ctx.reader.error(
            node.loc,
            _("attendance should be a list of bands like [{ages: {max: 6}, level: every-session, weekly: [...]}]"),
        )
        return ()
    if not node.items:
        ctx.reader.error(node.loc, _("attendance needs at least one band"))
    out: list[Band] = []
    for item in node.items:
        f = ctx.reader.fields(item, _("an attendance band"), ["level", "weekly"], ["ages"])
        low: int = 0
        high: int | None = None  # no `max`: the band goes on for ever
        ages = f.get("ages")
        if isinstance(ages, Map):
            af = ctx.reader.fields(ages, "a band's ages", [], ["min", "max"])
            low = ctx.reader.integer(af.get("min"), "band min") or 0
            found = ctx.reader.integer(af.get("max"), "band max")
            high = found
            if not af:
                ctx.reader.error(ages.loc, _("a band's ages needs min, max or both"))
        elif ages is not None:
            ctx.reader.error(ages.loc, _("a band's ages should be a mapping like {min: 7} or {min: 3, max: 6}"))
        level = ctx.reader.ident(f.get("level"), "attendance level")
        if ctx.missing(level, attendance, "attendance"):
            ctx.reader.error(
                f["level"].loc,
                _("unknown attendance {level}{suggestion}").format(
                    level=repr(level), suggestion=did_you_mean(level, attendance)
                ),
            )
        out.append(Band(low, high, level, ctx.reader.paragraphs(f.get("weekly"), "weekly")))
    ctx.band_locs[therapy] = node.loc
    return tuple(out)


def names(ctx: Context) -> dict[str, str]:
    """Every way to name an entry (as `explain` compares them); a name that two entries claim is a problem."""
    out: dict[str, str] = {}
    first: dict[str, Loc] = {}
    for entry_id, name, loc in ctx.name_locs:
        key = lookup_key(name)
        if not key or not entry_id:
            continue
        other = out.setdefault(key, entry_id)
        first.setdefault(key, loc)
        if other != entry_id:
            was = first[key]
            ctx.reader.error(
                loc,
                _(
                    "the name or alias {name} of {entry_id} is already used by {other} (at {path}:{line}); names must be unique, ignoring case, hyphens and spaces"
                ).format(name=repr(name), entry_id=repr(entry_id), other=repr(other), path=was.path, line=was.line),
            )
    return out


def asks(ctx: Context, sources: dict[str, Source]) -> dict[str, Ask]:
    out: dict[str, Ask] = {}
    pairs = []
    for node in ctx.entries("asks"):
        f = ctx.reader.fields(node, _("a question to ask"), ["id", "text", "sources"], ["locked"])
        aid = ctx.own_id(f.get("id"), "id", "asks")
        pairs.append((aid, node.loc))
        text, refs = ctx.reader.text(f.get("text"), "text"), ctx.source_refs(f, _("this question"), sources)
        out.setdefault(aid, Ask(aid, text, refs, ctx.reader.flag(f.get("locked"), "locked")))
    ctx.unique(pairs, _("question id"))
    return out
