"""``layers/overlays/*.geojson`` from the researched overlay facts (``../shared/reference/overlays_research.csv``).

One row of the research file is one place or stop. Rows with a coordinate become points; stops sharing a
``line_id`` also become schematic lines through the stops that have a coordinate, in ``stop_order``. Rows without
a coordinate are listed under ``"not_mapped"`` in their group's FeatureCollection (a foreign member, allowed by
RFC 7946) so that readers can see what is missing. Nothing is geocoded, moved or invented here: a zone's point is
the single proxy point the research gives, marked as an approximate location. A row (or a line) whose
``ward_codes`` name May 2024 wards also becomes a zone: the dissolved union of those wards from this project's own
ward boundaries (``data/boundaries/ward.parquet``), flagged approximate unless the source lists the wards itself.

The output is deterministic (no timestamps) so that a rebuild from the same file gives the same bytes.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from mapkit.errors import ProductError, RawDataError
from mapkit.data.io import BNG, sha256
from mapkit.specs.registry import LAYERS_DIR, OverlayDeclarations, StatusScheme, load_overlay_declarations
from mapkit.pipeline.overlay_coordinates import (
    TABLE_NAME,
    UK_BOUNDS,
    apply_declared_coordinates,
    read_declared_coordinates,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "overlays_research.csv"
DEFAULT_OUT = LAYERS_DIR / "overlays"
REPORT_NAME = "build_report.json"

COLUMNS: tuple[str, ...] = ("ca", "name", "kind", "subtype", "lat", "lon", "line_id", "stop_order", "status",
                            "status_date", "lad", "source_title", "source_url", "confidence", "notes")
OPTIONAL_COLUMNS: tuple[str, ...] = ("ward_codes", "ward_codes_source")
"""Columns added in the second edition of the research file; an older file without them builds without zones."""
WARD_CODE = re.compile(r"^E05\d{6}$")
ZONE_DECIMALS = 5
"""Zone outlines are written to 5 decimal places of a degree (about 1 m), far finer than the 40 m ward outlines."""
REQUIRED: tuple[str, ...] = ("ca", "name", "kind", "subtype", "status", "lad", "source_title", "source_url",
                             "confidence")
CONFIDENCE: tuple[str, ...] = ("high", "medium", "none")
SEPARATOR = " ; "
SCHEMATIC_NOTE = "straight segments between stops, not track alignment"
APPROXIMATE_LABEL = "approximate location"
ANCHOR_SUFFIX = "_anchor"
# A district "neighbours" the stated one when it comes within this distance of it (generalised boundaries).
NEIGHBOUR_TOLERANCE_M = 100.0

Row = dict[str, Any]


# --- reading ----------------------------------------------------------------------------------------------------

def read_research(path: Path, declarations: OverlayDeclarations) -> list[Row]:
    """Rows of the research CSV, checked; ``lat``/``lon`` become floats or ``None``, ``stop_order`` an int."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            records = list(reader)
    except FileNotFoundError:
        raise RawDataError(f"{path}: research file not found. Pass --reference PATH, or put the shared reference "
                           "folder at ../shared/reference next to the repository.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RawDataError(f"{path}: not a readable UTF-8 CSV ({exc}). Restore the file from the shared "
                           "folder.") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RawDataError(f"{path}: column(s) {missing} not found; the research file must have the columns "
                           f"{', '.join(COLUMNS)} (see its README).")
    kinds = {spec.kind for spec in declarations.overlays.values()}
    rows = []
    for number, record in enumerate(records, start=2):
        row: Row = {c: (record.get(c) or "").strip() for c in (*COLUMNS, *OPTIONAL_COLUMNS)}
        where = f"{path.name} row {number} ({row['name'] or 'no name'})"
        row["ward_codes"] = _ward_codes(row, where)
        empty = [c for c in REQUIRED if not row[c]]
        if empty:
            raise RawDataError(f"{where}: {', '.join(empty)} empty. Every row needs a name, status, district "
                               "(lad), source title and URL: fill them in the research file.")
        if row["kind"] not in kinds:
            raise RawDataError(f"{where}: kind {row['kind']!r} is not declared in layers/overlays.toml "
                               f"(declared: {', '.join(sorted(kinds))}).")
        if row["confidence"] not in CONFIDENCE:
            raise RawDataError(f"{where}: confidence {row['confidence']!r}; use one of {', '.join(CONFIDENCE)}.")
        if row["ca"] not in declarations.ca_codes:
            raise RawDataError(f"{where}: combined authority {row['ca']!r} has no code in [ca_codes] of "
                               "layers/overlays.toml: add it.")
        row["lat"], row["lon"] = _coordinate(row, where)
        row["stop_order"] = _stop_order(row, where)
        row["row"] = number
        rows.append(row)
    _check_stop_orders(rows, path.name)
    return rows


def _coordinate(row: Row, where: str) -> tuple[float | None, float | None]:
    lat, lon = row["lat"], row["lon"]
    if not lat and not lon:
        return None, None
    if not lat or not lon:
        raise RawDataError(f"{where}: only one of lat/lon is given; give both or neither.")
    try:
        lat_f, lon_f = float(lat), float(lon)
    except ValueError:
        raise RawDataError(f"{where}: lat/lon {lat!r}, {lon!r} are not decimal degrees.") from None
    west, south, east, north = UK_BOUNDS
    if not (south <= lat_f <= north and west <= lon_f <= east):
        raise RawDataError(f"{where}: lat {lat_f}, lon {lon_f} is outside the UK; check the sign and that lat and "
                           "lon are not swapped.")
    return lat_f, lon_f


def _ward_codes(row: Row, where: str) -> list[str]:
    codes = [c.strip() for c in row["ward_codes"].split(";") if c.strip()]
    bad = [c for c in codes if not WARD_CODE.match(c)]
    if bad:
        raise RawDataError(f"{where}: ward_codes {bad} are not ward codes (E05 and six digits, May 2024 WD24CD); "
                           "separate codes with ';'.")
    if codes and not row["ward_codes_source"]:
        raise RawDataError(f"{where}: ward_codes without ward_codes_source; say where the ward list comes from.")
    return list(dict.fromkeys(codes))


def _stop_order(row: Row, where: str) -> int | None:
    if not row["line_id"]:
        if row["stop_order"]:
            raise RawDataError(f"{where}: stop_order without line_id; give both or neither.")
        return None
    try:
        return int(row["stop_order"])
    except ValueError:
        raise RawDataError(f"{where}: line {row['line_id']} needs a whole-number stop_order, not "
                           f"{row['stop_order']!r}.") from None


def _check_stop_orders(rows: list[Row], filename: str) -> None:
    seen: dict[tuple[str, int], str] = {}
    for row in rows:
        if row["line_id"]:
            key = (row["line_id"], row["stop_order"])
            if key in seen:
                raise RawDataError(f"{filename}: line {key[0]} has stop_order {key[1]} twice ({seen[key]!r} and "
                                   f"{row['name']!r}); number the stops 1..n.")
            seen[key] = row["name"]


# --- features ---------------------------------------------------------------------------------------------------

def slug(text: str) -> str:
    """A stable, readable identifier from a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _sources(rows: Iterable[Row]) -> tuple[str, str]:
    """Distinct (title, URL) pairs across rows, joined with the research file's separator."""
    pairs: list[tuple[str, str]] = []
    for row in rows:
        titles = row["source_title"].split(SEPARATOR)
        urls = row["source_url"].split(SEPARATOR)
        if len(titles) != len(urls):
            titles = [row["source_title"]] * len(urls) if len(titles) == 1 else titles[: len(urls)]
        for pair in zip(titles, urls):
            if pair not in pairs:
                pairs.append(pair)
    return SEPARATOR.join(t for t, _ in pairs), SEPARATOR.join(u for _, u in pairs)


def _distinct(values: Iterable[str], sep: str, *, split: bool = False) -> str:
    """Distinct non-empty values in first-seen order, joined by ``sep`` (optionally splitting on it first)."""
    out: list[str] = []
    for value in values:
        for part in (value.split(sep.strip()) if split else [value]):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return sep.join(out)


def _location(row: Row) -> tuple[bool, str]:
    """Whether the point only approximates the place, and why (shown in popups)."""
    reasons = []
    if row["kind"] == "growth_location":
        reasons.append("an area shown as one proxy point, not its centroid")
    if row["subtype"].endswith(ANCHOR_SUFFIX):
        reasons.append("a corridor anchor named by the source, not a confirmed stop site")
    if row["confidence"] == "medium":
        reasons.append("coordinate is a proxy or landmark position (medium confidence)")
    return bool(reasons), "; ".join(reasons)


def _base_properties(row: Row, scheme: StatusScheme, declarations: OverlayDeclarations) -> dict[str, Any]:
    category, _ = scheme.classify(row["status"])
    approximate, why = _location(row)
    title, url = _sources([row])
    return {
        "id": slug(row["name"]),
        "name": row["name"],
        "kind": row["kind"],
        "subtype": row["subtype"],
        "status": row["status"],
        "status_category": category,
        "status_date": row["status_date"],
        "confidence": row["confidence"],
        "approximate_location": approximate,
        "location_label": APPROXIMATE_LABEL if approximate else "",
        "location_note": why,
        "corridor_anchor": row["subtype"].endswith(ANCHOR_SUFFIX),
        "schematic": False,
        "schematic_note": "",
        "lad": row["lad"],
        "ca": row["ca"],
        "ca_code": declarations.ca_codes[row["ca"]],
        "line_id": row["line_id"],
        "stop_order": row["stop_order"],
        "stop_orders": [],
        "stop_names": "",
        "source_title": title,
        "source_url": url,
        "notes": row["notes"],
    }


def point_feature(row: Row, scheme: StatusScheme, declarations: OverlayDeclarations) -> dict[str, Any]:
    """A GeoJSON Point feature for a row that has a coordinate."""
    properties = _base_properties(row, scheme, declarations)
    properties["zone_id"] = row.get("zone_id", "")
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]}}


def not_mapped_entry(row: Row, scheme: StatusScheme) -> dict[str, Any]:
    """What a reader needs to know about a row that has no coordinate."""
    reason = row.get("not_mapped_reason") or (
        "no coordinate could be supported from the sources read (confidence: none); geocode it from the notes"
        if row["confidence"] == "none" else "no coordinate in the research file")
    title, url = _sources([row])
    return {"name": row["name"], "kind": row["kind"], "subtype": row["subtype"], "ca": row["ca"], "lad": row["lad"],
            "status": row["status"], "status_category": scheme.classify(row["status"])[0],
            "status_date": row["status_date"], "line_id": row["line_id"], "stop_order": row["stop_order"],
            "reason": reason, "notes": row["notes"], "source_title": title, "source_url": url,
            "zone_id": row.get("zone_id", "")}


def _short(name: str) -> str:
    return name.split(":", 1)[1].strip() if ":" in name else name


def _line_name(stops: list[Row]) -> str:
    first = stops[0]["name"]
    return first.split(":", 1)[0].strip() if ":" in first else stops[0]["line_id"]


def segment_category(a: str, b: str, scheme: StatusScheme) -> str:
    """A segment is as advanced as the less advanced of its two stops.

    An unclassified stop does not downgrade a segment (a station whose own opening slipped sits on a line
    that is running); two unclassified stops give an unclassified segment.
    """
    order = scheme.order
    known = [c for c in (a, b) if c != scheme.fallback]
    if not known:
        return scheme.fallback
    return max(known, key=order.index)


def line_features(line_id: str, rows: list[Row], scheme: StatusScheme,
                  declarations: OverlayDeclarations) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Schematic LineStrings through the stops of one line that have a coordinate, split where status changes.

    Returns the features and, when fewer than two stops have a coordinate, an entry saying why no line is drawn.
    """
    stops = sorted(rows, key=lambda r: r["stop_order"])
    drawn = [r for r in stops if r["lat"] is not None]
    line_name = _line_name(stops)
    if len(drawn) < 2:
        return [], {"line_id": line_id, "name": line_name, "ca": stops[0]["ca"],
                    "reason": f"only {len(drawn)} of its {len(stops)} stops has a coordinate; a line needs two",
                    "stops": [r["name"] for r in stops]}
    categories = [scheme.classify(r["status"])[0] for r in drawn]
    runs: list[tuple[str, list[Row]]] = []
    for i in range(len(drawn) - 1):
        category = segment_category(categories[i], categories[i + 1], scheme)
        if runs and runs[-1][0] == category:
            runs[-1][1].append(drawn[i + 1])
        else:
            runs.append((category, [drawn[i], drawn[i + 1]]))
    features = []
    for category, run in runs:
        first, last = run[0]["stop_order"], run[-1]["stop_order"]
        skipped = [r["name"] for r in stops if first < r["stop_order"] < last and r["lat"] is None]
        title, url = _sources(run)
        approximate = any(_location(r)[0] for r in run)
        notes = f"Schematic line: {SCHEMATIC_NOTE}. Stops drawn: {' → '.join(_short(r['name']) for r in run)}."
        if skipped:
            notes += f" Stops without a coordinate, not drawn: {', '.join(_short(n) for n in skipped)}."
        properties = {
            "id": f"{slug(line_id)}-{first}-{last}",
            "name": f"{line_name}: {_short(run[0]['name'])} to {_short(run[-1]['name'])}",
            "kind": run[0]["kind"],
            "subtype": "line",
            "status": _distinct((r["status"] for r in run), " | "),
            "status_category": category,
            "status_date": _distinct((r["status_date"] for r in run), " | "),
            "confidence": max((r["confidence"] for r in run), key=CONFIDENCE.index),
            "approximate_location": approximate,
            "location_label": APPROXIMATE_LABEL if approximate else "",
            "location_note": "drawn through stops that include approximate points or corridor anchors"
                             if approximate else "",
            "corridor_anchor": any(r["subtype"].endswith(ANCHOR_SUFFIX) for r in run),
            "schematic": True,
            "schematic_note": SCHEMATIC_NOTE,
            "lad": _distinct((r["lad"] for r in run), "; ", split=True),
            "ca": run[0]["ca"],
            "ca_code": declarations.ca_codes[run[0]["ca"]],
            "line_id": line_id,
            "stop_order": None,
            "stop_orders": [r["stop_order"] for r in run],
            "stop_names": " → ".join(r["name"] for r in run),
            "source_title": title,
            "source_url": url,
            "notes": notes,
        }
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "LineString", "coordinates": [[r["lon"], r["lat"]] for r in run]}})
    return features, None


# --- zones: the wards a row or a line covers --------------------------------------------------------------------

def zone_approximation(source: str, keywords: Iterable[str]) -> str:
    """Why a ward list only approximates a zone ("" when the source lists the wards itself).

    ``keywords`` come from ``[zones] approximate_when`` in layers/overlays.toml (case-insensitive substrings of
    ``ward_codes_source``, e.g. "point-in-polygon", "partial")."""
    text = source.lower()
    found = [k for k in keywords if k.lower() in text]
    if not found:
        return ""
    return ("the wards are those containing named places or sites (the source says: "
            f"{', '.join(repr(k) for k in found)}), not a published boundary")


def _zone_geometry(codes: list[str], wards: Any) -> dict[str, Any]:
    import shapely
    from shapely.geometry import MultiPolygon, mapping

    import geopandas as gpd

    shape = wards.loc[wards["code"].isin(codes)].geometry.union_all()
    shape = gpd.GeoSeries([shape], crs=BNG).to_crs("EPSG:4326").iloc[0]
    shape = shapely.set_precision(shape, 10 ** -ZONE_DECIMALS)
    if shape.geom_type == "Polygon":
        shape = MultiPolygon([shape])
    return json.loads(json.dumps(mapping(shape)))


def _zone_feature(ident: str, name: str, rows: list[Row], codes: list[str], wards: Any, scheme: StatusScheme,
                  declarations: OverlayDeclarations) -> dict[str, Any]:
    first = rows[0]
    categories = [scheme.classify(r["status"])[0] for r in rows]
    category = categories[0]
    for other in categories[1:]:
        category = segment_category(category, other, scheme)
    source = _distinct((r["ward_codes_source"] for r in rows), " | ")
    why = zone_approximation(source, declarations.zone_approximate)
    names = wards.set_index("code").loc[codes, "name"].tolist()
    title, url = _sources(rows)
    properties = _base_properties(first, scheme, declarations)
    properties.update({
        "id": ident,
        "name": name,
        "status": _distinct((r["status"] for r in rows), " | "),
        "status_category": category,
        "status_date": _distinct((r["status_date"] for r in rows), " | "),
        "approximate_location": bool(why),
        "location_label": "approximate area" if why else "",
        "location_note": why,
        "lad": _distinct((r["lad"] for r in rows), "; ", split=True),
        "line_id": _distinct((r["line_id"] for r in rows), " ; "),
        "stop_order": None,
        "source_title": title,
        "source_url": url,
        "zone": True,
        "ward_codes": codes,
        "ward_names": names,
        "ward_count": len(codes),
        "ward_codes_source": source,
        "ward_codes_approximate": bool(why),
        "notes": (f"Drawn as the {len(codes)} May 2024 ward{'s' if len(codes) != 1 else ''} the research names, "
                  "dissolved from this project's ward boundaries. " + first["notes"]).strip(),
    })
    return {"type": "Feature", "properties": properties, "geometry": _zone_geometry(codes, wards)}


def zone_features(group: list[Row], wards: Any, scheme: StatusScheme,
                  declarations: OverlayDeclarations) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Area features for the rows of one group that name wards, and the codes that match no ward.

    A row off any line is one zone (named as the row). A line's list is the same on every stop, so it is taken
    once per line, and lines that share one list (a corridor and its branch) make one zone.
    """
    known = set(wards["code"]) if wards is not None else set()
    features: list[dict[str, Any]] = []
    unmatched: list[dict[str, Any]] = []
    by_list: dict[tuple[str, ...], list[Row]] = {}
    for row in group:
        if not row["ward_codes"]:
            continue
        missing = [c for c in row["ward_codes"] if c not in known]
        if missing:
            unmatched.append({"row": row["row"], "name": row["name"], "codes": missing})
        codes = [c for c in row["ward_codes"] if c in known]
        if not codes:
            continue
        if row["line_id"]:
            by_list.setdefault(tuple(codes), []).append(row)
            continue
        features.append(_zone_feature(f"{slug(row['name'])}-zone", row["name"], [row], codes, wards, scheme,
                                      declarations))
        row["zone_id"] = features[-1]["properties"]["id"]
    for codes, rows in by_list.items():
        lines = list(dict.fromkeys(r["line_id"] for r in rows))
        names = list(dict.fromkeys(_line_name([r for r in rows if r["line_id"] == line]) for line in lines))
        ident = f"{slug('-'.join(lines))}-wards"
        features.append(_zone_feature(ident, f"{' and '.join(names)}: wards served", rows, list(codes), wards,
                                      scheme, declarations))
        for row in rows:
            row["zone_id"] = ident
    return features, unmatched


def load_wards(log: Callable[[str], None]) -> Any:
    """The shipped ward boundaries (British National Grid), or ``None`` (zones skipped, said in the log)."""
    from mapkit.data.products import load_boundaries

    try:
        return load_boundaries("ward").to_crs(BNG)
    except ProductError as exc:
        log(f"zones skipped: {exc}")
        return None


def build_collections(rows: list[Row], declarations: OverlayDeclarations, *, source: Mapping[str, Any],
                      wards: Any = None) -> dict[str, dict[str, Any]]:
    """One GeoJSON FeatureCollection per overlay group, with its ``not_mapped``, ``lines_not_drawn`` and
    ``ward_codes_unmatched`` lists. Zones are drawn only when ``wards`` (BNG ward boundaries) is given."""
    scheme = declarations.status
    collections = {}
    for spec in declarations.overlays.values():
        group = [r for r in rows if r["kind"] == spec.kind]
        zones, unmatched = zone_features(group, wards, scheme, declarations) if wards is not None else ([], [])
        features = zones + [point_feature(r, scheme, declarations) for r in group if r["lat"] is not None]
        not_drawn = []
        if "LineString" in spec.geometry_types:
            line_ids = list(dict.fromkeys(r["line_id"] for r in group if r["line_id"]))
            for line_id in line_ids:
                lines, why = line_features(line_id, [r for r in group if r["line_id"] == line_id], scheme,
                                           declarations)
                features += lines
                if why:
                    not_drawn.append(why)
        _unique_ids(features, spec.id)
        collections[spec.id] = {
            "type": "FeatureCollection",
            "name": spec.id,
            "title": spec.label,
            "generated_by": "python -m mapkit build-overlays",
            "source": dict(source),
            "status_categories": {c: scheme.label(c) for c in scheme.order},
            "schematic_note": SCHEMATIC_NOTE,
            "features": features,
            "not_mapped": [not_mapped_entry(r, scheme) for r in group if r["lat"] is None],
            "lines_not_drawn": not_drawn,
            "ward_codes_unmatched": unmatched,
        }
    return collections


def _unique_ids(features: list[dict[str, Any]], group: str) -> None:
    seen: set[str] = set()
    for feature in features:
        ident = feature["properties"]["id"]
        if ident in seen:
            raise RawDataError(f"Two {group} features would share the id {ident!r}: give the rows distinct names.")
        seen.add(ident)


# --- checks -----------------------------------------------------------------------------------------------------

def stated_districts(lad_text: str, aliases: Mapping[str, str]) -> list[str]:
    """District names in the research's free text: "Coventry; Rugby (Ansty)" -> ["Coventry", "Rugby"]."""
    text = re.sub(r"\([^)]*\)", "", lad_text)
    names = [part.strip() for part in re.split(r"[;/]", text)]
    return [aliases.get(name, name) for name in names if name]


def district_check(points: Any, districts: Any, aliases: Mapping[str, str]) -> Any:
    """Is each point inside the district it states, or a neighbour of it? One row per point.

    ``points``: GeoDataFrame with ``name``, ``lad`` and Point geometry; ``districts``: GeoDataFrame with
    ``name`` and polygons (the LAD boundary product). Results: ``in district``, ``in neighbouring district``,
    ``outside stated district and neighbours``, ``unknown district name``. Points are never moved.
    """
    import geopandas as gpd
    import pandas as pd

    lad = districts[["name", "geometry"]].to_crs(BNG)
    pts = points[["name", "lad", "geometry"]].to_crs(BNG).reset_index(drop=True)
    hit = gpd.sjoin(pts, lad.rename(columns={"name": "found"}), predicate="within", how="left")
    found = hit[~hit.index.duplicated()]["found"]
    by_name = lad.set_index("name").geometry
    rows = []
    for i, point in pts.iterrows():
        stated = stated_districts(point["lad"], aliases)
        unknown = [n for n in stated if n not in by_name.index]
        where = found.iloc[i] if isinstance(found.iloc[i], str) else ""
        distance = None
        if unknown:
            result = "unknown district name"
        elif where in stated:
            result = "in district"
        else:
            area = by_name.loc[stated].union_all()
            neighbours = set(lad.loc[lad.intersects(area.buffer(NEIGHBOUR_TOLERANCE_M)), "name"])
            result = "in neighbouring district" if where in neighbours else "outside stated district and neighbours"
            distance = round(point.geometry.distance(area) / 1000.0, 2)
        rows.append({"name": point["name"], "lad": point["lad"], "stated": "; ".join(stated),
                     "found": where or "none (outside England's districts)", "result": result,
                     "distance_km": distance})
    table = pd.DataFrame(rows)
    table["ok"] = table["result"].isin(["in district", "in neighbouring district"])
    return table


def _district_report(collections: Mapping[str, dict[str, Any]], declarations: OverlayDeclarations,
                     log: Callable[[str], None]) -> dict[str, Any]:
    import geopandas as gpd

    from mapkit.data.products import load_boundaries

    try:
        lad = load_boundaries("lad")
    except ProductError as exc:
        log(f"district check skipped: {exc}")
        return {"skipped": str(exc)}
    features = [f for c in collections.values() for f in c["features"] if f["geometry"]["type"] == "Point"]
    points = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    table = district_check(points, lad, declarations.district_aliases)
    exceptions = table[~table["ok"]].drop(columns="ok").to_dict(orient="records")
    return {"checked": int(len(table)), "in_district": int((table["result"] == "in district").sum()),
            "in_neighbouring_district": int((table["result"] == "in neighbouring district").sum()),
            "exceptions": exceptions}


def build_report(rows: list[Row], collections: Mapping[str, dict[str, Any]],
                 declarations: OverlayDeclarations, source: Mapping[str, Any]) -> dict[str, Any]:
    """Counts per group and status, rows whose status maps to no category, and lines not drawn."""
    scheme = declarations.status
    groups = {}
    for gid, collection in collections.items():
        by_status: dict[str, dict[str, int]] = {}
        for category in scheme.order:
            kinds = [f["geometry"]["type"] for f in collection["features"]
                     if f["properties"]["status_category"] == category]
            if kinds:
                by_status[category] = {"points": kinds.count("Point"), "lines": kinds.count("LineString"),
                                       "zones": kinds.count("MultiPolygon")}
        groups[gid] = {
            "rows": sum(r["kind"] == declarations.overlay(gid).kind for r in rows),
            "points": sum(f["geometry"]["type"] == "Point" for f in collection["features"]),
            "lines": sum(f["geometry"]["type"] == "LineString" for f in collection["features"]),
            "zones": sum(f["geometry"]["type"] == "MultiPolygon" for f in collection["features"]),
            "ward_codes_unmatched": collection.get("ward_codes_unmatched", []),
            "not_mapped": len(collection["not_mapped"]),
            "lines_not_drawn": [e["line_id"] for e in collection["lines_not_drawn"]],
            "by_status": by_status,
        }
    unclassified = []
    for row in rows:
        category, rule = scheme.classify(row["status"])
        if category == scheme.fallback:
            unclassified.append({"row": row["row"], "name": row["name"], "status": row["status"],
                                 "mapped": row["lat"] is not None,
                                 "reason": f"{rule.keyword!r}: {rule.why}" if rule else "no keyword matched"})
    return {"source": dict(source), "groups": groups, "status_unclassified": unclassified}


# --- entry point ------------------------------------------------------------------------------------------------

def _display_path(path: Path) -> str:
    """``path`` relative to the repository as it was given (a ``../shared`` that is a symbolic link stays
    ``../shared``, so the recorded path does not depend on where the link points)."""
    try:
        return Path(os.path.relpath(os.path.abspath(path), REPO_ROOT)).as_posix()
    except ValueError:  # another drive on Windows
        return path.name


def _write_json(path: Path, payload: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build_overlays(reference: Path | None = None, out: Path | None = None, *, layers_dir: Path = LAYERS_DIR,
                   coordinates: Path | None = None, check_districts: bool = True, zones: bool = True,
                   log: Callable[[str], None] = lambda msg: None) -> dict[str, Any]:
    """Build every overlay group's GeoJSON and ``build_report.json`` in ``out``; return the report.

    Parameters
    ----------
    reference
        The research CSV (default ``../shared/reference/overlays_research.csv`` beside the repository).
    out
        Output folder (default ``layers/overlays``). File names come from ``layers/overlays.toml``.
    coordinates
        The declaration table of coordinates that replace those the research took from a source with no licence
        (default ``layers/overlays/metro_stop_coordinates.csv``; see :mod:`mapkit.pipeline.overlay_coordinates`).
    zones
        Draw the rows that name wards as zones, from ``data/boundaries/ward.parquet`` (skipped, with a log line,
        when that product is missing).
    check_districts
        Also check each point against the district it states, using ``data/boundaries/lad.parquet``.
    """
    reference = Path(reference) if reference is not None else DEFAULT_REFERENCE
    out = Path(out) if out is not None else DEFAULT_OUT
    declarations = load_overlay_declarations(layers_dir)
    coordinates = Path(coordinates) if coordinates is not None else layers_dir / "overlays" / TABLE_NAME
    rows = read_research(reference, declarations)
    declared = apply_declared_coordinates(rows, read_declared_coordinates(coordinates))
    source = {"path": _display_path(reference), "sha256": sha256(reference), "rows": len(rows)}
    collections = build_collections(rows, declarations, source=source, wards=load_wards(log) if zones else None)
    report = build_report(rows, collections, declarations, source)
    report["declared_coordinates"] = {"path": _display_path(coordinates), "sha256": sha256(coordinates), **declared}
    if check_districts:
        report["district_check"] = _district_report(collections, declarations, log)
    out.mkdir(parents=True, exist_ok=True)
    for gid, collection in collections.items():
        target = out / Path(declarations.overlay(gid).file).name
        _write_json(target, collection)
        log(f"{target}: {len(collection['features'])} features, {len(collection['not_mapped'])} not mapped")
    _write_json(out / REPORT_NAME, report)
    return report
