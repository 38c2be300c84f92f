"""Everything written to the terminal goes through here, cleaned at the moment it is written.

Two kinds of text reach the screen:
- documents (plans, topics): their text comes from content files (or the cache). `strip` removes control
  characters, escape sequences (except the colour codes our own rich renderer adds, when asked),
  bidirectional controls and zero-width characters, so no text can move the cursor, clear the screen, plant
  a hidden link or make `911` display as another number;
- messages (errors, "Wrote your plan to ..."): they name files and topics the user typed. `visible` shows
  what cannot be printed as an escape (`\\x1b`, `\\u202e`), and `shown` quotes an odd file name.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO, cast

# Bidirectional controls (which reorder what is shown) and zero-width characters (which hide in text).
INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_ESCAPE = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
_STRIP = re.compile(f"{_ESCAPE}|[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")
# In rich output, keep only the colour and style codes (SGR) rich itself writes.
_STRIP_KEEP_SGR = re.compile(rf"(\x1b\[[0-9;]*m)|{_ESCAPE}|[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{INVISIBLE}\ud800-\udfff]")


def strip(text: str) -> str:
    """Document text made safe for a terminal: escapes, controls and invisible characters removed."""
    return _STRIP.sub("", text)


def _strip_keep_sgr(text: str) -> str:
    return _STRIP_KEEP_SGR.sub(lambda m: m.group(1) or "", text)


def visible(text: str) -> str:
    """A message with what cannot be shown made visible: `\\x1b`, `\\n`, `\\u202e`."""

    def show(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(show, text)


_PLAIN_NAME = re.compile(r"[\w./~+,@%=:-]+")


def shown(path: object) -> str:
    """A file name as it can be shown in a message: as it is when ordinary, else quoted with escapes."""
    name = str(path)
    if name and _PLAIN_NAME.fullmatch(name) and name.isprintable():
        return name
    return repr(name)  # quotes, and escapes what cannot be printed (`\\x1b`, `\\n`, `\\u202e`)


def clean(text: str, *, keep_colour: bool = False) -> str:
    """Document text made safe for a terminal (keeping rich's own colour codes with `keep_colour`)."""
    return _strip_keep_sgr(text) if keep_colour else strip(text)


def write(text: str) -> None:
    """Write document text to stdout, cleaned."""
    sys.stdout.write(strip(text))


class CleanStream:
    """A stdout whose writes are cleaned; for rich, its own colour codes are kept."""

    def __init__(self, stream: TextIO, *, keep_colour: bool) -> None:
        self._stream = stream
        self._clean = _strip_keep_sgr if keep_colour else strip

    def write(self, text: str) -> int:
        return self._stream.write(self._clean(text))

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, flush, encoding: rich asks for them
        return getattr(self._stream, name)


def clean_stdout(*, keep_colour: bool = False) -> TextIO:
    """sys.stdout, wrapped so that everything written is cleaned (keeping rich's colours if asked)."""
    return cast(TextIO, CleanStream(sys.stdout, keep_colour=keep_colour))  # a TextIO in all that rich uses


def sane_width(value: int, default: int = 80) -> int:
    """A terminal width we can lay text out in: anything outside 20-1000 columns means `default`."""
    return value if 20 <= value <= 1000 else default
