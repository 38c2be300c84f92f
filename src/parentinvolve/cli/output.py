"""Choosing the output format and width, and writing a document to stdout."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from parentinvolve.cli.terminal import clean_stdout
from parentinvolve.errors import UsageError

if TYPE_CHECKING:
    from parentinvolve.render.doc import Doc

SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".json": "json"}


def pick_format(fmt: Optional[str], allowed: tuple[str, ...], *, plain_text: bool = False) -> str:
    """The format to write: the one asked for; else rich on a terminal, plain text elsewhere. `text` (plain
    words only, `render.plain`) with `--plain-text` (for plain or rich) and on a `TERM=dumb` terminal, the
    terminal of many screen readers and of editors' shells; NO_COLOR only takes the colours away."""
    if plain_text and (fmt is None or fmt.strip().lower() in ("plain", "rich")):
        return "text"
    if fmt is None:
        if not sys.stdout.isatty():
            return "plain"
        if os.environ.get("TERM") == "dumb":
            return "text"
        return "plain" if "NO_COLOR" in os.environ else "rich"
    fmt = fmt.strip().lower()
    if fmt not in allowed:
        from parentinvolve.i18n import _
        from parentinvolve.text.didyoumean import did_you_mean

        raise UsageError(
            _("Unknown format {name}{suggestion}. Choose one of: {formats}.").format(
                name=repr(fmt), suggestion=did_you_mean(fmt, allowed), formats=", ".join(allowed)
            )
        )
    return fmt


def sane_terminal_size() -> None:
    """COLUMNS or LINES outside a sane range (`COLUMNS=0`, `COLUMNS=1000000000`) are ignored, as if unset:
    the terminal's own size, else the default, is used instead (by us and by rich, which reads them too)."""
    for name, low, high in (("COLUMNS", 20, 1000), ("LINES", 1, 10000)):
        value = os.environ.get(name)
        if value is None:
            continue
        text = value.strip()
        number = int(text) if text.isdigit() and text.isascii() and len(text) <= 6 else -1
        if not low <= number <= high:
            del os.environ[name]


def width() -> int:
    import shutil

    from parentinvolve.cli.terminal import sane_width

    return min(sane_width(shutil.get_terminal_size((80, 24)).columns), 100)


def emit(fmt: str, *, doc: Callable[[], Doc], data: Callable[[], object]) -> None:
    """Write to stdout in `fmt`: JSON from `data()`, any other format from the document `doc()`."""
    from parentinvolve.render import write

    write(fmt, clean_stdout(keep_colour=fmt == "rich"), width(), doc=doc, data=data)


def rows() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).lines


def _pager_command() -> list[str] | None:
    """The user's pager (`PAGER`), else `less -R`; None when paging is off (`PAGER=cat` or empty) or when
    there is no pager to use (no `PAGER`, on a terminal that `less` cannot drive)."""
    import shlex

    chosen = os.environ.get("PAGER")
    if chosen is not None and chosen.strip() in ("", "cat"):
        return None
    if not chosen and os.environ.get("TERM", "dumb") == "dumb":  # less cannot drive it; don't try
        return None
    try:
        command = shlex.split(chosen) if chosen else ["less", "-R"]
    except ValueError:
        command = ["less", "-R"]
    if os.path.basename(command[0]) == "less" and not _own_prompt(os.environ.get("LESS", "")):
        command.append(less_prompt())
    return command


def _own_prompt(options: str) -> bool:
    """Whether the user's LESS variable sets a prompt of its own (-P..., --prompt=...), which we keep."""
    return any(word.startswith(("-P", "--prompt")) or word.startswith("P") for word in options.split())


def less_prompt() -> str:
    """`less`'s short prompt saying how to leave (its own is a bare `:`): "Space for more, b to go back, q to
    quit", and at the end "End of the plan. q to quit". Other pagers keep their own prompts (`more` shows
    "--More--"). Our words are escaped, as every special character of a less prompt is (`? : . % \\`)."""
    from parentinvolve.i18n import _

    def literal(words: str) -> str:
        return "".join("\\" + ch if ch in "?:.%\\" else ch for ch in words)

    more = _("Space for more, b to go back, q to quit")
    end = _("End of the plan. q to quit")
    return f"-Ps?e{literal(end)}:{literal(more)}."


def show(text: str, *, pager: bool = True, colour: bool = False) -> bool:
    """Write `text` to stdout, cleaned (keeping rich's colours with `colour`): through the pager when stdout
    is a terminal and the text is taller than it (as git does: `less` gets LESS=FRX unless the user set
    LESS, and LESSCHARSET=utf-8 unless set). Whether the pager was used."""
    from parentinvolve.cli.terminal import clean

    text = clean(text, keep_colour=colour)
    command = _pager_command() if pager and sys.stdout.isatty() else None
    if command is None or text.count("\n") < rows() - 1:
        sys.stdout.write(text)
        return False
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    encoding = (sys.stdout.encoding or "utf-8").lower().replace("-", "").replace("_", "")
    if encoding == "utf8":  # what we send: without it, `less` on a machine without the locale shows <C3><AD>
        env.setdefault("LESSCHARSET", "utf-8")
    sys.stdout.flush()
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: print directly rather than fail
        sys.stdout.write(text)
        return False
    assert proc.stdin is not None
    import contextlib

    with contextlib.suppress(BrokenPipeError):  # the reader quit the pager before the end: that is fine
        try:
            proc.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        finally:
            proc.stdin.close()
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager while it runs
            continue
    return True


def save_name(folder: str, stem: str, suffix: str) -> str:
    """A file name in `folder` that does not exist yet: stem.suffix, else stem-2.suffix, stem-3.suffix, ..."""
    candidate = os.path.join(folder, stem + suffix)
    n = 2
    while os.path.lexists(candidate):
        candidate = os.path.join(folder, f"{stem}-{n}{suffix}")
        n += 1
    return candidate
