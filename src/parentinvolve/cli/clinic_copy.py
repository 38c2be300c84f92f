"""`clinic override ID`: a shipped entry's own YAML text (comments and all) copied into a clinic's layer.

The layer's file is read, changed and written back under a lock on the folder (runs at the same time take
turns), and written whole or not at all (a temporary file, flushed, then renamed: `replace_file`), never
through a link."""

from __future__ import annotations

from pathlib import Path

from parentinvolve.cli.terminal import shown
from parentinvolve.errors import UsageError
from parentinvolve.i18n import N_, _

FILES = {"therapy": "therapies", "moment": "moments", "topic": "topics"}
# The comments written into the layer's file, in the run's language (YAML comments: the file reads the same).
HEADER = N_("{file}.yaml in a clinic's layer: each entry changes the shipped entry with the same id (or adds one).")
STAMP = N_("the shipped text this copy started from; leave as is")


def copy_entry(content: Path | None, clinic: Path, wanted: str, field: str | None = None) -> tuple[Path, int]:
    """Append the shipped entry (or only its `field`) to the layer's file, stamped with its fingerprint: the file
    and the entry's line."""
    from parentinvolve import kb
    from parentinvolve.cli.private_files import folder_locked, replace_file
    from parentinvolve.kb.overlay import BASED_ON, entry_id, fingerprint
    from parentinvolve.kb.reader import Seq, parse_yaml
    from parentinvolve.model import CRISIS

    root = content or kb.shipped()
    base = kb.load(root)
    entry = base.find(wanted)
    if entry is not None and entry.id == CRISIS:
        raise UsageError(
            _(
                "Crisis help cannot be copied into a clinic's layer: it is part of the locked safety set, the same "
                "for every clinic. Add your own after-hours line in clinic.yaml (after_hours) instead."
            )
        )
    if entry is None or entry.kind not in FILES:
        raise UsageError(
            _("No shipped therapy, moment or topic called {name}; see `parentinvolve topics`.").format(
                name=shown(wanted) if wanted.strip() else repr(wanted)
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
    stamp = f"{indent}{BASED_ON}: {fingerprint(items[at])}  # {_(STAMP)}"
    block.insert(1, stamp)
    if field is not None:
        block = _only(items[at], block, start, field, entry.id)

    target = clinic / f"{file}.yaml"
    if clinic.is_symlink():
        raise UsageError(
            _("{folder} is a symbolic link; give the clinic's folder itself, so nothing is written elsewhere.").format(
                folder=shown(clinic)
            )
        )
    if not clinic.is_dir():
        raise UsageError(
            _("{folder} is not a folder; start one with `parentinvolve clinic init {folder}`.").format(
                folder=shown(clinic)
            )
        )
    with folder_locked(clinic):  # read, add and write back while no other run can
        before = _read(target) if target.exists() or target.is_symlink() else f"# {_(HEADER).format(file=file)}\n"
        if any(line.strip() and not line.lstrip().startswith("#") for line in before.splitlines()):
            have, problems = parse_yaml(before, str(target))
            if problems or not isinstance(have, Seq):
                raise UsageError(
                    _("{path} is not a list of entries; fix it first (`parentinvolve validate --clinic`).").format(
                        path=shown(target)
                    )
                )
            for item in have.items:
                if entry_id(item) == entry.id:
                    raise UsageError(
                        _("{id} is already in {where}; edit it there.").format(
                            id=entry.id, where=f"{shown(target)}:{item.loc.line}"
                        )
                    )
        after = before.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
        replace_file(target, after)
    return target, after[: after.rindex("\n".join(block))].count("\n") + 1


def _only(item: object, block: list[str], start: int, field: str, eid: str) -> list[str]:
    """The copy cut down to its id, its stamp and one field (the rest keeps following the shipped content)."""
    from parentinvolve.kb.reader import Map

    assert isinstance(item, Map)  # an entry is a mapping: it just loaded
    fields = [k for k in item.keys if k not in ("id",)]
    if field not in item.keys or field == "id":
        from parentinvolve.text.didyoumean import did_you_mean

        raise UsageError(
            _("{id} has no field {field}{suggestion}; its fields: {fields}.").format(
                id=eid, field=repr(field), suggestion=did_you_mean(field, fields), fields=", ".join(fields)
            )
        )
    lines = sorted(loc.line for loc in item.keys.values())
    first = item.keys[field].line
    after = [n for n in lines if n > first]
    # block[0] is the entry's first line, block[1] the stamp; the entry's line n is block[n - start] from then on
    offset = start + 1
    body = block[first - offset + 1 : (after[0] - offset + 1) if after else len(block)]
    while body and (not body[-1].strip() or body[-1].lstrip().startswith("#")):
        body.pop()
    indent = " " * (item.loc.col - 1)
    return [f"{indent[:-2]}- id: {eid}", block[1], *body]


def _read(path: Path) -> str:
    """The layer's file as it is now: a regular file only (never read or written through a link)."""
    import os
    import stat

    from parentinvolve.cli.private_files import what_it_is
    from parentinvolve.errors import OutputError

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as exc:
        mode = os.lstat(path).st_mode if os.path.lexists(path) else 0
        if mode and not stat.S_ISREG(mode):
            raise UsageError(
                _("{name} is {what}, not a regular file; it was left untouched.").format(
                    name=shown(path), what=what_it_is(mode)
                )
            ) from None
        reason = (exc.strerror or str(exc)).lower()
        raise OutputError(_("Cannot read {path} ({reason}).").format(path=shown(path), reason=reason)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise UsageError(
                _("{name} is {what}, not a regular file; it was left untouched.").format(
                    name=shown(path), what=what_it_is(os.fstat(fh.fileno()).st_mode)
                )
            )
        data = fh.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(
            _("{path} is not UTF-8 text; fix it first (`parentinvolve validate --clinic`).").format(path=shown(path))
        ) from None
