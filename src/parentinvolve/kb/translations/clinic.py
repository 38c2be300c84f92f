"""A clinic's own words in another language: `i18n/<lang>/clinic.yaml` in its layer, applied over the clinic.

    name: Terapia Familiar Riverbend
    welcome: [paragraphs]                        # like clinic.yaml's
    contacts: [Recepción, Correo electrónico]     # each contact's name, in clinic.yaml's order
    after_hours: Clínico de guardia de Riverbend  # the after-hours line's name
    policies:
      riverbend-missed-sessions: {title: ..., text: [paragraphs]}

Every field is optional; what is not given stays as clinic.yaml says it, is marked English (`Clinic.english`, so
an HTML page says `lang="en"` around it) and is named by `validate` as a warning. Phone numbers and other numbers
in a contact's or the after-hours line's name stay as in clinic.yaml (checked). The clinic's crisis line is
added to the crisis lines by the layer, not here: safety text has its own rules (kb/overlay.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from parentinvolve.errors import Problem
from parentinvolve.i18n import N_, _
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq, parse_yaml, read_text
from parentinvolve.model import POLICY, Clinic, KnowledgeBase, Line

PARTS = {
    "name": N_("its name"),
    "welcome": N_("its welcome"),
    "contacts": N_("its contacts' names"),
    "after_hours": N_("its after-hours line's name"),
}

FILE = "clinic.yaml"
FIELDS = ("name", "welcome", "contacts", "after_hours", "policies")
MAX_BYTES = 1024 * 1024
_DIGITS = re.compile(r"\d+")


def parts(kb: KnowledgeBase) -> list[str]:
    """The parts of the clinic's text a translation can give: name, welcome, contacts, after_hours, policy:<id>."""
    c = kb.clinic
    if c is None:
        return []
    out = ["name"] + (["welcome"] if c.welcome else []) + (["contacts"] if c.contacts else [])
    out += ["after_hours"] if c.after_hours else []
    return out + [f"policy:{pid}" for pid in c.policies]


def read(kb: KnowledgeBase, folder: Path, lang: str) -> tuple[dict[str, object], list[Problem], Loc | None]:
    """The translated parts found in `folder/<lang>/clinic.yaml` (by part, as `parts` names them), every problem
    in the file, and where it is (None when there is no file)."""
    path = folder / lang / FILE
    c = kb.clinic
    if c is None or not path.is_file():
        return {}, [], None
    text, problems = read_text(path, str(path), max_bytes=MAX_BYTES)
    node, more = parse_yaml(text, str(path)) if text is not None else (None, [])
    problems += more
    if node is None:
        return {}, problems, Loc(str(path), 1, 1)
    if not isinstance(node, Map):
        return {}, [*problems, node.loc.problem(_("a clinic's translation is a mapping: name, welcome, ..."))], node.loc
    out: dict[str, object] = {}
    for key, value in node.items.items():
        where = node.keys[key]
        if key not in FIELDS:
            problems.append(
                where.problem(
                    _("{key} is not a field of a clinic's translation: {names}").format(
                        key=repr(key), names=", ".join(FIELDS)
                    )
                )
            )
        elif key == "name":
            out["name"] = _text(value, "name", problems)
        elif key == "welcome":
            out["welcome"] = _paragraphs(value, "welcome", problems)
        elif key == "contacts":
            out["contacts"] = _contacts(value, c.contacts, problems)
        elif key == "after_hours":
            if c.after_hours is None:
                problems.append(where.problem(_("after_hours: clinic.yaml has no after-hours line to translate")))
            else:
                out["after_hours"] = _numbers_kept(
                    _text(value, "after_hours", problems), c.after_hours, value, problems
                )
        else:
            out.update(_policies(value, c.policies, problems))
    return {k: v for k, v in out.items() if v}, problems, node.loc


def apply(kb: KnowledgeBase, folders: list[Path], lang: str) -> KnowledgeBase:
    """`kb` with the clinic's own translation of `lang` (the last folder that has one), the parts it does not
    give marked English. A malformed file is not used (validate names its problems)."""
    c = kb.clinic
    if c is None:
        return kb
    found: dict[str, object] = {}
    for folder in folders:
        texts, problems, _where = read(kb, folder, lang)
        if texts and not problems:
            found = texts
    english = tuple(p for p in parts(kb) if p not in found)
    welcome = found.get("welcome")
    contacts = found.get("contacts")
    after = found.get("after_hours")
    clinic = c._replace(
        name=str(found.get("name", c.name)),
        welcome=welcome if isinstance(welcome, tuple) else c.welcome,
        contacts=tuple(ln._replace(name=n) for ln, n in zip(c.contacts, contacts, strict=True))
        if isinstance(contacts, tuple)
        else c.contacts,
        after_hours=c.after_hours._replace(name=after) if c.after_hours and isinstance(after, str) else c.after_hours,
        english=english,
    )
    # The clinic's own crisis lines (kb/clinic.py: after the shipped ones, labelled with its name): its name and
    # its after-hours line's, in this language too.
    regions = tuple(
        r._replace(
            lines=tuple(
                ln._replace(
                    clinic=clinic.name,
                    name=clinic.after_hours.name if ln.after_hours and clinic.after_hours else ln.name,
                )
                if ln.clinic
                else ln
                for ln in r.lines
            )
        )
        for r in kb.crisis.regions
    )
    entries = []
    for e in kb.entries:
        policy = found.get(f"policy:{e.id}") if e.kind == POLICY else None
        if isinstance(policy, tuple):
            title, text = policy
            e = e._replace(name=title, sections=tuple(s._replace(text=text) for s in e.sections))
        entries.append(e)
    return kb._replace(clinic=clinic, entries=tuple(entries), crisis=kb.crisis._replace(regions=regions))


def untranslated(kb: KnowledgeBase, folders: list[Path], lang: str) -> tuple[list[str], list[Problem]]:
    """For `validate`: one warning per part of the clinic's text with no translation into `lang`, and the
    problems of its translation file."""
    c = kb.clinic
    if c is None:
        return [], []
    found: dict[str, object] = {}
    problems: list[Problem] = []
    where = f"{Path(c.folder) / 'i18n' / lang / FILE}"
    for folder in folders:
        texts, more, loc = read(kb, folder, lang)
        problems += more
        if loc is not None:
            found.update(texts)
    warnings = []
    for part in parts(kb):
        if part in found:
            continue
        what = _(PARTS[part]) if part in PARTS else _("its policy {id}").format(id=repr(part.removeprefix("policy:")))
        warnings.append(
            _("{file}: {lang}: the clinic's layer does not translate {what} ({where})").format(
                file=Path(c.folder) / "clinic.yaml", lang=lang, what=what, where=where
            )
        )
    return warnings, problems


def marks(clinic: Clinic | None) -> dict[str, str]:
    """The rules a clinic's layer added or changed, and where: `--why` says so beside each of their items."""
    out: dict[str, str] = {}
    for c in clinic.changes if clinic else ():
        if c.file == "rules" and c.what in ("added", "changed", "removed"):
            out.setdefault(c.id, c.where)
    return out


def marked(because: str, where: str) -> str:
    """A rule's reason, with where the clinic's layer says it."""
    return "; ".join(x for x in (because, _("from the clinic's layer, {where}").format(where=where)) if x)


def _text(node: Node, key: str, problems: list[Problem]) -> str:
    if isinstance(node, Scalar) and node.kind == "str" and str(node.value).strip():
        return " ".join(str(node.value).split())
    problems.append(node.loc.problem(_("{key}: give the translated text").format(key=key)))
    return ""


def _paragraphs(node: Node, key: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(node, Seq) or not node.items:
        problems.append(node.loc.problem(_("{key}: give a list of paragraphs").format(key=key)))
        return ()
    return tuple(_text(n, key, problems) for n in node.items)


def _numbers_kept(text: str, line: Line, node: Node, problems: list[Problem]) -> str:
    if text and sorted(_DIGITS.findall(text)) != sorted(_DIGITS.findall(line.name)):
        problems.append(
            node.loc.problem(_("keep every number exactly as in clinic.yaml ({name})").format(name=repr(line.name)))
        )
        return ""
    return text


def _contacts(node: Node, contacts: tuple[Line, ...], problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(node, Seq) or len(node.items) != len(contacts):
        problems.append(
            node.loc.problem(
                _("contacts: give the {count} contacts' names, in clinic.yaml's order").format(count=len(contacts))
            )
        )
        return ()
    names = tuple(
        _numbers_kept(_text(n, "contacts", problems), ln, n, problems)
        for n, ln in zip(node.items, contacts, strict=True)
    )
    return names if all(names) else ()


def _policies(node: Node, ids: tuple[str, ...], problems: list[Problem]) -> dict[str, object]:
    if not isinstance(node, Map):
        problems.append(node.loc.problem(_("policies: give a mapping of policy id to {title, text}")))
        return {}
    out: dict[str, object] = {}
    for pid, value in node.items.items():
        if pid not in ids:
            problems.append(
                node.keys[pid].problem(
                    _("no policy {pid} in clinic.yaml; its policies: {names}").format(
                        pid=repr(pid), names=", ".join(ids)
                    )
                )
            )
            continue
        if not isinstance(value, Map) or set(value.items) != {"title", "text"}:
            problems.append(value.loc.problem(_("{pid}: give its title and text").format(pid=pid)))
            continue
        title = _text(value.items["title"], "title", problems)
        text = _paragraphs(value.items["text"], "text", problems)
        if title and text and all(text):
            out[f"policy:{pid}"] = (title, text)
    return out


def unmarked(because: str, where: str) -> str:
    """A rule's reason as its file says it, without `marked`'s words."""
    mark = marked("", where)
    return "" if because == mark else because.removesuffix("; " + mark)
