"""The user's own layer: the sidebar's uploader, read in a bounded worker, kept in this session's memory only.

A file is counted first (over a budget it is refused at once), then read in one of the server's few workers
(:mod:`mapkit.workers`): when they are all busy the sidebar says how many earlier uploads it waits for. It is
encoded for the map once (:func:`mapkit.web.upload_layer.encode_upload`) and fetched by the page once from memory
(:func:`mapkit.app.upload_store.upload_url`). A session may have read :data:`~mapkit.data.uploads.MAX_SESSION_FILES`
files, and the server keeps at most :data:`~mapkit.data.uploads.MAX_HELD_FILES` of its uploaded files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from mapkit.app import state
from mapkit.app.cached import upload_workers
from mapkit.app.state import Widget
from mapkit.app.upload_store import server_store, session_id
from mapkit.data import uploads
from mapkit.errors import UploadError
from mapkit.text.markup import markdown_text
from mapkit.web.encode import GeometryPayload
from mapkit.web.upload_layer import encode_upload
from mapkit.workers import waiting_message


@dataclasses.dataclass(frozen=True, eq=False)
class UserLayer:
    """A file the user uploaded this session: its features, or why it was refused. Lives in session state only."""

    file_id: str
    name: str
    frame: gpd.GeoDataFrame | None
    error: str | None
    digest: str = ""
    """SHA-256 of the file's bytes: the key of this session's cached "who lives near" answers."""
    payload: GeometryPayload | None = None
    """The features encoded for the map (:func:`mapkit.web.upload_layer.encode_upload`), once per upload."""


def waiting_notice(place: st.delta_generator.DeltaGenerator) -> Callable[[int], None]:
    """An ``on_wait`` for :mod:`mapkit.workers` that shows how many earlier uploads this one waits for in
    ``place`` (an ``st.empty()``), updated as they finish."""
    return lambda ahead: place.info(waiting_message(ahead), icon="⏳")


def read_user_layer(data: bytes, filename: str, *,
                    on_wait: Callable[[int], None] | None = None) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """An uploaded file's features, or the message that says what is wrong and how to fix it (never a traceback).

    The file is counted here and read in a worker process with a memory ceiling and a time limit, so one upload
    cannot take the server (and every other user's session) down."""
    try:
        return uploads.read_upload_bounded(data, filename, on_wait=on_wait), None
    except UploadError as exc:
        return None, str(exc)


def _read(file: object) -> UserLayer:
    """Read a newly chosen file, unless this session has read its quota of files."""
    name = str(getattr(file, "name", ""))
    files_read = state.UPLOADS_READ.get(0) or 0
    refused = uploads.quota_message(files_read=files_read)
    if refused is not None:
        return UserLayer(file_id=file.file_id, name=name, frame=None, error=refused)
    state.UPLOADS_READ.set(files_read + 1)
    data = file.getvalue()
    place = st.sidebar.empty()
    with st.sidebar.spinner("Reading your layer..."):
        frame, error = read_user_layer(data, name, on_wait=waiting_notice(place))
    place.empty()
    return UserLayer(file_id=file.file_id, name=name, frame=frame, error=error,
                     digest=hashlib.sha256(data).hexdigest(),
                     payload=None if frame is None else encode_upload(frame))


def upload_control() -> UserLayer | None:
    """The "bring your own layer" uploader. Streamlit keeps the upload in memory for this session; it is read
    from its bytes here and never written to disk or to a cache shared with other sessions."""
    sb = st.sidebar
    upload_workers()  # started in the background on the first run, ready before anyone chooses a file
    file = sb.file_uploader(
        "Your own layer (CSV or GeoJSON)", key=Widget.UPLOAD, max_upload_size=uploads.MAX_BYTES // 1024 // 1024,
        help=f"CSV with a name column and lat/lon (WGS84) or easting/northing (British National Grid), or a "
             f"GeoJSON file of points, lines or polygons; up to {uploads.MAX_BYTES // 1024 // 1024} MB and "
             f"{uploads.MAX_FEATURES:,} features. It stays in this browser session only and is not saved.")
    store, session = server_store(), session_id()
    dropped = uploads.quota_message(dropped=store.take_dropped(session)) if store and session else None
    if dropped:
        sb.warning(dropped, icon="⚠️")
    if file is None:
        state.USER_LAYER.pop()
        return None
    layer: UserLayer | None = state.USER_LAYER.get()
    if layer is None or layer.file_id != file.file_id:
        layer = _read(file)
        state.USER_LAYER.set(layer)
    if layer.error is not None:
        sb.error(markdown_text(layer.error), icon="⚠️")
        return None
    for note in layer.frame.attrs.get("notes", []):
        sb.warning(markdown_text(note), icon="🛠️")
    count = len(layer.frame)
    sb.caption(f"Drawn as **Your layer: {markdown_text(layer.name)}** ({count:,} feature{'s' * (count != 1)}). "
               "Kept in this session's memory only; never saved on the server.")
    return layer
