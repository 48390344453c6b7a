"""Encoded geometry as content-hashed files, so that a page fetches a view's areas once and keeps them.

The app (with Streamlit's static serving) and ``python -m mapkit publish`` write each view's
:class:`~mapkit.web.encode.GeometryPayload` to ``<folder>/<version>.json`` and send the map only its URL
(:class:`mapkit.web.elements.AreaLayer` with ``url``); an indicator change then sends the per-area colours and
tooltips, not the shapes. The name is the hash of the content, so a file is never rewritten with other content
and can be cached by browsers and CDNs for ever.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mapkit.web.encode import GeometryPayload

SUFFIX = ".json"


def file_name(payload: GeometryPayload) -> str:
    """The content-hashed file name of ``payload``."""
    return payload.version + SUFFIX


def write_geometry(payload: GeometryPayload, folder: Path) -> str:
    """Write ``payload`` to ``folder`` under its content-hashed name (atomically, once) and return the name.

    Several processes may write the same file at once: each writes a temporary file and renames it over the
    name, so a reader never sees a partial file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    name = file_name(payload)
    target = folder / name
    if target.exists():
        return name
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
