"""Building the crisis lines and the rules, and the checks that need every file: each region of the region
question has crisis lines, each therapy choice is a therapy, and every plan gets an attendance level."""

from __future__ import annotations

from parentinvolve.conditions import specificity
from parentinvolve.didyoumean import did_you_mean
from parentinvolve.kb.conditions import parse_condition
from parentinvolve.kb.context import Context
from parentinvolve.kb.reader import Loc, Map
from parentinvolve.model import (
    MOMENT,
    THERAPY,
    UNSURE,
    Ask,
    Attendance,
    Crisis,
    Entry,
    Line,
    Question,
    Region,
    Rule,
    Source,
)

RULE_ADDS = ("attendance", "suggest", "moments", "confidentiality", "prepare", "ask", "why")


def crisis(ctx: Context, sources: dict[str, Source], questions: dict[str, Question]) -> Crisis | None:
    node = ctx.docs.get("crisis")
    if node is None:
        return None
    f = ctx.r.fields(node, "crisis.yaml", ["message", "safety_plan", "sources", "regions"])
    regions = []
    for item in ctx.r.items(f.get("regions"), "regions"):
        rf = ctx.r.fields(item, "a region", ["id", "name", "emergency", "lines"])
        lines = []
        for line in ctx.r.items(rf.get("lines"), "lines"):
            lf = ctx.r.fields(line, "a crisis line", ["name", "contact"])
            lines.append(Line(ctx.r.text(lf.get("name"), "name"), ctx.r.text(lf.get("contact"), "contact")))
        if not lines and "lines" in rf:
            ctx.r.error(rf["lines"].loc, "a region needs at least one crisis line")
        regions.append(
            (
                Region(
                    ctx.r.ident(rf.get("id"), "region id"),
                    ctx.r.text(rf.get("name"), "name"),
                    ctx.r.text(rf.get("emergency"), "emergency"),
                    tuple(lines),
                ),
                item.loc,
            )
        )
    ctx.unique(((r.id, loc) for r, loc in regions), "region")
    region_q = questions.get("region")
    if region_q is not None:
        have = {r.id for r, _ in regions}
        for cid in region_q.choice_ids():
            if cid not in have:
                ctx.r.error(
                    node.loc, f"crisis.yaml has no crisis lines for region {cid!r}, a choice of the region question"
                )
        for r, loc in regions:
            if r.id and r.id not in region_q.choice_ids():
                ctx.r.error(
                    loc,
                    f"region {r.id!r} is not a choice of the region question{did_you_mean(r.id, region_q.choice_ids())}",
                )
    return Crisis(
        message=ctx.r.text(f.get("message"), "message"),
        safety_plan=ctx.r.paragraphs(f.get("safety_plan"), "safety_plan"),
        sources=ctx.source_refs(f, "crisis.yaml", sources),
        regions=tuple(r for r, _ in regions),
    )


def rules(
    ctx: Context,
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
    for order, node in enumerate(ctx.entries("rules")):
        f = ctx.r.fields(node, "a rule", ["id", "sources"], ["because", "when", "priority", "group", *RULE_ADDS])
        rid = ctx.r.ident(f.get("id"), "rule id")
        pairs.append((rid, node.loc))
        if f and not any(k in f for k in RULE_ADDS):
            ctx.r.error(node.loc, f"rule {rid!r} adds nothing: give at least one of {', '.join(RULE_ADDS)}")
        when = parse_condition(f["when"], questions, ctx.r) if "when" in f and "questions" not in ctx.broken else None
        level = ctx.r.ident(f.get("attendance"), "attendance")
        if ctx.missing(level, attendance, "attendance"):
            ctx.r.error(f["attendance"].loc, f"unknown attendance {level!r}{did_you_mean(level, attendance)}")
        moment_parts = []
        if "moments" in f:
            mf = f["moments"]
            if isinstance(mf, Map):
                for key, value in mf.items.items():
                    if ctx.missing(key, moments, "moments"):
                        ctx.r.error(mf.keys[key], f"unknown moment {key!r}{did_you_mean(key, moments)}")
                    moment_parts.append((key, ctx.r.paragraphs(value, f"moments {key}")))
            else:
                ctx.r.error(mf.loc, "moments should be a mapping of moment ids to paragraphs, like {weekly: [...]}")
        out.append(
            Rule(
                id=rid,
                sources=ctx.source_refs(f, f"rule {rid!r}", sources),
                because=ctx.r.text(f.get("because"), "because"),
                when=when,
                priority=ctx.r.integer(f.get("priority"), "priority") or 0,
                group=ctx.r.ident(f.get("group"), "group"),
                attendance=level,
                suggest=ctx.refs(ctx.r.idents(f.get("suggest"), "suggest"), therapies, "therapy", "therapies"),
                moments=tuple(moment_parts),
                confidentiality=ctx.r.paragraphs(f.get("confidentiality"), "confidentiality"),
                prepare=ctx.r.paragraphs(f.get("prepare"), "prepare"),
                ask=ctx.refs(ctx.r.idents(f.get("ask"), "ask"), asks, "question to ask (asks.yaml)", "asks"),
                why=ctx.r.paragraphs(f.get("why"), "why"),
                order=order,
                specificity=specificity(when),
            )
        )
    ctx.unique(pairs, "rule id")
    _check_questions_refs(ctx, questions, therapies)
    _check_default_attendance(ctx, out, [loc for _, loc in pairs])
    return tuple(out)


def _check_default_attendance(ctx: Context, rules: list[Rule], locs: list[Loc]) -> None:
    """Every plan must get an attendance level: some rule without `when` sets one, and no stronger rule
    of its group can overrule it without setting one itself."""
    where = ctx.docs.get("rules")
    if where is None or not rules:
        return
    defaults = [r for r in rules if r.when is None and r.attendance]
    if not defaults:
        ctx.r.error(
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
        ctx.r.error(
            locs[b.order],
            f"rule {b.id!r} sets no attendance but can overrule {d.id!r}, the default attendance rule, in group "
            f"{d.group!r}, so some plans would have none; give it an attendance or move it out of the group",
        )


def _check_questions_refs(ctx: Context, questions: dict[str, Question], therapies: list[str]) -> None:
    therapy_q = questions.get("therapy")
    if therapy_q is None or "therapies" in ctx.broken:
        return
    for choice in therapy_q.choices:
        if choice.id != UNSURE and ctx.missing(choice.id, therapies, "therapies"):
            node = ctx.docs.get("questions")
            loc = ctx.choice_locs.get(("therapy", choice.id)) or (
                node.loc if node is not None else Loc("questions.yaml", 1, 1)
            )
            ctx.r.error(
                loc,
                f"therapy choice {choice.id!r} is not a therapy in therapies.yaml{did_you_mean(choice.id, therapies)}",
            )
