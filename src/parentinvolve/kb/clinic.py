"""clinic.yaml, read into the `Clinic` on the knowledge base; its policies become entries `explain` finds.

Runs after the merged content is built (overlay.py did the merging), with the same Reader, so its text is
cleaned like all content (no terminal escapes) and its problems are located like every other.
"""

from __future__ import annotations

import re

from parentinvolve.i18n import _
from parentinvolve.kb.clinic_i18n import marked, marks
from parentinvolve.kb.context import Context
from parentinvolve.kb.fields import Reader
from parentinvolve.kb.i18n import POLICY_HEADING, POLICY_OF, POLICY_OF_YOURS
from parentinvolve.kb.overlay import Layer, where
from parentinvolve.kb.reader import Node, Scalar
from parentinvolve.model import POLICY, Change, Clinic, Entry, KnowledgeBase, Line, Rule, Section, lookup_key

FIELDS = ("website", "address", "contacts", "after_hours", "welcome", "policies", "disable", "reviewed")
_WEB = re.compile(r"^https?://[^\s<>\"']+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def finish(ctx: Context, kb: KnowledgeBase | None, layer: Layer) -> KnowledgeBase | None:
    """The knowledge base with the clinic on it; None when clinic.yaml (or anything before it) has a problem."""
    node = layer.clinic
    if node is None:
        return None  # missing or unreadable: reported already
    r = ctx.r
    before = len(r.problems)
    f = r.fields(node, "clinic.yaml", ["name"], FIELDS)
    name = r.text(f.get("name"), "name")
    website = r.text(f.get("website"), "website")
    if website and not _WEB.match(website):
        r.error(
            f["website"].loc,
            _("website {website} should be a web address, like https://www.example.org").format(website=repr(website)),
        )
    contacts = tuple(_line(r, item, _("a contact")) for item in r.items(f.get("contacts"), "contacts"))
    # Read as the crisis lines read it (it is one of them now), so a problem is reported once, in the same words.
    after_hours = _line(r, f["after_hours"], _("a crisis line"), ["audience"]) if "after_hours" in f else None
    disabled = tuple(v for v, _ in r.idents(f.get("disable"), "disable"))
    policies, changes = _policies(r, f.get("policies"), name, kb)
    clinic = Clinic(
        name=name,
        folder=str(layer.folder),
        website=website,
        address=r.text(f.get("address"), "address"),
        contacts=contacts,
        after_hours=after_hours,
        welcome=r.paragraphs(f.get("welcome"), "welcome"),
        policies=tuple(p.id for p in policies),
        disabled=disabled,
        reviewed=_date(r, f.get("reviewed")),
        changes=(*layer.changes, *changes),
    )
    if kb is None or len(r.problems) > before:
        return None
    names = dict(kb.names)
    for p in policies:
        names.update({lookup_key(p.id): p.id, lookup_key(p.name): p.id})
    return kb._replace(entries=(*kb.entries, *policies), names=names, rules=_marked(kb, clinic), clinic=clinic)


def _line(r: Reader, node: Node, what: str, optional: list[str] | None = None) -> Line:
    f = r.fields(node, what, ["name", "contact"], optional or [])
    audience = r.text(f.get("audience"), "audience") if "audience" in f else "anyone"
    return Line(r.text(f.get("name"), "name"), r.text(f.get("contact"), "contact"), audience)


def _date(r: Reader, node: Node | None) -> str:
    if node is None:
        return ""
    value = node.raw if isinstance(node, Scalar) and node.kind in ("timestamp", "str") else ""
    if not _DATE.match(value):
        r.error(node.loc, _("reviewed should be a date, like 2026-11-30"))
    return value


def _policies(r: Reader, node: Node | None, clinic: str, kb: KnowledgeBase | None) -> tuple[list[Entry], list[Change]]:
    """Each policy as an entry of kind POLICY; its id and title must not name anything else."""
    out: list[Entry] = []
    changes: list[Change] = []
    taken = dict(kb.names) if kb is not None else {}
    for item in r.items(node, "policies"):
        f = r.fields(item, _("a policy"), ["id", "title", "text"])
        pid = r.ident(f.get("id"), "policy id")
        title = r.text(f.get("title"), "title")
        for value, key in ((pid, "id"), (title, "title")):
            other = taken.get(lookup_key(value)) if value else None
            if other is not None:
                r.error(
                    f[key].loc,
                    _("the policy {key} {value} is already the name of {other}; choose another").format(
                        key=key, value=repr(value), other=repr(other)
                    ),
                )
        text = r.paragraphs(f.get("text"), "text")
        if not pid:
            continue
        taken.update({lookup_key(pid): pid, lookup_key(title): pid} if title else {lookup_key(pid): pid})
        summary = POLICY_OF.format(clinic=clinic) if clinic else POLICY_OF_YOURS  # (translated by kb/i18n.py)
        out.append(Entry(POLICY, pid, title or pid, summary, (Section("policy", POLICY_HEADING, text),), ()))
        changes.append(Change("policy", "clinic", pid, "", where(item.loc)))
    return out, changes


def _marked(kb: KnowledgeBase, clinic: Clinic) -> tuple[Rule, ...]:
    """Rules the layer added or changed say so in their `because`, which `--why` shows beside each item."""
    found = marks(clinic)
    return tuple(
        rule._replace(because=marked(rule.because, found[rule.id])) if rule.id in found else rule for rule in kb.rules
    )
