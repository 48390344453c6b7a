"""The user's own layer: the sidebar's uploader, read in a bounded worker, kept in this session's memory only."""

from __future__ import annotations

import dataclasses
import hashlib

import geopandas as gpd
import streamlit as st

from mapkit.app import state
from mapkit.app.state import Widget
from mapkit.data import uploads
from mapkit.errors import UploadError
from mapkit.text.markup import markdown_text


@dataclasses.dataclass(frozen=True, eq=False)
class UserLayer:
    """A file the user uploaded this session: its features, or why it was refused. Lives in session state only."""

    file_id: str
    name: str
    frame: gpd.GeoDataFrame | None
    error: str | None
    digest: str = ""
    """SHA-256 of the file's bytes: the key of this session's cached "who lives near" answers."""


def read_user_layer(data: bytes, filename: str) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """An uploaded file's features, or the message that says what is wrong and how to fix it (never a traceback).

    The file is read in a worker process with a memory ceiling and a time limit, so one upload cannot take the
    server (and every other user's session) down."""
    try:
        return uploads.read_upload_bounded(data, filename), None
    except UploadError as exc:
        return None, str(exc)


def upload_control() -> UserLayer | None:
    """The "bring your own layer" uploader. Streamlit keeps the upload in memory for this session; it is read
    from its bytes here and never written to disk or to a cache shared with other sessions."""
    sb = st.sidebar
    file = sb.file_uploader(
        "Your own layer (CSV or GeoJSON)", key=Widget.UPLOAD, max_upload_size=uploads.MAX_BYTES // 1024 // 1024,
        help=f"CSV with a name column and lat/lon (WGS84) or easting/northing (British National Grid), or a "
             f"GeoJSON file of points, lines or polygons; up to {uploads.MAX_BYTES // 1024 // 1024} MB and "
             f"{uploads.MAX_FEATURES:,} features. It stays in this browser session only and is not saved.")
    if file is None:
        state.USER_LAYER.pop()
        return None
    layer: UserLayer | None = state.USER_LAYER.get()
    if layer is None or layer.file_id != file.file_id:
        data = file.getvalue()
        with sb.spinner("Reading your layer..."):
            frame, error = read_user_layer(data, file.name)
        layer = UserLayer(file_id=file.file_id, name=file.name, frame=frame, error=error,
                          digest=hashlib.sha256(data).hexdigest())
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
