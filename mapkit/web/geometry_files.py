"""Encoded geometry and the map's runtime as content-hashed files, so that a page fetches each once and keeps it.

The app (with Streamlit's static serving) and ``python -m mapkit publish`` hold a :class:`StaticFiles` for the
folder a web server serves: each view's :class:`~mapkit.web.encode.GeometryPayload` is written to
``geometry/<version>.json`` and the map gets only its URL (:class:`mapkit.web.elements.AreaLayer` with ``url``), so
an indicator change sends the per-area colours and tooltips, not the shapes; the browser runtime
(``mapkit/web/static``) is written to ``assets/<stem>.<hash>.<js|css>`` and loaded once when the map mounts, not
sent with every layer. A name is the hash of the content, so a file is never rewritten with other content and can be
cached by browsers and CDNs for ever.

Old files are removed by :func:`remove_unused`: a file's modification time is the last time a process used it
(:func:`write_geometry` refreshes it at most every :data:`TOUCH_AFTER` seconds), so a file no process has served
for :data:`UNUSED_AFTER` seconds is one no replica is serving, and a process that needs it again writes it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
import time
from functools import cache
from pathlib import Path

from mapkit import web
from mapkit.web.encode import GeometryPayload

SUFFIX = ".json"
TOUCH_AFTER = 3600.0
"""Seconds after which a used file's modification time is refreshed (one ``utime`` an hour, not one a rerun)."""
UNUSED_AFTER = 86400.0
"""Seconds without use after which :func:`remove_unused` deletes a file (a day: far longer than any page load)."""
_OURS = re.compile(r"^(?:(?:[A-Za-z0-9_-]+\.)?[0-9a-f]{16}|\.partial-.+)\.(?:json|js|css)$")
"""Names this module writes: content-hashed files (``<hash>.json``, ``<stem>.<hash>.js``) and the temporary files of
an interrupted write."""
GEOMETRY, ASSETS = "geometry", "assets"
"""The folders of a :class:`StaticFiles`: encoded areas, and the runtime's scripts and stylesheets."""
RUNTIME_SCRIPT = "runtime.js"
"""The name (before its hash) of the app's runtime bundle: :data:`mapkit.web.AREAS_RUNTIME` then
:data:`mapkit.web.MAP_RUNTIME`, one file so the map mounts after one request, not four in a row."""


def file_name(payload: GeometryPayload) -> str:
    """The content-hashed file name of ``payload``."""
    return payload.version + SUFFIX


def write_geometry(payload: GeometryPayload, folder: Path) -> str:
    """Write ``payload`` to ``folder`` under its content-hashed name (atomically, once) and return the name.

    Several processes may write the same file at once: each writes a temporary file and renames it over the
    name, so a reader never sees a partial file. An existing file is not rewritten; its modification time is
    refreshed when older than :data:`TOUCH_AFTER` seconds, to mark it as in use (see :func:`remove_unused`).
    """
    return _write_once(folder, file_name(payload), payload.json.encode("utf-8"))


def hashed_name(stem: str, suffix: str, data: bytes) -> str:
    """``<stem>.<hash><suffix>``: a file name that changes when ``data`` does (16 hex digits of its SHA-256)."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:16]}{suffix}"


def _write_once(folder: Path, name: str, data: bytes) -> str:
    """Write ``data`` as ``folder/name`` (atomically) unless it is there; mark it as in use; return ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    try:
        if time.time() - target.stat().st_mtime > TOUCH_AFTER:
            os.utime(target)
        return name
    except FileNotFoundError:
        pass
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".partial-", suffix=Path(name).suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # readable by a web server running as another user
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


@cache
def _static_file(name: str) -> tuple[str, bytes]:
    """A runtime file of ``mapkit/web/static`` (or the bundle :data:`RUNTIME_SCRIPT`): its hashed name and bytes."""
    text = web.runtime(web.AREAS_RUNTIME + web.MAP_RUNTIME) if name == RUNTIME_SCRIPT else web.static_text(name)
    data = text.encode("utf-8")
    return hashed_name(Path(name).stem, Path(name).suffix, data), data


@dataclasses.dataclass(frozen=True)
class RuntimeLinks:
    """URLs of the map's runtime published as files: the script bundle and the stylesheet."""

    script: str
    stylesheet: str


class StaticFiles:
    """A folder a web server serves at ``url_prefix``, where maps publish their geometry and runtime once.

    The app keeps one for the process (Streamlit serves ``static/`` beside ``app.py`` at ``/app/static/``); the
    static site one for its folder (``url_prefix=""``: URLs relative to its page). Each method writes a file if it
    is missing (see :func:`write_geometry`) and returns its URL; it raises ``OSError`` when the folder cannot be
    written, so that the map builder can send the same content inline instead
    (:func:`mapkit.web.webmap.build_map`). The first write of a process removes the files no process sharing
    the folder has used for a day (:func:`remove_unused`).

    Parameters
    ----------
    folder
        The served folder: geometry goes to ``folder/geometry/``, scripts and stylesheets to ``folder/assets/``.
    url_prefix
        The URL of ``folder``, ending with ``/`` (or empty for URLs relative to the page).
    """

    def __init__(self, folder: Path, url_prefix: str = "") -> None:
        self.folder = Path(folder)
        self.url_prefix = url_prefix
        self._tidied = False

    def __repr__(self) -> str:
        return f"StaticFiles({str(self.folder)!r}, {self.url_prefix!r})"

    def _tidy(self) -> None:
        if not self._tidied:
            self._tidied = True
            for sub in (GEOMETRY, ASSETS):
                try:
                    remove_unused(self.folder / sub)
                except OSError:  # a read-only folder: nothing to tidy (the writes will say so)
                    pass

    def geometry_url(self, payload: GeometryPayload) -> str:
        """The URL of ``payload``'s file, written if missing."""
        self._tidy()
        return f"{self.url_prefix}{GEOMETRY}/{write_geometry(payload, self.folder / GEOMETRY)}"

    def asset_url(self, name: str) -> str:
        """The URL of ``mapkit/web/static/<name>`` under its content-hashed name, written if missing
        (:data:`RUNTIME_SCRIPT`: the app's runtime bundle)."""
        self._tidy()
        hashed, data = _static_file(name)
        return f"{self.url_prefix}{ASSETS}/{_write_once(self.folder / ASSETS, hashed, data)}"

    def runtime(self) -> RuntimeLinks:
        """The map's runtime as files: the script bundle (areas, keyboard, geometry decoder, fit and legends) and
        ``map.css``."""
        return RuntimeLinks(script=self.asset_url(RUNTIME_SCRIPT), stylesheet=self.asset_url("map.css"))


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
