"""Typed reading of located YAML values: every wrong shape becomes a located, plain-words problem."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from parentinvolve.errors import Problem
from parentinvolve.i18n import _
from parentinvolve.kb.reader import Loc, Map, Node, Scalar, Seq, kind_of
from parentinvolve.text.didyoumean import did_you_mean

ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# Terminal escape sequences (CSI, OSC, other ESC) and control characters are stripped from all text,
# so content can never move the cursor, clear the screen or plant a hidden link.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


MAX_WHOLE_NUMBER = 1_000_000_000  # ages, priorities: anything bigger is a typo (or `0xffff...`)


def clean(text: str) -> str:
    return _ESCAPES.sub("", text)


def _colon_hint(node: Node) -> str:
    """A mapping where text was expected: most often a sentence with `: ` in it, which YAML reads as a field."""
    if isinstance(node, Map) and len(node.items) == 1:
        return _("; a colon followed by a space makes YAML read the sentence as a field: put the sentence in quotes")
    return ""


def _quote_hint(node: Scalar) -> str:
    if node.kind in ("bool", "null", "int", "float", "timestamp"):
        return _("; YAML reads `{raw}` as {kind}: put it in quotes").format(raw=node.raw, kind=node.describe())
    return ""


class Reader:
    """Collects problems while reading; each method returns a safe fallback after a problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, loc: Loc, message: str) -> None:
        self.problems.append(loc.problem(message))

    def fields(
        self,
        node: Node,
        what: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
        meant: Mapping[str, str] | None = None,
    ) -> dict[str, Node]:
        """The fields of a mapping; reports a non-mapping, unknown fields and missing required ones. With
        `meant` (what people write for a field: `phone` for `contacts`), an unknown field is answered with the
        field meant, and the list of every field."""
        if not isinstance(node, Map):
            self.error(
                node.loc, _("{what} should be a mapping of fields, not {kind}").format(what=what, kind=kind_of(node))
            )
            return {}
        required, allowed = list(required), [*required, *optional]
        for key, loc in node.keys.items():
            if key not in allowed:
                guess = meant.get(key.lower().replace("-", "_").replace(" ", "_")) if meant is not None else None
                suggestion = _(" (did you mean: {field}?)").format(field=guess) if guess else did_you_mean(key, allowed)
                if meant is not None:
                    suggestion += _("; the fields are: {fields}").format(fields=", ".join(allowed))
                self.error(
                    loc,
                    _("unknown field {key} in {what}{suggestion}").format(
                        key=repr(key), what=what, suggestion=suggestion
                    ),
                )
        for key in required:
            if key not in node.keys:
                self.error(node.loc, _("{what} is missing the field {key}").format(what=what, key=repr(key)))
        return {k: v for k, v in node.items.items() if k in allowed}

    def items(self, node: Node | None, what: str) -> tuple[Node, ...]:
        if node is None:
            return ()
        if not isinstance(node, Seq):
            self.error(
                node.loc,
                _("{what} should be a list (lines starting with `- `), not {kind}").format(
                    what=what, kind=kind_of(node)
                ),
            )
            return ()
        return node.items

    def text(self, node: Node | None, what: str) -> str:
        if node is None:
            return ""
        if not isinstance(node, Scalar) or node.kind != "str":
            hint = _quote_hint(node) if isinstance(node, Scalar) else _colon_hint(node)
            self.error(
                node.loc, _("{what} should be text, not {kind}{hint}").format(what=what, kind=kind_of(node), hint=hint)
            )
            return ""
        value = clean(str(node.value)).strip()
        if not value:
            self.error(node.loc, _("{what} is empty").format(what=what))
        return value

    def paragraphs(self, node: Node | None, what: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, Seq):
            self.error(
                node.loc,
                _("{what} should be a list of paragraphs (lines starting with `- `), not {kind}").format(
                    what=what, kind=kind_of(node)
                ),
            )
            return ()
        if not node.items:
            self.error(node.loc, _("{what} is an empty list").format(what=what))
        return tuple(t for t in (self.text(item, what) for item in node.items) if t)

    def ident(self, node: Node | None, what: str) -> str:
        value = self.text(node, what)
        if value and not ID.match(value):
            assert node is not None
            self.error(
                node.loc,
                _("{what} {value} should be lower-case words joined by hyphens, like `tf-cbt`").format(
                    what=what, value=repr(value)
                ),
            )
            return ""
        return value

    def idents(self, node: Node | None, what: str) -> tuple[tuple[str, Loc], ...]:
        if node is None:
            return ()
        if not isinstance(node, Seq):
            self.error(
                node.loc,
                _("{what} should be a list of ids, like [a, b], not {kind}").format(what=what, kind=kind_of(node)),
            )
            return ()
        out = []
        for item in node.items:
            value = self.ident(item, what)
            if value:
                out.append((value, item.loc))
        return tuple(out)

    def integer(self, node: Node | None, what: str) -> int | None:
        if node is None:
            return None
        if not isinstance(node, Scalar) or node.kind != "int" or isinstance(node.value, bool):
            self.error(node.loc, _("{what} should be a whole number, not {kind}").format(what=what, kind=kind_of(node)))
            return None
        assert isinstance(node.value, int)
        if abs(node.value) > MAX_WHOLE_NUMBER:
            self.error(
                node.loc,
                _("{what} {raw} is too big; give a whole number up to {max_whole_number:,}").format(
                    what=what, raw=node.raw, max_whole_number=MAX_WHOLE_NUMBER
                ),
            )
            return None
        return node.value

    def flag(self, node: Node | None, what: str) -> bool:
        """`true` or `false` (absent: false)."""
        if node is None:
            return False
        if not isinstance(node, Scalar) or node.kind != "bool":
            self.error(node.loc, f"{what} should be true or false, not {kind_of(node)}")
            return False
        return node.value is True

    def refs(self, pairs: Iterable[tuple[str, Loc]], known: Iterable[str], what: str) -> tuple[str, ...]:
        """Check that each id names something that exists; suggest the closest on a typo."""
        known = list(known)
        out = []
        for value, loc in pairs:
            if value in known:
                out.append(value)
            else:
                self.error(
                    loc,
                    _("unknown {what} {value}{suggestion}").format(
                        what=what, value=repr(value), suggestion=did_you_mean(value, known)
                    ),
                )
        return tuple(out)
