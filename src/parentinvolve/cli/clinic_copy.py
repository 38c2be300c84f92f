"""`clinic override ID`: a shipped entry's own YAML text (comments and all) copied into a clinic's layer."""

from __future__ import annotations

from pathlib import Path

from parentinvolve.errors import UsageError
from parentinvolve.i18n import _

FILES = {"therapy": "therapies", "moment": "moments", "topic": "topics"}
HEADER = "# {file}.yaml in a clinic's layer: each entry changes the shipped entry with the same id (or adds one).\n"


def copy_entry(content: Path | None, clinic: Path, wanted: str) -> tuple[Path, int]:
    """Append the shipped entry to the layer's file, stamped with its fingerprint: the file and the entry's line."""
    from parentinvolve import kb
    from parentinvolve.kb.overlay import BASED_ON, entry_id, fingerprint
    from parentinvolve.kb.reader import Seq, parse_yaml

    root = content or kb.shipped()
    base = kb.load(root)
    entry = base.find(wanted)
    if entry is None or entry.kind not in FILES:
        raise UsageError(
            _("No shipped therapy, moment or topic called {name}; see `parentinvolve topics`.").format(
                name=repr(wanted)
            )
        )
    file = FILES[entry.kind]
    source = root / f"{file}.yaml"
    text = source.read_text(encoding="utf-8")
    node, _problems = parse_yaml(text, str(source))
    assert isinstance(node, Seq)  # it just loaded without a problem
    items = node.items
    at = next(n for n, item in enumerate(items) if entry_id(item) == entry.id)
    lines = text.splitlines()
    start = items[at].loc.line - 1
    end = items[at + 1].loc.line - 1 if at + 1 < len(items) else len(lines)
    block = lines[start:end]
    while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
        block.pop()  # blank lines and the next section's comments are not part of this entry
    indent = " " * (items[at].loc.col - 1)
    stamp = f"{indent}{BASED_ON}: {fingerprint(items[at])}  # the shipped text this copy started from; leave as is"
    block.insert(1, stamp)

    target = clinic / f"{file}.yaml"
    if not clinic.is_dir():
        raise UsageError(
            _("{folder} is not a folder; start one with `parentinvolve clinic init {folder}`.").format(folder=clinic)
        )
    before = target.read_text(encoding="utf-8") if target.exists() else HEADER.format(file=file)
    if any(line.strip() and not line.lstrip().startswith("#") for line in before.splitlines()):
        have, problems = parse_yaml(before, str(target))
        if problems or not isinstance(have, Seq):
            raise UsageError(
                _("{file} is not a list of entries; fix it first (`parentinvolve validate --clinic`).").format(
                    file=target
                )
            )
        for item in have.items:
            if entry_id(item) == entry.id:
                raise UsageError(
                    _("{id} is already in {place}; edit it there.").format(
                        id=entry.id, place=f"{target}:{item.loc.line}"
                    )
                )
    after = before.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    target.write_text(after, encoding="utf-8")
    return target, after[: after.rindex("\n".join(block))].count("\n") + 1
