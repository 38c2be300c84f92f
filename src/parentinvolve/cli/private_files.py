"""Files the user asked for (`--output`, `--save`): checked first, then written atomically, owner-only."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from parentinvolve import startup
from parentinvolve.cli.terminal import shown
from parentinvolve.errors import OutputError, UsageError
from parentinvolve.i18n import N_, _

WHAT = {"answers": N_("answers"), "output": N_("output")}  # the file a message is about
ANOTHER = N_("Choose another name.")


def what_it_is(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, words in (
        (stat.S_ISLNK, N_("a symbolic link")),
        (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
        (stat.S_ISCHR, N_("a device")),
        (stat.S_ISBLK, N_("a disk device")),
        (stat.S_ISSOCK, N_("a socket")),
        (stat.S_ISDIR, N_("a folder")),
    ):
        if test(mode):
            return _(words)
    return _("not a regular file")


def same_file(a: Path, b: Path) -> bool:
    """Whether two names lead to the same file (an existing one, or the same place for a new one)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
        return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
    except OSError:
        pass
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError, RuntimeError):  # a link loop: then they are compared as written
        return os.path.abspath(a) == os.path.abspath(b)


def _refuse_existing(path: Path, mode: int, *, force: bool, what: str) -> None:
    """An existing `path`: only a regular file may be replaced, and only with --force."""
    name = shown(path)
    if stat.S_ISDIR(mode):
        raise UsageError(_("{what} {name} is a folder; give a file name.").format(what=_(WHAT[what]), name=name))
    if stat.S_ISLNK(mode):
        loop = ""
        try:
            os.stat(path)
        except OSError as exc:
            loop = _(" that leads nowhere") if exc.errno != errno.ELOOP else _(" that loops back on itself")
        raise UsageError(
            _("{name} is a symbolic link{loop}, not a regular file; it was left untouched.").format(
                name=name, loop=loop
            )
            + " "
            + _(ANOTHER)
        )
    if not stat.S_ISREG(mode):
        raise UsageError(
            _("{name} is {what}, not a regular file; it was left untouched.").format(name=name, what=what_it_is(mode))
            + " "
            + _(ANOTHER)
        )
    if not force:
        raise UsageError(
            _(
                "{name} already exists; it was left untouched. Use --force to replace it, or choose another name."
            ).format(name=name)
        )


def check_target(path: Path, *, force: bool, what: str) -> None:
    """Refuse early (before any question is asked) a target we would not be able to write.

    `--force` only ever replaces a regular file: a folder, a link, a device or a pipe is never replaced.
    """
    folder = path.parent
    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise UsageError(_not_a_folder(folder, path)) from None
        if exc.errno == errno.ELOOP:
            raise UsageError(
                _("The folder of {path} is a symbolic link loop; choose another name.").format(path=shown(path))
            ) from None
        from parentinvolve.kb.textfiles import os_reason

        reason = os_reason(exc)
        raise OutputError(_("Cannot use {path} ({reason}).").format(path=shown(path), reason=reason)) from None
    if mode is not None:
        _refuse_existing(path, mode, force=force, what=what)
    try:
        folder_mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise UsageError(
            _("The folder {folder} does not exist; create it first or choose another {what} file.").format(
                folder=shown(folder), what=_(WHAT[what])
            )
        ) from None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise UsageError(_not_a_folder(folder, path)) from None
        from parentinvolve.kb.textfiles import os_reason

        reason = os_reason(exc)
        raise UsageError(
            _("The folder {folder} cannot be used ({reason}).").format(folder=shown(folder), reason=reason)
        ) from None
    if not stat.S_ISDIR(folder_mode):
        raise UsageError(_not_a_folder(folder, path))
    if not os.access(folder, os.W_OK):
        reason = _("the file system is read-only") if _read_only(folder) else _("permission denied")
        raise OutputError(
            _("Cannot write in {folder} ({reason}); choose another folder.").format(folder=shown(folder), reason=reason)
        )


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _not_a_folder(folder: Path, path: Path) -> str:
    return _("{folder} is not a folder (it is a file), so {path} cannot be made; choose another name.").format(
        folder=shown(folder), path=shown(path)
    )


def _link_no_clobber(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile: never clobber
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(path):  # a file system without hard links: check, then move
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


MAX_NAME_BYTES = 255  # what a file name can hold on Linux and macOS file systems


def _temporary_prefix(path: Path) -> str:
    """`.NAME.` for the temporary file, NAME cut so that the whole temporary name fits in 255 bytes."""
    room = MAX_NAME_BYTES - len("..") - len(".tmp") - 16  # mkstemp adds 8 random characters; spare 8 more
    name = path.name
    while len(os.fsencode(name)) > room:  # cut whole characters, never half of one
        name = name[:-1]
    return f".{name}."


def write_private(path: Path, text: str, *, force: bool, sync: bool = True) -> None:
    """Write `text` to `path` readable by its owner only (0600), all or nothing.

    The text goes to a temporary file in the same folder first, then takes the final name in one step,
    so a full disk, a crash or a signal never leaves a partial file, and an existing file is never clobbered
    unless `force` is given (and then only a regular file).
    """
    folder = path.parent
    import tempfile

    tmp = ""
    try:
        with startup.signals_held():  # a signal between the two would leave the file unknown to the handler
            fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=folder)
            startup.writing(tmp)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(text)
            fh.flush()
            if sync:  # a batch (cli/batch.py) syncs its folder once at the end instead
                os.fsync(fh.fileno())
        with startup.signals_held():  # renamed and recorded as written, or neither
            if force:
                _replace_regular_file(tmp, path)
            else:
                _link_no_clobber(tmp, path)
            startup.done_writing(tmp, shown(path))
            tmp = ""
    except FileExistsError:
        raise UsageError(
            _("{path} already exists; it was left untouched. Use --force to replace it.").format(path=shown(path))
        ) from None
    except OSError as exc:
        reason = _reason(exc)
        raise OutputError(
            _("Could not write {path}: {reason}. Nothing was written.").format(path=shown(path), reason=reason)
        ) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            startup.done_writing(tmp)


def _replace_regular_file(tmp: str, path: Path) -> None:
    """--force: replace `path`, but only if it is (still) a regular file or nothing."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):
        _refuse_existing(path, mode, force=True, what="output")
    os.replace(tmp, path)


@contextlib.contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock (fcntl) on `folder` itself while its files are read, changed and written back, so
    that runs at the same time take turns instead of losing each other's changes. The folder is opened without
    following a link."""
    import fcntl

    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(
            _("Cannot use the folder {folder} ({reason}).").format(folder=shown(folder), reason=_reason(exc))
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # (closing releases the lock)


def replace_file(path: Path, text: str) -> None:
    """Write `text` as `path`, all or nothing: a temporary file in the same folder, flushed to the disk, then
    renamed over the old one, which stays whole if anything fails. Never written through a link: an existing
    `path` must be a regular file. A new file gets the usual permissions (the umask); an old one keeps its own."""
    import tempfile

    try:
        old: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise OutputError(_could_not(path, exc)) from None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise UsageError(
            _("{name} is {what}, not a regular file; it was left untouched.").format(
                name=shown(path), what=what_it_is(old.st_mode)
            )
        )
    tmp = ""
    try:
        with startup.signals_held():
            fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)
            startup.writing(tmp)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if old is not None:
                os.fchmod(fh.fileno(), stat.S_IMODE(old.st_mode))
            else:
                mask = os.umask(0)
                os.umask(mask)
                os.fchmod(fh.fileno(), 0o666 & ~mask)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        with startup.signals_held():
            os.replace(tmp, path)
            startup.done_writing(tmp, shown(path))
            tmp = ""
        _sync_folder(path.parent)
    except OSError as exc:
        raise OutputError(_could_not(path, exc)) from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            startup.done_writing(tmp)


def sync_folder(folder: Path) -> None:
    """Everything written in `folder` on the disk (after a batch of writes without `sync`)."""
    os.sync()
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """The rename itself on the disk too (best effort: some file systems cannot sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return _("no space left on the disk")
    if exc.errno == errno.EROFS:
        return _("the file system is read-only")
    if exc.errno == errno.ELOOP:
        return _("a symbolic link is in the way")
    return (exc.strerror or str(exc)).lower()


def _could_not(path: Path, exc: OSError) -> str:
    return _("Could not write {path}: {reason}. The file was left as it was.").format(
        path=shown(path), reason=_reason(exc)
    )
