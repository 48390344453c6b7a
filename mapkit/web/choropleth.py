"""The choropleth of one measure: per-area arrays (:func:`choropleth_data`) and legend (:func:`legend_html`) drawn
by one canvas layer of all areas (:func:`choropleth_group`), for the web map (:mod:`mapkit.web.webmap`) and the
static site (:func:`choropleth_parts`).

The layer is composed like folium's own choropleth: a feature group holding the areas (:class:`~mapkit.web.elements
.AreaLayer`, colours and tooltips as per-area arrays) and their legend.

* Only the properties the map needs are sent, as parallel arrays (names once with the geometry, see
  :mod:`mapkit.web.encode`; per indicator just classes, formatted values, ranks, deciles and notes), instead of a
  GeoJSON property dict per area.
* In the browser all areas of a view are one Leaflet layer on one canvas, drawn from vertices decoded and
  projected once (vertices closer than a pixel skipped), once the map is fitted; hover and click are found with a
  grid index and a point-in-polygon test. Thousands of Leaflet polygons (one per area) took most of the first
  draw at England scale.
* Every text that reaches HTML (labels, notes, sources) is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any, Sequence

import folium
import numpy as np
import pandas as pd

from mapkit.analysis.classify import NO_DATA, Classification
from mapkit.analysis.map_data import MapData
from mapkit.analysis.ranking import rank_in_region
from mapkit.specs.classes import SCHEMES
from mapkit.specs.palettes import NoDataStyle
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.text.ranks import colour_key, decile_hint, rank_hint, rank_one
from mapkit.text.wording import publisher_short, tooltip_unit
from mapkit.web.bivariate import versus_arrays, versus_legend_html
from mapkit.web.elements import AREA_LINE, AREA_LINE_DENSE, AreaLayer, Legend
from mapkit.web.encode import GeometryPayload, display_text

LEGEND_ONE_COLUMN = 6
"""Legends with more classes than this list them in two columns, so a decile legend leaves room for the region."""
DENSE_AREAS = 2_000
"""Above this count (England's wards) area lines are thinner, so that small urban areas keep their colour at
national scale instead of turning into white edges."""


@dataclasses.dataclass(frozen=True)
class MapText:
    """Wording that depends on where the map is: names for the region and the level, and source lines."""

    region_label: str
    level_plural: str
    source_short: str
    source_licence: str


def map_text(spec: IndicatorSpec, level: str, region_label: str) -> MapText:
    """The :class:`MapText` of an indicator shown at ``level`` in a region."""
    source = registry().sources[spec.source]
    return MapText(region_label=region_label, level_plural=registry().boundary(level).plural,
                   source_short=f"{publisher_short(source.publisher)}, {source.title}",
                   source_licence=source.licence)


def _ints(values: pd.Series) -> list[int | None]:
    """Whole numbers as ``int``, missing as ``None``, in one pass (ranks and deciles of thousands of areas)."""
    floats = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return [None if v != v else int(v) for v in floats.tolist()]


def _note_ids(notes: pd.Series) -> tuple[list[int], list[str]]:
    """Each area's note as an index into the distinct escaped notes (``""`` first), so a note shared by many areas
    is sent once."""
    codes, uniques = pd.factorize(notes, use_na_sentinel=True)
    texts = [""]
    index = {"": 0}
    ids = []
    for unique in uniques:
        shown = display_text(unique)
        if shown not in index:
            index[shown] = len(texts)
            texts.append(shown)
        ids.append(index[shown])
    lookup = np.array([*ids, 0], dtype=np.int64)  # position -1 (missing) -> 0, no note
    return lookup[codes].tolist(), texts


def choropleth_data(frame: pd.DataFrame, spec: IndicatorSpec, classification: Classification,
                    colours: Sequence[str], no_data: NoDataStyle, text: MapText, *,
                    order: Sequence[str], selected: str | None = None) -> dict[str, Any]:
    """Per-area arrays for the browser, aligned with ``order`` (the geometry's codes); all text escaped.

    Areas of ``order`` missing from ``frame`` are drawn as no data. Each area's colour is sent as its class
    (``cls``, an index into ``colours``; ``None`` for no data) and the rank in England (``re``) is left out
    (``None``) when the region is England, where the tooltip shows the regional rank only: an England LSOA map's
    arrays are then about half the size.
    """
    table = pd.DataFrame({
        "value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(),
        "cls": classification.classes,
        "rank": frame["rank"].to_numpy() if "rank" in frame else np.nan,
        "n_ranked": frame["n_ranked"].to_numpy() if "n_ranked" in frame else np.nan,
        "decile": frame["decile"].to_numpy() if "decile" in frame else np.nan,
        "note": frame["note"].to_numpy() if "note" in frame else "",
    }, index=pd.Index(frame["code"].astype(str), name="code"))
    table["rank_region"] = rank_in_region(table["value"], table["rank"] if "rank" in frame else None,
                                          spec.higher_is)
    table = table.reindex(list(order))
    classes = table["cls"].fillna(NO_DATA).astype(int).tolist()
    note_ids, notes = _note_ids(table["note"])
    values = table["value"].to_numpy(dtype=float, na_value=np.nan).tolist()
    n_england = pd.to_numeric(table["n_ranked"], errors="coerce").max()
    in_england = text.region_label == "England"  # the tooltip shows one rank there, the regional one
    escape, formatted = html.escape, spec.format_value
    return {
        "label": html.escape(spec.label),
        "unit": html.escape(tooltip_unit(spec)),
        "regionLabel": html.escape(text.region_label),
        "rankHint": html.escape(rank_hint(spec)),
        "decileHint": html.escape(decile_hint(spec, text.level_plural)),
        "source": html.escape(f"Source: {text.source_short}; {spec.period}"),
        "nRegion": int(table["value"].notna().sum()),
        "nEngland": None if pd.isna(n_england) else int(n_england),
        "colours": list(colours),
        "cls": [None if c == NO_DATA else c for c in classes],
        "value": [escape(formatted(v)) for v in values],
        "rr": _ints(table["rank_region"]),
        "re": None if in_england else _ints(table["rank"]),
        "dec": _ints(table["decile"]),
        "note": note_ids,
        "notes": notes,
        "noData": dataclasses.asdict(no_data),
        "selected": order.index(selected) if selected in order else None,
    }


def legend_html(spec: IndicatorSpec, classification: Classification, colours: Sequence[str],
                no_data: NoDataStyle, text: MapText) -> str:
    """Legend markup: title and unit, how classes were made, one row per class worst first, no data, source.

    For a change map drawn on a diverging palette (``classification.centre_label`` set, see
    :func:`mapkit.analysis.map_data.prepare`) the key names the middle colour and the two sides.

    It is a ``<details>`` element, open at first, so a user can fold it away on a small map.
    """
    e = html.escape
    key = colour_key(spec.higher_is, classification.centre_label)
    deciles = classification.scheme == "national_deciles"
    if deciles:
        how = f"National decile (1 = {rank_one(spec)} 10%) among {classification.reference}"
    else:
        how = f"{SCHEMES[classification.scheme].label}; breaks from {classification.reference}"
    counts = classification.counts
    order = range(classification.k) if spec.higher_is == "better" else range(classification.k - 1, -1, -1)
    swatch = "display:inline-block;width:14px;height:11px;margin-right:5px;vertical-align:-1px;border:1px solid #999"
    rows = []
    for i in order:
        label = classification.labels[i].removeprefix("Decile ") if deciles else classification.labels[i]
        rows.append(f"<div><i style='{swatch};background:{e(colours[i])}'></i>{e(label)}"
                    f" <span style='color:#666'>({counts[i]:,})</span></div>")
    if not rows:
        rows.append("<div><i>No area of this view has a figure.</i></div>")
    two_columns = len(rows) > LEGEND_ONE_COLUMN
    if two_columns:  # worst first down the first column, then the second: half the height of one column
        half = (len(rows) + 1) // 2
        rows = [f"<div style='display:grid;grid-auto-flow:column;grid-template-rows:repeat({half},auto);"
                f"column-gap:10px'>{''.join(rows)}</div>"]
    no_data_swatch = f"{swatch};background:{e(no_data.fill)};border:1px dashed {e(no_data.outline)}"
    rows.append(f"<div><i style='{no_data_swatch}'></i>No data <span style='color:#666'>"
                f"({classification.n_missing:,})</span></div>")
    return (
        f"<details open style='font-size:11px;line-height:1.3;max-width:{270 if two_columns else 215}px'>"
        f"<summary style='cursor:pointer;font-weight:600;font-size:12px'>{e(spec.label)} "
        f"<span style='font-weight:400;color:#444'>({e(spec.unit)})</span></summary>"
        f"<div style='color:#444;margin:1px 0 3px'>{e(how)}. (n) = areas on this map.</div>"
        + "".join(rows)
        + f"<div style='color:#444;margin-top:3px'>{e(key)}.</div>"
        f"<div style='color:#555;margin-top:2px;font-size:10px'>{e(spec.period)}. Source: {e(text.source_short)}. "
        f"{e(text.source_licence)}.</div>"
        "</details>"
    )



def choropleth_group(data: MapData, geometry: GeometryPayload, text: MapText, *, selected: str | None = None,
                     attribution: str = "", url: str | None = None, runtime: bool = True) -> folium.FeatureGroup:
    """The choropleth of one indicator as a feature group holding the areas and their legend.

    Parameters
    ----------
    data
        The prepared view (:func:`mapkit.analysis.map_data.prepare`): its rows, classes and colours.
    geometry
        The encoded areas; their order decides the order of the per-area arrays.
    text
        Region and source wording.
    selected
        Code of the area whose profile is open (drawn with a thick outline).
    attribution
        Source and licence text for the map's attribution control.
    url
        Where the browser fetches ``geometry`` (``None``: sent inline), see :class:`~mapkit.web.elements.AreaLayer`.
    runtime
        Whether the layer carries the areas' runtime inline (``False`` when the page loads it as a file, see
        :class:`~mapkit.web.elements.MapStyle`).
    """
    arrays, legend = choropleth_parts(data, geometry, text, selected=selected)
    group = folium.FeatureGroup(name=f"{data.spec.label} ({text.level_plural})", overlay=True, control=True)
    AreaLayer(geometry, data=arrays, style=area_style(geometry), attribution=attribution, name=data.spec.label,
              url=url, runtime=runtime).add_to(group)
    Legend(legend).add_to(group)
    return group


def choropleth_parts(data: MapData, geometry: GeometryPayload, text: MapText, *,
                     selected: str | None = None) -> tuple[dict[str, Any], str]:
    """What the browser needs to draw one indicator on ``geometry``: the per-area arrays and the legend markup, in
    the colours :func:`~mapkit.analysis.map_data.prepare` gave the classes (the same as every export's).

    The app's layer (:func:`choropleth_group`) and the static site (:mod:`mapkit.publish.site`) send the same two."""
    arrays = choropleth_data(data.frame, data.spec, data.classification, data.colours, data.ramp.no_data, text,
                             order=geometry.codes, selected=selected)
    return arrays, legend_html(data.spec, data.classification, data.colours, data.ramp.no_data, text)


def versus_parts(data: MapData, geometry: GeometryPayload, text: MapText, *,
                 selected: str | None = None) -> tuple[dict[str, Any], str]:
    """What the browser needs to draw a bivariate map on ``geometry`` (any encoded areas: the map's or a hex
    layout's): the per-area arrays with their ``versus`` block, and the 2-D legend (:mod:`mapkit.web.bivariate`)."""
    no_data = data.versus.palette.no_data
    arrays = choropleth_data(data.frame, data.spec, data.classification, data.colours, no_data, text,
                             order=geometry.codes, selected=selected)
    arrays["versus"] = versus_arrays(data, geometry.codes)
    return arrays, versus_legend_html(data, source_short=text.source_short, source_licence=text.source_licence)


def versus_group(data: MapData, geometry: GeometryPayload, *, selected: str | None = None, attribution: str = "",
                 url: str | None = None, runtime: bool = True) -> folium.FeatureGroup:
    """The bivariate map as a feature group holding the areas and the 2-D legend (as :func:`choropleth_group` for
    one measure, whose ``runtime`` means the same)."""
    text = map_text(data.spec, data.view.level, data.region_name)
    arrays, legend = versus_parts(data, geometry, text, selected=selected)
    label = f"{data.spec.label} and {data.versus.y.spec.label}"
    group = folium.FeatureGroup(name=f"{label} ({text.level_plural})", overlay=True, control=True)
    AreaLayer(geometry, data=arrays, style=area_style(geometry), attribution=attribution, name=label,
              url=url, runtime=runtime).add_to(group)
    Legend(legend).add_to(group)
    return group


def area_style(geometry: GeometryPayload) -> dict[str, Any]:
    """Line style of a view's areas: thinner lines where there are many (:data:`DENSE_AREAS`)."""
    return AREA_LINE_DENSE if len(geometry) > DENSE_AREAS else AREA_LINE
