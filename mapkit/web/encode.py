"""The geometry codec: areas -> compact text the browser decodes (``mapkit/web/static/geometry.js``).

Built for speed at England scale without trading away correctness:

* Geometry is sent once per view as compact text: coordinates quantised to 1e-5 degrees (about 1 m), chained
  deltas per area, zig-zag varints in a 64-letter alphabet (the idea of Google's encoded polylines). Neighbours
  share identical vertices in the data, so they decode to identical points: no gaps, no overlaps. The alphabet has
  no ``_`` so streamlit-folium's variable renaming cannot touch it.
* Geometry serialisation is cached per (level, region) (:func:`area_geometry`, :func:`outline_geometry`):
  changing the indicator, classes or palette rebuilds only the small per-indicator arrays.
* Every text that reaches HTML (area names) is escaped with :func:`html.escape` and the JSON is made safe to embed
  in ``<script>`` (:func:`script_json`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import json
import math
from functools import lru_cache
from typing import Any, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapkit.data.products import load_boundaries
from mapkit.web.prebuilt import prebuilt_geometry

SCALE = 100_000
"""Coordinates are sent as integers of 1e-5 degree (about 1.1 m north-south, 0.7 m east-west in England)."""

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_ALPHABET_BYTES = np.frombuffer(_ALPHABET.encode("ascii"), dtype=np.uint8)

PARENT_OUTLINE: dict[str, str | None] = {"ca": None, "lad": "ca", "ward": "lad", "lsoa": "lad"}
"""Which boundaries are drawn over a choropleth of each level, so its areas can be read in context."""


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

    @functools.cached_property
    def version(self) -> str:
        """A content hash of :attr:`json` (16 hex digits): the name of its file and the key of the browser's cache,
        so a page that has these areas already never fetches or decodes them again."""
        return hashlib.sha256(self.json.encode("utf-8")).hexdigest()[:16]


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
    return _encode_paths(rings, ring_part, part_area, len(geoms), closed=True)


FEATURE_KINDS: dict[str, str] = {"Point": "point", "MultiPoint": "point", "LineString": "line",
                                 "MultiLineString": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}
"""What each geometry type is drawn as by :func:`encode_features`' readers."""


def encode_features(geometries: Sequence[Any] | np.ndarray) -> tuple[list[list[list[str]]], list[str]]:
    """Points, lines and polygons in the areas' codec: ``[feature][part][path] -> text`` and each feature's kind
    (:data:`FEATURE_KINDS`).

    A polygon's parts are its rings, exactly as :func:`encode_shapes`; a line's part is one path (every vertex, the
    last included), and a point's part is one path of a single vertex. Deltas chain through a feature's paths, so
    ``geometry.js`` decodes every kind with the same ``decode``.
    """
    geoms = np.asarray(geometries, dtype=object)
    kinds = [FEATURE_KINDS[geometry.geom_type] for geometry in geoms]
    out: list[list[list[str]]] = [[] for _ in range(len(geoms))]
    polygons = np.flatnonzero(np.asarray(kinds) == "polygon")
    others = np.flatnonzero(np.asarray(kinds) != "polygon")
    for index, shape in zip(polygons, encode_shapes(geoms[polygons]) if len(polygons) else []):
        out[index] = shape
    if len(others):
        parts, part_feature = shapely.get_parts(geoms[others], return_index=True)
        paths = _encode_paths(parts, np.arange(len(parts)), part_feature, len(others), closed=False)
        for index, shape in zip(others, paths):
            out[index] = shape
    return out, kinds


def _encode_paths(paths: np.ndarray, path_part: np.ndarray, part_feature: np.ndarray, n_features: int, *,
                  closed: bool) -> list[list[list[str]]]:
    """``[feature][part][path] -> text`` of ``paths`` (rings without their closing vertex when ``closed``)."""
    coords, coord_path = shapely.get_coordinates(paths, return_index=True)
    if closed and len(coords):
        last_of_path = np.r_[coord_path[1:] != coord_path[:-1], True]
        coords, coord_path = coords[~last_of_path], coord_path[~last_of_path]
    quantised = np.round(coords * SCALE).astype(np.int64)
    coord_feature = part_feature[path_part[coord_path]]
    deltas = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    if len(coords):
        first_of_feature = np.r_[True, coord_feature[1:] != coord_feature[:-1]]
        deltas[first_of_feature] = quantised[first_of_feature]
    chars, n_chars = _zigzag_chars(deltas.reshape(-1))
    text = chars.tobytes().decode("ascii")
    per_coord = n_chars.reshape(-1, 2).sum(axis=1)
    path_chars = np.bincount(coord_path, weights=per_coord, minlength=len(paths)).astype(np.int64)
    ends = np.cumsum(path_chars)
    starts = ends - path_chars
    out: list[list[list[str]]] = [[] for _ in range(n_features)]
    part_slot: dict[int, list[str]] = {}
    for path_index in range(len(paths)):
        part_index = int(path_part[path_index])
        slot = part_slot.get(part_index)
        if slot is None:
            slot = part_slot[part_index] = []
            out[int(part_feature[part_index])].append(slot)
        slot.append(text[starts[path_index]:ends[path_index]])
    return out


def script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<`` (so no ``</script>`` or ``<!--``) and no line separators.

    Text meant for HTML is escaped with :func:`html.escape` before it gets here, so it keeps its ``&lt;`` form.
    """
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def display_text(value: Any) -> str:
    """Escaped display text; missing becomes empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


def encode_geometry(frame: gpd.GeoDataFrame, *, parent_column: str | None = None) -> GeometryPayload:
    """Encode the areas of ``frame`` (``code``, ``name``, geometry in EPSG:4326) for
    :class:`mapkit.web.elements.AreaLayer`."""
    parents = frame[parent_column] if parent_column and parent_column in frame else pd.Series([""] * len(frame))
    payload = {
        "scale": SCALE,
        "codes": [str(c) for c in frame["code"]],
        "names": [display_text(n) for n in frame["name"]],
        "parents": [display_text(p) for p in parents],
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
    """Encoded areas of ``level`` in ``region``, once per process: from the files encoded at data-build time
    (:mod:`mapkit.web.prebuilt`) when they match the boundaries, else encoded here (the slow part of a map)."""
    found = prebuilt_geometry(level, region)
    if found is not None:
        return GeometryPayload(*found)
    return encode_geometry(load_boundaries(level, region), parent_column=PARENT_NAME_COLUMN[level])


@lru_cache(maxsize=64)
def outline_geometry(level: str, region: str) -> GeometryPayload | None:
    """Encoded parent boundaries drawn over a choropleth of ``level`` in ``region`` (``None`` if there are none)."""
    parent = PARENT_OUTLINE[level]
    if parent is None:
        return None
    frame = load_boundaries(parent, region)
    if not len(frame):
        return None
    found = prebuilt_geometry(parent, region, parent_names=False)
    return GeometryPayload(*found) if found is not None else encode_geometry(frame)
