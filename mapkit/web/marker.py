"""The searched postcode's point on the web map: a small layer drawn above the areas and overlays."""

from __future__ import annotations

import html

import folium

from mapkit.data.postcodes import PostcodeResult

MARKER_STYLE = {"radius": 8, "color": "#ffffff", "weight": 3, "fill": True, "fill_color": "#000000",
                "fill_opacity": 1.0}
"""A black dot in a white ring: one of the two contrasts with every class colour of every palette."""


def postcode_layer(found: PostcodeResult) -> folium.FeatureGroup | None:
    """A layer marking a postcode's OS Code-Point Open point, with its postcode as tooltip; ``None`` with no point."""
    if found.lat is None or found.lon is None:
        return None
    group = folium.FeatureGroup(name=f"Postcode {found.postcode}", overlay=True, control=True)
    tip = html.escape(f"{found.postcode} (OS Code-Point Open point)")
    folium.CircleMarker(location=[found.lat, found.lon], tooltip=tip, interactive=True,
                        class_name="mapkit-postcode", **MARKER_STYLE).add_to(group)
    return group
