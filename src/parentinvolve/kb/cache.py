"""A cache of the validated knowledge base, so that `explain`, `topics` and `ask` skip reading YAML.

What is stored: the `KnowledgeBase` built from a content folder, as plain data (tuples, lists, dicts,
frozensets, strings and whole numbers) written with `marshal`. Never answers, never anything else.
Where: `$XDG_CACHE_HOME/parentinvolve/` (or `~/.cache/parentinvolve/`), folder created 0700, files 0600, one
file per content folder, replaced atomically, plus `secret`, this user's key for the checksum. The folder is
never changed: one that is a symbolic link, another user's or open to others is not used at all.
When it is used: only when its key matches. The key hashes the content folder's YAML files (names and bytes),
the package version, this cache format, the Python version, the model's field names and the size and time
of change of the package's source files (so a changed loader is a new key); anything else is a miss.
Safety: no pickle. Every file is opened without following links or waiting (O_NOFOLLOW, O_NONBLOCK) and
checked with fstat (ours, regular, 0600, within MAX_CACHE_BYTES) before it is read. The header names the key
and the payload size; the checksum is keyed (BLAKE2b with the per-user secret), so a file this program did
not write is never decoded. Decoding rebuilds only the records listed in `_CLASSES`, from plain values of
the expected kinds (a float, bytes, a code object or an unknown record is refused). Every failure (missing,
stale, corrupt, unreadable, unwritable, not ours) means "no cache": the YAML is read as usual and what is
shown never changes. `PARENTINVOLVE_NO_CACHE=1` turns the cache off. `validate` never uses it.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from parentinvolve import __version__
from parentinvolve.conditions import All, AnyOf, Includes, InRange, Is, Not
from parentinvolve.kb.cache_files import _SECRET_BYTES as _SECRET_BYTES
from parentinvolve.kb.cache_files import SECRET as SECRET
from parentinvolve.kb.cache_files import content_bytes, open_folder, read_regular
from parentinvolve.kb.cache_files import secret as user_secret
from parentinvolve.kb.cache_files import write_new as _write_new
from parentinvolve.model import (
    Ask,
    Attendance,
    Band,
    Change,
    Choice,
    Clinic,
    Crisis,
    Entry,
    Item,
    KnowledgeBase,
    Line,
    Question,
    Region,
    Rule,
    Section,
    Source,
)

FORMAT = 3
ENV_OFF = "PARENTINVOLVE_NO_CACHE"
MAGIC = b"parentinvolve-kb-cache\n"
MAX_CACHE_BYTES = 64 * 1024 * 1024  # checked (fstat) before reading; a real cache is far smaller
_DIGEST = 32

_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        KnowledgeBase,
        Source,
        Question,
        Choice,
        Attendance,
        Entry,
        Band,
        Section,
        Ask,
        Crisis,
        Region,
        Line,
        Rule,
        Item,
        Clinic,
        Change,
        Is,
        InRange,
        Includes,
        All,
        AnyOf,
        Not,
    )
}
_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: getattr(cls, "_fields", None) or tuple(f.name for f in fields(cls)) for cls in _CLASSES.values()
}  # the model's records are NamedTuples (their _fields), the conditions dataclasses


class _Bad(Exception):
    """The cached data is not what this version writes."""


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip() in ("", "0")


def folder() -> Path | None:
    """The cache folder: $XDG_CACHE_HOME/parentinvolve, else ~/.cache/parentinvolve; None if there is no home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is invalid and ignored
        home = os.environ.get("HOME")
        if home is not None and (not os.path.isabs(home) or home == "/"):
            return None  # HOME="" (or relative) names no home: never a cache in / or in the current folder
        try:
            home = str(Path.home())
        except (RuntimeError, KeyError, OSError):
            return None
        if not os.path.isdir(home):
            return None  # HOME=/nonexistent/x: nothing is made outside a home that exists
        base = os.path.join(home, ".cache")
    # The base (~/.cache, $XDG_CACHE_HOME) is made when missing, one level only: never the folders above it.
    return Path(base) / "parentinvolve"


def _hash() -> Any:
    """BLAKE2b-256, from the built-in module: `hashlib` would load OpenSSL first (3 ms, on every run)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - CPython always has it
        from hashlib import blake2b
    return blake2b(digest_size=_DIGEST)


@functools.cache  # once per process: a running program's own files are the ones it started with
def _code_fingerprint() -> bytes:
    """The shape of the model and the source files that build it: a changed loader means a new key."""
    h = _hash()
    for cls in _CLASSES.values():
        h.update(f"{cls.__name__}({','.join(_FIELDS[cls])})".encode())
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # every module, sub-packages too
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and d != "content")
        for name in sorted(filenames):
            if name.endswith((".py", ".po", ".mo")):  # catalogs too: section headings are translated
                st = os.stat(os.path.join(dirpath, name))
                rel = os.path.relpath(os.path.join(dirpath, name), package)
                h.update(f"{rel}:{st.st_size}:{st.st_mtime_ns};".encode())
    return bytes(h.digest())


def content_key(
    root: Path, clinic: Path | None = None, lang: str = "en", translations: Sequence[Path] = ()
) -> bytes | None:
    """The hash of everything the knowledge base in `root` (and a clinic's layer over it) is made from, in
    `lang` (with the translation files of `lang` in each of `translations`); None when it can't be worked out."""
    h = _hash()
    h.update(MAGIC)
    h.update(f"format={FORMAT};version={__version__};python={sys.version_info[:2]};marshal={marshal.version};".encode())
    h.update(f"lang={lang};".encode())
    try:
        h.update(_code_fingerprint())
        layers = [root] if clinic is None else [root, clinic]
        layers += [t / lang for t in translations if os.path.isdir(t / lang)]
        for n, folder in enumerate(layers):
            h.update(b"layer %d;" % n)  # the same file name in another layer means something else
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.name.endswith(".yaml"))
            for name in names:
                data = content_bytes(os.path.join(folder, name))
                if data is None:
                    return None  # not a regular file, too big, unreadable: the loader will say what is wrong
                encoded = name.encode("utf-8", "surrogateescape")
                h.update(b"%d:%s%d:" % (len(encoded), encoded, len(data)))
                h.update(data)
    except (OSError, ValueError):
        return None
    return bytes(h.digest())


def _slot(root: Path, clinic: Path | None = None, lang: str = "en") -> Path | None:
    """The cache file for one content folder, with a clinic's layer or not, in one language (each has its
    own, replaced when the content changes)."""
    base = folder()
    if base is None:
        return None
    h = _hash()
    h.update(os.fsencode(os.path.abspath(root)))
    if clinic is not None:
        h.update(b"\0" + os.fsencode(os.path.abspath(clinic)))
    if lang != "en":
        h.update(f"\0{lang}".encode())
    return base / f"kb-{h.hexdigest()[:24]}.bin"


def _tag(secret: bytes, header: bytes, payload: bytes | memoryview) -> bytes:
    """Keyed BLAKE2b (a MAC) of the header and payload, from the built-in module (no OpenSSL to load)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - CPython always has it
        from hashlib import blake2b
    h = blake2b(key=secret, digest_size=_DIGEST)
    h.update(header)
    h.update(payload)
    return bytes(h.digest())


def _header(key: bytes, size: int) -> bytes:
    return MAGIC + key + size.to_bytes(8, "big")


_HEADER_BYTES = len(MAGIC) + _DIGEST + 8


def load(root: Path, key: bytes, clinic: Path | None = None, lang: str = "en") -> KnowledgeBase | None:
    """The cached knowledge base for `root` (and `clinic`) in `lang` if its key is `key`; None on any problem.

    Checked before anything is decoded: the folder and file are ours and regular (never followed through
    a link, never waited on), the size is within bounds and matches the header, the header names this key,
    and the keyed checksum matches. Only then is the payload decoded, into checked plain data."""
    slot = _slot(root, clinic, lang)
    if slot is None:
        return None
    folder = open_folder(slot.parent, create=False)
    if folder is None:
        return None
    try:
        secret = user_secret(folder, create=False)
        blob = read_regular(slot.name, folder, MAX_CACHE_BYTES) if secret is not None else None
    finally:
        os.close(folder)
    if secret is None or blob is None or len(blob) <= _HEADER_BYTES + _DIGEST:
        return None
    header = blob[:_HEADER_BYTES]
    size = len(blob) - _HEADER_BYTES - _DIGEST
    if header != _header(key, size):
        return None
    payload = memoryview(blob)[_HEADER_BYTES + _DIGEST :]
    if _tag(secret, header, payload) != blob[_HEADER_BYTES : _HEADER_BYTES + _DIGEST]:
        return None
    kb = decode(payload)
    return None if kb is None else _with_root(kb, root)


def decode(payload: bytes | memoryview) -> KnowledgeBase | None:
    """The knowledge base in a payload whose checksum was verified; None if it is anything else."""
    try:
        kb = _decode(marshal.loads(payload), {})
    except Exception:  # anything at all wrong with the data is a miss
        return None
    return kb if isinstance(kb, KnowledgeBase) else None


def _with_root(kb: KnowledgeBase, root: Path) -> KnowledgeBase:
    return kb if kb.root == str(root) else kb._replace(root=str(root))


def store(root: Path, key: bytes, kb: KnowledgeBase, clinic: Path | None = None, lang: str = "en") -> None:
    """Write the cache for `root` (and `clinic`) in `lang` atomically (a temporary file, then a rename);
    ignore any failure."""
    slot = _slot(root, clinic, lang)
    if slot is None:
        return
    try:
        payload = marshal.dumps(_encode(kb))
    except (ValueError, TypeError, _Bad):
        return
    if len(payload) + _HEADER_BYTES + _DIGEST > MAX_CACHE_BYTES:
        return
    folder = open_folder(slot.parent, create=True)
    if folder is None:
        return
    tmp = ""
    try:
        secret = user_secret(folder, create=True)
        if secret is None:
            return
        header = _header(key, len(payload))
        tmp = _write_new(folder, header + _tag(secret, header, payload) + payload)
        os.replace(tmp, slot.name, src_dir_fd=folder, dst_dir_fd=folder)  # readers see old or new, never half
        tmp = ""
    except OSError:
        return
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=folder)
        os.close(folder)


# Plain data: a dataclass becomes a list [class name, field values...]; tuples, dicts, frozensets, strings,
# whole numbers, booleans and None stay as they are (the model itself holds no lists). Short strings (ids,
# names, choices) are interned, so marshal writes each once and every mention shares one object; equal
# conditions are shared too. Both keep a large knowledge base small in memory, which is what keeps `plan()`
# linear (see benchmarks/run.py).

SHORT = 80
_SHARED = frozenset({Is, InRange, Includes, All, AnyOf, Not})


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return sys.intern(value) if len(value) <= SHORT else value
    if kind is int or kind is bool or value is None:
        return value
    if kind is tuple:
        return tuple([_encode(v) for v in value])
    if kind is frozenset:
        if not all(type(v) is str or type(v) is int for v in value):
            raise _Bad("frozenset")
        return frozenset(_encode(v) for v in value)
    if kind is dict:
        return {_encode(_key(k)): _encode(v) for k, v in value.items()}
    if _CLASSES.get(kind.__name__) is kind:
        return [kind.__name__, *(_encode(getattr(value, name)) for name in _FIELDS[kind])]
    raise _Bad(f"cannot cache a {kind.__name__}")


def _key(key: Any) -> str:
    if type(key) is not str:
        raise _Bad("dict key")
    return str(key)


_ATOMS = frozenset({str, int, bool, type(None)})  # kept as they are (and not passed through _decode: faster)


def _decode(value: Any, shared: dict[Any, Any]) -> Any:
    """The model again from plain data, checking every type on the way; raises on anything unexpected."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is tuple:
        for v in value:
            if type(v) is not str:
                return tuple([v if type(v) in _ATOMS else _decode(v, shared) for v in value])
        return value  # most tuples are texts or ids: kept as marshal made them
    if kind is list:
        name = value[0] if value else None
        cls = _CLASSES.get(name) if type(name) is str else None
        if cls is None:
            raise _Bad("unknown record")
        if len(value) != len(_FIELDS[cls]) + 1:
            raise _Bad("wrong number of fields")
        obj = cls(*[v if type(v) in _ATOMS else _decode(v, shared) for v in value[1:]])
        return shared.setdefault(obj, obj) if cls in _SHARED else obj
    if kind is frozenset:
        for v in value:
            if type(v) is not str and type(v) is not int:
                raise _Bad("frozenset")
        return value
    if kind is dict:
        for k in value:
            if type(k) is not str:
                raise _Bad("dict key")
        return {k: v if type(v) in _ATOMS else _decode(v, shared) for k, v in value.items()}
    raise _Bad(f"unexpected {kind.__name__}")
