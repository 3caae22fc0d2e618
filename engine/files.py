"""Writing files so that nothing the user saved is ever lost or left half-written.

`atomic_file(path)` gives a file to write; its content appears at `path` only when the block ends without
an exception, all at once: a temporary file beside the target, flushed to disk, then renamed over it. A
crash or an error leaves either the old file or the new one, never half of one, and no temporary behind.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import IO, Iterator


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, binary: bool = False, encoding: str = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` atomically."""
    with atomic_file(path, encoding=encoding) as f:
        f.write(text)
