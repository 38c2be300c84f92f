"""Read YAML (and JSON) text into plain values that remember where they came from.

Only PyYAML's safe C parser is used, and only to *compose* nodes: no tag is ever constructed, so
`!!python/...` tags cannot run anything. Duplicate keys, aliases (which make "billion laughs" bombs),
unknown tags, control characters, deep nesting and non-UTF-8 bytes are reported as located problems
instead of being accepted silently. Every function here returns problems; none raises on bad input.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from parentinvolve.errors import Problem
from parentinvolve.i18n import ENGLISH, N_, _, current
from parentinvolve.kb.textfiles import read_text as read_text

if TYPE_CHECKING:
    import yaml

Y = "tag:yaml.org,2002:"
_SCALAR_TAGS = {Y + "str", Y + "int", Y + "float", Y + "bool", Y + "null"}
_STR, _MERGE = Y + "str", Y + "merge"
_COLLECTION_TAGS = (Y + "seq", Y + "map")
_TAG_NAMES = {
    Y + "str": N_("text"),
    Y + "int": N_("a whole number"),
    Y + "float": N_("a decimal number"),
    Y + "bool": N_("yes/no (true/false)"),
    Y + "null": N_("nothing (empty)"),
    Y + "timestamp": N_("a date"),
}
# The parsers' own words for the usual mistakes (PyYAML's `context` and `problem`, the json module's `msg`), so a
# translation can give them; anything else is shown as the parser says it.
PARSER_WORDS = {
    "while parsing a flow sequence": N_("in a list written [a, b]"),
    "while parsing a flow mapping": N_("in a mapping written {a: b}"),
    "while parsing a block mapping": N_("in a mapping (key: value lines)"),
    "while parsing a block collection": N_("in a list (lines starting with `- `)"),
    "while scanning a quoted scalar": N_("in a quoted text"),
    "while scanning a simple key": N_("in a key"),
    "while scanning for the next token": N_("while reading"),
    "did not find expected ',' or ']'": N_("a ',' or a ']' was expected"),
    "did not find expected ',' or '}'": N_("a ',' or a '}' was expected"),
    "did not find expected key": N_("a key was expected"),
    "did not find expected '-' indicator": N_("a '- ' was expected"),
    "could not find expected ':'": N_("a ':' was expected"),
    "mapping values are not allowed here": N_("a ': ' is not allowed here (put the text in quotes)"),
    "mapping values are not allowed in this context": N_("a ': ' is not allowed here (put the text in quotes)"),
    "found unexpected end of stream": N_("the file ended too soon"),
    "found character that cannot start any token": N_("found a character that cannot start a value (a tab?)"),
    "Expecting value": N_("a value was expected"),
    "Expecting property name enclosed in double quotes": N_("a key in double quotes was expected"),
    "Expecting ':' delimiter": N_("a ':' was expected"),
    "Expecting ',' delimiter": N_("a ',' was expected"),
    "Unterminated string starting at": N_("a text in quotes is not closed"),
    "Extra data": N_("there is more after the end of the data"),
    "Invalid control character at": N_("a control character is not allowed in a text"),
}


def parser_words(text: str) -> str:
    """A parser's own phrase in the current language, when it is one we know."""
    found = PARSER_WORDS.get(text) if current() != ENGLISH else None  # English: as the parser says it
    return _(found) if found else text


MAX_DEPTH = 64  # content nests a few levels; deeper is a mistake or an attack on the parser
# What YAML does not allow in a file (PyYAML's own rule): control characters, surrogates, U+FFFE/U+FFFF.
# The characters YAML does not allow, as a positive class: it compiles ~8x faster than the negated form.
_NOT_YAML = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff"
# Bidirectional controls and zero-width characters: allowed by YAML, refused by us (see cli/terminal.py).
_INVISIBLE_CHARS = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_NOT_ALLOWED = re.compile(f"[{_NOT_YAML}{_INVISIBLE_CHARS}]")
MAX_NODES = 1_000_000  # parser events in one file: far more than content needs, far less than a memory bomb


# The nodes are NamedTuples: immutable, cheap to make by the thousand (a content file has thousands of
# values) and to define (reading an answers file is on the start-up path of `ask`).


class Loc(NamedTuple):
    path: str
    line: int
    col: int

    def problem(self, message: str) -> Problem:
        return Problem(self.path, self.line, self.col, message)


class Scalar(NamedTuple):
    """A scalar with its YAML type kept: `kind` is str, int, float, bool or null."""

    value: str | int | float | bool | None
    kind: str
    raw: str
    loc: Loc

    def describe(self) -> str:
        return _(_TAG_NAMES.get(Y + self.kind, self.kind))


class Seq(NamedTuple):
    items: tuple[Node, ...]
    loc: Loc


class Map(NamedTuple):
    """A mapping whose keys are strings; `keys` keeps each key's own location."""

    items: dict[str, Node]
    keys: dict[str, Loc]
    loc: Loc


Node = Union[Scalar, Seq, Map]


def kind_of(node: Node) -> str:
    if isinstance(node, Map):
        return _("a mapping (key: value pairs)")
    if isinstance(node, Seq):
        return _("a list")
    return node.describe()


def _control_characters(text: str, shown: str, limit: int = 5) -> tuple[str, list[Problem]]:
    """Report characters YAML forbids, and invisible ones (bidirectional controls, zero-width characters,
    which can make `911` display as another number), the first few lines that have one; blank them out, so
    the rest of the file still parses and no escape sequence ever reaches a terminal."""
    problems: list[Problem] = []
    line, pos, last_line = 1, 0, 0
    for match in _NOT_ALLOWED.finditer(text):
        line += text.count("\n", pos, match.start())
        pos = match.start()
        if line != last_line:
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            code = ord(match.group())
            what = (
                _("the invisible character {code} (it can change how text reads) is not allowed; remove it").format(
                    code=f"U+{code:04X}"
                )
                if _INVISIBLE.match(match.group())
                else _("the character {code} is not allowed in YAML text; remove it").format(code=f"U+{code:04X}")
            )
            problems.append(Problem(shown, line, col, what))
            last_line = line
            if len(problems) >= limit:
                break
    return (_NOT_ALLOWED.sub(" ", text) if problems else text), problems


def parse_yaml(text: str, shown: str, *, max_nodes: int = 0) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document and convert it; every problem is located (line and column from 1)."""
    import yaml  # imported here: a warm `explain` never needs it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text, problems = _control_characters(text, shown)
    limit = max_nodes or MAX_NODES
    if _too_many_nodes(text, loader, limit):
        message = _("the file holds more than {limit} values; split it, or check that it is the right file").format(
            limit=f"{limit:,}"
        )
        return None, [*problems, Problem(shown, 1, 1, message)]
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = parser_words(exc.context or "")
        if context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            context += _(" started at line {line},").format(line=exc.context_mark.line + 1)
        what = " ".join(x for x in (context, parser_words(exc.problem or "")) if x) or _("invalid YAML")
        what += _yaml_hint(text, line, exc.problem or "")
        return None, [*problems, Problem(shown, line, col, _("invalid YAML: {reason}").format(reason=what))]
    except yaml.reader.ReaderError as exc:  # pragma: no cover - control characters are blanked out above
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, [*problems, Problem(shown, line, col, _("invalid YAML: {reason}").format(reason=exc.reason))]
    except yaml.YAMLError as exc:  # pragma: no cover - the C parser raises the marked errors above
        return None, [
            *problems,
            Problem(shown, 1, 1, _("invalid YAML: {reason}").format(reason=" ".join(str(exc).split()))),
        ]
    if root is None:
        return None, [*problems, Problem(shown, 1, 1, _("the file is empty"))]
    conv = _Converter(shown, problems)
    return conv.node(root, 1), conv.problems


def _yaml_hint(text: str, line: int, problem: str) -> str:
    """Plain words for the two usual hand-editing slips: a line that starts with a stray space (after
    uncommenting a line, say), and a sentence with `: ` in it, which YAML reads as a field."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    before = [ln for ln in lines[: line - 1] if ln.strip() and not ln.lstrip().startswith("#")]
    if here[:1] == " " and before and before[-1][:1] not in (" ", "-") and not before[-1].rstrip().endswith(":"):
        return _("; line {line} starts with a space: a field starts at the very beginning of its line").format(
            line=line
        )
    if problem.startswith("mapping values are not allowed"):
        return _("; if this is a sentence with a colon in it, put the whole sentence in quotes")
    return ""


def _too_many_nodes(text: str, loader: type[yaml.SafeLoader], limit: int) -> bool:
    """Whether the file would compose into more than `limit` nodes (which takes gigabytes, not megabytes).

    Each value needs a comma, a dash, a colon, a bracket or a line of its own, so counting those characters
    (fast) bounds the count: a real content file is cleared at once, a bomb of millions of `[1,1,1,...]` is
    refused at once, and only a file in between has its parser events counted (nothing is built)."""
    bound = sum(text.count(c) for c in ",-:[{?\n")
    if bound <= limit // 2:
        return False
    if bound > 4 * limit:
        return True
    parser: Any = loader(text)
    get_event = parser.get_event
    try:
        count = 0
        while get_event() is not None:
            count += 1
            if count > limit:
                return True
    except Exception:
        return False
    finally:
        parser.dispose()
    return False


class _Converter:
    """Turns composed YAML nodes into our nodes, collecting problems."""

    def __init__(self, shown: str, problems: list[Problem]) -> None:
        import yaml

        self.shown = shown
        self.problems = problems
        self.seen: set[int] = set()
        self.alias_reported = False
        self.deep_reported = False
        self.scalar_node, self.sequence_node = yaml.ScalarNode, yaml.SequenceNode

    def node(self, node: yaml.Node, depth: int) -> Node | None:
        mark = node.start_mark
        loc = Loc(self.shown, mark.line + 1, mark.column + 1)
        # The composer hands back the very same node for `*name` as for `&name`: a node seen twice is an
        # alias. Reported once per file, and never followed, so an alias bomb costs nothing.
        if id(node) in self.seen:
            if not self.alias_reported:
                self.alias_reported = True
                self.problems.append(
                    loc.problem(_("anchors and aliases (&name, *name) are not allowed; write the value out"))
                )
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            if not self.deep_reported:
                self.deep_reported = True
                self.problems.append(
                    loc.problem(_("nested more than {depth} levels deep; flatten it").format(depth=MAX_DEPTH))
                )
            return None
        if isinstance(node, self.scalar_node):
            return _scalar(node, loc, self.problems)
        if node.tag not in _COLLECTION_TAGS:
            self.problems.append(loc.problem(_tag_problem(node.tag)))
            return None
        if isinstance(node, self.sequence_node):
            converted = [self.node(child, depth + 1) for child in node.value]
            return Seq(tuple([i for i in converted if i is not None]), loc)
        items: dict[str, Node] = {}
        keys: dict[str, Loc] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            key_loc = Loc(self.shown, mark.line + 1, mark.column + 1)
            if not isinstance(key_node, self.scalar_node) or key_node.tag == _MERGE:
                self.problems.append(key_loc.problem(_("keys must be plain names (no lists, mappings or `<<` merges)")))
                continue
            key = key_node.value
            if key in keys:
                first = keys[key]
                self.problems.append(
                    key_loc.problem(
                        _("duplicate key {key} (first at line {line}); keep only one").format(
                            key=repr(key), line=first.line
                        )
                    )
                )
                self.problems.append(
                    first.problem(
                        _("duplicate key {key} (again at line {line})").format(key=repr(key), line=key_loc.line)
                    )
                )
                continue
            value = self.node(value_node, depth + 1)
            keys[key] = key_loc
            if value is not None:
                items[key] = value
        return Map(items, keys, loc)


def _tag_problem(tag: str) -> str:
    return _("unsupported tag {tag}; tags (`!!...`, `!...`) are not allowed: remove it").format(tag=repr(tag))


def _scalar(node: yaml.ScalarNode, loc: Loc, problems: list[Problem]) -> Scalar | None:
    tag, raw = node.tag, node.value
    if tag == _STR:  # most values are text
        return Scalar(raw, "str", raw, loc)
    if tag not in _SCALAR_TAGS:
        if tag == Y + "timestamp":
            return Scalar(raw, "timestamp", raw, loc)
        problems.append(loc.problem(_tag_problem(tag)))
        return None
    kind = tag[len(Y) :]
    if kind == "null":
        return Scalar(None, "null", raw, loc)
    if kind == "bool":
        return Scalar(raw.lower() in ("true", "yes", "on", "y"), "bool", raw, loc)
    text = raw.replace("_", "")
    if len(text) > MAX_NUMBER_CHARACTERS:
        problems.append(
            loc.problem(_("this number is too long (over {limit} characters)").format(limit=MAX_NUMBER_CHARACTERS))
        )
        return None
    try:
        if kind == "int":
            return Scalar(_yaml_int(text), kind, raw, loc)
        return Scalar(float(text), kind, raw, loc)
    except ValueError:
        return Scalar(raw, "str", raw, loc)


MAX_NUMBER_CHARACTERS = 40


def _yaml_int(text: str) -> int:
    """A YAML 1.1 whole number, as PyYAML's resolver tagged it: `-0x10`, `0b101`, `017` (octal), `1:30`."""
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").lower()
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    if digits.startswith("0b"):
        return sign * int(digits[2:], 2)
    if ":" in digits:
        value = 0
        for part in digits.split(":"):
            value = value * 60 + int(part)
        return sign * value
    if len(digits) > 1 and digits.startswith("0"):
        return sign * int(digits, 8)
    return sign * int(digits)


def parse_json(text: str, shown: str) -> tuple[Node | None, list[Problem]]:
    """Parse JSON with the standard library; values keep their YAML-composed locations when YAML agrees.

    JSON is read by JSON's rules: where YAML would read the same text differently (`1e5`, `"\\/"`), the
    values come from the JSON parser instead, located at the start of the file.
    """
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        return None, [
            Problem(shown, exc.lineno, exc.colno, _("invalid JSON: {reason}").format(reason=parser_words(exc.msg)))
        ]
    except _DuplicateKey as exc:
        _node, problems = parse_yaml(text, shown)  # YAML locates the duplicates, when it can read the file
        return None, problems or [
            Problem(shown, 1, 1, _("duplicate key {key}; keep only one").format(key=repr(exc.key)))
        ]
    except RecursionError:
        return None, [Problem(shown, 1, 1, _("invalid JSON: nested too deeply"))]
    except ValueError:  # a number with thousands of digits
        return None, [Problem(shown, 1, 1, _("invalid JSON: a number has too many digits"))]
    # Valid JSON is read by JSON's rules alone (answers need no locations): PyYAML is never imported here.
    return _from_json(value, Loc(shown, 1, 1), 1)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _from_json(value: object, loc: Loc, depth: int) -> tuple[Node | None, list[Problem]]:
    if depth > MAX_DEPTH:
        return None, [loc.problem(_("nested more than {depth} levels deep; flatten it").format(depth=MAX_DEPTH))]
    if isinstance(value, dict):
        items: dict[str, Node] = {}
        for key, item in value.items():
            node, problems = _from_json(item, loc, depth + 1)
            if problems:
                return None, problems
            if node is not None:
                items[key] = node
        return Map(items, dict.fromkeys(items, loc), loc), []
    if isinstance(value, list):
        nodes: list[Node] = []
        for item in value:
            node, problems = _from_json(item, loc, depth + 1)
            if problems:
                return None, problems
            if node is not None:
                nodes.append(node)
        return Seq(tuple(nodes), loc), []
    if value is None:
        return Scalar(None, "null", "null", loc), []
    if isinstance(value, bool):
        return Scalar(value, "bool", json.dumps(value), loc), []
    if isinstance(value, int):
        return Scalar(value, "int", str(value), loc), []
    if isinstance(value, float):
        return Scalar(value, "float", repr(value), loc), []
    return Scalar(str(value), "str", str(value), loc), []


def to_plain(node: Node) -> object:
    """The plain Python value of a node (dicts, lists, scalars); dates stay text."""
    if isinstance(node, Map):
        return {k: to_plain(v) for k, v in node.items.items()}
    if isinstance(node, Seq):
        return [to_plain(v) for v in node.items]
    return node.raw if node.kind == "timestamp" else node.value
