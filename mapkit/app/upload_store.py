"""What the server keeps of a session's uploads: Streamlit's store of uploaded files, capped per session, and the
user's encoded layer served from memory for this session only.

Streamlit keeps every file a session sends until the session ends, whatever the page does with it: one session
sent 40 files of 4.9 MB under made-up file ids and the server held them all (issue 27). :class:`HeldUploads` caps
the store at :data:`~mapkit.data.uploads.MAX_HELD_FILES` files and :data:`~mapkit.data.uploads.MAX_HELD_BYTES` per
session as each file arrives, dropping the session's oldest (:func:`mapkit.data.uploads.held_over_quota`), and
counts what it dropped so the page can say so.

:func:`upload_url` puts the user's encoded layer (:func:`mapkit.web.upload_layer.encode_upload`) in Streamlit's
in-memory media store, where the map fetches it once: a rerun sends a reference, the file is never on disk, and it
goes when the session stops using it.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import streamlit as st
from streamlit.runtime import get_instance
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mapkit.data.uploads import held_over_quota
from mapkit.web.encode import GeometryPayload

UPLOAD_COORDINATES = "mapkit-upload-layer"
"""Where the page "shows" its encoded upload in Streamlit's media store: one place per session, so each run's file
replaces the last one's and the store drops those no session uses."""


class HeldUploads:
    """Caps one upload store's files per session; installed once per server process (:func:`install`)."""

    def __init__(self, manager: MemoryUploadedFileManager) -> None:
        self._manager = manager
        self._add_file = manager.add_file
        self._lock = threading.Lock()
        self._dropped: Counter[str] = Counter()

    def add_file(self, session_id: str, file: Any) -> None:
        """Streamlit's ``add_file``, after dropping the session's oldest files that would leave no room for this one."""
        held = [(file_id, size) for file_id, size in self.held(session_id) if file_id != file.file_id]
        drop = held_over_quota(held, len(file.data))
        for file_id in drop:
            self._manager.remove_file(session_id, file_id)
        if drop:
            with self._lock:
                if len(self._dropped) > 10_000:  # sessions that never looked (gone, or not a browser)
                    self._dropped.clear()
                self._dropped[session_id] += len(drop)
        self._add_file(session_id, file)

    def take_dropped(self, session_id: str) -> int:
        """Files dropped from this session's store since the last call."""
        with self._lock:
            return self._dropped.pop(session_id, 0)

    def held(self, session_id: str) -> list[tuple[str, int]]:
        """``(file id, bytes)`` of the files held for a session, oldest first."""
        # list() of a dict's items is one step under the GIL: safe while the server adds and removes files.
        return [(file_id, len(record.data)) for file_id, record in
                list(self._manager.file_storage.get(session_id, {}).items())]


def install(manager: Any) -> HeldUploads | None:
    """Cap ``manager`` (Streamlit's in-memory upload store) per session, once; ``None`` for another kind of store
    (e.g. AppTest's stand-in runtime), which is left as it is."""
    if not isinstance(manager, MemoryUploadedFileManager):
        return None
    existing = getattr(manager, "_mapkit_held", None)
    if existing is not None:
        return existing
    held = HeldUploads(manager)
    manager.add_file = held.add_file  # the server's upload route calls the store's add_file for each file
    manager._mapkit_held = held
    return held


def server_store() -> HeldUploads | None:
    """The running server's capped upload store (``None`` outside a server)."""
    try:
        return install(get_instance().uploaded_file_mgr)
    except RuntimeError:  # no runtime
        return None


def session_id() -> str | None:
    """This script run's session id (``None`` outside a run)."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id


def upload_url(payload: GeometryPayload) -> str | None:
    """Where the map fetches the user's encoded layer: Streamlit's media store (in memory, named by its content, kept
    while this session shows it); ``None`` outside a running server (the layer is then sent inline)."""
    try:
        url = get_instance().media_file_mgr.add(payload.json.encode("utf-8"), "application/json",
                                                UPLOAD_COORDINATES)
    except RuntimeError:  # no runtime
        return None
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{url}" if base and url.startswith("/") else url
