"""Bring your own overlay: check an uploaded CSV or GeoJSON in memory (drawn by :mod:`mapkit.web.upload_layer`).

Nothing is written to disk: the upload arrives as bytes and leaves as a GeoDataFrame (EPSG:4326) with a ``name``,
a ``details`` dict of the other fields (as text) and the geometry. Every rejection is an :class:`UploadError`
whose message says what is wrong and how to fix the file.

Accepted:

* **CSV** (UTF-8, with or without BOM; comma, semicolon or tab separated) with a ``name`` column and either
  ``lat``/``lon`` in WGS84 decimal degrees (headers ``lat``/``latitude`` and ``lon``/``lng``/``long``/``longitude``,
  any case) or ``easting``/``northing`` in British National Grid metres.
* **GeoJSON** FeatureCollection or Feature whose features have a ``name`` property and Point, LineString or Polygon
  geometry (or their Multi forms). Mixed geometry types in one file are accepted: a scheme file may hold its
  stations as points and its route as a line, and each is drawn as what it is. Coordinates are WGS84 unless the
  file declares ``"crs"`` EPSG:27700 (British National Grid), which is reprojected; any other declared CRS is
  refused with the fix. A polygon whose outline crosses itself is split where it crosses (``shapely.make_valid``
  with the bounded "structure" method) and ``frame.attrs["notes"]`` says which; one with no area at all is refused.

Budgets, checked on the parsed coordinates before any geometry is built: :data:`MAX_FEATURES` features, counting
each point of a MultiPoint as one; :data:`MAX_VERTICES` vertices in the file (points, line and ring vertices
together); :data:`MAX_PARTS` parts per feature (also after a repair). A few thousand points or a district drawn at
full detail fit comfortably. :func:`check_counts` checks the size and these counts where it is called, cheaply and
before any worker starts; :func:`read_upload_bounded` does that, then reads in a worker process with a memory ceiling
and a time limit (:mod:`mapkit.workers`), as the app does.

Text is kept as uploaded and escaped when drawn (:func:`mapkit.web.upload_layer.upload_layer`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, shape
from shapely.geometry.base import BaseGeometry

from mapkit.errors import UploadError

__all__ = [
    "MAX_BYTES",
    "MAX_FEATURES",
    "MAX_HELD_BYTES",
    "MAX_HELD_FILES",
    "MAX_PARTS",
    "MAX_SESSION_FILES",
    "MAX_VERTICES",
    "UK_BOUNDS",
    "BNG_BOUNDS",
    "check_counts",
    "held_over_quota",
    "quota_message",
    "read_upload",
    "read_upload_bounded",
]

MAX_BYTES = 5 * 1024 * 1024
MAX_SESSION_FILES = 20
"""Files one browser session may have read: each takes a turn of the server's few workers (a new session, after a
reload, starts again)."""
MAX_HELD_FILES = 2
"""Uploaded files the server keeps for one session: the one on the map and a replacement on its way."""
MAX_HELD_BYTES = MAX_HELD_FILES * MAX_BYTES
"""Bytes of uploaded files the server keeps for one session."""
MAX_FEATURES = 5_000
"""Features per file, counting each point of a MultiPoint as one feature."""
MAX_VERTICES = 100_000
"""Vertices per file: points, line vertices and polygon ring vertices together."""
MAX_PARTS = 1_000
"""Parts per feature (points of a MultiPoint, lines, polygons), before and after a repair."""
_SIMPLIFY = ("simplify the shapes in your GIS software (in QGIS: Vector > Geometry Tools > Simplify, with a "
             "tolerance of 10 to 20 metres; or on mapshaper.org), or split the file")
_REDRAW = ("draw it again, or repair it in your GIS software (in QGIS: Vector > Geometry Tools > Fix "
           "Geometries)")
MAX_DETAILS = 20
"""Extra fields kept per feature for its popup; the rest are dropped."""
UK_BOUNDS: tuple[float, float, float, float] = (-8.7, 49.8, 1.9, 60.9)
"""West, south, east, north in degrees: the United Kingdom with its islands."""
BNG_BOUNDS: tuple[float, float, float, float] = (0.0, 0.0, 700_000.0, 1_300_000.0)
"""Minimum easting, northing, maximum easting, northing of the British National Grid, in metres."""

NAME_HEADERS = ("name",)
LAT_HEADERS = ("lat", "latitude")
LON_HEADERS = ("lon", "lng", "long", "longitude")
EASTING_HEADERS = ("easting", "eastings")
NORTHING_HEADERS = ("northing", "northings")
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# How deep each geometry type nests its positions: 0 = a position, 1 = a list of positions, ...
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
_EXAMPLES = 5
_LONLAT_CODES = {4326: "WGS84", 4258: "ETRS89"}  # ETRS89 is within a metre of WGS84 in Britain
_BNG_CODE = 27700
_FIX_ENCODING = ("save it as UTF-8: in Excel choose 'CSV UTF-8 (Comma delimited)'; in other programs choose the "
                 "UTF-8 encoding when saving")

# --- entry point ----------------------------------------------------------------------------------------------------

def read_upload(data: bytes, filename: str) -> gpd.GeoDataFrame:
    """Check an uploaded file and return its features (EPSG:4326), or raise :class:`UploadError`.

    Parameters
    ----------
    data
        The file's bytes, as received (never written to disk).
    filename
        The name the user's file had; its extension decides how it is read (.csv, .geojson or .json).
    """
    label, kind, text = _opened(data, filename)
    records = _read_csv(text, label) if kind == "csv" else _read_geojson(text, label)
    records, notes = _valid_polygons(records, label)
    vertices = int(shapely.get_num_coordinates(np.asarray([r[1] for r in records], dtype=object)).sum())
    if vertices > MAX_VERTICES:  # a repair adds the crossing points as vertices
        raise UploadError(f"{label} has {vertices:,} vertices once its self-crossing polygons are repaired; the limit "
                          f"is {MAX_VERTICES:,}: {_SIMPLIFY}.")
    frame = gpd.GeoDataFrame(
        {"name": [r[0] for r in records], "details": [r[2] for r in records]},
        geometry=[r[1] for r in records], crs="EPSG:4326",
    )
    frame.attrs["filename"] = label
    frame.attrs["notes"] = notes
    return frame


_COUNTING = threading.Lock()
"""One count of a GeoJSON file at a time per process: parsing 5 MB of coordinates holds about 90 MB for a tenth of a
second, and ten people uploading at once must not hold ten times that in the server."""


def check_counts(data: bytes, filename: str) -> None:
    """Refuse a file over the size, row, feature, vertex or part budget, or unreadable as text, CSV or JSON, with the
    same message :func:`read_upload` gives, without building any geometry: cheap enough for the server to run
    before any worker starts (a tenth of a second for the largest file), so an over-budget file never waits for one.

    Raises
    ------
    UploadError
        Saying what is wrong and how to fix the file.
    """
    label, kind, text = _opened(data, filename)
    if kind == "csv":
        _csv_table(text, label)
    else:
        with _COUNTING:
            _geojson_features(text, label)


def read_upload_bounded(data: bytes, filename: str, *,
                        on_wait: Callable[[int], None] | None = None) -> gpd.GeoDataFrame:
    """:func:`read_upload` in a worker process with a memory ceiling and a time limit (:func:`mapkit.workers.
    run_bounded`), after :func:`check_counts` here: past either budget a :class:`mapkit.errors.BudgetError` saying
    so, and the server is unharmed. ``on_wait`` hears how many earlier uploads this one waits for, if it waits
    (:func:`mapkit.workers.waiting_message`)."""
    from mapkit.workers import run_bounded

    data = bytes(data)
    check_counts(data, filename)
    return run_bounded(read_upload, data, filename, what=f"Reading {_label(filename)}", on_wait=on_wait)


def held_over_quota(held: Sequence[tuple[str, int]], incoming: int) -> list[str]:
    """Which files a session's store should drop, oldest first, so that one more of ``incoming`` bytes fits within
    :data:`MAX_HELD_FILES` and :data:`MAX_HELD_BYTES`.

    Parameters
    ----------
    held
        ``(file id, bytes)`` of the files held for the session, oldest first.
    incoming
        The size of the file arriving.
    """
    kept = list(held)
    dropped = []
    while kept and (len(kept) + 1 > MAX_HELD_FILES or sum(size for _, size in kept) + incoming > MAX_HELD_BYTES):
        dropped.append(kept.pop(0)[0])
    return dropped


def quota_message(*, files_read: int = 0, dropped: int = 0) -> str | None:
    """What a session over its upload quota is told (``None`` within it): it has read :data:`MAX_SESSION_FILES`
    files, or ``dropped`` files it sent were not kept."""
    if files_read >= MAX_SESSION_FILES:
        return (f"This session has read {files_read:,} files, the most one session may: each takes a turn of the "
                "server's workers, which everyone shares. Reload the page to start a new session.")
    if dropped:
        files = "1 file" if dropped == 1 else f"{dropped:,} files"
        return (f"{files} this session sent {'was' if dropped == 1 else 'were'} not kept: the server keeps at most "
                f"{MAX_HELD_FILES} uploaded files ({MAX_HELD_BYTES // 1024 // 1024} MB) per session, the newest. "
                "Choose your file again if it is missing from the map.")
    return None


def _opened(data: bytes, filename: str) -> tuple[str, str, str]:
    """The file's label for messages, its kind ("csv" or "geojson") and its text, or an :class:`UploadError`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_upload needs the file's bytes, not {type(data).__name__}")
    data = bytes(data)
    label = _label(filename)
    kind = _kind(label)
    if not data:
        raise UploadError(f"{label} is empty (0 bytes): choose the file again, or check that it was saved.")
    if len(data) > MAX_BYTES:
        raise UploadError(f"{label} is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB: "
                          "split it into smaller files, or remove columns and features you do not need.")
    text = _decode(data, label)
    if not text.strip():
        raise UploadError(f"{label} contains only blank space: choose the file again, or check that it was saved.")
    return label, kind, text


def _label(filename: object) -> str:
    """The file's base name, printable and short, for messages."""
    name = PurePath(str(filename or "")).name
    name = "".join(ch if ch.isprintable() else "?" for ch in name)[:80]
    return f"'{name}'" if name else "The file"


def _kind(label: str) -> str:
    lowered = label.lower().rstrip("'")
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".geojson", ".json")):
        return "geojson"
    found = re.search(r"(\.[^.\s]{1,10})$", lowered)
    what = f"a {found.group(1)} file" if found else "a file without an extension"
    raise UploadError(f"{label} is {what}: upload a .csv (columns name and lat/lon or easting/northing) or a "
                      ".geojson file. From Excel, save as 'CSV UTF-8'; from GIS software, export as GeoJSON.")


def _decode(data: bytes, label: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(f"{label} is saved as UTF-16 text, which cannot be read: {_FIX_ENCODING}.")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UploadError(f"{label} looks like an Excel workbook or a zip archive, not text: export it as "
                          "'CSV UTF-8', or unzip it and upload the .csv or .geojson inside.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"{label} is not UTF-8 text (unexpected byte at position {exc.start}): "
                          f"{_FIX_ENCODING}.") from None
    if "\x00" in text:
        if _looks_like_utf16(data):
            raise UploadError(f"{label} is saved as UTF-16 text, which cannot be read: {_FIX_ENCODING}.")
        raise UploadError(f"{label} contains NUL characters, so it is a binary file rather than text: upload a "
                          "plain-text .csv or .geojson file.")
    return text


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: mostly-ASCII text has a NUL in every other byte."""
    half = len(data) // 2
    return half > 0 and max(data[0::2].count(0), data[1::2].count(0)) >= 0.75 * half


# --- CSV ------------------------------------------------------------------------------------------------------------

Record = tuple[str, BaseGeometry, dict[str, str]]


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _find(headers: Sequence[str], names: Iterable[str], label: str, what: str) -> int | None:
    wanted = set(names)
    hits = [i for i, h in enumerate(headers) if h in wanted]
    if len(hits) > 1:
        shown = " and ".join(repr(headers[i]) for i in hits)
        raise UploadError(f"{label} has more than one {what} column ({shown}): keep one and delete or rename the "
                          "others.")
    return hits[0] if hits else None


def _csv_table(text: str, label: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows of a CSV file within the row limit (a file far over it is refused without parsing the
    rest of it)."""
    try:
        rows = list(itertools.islice(_csv_rows(text), MAX_FEATURES + 2))
    except csv.Error as exc:
        raise UploadError(f"{label} could not be read as CSV ({exc}): check that text containing commas or quotes "
                          "is enclosed in double quotes, or export the file again as CSV UTF-8.") from None
    if not rows:
        raise UploadError(f"{label} has no rows: add a header row (name, lat, lon) and one row per place.")
    _, raw_header = rows[0]
    body = rows[1:]
    if not body:
        raise UploadError(f"{label} has a header row but no data rows: add one row per place under the header.")
    if len(body) > MAX_FEATURES:
        count = max(len(body), text.strip().count("\n"))  # lines, as a quick count of the rows
        raise UploadError(f"{label} has {count:,} rows; the limit is {MAX_FEATURES:,}: split it into smaller "
                          "files, or keep only the places you need.")
    return raw_header, body


def _read_csv(text: str, label: str) -> list[Record]:
    raw_header, body = _csv_table(text, label)
    headers = [h.strip().strip('"').strip().lower() for h in raw_header]
    name_col = _find(headers, NAME_HEADERS, label, "name")
    if name_col is None:
        shown = ", ".join(repr(h) for h in raw_header[:8]) or "none"
        raise UploadError(f"{label} has no name column (columns found: {shown}): add a column headed 'name' with "
                          "a name for each place.")
    lat, lon = _find(headers, LAT_HEADERS, label, "latitude"), _find(headers, LON_HEADERS, label, "longitude")
    east = _find(headers, EASTING_HEADERS, label, "easting")
    north = _find(headers, NORTHING_HEADERS, label, "northing")
    if lat is not None and lon is not None:
        coords, parse = (lat, lon), _lonlat_point
    elif east is not None and north is not None:
        coords, parse = (east, north), _bng_point
    else:
        raise UploadError(_missing_coordinates(label, lat, lon, east, north))
    width = len(headers)
    used = {name_col, *coords}
    records: list[Record] = []
    errors: list[str] = []
    for line, row in body:
        if len(row) > width:
            errors.append(f"line {line} has {len(row)} values but the header has {width}: enclose values that "
                          "contain the separator in double quotes")
            continue
        row = list(row) + [""] * (width - len(row))
        name = row[name_col].strip()
        if not name:
            errors.append(f"line {line} has no name: fill in the name column")
            continue
        try:
            point = parse(row[coords[0]], row[coords[1]], line, headers[coords[0]], headers[coords[1]])
        except _RowError as exc:
            errors.append(str(exc))
            continue
        details = {(raw_header[i].strip() or f"column {i + 1}"): row[i].strip() for i in range(width)
                   if i not in used and row[i].strip()}
        records.append((name, point, dict(list(details.items())[:MAX_DETAILS])))
    if errors:
        raise UploadError(_summarise(label, errors))
    return _project_bng(records) if parse is _bng_point else records


def _csv_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


def _missing_coordinates(label: str, lat: int | None, lon: int | None, east: int | None, north: int | None) -> str:
    if (lat is None) != (lon is None):
        have, need = ("latitude", "longitude (lon)") if lat is not None else ("longitude", "latitude (lat)")
        return f"{label} has a {have} column but no {need} column: add it, headed lat or lon."
    if east is not None and north is None:
        return f"{label} has an easting column but no northing column: add it, headed northing."
    if north is not None and east is None:
        return f"{label} has a northing column but no easting column: add it, headed easting."
    return (f"{label} has no coordinate columns: add lat and lon (WGS84 decimal degrees, e.g. 52.48 and -1.90) or "
            "easting and northing (British National Grid metres, e.g. 406900 and 286900).")


class _RowError(Exception):
    """One row's problem; collected and reported together."""


def _number(value: str, line: int, header: str) -> float:
    text = value.strip()
    if not text:
        raise _RowError(f"line {line} has no {header} value: fill it in")
    try:
        number = float(text)
    except ValueError:
        hint = ": use a full stop as the decimal separator" if "," in text else ""
        raise _RowError(f"line {line}: {header} {text[:30]!r} is not a number{hint}") from None
    if not math.isfinite(number):
        raise _RowError(f"line {line}: {header} is {text[:30]!r}, not a finite number: give a real coordinate")
    return number


# The fix for each coordinate problem depends on whether the user edits CSV headers or a GeoJSON file.
_FIXES: Mapping[tuple[str, str], str] = {
    ("swapped", "csv"): "swap the lat and lon column headers",
    ("swapped", "geojson"): "GeoJSON positions are [longitude, latitude]: swap the two numbers, or export the file "
                            "again from your GIS software",
    ("metres", "csv"): "head the columns easting and northing",
    ("metres", "geojson"): "add \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:27700\"}} or "
                           "export the file as WGS84 (EPSG:4326)",
    ("degrees", "csv"): "head the columns lat and lon",
    ("degrees", "geojson"): "remove the EPSG:27700 \"crs\" member",
}


def _lonlat_point(lat_text: str, lon_text: str, line: int, lat_name: str, lon_name: str) -> Point:
    lat, lon = _number(lat_text, line, lat_name), _number(lon_text, line, lon_name)
    problem = _lonlat_problem(lon, lat, "csv")
    if problem:
        raise _RowError(f"line {line}: {lat_name} {lat:g}, {lon_name} {lon:g} {problem}")
    return Point(lon, lat)


def _in_uk(lon: float, lat: float) -> bool:
    west, south, east, north = UK_BOUNDS
    return west <= lon <= east and south <= lat <= north


def _lonlat_problem(lon: float, lat: float, source: str) -> str:
    """Why a longitude/latitude pair is not a UK place ("" when it is), with the fix for ``source``."""
    if _in_uk(lon, lat):
        return ""
    if _in_uk(lat, lon):
        return ("looks like lat/lon are swapped (latitude is about 50 to 61 in the UK, longitude about -8 to 2): "
                + _FIXES["swapped", source])
    if abs(lon) > 180 or abs(lat) > 90:
        return "looks like British National Grid metres, not degrees: " + _FIXES["metres", source]
    west, south, east, north = UK_BOUNDS
    return (f"is outside the UK (latitude {south:g} to {north:g}, longitude {west:g} to {east:g}): check the "
            "numbers, and that places west of Greenwich have a negative longitude")


def _bng_point(east_text: str, north_text: str, line: int, east_name: str, north_name: str) -> Point:
    east, north = _number(east_text, line, east_name), _number(north_text, line, north_name)
    problem = _bng_problem(east, north, "csv")
    if problem:
        raise _RowError(f"line {line}: {east_name} {east:g}, {north_name} {north:g} {problem}")
    return Point(east, north)


def _bng_problem(east: float, north: float, source: str) -> str:
    """Why an easting/northing pair is not on the British National Grid ("" when it is), with the fix."""
    if abs(east) <= 180 and abs(north) <= 90:
        return "looks like degrees, not British National Grid metres: " + _FIXES["degrees", source]
    min_e, min_n, max_e, max_n = BNG_BOUNDS
    if min_e <= east <= max_e and min_n <= north <= max_n:
        return ""
    return (f"is outside the British National Grid (easting {min_e:,.0f} to {max_e:,.0f}, northing {min_n:,.0f} to "
            f"{max_n:,.0f} metres): check the numbers and that easting and northing are not swapped")


def _summarise(label: str, errors: list[str]) -> str:
    shown = "; ".join(errors[:_EXAMPLES])
    more = f" (and {len(errors) - _EXAMPLES} more)" if len(errors) > _EXAMPLES else ""
    count = "1 problem" if len(errors) == 1 else f"{len(errors)} problems"
    return f"{label} has {count}: {shown}{more}."


def _project_bng(records: list[Record]) -> list[Record]:
    transformed = _bng_to_wgs84([r[1] for r in records])
    return [(name, geom, details) for (name, _, details), geom in zip(records, transformed)]


def _bng_to_wgs84(geometries: Sequence[BaseGeometry]) -> list[BaseGeometry]:
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return list(shapely.transform(np.asarray(geometries, dtype=object), project))


# --- GeoJSON --------------------------------------------------------------------------------------------------------

def _geojson_features(text: str, label: str) -> tuple[dict[str, Any], list[Any]]:
    """The parsed document and its features, within the feature, vertex and part budgets (:func:`_check_budget`)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UploadError(f"{label} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): export it "
                          "again as GeoJSON, or check it in a JSON validator.") from None
    except (ValueError, RecursionError) as exc:
        raise UploadError(f"{label} could not be read as JSON ({type(exc).__name__}: nesting too deep or a number "
                          "too long): export it again as GeoJSON.") from None
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise UploadError(f"{label} is JSON but not GeoJSON (no \"type\" member at the top): export it as a GeoJSON "
                          "FeatureCollection.")
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise UploadError(f"{label} is a FeatureCollection without a \"features\" list: export it again as "
                              "GeoJSON.")
    elif kind == "Feature":
        features = [document]
    elif kind in GEOMETRY_TYPES or kind == "GeometryCollection":
        raise UploadError(f"{label} is a bare {kind} geometry with no name: wrap it in a Feature with "
                          "\"properties\": {\"name\": \"...\"} (most GIS software exports a FeatureCollection).")
    else:
        raise UploadError(f"{label} has GeoJSON type {kind[:40]!r}; upload a FeatureCollection or a Feature.")
    if not features:
        raise UploadError(f"{label} has no features: add at least one feature with a name and a geometry.")
    if len(features) > MAX_FEATURES:
        raise UploadError(f"{label} has {len(features):,} features; the limit is {MAX_FEATURES:,}: split it into "
                          "smaller files, or keep only the features you need.")
    _check_budget(features, label)
    return document, features


def _read_geojson(text: str, label: str) -> list[Record]:
    document, features = _geojson_features(text, label)
    crs_code = _declared_crs(document.get("crs"), label)
    records: list[Record] = []
    errors: list[str] = []
    for number, feature in enumerate(features, start=1):
        try:
            records.append(_feature(feature, number, crs_code))
        except _RowError as exc:
            errors.append(str(exc))
    if errors:
        raise UploadError(_summarise(label, errors))
    if crs_code == _BNG_CODE:
        return _project_bng(records)
    return records


def _count_positions(value: Any, depth: int) -> int:
    """Positions in nested coordinate lists (anything malformed counts 0; :func:`_positions` reports it)."""
    if not isinstance(value, list):
        return 0
    if depth == 0:
        return 1
    if depth == 1:
        return sum(1 for item in value if isinstance(item, list))
    return sum(_count_positions(item, depth - 1) for item in value)


def _check_budget(features: list[Any], label: str) -> None:
    """Refuse a file over the feature, vertex or part budget before any geometry is built."""
    vertices = 0
    places = 0
    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in _DEPTH:
            places += 1
            continue
        coords = geometry.get("coordinates")
        parts = len(coords) if kind.startswith("Multi") and isinstance(coords, list) else 1
        if parts > MAX_PARTS and kind != "MultiPoint":
            raise UploadError(f"{label}: feature {number} has {parts:,} parts; the limit is {MAX_PARTS:,} parts per "
                              f"feature: dissolve or {_SIMPLIFY.replace(', or split the file', '')}, or split it "
                              "into several features.")
        places += parts if kind == "MultiPoint" else 1
        if places > MAX_FEATURES:
            what = (f"feature {number} is a MultiPoint of {parts:,} points" if kind == "MultiPoint"
                    else f"it has more than {MAX_FEATURES:,} features")
            raise UploadError(f"{label}: {what}; the limit is {MAX_FEATURES:,} features, counting each point of a "
                              "MultiPoint as one: split it into smaller files, or keep only the places you need.")
        vertices += _count_positions(coords, _DEPTH[kind])
        if vertices > MAX_VERTICES:
            raise UploadError(f"{label} has more than {MAX_VERTICES:,} vertices (points, line and polygon vertices "
                              f"together; the limit is {MAX_VERTICES:,}, reached at feature {number}): {_SIMPLIFY}.")


def _declared_crs(crs: Any, label: str) -> int:
    """The EPSG code a GeoJSON ``crs`` member declares (4326 when absent)."""
    if crs is None:
        return 4326
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(
        crs.get("properties"), dict) else None
    if not isinstance(name, str):
        raise UploadError(f"{label} has a \"crs\" member that cannot be read: delete it and export the file as WGS84 "
                          "(EPSG:4326), or declare {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:27700\"}}.")
    text = name.strip().upper()
    if text.endswith(("CRS84", "CRS:84")):
        return 4326
    match = re.search(r"EPSG(?::{1,2}|/0/|:\d*(?:\.\d+)*:)(\d+)$", text)
    code = int(match.group(1)) if match else None
    if code in _LONLAT_CODES or code == _BNG_CODE:
        return 4326 if code in _LONLAT_CODES else _BNG_CODE
    shown = f"EPSG:{code}" if code is not None else repr(name[:60])
    raise UploadError(f"{label} declares the coordinate system {shown}, which this map cannot read: export it again "
                      "as WGS84 (EPSG:4326) or British National Grid (EPSG:27700).")


def _feature(feature: Any, number: int, crs_code: int) -> Record:
    where = f"feature {number}"
    if not isinstance(feature, dict):
        raise _RowError(f"{where} is not a GeoJSON Feature object")
    geometry = feature.get("geometry")
    if geometry is None:
        raise _RowError(f"{where} has no geometry (null): remove it or give it a point, line or polygon")
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise _RowError(f"{where} has a geometry without a type")
    kind = geometry["type"]
    if kind not in GEOMETRY_TYPES:
        raise _RowError(f"{where} is a {kind[:30]}, which is not supported: use Point, LineString or Polygon (or "
                        "MultiPoint, MultiLineString, MultiPolygon)")
    coords = _positions(geometry.get("coordinates"), _DEPTH[kind], kind, where)
    positions = np.asarray(_flatten(coords, _DEPTH[kind]), dtype=float).reshape(-1, 2)
    problem = _range_problem(positions, crs_code)
    if problem:
        raise _RowError(f"{where} {problem}")
    properties = feature.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    name_key = next((k for k in properties if isinstance(k, str) and k.strip().lower() in NAME_HEADERS), None)
    name = _as_text(properties.get(name_key)).strip() if name_key is not None else ""
    if not name:
        raise _RowError(f"{where} has no name: add a \"name\" property to each feature")
    details = {str(k): _as_text(v) for k, v in properties.items() if k != name_key and _as_text(v).strip()}
    return name, shape({"type": kind, "coordinates": coords}), dict(list(details.items())[:MAX_DETAILS])


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, default=str)[:1000]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positions(value: Any, depth: int, kind: str, where: str) -> Any:
    """Checked coordinates of one geometry, reduced to [x, y]; raises _RowError naming the problem."""
    if depth == 0:
        if (not isinstance(value, list) or not 2 <= len(value) <= 4
                or not all(_is_number(v) for v in value)):
            raise _RowError(f"{where} has a position that is not [longitude, latitude] numbers")
        try:
            x, y = float(value[0]), float(value[1])
        except OverflowError:  # an integer too large for a float
            x = y = math.inf
        if not (math.isfinite(x) and math.isfinite(y)):
            raise _RowError(f"{where} has a coordinate that is not a finite number (NaN or Infinity)")
        return [x, y]
    if not isinstance(value, list) or not value:
        raise _RowError(f"{where} ({kind}) has empty or missing coordinates")
    items = [_positions(v, depth - 1, kind, where) for v in value]
    if kind in ("LineString", "MultiLineString") and depth == 1 and len(items) < 2:
        raise _RowError(f"{where} has a line with fewer than two positions")
    if kind in ("Polygon", "MultiPolygon") and depth == 1:
        if len(items) < 4:
            raise _RowError(f"{where} has a polygon ring with fewer than four positions")
        if items[0] != items[-1]:
            raise _RowError(f"{where} has a polygon ring that is not closed: make its last position equal its first")
    return items


def _flatten(coords: Any, depth: int) -> list[float]:
    if depth == 0:
        return list(coords)
    out: list[float] = []
    for item in coords:
        out.extend(_flatten(item, depth - 1))
    return out


def _range_problem(positions: np.ndarray, crs_code: int) -> str:
    if crs_code == _BNG_CODE:
        for east, north in positions:
            problem = _bng_problem(float(east), float(north), "geojson")
            if problem:
                return f"has easting {east:g}, northing {north:g}, which {problem}"
        return ""
    for lon, lat in positions:
        problem = _lonlat_problem(float(lon), float(lat), "geojson")
        if problem:
            return f"has the position [{lon:g}, {lat:g}], which {problem}"
    return ""


# --- polygons ---

def _valid_polygons(records: list[Record], label: str) -> tuple[list[Record], list[str]]:
    """Polygons whose outline crosses itself, split where it crosses (as GIS software repairs them), and a note
    saying which; a polygon with no area at all is refused, and so is one whose repair breaks it into more than
    :data:`MAX_PARTS` pieces."""
    repaired: list[int] = []
    out: list[Record] = []
    for number, (name, geometry, details) in enumerate(records, start=1):
        if geometry.geom_type in ("Polygon", "MultiPolygon") and not geometry.is_valid:
            # "structure" is bounded (near-linear in the crossings); the default "linework" method can take
            # minutes and gigabytes on a ring that crosses itself thousands of times.
            fixed = _polygonal(shapely.make_valid(geometry, method="structure", keep_collapsed=False))
            if fixed is None:
                raise UploadError(f"{label}: feature {number} is a polygon with no area (its outline runs back "
                                  "along itself or all its points lie on a line): draw it again, or upload it as a "
                                  "LineString.")
            pieces = shapely.get_num_geometries(fixed)
            if pieces > MAX_PARTS:
                raise UploadError(f"{label}: feature {number} is a polygon whose outline crosses itself so often "
                                  f"that repairing it gives {pieces:,} pieces; the limit is {MAX_PARTS:,} parts per "
                                  f"feature: {_REDRAW}.")
            if not fixed.is_valid:
                # GEOS can return pieces that share an edge (a ring tracing a square twice gives its two halves):
                # their union is the valid shape.
                fixed = _polygonal(shapely.union_all(shapely.get_parts(fixed)))
                if fixed is None or not fixed.is_valid:
                    raise UploadError(f"{label}: feature {number} is a polygon whose outline crosses itself in a "
                                      f"way that cannot be repaired here: {_REDRAW}.")
            repaired.append(number)
            geometry = fixed
        out.append((name, geometry, details))
    if not repaired:
        return out, []
    which = ", ".join(str(n) for n in repaired[:_EXAMPLES]) + (" ..." if len(repaired) > _EXAMPLES else "")
    count = "1 feature was" if len(repaired) == 1 else f"{len(repaired)} features were"
    return out, [f"{label}: {count} repaired: self-crossing rings split where they cross (feature {which})."]


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    """The polygons with area in a repaired geometry (which may also hold the lines and points left over)."""
    polygons = [part for piece in shapely.get_parts(geometry) for part in shapely.get_parts(piece)
                if part.geom_type == "Polygon" and part.area > 0]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
