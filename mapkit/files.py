"""Writing an output file whole or not at all: a temporary file in the same folder, flushed to disk, then renamed
over the target (``os.replace`` is atomic on one file system). A failure leaves no partial file and becomes an
:class:`mapkit.errors.OutputError` saying ``<path>: <cause>``."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from mapkit.errors import OutputError

__all__ = ["write_atomic"]


def _cause(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` (creating its folder), or raise :class:`OutputError` and leave nothing behind.

    Parameters
    ----------
    path
        The file to write; an existing regular file is replaced. A folder, a device (``/dev/full``) or another
        special file of that name is refused.
    data
        The whole content.
    """
    path = Path(path)
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise OutputError(f"{path}: a part of the folder path is a file, not a folder: choose another "
                              "folder.") from None
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputError(f"{path}: a folder of that name is in the way: move it, or choose another name.")
        if mode is not None and not stat.S_ISREG(mode):
            raise OutputError(f"{path}: not a regular file (a device or other special file): give a file name in "
                              "a folder you can write to.")
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: {_cause(exc)}") from None
    return path
