"""Overlay groups (growth locations, transport schemes): the built GeoJSON in ``layers/overlays/`` as GeoDataFrames,
filtered by region, status and "as of" date, with the research rows that have no coordinate.

How they are drawn is :mod:`mapkit.web.overlays` (the web map) and :mod:`mapkit.export.cartography` (static maps),
both from the styles in :mod:`mapkit.specs.overlay_styles`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from mapkit.data.products import ENGLAND, load_boundaries, region_kind, region_name
from mapkit.errors import ProductError, UnknownNameError
from mapkit.data.io import BNG, WGS84
from mapkit.specs.registry import LAYERS_DIR, OverlayDeclarations, OverlaySpec, load_overlay_declarations
from mapkit.data.status_dates import as_of_keep

__all__ = [
    "REGION_BUFFER_M",
    "check_statuses",
    "declarations",
    "feature_labels",
    "filter_overlay",
    "lines_not_drawn",
    "load_overlay",
    "NOT_MAPPED_REASON",
    "not_mapped",
    "not_mapped_for_readers",
    "overlay_in_region",
    "overlay_spec",
    "region_geometry",
    "scheme_keys",
    "zone_short_name",
]

REGION_BUFFER_M = 2_000.0
"""Features this close to a region's boundary are shown with it (stations just over a district line)."""


@lru_cache(maxsize=None)
def declarations(layers_dir: Path = LAYERS_DIR) -> OverlayDeclarations:
    """The overlay declarations (``layers/overlays.toml``), read once."""
    return load_overlay_declarations(layers_dir)


@lru_cache(maxsize=None)
def _collection(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProductError(f"Overlay file {path} is missing: run `python -m mapkit build-overlays` or restore it "
                           "with `git checkout -- layers/overlays/`.") from None
    except json.JSONDecodeError as exc:
        raise ProductError(f"Overlay file {path} is not valid GeoJSON ({exc}): run `python -m mapkit "
                           "build-overlays` or restore it from git.") from None


def overlay_spec(overlay: str | OverlaySpec, layers_dir: Path = LAYERS_DIR) -> OverlaySpec:
    """An overlay group's declaration, by id or as given."""
    return overlay if isinstance(overlay, OverlaySpec) else declarations(layers_dir).overlay(overlay)


def load_overlay(overlay: str | OverlaySpec, *, layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """Every mapped feature of an overlay group (EPSG:4326), one row per feature, properties as columns."""
    spec = overlay_spec(overlay, layers_dir)
    collection = _collection(spec.path(layers_dir))
    frame = gpd.GeoDataFrame.from_features(collection["features"], crs=WGS84)
    frame.attrs["overlay"] = spec.id
    return frame


@lru_cache(maxsize=None)
def feature_ids(overlay_id: str, *, layers_dir: Path = LAYERS_DIR) -> frozenset[str]:
    """The ids of an overlay group's mapped features (read once)."""
    return frozenset(str(f["properties"]["id"]) for f in _collection(overlay_spec(overlay_id, layers_dir)
                                                                      .path(layers_dir))["features"])


NOT_MAPPED_REASON = "None of the sources read gives its location, so it is listed rather than drawn."
"""Why a researched feature is not on the map, worded for a reader: the research file's own reason and notes are
instructions to ourselves ("geocode it from the notes") and never reach a screen or an export."""


def not_mapped(overlay: str | OverlaySpec, *, region: str = ENGLAND, layers_dir: Path = LAYERS_DIR) -> pd.DataFrame:
    """Rows of the research that have no coordinate, with the reason and notes (for a "not mapped" list).

    ``reason`` and ``notes`` are the research's notes to ourselves: show :func:`not_mapped_for_readers` instead.

    ``region`` keeps the rows of a combined authority (by the research file's authority abbreviation) or of a
    district (named among the row's districts, e.g. "Coventry; Warwick"); England keeps every row.
    """
    spec = overlay_spec(overlay, layers_dir)
    frame = pd.DataFrame(_collection(spec.path(layers_dir)).get("not_mapped", []))
    if region == ENGLAND or frame.empty:
        return frame
    known = declarations(layers_dir)
    if region_kind(region) == "ca":
        keep = frame["ca"].map(known.ca_codes) == region
    else:
        name = region_name(region)
        keep = frame["lad"].fillna("").map(lambda text: name in _district_names(text, known))
    return frame[keep.to_numpy()].reset_index(drop=True)


def not_mapped_for_readers(overlay: str | OverlaySpec, *, region: str = ENGLAND,
                           layers_dir: Path = LAYERS_DIR) -> pd.DataFrame:
    """The "not on the map" list as a reader sees it: ``name, subtype, status, lad, reason, source_title,
    source_url``, with :data:`NOT_MAPPED_REASON` as the reason and without the research's notes."""
    columns = ["name", "subtype", "status", "lad", "reason", "source_title", "source_url"]
    frame = not_mapped(overlay, region=region, layers_dir=layers_dir)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame.assign(reason=NOT_MAPPED_REASON)[columns]


def _district_names(text: str, declarations: OverlayDeclarations) -> set[str]:
    """ONS names of the districts in a research ``lad`` cell ("Coventry; Rugby (Ansty)" -> Coventry, Rugby)."""
    names = set()
    for part in re.split(r"[;/]", text):
        part = re.sub(r"\s*\([^()]*\)\s*$", "", part).strip()
        if part:
            names.add(declarations.district_aliases.get(part, part))
    return names


def feature_labels(frame: pd.DataFrame, *, layers_dir: Path = LAYERS_DIR) -> list[str]:
    """A picker label per overlay feature: "<name> (<kind>; <status>)", e.g. "Moseley Village (rail station; open)"."""
    known = declarations(layers_dir)
    labels = []
    zone = frame["zone"].eq(True) if "zone" in frame.columns else pd.Series(False, index=frame.index)
    for name, subtype, category, is_zone in zip(frame["name"], frame["subtype"], frame["status_category"], zone):
        status = known.status.labels.get(category, category)
        kind = known.subtype_label(subtype)
        if is_zone:
            kind = f"area: its wards; {kind}" if subtype != "line" else "area: its wards"
        labels.append(f"{name} ({kind}; {status.lower()})")
    return labels


def lines_not_drawn(overlay: str | OverlaySpec, *, layers_dir: Path = LAYERS_DIR) -> pd.DataFrame:
    """Lines with fewer than two stops that have a coordinate, so drawn as points only."""
    spec = overlay_spec(overlay, layers_dir)
    return pd.DataFrame(_collection(spec.path(layers_dir)).get("lines_not_drawn", []))


def region_geometry(region: str) -> BaseGeometry | None:
    """The boundary of a combined authority or district (EPSG:4326); ``None`` for England (no filter)."""
    level = region_kind(region)
    if level == "england":
        return None
    areas = load_boundaries(level, region)
    return areas.loc[areas["code"] == region].geometry.union_all()


def check_statuses(statuses: Iterable[str] | None, known: OverlayDeclarations) -> tuple[str, ...] | None:
    """``statuses`` as a tuple, each a declared category; ``None`` stays ``None`` (every status)."""
    if statuses is None:
        return None
    chosen = tuple(statuses)
    unknown = [s for s in chosen if s not in known.status.order]
    if unknown:
        raise UnknownNameError(f"Unknown overlay status {unknown}: use {', '.join(known.status.order)}.")
    return chosen


def filter_overlay(frame: gpd.GeoDataFrame, *, region: BaseGeometry | None = None,
                   statuses: Iterable[str] | None = None, buffer_m: float = REGION_BUFFER_M,
                   as_of: dt.date | None = None, layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """Features whose point, line or zone meets ``region`` (EPSG:4326) widened by ``buffer_m``, in ``statuses``,
    and (with ``as_of``) whose status was recorded on or before that date (:mod:`mapkit.data.status_dates`)."""
    chosen = check_statuses(statuses, declarations(layers_dir))
    keep = pd.Series(True, index=frame.index)
    if as_of is not None and len(frame):
        keep &= as_of_keep(frame["status_date"], as_of).to_numpy()
    if chosen is not None:
        keep &= frame["status_category"].isin(chosen)
    if region is not None and len(frame):
        area = gpd.GeoSeries([region], crs=WGS84).to_crs(BNG).iloc[0].buffer(buffer_m)
        keep &= frame.geometry.to_crs(BNG).intersects(area).to_numpy()
    return frame[keep.to_numpy()]


def overlay_in_region(overlay: str | OverlaySpec, region: str = ENGLAND, *, statuses: Iterable[str] | None = None,
                      buffer_m: float = REGION_BUFFER_M, as_of: dt.date | None = None,
                      layers_dir: Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """An overlay group's features in a region (England, a combined authority or a district code)."""
    frame = load_overlay(overlay, layers_dir=layers_dir)
    return filter_overlay(frame, region=region_geometry(region), statuses=statuses, buffer_m=buffer_m,
                          as_of=as_of, layers_dir=layers_dir)


def _line_ids(value: object) -> list[str]:
    """A feature's lines: a stop on two lines, or a zone shared by two, lists both ("A ; B")."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(" ; ") if part.strip()]


def scheme_keys(frame: pd.DataFrame) -> pd.Series:
    """Which scheme each feature belongs to: features joined by a shared zone or line are one scheme.

    A growth location's point and its zone are one scheme; a line's stops, its schematic segments and the zone of
    wards it serves are one; lines that share a zone (Sprint A34/A45 and its A45 branch) are one. The key is the
    scheme's zone id, else its line id (the first in sort order when several join), else the feature's own id.
    """
    own = frame["id"].astype(str) if "id" in frame.columns else pd.Series(frame.index.astype(str), index=frame.index)
    zone_flag = frame["zone"].eq(True) if "zone" in frame.columns else pd.Series(False, index=frame.index)
    zone_ref = frame["zone_id"] if "zone_id" in frame.columns else pd.Series(None, index=frame.index)
    lines = frame["line_id"] if "line_id" in frame.columns else pd.Series(None, index=frame.index)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: tuple[str, str], b: tuple[str, str]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for ident, is_zone, zone, line_text in zip(own, zone_flag, zone_ref, lines):
        node = ("feature", ident)
        find(node)
        if is_zone:
            join(node, ("0 zone", ident))
        elif isinstance(zone, str) and zone:
            join(node, ("0 zone", zone))
        for line in _line_ids(line_text):
            join(node, ("1 line", line))
    # A component's root is its smallest node (joins keep the smaller root): zones sort before lines, lines before
    # features, so the root names the scheme.
    return pd.Series([find(("feature", ident))[1] for ident in own], index=frame.index, dtype="object")


def zone_short_name(name: str, limit: int = 34) -> str:
    """A zone's map label: "Growth Zone: East Birmingham & North Solihull" -> "East Birmingham & North Solihull",
    "Coventry Very Light Rail: wards served" -> "Coventry Very Light Rail"; a trailing bracket dropped."""
    head, _, tail = name.partition(":")
    short = head if tail.strip() in ("", "wards served") else tail
    short = re.sub(r"\s*\([^()]*\)\s*$", "", short.strip()) or short.strip()
    return short if len(short) <= limit else short[:limit - 1].rstrip() + "\u2026"
