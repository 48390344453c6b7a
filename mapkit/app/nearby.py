"""Who lives near the overlays: one line per group, then residents near (or in) one place by national IMD decile,
against the combined authority and England; and what the research could not map."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pandas as pd
import streamlit as st

import mapkit
from mapkit.analysis import nearby, zones
from mapkit.app import state
from mapkit.app.cached import (decile_comparison, feature_nearby, overlay_frame, overlay_summary_text,
                               zone_residents)
from mapkit.app.state import Widget
from mapkit.app.upload import UserLayer, waiting_notice
from mapkit.data import overlays
from mapkit.errors import UploadError
from mapkit.specs.registry import overlay_declarations, overlay_specs
from mapkit.text.markup import markdown_text, safe_url, without_bidi_controls
from mapkit.view import View


@dataclasses.dataclass(frozen=True)
class Place:
    """A place offered under "who lives near": an overlay feature or a feature of the user's layer."""

    label: str
    overlay_id: str | None = None
    feature_id: str | None = None
    geometry: Any = None
    upload_key: tuple[str, int] | None = None
    """(SHA-256 of the upload, feature index) for a feature of the user's layer."""

    zone: bool = False
    ca_code: str | None = None

    def residents(self, view: View, distance_km: float) -> nearby.Nearby | zones.ZoneResidents:
        if self.zone:
            return zone_residents(str(self.overlay_id), view.region, str(self.feature_id))
        if self.overlay_id is not None:
            return feature_nearby(self.overlay_id, view.region, str(self.feature_id), distance_km)
        return upload_nearby(self, distance_km)


def upload_nearby(place: Place, distance_km: float) -> nearby.Nearby:
    """Residents near a feature of the user's layer: measured in a worker with a memory and time budget, and kept
    in this session's state by upload content (never in a cache shared with other sessions), so a change of
    basemap or palette does not count them again."""
    cache: dict[tuple[Any, ...], nearby.Nearby] = state.UPLOAD_NEARBY.setdefault({})
    key = (*(place.upload_key or ()), float(distance_km))
    if key not in cache:
        if len(cache) >= 64:
            cache.clear()
        waiting = st.empty()
        cache[key] = nearby.population_near_bounded(place.geometry, distance_km=distance_km,
                                                    what=f"Counting residents near {place.label}",
                                                    on_wait=waiting_notice(waiting))
        waiting.empty()
    return cache[key]


def places(view: View, user_layer: UserLayer | None) -> dict[str, Place]:
    """The features drawn on the map, by key, in group then name order."""
    out: dict[str, Place] = {}
    for overlay_id in view.overlays:
        frame = overlay_frame(overlay_id, view.region, view.statuses, view.as_of).sort_values("name", kind="stable")
        is_zone = frame["zone"].eq(True) if "zone" in frame.columns else pd.Series(False, index=frame.index)
        for feature_id, label, zone, ca in zip(frame["id"], overlays.feature_labels(frame), is_zone, frame["ca_code"]):
            out[f"{overlay_id}:{feature_id}"] = Place(label=label, overlay_id=overlay_id, feature_id=feature_id,
                                                      zone=bool(zone), ca_code=ca if isinstance(ca, str) else None)
    if user_layer is not None and user_layer.frame is not None:
        for i, row in enumerate(user_layer.frame.itertuples()):
            label = f"{without_bidi_controls(row.name)} (your layer)"
            out[f"upload:{user_layer.file_id}:{i}"] = Place(label=label, geometry=row.geometry,
                                                            upload_key=(user_layer.digest, i))
    return out


def show_nearby(view: View, user_layer: UserLayer | None) -> None:
    """Who lives near the overlays: one line per group, then residents near one place by national IMD decile."""
    if not view.overlays and user_layer is None:
        st.caption("Turn on an overlay in the sidebar (growth locations, transport schemes), or add your own "
                   "layer, to see who lives near it.")
        return
    region_name = mapkit.region_name(view.region)
    options = places(view, user_layer)
    keys = list(options)
    place_column, distance_column = st.columns([3, 2], gap="medium")
    if keys:
        state.keep_option(Widget.NEAR_PLACE, keys, keys[0])
        chosen = place_column.selectbox(
            "Who lives near", keys, key=Widget.NEAR_PLACE, format_func=lambda k: options[k].label,
            help="A scheme, station or location drawn on the map, or a feature of your own layer. Type to search.")
    else:
        place_column.caption(f"No feature of the chosen overlays and statuses lies in or near {region_name}.")
    distance = distance_column.slider(
        "Within", nearby.MIN_DISTANCE_KM, nearby.MAX_DISTANCE_KM, value=nearby.DEFAULT_DISTANCE_KM, step=0.5,
        format="%.1f km", key=Widget.NEAR_KM, help="Distance from the place, in British National Grid metres.")
    specs = overlay_specs()
    with st.spinner("Counting residents..."):
        for overlay_id in view.overlays:
            st.markdown(f"**{specs[overlay_id].label}** in {region_name}: "
                        f"{overlay_summary_text(overlay_id, view.region, view.statuses, distance, view.as_of)}")
        try:
            result = options[chosen].residents(view, distance) if keys else None
        except UploadError as exc:  # the user's shape needed more than one session's budget
            st.warning(markdown_text(str(exc)), icon="⚠️")
            result = None
    if result is not None:
        show_residents(view, options[chosen], result, distance)
    if keys and options[chosen].zone:
        st.caption(f"Method (zone): {zones.METHOD}")
    st.caption(f"Method: {nearby.METHOD_DETAIL}")
    for overlay_id in view.overlays:
        show_not_mapped(overlay_id, view.region)


def show_residents(view: View, place: Place, result: nearby.Nearby | zones.ZoneResidents, distance: float) -> None:
    """Residents near (or in) one place by national IMD decile, then compared with the CA and England."""
    st.markdown(f"**{markdown_text(place.label)}**: {result.sentence()}")
    table = pd.DataFrame({"National decile": result.table["decile"],
                          "Residents": result.table["population"].round(-1).astype(int),
                          "Share": (100 * result.table["share"]).round(1)})
    left, right = st.columns([2, 3], gap="medium")
    left.dataframe(table, hide_index=True, width="stretch", height=grid_height(len(table)), column_config={
        "National decile": st.column_config.NumberColumn(help="IoD2025 IMD decile of the LSOA; 1 = most "
                                                              "deprived 10% of England"),
        "Residents": st.column_config.NumberColumn("Residents (about)", format="localized"),
        "Share": st.column_config.NumberColumn("Share of residents", format="%.1f%%"),
    })
    right.bar_chart(table, x="National decile", y="Residents", height=grid_height(len(table)),
                    x_label="National IMD decile (1 = most deprived 10%)", y_label="Residents")
    ca_code = view.region if mapkit.region_kind(view.region) == "ca" else place.ca_code
    compared = decile_comparison(tuple(float(x) for x in result.table["share"]), ca_code)
    compared = compared.rename(columns={"decile": "National decile",
                                        "here": "In the zone" if place.zone else f"Within {distance:g} km",
                                        "combined authority": mapkit.region_name(ca_code) if ca_code else "",
                                        "England": "England"})
    for column in compared.columns[1:]:
        compared[column] = (100 * compared[column]).round(1)
    st.markdown("**Share of residents by national IMD decile, compared** (%; combined authority and England "
                "from the same LSOA figures)")
    st.dataframe(compared, hide_index=True, width="stretch", height=grid_height(len(compared)))


def grid_height(rows: int) -> int:
    """Height of a dataframe showing every row without scrolling."""
    return 38 + 35 * rows


def show_not_mapped(overlay_id: str, region: str) -> None:
    """The research rows of an overlay group that have no coordinate, so users can see what the map leaves out."""
    spec = overlay_specs()[overlay_id]
    rows = overlays.not_mapped_for_readers(overlay_id, region=region)
    region_name = mapkit.region_name(region)
    with st.expander(f"{spec.label} not on the map in {region_name}: {len(rows)} without a coordinate"):
        if rows.empty:
            st.caption("Every researched feature of this group in the region has a coordinate.")
            return
        declarations = overlay_declarations()
        first_url = [next((u for u in re.split(r"\s+;\s+", str(cell or "")) if safe_url(u)), None)
                     for cell in rows["source_url"]]
        table = pd.DataFrame({
            "Name": rows["name"],
            "Type": [declarations.subtype_label(str(t)) for t in rows["subtype"]],
            "Status": rows["status"],
            "District": rows["lad"],
            "Why not mapped": rows["reason"],
            "Source": rows["source_title"],
            "Link": first_url,
        })
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "Link": st.column_config.LinkColumn("Link", display_text="open source")})
