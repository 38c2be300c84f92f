"""Answers files: reading one (`--answers`, YAML or JSON) and writing one (`--save`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import AnswersError, Problem
from parentinvolve.i18n import N_, _
from parentinvolve.kb.reader import Map, Node, Scalar, kind_of, parse_json, parse_yaml, read_text, to_plain

MAX_ANSWERS_BYTES = 1024 * 1024
MAX_ANSWERS_NODES = 10_000  # an answers file holds a handful of answers; this many values is another file
MAX_ANSWERS_KEYS = 200


# YAML 1.1 reads these unquoted words as yes/no or nothing, which is rarely what a parent meant (`region: NO`).
SOURCE = N_("answers file")
_SURPRISES = ("bool", "null")
_PLAIN_LITERALS = {"true", "false", "null", "~", ""}


def read_answers(path: Path, notes: dict[str, str] | None = None) -> dict[str, Any]:
    """The mapping in a YAML or JSON answers file; AnswersError (exit 2) saying what is wrong where.

    `notes` gets, for each answer YAML read as yes/no or nothing from a word like `NO` or `off`, a hint to
    add to any problem with it: "put it in quotes"."""
    shown = str(path)
    text, problems = read_text(path, shown, max_bytes=MAX_ANSWERS_BYTES)
    node = None
    if text is not None:
        node, problems = _parse(text, shown, path.suffix.lower())
    if problems:
        raise AnswersError([str(p) for p in problems[:5]], source=_(SOURCE))
    assert node is not None
    if not isinstance(node, Map):
        raise AnswersError(
            [
                _("{file}: should be a mapping like `child_age: 7`, one answer per line, not {what}").format(
                    file=shown, what=kind_of(node)
                )
            ],
            source=_(SOURCE),
        )
    if len(node.items) > MAX_ANSWERS_KEYS:
        raise AnswersError(
            [
                _("{file}: holds {count} answers; an answers file has one line per question (a handful)").format(
                    file=shown, count=f"{len(node.items):,}"
                )
            ],
            source=_(SOURCE),
        )
    found = {
        key: _('; YAML reads `{raw}` as {what}: put it in quotes, like {key}: "{raw}"').format(
            raw=value.raw, what=value.describe(), key=key
        )
        for key, value in node.items.items()
        if isinstance(value, Scalar) and value.kind in _SURPRISES and value.raw.lower() not in _PLAIN_LITERALS
    }
    if notes is not None:
        notes.update(found)
    return {key: to_plain(value) for key, value in node.items.items()}


def _parse(text: str, shown: str, suffix: str) -> tuple[Node | None, list[Problem]]:
    """JSON for a .json file; YAML otherwise, except that JSON YAML cannot read (tab indents) is accepted
    from a file that looks like JSON, and a `{...}` YAML flow mapping in a .yaml file stays YAML."""
    if suffix == ".json":
        return parse_json(text, shown)
    if not text.lstrip().startswith("{"):
        return parse_yaml(text, shown, max_nodes=MAX_ANSWERS_NODES)
    node, problems = parse_json(text, shown)
    if not problems:
        return node, problems
    yaml_node, yaml_problems = parse_yaml(text, shown, max_nodes=MAX_ANSWERS_NODES)
    if not yaml_problems or suffix in (".yaml", ".yml"):
        return yaml_node, yaml_problems
    return node, problems


def answers_text(answers: Mapping[str, AnswerValue], path: Path) -> str:
    """Answers in the format `--answers` reads: JSON for a .json file, YAML otherwise."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
    if path.suffix.lower() == ".json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    name = "".join(c if c.isprintable() else "?" for c in path.name)  # one comment line, always encodable
    lines = ["# parentinvolve answers. Replay with: parentinvolve ask --answers " + name]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    return "\n".join(lines) + "\n"
