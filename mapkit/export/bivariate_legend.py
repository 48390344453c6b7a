"""The legend panel of a static bivariate map: a 3 x 3 grid of the nine cells with the count of areas in each,
both measures named along their axes with the direction of higher values, the thirds' cut values, "no data",
what the thirds were cut from, the correlation and the palette's source.

Drawn in the same inch-scaled panel as the single-measure legend (:class:`mapkit.export.legend.Stack`), which calls
:func:`draw_versus_legend` for a map with a second measure.
"""

from __future__ import annotations

from matplotlib.patches import Rectangle

from mapkit.analysis.map_data import MapData
from mapkit.export import cartography as carto
from mapkit.export.page_text import GREY_TEXT, Sizes, Stack, wrap
from mapkit.export.wording import in_sentence
from mapkit.specs.bivariate import TERTILES, cell_index, ink_on
from mapkit.text.bivariate import ARROW_X, ARROW_Y

CELL = 0.5
"""Side of one cell of the grid, inches."""
AXIS_ROOM = 0.5
"""Room left of the grid for the second measure's name and direction (written upwards)."""


def _grid(stack: Stack, data: MapData, s: Sizes) -> None:
    versus = data.versus
    counts = versus.cells.counts
    left, top = AXIS_ROOM, stack.y
    size = CELL * TERTILES
    for y in range(1, TERTILES + 1):
        for x in range(1, TERTILES + 1):
            colour = data.colours[cell_index(x, y)]
            cx, cy = left + (x - 1) * CELL, top + (TERTILES - y) * CELL
            stack.ax.add_patch(Rectangle((cx, cy), CELL, CELL, facecolor=colour, edgecolor="white", linewidth=1.0))
            stack.ax.text(cx + CELL / 2, cy + CELL / 2, f"{int(counts[y - 1, x - 1]):,}", fontsize=s.row,
                          ha="center", va="center", color=ink_on(colour), gid="mapkit-cell-count")
    x_fmt, y_fmt = versus.x.spec.format_value, versus.y.spec.format_value
    for i, cut in enumerate(versus.cells.x_breaks, start=1):
        stack.ax.text(left + i * CELL, top + size + 0.03, x_fmt(cut), fontsize=s.note - 0.8, ha="center", va="top",
                      color=GREY_TEXT)
    for i, cut in enumerate(versus.cells.y_breaks, start=1):
        stack.ax.text(left + size + 0.04, top + size - i * CELL, y_fmt(cut), fontsize=s.note - 0.8, ha="left",
                      va="center", color=GREY_TEXT)
    y_text = f"{versus.y.spec.label}: {versus.y_words.direction} {ARROW_Y}"
    stack.ax.text(AXIS_ROOM - 0.08, top + size / 2, "\n".join(wrap(y_text, size + 0.3, s.note)), fontsize=s.note,
                  rotation=90, ha="right", va="center", color=carto.INK, multialignment="center",
                  gid="mapkit-y-axis")
    stack.y = top + size + 0.2
    x_text = f"{versus.x.spec.label}: {versus.x_words.direction} {ARROW_X}"
    for line in wrap(x_text, stack.width - AXIS_ROOM, s.note):
        stack.ax.text(AXIS_ROOM, stack.y, line, fontsize=s.note, va="top", ha="left", color=carto.INK,
                      gid="mapkit-x-axis")
        stack.y += s.note * 1.3 / 72


def _no_data(stack: Stack, data: MapData, s: Sizes) -> None:
    top = stack.y + (s.row_h - s.swatch_h) / 2
    stack.ax.add_patch(carto.no_data_swatch((0, top), s.swatch_w, s.swatch_h, data.versus.palette.no_data))
    middle = stack.y + s.row_h / 2
    stack.ax.text(s.swatch_w + 0.1, middle, "No data (either measure)", fontsize=s.row, va="center", ha="left",
                  color=carto.INK)
    stack.ax.text(stack.width, middle, f"({data.versus.cells.n_missing:,})", fontsize=s.row - 0.5, va="center",
                  ha="right", color=GREY_TEXT)
    stack.y += s.row_h


def draw_versus_legend(stack: Stack, data: MapData, s: Sizes) -> None:
    """The bivariate key, from the top of ``stack`` downwards."""
    versus = data.versus
    stack.text(f"{versus.x.spec.label} and {in_sentence(versus.y.spec.label)}", fontsize=s.heading + 1, weight="bold")
    stack.text(f"Units: {versus.x.spec.unit}; {versus.y.spec.unit}", fontsize=s.note + 0.5, colour=GREY_TEXT)
    stack.skip(0.08)
    _grid(stack, data, s)
    stack.skip(0.06)
    _no_data(stack, data, s)
    stack.skip(0.04)
    notes = [f"Each measure cut into {versus.reference}; cut values under and beside the grid. Numbers in the "
             "cells = areas on this map.",
             f"Correlation on this map: {versus.cells.correlation.describe()}.",
             f"{versus.palette.source}."]
    for note in notes:
        stack.text(note, fontsize=s.note, colour=GREY_TEXT)
        stack.skip(0.02)
