"""The Export tab: files of the current view (static maps, HTML, CSV, the briefing pack), made when asked for."""

from __future__ import annotations

import dataclasses
from typing import Any

import streamlit as st

import mapkit
from mapkit.analysis.map_data import MapData, prepare
from mapkit.app import state
from mapkit.app.state import Widget
from mapkit.export.menu import EXPORTS, export_file, size_text
from mapkit.export.options import MAX_LABELS
from mapkit.view import View


@dataclasses.dataclass(frozen=True, eq=False)
class PreparedExport:
    """A file made for a download button, with the request (view, choice, labels) it was made for."""

    request: tuple[Any, ...]
    content: bytes
    name: str
    mime: str


def export_data(view: View) -> MapData:
    """The export data of the view on the map (files show no selected area, as their request says)."""
    return prepare(view.with_area(None))


def show_export(view: View) -> None:
    """Files of the current view, made only when asked for (a map page takes a few seconds), then downloaded."""
    st.caption("Every file shows the view on the map: region, areas, indicator, classes, palette and the overlays "
               "turned on, with titles, legend and sources. Your own uploaded layer stays on this page only.")
    left, middle, right = st.columns([5, 3, 2], vertical_alignment="bottom")
    choice_key = left.selectbox("Format", list(EXPORTS), key=Widget.EXPORT_FORMAT,
                                format_func=lambda k: EXPORTS[k].label)
    choice = EXPORTS[choice_key]
    labels = middle.number_input("Name the most and least extreme areas", min_value=0, max_value=MAX_LABELS,
                                 value=0, step=1, key=Widget.EXPORT_LABELS, disabled=not choice.static,
                                 help="How many areas to label by name at each end of the scale (0: none).")
    request = (view.with_area(None), choice_key, int(labels) if choice.static else 0)
    if right.button("Prepare file", key="export_prepare", type="primary", width="stretch"):
        with st.status(f"Preparing: {choice.label}", expanded=True) as progress:
            try:
                st.write("Loading and classifying the areas...")
                data = export_data(view)
                st.write("Drawing and writing the file..." if choice.static else "Writing the file...")
                content, name, mime = export_file(data, choice_key, labels=request[2])
            except mapkit.MapkitError as exc:
                progress.update(label="The file could not be made", state="error")
                st.error(str(exc))
                return
            progress.update(label=f"Ready: {name} ({size_text(len(content))})", state="complete", expanded=False)
        state.PREPARED_EXPORT.set(PreparedExport(request=request, content=content, name=name, mime=mime))
    prepared: PreparedExport | None = state.PREPARED_EXPORT.get()
    if prepared is not None and prepared.request == request:
        st.download_button(f"Download {prepared.name} ({size_text(len(prepared.content))})", data=prepared.content,
                           file_name=prepared.name, mime=prepared.mime, key="export_download", type="primary",
                           on_click="ignore", icon=":material/download:")
    elif prepared is not None:
        st.caption("The view or the format changed since the last file was made: prepare it again.")
