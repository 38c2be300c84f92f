"""Read YAML (and JSON) text into plain values that remember where they came from.

Only PyYAML's safe C parser is used, and only to *compose* nodes: no tag is ever constructed, so
`!!python/...` tags cannot run anything. Duplicate keys, aliases (which make "billion laughs" bombs),
unknown tags and non-UTF-8 bytes are reported as located problems instead of being accepted silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from parentinvolve.errors import Problem

if TYPE_CHECKING:
    import yaml

Y = "tag:yaml.org,2002:"
_SCALAR_TAGS = {Y + "str", Y + "int", Y + "float", Y + "bool", Y + "null"}
_TAG_NAMES = {
    Y + "str": "text",
    Y + "int": "a whole number",
    Y + "float": "a decimal number",
    Y + "bool": "yes/no (true/false)",
    Y + "null": "nothing (empty)",
    Y + "timestamp": "a date",
}


@dataclass(frozen=True)
class Loc:
    path: str
    line: int
    col: int

    def problem(self, message: str) -> Problem:
        return Problem(self.path, self.line, self.col, message)


@dataclass(frozen=True)
class Scalar:
    """A scalar with its YAML type kept: `kind` is str, int, float, bool or null."""

    value: str | int | float | bool | None
    kind: str
    raw: str
    loc: Loc

    def describe(self) -> str:
        return _TAG_NAMES.get(Y + self.kind, self.kind)


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]
    loc: Loc


@dataclass(frozen=True)
class Map:
    """A mapping whose keys are strings; `keys` keeps each key's own location."""

    items: dict[str, Node]
    keys: dict[str, Loc]
    loc: Loc


Node = Union[Scalar, Seq, Map]


def kind_of(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping (key: value pairs)"
    if isinstance(node, Seq):
        return "a list"
    return node.describe()


def read_text(path: Path, shown: str, *, max_bytes: int) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 (a BOM is accepted), refusing what is too big or not text."""
    here = Loc(shown, 1, 1)
    try:
        size = path.stat().st_size
        if path.is_dir():
            return None, [here.problem("this is a folder, not a file")]
        if size > max_bytes:
            return None, [here.problem(f"the file is too big ({size:,} bytes; the limit is {max_bytes:,})")]
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [here.problem("no such file")]
    except OSError as exc:
        return None, [here.problem(f"cannot be read ({exc.strerror or exc})")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Loc(shown, line, col).problem("this is not UTF-8 text; save the file as UTF-8")]


def parse_yaml(text: str, shown: str) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document and convert it; every problem is located."""
    import yaml  # imported here: a warm `explain` never needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        return None, [Problem(shown, line, col, f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, 1, 1, f"invalid YAML: {exc}")]
    if root is None:
        return None, [Problem(shown, 1, 1, "the file is empty")]
    problems: list[Problem] = []
    try:
        return _convert(root, shown, problems, set()), problems
    except RecursionError:
        return None, [Problem(shown, 1, 1, "the file is nested too deeply to read")]


def _loc(node: yaml.Node, shown: str) -> Loc:
    return Loc(shown, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: yaml.Node, shown: str, problems: list[Problem], seen: set[int]) -> Node | None:
    import yaml

    loc = _loc(node, shown)
    if id(node) in seen:
        problems.append(loc.problem("anchors and aliases (&name, *name) are not allowed; write the value out"))
        return None
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, loc, problems)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != Y + "seq":
            problems.append(loc.problem(f"unsupported tag {node.tag!r}"))
            return None
        converted = [_convert(child, shown, problems, seen) for child in node.value]
        return Seq(tuple(i for i in converted if i is not None), loc)
    if isinstance(node, yaml.MappingNode):
        if node.tag != Y + "map":
            problems.append(loc.problem(f"unsupported tag {node.tag!r}"))
            return None
        items: dict[str, Node] = {}
        keys: dict[str, Loc] = {}
        for key_node, value_node in node.value:
            key_loc = _loc(key_node, shown)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == Y + "merge":
                problems.append(key_loc.problem("keys must be plain names (no lists, mappings or `<<` merges)"))
                continue
            key = key_node.value
            if key in keys:
                first = keys[key]
                problems.append(key_loc.problem(f"duplicate key {key!r} (first at line {first.line}); keep only one"))
                problems.append(first.problem(f"duplicate key {key!r} (again at line {key_loc.line})"))
                continue
            value = _convert(value_node, shown, problems, seen)
            keys[key] = key_loc
            if value is not None:
                items[key] = value
        return Map(items, keys, loc)
    problems.append(loc.problem("unsupported YAML node"))  # pragma: no cover
    return None


def _scalar(node: yaml.ScalarNode, loc: Loc, problems: list[Problem]) -> Scalar | None:
    tag, raw = node.tag, node.value
    if tag not in _SCALAR_TAGS:
        if tag == Y + "timestamp":
            return Scalar(raw, "timestamp", raw, loc)
        problems.append(loc.problem(f"unsupported tag {tag!r}; tags are not allowed"))
        return None
    kind = tag[len(Y) :]
    if kind == "str":
        return Scalar(raw, "str", raw, loc)
    if kind == "null":
        return Scalar(None, "null", raw, loc)
    if kind == "bool":
        return Scalar(raw.lower() in ("true", "yes", "on", "y"), "bool", raw, loc)
    text = raw.replace("_", "")
    try:
        if kind == "int":
            return Scalar(int(text, 0) if text.lower().startswith(("0x", "0o", "0b")) else int(text), kind, raw, loc)
        return Scalar(float(text), kind, raw, loc)
    except ValueError:
        return Scalar(raw, "str", raw, loc)


def parse_json(text: str, shown: str) -> tuple[Node | None, list[Problem]]:
    """Parse JSON with the standard library, then locate values via the YAML composer."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(shown, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")]
    except RecursionError:
        return None, [Problem(shown, 1, 1, "invalid JSON: nested too deeply")]
    return parse_yaml(text, shown)
