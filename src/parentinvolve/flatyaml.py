"""A fast path for the answers files people write and `--save` writes: flat `key: value` lines.

Reading such a file with PyYAML costs more than the whole rest of `ask --answers` (its import alone is
~12 ms). This reads only a strict subset whose meaning is the same in YAML 1.1 — plain lower-risk words,
whole numbers without leading zeros, quoted text without escapes, and flow lists of those — and returns
None for anything else, which then goes to PyYAML as before (with its full checks and located errors).
A property test checks that this subset always reads exactly as PyYAML reads it.
"""

from __future__ import annotations

import re

from parentinvolve.yamlsrc import Loc, Map, Node, Scalar, Seq

_SCALAR = r"""-?(?:0|[1-9][0-9]{0,17})|[A-Za-z][A-Za-z0-9-]*|"[ !#-\[\]-~]*"|'[ -&(-~]*'"""
_ITEM = re.compile(rf"\s*({_SCALAR})\s*")
# A comment needs a space before its `#`: in YAML, `pcit#x` is all one word.
_LINE = re.compile(rf"([a-z][a-z0-9_]*):[ \t]+(\[[^\]\[]*\]|{_SCALAR})(?:[ \t]+(?:#[ -~\t]*)?)?")
_BLANK = re.compile(r"[ \t]*(?:#[ -~\t]*)?")
# Plain words YAML 1.1 reads as something other than text: leave those to PyYAML.
_SPECIAL = {
    *[
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    ],
    *["null", "Null", "NULL"],
}


def parse_flat(text: str, shown: str) -> Node | None:
    """The mapping in `text` if every line is in the flat subset; otherwise None."""
    if not text.isascii():
        return None
    items: dict[str, Node] = {}
    keys: dict[str, Loc] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if _BLANK.fullmatch(line):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key, raw = match.group(1), match.group(2)
        if key in keys:
            return None  # PyYAML reports duplicates with both lines
        loc = Loc(shown, number, 1)
        value_loc = Loc(shown, number, match.start(2) + 1)
        value = _list(raw, value_loc) if raw.startswith("[") else _scalar(raw, value_loc)
        if value is None:
            return None
        items[key], keys[key] = value, loc
    if not items:
        return None
    return Map(items, keys, Loc(shown, 1, 1))


def _list(raw: str, loc: Loc) -> Seq | None:
    inner = raw[1:-1]
    if not inner.strip():
        return Seq((), loc)
    out = []
    for part in inner.split(","):
        match = _ITEM.fullmatch(part)
        if match is None:
            return None
        scalar = _scalar(match.group(1), loc)
        if scalar is None:
            return None
        out.append(scalar)
    return Seq(tuple(out), loc)


def _scalar(raw: str, loc: Loc) -> Scalar | None:
    if raw[0] in "\"'":
        return Scalar(raw[1:-1], "str", raw[1:-1], loc)
    if raw[0] == "-" or raw[0].isdigit():
        return Scalar(int(raw), "int", raw, loc)
    if raw in _SPECIAL:
        return None
    return Scalar(raw, "str", raw, loc)
