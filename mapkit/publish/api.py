"""The static API written beside the site (``api/v1``): the published figures as plain JSON and CSV files that any
tool can fetch, documented with JSON Schemas in ``docs/api.md`` (:mod:`mapkit.publish.api_schemas`).

Stable names, for a short cache lifetime (they change when the data do):

* ``api/v1/indicators.json``: every indicator, its unit, period, how its ranks read, its sources (licence and
  attribution) and ONS's notes on its series, with the address of its data per level;
* ``api/v1/{level}/{indicator}.json``: one indicator at one level, listing per region the content-hashed files of
  its tidy table;
* ``api/v1/areas/{code}.json``: every indicator for one area, with its ranks in England and its sources;
* ``api/v1/schemas/{name}.schema.json``: the schemas.

Content-hashed names, to cache for ever: ``api/v1/{level}/{indicator}/{region}.{hash}.json`` and ``.csv``, the tidy
table of :mod:`mapkit.export.tidy` (the CSV exactly as ``python -m mapkit table`` writes it; the JSON the same rows
with the columns that do not vary given once).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapkit.data.products import load_boundaries, level_table, regions
from mapkit.export.tidy import SCHEMA_VERSION, TidyTable, decimals, indicator_table, rounded
from mapkit.export.tidy_files import LICENCE_URLS, to_csv
from mapkit.publish.api_schemas import SCHEMAS
from mapkit.specs.registry import registry
from mapkit.text.ranks import rank_one
from mapkit.text.wording import level_label, series_notes, source_statement

ROOT = "api/v1"
SCHEMA = f"mapkit tidy table schema {SCHEMA_VERSION}"
CONSTANT = ("area_level", "indicator_id", "indicator", "period", "unit", "source")
"""Tidy columns that hold one value in a table of one indicator at one level: given once in the JSON."""
PARENTS = {"lad": ("rgn", "ca"), "ward": ("lad", "ca"), "lsoa": ("ward", "lad", "ca"), "ca": ()}


@dataclasses.dataclass(frozen=True)
class ApiReport:
    """What :func:`write_api` wrote: tables (one per region, level and indicator), area documents, files, bytes."""

    tables: int
    areas: int
    files: int
    bytes: int


def _json(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _write(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def _hashed(folder: Path, stem: str, suffix: str, data: bytes) -> tuple[str, int]:
    name = f"{stem}.{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    return name, _write(folder / name, data)


def _plain(value: Any) -> Any:
    """A frame cell as JSON: ``None`` for missing, Python numbers, text."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def source_entry(key: str) -> dict[str, Any]:
    """A source as ``indicators.json`` lists it."""
    spec = registry().sources[key]
    return {"publisher": spec.publisher, "title": spec.title, "vintage": spec.vintage, "licence": spec.licence,
            "licence_url": LICENCE_URLS.get(spec.licence), "attribution": spec.attribution,
            "urls": list(dict.fromkeys(f.url for f in spec.files.values()))}


def data_document(table: TidyTable, region: str, region_name: str) -> dict[str, Any]:
    """The JSON form of one tidy table (:data:`mapkit.publish.api_schemas.DATA`)."""
    frame = table.frame
    columns = [c for c in frame.columns if c not in CONSTANT]
    constants = {c: (str(frame[c].iloc[0]) if len(frame) else "") for c in CONSTANT if c in frame.columns}
    # pandas writes the cells (null for missing, whole numbers without ".0" where the column is integer); the
    # figures are already rounded, so 15 significant digits give them exactly.
    rows = json.loads(frame[columns].to_json(orient="values", double_precision=15))
    return {"api": "v1", "schema": SCHEMA, "title": table.title, "region": {"code": region, "name": region_name},
            "constants": constants, "columns": columns, "rows": rows,
            "sources": [s.line() for s in table.sources], "method": table.method, "caveats": list(table.caveats)}


def _indicator_entry(indicator: str, levels: Sequence[str]) -> dict[str, Any]:
    spec = registry().indicator(indicator)
    series = registry().series_for(indicator)
    return {"id": spec.id, "label": spec.label, "theme": spec.theme, "description": spec.description,
            "unit": spec.unit, "period": spec.period, "higher_is": spec.higher_is, "rank_one": rank_one(spec),
            "decimals": decimals(indicator), "source": spec.source,
            "series": None if series is None else {"id": series.id, "release_date": series.release_date,
                                                   "notes": series_notes(series)},
            "data": {level: f"{level}/{indicator}.json" for level in levels}}


def _area_documents(level: str, codes: set[str]) -> dict[str, dict[str, Any]]:
    """``areas/{code}.json`` of every area of ``level`` in ``codes``."""
    reg = registry()
    shapes = load_boundaries(level)
    shapes = shapes[shapes["code"].isin(codes)]
    order = {i: n for n, i in enumerate(reg.indicators)}
    table = level_table(level)
    table = table[table["code"].isin(codes) & table["indicator"].isin(order)].copy()
    for indicator, rows in table.groupby("indicator", sort=False):
        table.loc[rows.index, "value"] = rounded(rows["value"], decimals(str(indicator))).to_numpy()
    table = table.assign(_order=table["indicator"].map(order)).sort_values(["code", "_order"])
    docs: dict[str, dict[str, Any]] = {}
    for row in shapes.itertuples(index=False):
        parents = {p: {"code": str(getattr(row, f"{p}_code")), "name": str(getattr(row, f"{p}_name"))}
                   for p in PARENTS[level] if isinstance(getattr(row, f"{p}_code", None), str)
                   and getattr(row, f"{p}_code")}
        docs[row.code] = {"api": "v1", "code": row.code, "name": str(row.name), "level": level, "parents": parents,
                          "indicators": [], "sources": {}}
    columns = ["code", "indicator", "value", "rank", "n_ranked", "decile", "note"]
    for code, indicator, value, rank, n_ranked, decile, note in table[columns].itertuples(index=False, name=None):
        doc = docs.get(code)
        if doc is None:
            continue
        source = reg.indicators[indicator].source
        entry = {"id": indicator, "value": _plain(value), "rank_in_england": _plain(rank),
                 "areas_ranked_in_england": _plain(n_ranked), "decile_in_england": _plain(decile), "source": source}
        if isinstance(note, str) and note:
            entry["note"] = note
        doc["indicators"].append(entry)
        doc["sources"].setdefault(source, source_statement(source))
    return docs


def write_api(site: Path, views: Mapping[tuple[str, str], Sequence[str]], *,
              log: Callable[[str], None] = lambda _: None, today: dt.date | None = None) -> ApiReport:
    """Write ``api/v1`` into ``site`` for the published views: ``{(region, level): [indicator, ...]}``."""
    root = site / ROOT
    names = dict(zip(regions()["code"], regions()["name"]))
    size = files = 0
    levels: dict[str, list[str]] = {}  # indicator -> levels, in publishing order
    listing: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (region, level), indicators in views.items():
        for indicator in indicators:
            table = indicator_table(indicator, level, region)
            folder = root / level / indicator
            json_name, n_json = _hashed(folder, region, ".json", _json(data_document(table, region, names[region])))
            csv_name, n_csv = _hashed(folder, region, ".csv", to_csv(table).encode("utf-8"))
            size, files = size + n_json + n_csv, files + 2
            listing.setdefault((level, indicator), []).append({
                "code": region, "name": names[region], "rows": len(table.frame),
                "json": f"{level}/{indicator}/{json_name}", "csv": f"{level}/{indicator}/{csv_name}"})
            levels.setdefault(indicator, [])
            if level not in levels[indicator]:
                levels[indicator].append(level)
    reg = registry()
    for (level, indicator), entries in listing.items():
        spec = reg.indicator(indicator)
        doc = {"api": "v1", "indicator_id": indicator, "indicator": spec.label, "unit": spec.unit,
               "period": spec.period, "area_level": level, "rank_one": rank_one(spec),
               "sources": [source_statement(spec.source), source_statement("ons_boundaries")], "regions": entries}
        size, files = size + _write(root / level / f"{indicator}.json", _json(doc)), files + 1
    used = dict.fromkeys([*(reg.indicator(i).source for i in levels), "ons_boundaries"])
    published = sorted({r for r, _ in views})
    kinds = dict(zip(regions()["code"], regions()["kind"]))
    index = {"api": "v1", "schema": SCHEMA, "published": (today or dt.date.today()).isoformat(),
             "sources": {key: source_entry(key) for key in used},
             "levels": {lv: {"label": level_label(lv), "singular": reg.boundary(lv).label}
                        for lv in dict.fromkeys(level for _, level in views)},
             "regions": [{"code": r, "name": names[r], "kind": kinds[r]} for r in published],
             "indicators": [_indicator_entry(i, levels[i]) for i in reg.indicators if i in levels]}
    size, files = size + _write(root / "indicators.json", _json(index)), files + 1
    for name, schema in SCHEMAS.items():
        text = json.dumps(schema, indent=2, ensure_ascii=False).encode("utf-8")
        size, files = size + _write(root / "schemas" / f"{name}.schema.json", text), files + 1
    areas = 0
    for level in dict.fromkeys(level for _, level in views):
        codes = set().union(*(set(load_boundaries(level, r)["code"]) for r, lv in views if lv == level))
        docs = _area_documents(level, codes)
        for code, doc in docs.items():
            size += _write(root / "areas" / f"{code}.json", _json(doc))
        files, areas = files + len(docs), areas + len(docs)
        log(f"api: {len(docs):,} {reg.boundary(level).plural}")
    return ApiReport(tables=sum(len(e) for e in listing.values()), areas=areas, files=files, bytes=size)
