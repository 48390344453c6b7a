"""Name labels for the most and least extreme areas, placed greedily so that they do not overlap.

Each label tries positions around its area's representative point (right, left, above, below, diagonals), then
the same positions further out with a leader line; it takes the first that overlaps no earlier label and no map
furniture, or the least crowded one if none is free. Worst areas are labelled in bold, best in italics.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from mapkit.export import cartography as carto
from mapkit.export.options import check_label_count
from mapkit.analysis.map_data import MapData
from mapkit.export.wording import plural, worst_best
from mapkit.analysis.ranking import rank_worst_first

FONT_SIZE = 6.5
NEAR, FAR = 4.0, 15.0
DIRECTIONS: tuple[tuple[float, float, str, str], ...] = (
    (1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
    (1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"), (-1, -1, "right", "top"),
)
"""Unit offsets with the text alignment that puts the label on that side of its point."""
RELPOS = {"left": 0.0, "right": 1.0, "bottom": 0.0, "top": 1.0, "center": 0.5}
"""Where a leader line leaves its label: the label's corner or edge nearest the point."""


@dataclasses.dataclass(frozen=True)
class LabelledArea:
    name: str
    x: float
    y: float
    worst: bool


def extremes(data: MapData, areas: gpd.GeoDataFrame, n: int) -> list[LabelledArea]:
    """The ``n`` worst then the ``n`` best areas with a figure (never the same area twice), in BNG."""
    check_label_count(n)
    if n == 0:
        return []
    values = pd.to_numeric(data.frame["value"], errors="coerce").reset_index(drop=True)
    ranks = rank_worst_first(values, data.spec.higher_is)
    order = ranks.dropna().astype(int).sort_values(kind="stable")
    worst = list(order.index[:n])
    best = [i for i in order.index[::-1][:n] if i not in worst]
    points = areas.geometry.reset_index(drop=True).representative_point()
    names = data.frame["name"].reset_index(drop=True)
    return [LabelledArea(str(names[i]), float(points[i].x), float(points[i].y), i in worst) for i in worst + best]


def label_note(data: MapData, n: int) -> str:
    """Legend line explaining the labels."""
    if n == 0:
        return ""
    worst, best = worst_best(data)
    return (f"Labelled: the {n} {worst} {plural(data.view.level)} (bold) and the {n} {best} (italic); "
            "dots mark the labelled areas.")


def _overlap(box: Bbox, placed: list[Bbox]) -> float:
    total = 0.0
    for other in placed:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def place_labels(ax: Axes, items: list[LabelledArea], *, avoid: list[Bbox] = ()) -> list[Annotation]:
    """Draw a dot and a label for each item, avoiding earlier labels, ``avoid`` boxes and the axes edge."""
    if not items:
        return []
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed = list(avoid)
    ax.scatter([i.x for i in items], [i.y for i in items], s=7, color=carto.INK, edgecolors="white",
               linewidths=0.5, zorder=carto.Z_FURNITURE - 1)
    for point in items:
        placed.append(Bbox.from_extents(*_dot_box(ax, point)))
    annotations = []
    for item in items:
        best: tuple[float, Annotation] | None = None
        for distance in (NEAR, FAR):
            for dx, dy, ha, va in DIRECTIONS:
                leader = {"arrowstyle": "-", "color": "#333333", "linewidth": 0.5, "shrinkA": 1, "shrinkB": 2,
                          "relpos": (RELPOS[ha], RELPOS[va])} if distance == FAR else None
                text = ax.annotate(item.name, (item.x, item.y), xytext=(dx * distance, dy * distance),
                                   textcoords="offset points", ha=ha, va=va, fontsize=FONT_SIZE,
                                   fontweight="bold" if item.worst else "normal",
                                   fontstyle="normal" if item.worst else "italic", color=carto.INK,
                                   path_effects=carto.HALO, arrowprops=leader, zorder=carto.Z_FURNITURE,
                                   annotation_clip=False)
                box = _text_box(text, renderer)
                outside = not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1)
                cost = _overlap(box, placed) + (1e9 if outside else 0.0)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, text)
                else:
                    text.remove()
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        placed.append(_text_box(best[1], renderer))
        annotations.append(best[1])
    return annotations


def _text_box(text: Annotation, renderer: RendererBase) -> Bbox:
    """The label's text extent (not its leader line), with a little room around it."""
    text.update_positions(renderer)
    return Text.get_window_extent(text, renderer).padded(2.0)


def _dot_box(ax: Axes, item: LabelledArea) -> tuple[float, float, float, float]:
    x, y = ax.transData.transform((item.x, item.y))
    r = 2.0 * ax.figure.dpi / 72
    return x - r, y - r, x + r, y + r


def marker_boxes(ax: Axes, points: list[tuple[float, float]]) -> list[Bbox]:
    """Display boxes of overlay markers at ``points`` (data coordinates), for labels to keep clear of."""
    if not points:
        return []
    r = 3.5 * ax.figure.dpi / 72
    return [Bbox.from_extents(x - r, y - r, x + r, y + r) for x, y in ax.transData.transform(points)]

