"""Declared coordinates for research rows whose own point came from a source that states no licence.

The research file took some points from a source with no licence (``replaces`` in the table names it as the
research cites it). Such a point is never drawn. A research row that cites a withdrawn source (in its sources or
notes), or that repeats the very coordinate of a row citing one, takes its point from the declaration table
``layers/overlays/metro_stop_coordinates.csv`` (one row per research row: the coordinate, the object it is, its
identifier, publisher, dataset, licence, the date of the data and the date we took it, and the copy read), or,
when the table gives no coordinate, is listed as not mapped because no openly licensed coordinate was found. The
withdrawn source is also taken out of the row's sources and notes and the declared source put in, so that a
reader sees only the source actually used.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mapkit.errors import SpecError
from mapkit.specs.registry import LAYERS_DIR

TABLE_NAME = "metro_stop_coordinates.csv"
DEFAULT_TABLE = LAYERS_DIR / "overlays" / TABLE_NAME
COLUMNS: tuple[str, ...] = ("name", "lat", "lon", "source_name", "identifier", "publisher", "dataset", "source_url",
                            "licence", "vintage", "retrieved", "retrieved_from", "replaces")
LICENCES: Mapping[str, str] = {
    "OGL-UK-3.0": "Open Government Licence v3.0",
    "ODbL-1.0": "Open Database License 1.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
}
"""Licences a declared coordinate may carry (SPDX identifiers), with the name a reader sees."""
NO_LICENSED_COORDINATE = "no openly licensed coordinate found"
SEPARATOR = " ; "
# Longitude/latitude box around the United Kingdom: a research or declared coordinate outside it is a typo.
UK_BOUNDS: tuple[float, float, float, float] = (-8.7, 49.8, 1.9, 60.9)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

Row = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class DeclaredCoordinate:
    """One research row's coordinate from an openly licensed source (``lat``/``lon`` ``None``: none found)."""

    name: str
    lat: float | None
    lon: float | None
    source_name: str
    identifier: str
    publisher: str
    dataset: str
    source_url: str
    licence: str
    vintage: str
    retrieved: str
    retrieved_from: str
    replaces: str

    @property
    def source_title(self) -> str:
        """The declared source as a popup lists it: "Department for Transport - NaPTAN 9400ZZWMBI: Bilston ..."."""
        return f"{self.publisher} - {self.dataset} {self.identifier}: {self.source_name}"

    @property
    def note(self) -> str:
        """The sentence that says which object the point is and where it comes from."""
        return (f"Coordinate: {self.source_name}, {self.dataset} {self.identifier} ({self.publisher}, as of "
                f"{self.vintage}).")


def read_declared_coordinates(path: Path = DEFAULT_TABLE) -> dict[str, DeclaredCoordinate]:
    """The declaration table, checked, keyed by research row name."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            records = list(reader)
    except FileNotFoundError:
        raise SpecError(f"{path}: coordinate declaration table not found. Restore it with `git checkout -- "
                        f"layers/overlays/{TABLE_NAME}`.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SpecError(f"{path}: not a readable UTF-8 CSV ({exc}). Restore it from git.") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SpecError(f"{path}: column(s) {missing} not found; the table needs {', '.join(COLUMNS)}.")
    table: dict[str, DeclaredCoordinate] = {}
    for number, record in enumerate(records, start=2):
        values = {c: (record.get(c) or "").strip() for c in COLUMNS}
        where = f"{path.name} row {number} ({values['name'] or 'no name'})"
        declared = _declared(values, where)
        if declared.name in table:
            raise SpecError(f"{where}: {declared.name!r} is declared twice; keep one row per research row.")
        table[declared.name] = declared
    return table


def _declared(values: dict[str, str], where: str) -> DeclaredCoordinate:
    required = ["name", "replaces"]
    if values["lat"] or values["lon"]:
        required += ["source_name", "identifier", "publisher", "dataset", "source_url", "licence", "vintage",
                     "retrieved", "retrieved_from"]
    empty = [c for c in required if not values[c]]
    if empty:
        raise SpecError(f"{where}: {', '.join(empty)} empty. A declared coordinate names the object, its "
                        "identifier, publisher, dataset, URL, licence, data date, retrieval date and the copy read.")
    lat, lon = _coordinate(values, where)
    if lat is not None:
        if values["licence"] not in LICENCES:
            raise SpecError(f"{where}: licence {values['licence']!r} is not an open licence this map may publish; "
                            f"use one of {', '.join(LICENCES)}.")
        if not values["source_url"].startswith(("https://", "http://")):
            raise SpecError(f"{where}: source_url {values['source_url']!r} must be an http(s) address.")
        for column in ("vintage", "retrieved"):
            try:
                dt.date.fromisoformat(values[column])
            except ValueError:
                raise SpecError(f"{where}: {column} {values[column]!r} is not a date (YYYY-MM-DD).") from None
    return DeclaredCoordinate(**{**values, "lat": lat, "lon": lon})


def _coordinate(values: dict[str, str], where: str) -> tuple[float | None, float | None]:
    if not values["lat"] and not values["lon"]:
        return None, None
    try:
        lat, lon = float(values["lat"]), float(values["lon"])
    except ValueError:
        raise SpecError(f"{where}: lat/lon {values['lat']!r}, {values['lon']!r} are not decimal degrees; give "
                        "both, or leave both empty when no openly licensed coordinate was found.") from None
    west, south, east, north = UK_BOUNDS
    if not (south <= lat <= north and west <= lon <= east):
        raise SpecError(f"{where}: lat {lat}, lon {lon} is outside the UK; check the sign and the order.")
    return lat, lon


def _cites(text: str, withdrawn: Iterable[str]) -> bool:
    low = text.lower()
    return any(w in low for w in withdrawn)


def _without_citations(row: Row, withdrawn: list[str]) -> None:
    """Take every source (title and URL) and note sentence naming a withdrawn source out of ``row``."""
    titles = row["source_title"].split(SEPARATOR) if row["source_title"] else []
    urls = row["source_url"].split(SEPARATOR) if row["source_url"] else []
    if len(titles) == len(urls):
        pairs = [(t, u) for t, u in zip(titles, urls) if not _cites(t + " " + u, withdrawn)]
        titles, urls = [t for t, _ in pairs], [u for _, u in pairs]
    else:
        titles = [t for t in titles if not _cites(t, withdrawn)]
        urls = [u for u in urls if not _cites(u, withdrawn)]
    row["source_title"], row["source_url"] = SEPARATOR.join(titles), SEPARATOR.join(urls)
    sentences = [s for s in _SENTENCE_END.split(row["notes"]) if s and not _cites(s, withdrawn)]
    row["notes"] = " ".join(sentences)


def apply_declared_coordinates(rows: list[Row], table: Mapping[str, DeclaredCoordinate]) -> dict[str, Any]:
    """Replace, in place, the coordinate of every row that cites a withdrawn source; return what was done.

    A row citing a withdrawn source, or carrying the same coordinate as a row that cites one (the research
    reused the point without saying so), gets the declared coordinate and source, or no coordinate and the reason
    :data:`NO_LICENSED_COORDINATE` (``row["not_mapped_reason"]``). A declaration whose row no longer uses its
    withdrawn source (or does not exist) is not applied and is listed as ``unused``.
    """
    withdrawn = sorted({d.replaces.lower() for d in table.values()})
    citing = [_cites(" ".join((row["source_title"], row["source_url"], row["notes"])), withdrawn) for row in rows]
    points = {(row["lat"], row["lon"]) for row, cites in zip(rows, citing) if cites and row["lat"] is not None}
    replaced, not_mapped, same_point, applied = [], [], [], set()
    for row, cites in zip(rows, citing):
        if not cites:
            if row["lat"] is None or (row["lat"], row["lon"]) not in points:
                continue
            same_point.append(row["name"])
        _without_citations(row, withdrawn)
        declared = table.get(row["name"])
        if declared is None or declared.lat is None:
            row["lat"] = row["lon"] = None
            row["not_mapped_reason"] = NO_LICENSED_COORDINATE
            not_mapped.append(row["name"])
        else:
            row["lat"], row["lon"] = declared.lat, declared.lon
            row["source_title"] = SEPARATOR.join(filter(None, (row["source_title"], declared.source_title)))
            row["source_url"] = SEPARATOR.join(filter(None, (row["source_url"], declared.source_url)))
            row["notes"] = " ".join(filter(None, (row["notes"], declared.note)))
            replaced.append(row["name"])
        if declared is not None:
            applied.add(declared.name)
    return {"withdrawn_sources": withdrawn, "replaced": replaced, "not_mapped": not_mapped,
            "same_point_uncited": same_point, "unused": [name for name in table if name not in applied]}
