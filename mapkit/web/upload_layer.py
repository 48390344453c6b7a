"""A user's uploaded layer (:func:`mapkit.data.uploads.read_upload`) as a folium layer, every text escaped."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import shapely
from shapely.geometry import mapping

from mapkit.text.markup import escape, table
from mapkit.web.popup import Popup

UPLOAD_COLOUR = "#222222"
UPLOAD_FILL = "#F0E442"


def _popup(name: str, details: Mapping[str, str]) -> str:
    rows = [(str(k), escape(v)) for k, v in details.items()]
    return (f'<div class="mapkit-upload-popup" style="font:13px/1.35 sans-serif;max-width:340px">'
            f'<div style="font-weight:bold;margin-bottom:4px">{escape(name)}</div>{table(rows)}'
            f'<div style="color:#555;margin-top:4px">From your upload; not checked by this site.</div></div>')


def upload_layer(frame: gpd.GeoDataFrame, name: str, *, show: bool = True) -> folium.FeatureGroup:
    """A ``FeatureGroup`` for an upload read by :func:`mapkit.data.uploads.read_upload`, with escaped names, popups
    and tooltips.

    Points (and each point of a MultiPoint) are yellow circles with a dark outline; lines and polygons are drawn
    dark with a yellow fill, so an upload stands apart from the overlay groups.
    """
    group = folium.FeatureGroup(name=escape(f"Your layer: {name}"), show=show)
    for row in frame.to_dict(orient="records"):
        label = str(row.get("name", ""))
        details = row.get("details") if isinstance(row.get("details"), dict) else {}
        geometry = row["geometry"]
        if geometry.geom_type in ("Point", "MultiPoint"):
            # Each point of a MultiPoint is a marker of its own with the feature's popup and tooltip, exactly as a
            # Point is drawn (a GeoJson layer would draw default pins and break the map's hover code).
            for point in shapely.get_parts(geometry):
                folium.CircleMarker(location=(point.y, point.x), radius=6, color=UPLOAD_COLOUR, weight=2,
                                    fill=True, fill_color=UPLOAD_FILL, fill_opacity=0.95,
                                    popup=Popup(_popup(label, details), max_width=360),
                                    tooltip=folium.Tooltip(escape(label))).add_to(group)
        else:
            style = {"color": UPLOAD_COLOUR, "weight": 3, "fillColor": UPLOAD_FILL, "fillOpacity": 0.3}
            layer = folium.GeoJson(mapping(geometry), style_function=lambda _feature, s=style: s)
            layer.add_child(Popup(_popup(label, details), max_width=360))
            layer.add_child(folium.Tooltip(escape(label)))
            layer.add_to(group)
    return group
