"""`ask --answers FILE... --output-dir DIR`: one plan per family, from several answers files or a CSV.

A CSV has one row a family and the question ids as columns (`concerns` lists its choices separated by `;`);
a `name` column, when there is one, names each family's file, else the row number does. Every family is
planned and written on its own: a row with a problem is reported (by its row, or its file) and the others go
on. Each file is written whole (a temporary file, then renamed, as `--output` writes), so an interrupted run
leaves whole plans only; the folder is synced once at the end instead of once per file.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parentinvolve.errors import AnswersError, ParentInvolveError, UsageError
from parentinvolve.i18n import _, ngettext
from parentinvolve.model import KnowledgeBase

NAME_COLUMNS = ("name", "family", "id")
MAX_CSV_BYTES = 64 * 1024 * 1024
SUFFIXES = {"html": ".html", "markdown": ".md", "json": ".json", "plain": ".txt", "rich": ".txt"}


class Family:
    """One family's answers, where they came from (for messages), and its file's name (without suffix)."""

    def __init__(self, where: str, name: str, raw: dict[str, Any] | None, problem: str = "") -> None:
        self.where, self.name, self.raw, self.problem = where, name, raw, problem


def families(kb: KnowledgeBase, files: list[Path]) -> Iterator[Family]:
    """Every family in the files, in order: each answers file is one, each CSV row is one."""
    from parentinvolve.cli.answers_file import read_answers
    from parentinvolve.cli.terminal import shown

    for path in files:
        if path.suffix.lower() == ".csv":
            yield from _rows(kb, path)
            continue
        try:
            yield Family(shown(path), path.stem, read_answers(path))
        except ParentInvolveError as exc:
            yield Family(shown(path), path.stem, None, exc.message)


def _rows(kb: KnowledgeBase, path: Path) -> Iterator[Family]:
    from parentinvolve.cli.terminal import shown

    where = shown(path)
    try:
        data = path.read_bytes()
        if len(data) > MAX_CSV_BYTES:
            raise UsageError(_("{path}: the file is too big").format(path=where))
        text = data.decode("utf-8-sig")
    except OSError as exc:
        from parentinvolve.kb.textfiles import os_reason

        raise UsageError(_("{path}: {reason}").format(path=where, reason=os_reason(exc))) from None
    except UnicodeDecodeError:
        raise UsageError(_("{path}: this is not UTF-8 text; save it as UTF-8").format(path=where)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    questions = {q.id: q for q in kb.questions}
    columns = [c.strip() for c in reader.fieldnames or []]
    name_column = next((c for c in columns if c.lower() in NAME_COLUMNS), None)
    unknown = [c for c in columns if c and c not in questions and c != name_column]
    if unknown:
        from parentinvolve.text.didyoumean import did_you_mean

        first = unknown[0]
        raise UsageError(
            _("{path}: the column {column} is not a question id{suggestion}; the columns are: {ids}, and name").format(
                path=where,
                column=repr(first),
                suggestion=did_you_mean(first, list(questions)),
                ids=", ".join(questions),
            )
        )
    for n, row in enumerate(reader, 2):  # row 1 is the header, as a spreadsheet numbers it
        here = _("{path}, row {row}").format(path=where, row=n)
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        if not any(cells.values()):
            continue  # a blank line
        raw: dict[str, Any] = {}
        for key, value in cells.items():
            q = questions.get(key)
            if q is None or not value:
                continue
            if q.kind == "multi":
                raw[key] = [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
            elif q.kind == "integer" and re.fullmatch(r"-?\d+", value):
                raw[key] = int(value)
            else:
                raw[key] = value
        label = cells.get(name_column or "", "")
        yield Family(here, label or f"row-{n}", raw)


def safe_name(name: str, taken: set[str]) -> str:
    """A file name from a family's name: letters, digits, `-`, `_` and `.` only; never twice in one run."""
    base = re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip(".-")[:80] or "family"
    out, n = base, 2
    while out.lower() in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out.lower())
    return out


def run(kb: KnowledgeBase, files: list[Path], out: Path, fmt: str, *, why: bool, force: bool) -> None:
    """Plan and write every family; one line per problem on stderr, a progress bar on a terminal, a summary."""
    from parentinvolve.answers import normalise
    from parentinvolve.cli.ask import render
    from parentinvolve.cli.errors import say
    from parentinvolve.cli.private_files import sync_folder, write_private
    from parentinvolve.cli.terminal import shown
    from parentinvolve.engine import plan

    if not out.exists() and not out.is_symlink() and out.parent.is_dir():
        try:  # a new folder for the plans, readable by its owner only, as the plans themselves are
            out.mkdir(mode=0o700)
        except OSError as exc:
            from parentinvolve.kb.textfiles import os_reason

            raise UsageError(
                _("Could not make the folder {folder}: {reason}.").format(folder=shown(out), reason=os_reason(exc))
            ) from exc
    if not out.is_dir():
        raise UsageError(_("The folder {folder} does not exist; create it first.").format(folder=shown(out)))
    every = list(families(kb, files))
    bar = Progress(len(every)) if sys.stderr.isatty() else None
    taken: set[str] = set()
    written, failed, safety = 0, 0, 0
    for family in every:
        try:
            if family.raw is None:
                raise UsageError(family.problem)
            answers = normalise(kb, family.raw, source=family.where)
            result = plan(kb, answers)
            text = render(kb, result, fmt, why, to_terminal=False)
            write_private(out / (safe_name(family.name, taken) + SUFFIXES[fmt]), text, force=force, sync=False)
            written += 1
            safety += result.safety is not None
        except AnswersError as exc:
            failed += 1
            _report(bar, "; ".join(exc.problems), family.where)
        except UsageError as exc:
            failed += 1
            _report(bar, exc.message, family.where)
        if bar is not None:
            bar.step()
    if bar is not None:
        bar.done()
    sync_folder(out)
    plans = ngettext("Wrote {count} plan to {folder}", "Wrote {count} plans to {folder}", written).format(
        count=written, folder=shown(out)
    )
    extra = []
    if safety:
        extra.append(
            ngettext(
                "{count} of them starts with crisis lines", "{count} of them start with crisis lines", safety
            ).format(count=safety)
        )
    if failed:
        extra.append(
            ngettext("{count} family had a problem (above)", "{count} families had a problem (above)", failed).format(
                count=failed
            )
        )
    line = plans + ("; " + "; ".join(extra) if extra else "") + "."
    if failed:
        raise UsageError(line)
    say(line)


def _report(bar: Progress | None, message: str, where: str) -> None:
    from parentinvolve.cli.errors import say

    if bar is not None:
        bar.clear()
    text = message if message.startswith(where) else f"{where}: {message}"
    say(text)


class Progress:
    """A one-line progress bar on stderr (a terminal only), redrawn at most a hundred times."""

    def __init__(self, total: int) -> None:
        self.total, self.count, self.shown = total, 0, -1

    def step(self) -> None:
        self.count += 1
        part = self.count * 100 // max(self.total, 1)
        if part != self.shown:
            self.shown = part
            filled = part * 30 // 100
            label = _("Writing plans")
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {self.count}/{self.total}")
            sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        self.shown = -1

    def done(self) -> None:
        self.clear()
        sys.stderr.flush()
