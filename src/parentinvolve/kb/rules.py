"""Building the crisis lines and the rules, and the checks that need every file: each region of the region
question has crisis lines, each therapy choice is a therapy (and each therapy a choice), each therapy states
the parent's attendance for every age, and every rule can contribute to some plan."""

from __future__ import annotations

from parentinvolve.conditions import specificity
from parentinvolve.engine import BUILT_IN
from parentinvolve.i18n import AVAILABLE, ENGLISH, _
from parentinvolve.kb import exclusive, reach
from parentinvolve.kb.conditions import parse_condition
from parentinvolve.kb.context import Context
from parentinvolve.kb.entries import reviewed
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq
from parentinvolve.model import (
    ATTENDANCE,
    AUDIENCES,
    DEPENDS,
    MOMENT,
    THERAPY,
    UNSURE,
    Ask,
    Attendance,
    Choice,
    Crisis,
    Entry,
    Line,
    Question,
    Region,
    Rule,
    Source,
)
from parentinvolve.text.didyoumean import did_you_mean

RULE_ADDS = ("suggest", "moments", "confidentiality", "prepare", "ask", "why")


def crisis(ctx: Context, sources: dict[str, Source], questions: dict[str, Question]) -> Crisis | None:
    node = ctx.docs.get("crisis")
    if node is None:
        return None
    f = ctx.reader.fields(
        node,
        "crisis.yaml",
        ["message", "safety_plan", "sources", "reviewed", "regions"],
        ["warning_signs", "pointer_signs", "pointer_sources"],
    )
    regions = [(_region(ctx, item, sources), item.loc) for item in ctx.reader.items(f.get("regions"), "regions")]
    ctx.unique(((r.id, loc) for r, loc in regions), _("region"))
    region_q = questions.get("region")
    if region_q is not None:
        _check_region_choices(ctx, node.loc, regions, region_q)
    return Crisis(
        message=ctx.reader.text(f.get("message"), "message"),
        safety_plan=ctx.reader.paragraphs(f.get("safety_plan"), "safety_plan"),
        sources=ctx.source_refs(f, "crisis.yaml", sources),
        regions=tuple(r for r, _ in regions),
        reviewed=reviewed(ctx, f.get("reviewed"), "crisis.yaml"),
        warning_signs=ctx.reader.paragraphs(f.get("warning_signs"), "warning_signs"),
        pointer_signs=ctx.reader.text(f.get("pointer_signs"), "pointer_signs"),
        pointer_sources=ctx.refs(
            ctx.reader.idents(f.get("pointer_sources"), "pointer_sources"), sources, "source", "sources"
        ),
    )


def _region(ctx: Context, item: Node, sources: dict[str, Source]) -> Region:
    """One country's crisis help: its lines (at most one main line, and one per language), steps and sources."""
    rf = ctx.reader.fields(item, _("a region"), ["id", "name", "emergency", "lines"], ["steps", "sources"])
    lines = [_line(ctx, line) for line in ctx.reader.items(rf.get("lines"), "lines")]
    if not lines and "lines" in rf:
        ctx.reader.error(rf["lines"].loc, _("a region needs at least one crisis line"))
    if sum(line.main for line in lines) > 1:
        ctx.reader.error(item.loc, _("a region can have at most one main line (main: true)"))
    marked = [lang for line in lines for lang in line.main_in]
    for lang in sorted({lang for lang in marked if marked.count(lang) > 1}):
        ctx.reader.error(
            item.loc, _("a region can have at most one main line for {lang} (main_in)").format(lang=repr(lang))
        )
    return Region(
        ctx.reader.ident(rf.get("id"), "region id"),
        ctx.reader.text(rf.get("name"), "name"),
        ctx.reader.text(rf.get("emergency"), "emergency"),
        tuple(lines),
        ctx.reader.paragraphs(rf.get("steps"), "steps"),
        ctx.source_refs(rf, _("this region"), sources) if "sources" in rf else (),
    )


def _line(ctx: Context, node: Node) -> Line:
    """One crisis line: its name, how to reach it, whom it is for, and whether it is the main one (in a language)."""
    lf = ctx.reader.fields(node, _("a crisis line"), ["name", "contact", "audience"], ["main", "main_in"])
    audience = ctx.reader.text(lf.get("audience"), "audience")
    if audience and audience not in AUDIENCES:
        ctx.reader.error(
            lf["audience"].loc,
            _("audience {audience} should be one of {names}{suggestion}").format(
                audience=repr(audience),
                names=", ".join(AUDIENCES),
                suggestion=did_you_mean(audience, AUDIENCES),
            ),
        )
    main = lf.get("main")
    if main is not None and not (isinstance(main, Scalar) and main.kind == "bool"):
        ctx.reader.error(main.loc, _("main should be true or false"))
    main_in = ctx.reader.idents(lf.get("main_in"), "main_in") if "main_in" in lf else ()
    others = [a for a in AVAILABLE if a != ENGLISH]
    for lang, loc in main_in:
        if lang not in others:
            ctx.reader.error(
                loc,
                _("main_in: {lang} should be a language code: {names}").format(
                    lang=repr(lang), names=", ".join(others)
                ),
            )
    return Line(
        ctx.reader.text(lf.get("name"), "name"),
        ctx.reader.text(lf.get("contact"), "contact"),
        audience or "anyone",
        isinstance(main, Scalar) and main.value is True,
        main_in=tuple(lang for lang, _ in main_in),
    )


def _check_region_choices(ctx: Context, loc: Loc, regions: list[tuple[Region, Loc]], region_q: Question) -> None:
    """crisis.yaml and the region question name the same countries: each choice has lines, each region is a choice."""
    have = {r.id for r, _ in regions}
    for cid in region_q.choice_ids():
        if cid not in have:
            ctx.reader.error(
                loc,
                _("crisis.yaml has no crisis lines for region {cid}, a choice of the region question").format(
                    cid=repr(cid)
                ),
            )
    for r, where in regions:
        if r.id and r.id not in region_q.choice_ids():
            ctx.reader.error(
                where,
                _("region {id} is not a choice of the region question{suggestion}").format(
                    id=repr(r.id), suggestion=did_you_mean(r.id, region_q.choice_ids())
                ),
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
    # A `when` may also test the parent's attendance level, which the engine adds to the answers (ATTENDANCE).
    answerable = dict(questions)
    if ATTENDANCE not in answerable:
        levels = list(attendance)
        if "attendance" in ctx.broken or ctx.bad_ids.get("attendance"):  # reported there: don't report each use
            levels += [v for v in _attendance_named(ctx.docs.get("rules")) if v not in levels]
        answerable[ATTENDANCE] = Question(ATTENDANCE, "select", "", "", tuple(Choice(a, a) for a in levels))
    for order, node in enumerate(ctx.entries("rules")):
        f = ctx.reader.fields(
            node,
            _("a rule"),
            ["id", "sources"],
            ["because", "when", "priority", "group", "excludes", "locked", *RULE_ADDS],
        )
        rid = ctx.reader.ident(f.get("id"), "rule id")
        if rid in BUILT_IN:
            ctx.reader.error(
                f["id"].loc, _("rule id {rid} is the name of a built-in rule; choose another").format(rid=repr(rid))
            )
        pairs.append((rid, node.loc))
        if f and not any(k in f for k in RULE_ADDS):
            ctx.reader.error(
                node.loc,
                _("rule {rid} adds nothing: give at least one of {names}").format(
                    rid=repr(rid), names=", ".join(RULE_ADDS)
                ),
            )
        when = (
            parse_condition(f["when"], answerable, ctx.reader)
            if "when" in f and "questions" not in ctx.broken
            else None
        )
        excludes = ctx.reader.idents(f.get("excludes"), "excludes")
        if excludes and rid:
            ctx.excludes_locs[rid] = list(excludes)
        moment_parts = []
        if "moments" in f:
            mf = f["moments"]
            if isinstance(mf, Map):
                for key, value in mf.items.items():
                    if ctx.missing(key, moments, "moments"):
                        ctx.reader.error(
                            mf.keys[key],
                            _("unknown moment {key}{suggestion}").format(
                                key=repr(key), suggestion=did_you_mean(key, moments)
                            ),
                        )
                    moment_parts.append((key, ctx.reader.paragraphs(value, f"moments {key}")))
            else:
                ctx.reader.error(
                    mf.loc, _("moments should be a mapping of moment ids to paragraphs, like {weekly: [...]}")
                )
        out.append(
            Rule(
                id=rid,
                sources=ctx.source_refs(f, _("rule {id}").format(id=repr(rid)), sources),
                because=ctx.reader.text(f.get("because"), "because"),
                when=when,
                priority=ctx.reader.integer(f.get("priority"), "priority") or 0,
                group=ctx.reader.ident(f.get("group"), "group"),
                suggest=ctx.refs(ctx.reader.idents(f.get("suggest"), "suggest"), therapies, _("therapy"), "therapies"),
                moments=tuple(moment_parts),
                confidentiality=ctx.reader.paragraphs(f.get("confidentiality"), "confidentiality"),
                prepare=ctx.reader.paragraphs(f.get("prepare"), "prepare"),
                ask=ctx.refs(ctx.reader.idents(f.get("ask"), "ask"), asks, _("question to ask (asks.yaml)"), "asks"),
                why=ctx.reader.paragraphs(f.get("why"), "why"),
                order=order,
                specificity=specificity(when),
                excludes=tuple(v for v, _ in excludes),
                locked=ctx.reader.flag(f.get("locked"), "locked"),
            )
        )
    ctx.unique(pairs, _("rule id"))
    _check_questions_refs(ctx, questions, therapies)
    _check_bands(ctx, questions, entries, attendance)
    # Only when the rules and the questions are sound (a broken rule is reported already, and a file YAML could
    # not read is in ctx.broken, not ctx.reader.problems); a problem in another file (a moment, a therapy)
    # changes nothing here, so this one is reported beside it. A broken attendance.yaml leaves the levels a
    # `when` may test unknown.
    sound = not any(p.path.endswith(("rules.yaml", "questions.yaml")) for p in ctx.reader.problems)
    sound = sound and not {"rules", "questions", "attendance"} & ctx.broken and not ctx.bad_ids.get("attendance")
    if sound:
        dead = reach.dead_rules(out, answerable)
        for rule, loc in zip(out, (loc for _, loc in pairs), strict=True):
            if rule.id in dead:
                ctx.reader.error(loc, _("rule {id} {value}").format(id=repr(rule.id), value=dead[rule.id]))
    if sound:
        _check_regions(ctx, questions, sources, entries, out, pairs)
        _check_excludes(ctx, questions, attendance, entries, out)
    return tuple(out)


def _attendance_named(node: Node | None) -> list[str]:
    """Every value a rule's condition gives the attendance level, as written."""
    out: list[str] = []
    if isinstance(node, Map):
        for key, value in node.items.items():
            if key == ATTENDANCE:
                values = value.items if isinstance(value, Seq) else (value,)
                out += [str(v.value) for v in values if isinstance(v, Scalar)]
            else:
                out += _attendance_named(value)
    elif isinstance(node, Seq):
        for item in node.items:
            out += _attendance_named(item)
    return out


def _check_regions(
    ctx: Context,
    questions: dict[str, Question],
    sources: dict[str, Source],
    entries: tuple[Entry, ...],
    rules: list[Rule],
    pairs: list[tuple[str, Loc]],
) -> None:
    """A source's `regions` are choices of the region question; and a rule that can apply in a country cites
    a source a plan there may show (the country's own, or one that holds anywhere): another country's law,
    services or guidance are never the only ground for what a family is told."""
    region_q = questions.get("region")
    if region_q is None or "questions" in ctx.broken:
        return
    choices = region_q.choice_ids()
    unknown = [(sid, region, loc) for sid, region, loc in ctx.region_locs if region not in choices]
    for sid, region, loc in unknown:
        ctx.reader.error(
            loc,
            _("source {id}: region {region} is not a choice of the region question{suggestion}").format(
                id=repr(sid), region=repr(region), suggestion=did_you_mean(region, choices)
            ),
        )
    if unknown:
        return
    families = exclusive.Families(questions, entries)
    for rule, (_rid, loc) in zip(rules, pairs, strict=True):
        missing = exclusive.unsourced_regions(families, rule, sources)
        if missing:
            ctx.reader.error(
                loc,
                _(
                    "rule {id} can apply in {regions} but cites only other countries' sources there; add a source "
                    "for that country, or one that holds anywhere"
                ).format(id=repr(rule.id), regions=", ".join(missing)),
            )


def _check_excludes(
    ctx: Context,
    questions: dict[str, Question],
    attendance: dict[str, Attendance],
    entries: tuple[Entry, ...],
    rules: list[Rule],
) -> None:
    """No family gets both a rule and what it excludes (kb/exclusive.py). An id that names no rule here has
    nothing to prove: a clinic's layer may have switched that rule off (tests/test_exclusive.py checks that the
    shipped content names only its own rules)."""
    by_id = {r.id: r for r in rules}
    families = exclusive.Families(questions, entries)
    for owner, refs in ctx.excludes_locs.items():
        first: Rule | str | None = by_id.get(owner) if not owner.startswith("attendance:") else owner.split(":", 1)[1]
        for ref, loc in refs:
            second = by_id.get(ref)
            if second is None or first is None:
                continue
            why = exclusive.conflict(families, rules, first, second)
            if why:
                what = (
                    _("rule {id}").format(id=repr(owner))
                    if isinstance(first, Rule)
                    else _("attendance level {id}").format(id=repr(first))
                )
                ctx.reader.error(
                    loc,
                    _("{what} and rule {id} must never be in one plan, but they {why}").format(
                        what=what, id=repr(ref), why=why
                    ),
                )


def _check_bands(
    ctx: Context, questions: dict[str, Question], entries: tuple[Entry, ...], attendance: dict[str, Attendance]
) -> None:
    """Attendance is stated in one place, each therapy's bands, and must cover every age exactly once."""
    age_q = questions.get("child_age")
    if age_q is None or age_q.min is None or age_q.max is None or age_q.min > age_q.max:
        return  # (an age question without a sound range is reported where it is written)
    for e in entries:
        if e.kind != THERAPY or e.id not in ctx.band_locs:
            continue
        loc = ctx.band_locs[e.id]
        for age in range(age_q.min, age_q.max + 1):
            holding = [b for b in e.bands if b.holds(age)]
            if not holding:
                ctx.reader.error(
                    loc,
                    _("therapy {id} states no attendance for a child of {age}; add a band that covers it").format(
                        id=repr(e.id), age=age
                    ),
                )
                break
            if len(holding) > 1:
                ctx.reader.error(
                    loc,
                    _("therapy {id} has two attendance bands for a child of {age}; make them not overlap").format(
                        id=repr(e.id), age=age
                    ),
                )
                break
        if e.ages is not None and e.id in ctx.ages_locs and (e.ages[0] < age_q.min or e.ages[1] > age_q.max):
            ctx.reader.error(
                ctx.ages_locs[e.id],
                _("therapy {id}: ages {value} to {value2} go beyond the age question's {min} to {max}").format(
                    id=repr(e.id), value=e.ages[0], value2=e.ages[1], min=age_q.min, max=age_q.max
                ),
            )
    offers_unsure = UNSURE in {c.id for c in (questions["therapy"].choices if "therapy" in questions else ())}
    if offers_unsure and "attendance" not in ctx.broken and attendance and DEPENDS not in attendance:
        where = ctx.docs.get("attendance")
        ctx.reader.error(
            where.loc if where is not None else Loc("attendance.yaml", 1, 1),
            _(
                "attendance.yaml needs the level {depends}: it is the plan's headline when the therapy is not known"
            ).format(depends=repr(DEPENDS)),
        )


def _check_questions_refs(ctx: Context, questions: dict[str, Question], therapies: list[str]) -> None:
    therapy_q = questions.get("therapy")
    if therapy_q is None or "therapies" in ctx.broken:
        return
    if "questions" not in ctx.broken:
        offered = therapy_q.choice_ids()
        for entry_id, name, loc in ctx.name_locs:
            if entry_id == name and entry_id in therapies and entry_id not in offered:
                ctx.reader.error(
                    loc,
                    _(
                        "therapy {entry_id} is not a choice of the therapy question in questions.yaml; add it there so parents can pick it"
                    ).format(entry_id=repr(entry_id)),
                )
    for choice in therapy_q.choices:
        if choice.id != UNSURE and ctx.missing(choice.id, therapies, "therapies"):
            node = ctx.docs.get("questions")
            loc = ctx.choice_locs.get(("therapy", choice.id)) or (
                node.loc if node is not None else Loc("questions.yaml", 1, 1)
            )
            ctx.reader.error(
                loc,
                _("therapy choice {id} is not a therapy in therapies.yaml{suggestion}").format(
                    id=repr(choice.id), suggestion=did_you_mean(choice.id, therapies)
                ),
            )
