"""Areas picked out on the web map above the choropleth: an open area's similar areas, outlined and numbered, with a
key naming each (:attr:`mapkit.view.View.similar`), and the bounds a map is fitted to when it shows them.

The outlines use the runtime sent with the choropleth (:func:`mapkit.web.webmap.highlight_group`), so the group
must be added after the choropleth's.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import folium
import geopandas as gpd
import pandas as pd

from mapkit.data.products import load_boundaries
from mapkit.web.webmap import SIMILAR_STYLE, highlight_group
from mapkit.web.elements import Legend

NUMBER_CSS = ("display:flex;align-items:center;justify-content:center;width:20px;height:20px;border-radius:50%;"
              f"background:{SIMILAR_STYLE['color']};color:#fff;font:bold 11px/1 system-ui,sans-serif;"
              "border:1.5px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.6)")
KEY_NUMBER_CSS = NUMBER_CSS.replace("width:20px;height:20px", "width:18px;height:18px;flex:none")


def bounds_of(level: str, codes: Sequence[str]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the areas ``codes`` of ``level`` (anywhere in England), or
    ``None`` when none is known."""
    shapes = load_boundaries(level)
    chosen = shapes[shapes["code"].isin(list(codes))]
    if chosen.empty:
        return None
    west, south, east, north = (float(v) for v in chosen.total_bounds)
    return [[south, west], [north, east]]


def number_marker(number: int, geometry: object) -> folium.Marker:
    """The area's rank among the similar areas, in a magenta disc at a point inside it (not clickable; the key
    names it)."""
    spot = geometry.representative_point()
    icon = folium.DivIcon(html=f'<div style="{NUMBER_CSS}" aria-hidden="true">{number}</div>', icon_size=(20, 20),
                          icon_anchor=(10, 10), class_name="mapkit-similar-number")
    return folium.Marker(location=(spot.y, spot.x), icon=icon, interactive=False)


def similar_key_html(area_name: str, table: pd.DataFrame) -> str:
    """The key: what the magenta outlines are, then each similar area by its number, name, parent and similarity."""
    rows = "".join(
        f'<li style="display:flex;gap:5px;align-items:center;margin:2px 0"><span style="{KEY_NUMBER_CSS}">'
        f"{int(row.rank)}</span><span>{escape(str(row.name))}"
        + (f" ({escape(str(row.parent))})" if isinstance(row.parent, str) and row.parent else "")
        + f" · {float(row.similarity):.1f}</span></li>" for row in table.itertuples())
    return ('<div class="mapkit-similar-key" style="background:rgba(255,255,255,0.94);padding:6px 8px;'
            'font:11px/1.3 sans-serif;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.3);max-width:230px">'
            f'<details open><summary style="cursor:pointer;font-weight:bold">Similar to {escape(area_name)}</summary>'
            '<ol style="list-style:none;margin:4px 0 0;padding:0;max-height:150px;overflow-y:auto" tabindex="0">'
            f'{rows}</ol>'
            '<div style="color:#333;margin-top:3px">Outlined in magenta; similarity 100 = identical.</div></details>'
            '</div>')


def similar_group(level: str, area_name: str, table: pd.DataFrame, *,
                  shapes: gpd.GeoDataFrame | None = None) -> folium.FeatureGroup:
    """The similar areas of an open area (``table`` from :func:`mapkit.analysis.similar.similar_areas`): outlined,
    numbered at a point inside each, with a key naming each while the group is shown.

    ``shapes`` are the areas to draw them on (default: the level's boundaries; a hex map passes its hexagons, from
    :func:`mapkit.data.hexes.hex_layout`, and a similar area without a hexagon there is named in the key only)."""
    codes = list(table["code"])
    group = highlight_group(level, codes, "Similar areas", SIMILAR_STYLE, shapes=shapes)
    shapes = (load_boundaries(level) if shapes is None else shapes).set_index("code").geometry
    for row in table.itertuples():
        if row.code in shapes.index:
            number_marker(int(row.rank), shapes[row.code]).add_to(group)
    Legend(similar_key_html(area_name, table), extra=True).add_to(group)
    return group
