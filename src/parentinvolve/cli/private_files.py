"""Files the user asked for (`--output`, `--save`): checked first, then written atomically, owner-only."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from parentinvolve.errors import OutputError, UsageError


def check_target(path: Path, *, force: bool, what: str) -> None:
    """Refuse early (before any question is asked) a target we would not be able to write."""
    folder = path.parent
    if path.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file name.")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder (it is a file), so {path} cannot be made; choose another name.")
    if not folder.is_dir():
        raise UsageError(f"The folder {folder} does not exist; create it first or choose another {what} file.")
    if path.exists() and not force:
        raise UsageError(
            f"{path} already exists; it was left untouched. Use --force to replace it, or choose another name."
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(f"Cannot write in {folder} (permission denied); choose another folder.")


def _link_no_clobber(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile: never clobber
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():  # a file system without hard links: check, then move
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def write_private(path: Path, text: str, *, force: bool) -> None:
    """Write `text` to `path` readable by its owner only (0600), all or nothing.

    The text goes to a temporary file in the same folder first, then takes the final name in one step,
    so a full disk or a crash never leaves a partial file, and an existing file is never clobbered
    unless `force` is given.
    """
    folder = path.parent
    import tempfile

    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
        tmp = ""
    except FileExistsError:
        raise UsageError(f"{path} already exists; it was left untouched. Use --force to replace it.") from None
    except OSError as exc:
        reason = "no space left on the disk" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc)).lower()
        raise OutputError(f"Could not write {path}: {reason}. Nothing was written.") from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
