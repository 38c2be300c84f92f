"""Reading an answers file and writing files the user asked for: safely, atomically, owner-only."""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import AnswersError, OutputError, Problem, UsageError
from parentinvolve.yamlsrc import Map, Node, Seq, kind_of, parse_json, parse_yaml, read_text

MAX_ANSWERS_BYTES = 1024 * 1024


def read_answers(path: Path) -> dict[str, Any]:
    """The mapping in a YAML or JSON answers file; AnswersError (exit 2) saying what is wrong where."""
    shown = str(path)
    text, problems = read_text(path, shown, max_bytes=MAX_ANSWERS_BYTES)
    node = None
    if text is not None:
        node, problems = _parse(text, shown, path.suffix.lower())
    if problems:
        raise AnswersError([str(p) for p in problems[:5]], source="answers file")
    assert node is not None
    if not isinstance(node, Map):
        raise AnswersError(
            [f"{shown}: should be a mapping like `child_age: 7`, one answer per line, not {kind_of(node)}"],
            source="answers file",
        )
    return {key: _plain(value) for key, value in node.items.items()}


def _parse(text: str, shown: str, suffix: str) -> tuple[Node | None, list[Problem]]:
    """JSON for a .json file; YAML otherwise, except that JSON YAML cannot read (tab indents) is accepted
    from a file that looks like JSON, and a `{...}` YAML flow mapping in a .yaml file stays YAML."""
    if suffix == ".json":
        return parse_json(text, shown)
    if not text.lstrip().startswith("{"):
        from parentinvolve.flatyaml import parse_flat

        flat = parse_flat(text, shown)  # the common case, without importing PyYAML
        return (flat, []) if flat is not None else parse_yaml(text, shown)
    node, problems = parse_json(text, shown)
    if not problems:
        return node, problems
    yaml_node, yaml_problems = parse_yaml(text, shown)
    if not yaml_problems or suffix in (".yaml", ".yml"):
        return yaml_node, yaml_problems
    return node, problems


def _plain(node: Node) -> Any:
    if isinstance(node, Map):
        return {k: _plain(v) for k, v in node.items.items()}
    if isinstance(node, Seq):
        return [_plain(v) for v in node.items]
    return node.raw if node.kind == "timestamp" else node.value


def answers_text(answers: Mapping[str, AnswerValue], path: Path) -> str:
    """Answers in the format `--answers` reads: JSON for a .json file, YAML otherwise."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
    if path.suffix.lower() == ".json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    name = "".join(c if c.isprintable() else "?" for c in path.name)  # one comment line, always encodable
    lines = ["# parentinvolve answers. Replay with: parentinvolve ask --answers " + name]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items()]
    return "\n".join(lines) + "\n"


def check_target(path: Path, *, force: bool, what: str) -> None:
    """Refuse early (before any question is asked) a target we would not be able to write."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file name.")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder (it is a file), so {path} cannot be made; choose another name.")
    if not folder.is_dir():
        raise UsageError(f"The folder {folder} does not exist; create it first or choose another {what} file.")
    if path.exists() and not force:
        raise UsageError(
            f"{path} already exists; it was left untouched. Use --force to replace it, or choose another name."
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(f"Cannot write in {folder} (permission denied); choose another folder.")


def _link_no_clobber(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile: never clobber
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():  # a file system without hard links: check, then move
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def write_private(path: Path, text: str, *, force: bool) -> None:
    """Write `text` to `path` readable by its owner only (0600), all or nothing.

    The text goes to a temporary file in the same folder first, then takes the final name in one step,
    so a full disk or a crash never leaves a partial file, and an existing file is never clobbered
    unless `force` is given.
    """
    folder = path.parent if str(path.parent) else Path(".")
    import tempfile

    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
        tmp = ""
    except FileExistsError:
        raise UsageError(f"{path} already exists; it was left untouched. Use --force to replace it.") from None
    except OSError as exc:
        reason = "no space left on the disk" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc)).lower()
        raise OutputError(f"Could not write {path}: {reason}. Nothing was written.") from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
