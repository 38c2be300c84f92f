"""The locked safety set: what no layer (a clinic's, or its translations) may rename, reword, translate, outrank,
disable or displace. The one place that says what is in the set and why; the merges call it (overlay.py for a
clinic's files, clinic.py for its lines, i18n.py for its translations).

In the set: every crisis line, the crisis message and safety steps (crisis.yaml and `explain crisis`), the
built-in rules (`safety-first`, `crisis-pointer`), and every rule and question to ask that the shipped content
marks `locked: true` (the safety questions, the limits of confidentiality, the self-harm rules). A shipped rule
about self-harm is treated as locked even without the marker, so forgetting it never weakens anything. Only the
shipped content sets `locked`; a layer can neither set nor unset it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from parentinvolve.i18n import N_, _
from parentinvolve.kb.reader import Map, Node, Scalar, Seq, to_plain
from parentinvolve.model import CRISIS, KnowledgeBase

LOCKED = "locked"
WHY = N_(
    "it is part of the locked safety set (crisis lines, safety steps and questions, the limits of confidentiality)"
)
# What each file's locked entries are, for the messages.
WHAT = {"rules": N_("rule"), "asks": N_("question to ask"), "sources": N_("source")}


def marked(node: Node | None) -> bool:
    """Whether a shipped entry says `locked: true`."""
    value = node.items.get(LOCKED) if isinstance(node, Map) else None
    return isinstance(value, Scalar) and value.value is True


def about_self_harm(node: Node | None) -> bool:
    when = node.items.get("when") if isinstance(node, Map) else None
    return when is not None and "self-harm" in json.dumps(to_plain(when))


def entry_locked(file: str, node: Node | None) -> bool:
    """Whether a shipped entry of `file` (rules, asks, ...) is in the locked set."""
    if file == "rules":
        return marked(node) or about_self_harm(node)
    return file == "asks" and marked(node)


def cited(docs: Mapping[str, Node | None]) -> frozenset[str]:
    """The ids of the sources the locked set cites (crisis.yaml and its regions, locked rules and questions): a
    source is where a parent checks a crisis line, so a layer cannot change where it points."""
    out: set[str] = set()

    def add(node: Node | None) -> None:
        refs = node.items.get("sources") if isinstance(node, Map) else None
        out.update(str(i.value) for i in (refs.items if isinstance(refs, Seq) else ()) if isinstance(i, Scalar))

    crisis = docs.get("crisis")
    add(crisis)
    regions = crisis.items.get("regions") if isinstance(crisis, Map) else None
    for region in regions.items if isinstance(regions, Seq) else ():
        add(region)
    for file in ("rules", "asks"):
        entries = docs.get(file)
        for entry in entries.items if isinstance(entries, Seq) else ():
            if marked(entry):
                add(entry)
    return frozenset(out)


def change_refused(file: str, entry_id: str) -> str:
    return _("{what} {id} cannot be changed by a clinic's layer: {why}; add an entry of your own instead").format(
        what=_(WHAT.get(file, N_("entry"))), id=repr(entry_id), why=_(WHY)
    )


def disable_refused(rule_id: str) -> str:
    return _("rule {id} cannot be disabled: {why}").format(id=repr(rule_id), why=_(WHY))


def marker_refused() -> str:
    return _(
        "`{field}` is set only by the shipped content: a clinic's layer can neither set nor unset it; remove it"
    ).format(field=LOCKED)


def group_refused(group: str, rule_id: str) -> str:
    return _(
        "group {group} holds the locked rule {id}, which a rule of a clinic's layer could overrule: {why}; "
        "use another group"
    ).format(group=repr(group), id=repr(rule_id), why=_(WHY))


def locked_entries(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """The ids in the locked set, by translation file (made once per check: big content has many rules)."""
    regions = frozenset(r.id for r in kb.crisis.regions) | {CRISIS}
    return {
        "crisis": regions,
        "topics": frozenset({CRISIS}),
        "asks": frozenset(a.id for a in kb.asks.values() if a.locked),
        "rules": frozenset(r.id for r in kb.rules if r.locked),
    }


def translation_locked(locked: dict[str, frozenset[str]], file: str, entry_id: str) -> bool:
    """Whether the translation entry `file`/`entry_id` translates something in the locked set
    (`locked`: `locked_entries(kb)`)."""
    return file == "crisis" or entry_id in locked.get(file, frozenset())


def id_taken(entry_id: str) -> str:
    return _(
        "the id {id} is the crisis lines' own (`explain {name}`, made from crisis.yaml): {why}; choose another id"
    ).format(id=repr(entry_id), name=entry_id, why=_(WHY))


# A layer cannot change these files (kb/overlay.py), so it cannot translate them either: the questions carry the
# choices that open the crisis block (self-harm) and pick the crisis lines (the region).
SAME_FOR_EVERY_CLINIC = ("questions", "attendance")


def file_refused(file: str) -> str:
    return _(
        "a clinic's layer cannot translate {file}.yaml (it is the same for every clinic, and its choices open the "
        "crisis lines); the shipped translation is used. Remove this file"
    ).format(file=file)


def translation_refused(file: str, entry_id: str) -> str:
    return _(
        "{id} in {file}.yaml cannot be translated by a clinic's layer: {why}; the shipped translation is used. "
        "Remove this entry"
    ).format(id=repr(entry_id), file=file, why=_(WHY))


def untranslated(lang: str, entry_id: str, stale: bool) -> str:
    state = _("is stale (its English text changed)") if stale else _("has no translation")
    return _(
        "{lang}: {id} {state}, and {why}: it is never shown in English instead; translate it and set its "
        "source_hash (tools/i18n.py skeleton)"
    ).format(lang=lang, id=repr(entry_id), state=state, why=_(WHY))


def _name_key(name: str) -> str:
    """A line's name as a reader would take it: case, spaces, punctuation and "&" for "and" do not count."""
    return re.sub(r"[\W_]+", "", name.casefold().replace("&", " and "))


def line_name_taken(name: str, shipped: dict[str, str]) -> str | None:
    """The shipped crisis line a clinic's line would pass for (the same name, however written), else None.
    (Every clinic line is shown labelled with the clinic's name as well: model.line_name.)"""
    return shipped.get(_name_key(name))


def shipped_names(kb: KnowledgeBase) -> dict[str, str]:
    """Every shipped crisis line's name, in every region, by the key a reader would take it for."""
    return {_name_key(ln.name): ln.name for r in kb.crisis.regions for ln in r.lines if not ln.clinic}
