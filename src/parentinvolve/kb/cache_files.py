"""The cache's files on disk: opened without following links or waiting, checked before they are read.

Everything here works on descriptors: the cache folder is opened once (O_NOFOLLOW, O_DIRECTORY), checked
(ours, a folder, closed to others), and every file in it is opened relative to it, so a link planted in
place of the folder or a file is never followed, and a named pipe is never waited on.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from parentinvolve.kb.textfiles import read_bounded

MAX_FILE_BYTES = 32 * 1024 * 1024  # the loader's own limit per content file


def content_bytes(path: str) -> bytes | None:
    """A content file's bytes, if it is a regular file within the size limit; never waits (a named pipe,
    a device or a link to /proc/kmsg is refused at once). The loader says what is wrong with any other."""
    from parentinvolve.kb.textfiles import read_regular

    return read_regular(path, MAX_FILE_BYTES, "")[0]


def ours(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or st.st_uid == getuid()


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def open_folder(path: Path, *, create: bool) -> int | None:
    """A descriptor of our cache folder: our own, a real folder (never a link), closed to everyone else.

    It is created 0700 when missing. An existing folder is never changed: one that is a link, another
    user's, or open to others is simply not used (no cache)."""
    import stat

    if create:
        try:
            if not os.path.isdir(path.parent):
                os.mkdir(path.parent)  # ~/.cache itself, the usual mode; never the folders above it
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        fd = os.open(path, _DIR_FLAGS)  # a symlinked folder is refused here (O_NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode) and ours(st) and not st.st_mode & 0o077:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def read_regular(name: str, folder: int, limit: int) -> bytes | None:
    """The bytes of a regular file of ours in the cache folder, at most `limit`; None for anything else
    (a link, a pipe, a device, another user's file, a bigger file): nothing is ever waited on."""
    import stat

    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not ours(st) or st.st_mode & 0o077 or st.st_size > limit:
            return None
        return read_bounded(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_new(folder: int, data: bytes) -> str:
    """A new 0600 file in the cache folder holding `data`; its name (to be renamed, or removed)."""
    name = f".kb-{os.urandom(8).hex()}.tmp"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600, dir_fd=folder)
    try:
        with open(fd, "wb", closefd=False) as fh:
            fh.write(data)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)
        raise
    os.close(fd)
    return name


SECRET = "secret"
_SECRET_BYTES = 32


def secret(folder: int, *, create: bool) -> bytes | None:
    """This user's key for the cache checksum, kept 0600 beside the cache; made on first use.

    A cache file is decoded only when its checksum was made with this key, so a file the program did not
    write (planted, copied from elsewhere, forged) is never decoded at all."""
    secret = read_regular(SECRET, folder, _SECRET_BYTES)
    if secret is not None and len(secret) == _SECRET_BYTES:
        return secret
    if secret is not None or not create:
        return None
    tmp = ""
    try:
        tmp = write_new(folder, os.urandom(_SECRET_BYTES))
        os.link(tmp, SECRET, src_dir_fd=folder, dst_dir_fd=folder)  # appears whole, or not at all
    except FileExistsError:  # another run made it first: use theirs
        pass
    except OSError:
        return None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=folder)
    secret = read_regular(SECRET, folder, _SECRET_BYTES)
    return secret if secret is not None and len(secret) == _SECRET_BYTES else None
