"""Writing output: a file whole or not at all, and standard output with its failures named.

An output file is written whole or not at all: a temporary file in the same folder, flushed to disk, then renamed
over the target (``os.replace`` is atomic on one file system). A failure leaves no partial file and becomes an
:class:`mapkit.errors.OutputError` saying ``<path>: <cause>``. The file gets the permissions any new file of the
process gets (``0666`` less the umask: 0644 under the usual 022), so colleagues and web servers can read a shared
export folder as they read anything else the user writes there.

:func:`write_output` writes standard output and flushes it: a full disk becomes an :class:`OutputError`, and a reader
that has gone (``| head``) :class:`OutputClosed`, which the command line ends on quietly."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

from mapkit.errors import OutputError

__all__ = ["OutputClosed", "write_atomic", "write_output"]


class OutputClosed(Exception):
    """The reader of standard output has gone (e.g. ``| head -1`` after its line): not an error, the end."""


def _discard_output() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush of what is left cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file behind sys.stdout
        pass


def write_output(text: str) -> None:
    """Write ``text`` to standard output, flushed; a write that fails raises :class:`OutputError`, a closed pipe
    :class:`OutputClosed`."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_output()
        raise OutputClosed from None
    except OSError as exc:
        _discard_output()
        raise OutputError(f"the output could not be written: {exc.strerror or type(exc).__name__}") from None


def _cause(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _temporary(path: Path) -> tuple[int, str]:
    """A new hidden file beside ``path``, created with mode 0666 less the umask (``tempfile.mkstemp`` makes 0600)."""
    for _ in range(100):
        temporary = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path.name}")


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
        handle, temporary = _temporary(path)
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
