"""Encoded geometry as content-hashed files, so that a page fetches a view's areas once and keeps them.

The app (with Streamlit's static serving) and ``python -m mapkit publish`` write each view's
:class:`~mapkit.web.encode.GeometryPayload` to ``<folder>/<version>.json`` and send the map only its URL
(:class:`mapkit.web.elements.AreaLayer` with ``url``); an indicator change then sends the per-area colours and
tooltips, not the shapes. The name is the hash of the content, so a file is never rewritten with other content
and can be cached by browsers and CDNs for ever.

Old files are removed by :func:`remove_unused`: a file's modification time is the last time a process used it
(:func:`write_geometry` refreshes it at most every :data:`TOUCH_AFTER` seconds), so a file no process has served
for :data:`UNUSED_AFTER` seconds is one no replica is serving, and a process that needs it again writes it again.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from mapkit.web.encode import GeometryPayload

SUFFIX = ".json"
TOUCH_AFTER = 3600.0
"""Seconds after which a used file's modification time is refreshed (one ``utime`` an hour, not one a rerun)."""
UNUSED_AFTER = 86400.0
"""Seconds without use after which :func:`remove_unused` deletes a file (a day: far longer than any page load)."""
_OURS = re.compile(r"^(?:[0-9a-f]{16}|\.partial-.+)" + re.escape(SUFFIX) + "$")
"""Names this module writes: content-hashed files and the temporary files of an interrupted write."""


def file_name(payload: GeometryPayload) -> str:
    """The content-hashed file name of ``payload``."""
    return payload.version + SUFFIX


def write_geometry(payload: GeometryPayload, folder: Path) -> str:
    """Write ``payload`` to ``folder`` under its content-hashed name (atomically, once) and return the name.

    Several processes may write the same file at once: each writes a temporary file and renames it over the
    name, so a reader never sees a partial file. An existing file is not rewritten; its modification time is
    refreshed when older than :data:`TOUCH_AFTER` seconds, to mark it as in use (see :func:`remove_unused`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    name = file_name(payload)
    target = folder / name
    try:
        if time.time() - target.stat().st_mtime > TOUCH_AFTER:
            os.utime(target)
        return name
    except FileNotFoundError:
        pass
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-", suffix=SUFFIX)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload.json)
        os.chmod(temporary, 0o644)  # readable by a web server running as another user
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def remove_unused(folder: Path, *, unused_for: float = UNUSED_AFTER, now: float | None = None) -> list[str]:
    """Delete this module's files in ``folder`` not used for ``unused_for`` seconds; return their names, sorted.

    Only content-hashed names (and temporary files of interrupted writes) are considered, so nothing else put in
    the folder is touched. A file in use by any process sharing the folder (another replica) has a modification
    time within :data:`TOUCH_AFTER` seconds of its last use, so with ``unused_for`` well above that it is kept.
    A missing folder removes nothing.
    """
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    for entry in entries:
        if not _OURS.match(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if now - os.stat(entry.path, follow_symlinks=False).st_mtime > unused_for:  # fresh, not scandir's
                os.unlink(entry.path)
                removed.append(entry.name)
        except FileNotFoundError:  # another process removed it first
            continue
    return sorted(removed)
