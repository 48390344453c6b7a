"""Classified areas -> folium layers: the choropleth with tooltip, highlight and legend, parent outlines, base map.

Built for speed at England scale (issue 6) without trading away correctness:

* Geometry is sent once per view as compact text: coordinates quantised to 1e-5 degrees (about 1 m), chained
  deltas per area, zig-zag varints in a 64-letter alphabet (the idea of Google's encoded polylines). Neighbours
  share identical vertices in the data, so they decode to identical points: no gaps, no overlaps. The alphabet has
  no ``_`` so streamlit-folium's variable renaming cannot touch it.
* Only the properties the map needs are sent, as parallel arrays (names once with the geometry; per indicator
  just fill colours, formatted values, ranks, deciles and notes), instead of a GeoJSON property dict per area.
* Geometry serialisation is cached per (level, region): changing the indicator, classes or palette rebuilds
  only the small per-indicator arrays.
* In the browser all areas of a view are one Leaflet layer on one canvas, drawn from vertices decoded and
  projected once (vertices closer than a pixel skipped), once the map is fitted; hover and click are found with a
  grid index and a point-in-polygon test. Thousands of Leaflet polygons (one per area) took most of the first
  draw at England scale.
* Every text that reaches HTML (area names, labels, notes, sources) is escaped with :func:`html.escape` and the
  JSON is made safe to embed in ``<script>``.

The base map (tiles, bounds, styles) is kept apart from the layers so that the app can hand the layers to
streamlit-folium as ``feature_group_to_add``: an indicator change then swaps layers inside the already-loaded map
instead of reloading it.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import itertools
from collections import OrderedDict
import json
import math
import re
from functools import lru_cache
from typing import Any, Iterable, Literal, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template

from mapkit import web
from mapkit.classify import NO_DATA, SCHEMES, Classification
from mapkit.data import load_boundaries
from mapkit.errors import UnknownNameError
from mapkit.layers import IndicatorSpec, registry
from mapkit.palettes import NoDataStyle, Ramp, class_colours
from mapkit.ranking import DARKER, RANK_HINT, RANK_ONE, rank_worst_first

SCALE = 100_000
"""Coordinates are sent as integers of 1e-5 degree (about 1.1 m north-south, 0.7 m east-west in England)."""

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_ALPHABET_BYTES = np.frombuffer(_ALPHABET.encode("ascii"), dtype=np.uint8)

PARENT_OUTLINE: dict[str, str | None] = {"ca": None, "lad": "ca", "ward": "lad", "lsoa": "lad"}
"""Which boundaries are drawn over a choropleth of each level, so its areas can be read in context."""

AREA_LINE = {"color": "#ffffff", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.85}
AREA_LINE_DENSE = {"color": "#ffffff", "weight": 0.2, "opacity": 0.6, "fillOpacity": 0.9}
OUTLINE_STYLE = {"color": "#1a1a1a", "weight": 1.6, "opacity": 0.9, "fill": False}
OUTLINE_STYLE_DENSE = {"color": "#1a1a1a", "weight": 0.8, "opacity": 0.8, "fill": False}
LEGEND_ONE_COLUMN = 6
"""Legends with more classes than this list them in two columns, so a decile legend leaves room for the region."""
NARROW_MAP = 560
"""On a map narrower than this (pixels), legends start folded so the region stays visible; a click opens them."""
DENSE_AREAS, DENSE_OUTLINES = 2_000, 50
"""Above these counts (England's wards, its districts) lines are thinner so that small urban areas keep their
colour at national scale instead of turning into white edges."""
MAP_BACKGROUND = "#ffffff"
MAP_ASSETS = frozenset({"leaflet", "leaflet_css"})
"""folium's default scripts and stylesheets that these maps use. The others (jQuery, Bootstrap, Font Awesome,
glyphicons, awesome-markers) serve folium features not used here (overlays are DivIcon squares and circle markers,
popups are :class:`mapkit.popup.Popup`) and cost eight requests and their parsing before the map can draw."""
AREA_PANES = {"areas": ("mapkitAreas", 350), "outlines": ("mapkitOutlines", 360)}
"""Leaflet panes (name, z-index) of the area canvases: above the tiles (200), below overlays and their hover
outlines (400), markers (600) and tooltips (650)."""



# --------------------------------------------------------------------------------------------------- basemaps


@dataclasses.dataclass(frozen=True)
class Basemap:
    """A basemap choice: an xyzservices provider name, or none."""

    name: str
    label: str
    provider: str | None

    def tile_layer(self) -> folium.TileLayer | None:
        if self.provider is None:
            return None
        import xyzservices

        provider = xyzservices.providers.query_name(self.provider)
        return folium.TileLayer(tiles=provider.build_url(scale_factor="{r}"), attr=provider.html_attribution,
                                name=self.label, max_zoom=provider.get("max_zoom", 18), control=False)


BASEMAPS: dict[str, Basemap] = {b.name: b for b in (
    Basemap("light", "Light grey (Esri)", "Esri.WorldGrayCanvas"),
    Basemap("osm", "OpenStreetMap", "OpenStreetMap.Mapnik"),
    Basemap("none", "None (boundaries only)", None),
)}
"""Basemaps offered. "light" is Esri's grey canvas because CARTO's Positron now needs an API key."""


# --------------------------------------------------------------------------------------------------- geometry


@dataclasses.dataclass(frozen=True, eq=False)
class GeometryPayload:
    """Encoded shapes of a set of areas, with their codes, escaped names and bounds; built once per view.

    Attributes
    ----------
    codes
        Area codes in the order of the encoded shapes (the order of every per-area array sent with them).
    json
        ``{"scale", "codes", "names", "parents", "shapes"}`` as JSON text, safe inside ``<script>``.
    bounds
        ``[[south, west], [north, east]]``, or ``None`` when there are no areas.
    """

    codes: tuple[str, ...]
    json: str
    bounds: list[list[float]] | None

    def __len__(self) -> int:
        return len(self.codes)

    @functools.cached_property
    def script(self) -> str:
        """:attr:`json` as a JavaScript expression, ``JSON.parse("...")``: V8 reads a large JSON string faster than
        the same data as an object literal (about 0.1 s less to first draw for England's wards)."""
        return f"JSON.parse({json.dumps(self.json)})"


def _zigzag_chars(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Varint characters of signed integers (5 bits per character, 6th bit = more follows) and counts per value."""
    signed = values.astype(np.int64)
    z = ((signed << 1) ^ (signed >> 63)).astype(np.uint64)
    n_chars = np.ones(z.shape, dtype=np.int64)
    rest = z >> np.uint64(5)
    while rest.any():
        n_chars += rest > 0
        rest >>= np.uint64(5)
    width = int(n_chars.max()) if n_chars.size else 1
    shifts = (np.arange(width, dtype=np.uint64) * np.uint64(5))[None, :]
    chunks = ((z[:, None] >> shifts) & np.uint64(31)).astype(np.int64)
    position = np.arange(width)[None, :]
    chunks = np.where(position < (n_chars[:, None] - 1), chunks | 32, chunks)
    valid = position < n_chars[:, None]
    return _ALPHABET_BYTES[chunks[valid]], n_chars


def on_grid(geometries: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Polygons with their coordinates rounded to the grid sent to the browser (``1 / SCALE`` degree).

    Rounding alone can collapse a sliver part to a line or make a ring touch itself (8 of England's 6,817 wards
    and 1 district in the shipped products); only those are repaired, on the same grid, by GEOS (collapsed parts
    dropped, rings split where they touch). The rest are just rounded, so neighbours keep identical vertices.
    """
    geoms = np.asarray(geometries, dtype=object)
    rounded = shapely.set_precision(geoms, 1 / SCALE, mode="pointwise")
    broken = ~shapely.is_valid(rounded) & ~shapely.is_missing(rounded)
    if broken.any():
        rounded[broken] = shapely.set_precision(geoms[broken], 1 / SCALE, mode="valid_output")
    return rounded


def encode_shapes(geometries: Sequence[Any] | np.ndarray) -> list[list[list[str]]]:
    """Encode polygons as ``[area][polygon][ring] -> text`` (see the module docstring for the format).

    Coordinates are put on the grid by :func:`on_grid`. Rings are sent without their closing vertex; deltas
    chain through all rings of an area, starting from 0.
    """
    geoms = on_grid(geometries)
    parts, part_area = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    keep = np.ones(len(coords), dtype=bool)
    if len(coords):
        last_of_ring = np.r_[coord_ring[1:] != coord_ring[:-1], True]
        keep &= ~last_of_ring
    coords, coord_ring = coords[keep], coord_ring[keep]
    quantised = np.round(coords * SCALE).astype(np.int64)
    coord_area = part_area[ring_part[coord_ring]]
    deltas = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    if len(coords):
        first_of_area = np.r_[True, coord_area[1:] != coord_area[:-1]]
        deltas[first_of_area] = quantised[first_of_area]
    chars, n_chars = _zigzag_chars(deltas.reshape(-1))
    text = chars.tobytes().decode("ascii")
    per_coord = n_chars.reshape(-1, 2).sum(axis=1)
    ring_chars = np.bincount(coord_ring, weights=per_coord, minlength=len(rings)).astype(np.int64)
    ends = np.cumsum(ring_chars)
    starts = ends - ring_chars
    out: list[list[list[str]]] = [[] for _ in range(len(geoms))]
    part_slot: dict[int, list[str]] = {}
    for ring_index in range(len(rings)):
        part_index = int(ring_part[ring_index])
        slot = part_slot.get(part_index)
        if slot is None:
            slot = part_slot[part_index] = []
            out[int(part_area[part_index])].append(slot)
        slot.append(text[starts[ring_index]:ends[ring_index]])
    return out


def script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<`` (so no ``</script>`` or ``<!--``) and no line separators.

    Text meant for HTML is escaped with :func:`html.escape` before it gets here, so it keeps its ``&lt;`` form.
    """
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _text(value: Any) -> str:
    """Escaped display text; missing becomes empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


def encode_geometry(frame: gpd.GeoDataFrame, *, parent_column: str | None = None) -> GeometryPayload:
    """Encode the areas of ``frame`` (``code``, ``name``, geometry in EPSG:4326) for :class:`AreaLayer`."""
    parents = frame[parent_column] if parent_column and parent_column in frame else pd.Series([""] * len(frame))
    payload = {
        "scale": SCALE,
        "codes": [str(c) for c in frame["code"]],
        "names": [_text(n) for n in frame["name"]],
        "parents": [_text(p) for p in parents],
        "shapes": encode_shapes(frame.geometry.values),
    }
    bounds = None
    if len(frame):
        west, south, east, north = (float(v) for v in frame.total_bounds)
        bounds = [[south, west], [north, east]]
    return GeometryPayload(codes=tuple(payload["codes"]), json=script_json(payload), bounds=bounds)


PARENT_NAME_COLUMN: dict[str, str | None] = {"ca": None, "lad": "ca_name", "ward": "lad_name", "lsoa": "lad_name"}
"""Which parent name the tooltip shows under an area's name."""


@lru_cache(maxsize=64)
def area_geometry(level: str, region: str) -> GeometryPayload:
    """Encoded areas of ``level`` in ``region``, computed once per process (the slow part of a map)."""
    return encode_geometry(load_boundaries(level, region), parent_column=PARENT_NAME_COLUMN[level])


@lru_cache(maxsize=64)
def outline_geometry(level: str, region: str) -> GeometryPayload | None:
    """Encoded parent boundaries drawn over a choropleth of ``level`` in ``region`` (``None`` if there are none)."""
    parent = PARENT_OUTLINE[level]
    if parent is None:
        return None
    frame = load_boundaries(parent, region)
    return encode_geometry(frame) if len(frame) else None


# --------------------------------------------------------------------------------------------------- browser side

class AreaLayer(folium.map.Layer):
    """Encoded areas as one Leaflet layer drawn on its own canvas: a choropleth (with ``data``) or outlines (without).

    In the browser this is ``window.mapkit.areas`` (``mapkit/web/static/areas.js``): one layer for all areas,
    however many, in a pane of its own below the overlay pane (:data:`AREA_PANES`), so that overlays, uploads and
    the hover outline (SVG) stay on top. Its ``mapkitList()`` gives ``[code, fill]`` of every area as drawn, for
    tests and tools.

    Parameters
    ----------
    geometry
        From :func:`encode_geometry` / :func:`area_geometry`.
    data
        Per-area arrays from :func:`choropleth_data`, or ``None`` for outlines.
    style
        Leaflet path options shared by every area (fill colours come from ``data``).
    interactive
        Whether the areas take hover and click (outlines drawn on top must not).
    attribution
        Plain text for the map's attribution control (escaped here).
    runtime
        Whether this layer carries the areas' runtime (:data:`mapkit.web.AREAS_RUNTIME`); ``False`` for layers
        always drawn after one that does (the parent outlines after the choropleth), so that a view sends it once.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        var {{ this.get_name() }} = window.mapkit.areas(
            {{ this.geometry.script }},
            /*mapkit-data*/{{ this.data_json }}/*end-mapkit-data*/,
            {{ this.options_json }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, geometry: GeometryPayload, *, data: dict[str, Any] | None = None,
                 style: dict[str, Any] | None = None, interactive: bool = True, attribution: str = "",
                 name: str | None = None, control: bool = False, runtime: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=control, show=True)
        self._name = "AreaLayer"
        self.geometry = geometry
        self.runtime = web.runtime(web.AREAS_RUNTIME) if runtime else ""
        self.data_json = "null" if data is None else script_json(data)
        pane, z_index = AREA_PANES["areas" if interactive else "outlines"]
        self.options_json = script_json({
            "style": dict(style or AREA_LINE), "interactive": interactive,
            "attribution": html.escape(attribution), "pane": pane, "zIndex": z_index,
        })


class Legend(MacroElement):
    """A legend control shown while its parent layer group is on the map (``html`` must already be escaped).

    The choropleth's legend has the class ``mapkit-legend``; another legend (e.g. the overlays' key) takes
    ``mapkit-legend-extra``, so that both are kept clear of the region when the map is fitted. A ``<details>``
    element in ``html`` starts folded on a narrow map (:data:`NARROW_MAP`). ``attribution`` (plain text, escaped
    here) joins the map's attribution while the group is shown. Its script calls ``window.mapkit.legend``
    (``mapkit/web/static/map.js``), sent with the map by :class:`MapStyle`, so the map must come from
    :func:`base_map`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.mapkit.legend({{ this._parent.get_name() }}, {{ this.config_json }});
        {% if this.attribution %}
        {{ this._parent.get_name() }}.options.attribution = {{ this.attribution_json }};
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, position: str = "bottomright", extra: bool = False,
                 attribution: str = "") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.config_json = script_json({"html": html_text, "position": position, "narrowMap": NARROW_MAP,
                                        "className": "mapkit-legend-extra" if extra else "mapkit-legend leaflet-bar"})
        self.attribution = attribution
        self.attribution_json = script_json(html.escape(attribution))


class FitRegion(MacroElement):
    """Fit the map to a region, and again when the map is resized or a legend appears before the user moved it.

    streamlit-folium sizes its frame after the map is drawn, so a single ``fitBounds`` would fit a map of the
    wrong size. The region is kept clear of the legends in the bottom-right corner, beside them or above them,
    whichever leaves it larger.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.mapkit.fitRegion({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitRegion"
        self.bounds = bounds
        self.config_json = script_json({"bounds": bounds})


class FocusWithoutScroll(MacroElement):
    """Let a click focus the map without scrolling the page around it.

    Leaflet focuses the map on mouse-down (for keyboard panning). In an iframe that is partly off screen, as in
    Streamlit, the browser then scrolls the page between mouse-down and mouse-up, and the click lands on another
    area. Focusing with ``preventScroll`` keeps keyboard navigation and puts the click where the user pointed.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.mapkit.focusWithoutScroll({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScroll"


class MapStyle(MacroElement):
    """Page styles for the map: white background (readable with no tiles), legend and tooltip text.

    It carries ``mapkit/web/static/map.css`` and ``map.js`` (fit, legends, focus) for the elements added after it,
    so :func:`base_map` adds it first.

    The attribution moves to the bottom-left corner, under the scale bar, so that the legends in the bottom-right
    corner reach the map's foot and leave more room for the region.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        window.mapkit.styleMap({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
        """
    )

    def __init__(self, background: str = MAP_BACKGROUND) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.background = background
        self.css = web.static_text("map.css")
        self.runtime = web.runtime(web.MAP_RUNTIME)
        self.config_json = script_json({"background": background})


# --------------------------------------------------------------------------------------------------- choropleth


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


def publisher_short(publisher: str) -> str:
    """A publisher's abbreviation when its name ends with one in brackets ("... (MHCLG)"), else the name."""
    match = re.search(r"\(([^()]+)\)\s*$", publisher)
    return match.group(1) if match else publisher


def tooltip_unit(spec: IndicatorSpec) -> str:
    """The unit after a formatted value in the tooltip: "9.1%" reads on as "of people"; "%" adds nothing."""
    if spec.unit_kind == "percent":
        return spec.unit.removeprefix("%").strip()
    return spec.unit


def _int_or_none(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def choropleth_data(frame: pd.DataFrame, spec: IndicatorSpec, classification: Classification,
                    colours: Sequence[str], no_data: NoDataStyle, text: MapText, *,
                    order: Sequence[str], selected: str | None = None) -> dict[str, Any]:
    """Per-area arrays for the browser, aligned with ``order`` (the geometry's codes); all text escaped.

    Areas of ``order`` missing from ``frame`` are drawn as no data.
    """
    table = pd.DataFrame({
        "value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(),
        "cls": classification.classes,
        "rank": frame["rank"].to_numpy() if "rank" in frame else np.nan,
        "n_ranked": frame["n_ranked"].to_numpy() if "n_ranked" in frame else np.nan,
        "decile": frame["decile"].to_numpy() if "decile" in frame else np.nan,
        "note": frame["note"].to_numpy() if "note" in frame else "",
    }, index=pd.Index(frame["code"].astype(str), name="code"))
    table["rank_region"] = rank_worst_first(table["value"], spec.higher_is)
    table = table.reindex(list(order))
    table["cls"] = table["cls"].fillna(NO_DATA).astype(int)
    notes = [""]
    note_index: dict[str, int] = {"": 0}
    note_ids = []
    for note in table["note"]:
        shown = _text(note)
        if shown not in note_index:
            note_index[shown] = len(notes)
            notes.append(shown)
        note_ids.append(note_index[shown])
    n_england = pd.to_numeric(table["n_ranked"], errors="coerce").max()
    return {
        "label": html.escape(spec.label),
        "unit": html.escape(tooltip_unit(spec)),
        "regionLabel": html.escape(text.region_label),
        "rankHint": html.escape(RANK_HINT[spec.higher_is]),
        "decileHint": html.escape(f"1 = {RANK_ONE[spec.higher_is]} 10% of {text.level_plural} in England"),
        "source": html.escape(f"Source: {text.source_short}; {spec.period}"),
        "nRegion": int(table["value"].notna().sum()),
        "nEngland": None if pd.isna(n_england) else int(n_england),
        "fill": [None if c == NO_DATA else colours[c] for c in table["cls"]],
        "value": [html.escape(spec.format_value(None if pd.isna(v) else float(v))) for v in table["value"]],
        "rr": [_int_or_none(v) for v in table["rank_region"]],
        "re": [_int_or_none(v) for v in table["rank"]],
        "dec": [_int_or_none(v) for v in table["decile"]],
        "note": note_ids,
        "notes": notes,
        "noData": dataclasses.asdict(no_data),
        "selected": order.index(selected) if selected in order else None,
    }


def legend_html(spec: IndicatorSpec, classification: Classification, colours: Sequence[str],
                no_data: NoDataStyle, text: MapText) -> str:
    """Legend markup: title and unit, how classes were made, one row per class worst first, no data, source.

    It is a ``<details>`` element, open at first, so a user can fold it away on a small map.
    """
    e = html.escape
    deciles = classification.scheme == "national_deciles"
    if deciles:
        how = f"National decile (1 = {RANK_ONE[spec.higher_is]} 10%) among {classification.reference}"
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
        + f"<div style='color:#444;margin-top:3px'>{e(DARKER[spec.higher_is])}.</div>"
        f"<div style='color:#555;margin-top:2px;font-size:10px'>{e(spec.period)}. Source: {e(text.source_short)}. "
        f"{e(text.source_licence)}.</div>"
        "</details>"
    )


def choropleth_group(frame: pd.DataFrame, spec: IndicatorSpec, classification: Classification, ramp: Ramp,
                     geometry: GeometryPayload, text: MapText, *, selected: str | None = None,
                     attribution: str = "") -> folium.FeatureGroup:
    """The choropleth of one indicator as a feature group holding the areas and their legend.

    Parameters
    ----------
    frame
        Rows of the areas (``code, value, rank, n_ranked, decile, note``), aligned with ``classification.classes``.
    spec, classification, ramp
        What is shown and how it is classified and coloured.
    geometry
        The encoded areas; their order decides the order of the per-area arrays.
    text
        Region and source wording.
    selected
        Code of the area whose profile is open (drawn with a thick outline).
    attribution
        Source and licence text for the map's attribution control.
    """
    colours = class_colours(ramp, classification.k, spec.higher_is)
    data = choropleth_data(frame, spec, classification, colours, ramp.no_data, text, order=geometry.codes,
                           selected=selected)
    group = folium.FeatureGroup(name=f"{spec.label} ({text.level_plural})", overlay=True, control=True)
    style = AREA_LINE_DENSE if len(geometry) > DENSE_AREAS else AREA_LINE
    AreaLayer(geometry, data=data, style=style, attribution=attribution, name=spec.label).add_to(group)
    Legend(legend_html(spec, classification, colours, ramp.no_data, text)).add_to(group)
    return group


def outline_group(geometry: GeometryPayload, label: str) -> folium.FeatureGroup:
    """Parent boundaries drawn over the choropleth, not interactive so hover reaches the areas below.

    Its script uses the runtime sent with the choropleth, so it must be added after :func:`choropleth_group`."""
    group = folium.FeatureGroup(name=label, overlay=True, control=True)
    style = OUTLINE_STYLE_DENSE if len(geometry) > DENSE_OUTLINES else OUTLINE_STYLE
    AreaLayer(geometry, style=style, interactive=False, name=label, runtime=False).add_to(group)
    return group


def base_map(bounds: list[list[float]] | None, basemap: str, *, height: int | str = "100%") -> folium.Map:
    """A map fitted to ``bounds`` with the chosen basemap (or none) and a white background.

    Areas draw on their own canvases (:class:`AreaLayer`); everything else (overlays, uploads, hover outlines) uses
    Leaflet's SVG renderer, which lets the mouse through where nothing is drawn, so the areas below keep their
    hover and click.
    """
    try:
        choice = BASEMAPS[basemap]
    except KeyError:
        raise UnknownNameError(f"Unknown basemap {basemap!r}: use one of {', '.join(BASEMAPS)}.") from None
    m = folium.Map(location=[52.8, -1.6], zoom_start=6, tiles=None, control_scale=True,
                   zoom_snap=0.25, height=height)
    m.default_js = [(name, url) for name, url in m.default_js if name in MAP_ASSETS]
    m.default_css = [(name, url) for name, url in m.default_css if name in MAP_ASSETS]
    tiles = choice.tile_layer()
    if tiles is not None:
        tiles.add_to(m)
    MapStyle().add_to(m)
    FocusWithoutScroll().add_to(m)
    if bounds is not None:
        FitRegion(bounds).add_to(m)
    return m


# --------------------------------------------------------------------------------------------------- the whole view


@dataclasses.dataclass(frozen=True, eq=False)
class MapView:
    """A map in two parts: the base (stable while only the indicator changes) and the layers drawn on it.

    Use :meth:`to_map` for a self-contained folium map (tests, HTML export), or give ``base``, ``layers`` and
    :meth:`layer_control` to streamlit-folium; each view is consumed by one of the two. ``attribution`` holds the
    full attribution statements of every source drawn (the map's corner shows the boundary statement; the
    legend names the indicator's source and licence).
    """

    base: folium.Map
    layers: tuple[folium.FeatureGroup, ...]
    attribution: tuple[str, ...]

    def layer_control(self) -> folium.LayerControl:
        return folium.LayerControl(collapsed=True, position="topright")

    def to_map(self) -> folium.Map:
        for layer in self.layers:
            layer.add_to(self.base)
        self.layer_control().add_to(self.base)
        return self.base


def attribution_lines(spec: IndicatorSpec) -> tuple[str, ...]:
    """Attribution required for an indicator map: the indicator's source and the boundaries'."""
    sources = registry().sources
    return (sources[spec.source].attribution, sources["ons_boundaries"].attribution)


def build_map(frame: gpd.GeoDataFrame, spec: IndicatorSpec, classification: Classification, ramp: Ramp, *,
              level: str, region: str, region_label: str, basemap: str = "light", selected: str | None = None,
              extra_layers: Iterable[folium.FeatureGroup] = (), geometry: GeometryPayload | None = None,
              outlines: GeometryPayload | None | Literal["cached"] = "cached") -> MapView:
    """The map of one indicator for the areas of ``level`` in ``region``.

    ``frame`` is :func:`mapkit.load_indicator` for that view, ``classification`` its classes; ``extra_layers``
    (e.g. overlays) are drawn above the choropleth and the parent outlines. ``geometry`` and ``outlines`` default
    to this process's caches (:func:`area_geometry`, :func:`outline_geometry`); an app may pass the same objects
    from its own cache (``None`` outlines: draw none).
    """
    geometry = area_geometry(level, region) if geometry is None else geometry
    outlines = outline_geometry(level, region) if isinstance(outlines, str) else outlines
    text = map_text(spec, level, region_label)
    attribution = attribution_lines(spec)
    layers = [choropleth_group(frame, spec, classification, ramp, geometry, text, selected=selected,
                               attribution=registry().sources["ons_boundaries"].attribution)]
    if outlines is not None:
        parent = registry().boundary(PARENT_OUTLINE[level])
        layers.append(outline_group(outlines, f"{parent.label} boundaries"))
    layers.extend(extra_layers)
    stable_ids(layers)
    return MapView(base=base_map(geometry.bounds, basemap), layers=tuple(layers), attribution=attribution)


def stable_ids(elements: Iterable[Element], *, prefix: str = "mk") -> None:
    """Number every element inside ``elements`` in order, replacing folium's random ids.

    folium names each element (a popup's HTML too) with a random id, so the same layers built twice render
    different text. streamlit-folium then re-adds every layer on each rerun, which closes an open popup (a click
    on a marker reruns the app). With numbered ids the text depends only on what is drawn.
    """
    counter = itertools.count()

    def walk(element: Element) -> None:
        element._id = f"{prefix}{next(counter):x}"
        children = list(element._children.values())
        for child in children:
            walk(child)
        element._children = OrderedDict((child.get_name(), child) for child in children)  # keys are names
        for part in ("header", "html", "script"):  # a popup keeps its HTML outside its children
            inner = getattr(element, part, None)
            if isinstance(inner, Element):
                walk(inner)

    for element in elements:
        walk(element)

