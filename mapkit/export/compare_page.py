"""A comparison (:class:`mapkit.analysis.compare.Comparison`) as one A4 landscape page in the briefing style
(PNG or PDF).

One dot chart per indicator (up to :data:`MAX_PANELS`, the first of the theme): a dot per compared area, a grey
dot for each combined authority, region and England figure that is published, a line for the median of England's
areas; the value printed beside each dot as the indicator formats it. Sources and vintages in the footer.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from mapkit.analysis.compare import AREA_COLOUR, CONTEXT_COLOUR, MEDIAN_COLOUR, Comparison, row_label, unique_labels
from mapkit.export.page_text import GREY_TEXT
from mapkit.export.options import PAGES
from mapkit.export.static import FOOTER_SIZE, MARGIN, SUBTITLE_SIZE, TITLE_SIZE, export_style, save
from mapkit.specs.registry import registry

MAX_PANELS = 6
__all__ = ["MAX_PANELS", "compare_figure", "compare_page", "panel_indicators", "row_label"]


ROW_INCHES = 0.15
"""The height of one row of a panel: a 6.4 pt label and its neighbour never overlap."""
PANEL_EXTRA = 0.75
"""Inches a panel needs besides its rows: title, x axis and the note under it."""


def panel_indicators(comparison: Comparison) -> list[str]:
    """The indicators a page draws: those with a figure for at least one compared area (the others are named in
    the footer), at most :data:`MAX_PANELS`."""
    empty = set(comparison.empty_indicators)
    return [i for i in comparison.indicators if i not in empty][:MAX_PANELS]


def _layout(n_panels: int, n_rows: int, height: float) -> tuple[int, int]:
    """(panel rows, panel columns) so that every panel gives each of its ``n_rows`` rows :data:`ROW_INCHES`."""
    columns = 3 if n_panels > 4 else 2 if n_panels > 1 else 1
    fit = max(1, int(height // (n_rows * ROW_INCHES + PANEL_EXTRA)))
    return min(fit, max(1, math.ceil(n_panels / columns))), columns


def compare_figure(comparison: Comparison) -> Figure:
    """The page as a matplotlib figure: as many panels as fit with one readable, labelled row per area."""
    page = PAGES["a4"]
    reg = registry()
    plural = reg.boundary(comparison.level).plural
    indicators = panel_indicators(comparison)
    with export_style():
        fig = Figure(figsize=(page.width, page.height))
        top = 1 - MARGIN / page.height
        fig.text(MARGIN / page.width, top, f"{comparison.theme}: {len(comparison.codes)} {plural} compared",
                 fontsize=TITLE_SIZE, weight="bold", va="top")
        fig.text(MARGIN / page.width, top - 0.055, ", ".join(comparison.names), fontsize=SUBTITLE_SIZE, va="top",
                 color=GREY_TEXT, wrap=True)
        grid_top, grid_bottom = top - 0.13, 0.2
        n_rows = max([len(_shown(comparison.rows(i))) for i in indicators] or [1])
        rows, columns = _layout(len(indicators), n_rows, (grid_top - grid_bottom) * page.height)
        drawn = indicators[:rows * columns]
        grid = fig.add_gridspec(rows, columns, left=0.16, right=0.97, top=grid_top, bottom=grid_bottom,
                                wspace=0.75, hspace=0.55)
        for i, indicator in enumerate(drawn):
            _panel(fig.add_subplot(grid[i // columns, i % columns]), comparison.rows(indicator))
        footer = [textwrap.fill(line, 210) for line in _footer(comparison, drawn)]
        fig.text(MARGIN / page.width, MARGIN / page.height, "\n".join(footer),
                 fontsize=FOOTER_SIZE, color=GREY_TEXT, va="bottom")
    return fig


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    """Every compared area (with or without a figure), then the context rows that have one."""
    return rows[(rows["kind"] == "area") | ((rows["kind"] != "england median") & rows["value"].notna())]


def _panel(ax, rows: pd.DataFrame) -> None:
    spec = registry().indicator(str(rows["indicator"].iloc[0]))
    shown = _shown(rows)
    labels = unique_labels([row_label(k, n) for k, n in zip(shown["kind"], shown["name"])], list(shown["code"]))
    y = list(range(len(shown)))[::-1]
    colours = [AREA_COLOUR if k == "area" else CONTEXT_COLOUR for k in shown["kind"]]
    ax.scatter(shown["value"], y, c=colours, s=22, zorder=3)
    median = rows.loc[rows["kind"] == "england median", "value"]
    if len(median) and pd.notna(median.iloc[0]):
        ax.axvline(float(median.iloc[0]), color=MEDIAN_COLOUR, lw=1, ls="--", zorder=1)
    low = shown["value"].min()
    for yy, value, text in zip(y, shown["value"], shown["value_text"]):
        if pd.isna(value):
            ax.annotate("no data", (low, yy), xytext=(0, 0), textcoords="offset points", va="center", fontsize=6.2,
                        color=GREY_TEXT)
        else:
            ax.annotate(text, (value, yy), xytext=(4, 0), textcoords="offset points", va="center", fontsize=6.2)
    ax.set_yticks(y, labels, fontsize=6.4)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.set_title(textwrap.fill(f"{spec.label} ({spec.unit})", 40), fontsize=7.6, loc="left")
    ax.tick_params(axis="x", labelsize=6)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}" if shown["value"].abs().max() >= 1000 else "{x:g}"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.25)
    gaps = []
    if rows.loc[rows["kind"] == "england", "value"].isna().all():
        gaps.append("No England figure is published.")
    if gaps:
        ax.set_xlabel(textwrap.fill(" ".join(gaps), 60), fontsize=6, color=GREY_TEXT)


def _footer(comparison: Comparison, indicators: list[str]) -> list[str]:
    reg = registry()
    plural = reg.boundary(comparison.level).plural
    lines = [f"Blue: the {plural} compared; grey: their combined authority (CA), region and England where a figure "
             f"is published or computed as the indicator's note says; dashed line: median of England's {plural}."]
    empty = comparison.empty_indicators
    if empty:
        lines.append("No figure for the " + plural + " compared, so not drawn: "
                     + "; ".join(registry().indicator(i).label for i in empty) + ".")
    if len(comparison.indicators) - len(empty) > len(indicators):
        lines.append(f"{len(indicators)} of the {len(comparison.indicators) - len(empty)} indicators of the theme "
                     "with figures, one readable row per area; the CSV export holds them all.")
    for source_id in dict.fromkeys(reg.indicator(i).source for i in indicators):
        source = reg.sources[source_id]
        periods = sorted({reg.indicator(i).period for i in indicators if reg.indicator(i).source == source_id})
        lines.append(f"Source: {source.publisher}, {source.title} ({source.vintage}); {'; '.join(periods)}. "
                     f"{source.licence}.")
    return lines


def compare_page(comparison: Comparison, fmt: str = "png") -> bytes:
    """The page as PNG or PDF bytes."""
    return save(compare_figure(comparison), fmt, title_text=f"{comparison.theme}: {', '.join(comparison.names)}")
