"""A user's own area: an outline drawn on the map or read from a GeoJSON file, or a group of wards or LSOAs.

Every way in gives one :class:`OwnArea` (EPSG:4326), checked once:

* :func:`from_codes`: ward (``E05``) or LSOA (``E01``) codes, one kind at a time, at most :data:`MAX_CODES`, each a
  code of the shipped boundaries; pasted text is split on commas, semicolons and white space.
* :func:`from_drawings`: the features streamlit-folium returns for Leaflet.draw (``all_drawings``): polygons and
  rectangles as drawn, a circle (a point with a ``radius`` in metres) as a polygon of
  :data:`CIRCLE_VERTICES` vertices drawn in British National Grid metres.
* :func:`from_geojson`: a file saved by :func:`to_geojson` (its codes come back as codes) or any polygon GeoJSON.

Drawings and files are read by :func:`mapkit.data.uploads.read_upload` in a worker process with the uploads'
memory and time budget (:func:`mapkit.workers.run_bounded`), so the same limits hold (vertices, parts, bytes)
and an outline that crosses itself is split where it crosses (``shapely.make_valid``), with a note saying so.

:func:`to_token` writes an area for a link (:mod:`mapkit.data.area_link`): codes as they are, an outline simplified
to at most :data:`LINK_VERTICES` vertices with the tolerance stated; :func:`from_token` reads one back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from mapkit.data import area_link
from mapkit.data.io import BNG, WGS84
from mapkit.data.products import load_boundaries
from mapkit.errors import ParameterError, UploadError

__all__ = ["CIRCLE_VERTICES", "DEFAULT_NAME", "KINDS", "LINK_VERTICES", "MAX_CODES", "MAX_DRAWINGS", "MAX_NAME",
           "OwnArea", "clean_name", "from_codes", "from_drawings", "from_geojson", "from_shape", "from_token",
           "link_shape", "parse_codes", "shares_inside", "to_geojson", "to_token"]

MAX_CODES = 1_000
"""Most wards or LSOAs in one area (about a large district's LSOAs; a link holds them in at most 4,000
characters)."""
MAX_NAME = 80
MAX_DRAWINGS = 50
"""Most shapes drawn for one area (they are joined into one)."""
LINK_VERTICES = 200
"""Most vertices of an outline in a link."""
LINK_TOLERANCES_M = (0.0, 2.0, 5.0, 10.0, 20.0, 35.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, 750.0,
                     1_000.0, 2_000.0, 5_000.0)
"""Simplification tolerances tried, smallest first, until an outline fits in :data:`LINK_VERTICES` vertices."""
CIRCLE_VERTICES = 64
DEFAULT_NAME = "My area"
KINDS = {"shape": "drawn outline", "ward": "wards", "lsoa": "LSOAs"}
LEVEL_PREFIX = {"ward": "E05", "lsoa": "E01"}
ENGLAND_BOUNDS = (-6.5, 49.8, 2.0, 55.9)
"""West, south, east, north in degrees: England with the Isles of Scilly and a margin."""
GEOJSON_NAME = "own-area.geojson"
_CODE = re.compile(r"E0[15]\d{6}")


def clean_name(text: object) -> str:
    """A user's name for an area as plain printable text, white space collapsed, at most :data:`MAX_NAME`
    characters; :data:`DEFAULT_NAME` when nothing printable is left. (Escaped wherever it is shown.)"""
    if not isinstance(text, str):
        return DEFAULT_NAME
    kept = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in text)
    kept = " ".join(kept.split())[:MAX_NAME].strip()
    return kept or DEFAULT_NAME


@dataclasses.dataclass(frozen=True, eq=False)
class OwnArea:
    """One area of the user's own making.

    Attributes
    ----------
    name
        The user's name for it (:func:`clean_name`).
    kind
        ``"shape"`` (an outline), ``"ward"`` or ``"lsoa"`` (a group of areas).
    codes
        The wards' or LSOAs' codes, sorted (empty for an outline).
    shape
        The outline (EPSG:4326, polygons only) for ``"shape"``; ``None`` for a group of codes.
    notes
        Plain sentences on what was done to the input (repaired, simplified, codes left out).
    """

    name: str
    kind: str
    codes: tuple[str, ...] = ()
    shape: BaseGeometry | None = None
    notes: tuple[str, ...] = ()

    @property
    def level(self) -> str | None:
        """``"ward"`` or ``"lsoa"`` for a group of codes, ``None`` for an outline."""
        return self.kind if self.kind in LEVEL_PREFIX else None

    @property
    def geometry(self) -> BaseGeometry:
        """The outline (EPSG:4326): the drawn shape, or the union of the group's boundaries."""
        if self.shape is not None:
            return self.shape
        return _union(self.kind, self.codes)

    @property
    def description(self) -> str:
        """``23 wards``, ``4 LSOAs`` or ``drawn outline``."""
        if self.kind == "shape":
            return KINDS["shape"]
        noun = "ward" if self.kind == "ward" else "LSOA"
        return f"{len(self.codes):,} {noun}{'' if len(self.codes) == 1 else 's'}"

    @cached_property
    def link(self) -> tuple[str, str]:
        """:func:`to_token`: the link token and how its outline was simplified (computed once)."""
        return to_token(self)

    @property
    def code(self) -> str:
        """A stable identifier for tables and file names: ``own-`` and 10 hex digits of the link token."""
        return "own-" + hashlib.sha256(self.link[0].encode("ascii")).hexdigest()[:10]

    def with_name(self, name: object) -> OwnArea:
        return dataclasses.replace(self, name=clean_name(name))


@lru_cache(maxsize=64)
def _union(level: str, codes: tuple[str, ...]) -> BaseGeometry:
    shapes = load_boundaries(level)
    chosen = shapes[shapes["code"].isin(codes)].to_crs(BNG)
    union = shapely.union_all(chosen.geometry.to_numpy())
    return gpd.GeoSeries([union], crs=BNG).to_crs(WGS84).iloc[0]


# --- codes ----------------------------------------------------------------------------------------------------------

def parse_codes(text: str | Iterable[str]) -> tuple[str, ...]:
    """Codes from pasted text (split on commas, semicolons and white space) or a list, upper-cased, once each, in
    the order given. Raises :class:`ParameterError` for anything that is not a ward or LSOA code."""
    items = re.split(r"[\s,;]+", text) if isinstance(text, str) else [str(t) for t in text]
    given = [item.strip() for item in items if item and item.strip()]
    codes = [item.upper() for item in given]
    wrong = [g for g, c in zip(given, codes) if not _CODE.fullmatch(c)]
    if wrong:
        shown = ", ".join(repr(c[:12]) for c in wrong[:5])
        raise ParameterError(f"Not ward or LSOA codes: {shown}{' and more' if len(wrong) > 5 else ''}. Give ward "
                             "codes (E05 and six digits, e.g. E05011120) or LSOA codes (E01 and six digits).")
    return tuple(dict.fromkeys(codes))


@lru_cache(maxsize=2)
def _known(level: str) -> frozenset[str]:
    return frozenset(load_boundaries(level)["code"])


def from_codes(codes: str | Iterable[str], *, name: object = DEFAULT_NAME, drop_unknown: bool = False) -> OwnArea:
    """A group of wards or of LSOAs.

    Parameters
    ----------
    codes
        Ward codes or LSOA codes (one kind), as a list or pasted text.
    drop_unknown
        Leave out codes that are not areas of the shipped boundaries, with a note (a link); by default they are
        refused (the command line, a pasted list).
    """
    chosen = parse_codes(codes)
    if not chosen:
        raise ParameterError("No codes given: paste ward codes (E05...) or LSOA codes (E01...), separated by commas.")
    prefixes = {c[:3] for c in chosen}
    if len(prefixes) > 1:
        raise ParameterError("The list mixes ward codes (E05) and LSOA codes (E01): make a group of one kind.")
    level = "ward" if prefixes == {"E05"} else "lsoa"
    if len(chosen) > MAX_CODES:
        raise ParameterError(f"{len(chosen):,} codes given; an area holds at most {MAX_CODES:,}: split the list.")
    known = _known(level)
    unknown = [c for c in chosen if c not in known]
    notes: list[str] = []
    plural = "wards (May 2024)" if level == "ward" else "LSOAs (2021)"
    if unknown:
        listed = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        if not drop_unknown or len(unknown) == len(chosen):
            raise ParameterError(f"Not {plural} of England: {listed}. Check the codes (the map's areas show theirs).")
        notes.append(f"Left out, not {plural} of England: {listed}.")
    kept = tuple(sorted(c for c in chosen if c in known))
    return OwnArea(name=clean_name(name), kind=level, codes=kept, notes=tuple(notes))


# --- outlines -------------------------------------------------------------------------------------------------------

def _polygons(geometry: BaseGeometry) -> BaseGeometry | None:
    parts = [p for p in shapely.get_parts(shapely.get_parts(geometry)) if p.geom_type == "Polygon" and p.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def from_shape(geometry: BaseGeometry, *, name: object = DEFAULT_NAME, crs: str = WGS84,
               notes: Sequence[str] = ()) -> OwnArea:
    """An outline (polygons; any CRS pyproj knows), repaired with a note when it crosses itself.

    Raises
    ------
    ParameterError
        When it has no area or lies wholly outside England.
    """
    if geometry is None or not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        raise ParameterError("The area has no outline: draw a polygon, a rectangle or a circle on the map.")
    if crs != WGS84:
        geometry = gpd.GeoSeries([geometry], crs=crs).to_crs(WGS84).iloc[0]
    notes = list(notes)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
        notes.append("The outline crossed itself: it was split where it crosses (shapely make_valid), as GIS "
                     "software repairs it.")
    polygons = _polygons(geometry)
    if polygons is None:
        raise ParameterError("The outline has no area (its corners lie on a line): draw a polygon, a rectangle or a "
                             "circle.")
    west, south, east, north = ENGLAND_BOUNDS
    if not polygons.intersects(shapely.box(west, south, east, north)):
        raise ParameterError("The outline lies outside England: the figures cover England's LSOAs only.")
    return OwnArea(name=clean_name(name), kind="shape", shape=shapely.normalize(polygons), notes=tuple(notes))


def _circle(feature: Mapping[str, Any]) -> dict[str, Any]:
    """A Leaflet.draw circle (a point with ``properties.radius`` in metres) as a GeoJSON polygon feature."""
    radius = (feature.get("properties") or {}).get("radius")
    if isinstance(radius, bool) or not isinstance(radius, (int, float)) or not 0 < radius <= 200_000:
        raise UploadError("A circle on the map has no usable radius: draw it again (up to 200 km).")
    point = shape(feature["geometry"])
    centre = gpd.GeoSeries([point], crs=WGS84).to_crs(BNG).iloc[0]
    ring = centre.buffer(float(radius), quad_segs=CIRCLE_VERTICES // 4)
    polygon = gpd.GeoSeries([ring], crs=BNG).to_crs(WGS84).iloc[0]
    return {"type": "Feature", "properties": {"name": "circle"}, "geometry": mapping(polygon)}


def from_drawings(features: Sequence[Mapping[str, Any]] | None, *, name: object = DEFAULT_NAME) -> OwnArea:
    """The shapes drawn on the map (streamlit-folium's ``all_drawings``) joined into one outline.

    Read like an upload, in a bounded worker: the same budgets, and a self-crossing outline repaired with a note.

    Raises
    ------
    mapkit.errors.UploadError
        For nothing drawn, lines or markers, too many shapes, or a drawing over the budgets.
    """
    if not isinstance(features, (list, tuple)) or not features:
        raise UploadError("Nothing is drawn: draw a polygon, a rectangle or a circle with the tools on the map.")
    if len(features) > MAX_DRAWINGS:
        raise UploadError(f"{len(features):,} shapes are drawn; an area joins at most {MAX_DRAWINGS}: delete some.")
    out = []
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
        kind = geometry.get("type") if isinstance(geometry, Mapping) else None
        if kind == "Point" and isinstance(feature.get("properties"), Mapping) and "radius" in feature["properties"]:
            out.append(_circle(feature))
        elif kind in ("Polygon", "MultiPolygon"):
            out.append({"type": "Feature", "properties": {"name": "drawing"}, "geometry": geometry})
        else:
            raise UploadError("Only polygons, rectangles and circles make an area: delete the lines and markers.")
    data = json.dumps({"type": "FeatureCollection", "features": out}, allow_nan=False).encode("utf-8")
    return _read_bounded(data, "drawing.geojson", name=name, what="Reading your drawing")


def from_geojson(data: bytes, filename: str, *, name: object = None) -> OwnArea:
    """An area from a GeoJSON file: one saved by :func:`to_geojson` comes back as it was saved (codes as codes);
    any other file's polygons are joined into one outline (points and lines refused). Read in a bounded worker."""
    return _read_bounded(data, filename, name=name, what=f"Reading {filename!r}"[:120])


def _read_bounded(data: bytes, filename: str, *, name: object, what: str) -> OwnArea:
    from mapkit.workers import run_bounded

    found = run_bounded(_read_area, bytes(data), filename, what=what)
    if found["codes"]:
        area = from_codes(found["codes"], name=found["name"] if name is None else name)
    else:
        area = from_shape(shapely.from_wkb(found["wkb"]), name=found["name"] if name is None else name,
                          notes=found["notes"])
    return area


def _read_area(data: bytes, filename: str) -> dict[str, Any]:
    """In the worker: the file read and checked as an upload, its polygons joined (as WKB), or its saved codes."""
    from mapkit.data.uploads import read_upload

    frame = read_upload(data, filename)
    details = frame["details"].iloc[0] if len(frame) == 1 else {}
    if isinstance(details, dict) and details.get("mapkit_codes"):
        return {"codes": details["mapkit_codes"], "name": frame["name"].iloc[0], "wkb": None, "notes": []}
    kinds = set(frame.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise UploadError(f"{frame.attrs['filename']} holds {', '.join(sorted(kinds - {'Polygon', 'MultiPolygon'}))} "
                          "features: an area is made of polygons only. Remove the points and lines, or upload "
                          "them as a layer instead.")
    union = shapely.union_all(frame.geometry.to_numpy())
    notes = [_repair_note(n) for n in frame.attrs.get("notes", [])]
    names = list(dict.fromkeys(frame["name"]))
    return {"codes": "", "name": names[0] if len(names) == 1 and names[0] not in ("drawing", "circle") else None,
            "wkb": shapely.to_wkb(union), "notes": notes}


def _repair_note(note: str) -> str:
    if "repaired" in note:
        return ("The outline crossed itself: it was split where it crosses (shapely make_valid), as GIS software "
                "repairs it.")
    return note


def to_geojson(area: OwnArea) -> bytes:
    """A GeoJSON FeatureCollection of the area's outline, named, that :func:`from_geojson` (and the upload reader)
    reads back; a group keeps its codes (``mapkit_level``, ``mapkit_codes``). Coordinates to 6 decimals (0.1 m)."""
    geometry = shapely.set_precision(area.geometry, 1e-6)
    properties: dict[str, Any] = {"name": area.name, "mapkit_kind": area.kind}
    if area.codes:
        properties["mapkit_level"] = area.kind
        properties["mapkit_codes"] = ",".join(area.codes)
    feature = {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False).encode("utf-8")


def shares_inside(shape: BaseGeometry, geoms: np.ndarray) -> np.ndarray:
    """Share of each of ``geoms``' area inside ``shape`` (the same projected CRS): 1 for those wholly inside,
    without computing their intersection. Module-level and light to import, so a bounded worker runs it at once;
    ``geoms`` may be WKB, which is many times quicker to send to a worker than geometries."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) and isinstance(geoms[0], bytes):
        geoms = shapely.from_wkb(geoms)
    shapely.prepare(shape)
    share = np.zeros(len(geoms))
    whole = shapely.contains_properly(shape, geoms)
    share[whole] = 1.0
    edge = ~whole & shapely.intersects(shape, geoms)
    if edge.any():
        parts = geoms[edge]
        area = shapely.area(parts)
        share[edge] = np.divide(shapely.area(shapely.intersection(parts, shape)), area,
                                out=np.zeros(len(parts)), where=area > 0)
    return share


# --- links ----------------------------------------------------------------------------------------------------------

def _vertex_count(geometry: BaseGeometry) -> int:
    """Vertices without the repeated closing vertex of each ring."""
    rings = int(shapely.get_num_interior_rings(shapely.get_parts(geometry)).sum()) + len(shapely.get_parts(geometry))
    return int(shapely.get_num_coordinates(geometry)) - rings


def link_shape(geometry: BaseGeometry) -> tuple[BaseGeometry, float, int]:
    """An outline (EPSG:4326) simplified for a link: the smallest tolerance of :data:`LINK_TOLERANCES_M` (metres,
    in British National Grid) that leaves at most :data:`LINK_VERTICES` vertices; past the largest, the smallest
    parts are left out. Returns the outline, the tolerance and the number of parts left out."""
    bng = gpd.GeoSeries([geometry], crs=WGS84).to_crs(BNG).iloc[0]
    for tolerance in LINK_TOLERANCES_M:
        simple = _polygons(shapely.simplify(bng, tolerance, preserve_topology=True)) if tolerance else bng
        if simple is not None and _vertex_count(simple) <= LINK_VERTICES:
            break
    dropped = 0
    if simple is None or _vertex_count(simple) > LINK_VERTICES:
        parts = sorted(shapely.get_parts(simple if simple is not None else bng), key=lambda p: -p.area)
        kept, used = [], 0
        for part in parts:
            part = Polygon(part.exterior) if _vertex_count(part) + used > LINK_VERTICES else part
            count = _vertex_count(part)
            if used + count <= LINK_VERTICES:
                kept.append(part)
                used += count
        dropped = len(parts) - len(kept)
        simple = kept[0] if len(kept) == 1 else MultiPolygon(kept)
    return gpd.GeoSeries([simple], crs=BNG).to_crs(WGS84).iloc[0], float(tolerance), dropped


def _rings(geometry: BaseGeometry) -> list[list[list[tuple[float, float]]]]:
    out = []
    for polygon in shapely.get_parts(geometry):
        rings = [polygon.exterior, *polygon.interiors]
        out.append([[(x, y) for x, y in np.asarray(ring.coords)[:-1]] for ring in rings])
    return out


def to_token(area: OwnArea) -> tuple[str, str]:
    """The area's link token and a sentence on how its outline was simplified ("" for codes or none needed)."""
    if area.codes:
        return area_link.encode_codes(area.codes), ""
    simple, tolerance, dropped = link_shape(area.geometry)
    token = area_link.encode_rings(_rings(simple))
    note = ""
    if tolerance or dropped:
        note = (f"The link holds the outline simplified to {_vertex_count(simple)} vertices (tolerance "
                f"{tolerance:g} m)" + (f", without its {dropped} smallest parts" if dropped else "") + ".")
    return token, note


def from_token(token: str, *, name: object = DEFAULT_NAME) -> OwnArea:
    """The area a link token holds; codes no longer in the boundaries are left out with a note.

    Raises
    ------
    ParameterError
        For a token that cannot be read, in words a link's notice can show.
    """
    kind = area_link.token_kind(token)
    if kind in area_link.CODE_KINDS:
        codes = area_link.decode_codes(token)
        if len(codes) > MAX_CODES:
            raise ParameterError(f"The link's area holds {len(codes):,} codes; at most {MAX_CODES:,} are read.")
        return from_codes(codes, name=name, drop_unknown=True)
    polygons = area_link.decode_rings(token)
    if sum(len(ring) for rings in polygons for ring in rings) > LINK_VERTICES * 2:
        raise ParameterError(f"The link's outline has more than {LINK_VERTICES * 2} vertices; links hold at most "
                             f"{LINK_VERTICES}.")
    shapes = [Polygon(rings[0], rings[1:]) for rings in polygons]
    geometry = shapes[0] if len(shapes) == 1 else MultiPolygon(shapes)
    return from_shape(geometry, name=name)
