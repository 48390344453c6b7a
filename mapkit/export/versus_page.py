"""The briefing pack's page of a bivariate map: the two measures plotted against each other, and the areas by cell.

Left, a scatter plot: every area of the level in England in light grey, the map's areas in their cell's colour
(named where there are few), the thirds' cut values as dashed lines; the correlation on the map and in England.
Right, the nine cells from the corner that needs most attention (highest first measure, lowest second) with the
count of areas in each and their names. Every figure is one of the two single maps'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mapkit.analysis.map_data import MapData
from mapkit.export import cartography as carto
from mapkit.export.page_text import GREY_TEXT, line_height, wrap
from mapkit.export.options import PAGES
from mapkit.export.static import FOOTER_SIZE, MARGIN, SUBTITLE_SIZE, TITLE_SIZE, export_style, footer_text
from mapkit.export.wording import in_sentence, place_title, plural
from mapkit.specs.bivariate import TERTILES, cell_index
from mapkit.text.bivariate import ARROW_X, ARROW_Y, cell_code

NAMED_POINTS = 25
"""Up to this many areas on the map, each point is labelled with its name."""
NAMES_PER_CELL = 8


def cell_order() -> list[tuple[int, int]]:
    """Cells listed high first measure first, then low second measure first: (3, 1), (3, 2), (3, 3), (2, 1)..."""
    return [(x, y) for x in range(TERTILES, 0, -1) for y in range(1, TERTILES + 1)]


def areas_by_cell(data: MapData) -> dict[tuple[int, int], list[str]]:
    """The names of the map's areas in each cell, by name."""
    names = data.frame["name"].reset_index(drop=True)
    out: dict[tuple[int, int], list[str]] = {cell: [] for cell in cell_order()}
    for name, x, y in zip(names, data.versus.cells.x_thirds, data.versus.cells.y_thirds):
        if x and y:
            out[(int(x), int(y))].append(str(name))
    return {cell: sorted(found) for cell, found in out.items()}


def _scatter(fig: Figure, rect: list[float], data: MapData) -> None:
    versus = data.versus
    ax = fig.add_axes(rect)
    ax.scatter(versus.england["x"], versus.england["y"], s=6, color="#cfcfcf", linewidths=0, zorder=1,
               label=f"England's {plural(data.view.level)}", rasterized=len(versus.england) > 3000)
    x, y = versus.x_values.to_numpy(), versus.y_values.to_numpy()
    both = np.isfinite(x) & np.isfinite(y)
    colours = [data.colours[c] for c in versus.cells.classes[both]]
    ax.scatter(x[both], y[both], s=34, c=colours, edgecolors=carto.INK, linewidths=0.6, zorder=3,
               label=f"The {plural(data.view.level)} of {data.region_name}")
    for cut in versus.cells.x_breaks:
        ax.axvline(cut, color=GREY_TEXT, linewidth=0.6, linestyle=(0, (4, 3)), zorder=2)
    for cut in versus.cells.y_breaks:
        ax.axhline(cut, color=GREY_TEXT, linewidth=0.6, linestyle=(0, (4, 3)), zorder=2)
    if both.sum() <= NAMED_POINTS:
        for name, px, py in zip(data.frame["name"].reset_index(drop=True)[both], x[both], y[both]):
            ax.annotate(str(name), (px, py), xytext=(4, 3), textcoords="offset points", fontsize=6.5,
                        color=carto.INK, zorder=4, path_effects=carto.HALO)
    ax.set_xlabel(f"{versus.x.spec.label} ({versus.x.spec.unit}): {versus.x_words.direction} {ARROW_X}",
                  fontsize=8)
    ax.set_ylabel(f"{versus.y.spec.label} ({versus.y.spec.unit}): {versus.y_words.direction} {ARROW_Y}",
                  fontsize=8)
    ax.tick_params(labelsize=7)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.legend(fontsize=7, frameon=False, loc="best")


def _cells(fig: Figure, left: float, top: float, width: float, data: MapData) -> float:
    """The cells with their counts and names, from ``top`` (inches) down; returns the new top."""
    w, h = fig.get_size_inches()
    versus = data.versus
    groups = areas_by_cell(data)
    counts = versus.cells.counts
    for x, y in cell_order():
        n = int(counts[y - 1, x - 1])
        colour = data.colours[cell_index(x, y)]
        fig.patches.append(Rectangle((left / w, (top - 0.15) / h), 0.22 / w, 0.15 / h, facecolor=colour,
                                           edgecolor="#999999", linewidth=0.4, transform=fig.transFigure,
                                           figure=fig))
        fig.text((left + 0.3) / w, top / h, f"{versus.cell_names[cell_index(x, y)]} ({cell_code(x, y)}): {n:,}",
                 fontsize=8.5, fontweight="bold", color=carto.INK, va="top")
        top -= line_height(8.5, 1.3)
        names = groups[(x, y)]
        if names:
            shown = ", ".join(names[:NAMES_PER_CELL])
            if len(names) > NAMES_PER_CELL:
                shown += f" and {len(names) - NAMES_PER_CELL:,} more"
            for line in wrap(shown, width - 0.3, 7.5):
                fig.text((left + 0.3) / w, top / h, line, fontsize=7.5, color=GREY_TEXT, va="top")
                top -= line_height(7.5, 1.25)
        top -= 0.05
    return top


def versus_page(data: MapData) -> Figure:
    """The page: title, how the thirds were cut and the correlations, the scatter plot, the cells, the sources."""
    versus = data.versus
    page = PAGES["a4"]
    w, h = page.width, page.height
    text_width = w - 2 * MARGIN
    with export_style():
        fig = Figure(figsize=(w, h), facecolor="white")
        FigureCanvasAgg(fig)
        heading = (f"{versus.x.spec.label} against {in_sentence(versus.y.spec.label)}: "
                   f"{place_title(data.region_name, data.region_kind)}")
        top = h - MARGIN
        for line in wrap(heading, text_width, TITLE_SIZE - 2):
            fig.text(MARGIN / w, top / h, line, fontsize=TITLE_SIZE - 2, fontweight="bold", color=carto.INK,
                     va="top")
            top -= line_height(TITLE_SIZE - 2, 1.25)
        lines = [f"Each measure cut into {versus.reference}.",
                 f"Correlation among the map's {plural(data.view.level)}: {versus.cells.correlation.describe()}; "
                 f"among England's: {versus.england_correlation.describe()}. A correlation describes how the two "
                 "figures go together across areas, not a cause."]
        for paragraph in lines:
            for line in wrap(paragraph, text_width, SUBTITLE_SIZE - 1):
                fig.text(MARGIN / w, top / h, line, fontsize=SUBTITLE_SIZE - 1, color="#333333", va="top")
                top -= line_height(SUBTITLE_SIZE - 1, 1.25)
        footer = [line for p in footer_text(data) for line in wrap(p, text_width, FOOTER_SIZE)]
        footer_top = MARGIN + len(footer) * line_height(FOOTER_SIZE, 1.25)
        for i, line in enumerate(footer):
            fig.text(MARGIN / w, (footer_top - i * line_height(FOOTER_SIZE, 1.25)) / h, line, fontsize=FOOTER_SIZE,
                     color=GREY_TEXT, va="top")
        body_top, body_bottom = top - 0.2, footer_top + 0.25
        plot_width = text_width * 0.56
        _scatter(fig, [(MARGIN + 0.55) / w, (body_bottom + 0.45) / h, (plot_width - 0.55) / w,
                       (body_top - body_bottom - 0.45) / h], data)
        _cells(fig, MARGIN + plot_width + 0.35, body_top, text_width - plot_width - 0.35, data)
    return fig


def scatter_points(data: MapData) -> pd.DataFrame:
    """The map's areas as the page plots them: ``code, name, x, y, cell`` (areas missing a figure left out)."""
    versus = data.versus
    frame = pd.DataFrame({"code": data.frame["code"].to_numpy(), "name": data.frame["name"].to_numpy(),
                          "x": versus.x_values.to_numpy(), "y": versus.y_values.to_numpy(),
                          "cell": versus.cells.codes})
    return frame.dropna(subset=["x", "y"]).reset_index(drop=True)
