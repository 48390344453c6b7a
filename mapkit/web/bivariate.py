"""What the web map of two measures adds to a choropleth: the per-area ``versus`` block and the 2-D legend.

A bivariate :class:`~mapkit.analysis.map_data.MapData` (a view with ``versus``) has the nine cells as its classes
and the bivariate palette as its colours, so the areas are drawn by the same canvas layer as any choropleth, on
whatever geometry it is given (the areas' own, or a hex layout's: :func:`mapkit.web.choropleth.versus_parts` takes
any :class:`~mapkit.web.encode.GeometryPayload`). The per-area arrays gain a ``versus`` block (the second measure's
values, ranks and source, and the cells' names), which the tooltip and the keyboard announcement read
(``mapkit/web/static/areas.js``). Every text is escaped here.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from mapkit.analysis.map_data import MapData
from mapkit.specs.bivariate import TERTILES, cell_index, cell_of, ink_on
from mapkit.text.bivariate import ARROW_X, ARROW_Y, cell_code
from mapkit.text.ranks import RANK_HINT
from mapkit.text.wording import publisher_short, tooltip_unit
from mapkit.specs.registry import registry

CELL_PX = 34
"""Side of one legend cell, pixels."""


def versus_arrays(data: MapData, order: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The second measure for the browser, aligned with ``order``: label, unit, formatted values, ranks within the
    region (1 = worst by its ``higher_is``), source, and the nine cells' names and codes (index = class)."""
    versus = data.versus
    spec = versus.y.spec
    x_rank, y_rank = versus.ranks()
    table = pd.DataFrame({"value": versus.y_values.to_numpy(), "rank": y_rank.to_numpy()},
                         index=pd.Index(versus.x.frame["code"].astype(str).to_numpy())).reindex(list(order))
    source = registry().sources[spec.source]
    return {
        "label": html.escape(spec.label),
        "unit": html.escape(tooltip_unit(spec)),
        "rankHint": html.escape(RANK_HINT[spec.higher_is]),
        "nRegion": int(table["value"].notna().sum()),
        "value": [html.escape(spec.format_value(None if pd.isna(v) else float(v))) for v in table["value"]],
        "rr": [None if pd.isna(r) else int(r) for r in table["rank"]],
        "source": html.escape(f"{publisher_short(source.publisher)}, {source.title}; {spec.period}"),
        "cells": [html.escape(name) for name in versus.cell_names],
        "codes": [cell_code(*cell_of(i)) for i in range(TERTILES * TERTILES)],
    }


def legend_svg(data: MapData) -> str:
    """The 3 x 3 key as inline SVG: cells in their colours with the count of areas in each, the first measure
    along the bottom (higher to the right), the second up the side (higher upwards), the cut values at the grid
    lines. The SVG has a title and a description, so a screen reader hears the counts."""
    e = html.escape
    versus = data.versus
    counts = versus.cells.counts
    left, top, size = 26, 4, CELL_PX * TERTILES
    parts = []
    described = []
    for y in range(1, TERTILES + 1):
        for x in range(1, TERTILES + 1):
            i = cell_index(x, y)
            n = int(counts[y - 1, x - 1])
            px, py = left + (x - 1) * CELL_PX, top + (TERTILES - y) * CELL_PX
            ink = ink_on(data.colours[i])
            parts.append(f"<rect x='{px}' y='{py}' width='{CELL_PX}' height='{CELL_PX}' fill='{e(data.colours[i])}' "
                         f"stroke='#ffffff' stroke-width='1'><title>{e(versus.cell_names[i])}: {n:,}</title></rect>"
                         f"<text class='mapkit-cell-count' x='{px + CELL_PX / 2}' y='{py + CELL_PX / 2 + 4}' "
                         "text-anchor='middle' "
                         f"font-size='11' fill='{ink}'>{n:,}</text>")
            described.append(f"{versus.cell_names[i]} ({cell_code(x, y)}): {n:,}")
    x_fmt, y_fmt = versus.x.spec.format_value, versus.y.spec.format_value
    for i, cut in enumerate(versus.cells.x_breaks, start=1):
        parts.append(f"<text x='{left + i * CELL_PX}' y='{top + size + 11}' text-anchor='middle' font-size='9' "
                     f"fill='#444'>{e(x_fmt(cut))}</text>")
    for i, cut in enumerate(versus.cells.y_breaks, start=1):
        parts.append(f"<text x='{left + size + 3}' y='{top + size - i * CELL_PX + 3}' font-size='9' "
                     f"fill='#444'>{e(y_fmt(cut))}</text>")
    y_axis = f"{versus.y_words.direction} {ARROW_Y}"
    parts.append(f"<text transform='translate({left - 8},{top + size / 2}) rotate(-90)' text-anchor='middle' "
                 f"font-size='10' fill='#1a1a1a'>{e(y_axis)}</text>")
    width, height = left + size + 48, top + size + 16
    title = f"Key: {versus.x.spec.label} against {versus.y.spec.label}, areas in each of nine cells"
    return (f"<svg class='mapkit-bivariate-key' role='img' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' xmlns='http://www.w3.org/2000/svg' aria-labelledby='mk-key-t mk-key-d'>"
            f"<title id='mk-key-t'>{e(title)}</title><desc id='mk-key-d'>{e('; '.join(described))}.</desc>"
            + "".join(parts) + "</svg>")


def versus_legend_html(data: MapData, *, source_short: str, source_licence: str) -> str:
    """The bivariate legend: both measures with their units, the 3 x 3 key, the first measure's direction under
    it, no data, what the thirds were cut from, the correlation, and both sources with the palette's
    (``source_short`` and ``source_licence``: the first measure's, as on its own map)."""
    e = html.escape
    versus = data.versus
    x, y = versus.x.spec, versus.y.spec
    sources = f"{x.period}. Source: {source_short}. {source_licence}."
    second = registry().sources[y.source]
    sources += f" {y.label}: {y.period}. Source: {publisher_short(second.publisher)}, {second.title}. {second.licence}."
    swatch = "display:inline-block;width:14px;height:11px;margin-right:5px;vertical-align:-1px"
    no_data = versus.palette.no_data
    return (
        "<details open style='font-size:11px;line-height:1.3;max-width:250px'>"
        f"<summary style='cursor:pointer;font-weight:600;font-size:12px'>{e(x.label)} "
        f"<span style='font-weight:400;color:#444'>({e(x.unit)})</span> and {e(y.label)} "
        f"<span style='font-weight:400;color:#444'>({e(y.unit)})</span></summary>"
        f"<div style='margin:3px 0 0'>{legend_svg(data)}</div>"
        f"<div style='margin:0 0 3px 26px'>{e(versus.x_words.direction)} {ARROW_X}</div>"
        f"<div><i style='{swatch};background:{e(no_data.fill)};border:1px dashed {e(no_data.outline)}'></i>"
        f"No data (either measure) <span style='color:#666'>({versus.cells.n_missing:,})</span></div>"
        f"<div style='color:#444;margin-top:3px'>Each measure cut into {e(versus.reference)}. Numbers = areas on "
        "this map.</div>"
        f"<div style='color:#444;margin-top:2px'>Correlation on this map: {e(versus.cells.correlation.describe())}."
        "</div>"
        f"<div style='color:#555;margin-top:2px;font-size:10px'>{e(sources)} {e(versus.palette.source)}.</div>"
        "</details>"
    )
