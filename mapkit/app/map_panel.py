"""The map: the view's choropleth with its overlays, the user's layer and outlined areas, drawn by
streamlit-folium; a click on an area opens its profile (or, while you draw or pick your own area, goes to it:
:mod:`mapkit.app.own_area`). Also the map's live announcement and text description."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

import mapkit
from mapkit.analysis import describe, similar
from mapkit.analysis.map_data import MapData
from mapkit.data.hexes import hex_layout
from mapkit.app import state
from mapkit.app.cached import geometry, in_brief, outlines, overlay_frame, similar_table
from mapkit.app.layout import left_off
from mapkit.app.own_area import MapExtras, map_extras, map_mode, take_map_result
from mapkit.app.state import Widget
from mapkit.app.upload import UserLayer
from mapkit.app.upload_store import upload_url
from mapkit.text import wording
from mapkit.text.markup import escape, markdown_text
from mapkit.view import View
from mapkit.web import assets
from mapkit.web import overlays as overlay_drawing
from mapkit.web.choropleth import SIMILAR_STYLE, WebMap, build_map, highlight_group
from mapkit.web.elements import Legend
from mapkit.web.encode import GeometryPayload
from mapkit.web.geometry_files import remove_unused, write_geometry
from mapkit.web.upload_layer import upload_layer

# Encoded areas as content-hashed files, served by Streamlit at app/static/geometry/ (static serving on in
# .streamlit/config.toml): the page fetches a view's areas once, and an indicator change sends only colours.
GEOMETRY_FOLDER = Path(assets.REPO_ROOT) / "static" / "geometry"
MAP_KEY = "map"
MAP_HEIGHT = 660


@st.cache_resource(show_spinner=False)
def removed_geometry() -> list[str]:
    """Once per process: delete geometry files no process sharing the folder has used for a day."""
    try:
        return remove_unused(GEOMETRY_FOLDER)
    except OSError:  # a read-only checkout: nothing to tidy
        return []


def geometry_url(payload: GeometryPayload) -> str | None:
    """Where the page fetches ``payload``; ``None`` (sent inline, as before) without static serving.

    The file is written if missing (also after another replica's clean-up removed it) and marked as in use."""
    if not st.get_option("server.enableStaticServing"):
        return None
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/app/static/geometry/" if base else "/app/static/geometry/"
    removed_geometry()
    try:
        return prefix + write_geometry(payload, GEOMETRY_FOLDER)
    except OSError:  # a read-only checkout: the map still works, sending its areas inline
        return None


def overlay_layers(view: View, user_layer: UserLayer | None = None) -> list[folium.FeatureGroup]:
    """Layers drawn above the choropleth: the chosen overlay groups (one layer per status), their key (a legend
    stacked above the choropleth's, carrying the groups' attribution), then the user's own layer."""
    layers: list[folium.FeatureGroup] = []
    if view.layout == "hex":  # hexagons are not places (mapkit.app.layout.left_off says so under the map)
        return layers
    drawn = []
    for overlay_id in view.overlays:
        frame = overlay_frame(overlay_id, view.region, view.statuses, view.as_of)
        if len(frame):
            layers.extend(overlay_drawing.overlay_layers(frame, overlay_id, as_of=view.as_of_date))
            drawn.append(overlay_id)
    if drawn:
        key = folium.FeatureGroup(name="Overlay key", control=False)
        # Folded on the map (the full key is in the sidebar beside the toggles), so the region keeps its room.
        Legend(overlay_drawing.legend_html(drawn, statuses=view.statuses, collapsible=True, folded=True), extra=True,
               attribution=wording.overlay_attribution(drawn)).add_to(key)
        layers.append(key)
    if user_layer is not None and user_layer.frame is not None:
        layers.append(upload_layer(user_layer.frame, user_layer.name, payload=user_layer.payload,
                                   url=None if user_layer.payload is None else upload_url(user_layer.payload)))
    return layers


def similar_layers(view: View) -> list[folium.FeatureGroup]:
    """The open area's similar areas outlined on the map, when the user asked for it."""
    if not (view.area and view.level in similar.LEVELS and state.widget(Widget.SHOW_SIMILAR)):
        return []
    try:
        codes = list(similar_table(view.area, view.level)["code"])
    except mapkit.MapkitError:
        return []
    shapes = hex_layout(view.level, view.region) if view.layout == "hex" else None
    return [highlight_group(view.level, codes, "Similar areas", SIMILAR_STYLE, shapes=shapes)]


def make_map(view: View, data: MapData, user_layer: UserLayer | None = None,
             own: MapExtras = MapExtras()) -> WebMap:
    where = (view.level, view.region, view.layout)
    view_map = build_map(view, data=data, extra_layers=[*similar_layers(view), *overlay_layers(view, user_layer),
                                                        *own.layers],
                         geometry=geometry(*where), outlines=outlines(*where), geometry_url=geometry_url)
    for tool in own.tools:  # the drawing tools sit on the base map, with their editable layer
        tool.add_to(view_map.base)
    return view_map


def use_local_assets(view_map: WebMap) -> None:
    """With MAPKIT_LOCAL_ASSETS=1 the map's scripts come from this server, not public CDNs (docs/offline.md)."""
    if not assets.local_assets_requested():
        return
    try:
        assets.serve_locally(view_map.base, *view_map.layers, base_url_path=st.get_option("server.baseUrlPath"),
                             static_serving=st.get_option("server.enableStaticServing"))
    except mapkit.MapkitError as exc:
        st.warning(str(exc), icon="⚠️")


def clicked_code(result: Any) -> str | None:
    drawing = (result or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) else None


def show_map(view: View, data: MapData, user_layer: UserLayer | None) -> None:
    """The map, its text description, and a click on an area opening that area's profile."""
    hexed = view.layout == "hex"
    own = MapExtras() if hexed else map_extras(view)  # your own area is a place: not drawn on hexagons (left_off)
    view_map = make_map(view, data, user_layer, own)
    use_local_assets(view_map)
    result = st_folium(view_map.base, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
                       feature_group_to_add=list(view_map.layers), layer_control=view_map.layer_control(),
                       returned_objects=["last_active_drawing", *own.returned])
    unseen = left_off(view, upload=user_layer is not None and user_layer.frame is not None,
                      own=bool(view.own) or map_mode() in ("draw", "pick"))
    if unseen:
        st.caption(unseen)
    show_map_text(view, data)
    if not hexed and take_map_result(view, data, result):  # drawing or picking your own area: no profile opens
        return
    code = clicked_code(result)
    if code and state.first_time("map_click", code):
        if code != view.area and code in set(data.frame["code"]):
            state.set_view(dataclasses.replace(view, area=code))
            st.rerun()


def announce(view: View, data: MapData) -> None:
    """A polite live region (hidden from sight) saying what the map and profile now show, after each change."""
    names = data.frame.loc[data.frame["code"] == view.area, "name"] if view.area else ()
    text = describe.view_announcement(data, str(names.iloc[0]) if len(names) else None)
    st.html(f'<div class="mapkit-sr-only" role="status" aria-live="polite">{escape(text)}</div>')


def show_map_text(view: View, data: MapData) -> None:
    """The map's text alternative (indicator, region, classes, "In brief"), pointing to the ranked table."""
    with st.expander("Text description of the map"):
        st.markdown(markdown_text(describe.map_description(data, in_brief(view.indicator, view.level,
                                                                            view.region))))
