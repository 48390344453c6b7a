"""The map: the view's choropleth with its overlays, the user's layer and outlined areas, drawn by
streamlit-folium; a click on an area opens its profile (or, while you draw or pick your own area, goes to it:
:mod:`mapkit.app.own_area`). Also the map's live announcement and text description.

The map's geometry and runtime are files the page fetches once (:func:`mapkit.app.cached.static_files`), so a rerun
sends only the layers' colours and tooltips. A click that opens a profile is read by the map's ``on_change``
callback, which writes the view before the page runs: one run per click, not a run that notices the click and asks
for another."""

from __future__ import annotations

from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

import mapkit
from mapkit.analysis import describe
from mapkit.analysis.map_data import MapData
from mapkit.app import state
from mapkit.app.layout import left_off
from mapkit.app.cached import in_brief, overlay_frame, own_figures, similar_table, static_files
from mapkit.app.own_area import MapExtras, map_extras, map_mode, take_map_result, takes_map_clicks
from mapkit.app.state import Widget
from mapkit.app.upload import UserLayer
from mapkit.app.upload_store import upload_url
from mapkit.data.hexes import hex_layout
from mapkit.data.products import area_codes
from mapkit.text import wording
from mapkit.text.markup import escape, markdown_text
from mapkit.view import View
from mapkit.web import assets
from mapkit.web import overlays as overlay_drawing
from mapkit.web.elements import Legend
from mapkit.web.highlights import bounds_of, similar_group
from mapkit.web.webmap import WebMap, build_map
from mapkit.web.upload_layer import upload_layer

MAP_HEIGHT = 660


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


def similar_layers(view: View, data: MapData) -> tuple[list[folium.FeatureGroup], list[list[float]] | None]:
    """The open area's similar areas, outlined, numbered and named in a key, and the bounds around them and the
    area (the map is fitted to them: they can lie anywhere in England), when the view asks for them."""
    if not view.similar:
        return [], None
    try:
        table = similar_table(view.area, view.level)
    except mapkit.MapkitError:
        return [], None
    names = data.frame.loc[data.frame["code"] == view.area, "name"]
    if view.layout == "hex":  # on the hexagons, and the hex map keeps its own extent
        shapes = hex_layout(view.level, view.region)
        return [similar_group(view.level, str(names.iloc[0]) if len(names) else view.area, table, shapes=shapes)], None
    group = similar_group(view.level, str(names.iloc[0]) if len(names) else view.area, table)
    return [group], bounds_of(view.level, [view.area, *table["code"]])


def place_bounds(view: View) -> list[list[float]] | None:
    """The bounds of the view's place (a zone or a line; a point keeps the region's), when it is drawn (never on a
    hex map: its hexagons are not places)."""
    if not view.place or view.layout == "hex":
        return None
    overlay_id, _, feature_id = view.place.partition(":")
    frame = overlay_frame(overlay_id, view.region, view.statuses, view.as_of)
    shapes = frame.geometry[frame["id"] == feature_id]
    if shapes.empty or shapes.iloc[0].geom_type == "Point":
        return None
    west, south, east, north = (float(v) for v in shapes.iloc[0].bounds)
    return [[south, west], [north, east]]


def make_map(view: View, data: MapData, user_layer: UserLayer | None = None,
             own: MapExtras = MapExtras()) -> WebMap:
    similar_outlines, fit = similar_layers(view, data)
    fit = fit or place_bounds(view)
    view_map = build_map(view, data=data, extra_layers=[*similar_outlines, *overlay_layers(view, user_layer),
                                                        *own.layers],
                         files=static_files(), bounds=fit)
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


def open_clicked_area() -> None:
    """The map's ``on_change`` callback: a click on an area of the view opens its profile, before the page runs
    (not while drawing or picking your own area: the page then reads the map's answer)."""
    view = state.current_view()
    if takes_map_clicks() and view.layout != "hex":  # a hex map draws no own area: its clicks open profiles
        return
    code = clicked_code(state.widget(Widget.MAP))
    if code and state.first_time("map_click", code) and code != view.area \
            and code in area_codes(view.level, view.region):
        state.set_view(view.with_area(code))
        state.ask_reveal()


def show_map(view: View, data: MapData, user_layer: UserLayer | None) -> None:
    """The map, its text description, and a click on an area opening that area's profile
    (:func:`open_clicked_area`), or, while you draw or pick your own area, going to it
    (:func:`mapkit.app.own_area.take_map_result`)."""
    hexed = view.layout == "hex"
    own = MapExtras() if hexed else map_extras(view)  # your own area is a place: not drawn on hexagons (left_off)
    view_map = make_map(view, data, user_layer, own)
    use_local_assets(view_map)
    result = st_folium(view_map.base, key=Widget.MAP, height=MAP_HEIGHT, use_container_width=True,
                       feature_group_to_add=list(view_map.layers), layer_control=view_map.layer_control(),
                       returned_objects=["last_active_drawing", *own.returned], on_change=open_clicked_area)
    unseen = left_off(view, upload=user_layer is not None and user_layer.frame is not None,
                      own=bool(view.own) or map_mode() in ("draw", "pick"))
    if unseen:
        st.caption(unseen)
    show_map_text(view, data)
    if not hexed:
        take_map_result(view, data, result)


def announce(view: View, data: MapData) -> None:
    """A polite live region (hidden from sight) saying what the map and profile now show, after each change."""
    names = data.frame.loc[data.frame["code"] == view.area, "name"] if view.area else ()
    text = describe.view_announcement(data, str(names.iloc[0]) if len(names) else None)
    st.html(f'<div class="mapkit-sr-only" role="status" aria-live="polite">{escape(text)}</div>')


def show_map_text(view: View, data: MapData) -> None:
    """The map's text alternative (indicator, region, classes, "In brief"), pointing to the ranked table."""
    with st.expander("Text description of the map"):
        st.markdown(markdown_text(describe.map_description(data, in_brief(view.indicator, view.level, view.region,
                                                                            own_figures(data)))))
