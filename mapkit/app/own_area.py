"""Your own area: draw it on the map, pick its wards or LSOAs, paste their codes or load a GeoJSON file; its profile
below (:mod:`mapkit.app.own_profile`). The area lives in the view (``View.own``: its link token, ``own_name``), so the
page's link reopens it; the mode is the tab's radio, read by the map (:mod:`mapkit.app.map_panel`) through
:func:`map_extras` and :func:`take_map_result`.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import streamlit as st
from branca.element import MacroElement

import mapkit
from mapkit.analysis.map_data import MapData
from mapkit.app import state
from mapkit.app.own_profile import show_own_profile
from mapkit.app.state import Widget
from mapkit.data import own_areas
from mapkit.data.own_areas import OwnArea
from mapkit.data.uploads import MAX_BYTES
from mapkit.errors import MapkitError
from mapkit.text.markup import markdown_text
from mapkit.view import View
from mapkit.web.own_area import draw_tools, own_area_layer, picked_layer

MODES = {"off": "Just show it", "draw": "Draw on the map", "pick": "Pick areas on the map",
         "codes": "Paste codes", "file": "Load a GeoJSON file"}
PICK_LEVELS = ("ward", "lsoa")


@dataclasses.dataclass(frozen=True)
class MapExtras:
    """What the own area adds to the map: tools on the base map, layers above the areas, objects to return."""

    tools: tuple[MacroElement, ...] = ()
    layers: tuple[Any, ...] = ()
    returned: tuple[str, ...] = ()


def map_mode() -> str:
    """The tab's mode ("off" while the tab is not drawn)."""
    mode = state.widget(Widget.OWN_MODE, "off")
    return mode if mode in MODES else "off"


def takes_map_clicks() -> bool:
    """Whether the map's clicks go to the own area (draw and pick mode) rather than open a profile."""
    return map_mode() in ("draw", "pick")


def map_extras(view: View) -> MapExtras:
    """In draw mode the drawing tools (the drawn area back in them, editable); otherwise the area's outline; in
    pick mode the picked areas outlined, and the click's position returned so a second click on an area counts."""
    mode = map_mode()
    area = current_area(view)
    if mode == "draw":
        editable = area if area is not None and area.kind == "shape" else None
        layers = (own_area_layer(area),) if area is not None and editable is None else ()
        return MapExtras(tools=tuple(draw_tools(editable)), layers=layers, returned=("all_drawings",))
    layers: tuple[Any, ...] = ()
    if area is not None:
        if mode == "pick" and area.kind == view.level:
            layers = (picked_layer(view.level, area.codes),)
        else:
            layers = (own_area_layer(area),)
    return MapExtras(layers=layers, returned=("last_object_clicked",) if mode == "pick" else ())


def current_area(view: View) -> OwnArea | None:
    try:
        return view.own_area
    except MapkitError:  # a view from the widgets is valid; this is a guard, not a path
        return None


def area_name(view: View) -> str:
    return own_areas.clean_name(state.widget(Widget.OWN_NAME) or view.own_name)


def set_own(view: View, area: OwnArea | None) -> None:
    """Make ``area`` the page's own area (``None``: none), kept in the view and so in the link."""
    state.OWN_PROBLEM.set(None)
    if area is None:
        state.set_view(dataclasses.replace(view, own=None, own_name=None))
        state.OWN_IN_COMPARE.set(False)
        return
    token, note = area.link
    state.OWN_NOTES.set([*area.notes, *([note] if note else [])])
    state.set_widget(Widget.OWN_NAME, area.name)  # called before the tab draws its name box
    state.set_view(dataclasses.replace(view, own=token, own_name=area.name))


def take_map_result(view: View, data: MapData, result: dict | None) -> bool:
    """Act on the map's answer in draw and pick mode (and report it handled, so a click opens no profile)."""
    mode = map_mode()
    result = result or {}
    if mode == "draw":
        drawings = result.get("all_drawings")
        if drawings is not None and state.first_time("own_drawings", json.dumps(drawings, sort_keys=True)):
            use_input(view, lambda: own_areas.from_drawings(drawings, name=area_name(view)) if drawings else None)
        return True
    if mode == "pick":
        code = ((result.get("last_active_drawing") or {}).get("properties") or {}).get("code")
        where = result.get("last_object_clicked")
        if isinstance(code, str) and state.first_time("own_pick", (code, json.dumps(where, sort_keys=True))):
            if view.level in PICK_LEVELS and code in set(data.frame["code"]):
                use_input(view, lambda: picked(view, code))
        return True
    return False


def picked(view: View, code: str) -> OwnArea | None:
    """The group after a click: the area added, or taken out if it was in (a group of the map's level only)."""
    area = current_area(view)
    codes = list(area.codes) if area is not None and area.kind == view.level else []
    codes = [c for c in codes if c != code] if code in codes else [*codes, code]
    return own_areas.from_codes(codes, name=area_name(view)) if codes else None


def use_input(view: View, make) -> None:
    """Make the own area from the user's input; a refusal is kept to be shown in the tab, never raised."""
    try:
        area = make()
    except MapkitError as exc:
        state.OWN_PROBLEM.set(str(exc))
        return
    set_own(view, area)
    st.rerun()


def show_own_area(view: View) -> None:
    """The tab: how to make the area, its name, then its profile."""
    st.caption("Draw an area on the map, pick wards or LSOAs, paste their codes or load a GeoJSON file: its "
               "residents and how they compare appear below, and the page's link keeps it.")
    mode = st.radio("How to make it", list(MODES), key=Widget.OWN_MODE, format_func=MODES.get, horizontal=True,
                    on_change="rerun")
    if mode == "draw":
        st.caption("Use the tools at the top left of the map: polygon, rectangle or circle; the pencil edits, the "
                   "bin deletes. Several shapes make one area.")
    elif mode == "pick":
        if view.level in PICK_LEVELS:
            st.caption(f"Click {mapkit.registry().boundary(view.level).plural} on the map to add them to your area; "
                       "click one again to take it out. Their profiles do not open while you pick.")
        else:
            st.info("Picking works on wards or LSOAs: choose one of them under Areas in the sidebar.", icon="ℹ️")
    elif mode == "codes":
        paste_codes(view)
    elif mode == "file":
        load_file(view)
    area = current_area(view)
    if state.widget(Widget.OWN_NAME) is None:
        state.set_widget(Widget.OWN_NAME, view.own_name or own_areas.DEFAULT_NAME)
    name = st.text_input("Its name", key=Widget.OWN_NAME, max_chars=own_areas.MAX_NAME, disabled=area is None)
    if area is not None and own_areas.clean_name(name) != area.name:
        state.set_view(dataclasses.replace(view, own_name=own_areas.clean_name(name)))
        st.rerun()
    problem = state.OWN_PROBLEM.get()
    if problem:
        st.error(markdown_text(problem), icon="⚠️")
    for note in state.OWN_NOTES.get() or []:
        st.warning(markdown_text(note), icon="🛠️")
    if area is None:
        st.caption("No area yet.")
        return
    show_own_profile(view, area)
    if st.button("Clear your area", key="own_clear", icon=":material/delete:"):
        state.OWN_NOTES.set([])
        set_own(view, None)
        st.rerun()


def paste_codes(view: View) -> None:
    text = st.text_area("Ward codes (E05...) or LSOA codes (E01...)", key=Widget.OWN_CODES, height=90,
                        placeholder="E05011120, E05011127, ...",
                        help=f"Separated by commas, spaces or new lines; one kind at a time; up to "
                             f"{own_areas.MAX_CODES:,}.")
    if st.button("Use these codes", key="own_use_codes", disabled=not (text or "").strip()):
        use_input(view, lambda: own_areas.from_codes(text, name=area_name(view)))


def load_file(view: View) -> None:
    file = st.file_uploader("A GeoJSON file of polygons (one saved here comes back as it was)", type=["geojson",
                            "json"], key=Widget.OWN_FILE, max_upload_size=MAX_BYTES // 1024 // 1024)
    if file is not None and state.first_time("own_file", file.file_id):
        use_input(view, lambda: own_areas.from_geojson(file.getvalue(), file.name))
