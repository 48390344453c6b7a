"""The hex map on a static page: every area one equal hexagon (:mod:`mapkit.data.hexes`), in the web map's colours.

Hexagons are regular in Web Mercator, so the page draws them in EPSG:3857. They are a layout, not geography: the
page has no scale bar, no north arrow and no neighbouring districts around the region, and draws no overlay (their
coordinates are real places). The largest districts are named (:data:`mapkit.data.hexes.LABEL_COUNT`, as on the
web map), each label kept only where it overlaps no larger place's; combined authorities (over districts) or
districts (over wards) are outlined. The footer credits the layout (:func:`mapkit.export.wording.source_lines`) and
says what the map is (:func:`mapkit.text.wording.hex_note`).
"""

from __future__ import annotations

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from mapkit.analysis.map_data import MapData
from mapkit.data.hexes import hex_groups, hex_layout, place_labels
from mapkit.errors import ProductError
from mapkit.export import cartography as carto
from mapkit.export import labels as area_labels

MERCATOR = 3857
PLACE_SIZE = 6.8
"""Place names, in points."""


def hex_areas(data: MapData) -> gpd.GeoDataFrame:
    """The view's hexagons in EPSG:3857, one row per row of ``data.frame`` and in its order (so the classes of
    ``data.classification`` line up with them).

    Raises
    ------
    ProductError
        When the layout lacks an area of the view (the hex products and the boundaries were built apart).
    """
    view = data.view
    layout = hex_layout(view.level, view.region).set_index("code")
    codes = [str(c) for c in data.frame["code"]]
    missing = [c for c in codes if c not in layout.index]
    if missing:
        raise ProductError(f"The hex layout has no hexagon for {len(missing)} of the {len(codes)} areas of this map "
                           f"(e.g. {missing[0]}): the hex products (data/hex/) and the boundaries differ; rebuild "
                           "them together with `python -m mapkit build-data`.")
    frame = gpd.GeoDataFrame(layout.loc[codes].reset_index(), geometry="geometry", crs=layout.crs)
    return frame.to_crs(MERCATOR)


def draw_hex_map(ax: Axes, data: MapData, *, label_count: int = 0) -> None:
    """The hex map on ``ax``: hexagons, group outlines, the largest places' names and, with ``label_count``, the
    ``label_count`` worst and best areas (as on a geographic page; a place among them is named once, as such)."""
    view = data.view
    areas = hex_areas(data)
    carto.draw_areas(ax, data, areas)
    groups = hex_groups(view.level, view.region).to_crs(MERCATOR)
    if len(groups):
        carto.add_polygons(ax, groups.geometry.to_numpy(), facecolors="none", edgecolors=carto.INK,
                           linewidths=carto.PARENT_WIDTH, zorder=carto.Z_PARENTS,
                           path_effects=carto.casing(carto.PARENT_WIDTH))
    carto.frame_region(ax, areas)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#9e9e9e")
        spine.set_linewidth(0.5)
    extremes = area_labels.extremes(data, areas, label_count)
    points = place_labels(view.level, view.region).to_crs(MERCATOR)
    named = {item.name for item in extremes}  # named once, as an extreme (bold or italic)
    places = place_names(ax, points[~points["name"].isin(named)])
    renderer = ax.figure.canvas.get_renderer()
    area_labels.place_labels(ax, extremes, avoid=[text.get_window_extent(renderer) for text in places])


def place_names(ax: Axes, points: gpd.GeoDataFrame) -> list[Text]:
    """Names centred on their points (largest first) on a pale box; a name overlapping an earlier one is left out.

    A pale box rather than a stroked halo keeps the name as text in SVG."""
    renderer = ax.figure.canvas.get_renderer()
    kept: list[Text] = []
    boxes: list[Bbox] = []
    for name, point in zip(points["name"], points.geometry):
        text = ax.text(point.x, point.y, str(name), fontsize=PLACE_SIZE, ha="center", va="center", color=carto.INK,
                       weight="bold", zorder=carto.Z_FURNITURE - 0.5, gid="mapkit-place", clip_on=True,
                       bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        box = text.get_window_extent(renderer).padded(1.0)
        if any(box.overlaps(other) for other in boxes):
            text.remove()
            continue
        kept.append(text)
        boxes.append(box)
    return kept
