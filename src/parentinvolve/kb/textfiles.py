"""Reading a file the user named: only a regular file, never waited on, bounded in size, UTF-8 text only."""

from __future__ import annotations

from pathlib import Path

from parentinvolve.errors import Problem
from parentinvolve.i18n import ENGLISH, _, current


def read_text(path: Path, shown: str, *, max_bytes: int) -> tuple[str | None, list[Problem]]:
    """Read a regular file as UTF-8 (a BOM is accepted), refusing what is too big or not text.

    Only a regular file is read: it is opened without waiting (a named pipe, a device or a link to
    /dev/stdin is refused, by name, instead of hanging), and at most `max_bytes + 1` bytes are ever read,
    so a huge file is refused before any parsing, in bounded time and memory.
    """
    too_big = _("the file is too big (the limit is {limit} bytes); is this the right file?").format(
        limit=f"{max_bytes:,}"
    )
    data, problem = read_regular(path, max_bytes, too_big)
    if data is None:
        return None, [Problem(shown, 1, 1, problem)]
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or data[:2] in (b"\xff\xfe", b"\xfe\xff") or _wide(data):
        message = _("this is UTF-16 or another encoding, not UTF-8 text; save the file as UTF-8")
        return None, [Problem(shown, 1, 1, message)]
    nul = data.find(b"\x00")
    if nul != -1:  # one zero byte in text that is otherwise UTF-8: say where it is
        line = data[:nul].count(b"\n") + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        return None, [Problem(shown, line, col, "a NUL character (a zero byte) is here; remove it")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(shown, line, col, _("this is not UTF-8 text; save the file as UTF-8"))]


def _wide(data: bytes) -> bool:
    """Text in two or four bytes a character without a byte-order mark: every other byte of ASCII is zero."""
    head = data[:4096]
    if len(head) < 2:
        return False
    return max(head[0::2].count(0), head[1::2].count(0)) * 2 >= len(head) // 2


def read_regular(path: Path | str, max_bytes: int, too_big: str) -> tuple[bytes | None, str]:
    """The bytes of a regular file of at most `max_bytes`, never waiting on a pipe or a device; else None
    and why not, in words."""
    import errno
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None, _("no such file; check the name and the folder")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, _("this is a symbolic link that loops back on itself; point it at a real file")
        if exc.errno == errno.ENXIO:  # a named pipe or socket nobody is writing to
            return None, _("this is a named pipe or a socket, not a regular file; give the path of a file")
        return None, _("cannot be read ({reason})").format(reason=os_reason(exc))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            return None, _("this is a folder, not a file; give the path of a file")
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISFIFO(st.st_mode):
                return None, _("this is a named pipe (FIFO), not a regular file; give the path of a file")
            return None, _("this is a device or other special file, not a regular file; give the path of a file")
        if st.st_size > max_bytes:
            return None, too_big  # without reading it
        data = read_bounded(fd, max_bytes)
        return (data, "") if data is not None else (None, too_big)
    except BlockingIOError:  # a "regular" file that would block, like /proc/kmsg
        return None, _("this file cannot be read without waiting (is it a special file?); give the path of a file")
    except OSError as exc:
        return None, _("cannot be read ({reason})").format(reason=os_reason(exc))
    finally:
        os.close(fd)


def read_bounded(fd: int, limit: int) -> bytes | None:
    """All of an open file, or None when it holds more than `limit` bytes (it can grow while we read: never
    more than `limit + 1` bytes are read)."""
    import os

    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks) if size <= limit else None


def folder_problem(path: Path) -> str | None:
    """What stops `path` being used as a folder of files to read, in words; None when nothing does."""
    import errno
    import os
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return _("no such folder")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _("this is a symbolic link that loops back on itself, not a folder")
        if exc.errno == errno.ENOTDIR:
            return _("no such folder (a part of the path is a file)")
        return _("this folder cannot be opened ({reason})").format(reason=os_reason(exc))
    if not stat.S_ISDIR(st.st_mode):
        return _("is not a folder")
    if not os.access(path, os.X_OK):
        return _("this folder cannot be entered (permission denied: its files can be listed but not read)")
    if not os.access(path, os.R_OK):
        return _("this folder cannot be listed (permission denied)")
    return None


def open_to_others(path: Path) -> bool:
    """Whether other users of this computer can change `path` (it is writable by everyone)."""
    import os
    import stat

    try:
        return bool(os.stat(path).st_mode & stat.S_IWOTH)
    except OSError:
        return False


def os_reason(exc: OSError) -> str:
    """The operating system's reason for `exc`, in words: in English the system's own; in another language
    ours for the usual ones, else the system's (its language is the system's)."""
    import errno

    own = (exc.strerror or str(exc)).lower()
    if current() == ENGLISH:
        return own

    words = {
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("operation not permitted"),
        errno.ENOENT: _("no such file or folder"),
        errno.EISDIR: _("this is a folder"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.ENOSPC: _("no space left on the device"),
        errno.EROFS: _("the file system is read-only"),
        errno.EEXIST: _("the file already exists"),
        errno.EIO: _("input/output error"),
        errno.ENAMETOOLONG: _("the name is too long"),
    }
    return words.get(exc.errno or 0) or own
