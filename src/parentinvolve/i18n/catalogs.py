"""The interface catalogs (`locale/<lang>/LC_MESSAGES/parentinvolve.po`) read, written and compiled with Babel.

Babel is needed to build and to develop, never to run: the build hook (`hatch_build.py`, which loads this file
by path) compiles every `.po` into the wheel or beside it in an editable install; `tools/i18n.py` extracts and
compiles; and a development install whose `.po` is newer than its `.mo` compiles it in memory. A user's run
reads the `.mo` as built (`parentinvolve.i18n.catalog`) and never imports this module. So it imports nothing
but the standard library and Babel (an import-linter contract keeps Babel here).

One gap in Babel is bridged here: its writer leaves a backspace as it is, and Click's `\\b` (a paragraph kept
unwrapped in `--help`) puts one in several messages; we write it as the C escape `\\b`, as `msgfmt` and Babel
(2.19 and later) read it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog as Catalog  # (tools/i18n.py names it too)
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

Id = str | tuple[str, ...]  # a message, or a plural's singular and plural
_FIXED_DATE = datetime(1980, 1, 1, tzinfo=timezone.utc)  # as a wheel's files are dated
_UNWRAPPED = 1 << 30  # Babel's line width (0 still wraps comments at 76)


class CatalogError(ValueError):
    """A `.po` file Babel cannot read; the message names the file and the line."""


def read(text: str, name: str = "<po>") -> Catalog:
    """The catalog in a `.po` file's text."""
    try:
        return read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as exc:
        reason = str(exc).rsplit(" on ", 1)[0]
        raise CatalogError(f"{name}:{exc.lineno + 1}: {reason}") from None


def compiled(catalog: Catalog) -> bytes:
    """The catalog as a GNU `.mo` file, as `gettext.GNUTranslations` reads it: fuzzy and untranslated messages
    are left out, as `msgfmt` does. Its header's dates are fixed, so a `.po` always compiles to the same bytes
    (reproducible builds); gettext reads only the charset and plural forms there."""
    catalog.creation_date = catalog.revision_date = _FIXED_DATE
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compile_file(po: Path) -> bytes:
    """A `.po` file compiled to the bytes of its `.mo`."""
    return compiled(read(po.read_text(encoding="utf-8"), str(po)))


def template(messages: Iterable[tuple[Id, list[tuple[str, int]]]]) -> Catalog:
    """A catalog of untranslated messages, in the order given, each with where it is used."""
    catalog = Catalog(fuzzy=False)
    for message, where in messages:
        catalog.add(message, locations=where)
    return catalog


def merged(catalog: Catalog, new: Catalog) -> Catalog:
    """`catalog` brought up to `new`'s messages, in their order: translations kept, messages that are gone
    dropped, no guessing from similar messages (a translation is never carried to a message it was not made
    for)."""
    catalog.update(new, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    return catalog


def text(catalog: Catalog, header: str) -> str:
    """The catalog as a `.po` file: `header` (its comment and the "" entry, as we keep them), then every message,
    its lines broken only after a newline and where it is used on one line (diffs then show what changed)."""
    out = io.BytesIO()
    write_po(out, catalog, width=_UNWRAPPED, omit_header=True, ignore_obsolete=True)
    body = out.getvalue().decode("utf-8").replace("\b", "\\b")
    return header.rstrip("\n") + "\n\n" + body.rstrip("\n") + "\n"
