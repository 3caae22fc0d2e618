"""Writing files so that nothing the user saved is ever lost, half-written, or written where it must not be.

Every file the project writes goes through `atomic_file(path)` (or `write_text` beside it): the command
line's exports, event logs and par files, the game's screenshots, a workshop's debriefs. It gives a file to
write; the content appears at `path` only when the block ends without an exception, all at once: a
temporary file beside the target, flushed to disk, then renamed over it. A crash, a full disk or an error
leaves the old file whole, never half of a new one, and no temporary behind.

Before anything is written the target is checked (`check_target`): a folder, a device (`/dev/full`,
`/dev/null`), a pipe or a socket is refused and left alone, never replaced by a file (a rename over
`/dev/full`, as root, would put a plain file where the device was); a file whose folder is missing is
refused with "no such folder". A folder the user named to write into (`--reports DIR`) is made by
`ensure_folder`. Every failure, before or during the write (read-only folder, full disk, file too large),
is one `WriteError` whose text is a single line a user can act on: the path, then the reason in words.

`printable(text)` (engine.words, the one escaper, offered here too) shows text from users (paths, team
names, emails) safely on a terminal or in a log: control and format characters (an escape sequence, a
newline, a right-to-left override) become visible escapes such as `\\x1b`, so a name cannot move the
cursor, recolour the terminal or forge a log line.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .words import printable

__all__ = ["WriteError", "atomic_file", "write_text", "check_target", "ensure_folder", "printable", "reason"]


class WriteError(OSError):
    """A file that cannot be written; `str(e)` is one line: the path, then why, in words. An OSError (with
    the cause's errno when there was one), so code that catches OSError around a save still does."""

    def __init__(self, path: str | os.PathLike, why: str, code: int | None = None):
        super().__init__(code, why)
        self.path = os.fspath(path)
        self.why = why

    def __str__(self) -> str:
        return f"{printable(self.path)}: {self.why}"

    def __reduce__(self):  # picklable across processes, with its own arguments
        return (type(self), (self.path, self.why, self.errno))


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than this system allows",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied (the folder is read-only for this user)",
    errno.EPERM: "permission denied (the folder is read-only for this user)",
    errno.ENOENT: "no such folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "is a folder; give a file name",
    errno.ENAMETOOLONG: "the name is too long for this file system",
    errno.EIO: "the disk reported an error",
}
UNCHANGED = "nothing was written; an existing file is unchanged"


def reason(error: OSError) -> str:
    """What an OSError of a write means, in words."""
    return _REASONS.get(error.errno) or printable(error.strerror or str(error))


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: str | os.PathLike) -> Path:
    """The file to write for `path` (a symbolic link's target, so the link stays), once it is known to be
    writable there: WriteError when `path` is a folder, a device, a pipe or a socket (left untouched), or
    when its folder does not exist."""
    real = Path(os.path.realpath(os.fspath(path)))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise WriteError(path, reason(e), e.errno) from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise WriteError(path, "is a folder; give a file name")
        if not stat.S_ISREG(st.st_mode):
            raise WriteError(path, f"is {_kind(st.st_mode)}, not a regular file; it was left alone")
    folder = real.parent
    if not folder.is_dir():
        raise WriteError(folder, "not a folder" if folder.exists() else "no such folder")
    return real


def ensure_folder(path: str | os.PathLike) -> Path:
    """The folder `path`, made (with its parents) if missing: where a user asked files to be written
    (`--reports DIR`). WriteError when something else is in the way or it cannot be made."""
    folder = Path(os.fspath(path))
    if folder.is_dir():
        return folder
    if folder.exists():
        raise WriteError(folder, "is a file, not a folder" if folder.is_file() else
                         f"is {_kind(os.stat(folder).st_mode)}, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise WriteError(folder, "a part of the path is a file, not a folder") from None
    except OSError as e:
        raise WriteError(folder, f"cannot make this folder: {reason(e)}", e.errno) from None
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, binary: bool = False, encoding: str = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """A file to write `path` through (see the module's docstring); WriteError, with the old file intact,
    when it cannot be written."""
    target = check_target(path)
    try:
        old_mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise WriteError(path, f"{reason(e)}; {UNCHANGED}", e.errno) from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
            os.chmod(tmp, old_mode)  # the permissions the file had (or a new file's usual ones), not 0600
        os.replace(tmp, target)
    except WriteError:  # already said (a write nested in this one)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(path, f"{reason(e)}; {UNCHANGED}", e.errno) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` atomically (WriteError when it cannot be)."""
    with atomic_file(path, encoding=encoding) as f:
        f.write(text)
