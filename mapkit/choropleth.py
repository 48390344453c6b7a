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


def decode_ring(text: str, start: tuple[int, int] = (0, 0)) -> tuple[list[tuple[float, float]], tuple[int, int]]:
    """Decode one ring (for tests and tools; the browser does this in JavaScript). Returns points and end state."""
    lookup = {c: i for i, c in enumerate(_ALPHABET)}
    x, y = start
    points: list[tuple[float, float]] = []
    value = shift = axis = 0
    for char in text:
        code = lookup[char]
        value |= (code & 31) << shift
        if code & 32:
            shift += 5
            continue
        delta = (value >> 1) ^ -(value & 1)
        if axis == 0:
            x += delta
        else:
            y += delta
            points.append((x / SCALE, y / SCALE))
        axis, value, shift = 1 - axis, 0, 0
    return points, (x, y)


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

RUNTIME_JS = r"""
if (!window.mapkit) {
  window.mapkit = (function () {
    var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    var NARROW_MAP = __NARROW_MAP__;
    var LOOKUP = new Int16Array(128);
    for (var a = 0; a < 64; a++) { LOOKUP[ALPHABET.charCodeAt(a)] = a; }
    function latLngs(shape, a) {  // one decoded area -> [polygon][ring][L.LatLng], for its outline
      var out = [], rings = null, r, j;
      for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
        if (shape.firstOfPart[r] || !rings) { rings = []; out.push(rings); }
        var points = [];
        for (j = shape.ringStart[r]; j < shape.ringStart[r + 1]; j++) { points.push(L.latLng(shape.lat[j], shape.lng[j])); }
        rings.push(points);
      }
      return out;
    }
    function count(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en-GB"); }
    function tooltip(geom, data, i) {
      var h = "<div style='white-space:normal;width:250px;font-size:12px;line-height:1.35'>";
      h += "<b>" + geom.names[i] + "</b>";
      if (geom.parents[i]) { h += " <span style='color:#555'>(" + geom.parents[i] + ")</span>"; }
      h += "<br>" + data.label + ": <b>" + data.value[i] + "</b>";
      if (data.fill[i] !== null && data.unit) { h += " <span style='color:#555'>" + data.unit + "</span>"; }
      if (data.rr[i] !== null) {
        h += "<br>Rank in " + data.regionLabel + ": " + count(data.rr[i]) + " of " + count(data.nRegion) +
             " <span style='color:#555'>(" + data.rankHint + ")</span>";
      }
      if (data.re[i] !== null && data.regionLabel !== "England") {  // in England the regional rank is this one
        h += "<br>Rank in England: " + count(data.re[i]) + " of " + count(data.nEngland);
      }
      if (data.dec[i] !== null) {
        h += "<br>National decile: " + data.dec[i] + " <span style='color:#555'>(" + data.decileHint + ")</span>";
      }
      if (data.note[i]) { h += "<br><i>" + data.notes[data.note[i]] + "</i>"; }
      h += "<div style='color:#555;font-size:11px;margin-top:3px'>" + data.source + "</div></div>";
      return h;
    }
    function decode(geom) {  // every vertex as longitude/latitude in typed arrays, with ring and area offsets
      var total = 0, f, p, r, i, text, code, value, mult, axis, x, y, n = 0, scale = geom.scale;
      for (f = 0; f < geom.shapes.length; f++) {
        for (p = 0; p < geom.shapes[f].length; p++) {
          for (r = 0; r < geom.shapes[f][p].length; r++) { total += geom.shapes[f][p][r].length; }
        }
      }
      var lng = new Float64Array(total >> 1), lat = new Float64Array(total >> 1), ringStart = [0], areaStart = [0],
          firstOfPart = [];
      for (f = 0; f < geom.shapes.length; f++) {
        x = 0; y = 0;
        for (p = 0; p < geom.shapes[f].length; p++) {
          for (r = 0; r < geom.shapes[f][p].length; r++) {
            text = geom.shapes[f][p][r]; value = 0; mult = 1; axis = 0; firstOfPart.push(r === 0 ? 1 : 0);
            for (i = 0; i < text.length; i++) {
              code = LOOKUP[text.charCodeAt(i)];
              value += (code & 31) * mult;
              if (code & 32) { mult *= 32; continue; }
              if (axis === 0) { x += (value % 2) ? -(value + 1) / 2 : value / 2; }
              else { y += (value % 2) ? -(value + 1) / 2 : value / 2; lng[n] = x / scale; lat[n] = y / scale; n++; }
              axis = 1 - axis; value = 0; mult = 1;
            }
            ringStart.push(n);
          }
        }
        areaStart.push(ringStart.length - 1);
      }
      return {lng: lng.subarray(0, n), lat: lat.subarray(0, n), ringStart: Int32Array.from(ringStart),
              areaStart: Int32Array.from(areaStart), firstOfPart: Uint8Array.from(firstOfPart)};
    }
    function project(shape, crs) {  // vertices in the CRS's pixel space at scale 1 (zoom z: times crs.scale(z))
      var n = shape.lng.length, x = new Float64Array(n), y = new Float64Array(n), i, s, t, R, q;
      if (crs === L.CRS.EPSG3857) {  // inlined L.Projection.SphericalMercator and its transformation
        R = L.Projection.SphericalMercator.MAX_LATITUDE;
        for (i = 0; i < n; i++) {
          s = Math.sin(Math.max(Math.min(R, shape.lat[i]), -R) * Math.PI / 180);
          x[i] = shape.lng[i] / 360 + 0.5;
          y[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
        }
      } else {
        t = crs.scale(0);
        for (i = 0; i < n; i++) { q = crs.latLngToPoint(L.latLng(shape.lat[i], shape.lng[i]), 0); x[i] = q.x / t; y[i] = q.y / t; }
      }
      var areas = shape.areaStart.length - 1, box = new Float64Array(areas * 4), a, j, r0, r1;
      for (a = 0; a < areas; a++) {
        r0 = shape.ringStart[shape.areaStart[a]]; r1 = shape.ringStart[shape.areaStart[a + 1]];
        box[4 * a] = box[4 * a + 1] = Infinity; box[4 * a + 2] = box[4 * a + 3] = -Infinity;
        for (j = r0; j < r1; j++) {
          if (x[j] < box[4 * a]) { box[4 * a] = x[j]; } if (x[j] > box[4 * a + 2]) { box[4 * a + 2] = x[j]; }
          if (y[j] < box[4 * a + 1]) { box[4 * a + 1] = y[j]; } if (y[j] > box[4 * a + 3]) { box[4 * a + 3] = y[j]; }
        }
      }
      return {x: x, y: y, box: box};
    }
    var MIN_STEP = 0.6;  // pixels (x + y): closer vertices are skipped while drawing (Leaflet's smoothing drops more)
    var AreaCanvas = L.Canvas.extend({
      // All areas of a view on one canvas, in a pane of their own under the overlays: one Leaflet layer instead of
      // one per area (thousands at England scale), drawn straight from vertices projected once. Hover and click are
      // found from the map's mouse events with a grid index and a point-in-polygon test, so other canvases or SVG
      // drawn above never hide the areas from the mouse.
      initialize: function (geom, data, opts) {
        L.Canvas.prototype.initialize.call(this, {padding: 0.1, pane: opts.pane, attribution: opts.attribution,
                                                 interactive: opts.interactive});
        this._geom = geom; this._data = data; this._opts = opts; this._shape = decode(geom);
        this.mapkitAreas = geom.codes.length;
      },
      onAdd: function (map) {
        if (!map.getPane(this.options.pane)) { map.createPane(this.options.pane).style.zIndex = this._opts.zIndex; }
        if (!this._proj || this._crs !== map.options.crs) { this._crs = map.options.crs; this._proj = project(this._shape, this._crs); this._grid = null; }
        L.Renderer.prototype.onAdd.call(this, map);  // not L.Canvas's, which draws at once
        this._updatePaths();
        if (this._data && this._data.selected !== null) {
          this._selected = L.polygon(latLngs(this._shape, this._data.selected),
                                     {color: "#000", weight: 3.5, fill: false, interactive: false}).addTo(map);
        }
      },
      onRemove: function (map) {
        this._hover(null, null);
        if (this._selected) { map.removeLayer(this._selected); this._selected = null; }
        L.Canvas.prototype.onRemove.call(this, map);
      },
      getEvents: function () {
        var events = L.Canvas.prototype.getEvents.call(this);
        if (this._opts.interactive) {
          events.mousemove = this._onMapMove; events.click = this._onMapClick; events.mouseout = this._onMapOut;
          events.tooltipopen = events.popupopen = this._onOtherOverlay;  // e.g. a marker's: drop the area's
        }
        return events;
      },
      _initContainer: function () {  // no DOM listeners: the mouse reaches the map through this canvas
        var container = this._container = document.createElement("canvas");
        container.style.pointerEvents = "none";
        this._ctx = container.getContext("2d");
      },
      _destroyContainer: function () {
        L.Util.cancelAnimFrame(this._redrawRequest);
        delete this._ctx; L.DomUtil.remove(this._container); delete this._container;
      },
      _updatePaths: function () {
        // The first draw waits for the end of the script that added the layer (a microtask): its legend is then in
        // place and the map fitted around it, so England's areas are drawn once, not once per fit.
        var self = this;
        if (this._postponeUpdatePaths) { return; }
        if (this._settled) { this._redraw(); return; }
        if (!this._pending) {
          this._pending = true;
          Promise.resolve().then(function () { self._pending = false; self._settled = true; if (self._map) { self._redraw(); } });
        }
      },
      _fill: function (i) {
        var d = this._data;
        return d ? (d.fill[i] === null ? d.noData.fill : d.fill[i]) : null;
      },
      _draw: function () {  // each area as one path, filled and outlined, like Leaflet's canvas but far fewer calls
        var map = this._map, ctx = this._ctx;
        if (!map || !ctx || !this._proj) { return; }
        var st = this._opts.style, data = this._data, shape = this._shape, P = this._proj,
            s = this._crs.scale(map.getZoom()), o = map.getPixelOrigin(), ox = o.x, oy = o.y, b = this._bounds,
            x0 = (b.min.x + ox) / s, y0 = (b.min.y + oy) / s, x1 = (b.max.x + ox) / s, y1 = (b.max.y + oy) / s,
            fill = st.fill !== false, stroke = st.stroke !== false, missing, current = null,
            fillOpacity = st.fillOpacity === undefined ? 0.2 : st.fillOpacity, opacity = st.opacity === undefined ? 1 : st.opacity,
            dash = data && data.noData.dash ? String(data.noData.dash).split(/[ ,]+/).map(Number) : [],
            a, r, j, r0, r1, px, py, lx, ly, colour;
        ctx.lineJoin = "round"; ctx.strokeStyle = st.color; ctx.lineWidth = st.weight;
        for (a = 0; a < this.mapkitAreas; a++) {
          if (P.box[4 * a] > x1 || P.box[4 * a + 2] < x0 || P.box[4 * a + 1] > y1 || P.box[4 * a + 3] < y0) { continue; }
          ctx.beginPath();
          for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
            r0 = shape.ringStart[r]; r1 = shape.ringStart[r + 1];
            if (r1 - r0 < 3) { continue; }
            lx = s * P.x[r0] - ox; ly = s * P.y[r0] - oy;
            ctx.moveTo(lx, ly);
            for (j = r0 + 1; j < r1; j++) {
              px = s * P.x[j] - ox; py = s * P.y[j] - oy;
              if (j < r1 - 1 && Math.abs(px - lx) + Math.abs(py - ly) < MIN_STEP) { continue; }
              ctx.lineTo(px, py); lx = px; ly = py;
            }
            ctx.closePath();
          }
          missing = data && data.fill[a] === null;
          if (fill) {
            colour = missing ? data.noData.fill : (data ? data.fill[a] : (st.fillColor || st.color));
            if (colour !== current) { ctx.fillStyle = current = colour; }
            ctx.globalAlpha = fillOpacity; ctx.fill("evenodd");
          }
          if (stroke) {
            ctx.globalAlpha = opacity;
            if (missing) {
              ctx.strokeStyle = data.noData.outline; ctx.lineWidth = 0.8; ctx.setLineDash(dash); ctx.stroke();
              ctx.strokeStyle = st.color; ctx.lineWidth = st.weight; ctx.setLineDash([]);
            } else { ctx.stroke(); }
          }
        }
        ctx.globalAlpha = 1;
      },
      _index: function () {  // a grid of area indices by bounding box, built on the first hover
        var P = this._proj, n = this.mapkitAreas, size = Math.max(8, Math.min(256, Math.ceil(Math.sqrt(n) * 2))),
            minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, a, i, j;
        for (a = 0; a < n; a++) {
          minX = Math.min(minX, P.box[4 * a]); minY = Math.min(minY, P.box[4 * a + 1]);
          maxX = Math.max(maxX, P.box[4 * a + 2]); maxY = Math.max(maxY, P.box[4 * a + 3]);
        }
        var grid = {size: size, minX: minX, minY: minY, w: (maxX - minX) / size || 1, h: (maxY - minY) / size || 1, cells: []};
        for (i = 0; i < size * size; i++) { grid.cells.push([]); }
        function cell(v, min, step) { return Math.max(0, Math.min(size - 1, Math.floor((v - min) / step))); }
        for (a = 0; a < n; a++) {
          for (i = cell(P.box[4 * a], minX, grid.w); i <= cell(P.box[4 * a + 2], minX, grid.w); i++) {
            for (j = cell(P.box[4 * a + 1], minY, grid.h); j <= cell(P.box[4 * a + 3], minY, grid.h); j++) { grid.cells[j * size + i].push(a); }
          }
        }
        return grid;
      },
      areaAt: function (latlng) {  // index of the area under a point, or -1
        if (!this._map || !this._proj) { return -1; }
        var g = this._grid || (this._grid = this._index()), P = this._proj, shape = this._shape,
            q = this._crs.latLngToPoint(latlng, 0), t = this._crs.scale(0), x = q.x / t, y = q.y / t,
            i = Math.floor((x - g.minX) / g.w), j = Math.floor((y - g.minY) / g.h), list, a, r, k, m, inside;
        if (i < 0 || j < 0 || i >= g.size || j >= g.size) { return -1; }
        list = g.cells[j * g.size + i];
        for (var c = 0; c < list.length; c++) {
          a = list[c];
          if (x < P.box[4 * a] || x > P.box[4 * a + 2] || y < P.box[4 * a + 1] || y > P.box[4 * a + 3]) { continue; }
          inside = false;
          for (r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
            for (k = shape.ringStart[r], m = shape.ringStart[r + 1] - 1; k < shape.ringStart[r + 1]; m = k++) {
              if ((P.y[k] > y) !== (P.y[m] > y) && x < (P.x[m] - P.x[k]) * (y - P.y[k]) / (P.y[m] - P.y[k]) + P.x[k]) { inside = !inside; }
            }
          }
          if (inside) { return a; }
        }
        return -1;
      },
      area: function (i) {  // a stand-in layer for one area, as event target (streamlit-folium reads toGeoJSON)
        var code = this._geom.codes[i], feature = {type: "Feature", id: i, properties: {code: code}, geometry: null};
        return {feature: feature, toGeoJSON: function () { return feature; }};
      },
      mapkitList: function () {  // [code, fill colour] of every area, as drawn (for tests and tools)
        var out = [];
        for (var i = 0; i < this.mapkitAreas; i++) { out.push([this._geom.codes[i], this._fill(i)]); }
        return out;
      },
      _hover: function (i, latlng) {
        var map = this._map;
        if (i !== this._hovered) {
          if (this._highlight) { this._highlight.remove(); this._highlight = null; }
          this._hovered = i;
          if (i !== null && map) {
            this._highlight = L.polygon(latLngs(this._shape, i),
                                        {color: "#000", weight: 3, fill: false, interactive: false}).addTo(map);
            if (this._data) {
              this._tip = this._tip || L.tooltip({sticky: true, opacity: 0.96});
              this._tip.setContent(tooltip(this._geom, this._data, i));
            }
          }
          if (map) { map.getContainer().style.cursor = i === null ? "" : "pointer"; }
        }
        if (this._tip) {
          if (i === null || !map) { this._tip.remove(); }
          else { this._tip.setLatLng(latlng); if (!this._tip._map) { this._tip.openOn(map); } }
        }
      },
      _onMapMove: function (e) {
        var map = this._map;
        if (!map || (map.dragging && map.dragging.moving()) || map._animatingZoom) { return; }
        var i = this.areaAt(e.latlng);
        this._hover(i < 0 ? null : i, e.latlng);
      },
      _onMapOut: function () { this._hover(null, null); },
      _onOtherOverlay: function (e) { if (e.tooltip !== this._tip) { this._hover(null, null); } },
      _onMapClick: function (e) {
        var i = this.areaAt(e.latlng);
        if (i < 0) { return; }
        var target = this.area(i);
        this.fire("click", {latlng: e.latlng, layerPoint: e.layerPoint, containerPoint: e.containerPoint,
                            originalEvent: e.originalEvent, layer: target, sourceTarget: target}, true);
      }
    });
    function areas(geom, data, opts) { return new AreaCanvas(geom, data, opts); }
    function legend(group, html, position, className) {
      var control = L.control({position: position});
      control.onAdd = function (map) {
        var div = L.DomUtil.create("div", className || "mapkit-legend leaflet-bar"), details, width;
        div.innerHTML = html;
        details = div.querySelector("details");
        width = map.getSize().x;
        if (details && width > 0 && width < NARROW_MAP) { details.open = false; }  // fold on a small map
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      group.on("add", function (e) {
        var map = e.target._map;
        control.addTo(map);
        map.fire("mapkit:legend");  // fit around the legend now, before the areas are first drawn
        if (window.ResizeObserver) {
          control.observer = new ResizeObserver(function () { if (control._map) { map.fire("mapkit:legend"); } });
          control.observer.observe(control.getContainer());
        } else {
          setTimeout(function () { map.fire("mapkit:legend"); }, 0);
        }
      });
      group.on("remove", function () { if (control.observer) { control.observer.disconnect(); } control.remove(); });
      return control;
    }
    return {areas: areas, legend: legend};
  })();
}
""".replace("__NARROW_MAP__", str(NARROW_MAP))


def compact_js(source: str) -> str:
    """JavaScript without indentation, blank lines and ``  // `` comments (the runtime's own style; no string in
    it holds that sequence): a quarter smaller, and the runtime is sent with every view."""
    lines = (re.split(r"\s{2,}// ", line, maxsplit=1)[0].strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


RUNTIME = compact_js(RUNTIME_JS)


class AreaLayer(folium.map.Layer):
    """Encoded areas as one Leaflet layer drawn on its own canvas: a choropleth (with ``data``) or outlines (without).

    In the browser this is ``window.mapkit.areas`` (see :data:`RUNTIME_JS`): one layer for all areas, however many,
    in a pane of its own below the overlay pane (:data:`AREA_PANES`), so that overlays, uploads and the hover
    outline (SVG) stay on top. Its ``mapkitList()`` gives ``[code, fill]`` of every area as drawn, for tests and
    tools.

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
        Whether this layer carries the browser-side runtime; ``False`` for layers always drawn after one that
        does (the parent outlines after the choropleth), so that a view sends it once.
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
        self.runtime = RUNTIME if runtime else ""
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
    here) joins the map's attribution while the group is shown. The parent group must be added to the map after a
    :class:`AreaLayer` (which defines the browser-side runtime), as :func:`build_map` does.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.mapkit.legend({{ this._parent.get_name() }}, {{ this.html_json }},
                                                           {{ this.position_json }}, {{ this.class_json }});
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
        self.html_json = script_json(html_text)
        self.position_json = script_json(position)
        self.class_json = script_json("mapkit-legend-extra" if extra else "mapkit-legend leaflet-bar")
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
        (function (map) {
            var bounds = {{ this.bounds_json }}, touched = false, fitted = null;
            function fit() {
                var size = map.getSize(), box = L.latLngBounds(bounds), rect = null, foot = 8,
                    container = map.getContainer(), outer = container.getBoundingClientRect(),
                    left = container.querySelector(".leaflet-bottom.leaflet-left"),
                    inCorner = ".leaflet-right.leaflet-bottom ",
                    legends = container.querySelectorAll(
                        inCorner + ".mapkit-legend, " + inCorner + ".mapkit-legend-extra"), corner;
                if (size.x < 100 || size.y < 100) { return; }  // not laid out yet: fit again on resize
                if (!isFinite(map.getZoom())) { map.setView(box.getCenter(), 6, {animate: false}); }
                if (left && left.children.length) {  // scale bar and attribution: keep the region above them
                    foot = Math.max(foot, outer.bottom - left.getBoundingClientRect().top + 2);
                }
                corner = [8, foot];
                legends.forEach(function (element) {  // the legends stacked in the corner, as one box
                    var r = element.getBoundingClientRect();
                    rect = rect ? {left: Math.min(rect.left, r.left), top: Math.min(rect.top, r.top)} : r;
                });
                if (rect) {
                    var beside = [outer.right - rect.left + 6, foot],
                        below = [8, Math.max(foot, outer.bottom - rect.top + 6)],
                        options = [];
                    [beside, below].forEach(function (pad) {
                        if (size.x - pad[0] - 8 > 120 && size.y - pad[1] - 8 > 120) {
                            var zoom = map.getBoundsZoom(box, false, L.point(pad[0] + 8, pad[1] + 8));
                            if (isFinite(zoom)) { options.push([zoom, pad]); }
                        }
                    });
                    options.sort(function (a, b) { return b[0] - a[0]; });
                    if (options.length) { corner = options[0][1]; }
                }
                var key = [size.x, size.y, corner[0], corner[1]].join();
                if (key === fitted) { return; }  // same fit as last time: a refit would only redraw
                fitted = key;
                map.fitBounds(box, {paddingTopLeft: [8, 8], paddingBottomRight: corner, animate: false});
            }
            fit();
            ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
                map.getContainer().addEventListener(name, function () { touched = true; }, {passive: true});
            });
            map.on("resize mapkit:legend", function () { if (!touched) { fit(); } });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitRegion"
        self.bounds = bounds
        self.bounds_json = script_json(bounds)


class FocusWithoutScroll(MacroElement):
    """Let a click focus the map without scrolling the page around it.

    Leaflet focuses the map on mouse-down (for keyboard panning). In an iframe that is partly off screen, as in
    Streamlit, the browser then scrolls the page between mouse-down and mouse-up, and the click lands on another
    area. Focusing with ``preventScroll`` keeps keyboard navigation and puts the click where the user pointed.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            if (!map.keyboard) { return; }
            map.keyboard.disable();
            map.keyboard._onMouseDown = function () {
                if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
            };
            map.keyboard.enable();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScroll"


class MapStyle(MacroElement):
    """Page styles for the map: white background (readable with no tiles), legend and tooltip text.

    The attribution moves to the bottom-left corner, under the scale bar, so that the legends in the bottom-right
    corner reach the map's foot and leave more room for the region.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: {{ this.background }}; font-family: system-ui, sans-serif;
                               font-size: 12px; }
          .leaflet-control-scale-line { font-size: 11px; }
          .mapkit-legend { background: #fff; padding: 6px 8px; font-size: 11px; line-height: 1.3;
                           max-width: 290px; color: #1a1a1a; }
          .leaflet-control-attribution { font-size: 10px; white-space: normal; }
          .leaflet-left .leaflet-control-attribution { max-width: calc(100vw - 320px); min-width: 160px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().style.background = {{ this.background_json }};
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPosition("bottomleft");
        }
        {% endmacro %}
        """
    )

    def __init__(self, background: str = MAP_BACKGROUND) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.background = background
        self.background_json = script_json(background)


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

