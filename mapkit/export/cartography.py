"""Drawing a map on a matplotlib ``Axes`` in British National Grid: areas, outlines, overlays, scale bar, north arrow.

Everything is drawn in EPSG:27700 (metres), so the scale bar is true (BNG's scale error is under 0.04% in
England) and grid north, at the top of the page, is within 3 degrees of true north. Areas take exactly the
class colours of the web map; an area without a figure takes the palette's "no data" fill and outline, hatched so
it cannot be read as a class in greyscale. Overlays keep the web map's status code, which does not rely on colour:
line dash, marker outline dash, and marker fill (filled, half-filled, hollow); on a greyscale palette they are
drawn in black.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import matplotlib.colors as mcolors
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.patches import Polygon, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import ScaledTranslation
from shapely.geometry.base import BaseGeometry

from mapkit.analysis.classify import NO_DATA
from mapkit.data.products import ENGLAND, load_boundaries
from mapkit.analysis.map_data import MapData
from mapkit.data.io import BNG, WGS84
from mapkit.specs.registry import overlay_declarations
from mapkit.specs.palettes import NoDataStyle

INK = "#1a1a1a"
AREA_EDGE = "#ffffff"
AREA_EDGE_WIDTH: dict[str, float] = {"ca": 0.6, "lad": 0.45, "ward": 0.3, "lsoa": 0.12}
"""White lines between areas, in points: thinner for smaller areas so they do not swamp the fills."""
PARENT_WIDTH = 0.75
REGION_WIDTH = 1.4
DENSE = 60
"""More parent outlines than this (e.g. England's 296 districts) are drawn thin and without their white casing;
likewise more than 20 times as many areas get thinner white edges, so small areas keep their colour."""
CONTEXT_EDGE = "#bdbdbd"
CONTEXT_WIDTH = 0.4
NO_DATA_HATCH = "//////"
PAD = 0.04
"""Space around the region, as a share of its extent."""

Z_CONTEXT, Z_AREAS, Z_PARENTS, Z_REGION, Z_LINES, Z_POINTS, Z_FURNITURE = 1, 2, 3, 4, 5, 6, 8
Z_ZONES = 4.5
"""Zone outlines: above the region outline, below the overlay lines and markers."""

HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


@dataclasses.dataclass(frozen=True)
class OverlayStyle:
    """Static-map sizes of the web map's overlay styles (``mapkit.specs.overlay_styles``), in points."""

    line_width: float = 1.8
    zone_width: float = 1.3
    zone_label_size: float = 5.5
    marker_edge: float = 1.1
    circle_size: float = 6.0
    square_size: float = 5.6


OVERLAY = OverlayStyle()
WEB_LINE_WEIGHT = 4.0
WEB_MARKER_WEIGHT = 3.0


def to_bng(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(BNG)


def blend(colour: str, opacity: float) -> str:
    """``colour`` at ``opacity`` over white, as an opaque colour (keeps greys grey and PDFs free of alpha)."""
    rgb = np.asarray(mcolors.to_rgb(colour))
    return mcolors.to_hex(1.0 - opacity * (1.0 - rgb))


def svg_dashes(dash: str | None, weight: float) -> tuple[float, tuple[float, ...]] | str:
    """An SVG ``stroke-dasharray`` drawn at ``weight`` px as a matplotlib dash pattern (in line widths)."""
    if not dash:
        return "solid"
    return 0.0, tuple(float(v) / weight for v in dash.split())


def geometry_paths(geometries: Sequence[BaseGeometry] | np.ndarray) -> list[Path]:
    """One matplotlib ``Path`` per (multi)polygon, holes included, built from shapely's coordinate arrays.

    Drawing collections of these directly is several times faster than ``GeoDataFrame.plot``, which asks the
    canvas to redraw after every call. Rings are oriented first (exteriors counter-clockwise, holes clockwise), as
    matplotlib fills by the non-zero winding rule.
    """
    geoms = shapely.orient_polygons(np.asarray(geometries, dtype=object))
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    if len(coords):
        change = coord_ring[1:] != coord_ring[:-1]
        codes[np.r_[True, change]] = Path.MOVETO
        codes[np.r_[change, True]] = Path.CLOSEPOLY
    owner = part_geom[ring_part[coord_ring]] if len(coords) else np.empty(0, dtype=int)
    cuts = np.searchsorted(owner, np.arange(1, len(geoms)))
    return [Path(v, c) for v, c in zip(np.split(coords, cuts), np.split(codes, cuts))]


def add_polygons(ax: Axes, geometries: Sequence[BaseGeometry] | np.ndarray, **style: Any) -> PathCollection:
    """Polygons as one collection in data coordinates (``facecolors``, ``edgecolors``, ``linewidths``...)."""
    collection = PathCollection(geometry_paths(geometries), **style)
    ax.add_collection(collection, autolim=False)
    return collection


def area_fills(data: MapData) -> list[str | None]:
    """Per area: its class colour, or ``None`` without a figure."""
    return [None if c == NO_DATA else data.colours[c] for c in data.classification.classes]


def draw_areas(ax: Axes, data: MapData, areas: gpd.GeoDataFrame) -> None:
    """The choropleth: class colours with white edges, then hatched "no data" areas."""
    fills = area_fills(data)
    has = np.array([f is not None for f in fills], dtype=bool)
    geometry = areas.geometry.to_numpy()
    width = AREA_EDGE_WIDTH[data.view.level] * (0.4 if len(areas) > 20 * DENSE else 1.0)
    if has.any():
        add_polygons(ax, geometry[has], facecolors=[f for f in fills if f is not None], edgecolors=AREA_EDGE,
                     linewidths=width, zorder=Z_AREAS)
    if (~has).any():
        style = data.ramp.no_data
        add_polygons(ax, geometry[~has], facecolors=style.fill, edgecolors=style.outline, hatch=NO_DATA_HATCH,
                     linewidths=0.5, linestyles=[svg_dashes(style.dash, 1.0)], zorder=Z_AREAS)


def no_data_swatch(xy: tuple[float, float], width: float, height: float, style: NoDataStyle, **kwargs: Any
                   ) -> Rectangle:
    """The legend swatch matching the "no data" areas."""
    return Rectangle(xy, width, height, facecolor=style.fill, edgecolor=style.outline, hatch=NO_DATA_HATCH,
                     linewidth=0.6, linestyle=svg_dashes(style.dash, 1.0), **kwargs)


def casing(width: float) -> list[patheffects.AbstractPathEffect]:
    """A thin white edge on both sides of a dark line, so it stays visible across the darkest classes."""
    return [patheffects.Stroke(linewidth=width + 1.0, foreground="white"), patheffects.Normal()]


def draw_outlines(ax: Axes, data: MapData, parent_levels: list[str]) -> None:
    """Parent boundaries (e.g. districts over wards) and the region's own edge, thicker."""
    region = data.view.region
    for level in parent_levels:
        parents = load_boundaries(level, region)
        if len(parents) > DENSE:
            add_polygons(ax, to_bng(parents).geometry.to_numpy(), facecolors="none", edgecolors=INK,
                         linewidths=PARENT_WIDTH * 0.45, zorder=Z_PARENTS)
        elif len(parents):
            add_polygons(ax, to_bng(parents).geometry.to_numpy(), facecolors="none", edgecolors=INK,
                         linewidths=PARENT_WIDTH, zorder=Z_PARENTS, path_effects=casing(PARENT_WIDTH))
    if region != ENGLAND:
        from mapkit.data.overlays import region_geometry

        edge = gpd.GeoSeries([region_geometry(region)], crs=WGS84).to_crs(BNG)
        add_polygons(ax, edge.to_numpy(), facecolors="none", edgecolors=INK, linewidths=REGION_WIDTH,
                     zorder=Z_REGION, path_effects=casing(REGION_WIDTH))


def draw_context(ax: Axes, data: MapData) -> None:
    """Neighbouring districts as light outlines, so the region is seen in place (not drawn for England)."""
    if data.view.region == ENGLAND:
        return
    add_polygons(ax, to_bng(load_boundaries("lad")).geometry.to_numpy(), facecolors="none",
                 edgecolors=CONTEXT_EDGE, linewidths=CONTEXT_WIDTH, zorder=Z_CONTEXT)


def frame_region(ax: Axes, areas: gpd.GeoDataFrame) -> None:
    """Fit the axes to the areas with a margin, widening one direction so that metres stay square."""
    west, south, east, north = areas.total_bounds
    width, height = (east - west) * (1 + 2 * PAD), (north - south) * (1 + 2 * PAD)
    box = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()
    box_ratio = (box.height * fig_h) / (box.width * fig_w)
    if height / width > box_ratio:
        width = height / box_ratio
    else:
        height = width * box_ratio
    cx, cy = (west + east) / 2, (south + north) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")


# --------------------------------------------------------------------------------------------------- overlays


@dataclasses.dataclass(frozen=True)
class StatusLook:
    """How one overlay status is drawn on a static map (colours already resolved for the palette)."""

    stroke: str
    fill: str
    line_dashes: tuple[float, tuple[float, ...]] | str
    outline_dashes: tuple[float, tuple[float, ...]] | str
    capstyle: str
    outline_capstyle: str
    hollow: bool


def status_look(category: str, *, greyscale: bool) -> StatusLook:
    """The web map's style of a status (``mapkit.specs.overlay_styles.STATUS_STYLES``); black ink on greyscale
    palettes."""
    from mapkit.specs.overlay_styles import HOLLOW_FILL, STATUS_STYLES

    style = STATUS_STYLES[category]
    stroke = "#000000" if greyscale else style.colour
    fill = HOLLOW_FILL if style.hollow else blend(stroke, style.fill_opacity)
    return StatusLook(stroke=stroke, fill=fill, line_dashes=svg_dashes(style.line_dash, WEB_LINE_WEIGHT),
                      outline_dashes=svg_dashes(style.outline_dash, WEB_MARKER_WEIGHT),
                      capstyle=_cap(style.line_dash), outline_capstyle=_cap(style.outline_dash),
                      hollow=style.hollow)


def _cap(dash: str | None) -> str:
    """Round caps turn a "1 n" pattern into dots, as on the web map; other dashes keep square ends."""
    return "round" if dash and dash.startswith("1 ") else "butt"


def marker_shape(overlay_id: str) -> str:
    """matplotlib marker of an overlay group: the web map's squares and circles."""
    from mapkit.specs.overlay_styles import MARKER_SHAPES

    return {"square": "s", "circle": "o"}[MARKER_SHAPES.get(overlay_id, "circle")]


def marker_area(marker: str) -> float:
    size = OVERLAY.square_size if marker == "s" else OVERLAY.circle_size
    return size * size


def zone_rings(geometry: Any) -> list[Any]:
    """Every exterior and interior ring of a (Multi)Polygon, as shapely LinearRings."""
    polygons = getattr(geometry, "geoms", [geometry])
    return [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]


def draw_zones(ax: Axes, frame: Any, greyscale: bool) -> None:
    """Zones (features drawn as their wards) as unfilled outlines dashed by status, each area named once."""
    from mapkit.data.overlays import zone_short_name

    if "zone" not in frame.columns:
        return
    zones = frame[frame["zone"].eq(True) & frame.geom_type.isin(["MultiPolygon", "Polygon"])]
    named: dict[tuple[str, ...], tuple[Any, list[str]]] = {}
    # Least advanced first, so where zones share wards the current designation's outline is on top.
    for category in reversed(overlay_declarations().status.order):
        look = status_look(category, greyscale=greyscale)
        for _, row in zones[zones["status_category"] == category].iterrows():
            for ring in zone_rings(row.geometry):
                x, y = ring.xy
                ax.plot(x, y, color=look.stroke, linewidth=OVERLAY.zone_width,
                        dashes=dash_sequence(look.line_dashes), solid_capstyle="butt", dash_capstyle=look.capstyle,
                        zorder=Z_ZONES, gid="mapkit-zone",
                        path_effects=[patheffects.Stroke(linewidth=OVERLAY.zone_width + 1.2, foreground="white"),
                                      patheffects.Normal()])
            key = tuple(sorted(row.get("ward_codes") if row.get("ward_codes") is not None else ()))
            geometry, names = named.setdefault(key, (row.geometry, []))
            short = zone_short_name(str(row["name"]))
            if short not in names:
                names.append(short)
    for geometry, names in named.values():
        spot = geometry.representative_point()
        ax.text(spot.x, spot.y, " / ".join(names), fontsize=OVERLAY.zone_label_size, ha="center", va="center",
                color=INK, weight="bold", zorder=Z_ZONES + 0.2, gid="mapkit-zone-label", clip_on=True,
                # a pale box rather than a stroked halo: SVG keeps the name as text (a halo turns it into paths)
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"})


def draw_overlays(ax: Axes, data: MapData) -> list[tuple[float, float]]:
    """Every overlay's zones (outlines, lowest), lines, then points (above), one status at a time in the declared
    order.

    Returns the (x, y) of every marker drawn, so labels can keep clear of them.
    """
    markers: list[tuple[float, float]] = []
    order = overlay_declarations().status.order
    greyscale = data.ramp.greyscale
    projected = {oid: to_bng(frame) for oid, frame in data.overlays.items() if len(frame)}
    for frame in projected.values():
        draw_zones(ax, frame, greyscale)
    for frame in projected.values():
        for category in order:
            subset = frame[(frame["status_category"] == category) & (frame.geom_type == "LineString")]
            look = status_look(category, greyscale=greyscale)
            for geometry in subset.geometry:
                x, y = geometry.xy
                ax.plot(x, y, color=look.stroke, linewidth=OVERLAY.line_width, dashes=dash_sequence(look.line_dashes),
                        solid_capstyle="butt", dash_capstyle=look.capstyle, zorder=Z_LINES,
                        path_effects=[patheffects.Stroke(linewidth=OVERLAY.line_width + 1.6, foreground="white"),
                                      patheffects.Normal()])
    for overlay_id, frame in projected.items():
        marker = marker_shape(overlay_id)
        for category in order:
            subset = frame[(frame["status_category"] == category) & (frame.geom_type == "Point")]
            if subset.empty:
                continue
            look = status_look(category, greyscale=greyscale)
            marker_scatter(ax, subset.geometry.x, subset.geometry.y, marker, look, zorder=Z_POINTS)
            markers.extend(zip(subset.geometry.x, subset.geometry.y))
    return markers


def marker_scatter(ax: Axes, x: Any, y: Any, marker: str, look: StatusLook, **kwargs: Any) -> None:
    """Overlay markers of one status (also used for the legend samples)."""
    collection = ax.scatter(x, y, s=marker_area(marker), marker=marker, facecolor=look.fill, edgecolor=look.stroke,
                            linewidths=OVERLAY.marker_edge, linestyle=look.outline_dashes,
                            path_effects=[patheffects.Stroke(linewidth=OVERLAY.marker_edge + 1.2,
                                                             foreground="white"), patheffects.Normal()], **kwargs)
    collection.set_capstyle(look.outline_capstyle)


def dash_sequence(dashes: tuple[float, tuple[float, ...]] | str) -> tuple[float, ...]:
    """``Line2D(dashes=...)`` form: an empty sequence is a solid line."""
    return () if isinstance(dashes, str) else dashes[1]


# --------------------------------------------------------------------------------------------------- furniture


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above ``target`` (metres)."""
    exponent = math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * 10 ** exponent <= target:
            return float(step * 10 ** exponent)
    return float(10 ** exponent)


def distance_text(metres: float) -> str:
    return f"{metres / 1000:g}" if metres >= 1000 else f"{metres:g}"


@dataclasses.dataclass(frozen=True, eq=False)
class ScaleBar:
    """What :func:`scale_bar` drew: its length in metres, its segments and the white box behind it."""

    length: float
    segments: tuple[Rectangle, ...]
    box: Rectangle


def scale_bar(ax: Axes, *, fontsize: float = 7.0, share: float = 0.22) -> ScaleBar:
    """A four-segment black and white bar, about ``share`` of the map width, bottom left.

    The length is computed from the axes limits in metres (EPSG:27700), so it is true on the page.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length((x1 - x0) * share)
    unit = "km" if length >= 1000 else "m"
    height_in = ax.get_window_extent().height / ax.figure.dpi
    per_inch = (y1 - y0) / height_in
    bar_h = 0.055 * per_inch
    left = x0 + 0.15 * per_inch
    bottom = y0 + 0.17 * per_inch
    box = Rectangle((left - 0.08 * per_inch, bottom - 0.1 * per_inch), length + 0.5 * per_inch,
                    bar_h + 0.3 * per_inch, facecolor="white", edgecolor="none", alpha=0.85, zorder=Z_FURNITURE)
    ax.add_patch(box)
    segment = length / 4
    segments = tuple(
        ax.add_patch(Rectangle((left + i * segment, bottom), segment, bar_h, facecolor=INK if i % 2 == 0 else "white",
                               edgecolor=INK, linewidth=0.6, zorder=Z_FURNITURE + 1))
        for i in range(4))
    for value in (0.0, length / 2, length):
        text = distance_text(value) + (f" {unit}" if value == length else "")
        ax.text(left + value, bottom + bar_h + 0.03 * per_inch, text, ha="center" if value < length else "left",
                va="bottom", fontsize=fontsize, color=INK, zorder=Z_FURNITURE + 1)
    return ScaleBar(length=length, segments=segments, box=box)


def north_arrow(ax: Axes, *, x: float = 0.965, y: float = 0.89, size: float = 0.32, fontsize: float = 9.0) -> None:
    """A half-filled arrow with "N", ``size`` inches tall, at axes fraction (x, y) (grid north)."""
    fig = ax.figure
    where = fig.dpi_scale_trans + ScaledTranslation(x, y, ax.transAxes)
    half = size * 0.3
    tip, base, notch = (0.0, size / 2), -size / 2, -size * 0.28
    ax.add_patch(Polygon([tip, (-half, base), (0.0, notch)], closed=True, facecolor=INK, edgecolor=INK,
                         linewidth=0.6, transform=where, zorder=Z_FURNITURE + 1))
    ax.add_patch(Polygon([tip, (half, base), (0.0, notch)], closed=True, facecolor="white", edgecolor=INK,
                         linewidth=0.6, transform=where, zorder=Z_FURNITURE + 1))
    ax.text(0.0, size / 2 + 0.03, "N", transform=where, ha="center", va="bottom", fontsize=fontsize,
            fontweight="bold", color=INK, zorder=Z_FURNITURE + 1, path_effects=HALO)
