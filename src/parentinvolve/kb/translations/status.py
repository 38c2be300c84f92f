"""Translations' coverage and staleness, for `validate` and for translators (`tools/i18n.py`): which entries of
a language are missing or out of date, each located as `file:line`, and a skeleton file to translate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parentinvolve.errors import Problem
from parentinvolve.i18n import _
from parentinvolve.kb import lock
from parentinvolve.kb.reader import Loc, Map, Node, Seq, parse_yaml, read_text
from parentinvolve.kb.translations.files import HASH, MAX_BYTES, TODO, read, text_of
from parentinvolve.kb.translations.source import CRISIS, FILES, english, fingerprint
from parentinvolve.model import KnowledgeBase

# --- coverage and staleness, for `validate` ---------------------------------------------------------------------------


@dataclass
class Report:
    lang: str
    total: int = 0
    translated: int = 0
    stale: int = 0
    warnings: list[str] = field(default_factory=list)  # `path:line:col: message`, missing and stale entries
    # The same for entries a clinic's layer added or changed: its own words to translate (warnings even with
    # --strict, which is about the shipped translations).
    layer_warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # malformed translation files (errors)

    def summary(self) -> str:
        return _("{lang}: {translated}/{total} entries, {stale} stale").format(
            lang=self.lang, translated=self.translated, total=self.total, stale=self.stale
        )


def languages(folders: Iterable[Path]) -> list[str]:
    """The languages that have a folder of translations in any of `folders`."""
    found = {p.name for folder in folders if folder.is_dir() for p in folder.iterdir() if p.is_dir()}
    return sorted(found)


def reports(kb: KnowledgeBase, root: Path, folders: Sequence[Path], langs: Sequence[str] | None = None) -> list[Report]:
    """Per language: how many English entries have a translation, which are stale or missing (file:line)."""
    where = _english_locations(root)
    changes = kb.clinic.changes if kb.clinic is not None else ()
    touched = {(c.file, c.id): c.where for c in changes if c.what in ("added", "changed", "removed")}
    locked = lock.locked_entries(kb)
    out = []
    for lang in langs or languages(folders):
        files = read(kb, lang, folders)
        report = Report(lang, problems=files.problems)
        for file in FILES:
            source = english(kb, file)
            got = files.entries.get(file, {})
            for entry_id, texts in source.items():
                report.total += 1
                eloc = where.get((file, entry_id), Loc(str(root / f"{file}.yaml"), 1, 1))
                t = got.get(entry_id)
                if lock.translation_locked(locked, file, entry_id) and (
                    t is None or t.source_hash != fingerprint(texts)
                ):
                    at = t.loc if t is not None and not t.source_hash.startswith(TODO) else eloc
                    report.problems.append(at.problem(lock.untranslated(lang, entry_id, stale=at is not eloc)))
                    report.total -= 1  # counted with the errors, not the coverage
                    continue
                warnings = report.layer_warnings if (file, entry_id) in touched else report.warnings
                if (
                    (file, entry_id) in touched
                    and kb.clinic is not None
                    and (t is None or t.source_hash != fingerprint(texts))
                ):
                    # The clinic's own change: named where the clinic made it, never as a shipped file's problem.
                    warnings.append(
                        _(
                            "{where}: {lang}: your layer changes {entry_id}, so {lang} plans show your English words for it until you add them to {file}"
                        ).format(
                            where=touched[(file, entry_id)],
                            lang=lang,
                            entry_id=repr(entry_id),
                            file=Path(kb.clinic.folder) / "i18n" / lang / f"{file}.yaml",
                        )
                    )
                    report.translated += t is not None
                    continue
                if t is None or t.source_hash.startswith(TODO):
                    warnings.append(
                        str(
                            eloc.problem(
                                _("{lang}: {entry_id} has no translation (English is shown)").format(
                                    lang=lang, entry_id=repr(entry_id)
                                )
                            )
                        )
                    )
                    continue
                report.translated += 1
                if t.source_hash != fingerprint(texts):
                    report.stale += 1
                    warnings.append(
                        str(
                            t.loc.problem(
                                _(
                                    "{lang}: {entry_id} is stale: its English text changed ({path}:{line}); English is shown until the translation is updated and its source_hash set (tools/i18n.py skeleton)"
                                ).format(lang=lang, entry_id=repr(entry_id), path=eloc.path, line=eloc.line)
                            )
                        )
                    )
        out.append(report)
    return out


def _english_locations(root: Path) -> dict[tuple[str, str], Loc]:
    """Where each English entry starts, for warnings that name it."""
    out: dict[tuple[str, str], Loc] = {}
    for file in FILES:
        path = root / f"{file}.yaml"
        text, _ = read_text(path, str(path), max_bytes=MAX_BYTES)
        node, _ = parse_yaml(text, str(path)) if text is not None else (None, [])
        if file == "crisis" and isinstance(node, Map):
            out[(file, CRISIS)] = node.loc
            out[("topics", CRISIS)] = node.loc  # `explain crisis` is made from crisis.yaml
            regions = node.items.get("regions")
            items: tuple[Node, ...] = regions.items if isinstance(regions, Seq) else ()
        else:
            items = node.items if isinstance(node, Seq) else ()
        for item in items:
            if isinstance(item, Map) and (entry_id := text_of(item.items.get("id"))):
                out.setdefault((file, entry_id), item.loc)
    return out


# --- a skeleton for translators ---------------------------------------------------------------------------------------


def skeleton(kb: KnowledgeBase, file: str, existing: Path) -> str:
    """`existing` (a translation file, if any) as YAML with every missing or stale entry added or refreshed:
    the English text to translate and the fingerprint it must record. Up-to-date entries are kept as they are."""
    import yaml

    source = english(kb, file)
    kept: dict[str, Any] = {}
    if existing.is_file():
        for item in yaml.safe_load(existing.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and item.get("id") in source:
                kept[item["id"]] = item
    out = []
    todo = 0
    for entry_id, texts in source.items():
        item = kept.get(entry_id)
        if item is None or item.get(HASH) != fingerprint(texts):
            todo += 1
            item = {"id": entry_id, HASH: f"{TODO} {fingerprint(texts)}", **_plain(texts)}
        out.append(item)
    header = (
        f"# {file}.yaml, being translated: {todo} entries hold the English text to translate. Translate an entry's\n"
        f"# text, then remove `{TODO} ` from its source_hash. Keep ids, keys and every number as they are.\n"
    )
    return header + yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=110)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
