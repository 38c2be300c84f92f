"""Read gettext `.po` catalogs and write `.mo` files, in pure Python (no msgfmt, no Babel needed).

Used by the build hook (`hatch_build.py` compiles every `.po` into the wheel), by `i18n` when a checkout's
`.po` is newer than its `.mo` (an editable install after editing a translation), and by `tools/i18n.py`.
Only what our catalogs use is supported: msgctxt-free `msgid`/`msgstr` pairs, `msgid_plural`/`msgstr[n]`,
multi-line strings and the usual escapes. Fuzzy and empty translations are left out, as msgfmt does.
"""

from __future__ import annotations

import ast
import struct

Catalog = dict[str, str]  # msgid (plural forms joined by NUL) -> msgstr (likewise)


class PoError(ValueError):
    """A `.po` file this reader does not understand; the message names the line."""


def parse(text: str, name: str = "<po>") -> Catalog:
    """The translated messages of a `.po` file, keyed as a `.mo` file keys them (plus the "" header)."""
    out: Catalog = {}
    entry: dict[str, str] = {}
    fuzzy = False
    key = ""

    def finish() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry:
            msgid = entry["msgid"]
            if "msgid_plural" in entry:
                msgid += "\0" + entry["msgid_plural"]
                forms = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr["))]
                msgstr = "\0".join(forms)
                done = all(forms)
            else:
                msgstr = entry.get("msgstr", "")
                done = bool(msgstr)
            if done and (not fuzzy or msgid == ""):
                out[msgid] = msgstr
        entry, fuzzy = {}, False

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        starts_entry = line.startswith("#") or word == "msgid"
        if starts_entry and any(k.startswith("msgstr") for k in entry):
            finish()  # the previous entry is complete
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if not key:
                raise PoError(f"{name}:{number}: a string continues nothing")
            entry[key] += _unquote(line, name, number)
            continue
        if word not in ("msgid", "msgid_plural", "msgstr") and not word.startswith("msgstr["):
            raise PoError(f"{name}:{number}: unexpected {word!r}")
        key = word
        entry[key] = _unquote(rest.strip(), name, number)
    finish()
    return out


def _unquote(token: str, name: str, number: int) -> str:
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise PoError(f"{name}:{number}: expected a quoted string")
    try:
        value = ast.literal_eval(token)
    except (ValueError, SyntaxError) as exc:
        raise PoError(f"{name}:{number}: bad string ({exc})") from None
    if not isinstance(value, str):  # pragma: no cover - a quoted literal is always a str
        raise PoError(f"{name}:{number}: expected a string")
    return value


def to_mo(catalog: Catalog) -> bytes:
    """The catalog as a GNU `.mo` file (little-endian, no hash table), as `gettext.GNUTranslations` reads it."""
    keys = sorted(catalog)
    ids = [k.encode("utf-8") for k in keys]
    strs = [catalog[k].encode("utf-8") for k in keys]
    count = len(keys)
    start = 7 * 4
    ids_table = start
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8
    offsets: list[int] = []
    blob = b""
    for item in ids + strs:
        offsets += [len(item), data_start + len(blob)]
        blob += item + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, data_start)
    return header + struct.pack(f"<{len(offsets)}I", *offsets) + blob
