"""What every builder of the knowledge base shares: the parsed files, the Reader, and the cross-reference checks."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from pathlib import Path

from parentinvolve.errors import Problem
from parentinvolve.i18n import _
from parentinvolve.kb.fields import Reader
from parentinvolve.kb.reader import Loc, Node, Scalar, Seq
from parentinvolve.model import Source


def _loose(text: str) -> str:
    """An id with case and everything but letters and digits ignored: `Every Session` ~ `every-session`."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


class Context:
    """One content folder being built: its parsed files, the Reader that collects every problem, and what the
    builders note for each other (malformed ids, where choices and names are written, files that are broken)."""

    def __init__(self, root: Path, docs: dict[str, Node | None], today: datetime.date | None = None) -> None:
        self.root = root
        self.docs = docs
        self.today = today or datetime.date.today()
        self.reader = Reader()
        self.warnings: list[Problem] = []  # reported by `validate`, which still passes
        self.band_locs: dict[str, Loc] = {}  # therapy id -> where its attendance bands are written
        self.ages_locs: dict[str, Loc] = {}  # therapy id -> where its typical ages are written
        self.bad_ids: dict[str, set[str]] = {}  # file -> loose keys of entry ids that are malformed
        self.choice_locs: dict[tuple[str, str], Loc] = {}  # (question id, choice id) -> where the id is written
        self.name_locs: list[tuple[str, str, Loc]] = []  # (entry id, id|name|alias, where it is written)
        self.region_locs: list[tuple[str, str, Loc]] = []  # (source id, region id, where it is written)
        self.excludes_locs: dict[str, list[tuple[str, Loc]]] = {}  # rule or "attendance:<id>" -> its excludes
        # Files that could not be read (or are not a list): their problem is already reported, so
        # references into them are not checked (one syntax error must not bring dozens of "unknown ...").
        self.broken = {
            name for name, node in docs.items() if node is None or (name != "crisis" and not isinstance(node, Seq))
        }

    def own_id(self, node: Node | None, what: str, file: str) -> str:
        """The id of an entry of `file`; a malformed one is remembered so references to it are not reported too."""
        value = self.reader.ident(node, what)
        if not value and isinstance(node, Scalar) and node.kind == "str":
            self.bad_ids.setdefault(file, set()).add(_loose(str(node.value)))
        return value

    def missing(self, value: str, known: Iterable[str], file: str) -> bool:
        """Whether `value` names nothing in `file`, and that is a new problem: not a file that could not be
        read, nor an entry whose own id is malformed (`Every Session` for `every-session`), both reported."""
        if not value or value in known or file in self.broken:
            return False
        return _loose(value) not in self.bad_ids.get(file, set())

    def refs(self, pairs: Iterable[tuple[str, Loc]], known: Iterable[str], what: str, file: str) -> tuple[str, ...]:
        known = list(known)
        return self.reader.refs(
            ((v, loc) for v, loc in pairs if v in known or self.missing(v, known, file)), known, what
        )

    def entries(self, name: str) -> tuple[Node, ...]:
        node = self.docs.get(name)
        return self.reader.items(node, f"{name}.yaml") if node is not None else ()

    def unique(self, pairs: Iterable[tuple[str, Loc]], what: str, note: str = "") -> None:
        seen: dict[str, Loc] = {}
        for value, loc in pairs:
            if not value:
                continue
            if value in seen:
                first = seen[value]
                self.reader.error(
                    loc,
                    _("duplicate {what} {value} (also at {path}:{line}){note}").format(
                        what=what, value=repr(value), path=first.path, line=first.line, note=note
                    ),
                )
            else:
                seen[value] = loc

    def source_refs(self, fields: dict[str, Node], what: str, sources: dict[str, Source]) -> tuple[str, ...]:
        node = fields.get("sources")
        pairs = self.reader.idents(node, f"{what} sources")
        if isinstance(node, Seq) and not node.items:
            self.reader.error(node.loc, _("{what} needs at least one source id").format(what=what))
        return self.refs(pairs, sources, _("source"), "sources")
