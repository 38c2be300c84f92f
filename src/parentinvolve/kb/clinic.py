"""clinic.yaml, read into the `Clinic` on the knowledge base; its policies become entries `explain` finds.

Runs after the merged content is built (overlay.py did the merging), with the same Reader, so its text is
cleaned like all content (no terminal escapes) and its problems are located like every other. The clinic's own
crisis lines (its after-hours line, its crisis.yaml's lines) are added here, after every region's shipped lines,
marked as the clinic's (`Line.clinic`, shown labelled) and never under a shipped line's name (lock.py).
"""

from __future__ import annotations

import re

from parentinvolve.i18n import _
from parentinvolve.kb import lock
from parentinvolve.kb.context import Context
from parentinvolve.kb.entries import reviewed
from parentinvolve.kb.fields import Reader
from parentinvolve.kb.overlay import Layer, where
from parentinvolve.kb.reader import Node
from parentinvolve.kb.translations.clinic import marked, marks
from parentinvolve.kb.translations.merge import POLICY_HEADING, POLICY_OF, POLICY_OF_YOURS, crisis_sections
from parentinvolve.model import (
    AUDIENCES,
    CRISIS,
    POLICY,
    TOPIC,
    Change,
    Clinic,
    Crisis,
    Entry,
    KnowledgeBase,
    Line,
    Rule,
    Section,
    lookup_key,
)
from parentinvolve.text import phone

FIELDS = ("website", "address", "contacts", "after_hours", "welcome", "policies", "disable", "reviewed")
# What people write for a field of clinic.yaml, and the field they mean.
MEANT = {
    **dict.fromkeys(("phone", "telephone", "tel", "phone_number", "number", "email", "e_mail", "fax"), "contacts"),
    **dict.fromkeys(("contact", "front_desk", "reception"), "contacts"),
    **dict.fromkeys(("after_hours_line", "afterhours", "on_call", "oncall", "emergency", "crisis"), "after_hours"),
    **dict.fromkeys(("url", "web", "site", "homepage", "web_site"), "website"),
    **dict.fromkeys(("clinic", "clinic_name", "title"), "name"),
    **dict.fromkeys(("policy", "rules"), "policies"),
    **dict.fromkeys(("welcome_message", "intro", "introduction"), "welcome"),
}
_WEB = re.compile(r"^https?://[^\s<>\"']+$")


def finish(ctx: Context, kb: KnowledgeBase | None, layer: Layer) -> KnowledgeBase | None:
    """The knowledge base with the clinic on it; None when clinic.yaml (or anything before it) has a problem."""
    node = layer.clinic
    if node is None:
        return None  # missing or unreadable: reported already
    r = ctx.reader
    before = len(r.problems)
    f = r.fields(node, "clinic.yaml", ["name"], FIELDS, MEANT)
    name = r.text(f.get("name"), "name")
    website = r.text(f.get("website"), "website")
    if website and not _WEB.match(website):
        r.error(
            f["website"].loc,
            _("website {website} should be a web address, like https://www.example.org").format(website=repr(website)),
        )
    taken = lock.shipped_names(kb) if kb is not None else {}
    contacts = tuple(_line(ctx, item, _("a contact"), taken) for item in r.items(f.get("contacts"), "contacts"))
    # Read as the crisis lines read it (it is one of them), so a problem is reported once, in the same words.
    after_hours = _line(ctx, f["after_hours"], _("a crisis line"), taken, ["audience"]) if "after_hours" in f else None
    own = [
        (rid, _line(ctx, item, _("a crisis line"), taken, ["audience"]))
        for rid, items in layer.lines.items()
        for item in items
    ]
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
        reviewed=reviewed(ctx, f.get("reviewed"), "clinic.yaml"),  # the check content files have
        changes=(*layer.changes, *changes),
    )
    if kb is None or len(r.problems) > before:
        return None
    names = dict(kb.names)
    for p in policies:
        names.update({lookup_key(p.id): p.id, lookup_key(p.name): p.id})
    crisis = _with_clinic_lines(kb.crisis, name, after_hours, own)
    entries = tuple(
        e._replace(sections=crisis_sections(e, crisis, None)) if e.kind == TOPIC and e.id == CRISIS else e
        for e in (*kb.entries, *policies)
    )
    return kb._replace(entries=entries, names=names, rules=_marked(kb, clinic), clinic=clinic, crisis=crisis)


def _line(ctx: Context, node: Node, what: str, taken: dict[str, str], optional: list[str] | None = None) -> Line:
    """A contact or crisis line of the clinic's own: never under a shipped line's name; a number with letters
    among its digits is questioned (it is not linked for dialling)."""
    r = ctx.reader
    f = r.fields(node, what, ["name", "contact"], [*(optional or []), "main", "main_in"])
    for key in ("main", "main_in"):
        if key in f:  # the crisis pointer names a shipped line, in every language: a layer cannot displace it
            r.error(
                f[key].loc,
                _("a clinic's line cannot be {value}: the crisis pointer names a shipped line").format(value=repr(key)),
            )
    audience = r.text(f.get("audience"), "audience") if "audience" in f else "anyone"
    if audience not in AUDIENCES:
        r.error(
            f["audience"].loc,
            _("audience {value} should be one of {choices}").format(value=repr(audience), choices=", ".join(AUDIENCES)),
        )
    name = r.text(f.get("name"), "name")
    shipped = lock.line_name_taken(name, taken) if name else None
    if shipped is not None:
        r.error(
            f["name"].loc,
            _(
                "{name} would pass for the shipped crisis line {shipped}: a clinic's line cannot take the name of one "
                "({why}); name it as your clinic's own"
            ).format(name=repr(name), shipped=repr(shipped), why=_(lock.WHY)),
        )
    contact = r.text(f.get("contact"), "contact")
    if contact and phone.questionable(contact):
        ctx.warnings.append(
            f["contact"].loc.problem(
                _(
                    "warning: {contact} has letters among its digits, so it cannot be dialled from a link; write the "
                    "number in digits"
                ).format(contact=repr(contact))
            )
        )
    return Line(name, contact, audience)


def _with_clinic_lines(crisis: Crisis, clinic: str, after_hours: Line | None, own: list[tuple[str, Line]]) -> Crisis:
    """Every region's shipped lines first, as shipped (and translated); then the clinic's own, labelled."""
    regions = []
    for region in crisis.regions:
        extra = [ln._replace(clinic=clinic, after_hours=True) for ln in (after_hours,) if ln is not None]
        extra += [ln._replace(clinic=clinic) for rid, ln in own if rid == region.id]
        regions.append(region._replace(lines=(*region.lines, *extra)) if extra else region)
    return crisis._replace(regions=tuple(regions))


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
        summary = (
            POLICY_OF.format(clinic=clinic) if clinic else POLICY_OF_YOURS
        )  # (translated by kb/translations/merge.py)
        out.append(Entry(POLICY, pid, title or pid, summary, (Section("policy", POLICY_HEADING, text),), ()))
        changes.append(Change("policy", "clinic", pid, "", where(item.loc)))
    return out, changes


def _marked(kb: KnowledgeBase, clinic: Clinic) -> tuple[Rule, ...]:
    """Rules the layer added or changed say so in their `because`, which `--why` shows beside each item."""
    found = marks(clinic)
    return tuple(
        rule._replace(because=marked(rule.because, found[rule.id])) if rule.id in found else rule for rule in kb.rules
    )
