"""A clinic's layer: its folder read and merged into the content's files, by id, before anything is built.

The merge works on located nodes (reader.py), so the builders need no change and every problem is still
reported at its own file and line, shipped or clinic. An entry whose id is in the content is patched field by
field as RFC 7396 (JSON merge-patch) says: a field given replaces the content's, `null` removes it, a mapping
is patched key by key, a list replaces the whole list; a new id adds an entry. Safety cannot be weakened: what is
in the locked safety set, and the words that refuse a change to it, are in lock.py. Here, a locked rule or question
is neither changed nor switched off, `locked` is never set or unset by a layer, no layer rule joins a locked
rule's group, and a layer's crisis lines are kept aside for clinic.py, which adds them after the shipped ones.
A folder (or a file in it) that other users can write is not used at all.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from parentinvolve.engine import SAFETY_RULE
from parentinvolve.errors import Problem
from parentinvolve.i18n import N_, _
from parentinvolve.kb import lock
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq, parse_yaml, read_text, to_plain
from parentinvolve.kb.textfiles import folder_problem, open_to_others
from parentinvolve.model import Change
from parentinvolve.text.didyoumean import did_you_mean

LAYER_FILES = ("sources", "therapies", "moments", "topics", "asks", "rules", "crisis")
NOT_LAYERED = ("questions", "attendance")
BASED_ON = "based_on"  # in a copy made by `clinic override`: the fingerprint of the shipped entry it started from
KEEP_CRISIS = N_(
    "crisis help is the same for every clinic and cannot be changed by a clinic's layer; "
    "a layer may only add lines to a region (regions: [{id: uk, lines: [{name, contact}]}])"
)


def fingerprint(node: Node) -> str:
    """A short hash of an entry's values (not its comments or layout): it changes when the text does."""
    from hashlib import blake2b

    text = json.dumps(to_plain(node), sort_keys=True, ensure_ascii=False)
    return blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def where(loc: Loc) -> str:
    return f"{loc.path}:{loc.line}"


def entry_id(node: Node) -> str:
    value = node.items.get("id") if isinstance(node, Map) else None
    return str(value.value) if isinstance(value, Scalar) and value.kind == "str" else ""


def _blank(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _is_null(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.kind == "null"


@dataclass
class Layer:
    """A clinic's folder, read: its files, what it changes (for `clinic show` and `--why`), and its problems."""

    folder: Path
    clinic: Node | None = None
    docs: dict[str, Node] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # crisis.yaml in the layer: its own lines by region id, added after the shipped ones (kb/clinic.py builds them)
    lines: dict[str, list[Node]] = field(default_factory=dict)
    locked_sources: frozenset[str] = frozenset()  # the sources the locked set cites: never changed by a layer

    def problem(self, loc: Loc, message: str) -> None:
        self.problems.append(loc.problem(message))

    def change(self, what: str, file: str, entry_id: str, name: str, loc: Loc) -> None:
        self.changes.append(Change(what, file, entry_id, name, where(loc)))


def read(folder: Path, max_bytes: int) -> Layer:
    layer = Layer(folder)
    here = Loc(str(folder), 1, 1)
    problem = folder_problem(folder)
    if problem is not None:
        message = _("{what}; give the clinic's folder, the one that holds clinic.yaml").format(what=problem)
        if not folder.is_absolute():  # PARENTINVOLVE_CLINIC=riverside works from one folder only: say which
            import os

            message += _(" (looked for {path}, from the current folder; a full path works from anywhere)").format(
                path=os.path.abspath(folder)
            )
        layer.problem(here, message)
        return layer
    unsafe = [p for p in _layer_paths(folder) if open_to_others(p)]
    if unsafe:  # anyone on the computer could plant a crisis line or change a policy: nothing in it is used
        for path in unsafe:
            layer.problem(
                Loc(str(path), 1, 1),
                _(
                    "other users of this computer can change this (it is writable by everyone), so the clinic's "
                    "layer is not used; remove their write permission (chmod o-w {path})"
                ).format(path=shlex.quote(str(path))),
            )
        return layer
    for name in NOT_LAYERED:
        if (folder / f"{name}.yaml").exists():
            layer.problem(
                Loc(str(folder / f"{name}.yaml"), 1, 1),
                _(
                    "a clinic's layer cannot change {name}.yaml (it is the same for every clinic); remove the file"
                ).format(name=name),
            )
    for name in ("clinic", *LAYER_FILES):
        path = folder / f"{name}.yaml"
        if not path.exists():
            if name == "clinic":
                layer.problem(
                    Loc(str(path), 1, 1),
                    _(
                        "missing file clinic.yaml; a clinic's folder needs one (`parentinvolve clinic init DIR` writes one)"
                    ),
                )
            continue
        text, found = read_text(path, str(path), max_bytes=max_bytes)
        layer.problems += found
        node = None
        if text is not None and name != "clinic" and _blank(text):
            continue  # a file of comments only (say, every entry taken out again) changes nothing
        if text is not None:
            node, found = parse_yaml(text, str(path))
            layer.problems += found
        if name == "clinic":
            layer.clinic = node
        elif node is not None:
            layer.docs[name] = node
    return layer


def translations(folder: Path, max_bytes: int) -> list[Change]:
    """The layer's own translations (`i18n/<lang>/<file>.yaml`), entry by entry, for `clinic show`: they are
    applied (and checked) with the shipped ones by kb/translations/, never over the locked safety set."""
    from parentinvolve.kb.translations.source import FILES as TRANSLATED

    out: list[Change] = []
    base = folder / "i18n"
    try:
        langs = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    except OSError:
        return out  # unreadable: kb/translations/files.py says so, once
    for lang in langs:
        for name in TRANSLATED:
            path = lang / f"{name}.yaml"
            try:
                if not path.is_file():
                    continue
            except OSError:
                continue
            text, found = read_text(path, str(path), max_bytes=max_bytes)
            node = parse_yaml(text, str(path))[0] if text is not None and not found else None
            for item in node.items if isinstance(node, Seq) else ():
                if eid := entry_id(item):
                    out.append(Change("translated", name, eid, lang.name, where(item.loc)))
    return out


def _layer_paths(folder: Path) -> list[Path]:
    """The folder, every file of it that is read, and its translations' folders and files."""
    out = [folder]
    out += [folder / f"{name}.yaml" for name in ("clinic", *LAYER_FILES)]
    i18n = folder / "i18n"
    try:
        langs = [p for p in i18n.iterdir() if p.is_dir()] if i18n.is_dir() else []
        out += [i18n, *langs, *(f for lang in langs for f in lang.iterdir() if f.suffix == ".yaml")]
    except OSError:
        pass  # unreadable translations are named where they are read (kb/translations/files.py)
    return [p for p in out if p.exists()]


def apply(docs: dict[str, Node | None], layer: Layer) -> None:
    """Merge the layer into the content's parsed files, in place."""
    layer.locked_sources = lock.cited(docs)  # (the shipped files, before anything of the layer is merged)
    for name, patch in layer.docs.items():
        if name == "crisis":
            docs[name] = _Crisis(layer).merge(docs.get(name), patch)
        else:
            docs[name] = _merge_list(layer, name, docs.get(name), patch)
    clinic = layer.clinic if isinstance(layer.clinic, Map) else None
    if clinic is not None:
        _disable(layer, docs, clinic.items.get("disable"))
        after_hours = clinic.items.get("after_hours")
        if after_hours is not None:
            layer.change("line", "crisis", "after_hours", "", after_hours.loc)
    _keep_locked_groups(layer, docs.get("rules"))


def _merge_list(layer: Layer, name: str, base: Node | None, patch: Node) -> Node | None:
    if not isinstance(patch, Seq):
        layer.problem(
            patch.loc, _("{name}.yaml should be a list of entries (lines starting with `- `)").format(name=name)
        )
        return base
    if not isinstance(base, Seq):
        return base  # the content's own file could not be read: that is reported already
    items = list(base.items)
    index = {eid: n for n, item in enumerate(items) if (eid := entry_id(item))}
    seen: dict[str, Loc] = {}
    for item in patch.items:
        eid = entry_id(item)
        if not isinstance(item, Map) or not eid:
            items.append(item)  # the builders say what is wrong with it, at its own line
            continue
        if eid in seen:
            layer.problem(
                item.loc,
                _("duplicate id {eid} in this layer (also at line {line}); keep one").format(
                    eid=repr(eid), line=seen[eid].line
                ),
            )
            continue
        seen[eid] = item.loc
        if lock.LOCKED in item.keys:
            layer.problem(item.keys[lock.LOCKED], lock.marker_refused())
        stamp = item.items.get(BASED_ON)
        if stamp is not None:
            item = Map(
                {k: v for k, v in item.items.items() if k != BASED_ON},
                {k: v for k, v in item.keys.items() if k != BASED_ON},
                item.loc,
            )
        if eid not in index:
            if stamp is not None:
                layer.problem(
                    stamp.loc,
                    _("{based_on} is for copies of shipped entries, and {eid} is not one").format(
                        based_on=BASED_ON, eid=repr(eid)
                    ),
                )
            if name == "rules" and eid == SAFETY_RULE:
                layer.problem(
                    item.loc,
                    _("the rule id {safety_rule} is the built-in safety rule's; choose another").format(
                        safety_rule=repr(SAFETY_RULE)
                    ),
                )
            layer.change("added", name, eid, "", item.loc)
            items.append(item)
            continue
        shipped = items[index[eid]]
        if lock.entry_locked(name, shipped) or (name == "sources" and eid in layer.locked_sources):
            layer.problem(item.loc, lock.change_refused(name, eid))
            continue
        if stamp is not None:
            _check_stamp(layer, name, eid, shipped, stamp)
        items[index[eid]] = _patch(layer, name, eid, shipped, item, "")
    return Seq(tuple(items), base.loc)


def _check_stamp(layer: Layer, name: str, eid: str, shipped: Node, stamp: Node) -> None:
    if not isinstance(stamp, Scalar) or stamp.kind != "str":
        layer.problem(
            stamp.loc,
            _("{based_on} should be the text `clinic override` wrote; copy it back or remove it").format(
                based_on=BASED_ON
            ),
        )
        return
    now = fingerprint(shipped)
    if stamp.value != now:
        message = _(
            "warning: {id}: the shipped entry changed since this copy was made (see {place}); compare the two, "
            "update your copy, then set {based_on}: {now}"
        ).format(id=eid, place=where(shipped.loc), based_on=BASED_ON, now=now)
        layer.warnings.append(stamp.loc.problem(message))
        layer.change("stale", name, eid, BASED_ON, stamp.loc)


def _patch(layer: Layer, name: str, eid: str, base: Node, patch: Map, path: str) -> Node:
    """RFC 7396 on located nodes: the patched mapping carries the patch's location."""
    if not isinstance(base, Map):
        return patch
    items, keys = dict(base.items), dict(base.keys)
    for key, value in patch.items.items():
        if key == "id" and not path:
            continue
        if _is_null(value):
            items.pop(key, None)
            keys.pop(key, None)
            layer.change("removed", name, eid, path + key, patch.keys[key])
        elif isinstance(value, Map) and isinstance(items.get(key), Map):
            items[key] = _patch(layer, name, eid, items[key], value, f"{path}{key}.")
        else:
            # A field copied by `clinic override` and left as shipped changes nothing: it is not listed (so
            # `clinic show` and `--why` name only what the clinic changed, and its shipped translation holds).
            same = key in items and to_plain(items[key]) == to_plain(value)
            items[key], keys[key] = value, patch.keys[key]
            if not same:
                layer.change("changed", name, eid, path + key, patch.keys[key])
    return Map(items, keys, patch.loc)


def _disable(layer: Layer, docs: dict[str, Node | None], node: Node | None) -> None:
    rules = docs.get("rules")
    if not isinstance(node, Seq) or not isinstance(rules, Seq):
        return  # a wrong shape is reported with the rest of clinic.yaml
    index = {entry_id(item): item for item in rules.items}
    changed = {c.id for c in layer.changes if c.file == "rules"}
    off = set()
    for item in node.items:
        rid = str(item.value) if isinstance(item, Scalar) and item.kind == "str" else ""
        if not rid:
            continue
        if rid == SAFETY_RULE:
            layer.problem(
                item.loc,
                _(
                    "the built-in safety rule ({safety_rule}) cannot be disabled: it puts crisis lines first whenever self-harm is a worry"
                ).format(safety_rule=SAFETY_RULE),
            )
        elif rid not in index:
            layer.problem(
                item.loc,
                _("unknown rule {rid}{suggestion}").format(
                    rid=repr(rid), suggestion=did_you_mean(rid, [k for k in index if k])
                ),
            )
        elif lock.entry_locked("rules", index[rid]):
            layer.problem(item.loc, lock.disable_refused(rid))
        elif rid in changed:
            layer.problem(
                item.loc,
                _("rule {rid} is both changed in rules.yaml and disabled; do one or the other").format(rid=repr(rid)),
            )
        else:
            off.add(rid)
            layer.change("disabled", "rules", rid, "", item.loc)
    if off:
        docs["rules"] = Seq(tuple(i for i in rules.items if entry_id(i) not in off), rules.loc)


def _keep_locked_groups(layer: Layer, rules: Node | None) -> None:
    """No rule the layer adds or changes may share a group with a locked rule: it could overrule it."""
    if not isinstance(rules, Seq):
        return
    locked: dict[str, str] = {}
    for item in rules.items:
        group = item.items.get("group") if isinstance(item, Map) else None
        if lock.marked(item) and isinstance(group, Scalar) and group.kind == "str":
            locked.setdefault(str(group.value), entry_id(item))
    touched = {c.id for c in layer.changes if c.file == "rules" and c.what in ("added", "changed")}
    for item in rules.items:
        eid = entry_id(item)
        group = item.items.get("group") if isinstance(item, Map) else None
        if eid not in touched or lock.marked(item) or not isinstance(group, Scalar) or str(group.value) not in locked:
            continue
        priority = item.items.get("priority") if isinstance(item, Map) else None
        if _in_layer(layer, group) or (priority is not None and _in_layer(layer, priority)):
            layer.problem(group.loc, lock.group_refused(str(group.value), locked[str(group.value)]))


def _in_layer(layer: Layer, node: Node) -> bool:
    return Path(node.loc.path).parent == layer.folder


@dataclass
class _Crisis:
    """crisis.yaml in a layer: lines added to shipped regions, and nothing else."""

    layer: Layer

    def merge(self, base: Node | None, patch: Node) -> Node | None:
        if not isinstance(patch, Map):
            self.layer.problem(patch.loc, _("crisis.yaml in a clinic's layer should be a mapping with `regions:`"))
            return base
        for key, loc in patch.keys.items():
            if key != "regions":
                self.layer.problem(
                    loc,
                    _("the crisis {key} cannot be changed: {keep_crisis}").format(
                        key=repr(key), keep_crisis=_(KEEP_CRISIS)
                    ),
                )
        regions = patch.items.get("regions")
        shipped = base.items.get("regions") if isinstance(base, Map) else None
        if regions is None or not isinstance(base, Map) or not isinstance(shipped, Seq):
            return base
        if not isinstance(regions, Seq):
            self.layer.problem(
                regions.loc,
                _("the shipped crisis lines cannot be removed or replaced: {keep_crisis}").format(
                    keep_crisis=_(KEEP_CRISIS)
                ),
            )
            return base
        out = list(shipped.items)
        index = {rid: n for n, item in enumerate(out) if (rid := entry_id(item))}
        for item in regions.items:
            rid = entry_id(item)
            if not isinstance(item, Map) or rid not in index:
                known = ", ".join(index)
                self.layer.problem(
                    item.loc,
                    _("no shipped region {rid}{suggestion}; lines can be added to: {known}").format(
                        rid=repr(rid), suggestion=did_you_mean(rid, index), known=known
                    ),
                )
                continue
            out[index[rid]] = self.region(out[index[rid]], item)
        return Map({**base.items, "regions": Seq(tuple(out), shipped.loc)}, base.keys, base.loc)

    def region(self, base: Node, patch: Map) -> Node:
        """The layer's lines for this region are kept aside: kb/clinic.py adds them after the shipped ones,
        labelled as the clinic's, once the shipped lines are built (and translated, in another language)."""
        for key, loc in patch.keys.items():
            if key not in ("id", "lines"):
                self.layer.problem(
                    loc,
                    _("a region's {key} cannot be changed: {keep_crisis}").format(
                        key=repr(key), keep_crisis=_(KEEP_CRISIS)
                    ),
                )
        lines = patch.items.get("lines")
        if lines is None or not isinstance(base, Map):
            return base
        if not isinstance(lines, Seq):
            self.layer.problem(
                lines.loc,
                _("the shipped crisis lines cannot be removed or replaced: {keep_crisis}").format(
                    keep_crisis=_(KEEP_CRISIS)
                ),
            )
            return base
        self.layer.lines.setdefault(entry_id(base), []).extend(lines.items)
        for line in lines.items:
            self.layer.change("line", "crisis", entry_id(base), self.text(line, "name"), line.loc)
        return base

    @staticmethod
    def text(node: Node, key: str) -> str:
        value = node.items.get(key) if isinstance(node, Map) else None
        return str(value.value) if isinstance(value, Scalar) and value.value is not None else ""
