"""The up-to-date translations of a language applied over the built English knowledge base, one kind of record at
a time (questions, attendance levels, the crisis lines, entries, asks, rules), then a clinic's own words
(`clinic.py`). What is not translated, or not up to date, stays English, entry by entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from parentinvolve.errors import ContentError
from parentinvolve.i18n import N_
from parentinvolve.kb import said
from parentinvolve.kb.translations import clinic
from parentinvolve.kb.translations.files import Translated, read, unsafe
from parentinvolve.kb.translations.source import (
    AUDIENCE_DASH,
    CRISIS,
    ENTRY_FILES,
    Texts,
    english,
    fingerprint,
)
from parentinvolve.model import (
    AUDIENCE_WORDS,
    POLICY,
    TOPIC,
    Ask,
    Attendance,
    Choice,
    Crisis,
    Entry,
    KnowledgeBase,
    Question,
    Region,
    Rule,
    Section,
    line_name,
    lookup_key,
)

# The section headings the program gives therapies and moments (kb/entries.py), for the catalog; a test keeps
# this list equal to theirs.
HEADINGS = (
    N_("What it is"),
    N_("What it is used for"),
    N_("Ages"),
    N_("Your part as a parent"),
    N_("How often you take part"),
    N_("What stays private"),
    N_("How long it lasts and how it ends"),
    N_("More to know"),
    N_("Before any joint session"),
    N_("When it happens"),
    N_("What it asks of you"),
    N_("How to prepare"),
    N_("Your part in one line"),
    N_("Once sessions are under way"),
    N_("While you wait for a first appointment"),
    N_("What it says"),  # POLICY_HEADING
)
# The fixed words of a clinic's policy entries (kb/clinic.py): its policies' own text is kept as written.
POLICY_HEADING = HEADINGS[-1]
POLICY_OF, POLICY_OF_YOURS = N_("A policy of {clinic}."), N_("A policy of your clinic.")
Fresh = dict[str, dict[str, Translated]]  # file -> entry id -> its up-to-date translation
_FILE_OF_KIND = {kind: file for file, kind in ENTRY_FILES.items()}


def apply(
    kb: KnowledgeBase, lang: str, folders: Sequence[Path], headings: Mapping[str, str] | None = None
) -> KnowledgeBase:
    """`kb` with every up-to-date translation of `lang` applied; English wherever there is none.
    `headings` translates the section headings that come from the program (`What it is` ...)."""
    files = read(kb, lang, folders)
    missing = unsafe(kb, lang, files) if files.entries else []  # (a language with no translations at all: English)
    if missing:
        raise ContentError(missing, root=str(folders[0].parent) if folders else "")
    fresh: Fresh = {}
    for file, entries in files.entries.items():
        source = english(kb, file)
        fresh[file] = {
            i: t for i, t in entries.items() if t.texts is not None and t.source_hash == fingerprint(source[i])
        }
    return clinic.apply(_replace(kb, fresh, headings or {}, lang), list(folders), lang)


def _texts(fresh: Fresh, file: str, entry_id: str) -> Texts | None:
    found = fresh.get(file, {}).get(entry_id)
    return found.texts if found is not None else None


def _replace(kb: KnowledgeBase, fresh: Fresh, headings: Mapping[str, str], lang: str = "") -> KnowledgeBase:
    """`kb` with each record that has an up-to-date translation in `fresh` translated."""
    crisis = _crisis(kb.crisis, fresh)
    entries, names = _entries(kb, fresh, crisis, headings, lang)
    marks = clinic.marks(kb.clinic)  # a translated reason still says where a clinic's layer changed it
    rules = [_rule(r, _texts(fresh, "rules", r.id), marks.get(r.id)) for r in kb.rules]
    return kb._replace(
        questions=tuple(_question(q, _texts(fresh, "questions", q.id)) for q in kb.questions),
        attendance={i: _attendance(a, _texts(fresh, "attendance", i)) for i, a in kb.attendance.items()},
        entries=entries,
        asks={i: _ask(a, _texts(fresh, "asks", i)) for i, a in kb.asks.items()},
        rules=said.index(rules),  # their items again, in this language
        crisis=crisis,
        names=names,
    )


def _question(q: Question, t: Texts | None) -> Question:
    if not t:
        return q
    labels = t.get("choices", {})
    choices = tuple(Choice(c.id, labels.get(c.id, c.label)) for c in q.choices)
    return q._replace(prompt=t["prompt"], help=t["help"], choices=choices)


def _attendance(a: Attendance, t: Texts | None) -> Attendance:
    return a._replace(label=t["label"], description=t["description"]) if t else a


def _ask(a: Ask, t: Texts | None) -> Ask:
    return a._replace(text=t["text"]) if t else a


def _rule(r: Rule, t: Texts | None, mark: str | None) -> Rule:
    if not t:
        return r
    moments = tuple((m, t["moments"][m]) for m, _ in r.moments) if "moments" in t else r.moments
    because = t.get("because", r.because)
    return r._replace(
        because=clinic.marked(because, mark) if mark is not None else because,
        moments=moments,
        **{k: t[k] for k in ("confidentiality", "prepare", "why") if k in t},
    )


def _crisis(crisis: Crisis, fresh: Fresh) -> Crisis:
    t = _texts(fresh, "crisis", CRISIS)
    if t:
        crisis = crisis._replace(
            message=t["message"],
            safety_plan=t["safety_plan"],
            warning_signs=t.get("warning_signs", crisis.warning_signs),
            pointer_signs=t.get("pointer_signs", crisis.pointer_signs),
        )
    return crisis._replace(regions=tuple(_region(r, _texts(fresh, "crisis", r.id)) for r in crisis.regions))


def _region(region: Region, t: Texts | None) -> Region:
    """A region's shipped lines translated (name and contact, in the English order); a clinic's own lines, its
    own words, kept as written after them."""
    if not t:
        return region
    shipped = tuple(ln for ln in region.lines if not ln.clinic)
    lines = tuple(ln._replace(name=d["name"], contact=d["contact"]) for ln, d in zip(shipped, t["lines"], strict=True))
    return region._replace(
        name=t["name"],
        lines=lines + tuple(ln for ln in region.lines if ln.clinic),
        steps=t.get("steps", region.steps),
        emergency=t.get("emergency", region.emergency),
    )


def _entries(
    kb: KnowledgeBase, fresh: Fresh, crisis: Crisis, headings: Mapping[str, str], lang: str
) -> tuple[tuple[Entry, ...], dict[str, str]]:
    """Every entry in this language, and the names `explain` finds them by: the English ones, then each
    translated name and alias (which never takes a name from another entry)."""
    out = []
    names = dict(kb.names)
    clinic_name = kb.clinic.name if kb.clinic else ""
    for e in kb.entries:
        file = _FILE_OF_KIND.get(e.kind, "")
        found = fresh.get(file, {}).get(e.id) if file else None  # a clinic's policies: its own words, as written
        t = found.texts if found is not None else None
        aliases = found.aliases if found is not None else ()
        sections = _sections(e, t, crisis, headings, lang)
        if e.kind == POLICY:  # the same words as kb/clinic.py, in this language
            e = e._replace(summary=_policy_summary(clinic_name, headings))
        if t:
            e = _named(e, t, aliases)
            for alias in (t["name"], *aliases):
                names.setdefault(lookup_key(alias), e.id)
        out.append(e._replace(sections=sections))
    return tuple(out), names


def _sections(e: Entry, t: Texts | None, crisis: Crisis, headings: Mapping[str, str], lang: str) -> tuple[Section, ...]:
    if e.kind == TOPIC and e.id == CRISIS:  # made from crisis.yaml: its lines and steps in this language
        return crisis_sections(e, crisis, t, headings, lang)
    if t and e.kind == TOPIC:
        return tuple(Section(s.key, d["heading"], d["text"]) for s, d in zip(e.sections, t["sections"], strict=True))
    sections = tuple(s._replace(heading=headings.get(s.heading, s.heading)) for s in e.sections)
    return tuple(s._replace(text=t[s.key]) for s in sections) if t else sections


def _policy_summary(clinic_name: str, headings: Mapping[str, str]) -> str:
    summary = headings.get(POLICY_OF, POLICY_OF).format(clinic=clinic_name) if clinic_name else POLICY_OF_YOURS
    return headings.get(summary, summary)


def _named(e: Entry, t: Texts, aliases: tuple[str, ...]) -> Entry:
    """The entry's name, summary and aliases in this language (its English aliases kept, said to be English where
    they are shown), and a therapy's weekly paragraph for each age band."""
    e = e._replace(
        name=t["name"],
        summary=t["summary"],
        aliases=tuple(a for a in aliases if a),
        aliases_en=e.aliases_en + e.aliases,
    )
    if "attendance" not in t:
        return e
    return e._replace(
        bands=tuple(
            b._replace(weekly=d.get("weekly", b.weekly)) for b, d in zip(e.bands, t["attendance"], strict=True)
        ),
    )


def crisis_sections(
    e: Entry, crisis: Crisis, t: Texts | None, words_of: Mapping[str, str] | None = None, lang: str = ""
) -> tuple[Section, ...]:
    """`explain crisis` again from the (translated) crisis lines and steps, as kb/build.py makes it in English:
    the danger-now message, one section per region (a clinic's own lines after the shipped ones, labelled), then
    the common safety steps. `words_of` translates the program's own words (the labels), English without it."""
    label = (lambda text: words_of.get(text, text)) if words_of is not None else (lambda text: text)
    headings = t["headings"] if t else {}
    words = {k: AUDIENCE_DASH + v for k, v in t["audience"].items()} if t else AUDIENCE_WORDS
    regions = iter(crisis.regions)
    out = []
    for s in e.sections:
        if s.key == "now":
            out.append(Section(s.key, headings.get(s.key, s.heading), (crisis.message,)))
        elif s.key == "at-home":
            out.append(Section(s.key, headings.get(s.key, s.heading), crisis.safety_plan))
        else:
            region = next(regions)
            first = sorted(region.lines, key=lambda ln: lang not in ln.main_in)  # this language's own line first
            lines = tuple(f"{line_name(ln, label)}: {ln.contact}{words.get(ln.audience, '')}" for ln in first)
            out.append(Section(s.key, region.name, lines + region.steps))
    return tuple(out)
