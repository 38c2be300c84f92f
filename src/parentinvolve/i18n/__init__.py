"""Which language to speak, and the interface text in it (gettext catalogs, loaded only when needed).

Choosing: `--lang` (anywhere on the command line, see `split_lang_option`), else `PARENTINVOLVE_LANG`, else the
locale (`LANGUAGE`, then the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`), else English. A language asked for
by name (`--lang`, `PARENTINVOLVE_LANG`) that we do not have is an error; a locale we do not have quietly
means English. Ids never change with the language: answers files, JSON keys and `explain` ids stay English.

Translating: mark interface text with `_("...")` (or `N_` where it is only stored, and translated where it is
shown) and `ngettext`, never an f-string inside: `_("No topic called {name}.").format(name=...)`, so the
catalog holds one message with a named placeholder. English needs no catalog: `_` returns its argument and
`gettext` is never imported, so start-up stays within budget. Catalogs are `locale/<lang>/LC_MESSAGES/
parentinvolve.po`, compiled to `.mo` with Babel at build time (hatch_build.py, through `catalogs.py`); a run
reads the `.mo` as built and needs no Babel. Only a development install, which has Babel, compiles a `.po`
newer than its `.mo` (or without one) in memory, so an edited translation shows at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

DOMAIN = "parentinvolve"
ENGLISH = "en"
AVAILABLE = ("en", "es")
ENV = "PARENTINVOLVE_LANG"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


class _Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


_current = ENGLISH
_catalog: _Catalog | None = None


def normalize(code: str) -> str:
    """`es_US.UTF-8`, `es-MX`, `ES`, `es@euro` -> `es`; `C`, `POSIX` and `""` -> `""`."""
    base = code.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return "" if base in ("c", "posix") else base


def unavailable(code: str) -> str | None:
    """The message for a language asked for by name that we do not have, else None."""
    if normalize(code) in AVAILABLE:
        return None
    shown = code if code.strip() else '""'
    return _("There is no {language} translation; available languages: {available}.").format(
        language=shown, available=", ".join(AVAILABLE)
    )


def from_locale(environ: Mapping[str, str]) -> str:
    """The language the locale asks for, if we have it; else English, quietly."""
    effective = next((environ[v] for v in _LOCALE_VARS if environ.get(v)), "")
    if normalize(effective) == "" and effective:  # C or POSIX: gettext ignores LANGUAGE then, and so do we
        return ENGLISH
    for item in environ.get("LANGUAGE", "").split(":"):
        if normalize(item) in AVAILABLE:
            return normalize(item)
    lang = normalize(effective)
    return lang if lang in AVAILABLE else ENGLISH


def choose(explicit: str | None, environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The language to use and, when one was asked for by name but is not available, the error to show."""
    if explicit is not None:
        problem = unavailable(explicit)
        return (ENGLISH, problem) if problem else (normalize(explicit), None)
    asked = environ.get(ENV, "")
    if asked.strip():
        if unavailable(asked):
            problem = _("{variable} is {language}, but there is no such translation; available languages: {available}.")
            return ENGLISH, problem.format(variable=ENV, language=asked, available=", ".join(AVAILABLE))
        return normalize(asked), None
    return from_locale(environ), None


def split_lang_option(argv: Sequence[str]) -> tuple[str | None, list[str], bool]:
    """Take `--lang X` / `--lang=X` out of the arguments, wherever it stands (before or after the command).

    Returns the last value given (None if none), the other arguments, and False when `--lang` had no value.
    Arguments after `--` are left alone. Self-contained so that a shared "options after the command"
    mechanism can fold it in.
    """
    value: str | None = None
    rest: list[str] = []
    ok = True
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--lang":
            if i + 1 >= len(args) or (args[i + 1].startswith("-") and args[i + 1] != "-"):
                ok = False
                i += 1
                continue
            value = args[i + 1]
            i += 2
            continue
        if arg.startswith("--lang="):
            value = arg[len("--lang=") :]
        else:
            rest.append(arg)
        i += 1
    return value, rest, ok


def activate(lang: str) -> None:
    """Speak `lang` from now on (the catalog is read at the first translated message)."""
    global _current, _catalog
    _current = lang if lang in AVAILABLE else ENGLISH
    _catalog = None


_kept: dict[str, _Catalog] = {}


def use(lang: str) -> None:
    """Speak `lang` from now on, keeping each catalog once read: for the web page, which may change language
    at every request (a command speaks one language, and reads its catalog at most once, with `activate`)."""
    global _catalog
    activate(lang)
    if _current != ENGLISH:
        _catalog = _kept.get(_current) or _kept.setdefault(_current, catalog(_current))


def current() -> str:
    return _current


def _(message: str) -> str:
    """The interface text `message` in the current language (itself in English or when untranslated)."""
    if _current == ENGLISH:
        return message
    return _load().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _current == ENGLISH:
        return singular if n == 1 else plural
    return _load().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog where it is defined; translate it with `_` where it is shown."""
    return message


def _load() -> _Catalog:
    global _catalog
    if _catalog is None:
        _catalog = catalog(_current)
    return _catalog


def catalog(lang: str, locale_dir: Path = LOCALE_DIR) -> _Catalog:
    """The compiled catalog for `lang`; in a development install, the `.po` compiled in memory when it is
    newer than the `.mo`."""
    import gettext as _gettext
    import io

    folder = locale_dir / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    try:
        po_time, mo_time = _mtime(po), _mtime(mo)
        # Installers write both files within moments, in any order: only a .po edited later counts as newer.
        data = _compiled(po) if po_time >= 0 and po_time - 2_000_000_000 > mo_time else None
        if data is not None:
            return _gettext.GNUTranslations(io.BytesIO(data))
        if mo_time >= 0:
            with open(mo, "rb") as fh:
                return _gettext.GNUTranslations(fh)
    except (OSError, ValueError):  # an unreadable or broken catalog: the English text, never a crash
        pass
    return _gettext.NullTranslations()


def _mtime(path: Path) -> int:
    """When a catalog file last changed (one stat); -1 when there is none."""
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return -1


def _compiled(po: Path) -> bytes | None:
    """`po` compiled with Babel, which only a development install has; None without it (the `.mo` as built)."""
    try:
        from parentinvolve.i18n import catalogs
    except ImportError:
        return None
    return catalogs.compile_file(po)
