"""Reading the translation files of a language (`i18n/<lang>/<file>.yaml`, see the package's docstring): each
entry checked against the English it translates, located problems for `validate`, and the entries of the locked
safety set that have no up-to-date translation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parentinvolve.errors import Problem
from parentinvolve.i18n import _
from parentinvolve.kb import lock
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq, parse_yaml, read_text
from parentinvolve.kb.translations.source import FILES, Texts, english, fingerprint
from parentinvolve.model import KnowledgeBase
from parentinvolve.text.didyoumean import did_you_mean

HASH = "source_hash"
TODO = "TODO"  # a source_hash starting with it: written by `skeleton`, not translated yet
MAX_BYTES = 32 * 1024 * 1024
_DIGITS = re.compile(r"\d+")


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
            # so as a warning (status.py); its shape is checked once it is brought up to date.
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
