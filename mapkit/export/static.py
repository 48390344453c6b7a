"""Static map pages (PNG, PDF, SVG) drawn with matplotlib alone: no browser, no tiles, no pyplot state.

A page has a header (title, subtitle), the map (areas, parent outlines, overlays, optional labels, scale bar,
north arrow), a legend panel on the right and a footer with every source, vintage and licence line. Page sizes
are a table (:data:`mapkit.export.options.PAGES`). Figures are ``matplotlib.figure.Figure`` objects with their own
Agg canvas, and the export's matplotlib settings apply only while a page is drawn or saved (:func:`export_style`),
so the rest of the process keeps its own. PDF text is embedded as TrueType (``pdf.fonttype`` 42) and SVG text stays
text (``svg.fonttype`` "none"), so titles, legends and sources can be searched and copied.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import threading
from collections.abc import Iterator
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mapkit.errors import UnknownNameError
from mapkit.export import cartography as carto
from mapkit.export import labels as area_labels
from mapkit.export.page_text import FONT_FAMILY, GREY_TEXT, line_height, wrap
from mapkit.export.legend import draw_legend
from mapkit.export.options import DEFAULT_DPI, PAGES, FigureOptions
from mapkit.analysis.map_data import MapData
from mapkit.export.wording import parent_levels, source_lines, subtitle, title, worst_best
from mapkit.text.wording import hex_note

RC: dict[str, Any] = {
    "font.family": FONT_FAMILY,
    "svg.fonttype": "none",
    "svg.hashsalt": "mapkit",
    "pdf.fonttype": 42,
    "hatch.linewidth": 0.45,
    "path.simplify": True,
    "savefig.facecolor": "white",
}
"""matplotlib settings for every export: the bundled DejaVu Sans (same layout on every machine), searchable text
in SVG and PDF, deterministic SVG ids."""

_RC_LOCK = threading.RLock()


@contextlib.contextmanager
def export_style() -> Iterator[None]:
    """Apply :data:`RC` while drawing or saving. ``rc_context`` changes matplotlib's process-wide settings for its
    duration, so exports from concurrent app sessions take turns instead of restoring each other's settings."""
    with _RC_LOCK, matplotlib.rc_context(RC):
        yield


MARGIN = 0.35
GUTTER = 0.25
TITLE_SIZE, SUBTITLE_SIZE, FOOTER_SIZE = 16.0, 10.0, 6.4


@dataclasses.dataclass(frozen=True, eq=False)
class MapFigure:
    """A drawn page and its map axes (data coordinates are EPSG:27700 metres; EPSG:3857 on a hex map), e.g. to
    locate areas in pixels."""

    figure: Figure
    map_axes: Axes
    scale_bar: carto.ScaleBar | None
    legend_height: float
    legend_room: float


def footer_text(data: MapData) -> list[str]:
    """Footer paragraphs: every source line, then how the map was made."""
    worst = worst_best(data)[0]
    view = data.view
    if view.layout == "hex":
        drawing = hex_note(view.level, view.region) + (" Overlays are not drawn on a hex map: its hexagons are not "
                                                        "places." if view.overlays else "")
    else:
        drawing = "Projection: British National Grid (EPSG:27700); north is grid north."
    method = f"Classes: {subtitle(data)}. Rank and decile 1 = {worst}. {drawing}"
    if data.versus is not None:
        method = f"{data.versus.palette.source}. {method}"
    return [*source_lines(data), method]


def _fraction(fig: Figure, left: float, bottom: float, width: float, height: float) -> list[float]:
    w, h = fig.get_size_inches()
    return [left / w, bottom / h, width / w, height / h]


def _draw_text_block(fig: Figure, lines: list[str], *, x: float, top: float, fontsize: float, colour: str,
                     weight: str = "normal") -> float:
    """Lines from ``top`` (inches from the bottom) downwards; returns the new top."""
    w, h = fig.get_size_inches()
    for line in lines:
        fig.text(x / w, top / h, line, fontsize=fontsize, color=colour, fontweight=weight, va="top", ha="left")
        top -= line_height(fontsize, 1.25)
    return top


def draw_map(ax: Axes, data: MapData, *, label_count: int = 0) -> carto.ScaleBar | None:
    """The map itself on ``ax``: context, areas, outlines, overlays, scale bar, north arrow, labels; or the hex map
    (:func:`mapkit.export.hexmap.draw_hex_map`, which has no scale bar: ``None``)."""
    if data.view.layout == "hex":
        from mapkit.export.hexmap import draw_hex_map

        draw_hex_map(ax, data, label_count=label_count)
        return None
    areas = carto.to_bng(data.frame)
    carto.draw_context(ax, data)
    carto.draw_areas(ax, data, areas)
    carto.draw_outlines(ax, data, parent_levels(data.view.level))
    markers = carto.draw_overlays(ax, data)
    carto.frame_region(ax, areas)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#9e9e9e")
        spine.set_linewidth(0.5)
    bar = carto.scale_bar(ax)
    carto.north_arrow(ax)
    renderer = ax.figure.canvas.get_renderer()
    avoid = [bar.box.get_window_extent(renderer), *(t.get_window_extent(renderer) for t in ax.texts),
             *area_labels.marker_boxes(ax, markers)]
    area_labels.place_labels(ax, area_labels.extremes(data, areas, label_count), avoid=avoid)
    return bar


def map_figure(data: MapData, options: FigureOptions = FigureOptions(), *, heading: str | None = None) -> MapFigure:
    """Draw the whole page for ``data``; the figure is ready for :func:`save`. ``heading`` replaces the title
    (a user's own area names the page after itself)."""
    page = PAGES[options.page]
    with export_style():
        fig = Figure(figsize=options.figsize, dpi=options.dpi, facecolor="white")
        FigureCanvasAgg(fig)
        text_width = page.width - 2 * MARGIN
        top = _draw_text_block(fig, wrap(heading or title(data), text_width, TITLE_SIZE, bold=True), x=MARGIN,
                               top=page.height - MARGIN, fontsize=TITLE_SIZE, colour=carto.INK, weight="bold")
        top = _draw_text_block(fig, wrap(subtitle(data), text_width, SUBTITLE_SIZE), x=MARGIN, top=top - 0.04,
                               fontsize=SUBTITLE_SIZE, colour="#333333")
        footer = [line for paragraph in footer_text(data) for line in wrap(paragraph, text_width, FOOTER_SIZE)]
        footer_top = MARGIN + len(footer) * line_height(FOOTER_SIZE, 1.25)
        _draw_text_block(fig, footer, x=MARGIN, top=footer_top, fontsize=FOOTER_SIZE, colour=GREY_TEXT)
        body_bottom = footer_top + 0.18
        body_top = top - 0.15
        body_height = body_top - body_bottom
        map_width = page.width - 2 * MARGIN - page.panel - GUTTER
        ax = fig.add_axes(_fraction(fig, MARGIN, body_bottom, map_width, body_height))
        legend_ax = fig.add_axes(_fraction(fig, page.width - MARGIN - page.panel, body_bottom, page.panel,
                                           body_height))
        used = draw_legend(legend_ax, data, width=page.panel, height=body_height,
                           label_note=area_labels.label_note(data, options.labels))
        bar = draw_map(ax, data, label_count=options.labels)
    return MapFigure(figure=fig, map_axes=ax, scale_bar=bar, legend_height=used, legend_room=body_height)


SAVE_METADATA: dict[str, dict[str, Any]] = {
    "png": {},
    "pdf": {"Creator": "mapkit (England policy map)", "CreationDate": None},
    "svg": {"Creator": "mapkit (England policy map)", "Date": None},
}
"""Per format: document metadata (no creation date, so the same map gives the same file)."""


def save(fig: Figure, fmt: str, *, dpi: int = DEFAULT_DPI, title_text: str = "") -> bytes:
    """The figure as PNG, PDF or SVG bytes at ``dpi`` (the page size is kept exactly: no tight cropping)."""
    if fmt not in SAVE_METADATA:
        raise UnknownNameError(f"Unknown static format {fmt!r}: use one of {', '.join(SAVE_METADATA)}.")
    metadata = dict(SAVE_METADATA[fmt])
    if title_text and fmt != "png":
        metadata["Title"] = title_text
    buffer = io.BytesIO()
    with export_style():
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata or None)
    return buffer.getvalue()


def static_bytes(data: MapData, fmt: str, options: FigureOptions = FigureOptions()) -> bytes:
    """One map page as ``fmt`` ("png", "pdf" or "svg") bytes."""
    drawn = map_figure(data, options)
    return save(drawn.figure, fmt, dpi=options.dpi, title_text=title(data))
