"""Content translations: `i18n/<lang>/<file>.yaml` beside the English content, applied over the built English
knowledge base, entry by entry, by id.

A translation file is a list of entries, each with the English entry's `id`, the `source_hash` of the English
text it was made from (`fingerprint`), and only text fields, shaped as in the English file:

    - id: pcit
      source_hash: 3f1c0a9b2e7d
      name: Terapia de interacción entre padres e hijos (PCIT, por sus siglas en inglés)
      summary: ...
      what_it_is: [..., ...]            # a list of paragraphs, like the English
      aliases: [terapia de interacción]  # extra names for `explain`; the English ones keep working

Questions: `prompt`, `help`, `choices` (choice id -> label); therapies and moments their sections (therapies also
`attendance`: each age band's `weekly`); topics `sections` ({heading, text}), but `crisis` (made from crisis.yaml)
only `headings` and `audience`; rules `because`, `moments`, `confidentiality`, `prepare`, `why`; crisis.yaml an
entry `crisis` (message, safety_plan, warning_signs, pointer_signs) and one per region (name, lines [{name, contact}], steps), numbers kept.

An entry is used only when its `source_hash` matches the English text as it is now: a missing, stale or
malformed entry falls back to English, for that entry only, and `validate` names it; but an entry of the locked
safety set (kb/lock.py: crisis lines and steps, the locked rules and questions) is never shown in English
instead: a missing or stale one is an error, and a clinic's layer cannot translate one at all. Several folders can be
given (the shipped translations, then a clinic's own `i18n/`): a later folder's entry replaces an earlier one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parentinvolve.didyoumean import did_you_mean
from parentinvolve.errors import ContentError, Problem
from parentinvolve.i18n import N_, _
from parentinvolve.kb import clinic_i18n, lock, said
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq, parse_yaml, read_text
from parentinvolve.model import (
    AUDIENCE_WORDS,
    MOMENT,
    POLICY,
    THERAPY,
    TOPIC,
    Choice,
    Crisis,
    Entry,
    KnowledgeBase,
    Rule,
    Section,
    line_name,
    lookup_key,
)

FILES = ("questions", "attendance", "therapies", "moments", "topics", "asks", "rules", "crisis")
HASH = "source_hash"
TODO = "TODO"  # a source_hash starting with it: written by `skeleton`, not translated yet
CRISIS = "crisis"
MAX_BYTES = 32 * 1024 * 1024
_DIGITS = re.compile(r"\d+")
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
CRISIS_HEADINGS = ("now", "at-home")  # the sections of `explain crisis` that are not a region (kb/build.py)
AUDIENCE_DASH = " — "  # AUDIENCE_WORDS are this, then the words
Texts = dict[str, Any]  # field -> str | tuple[str, ...] | dict[str, ...] | tuple[dict[str, str], ...]


# --- the English text of each entry, and its fingerprint -------------------------------------------------------


def english(kb: KnowledgeBase, file: str) -> dict[str, Texts]:
    """The text fields of every entry of `file`, by id, as a translation must give them."""
    if file == "questions":
        return {
            q.id: {
                "prompt": q.prompt,
                "help": q.help,
                **({"choices": {c.id: c.label for c in q.choices}} if q.choices else {}),
            }
            for q in kb.questions
        }
    if file == "attendance":
        return {a.id: {"label": a.label, "description": a.description} for a in kb.attendance.values()}
    if file in ("therapies", "moments", "topics"):
        kind = {"therapies": THERAPY, "moments": MOMENT, "topics": TOPIC}[file]
        return {e.id: _crisis_topic_texts(e) if e.id == CRISIS else _entry_texts(e) for e in kb.entries_of(kind)}
    if file == "asks":
        return {a.id: {"text": a.text} for a in kb.asks.values()}
    if file == "rules":  # a rule's reason without where a clinic's layer says it: that is not its text
        found = clinic_i18n.marks(kb.clinic)
        rules = [
            r._replace(because=clinic_i18n.unmarked(r.because, found[r.id])) if r.id in found else r for r in kb.rules
        ]
        return {r.id: _rule_texts(r) for r in rules if _rule_texts(r)}
    if file == "crisis":
        c = kb.crisis
        common: Texts = {"message": c.message, "safety_plan": c.safety_plan}
        if c.warning_signs:
            common["warning_signs"] = c.warning_signs
        if c.pointer_signs:
            common["pointer_signs"] = c.pointer_signs
        out: dict[str, Texts] = {CRISIS: common}
        for region in c.regions:
            # Keyed on the shipped text only: a clinic's own lines are its own words, never translated, so
            # they can never make a shipped region's translation stale.
            lines = tuple({"name": ln.name, "contact": ln.contact} for ln in region.lines if not ln.clinic)
            out[region.id] = {"name": region.name, "lines": lines, **({"steps": region.steps} if region.steps else {})}
            if any(ch.isalpha() for ch in region.emergency):  # words, not a number ("your local emergency number")
                out[region.id]["emergency"] = region.emergency
        return out
    raise ValueError(file)


def _entry_texts(e: Entry) -> Texts:
    out: Texts = {"name": e.name, "summary": e.summary}
    if e.kind == TOPIC:
        out["sections"] = tuple({"heading": s.heading, "text": s.text} for s in e.sections)
    else:
        out.update((s.key, s.text) for s in e.sections)
    if any(band.weekly for band in e.bands):  # a therapy's weekly paragraphs, per age band, in the English order
        out["attendance"] = tuple({"weekly": band.weekly} if band.weekly else {} for band in e.bands)
    return out


def _crisis_topic_texts(e: Entry) -> Texts:
    """`explain crisis` is built from crisis.yaml (kb/build.py): its lines and steps are translated there; the
    topic itself only has its name, summary, the headings the program gives it and the words after a line."""
    return {
        "name": e.name,
        "summary": e.summary,
        "headings": {s.key: s.heading for s in e.sections if s.key in CRISIS_HEADINGS},
        "audience": {k: v.removeprefix(AUDIENCE_DASH) for k, v in AUDIENCE_WORDS.items() if v},
    }


def _rule_texts(r: Rule) -> Texts:
    out: Texts = {}
    if r.because:
        out["because"] = r.because
    if r.moments:
        out["moments"] = dict(r.moments)
    for name in ("confidentiality", "prepare", "why"):
        if getattr(r, name):
            out[name] = getattr(r, name)
    return out


def fingerprint(texts: Texts) -> str:
    """A short hash of an entry's English text: a translation records it, and is stale when it differs."""
    import hashlib
    import json

    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


# --- reading translation files ----------------------------------------------------------------------------------


@dataclass
class Translated:
    """One translation entry as read: its text (None when malformed), the hash it records, where it is."""

    texts: Texts | None
    source_hash: str
    loc: Loc
    aliases: tuple[str, ...] = ()


@dataclass
class Files:
    """Every translation entry of one language, by file and id, and every problem in the files."""

    entries: dict[str, dict[str, Translated]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read(kb: KnowledgeBase, lang: str, folders: Sequence[Path]) -> Files:
    """The translations of `lang` in `folders` (later folders win), checked against the English `kb`."""
    out = Files()
    locked = lock.locked_entries(kb)
    for n, folder in enumerate(folders):
        base = folder / lang
        try:
            present = {p.name for p in base.iterdir()} if base.is_dir() else set()
        except OSError as exc:  # a folder that cannot be read: named once, and its translations are not used
            out.problems.append(Problem(str(base), 1, 1, f"cannot be read ({(exc.strerror or str(exc)).lower()})"))
            continue
        for file in FILES:
            path = base / f"{file}.yaml"
            if path.name not in present:
                continue
            if n > 0 and file in lock.SAME_FOR_EVERY_CLINIC:
                out.problems.append(Problem(str(path), 1, 1, lock.file_refused(file)))
                continue
            # Read (or named, when it is a folder, a named pipe or a link that loops): never skipped quietly.
            text, problems = read_text(path, str(path), max_bytes=MAX_BYTES)
            out.problems += problems
            node, problems = parse_yaml(text, str(path)) if text is not None else (None, [])
            out.problems += problems
            if node is not None:
                # A rule a clinic's layer switched off keeps its shipped translation: not an unknown id.
                off = kb.clinic.disabled if kb.clinic is not None and file == "rules" else ()
                found = _read_file(node, english(kb, file), file, out.problems, off)
                if n > 0:  # a clinic's layer: its translations never touch the locked safety set
                    for entry_id in [i for i in found if lock.translation_locked(locked, file, i)]:
                        out.problems.append(found.pop(entry_id).loc.problem(lock.translation_refused(file, entry_id)))
                out.entries.setdefault(file, {}).update(found)
    return out


def unsafe(kb: KnowledgeBase, lang: str, files: Files) -> list[Problem]:
    """Every entry of the locked safety set without an up-to-date translation in `files`: an error, never
    shown in English instead (kb.load refuses the language; validate reports each one)."""
    out = []
    locked = lock.locked_entries(kb)
    for file in FILES:
        got = files.entries.get(file, {})
        for entry_id, texts in english(kb, file).items():
            if not lock.translation_locked(locked, file, entry_id):
                continue
            t = got.get(entry_id)
            if t is not None and t.texts is not None and t.source_hash == fingerprint(texts):
                continue
            loc = t.loc if t is not None else Loc(f"i18n/{lang}/{file}.yaml", 1, 1)
            out.append(loc.problem(lock.untranslated(lang, entry_id, stale=t is not None)))
    return out


def _read_file(
    node: Node, source: dict[str, Texts], file: str, problems: list[Problem], off: Sequence[str] = ()
) -> dict[str, Translated]:
    out: dict[str, Translated] = {}
    if not isinstance(node, Seq):
        problems.append(node.loc.problem(_("a translation file is a list of entries, each with an id")))
        return out
    for item in node.items:
        if not isinstance(item, Map):
            problems.append(item.loc.problem(_("each translation entry is a mapping with an id")))
            continue
        entry_id = text_of(item.items.get("id"))
        if entry_id not in source and entry_id in off:
            continue  # a rule a clinic's layer switched off: its translation is not needed
        if entry_id not in source:
            where = item.items["id"].loc if "id" in item.items else item.loc
            problems.append(
                where.problem(
                    _("no English entry {entry_id} in {file}.yaml{suggestion}").format(
                        entry_id=repr(entry_id), file=file, suggestion=did_you_mean(entry_id, source)
                    )
                )
            )
            continue
        if entry_id in out:
            problems.append(
                item.loc.problem(
                    _("{entry_id} is translated twice (also at line {line})").format(
                        entry_id=repr(entry_id), line=out[entry_id].loc.line
                    )
                )
            )
            continue
        english_fields = source[entry_id]
        recorded = text_of(item.items.get(HASH))
        if recorded.removeprefix(TODO).strip() != fingerprint(english_fields):
            # Stale: the English changed under it (its fields may have too). It is not shown, and validate says
            # so as a warning (kb/i18n_status.py); its shape is checked once it is brought up to date.
            out[entry_id] = Translated(None, recorded, item.loc)
            continue
        found: list[Problem] = []
        texts: Texts = {}
        for key, value in item.items.items():
            if key in ("id", HASH) or (key == "aliases" and file in ("therapies", "moments", "topics")):
                continue
            if key not in english_fields:
                found.append(
                    item.keys[key].problem(
                        _("{key} is not a text field of {entry_id}{suggestion}").format(
                            key=repr(key), entry_id=repr(entry_id), suggestion=did_you_mean(key, english_fields)
                        )
                    )
                )
                continue
            texts[key] = _shaped(value, english_fields[key], key, found, numbers=file == "crisis")
        missing = [k for k in english_fields if k not in item.items]
        if missing:
            found.append(
                item.loc.problem(
                    _("{entry_id} lacks {names} (translate every text field)").format(
                        entry_id=repr(entry_id), names=", ".join(missing)
                    )
                )
            )
        alias_node = item.items.get("aliases")
        aliases = tuple(text_of(a) for a in alias_node.items) if isinstance(alias_node, Seq) else ()
        problems += found
        out[entry_id] = Translated(None if found else texts, recorded, item.loc, aliases)
    return out


def text_of(node: Node | None) -> str:
    return str(node.value) if isinstance(node, Scalar) and node.kind == "str" else ""


def _shaped(node: Node, like: Any, key: str, problems: list[Problem], *, numbers: bool) -> Any:
    """The translated value, shaped like the English one; a problem (and None) when it is not."""
    if isinstance(like, str):
        if not (isinstance(node, Scalar) and node.kind == "str" and str(node.value).strip()):
            problems.append(node.loc.problem(_("{key}: give the translated text").format(key=key)))
            return None
        text = " ".join(str(node.value).split())
        if numbers and sorted(_DIGITS.findall(text)) != sorted(_DIGITS.findall(like)):
            problems.append(
                node.loc.problem(
                    _("{key}: keep every number exactly as in the English ({like})").format(key=key, like=repr(like))
                )
            )
        return text
    if isinstance(like, dict):
        if not isinstance(node, Map) or set(node.items) != set(like):
            problems.append(
                node.loc.problem(
                    _("{key}: give a mapping with exactly these keys: {names}").format(key=key, names=", ".join(like))
                )
            )
            return None
        return {k: _shaped(node.items[k], like[k], f"{key}.{k}", problems, numbers=numbers) for k in like}
    if like and isinstance(like[0], dict):  # sections, crisis lines: same number, same order
        if not isinstance(node, Seq) or len(node.items) != len(like):
            problems.append(
                node.loc.problem(_("{key}: give {count} items, in the English order").format(key=key, count=len(like)))
            )
            return None
        return tuple(_shaped(n, e, key, problems, numbers=numbers) for n, e in zip(node.items, like, strict=True))
    if not isinstance(node, Seq) or not node.items:
        problems.append(node.loc.problem(_("{key}: give a list of paragraphs").format(key=key)))
        return None
    return tuple(_shaped(n, "", key, problems, numbers=False) for n in node.items)


# --- applying them --------------------------------------------------------------------------------------------------


def apply(
    kb: KnowledgeBase, lang: str, folders: Sequence[Path], headings: Mapping[str, str] | None = None
) -> KnowledgeBase:
    """`kb` with every up-to-date translation of `lang` applied; English wherever there is none.
    `headings` translates the section headings that come from the program (`What it is` ...)."""
    files = read(kb, lang, folders)
    missing = unsafe(kb, lang, files) if files.entries else []  # (a language with no translations at all: English)
    if missing:
        raise ContentError(missing, root=str(folders[0].parent) if folders else "")
    fresh: dict[str, dict[str, Translated]] = {}
    for file, entries in files.entries.items():
        source = english(kb, file)
        fresh[file] = {
            i: t for i, t in entries.items() if t.texts is not None and t.source_hash == fingerprint(source[i])
        }
    return clinic_i18n.apply(_replace(kb, fresh, headings or {}, lang), list(folders), lang)


def _texts(fresh: dict[str, dict[str, Translated]], file: str, entry_id: str) -> Texts | None:
    found = fresh.get(file, {}).get(entry_id)
    return found.texts if found is not None else None


def _replace(
    kb: KnowledgeBase, fresh: dict[str, dict[str, Translated]], headings: Mapping[str, str], lang: str = ""
) -> KnowledgeBase:
    questions = []
    for q in kb.questions:
        t = _texts(fresh, "questions", q.id)
        if t:
            labels = t.get("choices", {})
            q = q._replace(
                prompt=t["prompt"],
                help=t["help"],
                choices=tuple(Choice(c.id, labels.get(c.id, c.label)) for c in q.choices),
            )
        questions.append(q)
    attendance = {}
    for aid, a in kb.attendance.items():
        t = _texts(fresh, "attendance", aid)
        attendance[aid] = a._replace(label=t["label"], description=t["description"]) if t else a
    crisis = kb.crisis
    t = _texts(fresh, "crisis", CRISIS)
    if t:
        crisis = crisis._replace(
            message=t["message"],
            safety_plan=t["safety_plan"],
            warning_signs=t.get("warning_signs", crisis.warning_signs),
            pointer_signs=t.get("pointer_signs", crisis.pointer_signs),
        )
    regions = []
    for region in crisis.regions:
        rt = _texts(fresh, "crisis", region.id)
        if rt:
            shipped = tuple(ln for ln in region.lines if not ln.clinic)
            lines = tuple(
                ln._replace(name=d["name"], contact=d["contact"]) for ln, d in zip(shipped, rt["lines"], strict=True)
            ) + tuple(ln for ln in region.lines if ln.clinic)
            region = region._replace(
                name=rt["name"],
                lines=lines,
                steps=rt.get("steps", region.steps),
                emergency=rt.get("emergency", region.emergency),
            )
        regions.append(region)
    crisis = crisis._replace(regions=tuple(regions))
    entries = []
    names = dict(kb.names)
    for e in kb.entries:
        file = {THERAPY: "therapies", MOMENT: "moments", TOPIC: "topics"}.get(e.kind, "")
        t = _texts(fresh, file, e.id) if file else None  # a clinic's policies: its own words, kept as written
        sections = tuple(s._replace(heading=headings.get(s.heading, s.heading)) for s in e.sections)
        if e.kind == POLICY:  # the same words as kb/clinic.py, in this language
            name = kb.clinic.name if kb.clinic else ""
            summary = headings.get(POLICY_OF, POLICY_OF).format(clinic=name) if name else POLICY_OF_YOURS
            e = e._replace(summary=headings.get(summary, summary))
        if e.kind == TOPIC and e.id == CRISIS:  # made from crisis.yaml: its lines and steps in this language
            sections = crisis_sections(e, crisis, t, headings, lang)
        elif t and e.kind == TOPIC:
            sections = tuple(
                Section(s.key, d["heading"], d["text"]) for s, d in zip(e.sections, t["sections"], strict=True)
            )
        elif t:
            sections = tuple(s._replace(text=t[s.key]) for s in sections)
        if t:
            extra = fresh[file][e.id].aliases
            for alias in (t["name"], *extra):
                names.setdefault(lookup_key(alias), e.id)  # never takes a name from another entry
            e = e._replace(
                name=t["name"],
                summary=t["summary"],
                aliases=tuple(a for a in extra if a),
                aliases_en=e.aliases_en + e.aliases,  # said to be English where they are shown
            )
            if "attendance" in t:
                e = e._replace(
                    bands=tuple(
                        b._replace(weekly=d.get("weekly", b.weekly))
                        for b, d in zip(e.bands, t["attendance"], strict=True)
                    ),
                )
        entries.append(e._replace(sections=sections))
    asks = {aid: a._replace(text=t["text"]) if (t := _texts(fresh, "asks", aid)) else a for aid, a in kb.asks.items()}
    rules = []
    clinic_marks = clinic_i18n.marks(kb.clinic)  # a translated reason still says where a clinic's layer changed it
    for r in kb.rules:
        t = _texts(fresh, "rules", r.id)
        if t:
            moments = tuple((m, t["moments"][m]) for m, _ in r.moments) if "moments" in t else r.moments
            because = t.get("because", r.because)
            r = r._replace(
                because=clinic_i18n.marked(because, clinic_marks[r.id]) if r.id in clinic_marks else because,
                moments=moments,
                **{k: t[k] for k in ("confidentiality", "prepare", "why") if k in t},
            )
        rules.append(r)
    return kb._replace(
        questions=tuple(questions),
        attendance=attendance,
        entries=tuple(entries),
        asks=asks,
        rules=said.index(rules),  # their items again, in this language
        crisis=crisis,
        names=names,
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
