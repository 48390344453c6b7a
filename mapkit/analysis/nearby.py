"""Who lives near it: residents within a distance of a place, by IoD2025 national IMD decile.

Each LSOA's Census 2021 usual residents are apportioned by the share of the LSOA's area that lies inside the
buffer (so residents are assumed spread evenly over their LSOA). Buffers are drawn in British National Grid
(EPSG:27700), so distances are true metres. A group of places is summarised over the union of their buffers, so
nobody is counted twice.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint
from shapely.geometry.base import BaseGeometry

from mapkit.data.overlays import scheme_keys
from mapkit.data.products import ENGLAND, indicator_table, load_indicator
from mapkit.errors import ParameterError
from mapkit.data.io import BNG, WGS84

__all__ = [
    "DEFAULT_DISTANCE_KM",
    "MAX_DISTANCE_KM",
    "METHOD",
    "METHOD_DETAIL",
    "MIN_DISTANCE_KM",
    "GroupSummary",
    "Nearby",
    "catchment",
    "catchment_area",
    "check_distance",
    "group_summary",
    "lsoa_population",
    "lsoas_within",
    "overlay_summary",
    "population_near",
    "population_near_bounded",
]

DEFAULT_DISTANCE_KM = 1.0
MIN_DISTANCE_KM = 0.5
MAX_DISTANCE_KM = 5.0
MOST_DEPRIVED = (1, 2)
"""National IMD deciles that make up "the most deprived 20% of England"."""
DECILES = tuple(range(1, 11))
BUFFER_QUAD_SEGS = 32
SIMPLIFY_M = 25.0
"""Tolerance an uploaded shape is simplified to before it is measured: 5% of the shortest distance offered, so the
buffer's edge moves by at most 25 m, far below what apportioning whole LSOAs by area can resolve."""

METHOD = "LSOAs apportioned by area share within the buffer; population = Census 2021 usual residents"
METHOD_DETAIL = (
    f"{METHOD}. Each LSOA's residents are assumed to be spread evenly over it. Deciles are the IoD2025 Index of "
    "Multiple Deprivation national deciles (1 = the most deprived 10% of LSOAs in England). Distances are "
    "measured in British National Grid metres; schematic lines are measured from their stops, not from the "
    "straight segments drawn between them; a zone drawn as its wards from its outline (its own residents "
    "included) in a group's summary, while a zone chosen on its own counts the residents of its wards. "
    "England only: residents over the border in Wales or Scotland are "
    "not counted."
)


def check_distance(distance_km: float) -> float:
    """The distance in km if it is a number from 0.5 to 5, else a :class:`ParameterError` saying so."""
    if isinstance(distance_km, bool) or not isinstance(distance_km, (int, float, np.integer, np.floating)):
        raise ParameterError(f"Distance must be a number of kilometres from {MIN_DISTANCE_KM:g} to "
                             f"{MAX_DISTANCE_KM:g}, not {distance_km!r}.")
    value = float(distance_km)
    if not math.isfinite(value) or not MIN_DISTANCE_KM <= value <= MAX_DISTANCE_KM:
        raise ParameterError(f"Distance {distance_km!r} km is out of range: choose a distance from "
                             f"{MIN_DISTANCE_KM:g} km to {MAX_DISTANCE_KM:g} km.")
    return value


@dataclasses.dataclass(frozen=True)
class Nearby:
    """Residents within ``distance_km`` of a place, by national IMD decile.

    ``table`` has one row per decile 1-10: ``decile``, ``population`` (apportioned residents) and ``share``
    (of all residents within the distance).
    """

    distance_km: float
    table: pd.DataFrame
    total_population: float
    lsoa_count: int

    @property
    def most_deprived_share(self) -> float | None:
        """Share of the residents who live in the most deprived 20% of England (deciles 1-2)."""
        if self.total_population <= 0:
            return None
        return float(self.table.loc[self.table["decile"].isin(MOST_DEPRIVED), "population"].sum()
                     / self.total_population)

    def sentence(self) -> str:
        """One line for the UI, from the computed values."""
        distance = _km(self.distance_km)
        share = self.most_deprived_share
        if share is None:
            return f"No residents found within {distance} (LSOA data covers England only)."
        return (f"About {_people(self.total_population)} residents live within {distance}; {_percent(share)} of "
                "them live in the most deprived 20% of England.")


@dataclasses.dataclass(frozen=True)
class GroupSummary:
    """An overlay group in a region: how many schemes, and who lives within the distance of any of them."""

    count: int
    noun: str
    noun_plural: str
    nearby: Nearby

    def sentence(self) -> str:
        """ "n schemes; x% of residents within 1 km live in the most deprived 20% of England" """
        things = f"{self.count} {self.noun if self.count == 1 else self.noun_plural}"
        if self.count == 0:
            return f"No {self.noun_plural} in this area."
        distance = _km(self.nearby.distance_km)
        share = self.nearby.most_deprived_share
        if share is None:
            return f"{things}; no residents found within {distance} (LSOA data covers England only)."
        return (f"{things}; {_percent(share)} of residents within {distance} (about "
                f"{_people(self.nearby.total_population)} people) live in the most deprived 20% of England.")


def _km(value: float) -> str:
    return f"{value:g} km"


def _people(value: float) -> str:
    return f"{round(value, -1):,.0f}" if value >= 10 else f"{value:,.0f}"


def _percent(share: float) -> str:
    if 0 < share < 0.005:
        return "under 1%"
    return f"{share:.0%}"


@lru_cache(maxsize=1)
def lsoa_population() -> gpd.GeoDataFrame:
    """Every LSOA in England (EPSG:27700) with ``code``, ``ward_code`` (ONS best-fit ward), ``lad_code``,
    ``ca_code``, ``decile`` (IoD2025 IMD, national) and ``population`` (Census 2021 usual residents); loaded once,
    shared with :mod:`mapkit.analysis.zones` and :mod:`mapkit.analysis.scorecard`."""
    frame = load_indicator("imd_score", "lsoa", ENGLAND)
    residents = indicator_table("population", "lsoa").set_index("code")["value"]
    out = gpd.GeoDataFrame({"code": frame["code"].to_numpy(), "ward_code": frame["ward_code"].to_numpy(),
                            "lad_code": frame["lad_code"].to_numpy(), "ca_code": frame["ca_code"].to_numpy(),
                            "decile": frame["decile"].to_numpy(),
                            "population": frame["code"].map(residents).to_numpy(dtype=float)},
                           geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return _prepare(out)


def _prepare(lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    missing = [c for c in ("decile", "population") if c not in lsoas.columns]
    if missing:
        raise ParameterError(f"LSOA table lacks column(s) {missing}: pass a GeoDataFrame with decile and population.")
    if lsoas.crs is None:
        raise ParameterError("LSOA table has no CRS: set one (EPSG:4326 or EPSG:27700) before passing it.")
    frame = lsoas if lsoas.crs.to_epsg() == 27700 else lsoas.to_crs(BNG)
    return frame.reset_index(drop=True)


def catchment(geometry: BaseGeometry, *, schematic: bool = False) -> BaseGeometry:
    """What distance is measured from: a schematic line's stops (its vertices), otherwise the geometry itself."""
    if schematic and geometry.geom_type in ("LineString", "MultiLineString"):
        return MultiPoint(shapely.get_coordinates(geometry))
    return geometry


def _to_bng(geometries: Iterable[BaseGeometry], crs: str) -> list[BaseGeometry]:
    series = gpd.GeoSeries(list(geometries), crs=crs)
    return list(series if series.crs.to_epsg() == 27700 else series.to_crs(BNG))


def lsoas_within(area: BaseGeometry, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """The LSOAs an area (BNG) reaches, each weighted by the share of its own area inside: ``code``, ``decile``,
    ``population``, ``inside`` (that share) and ``weight`` (the same: residents spread evenly over the LSOA)."""
    hits = np.sort(lsoas.sindex.query(area, predicate="intersects"))
    candidates = lsoas.iloc[hits]
    geoms = candidates.geometry.to_numpy()
    whole = shapely.area(geoms)
    inside = np.divide(shapely.area(shapely.intersection(geoms, area)), whole, out=np.zeros(len(geoms)),
                       where=whole > 0)
    out = pd.DataFrame({"code": candidates["code"].to_numpy(), "decile": candidates["decile"].to_numpy(),
                        "population": candidates["population"].to_numpy(dtype=float), "inside": inside,
                        "weight": inside})
    return out[inside > 0].reset_index(drop=True)


def _apportion(area: BaseGeometry, lsoas: gpd.GeoDataFrame, distance_km: float) -> Nearby:
    members = lsoas_within(area, lsoas)
    people = members["population"].to_numpy(dtype=float) * members["weight"].to_numpy(dtype=float)
    by_decile = pd.Series(people).groupby(members["decile"].to_numpy()).sum()
    population = by_decile.reindex(DECILES, fill_value=0.0).to_numpy(dtype=float)
    total = float(np.nansum(people))
    table = pd.DataFrame({
        "decile": DECILES,
        "population": population,
        "share": population / total if total > 0 else np.zeros(len(DECILES)),
    })
    return Nearby(distance_km=distance_km, table=table, total_population=total, lsoa_count=len(members))


def population_near(geometry: BaseGeometry, *, distance_km: float = DEFAULT_DISTANCE_KM, crs: str = WGS84,
                    lsoas: gpd.GeoDataFrame | None = None) -> Nearby:
    """Residents within ``distance_km`` of ``geometry`` (in ``crs``), by national IMD decile.

    Parameters
    ----------
    geometry
        A point, line or polygon; pass :func:`catchment` of a schematic line to measure from its stops.
    distance_km
        From 0.5 to 5 km.
    lsoas
        LSOAs with ``decile`` and ``population`` (any CRS); default every LSOA in England.
    """
    distance = check_distance(distance_km)
    frame = lsoa_population() if lsoas is None else _prepare(lsoas)
    (shape,) = _to_bng([geometry], crs)
    return _apportion(shape.buffer(distance * 1000.0, quad_segs=BUFFER_QUAD_SEGS), frame, distance)


def population_near_bounded(geometry: BaseGeometry, *, distance_km: float = DEFAULT_DISTANCE_KM,
                            crs: str = WGS84, what: str = "Counting residents",
                            on_wait: Callable[[int], None] | None = None) -> Nearby:
    """:func:`population_near` for a user's own shape: simplified to :data:`SIMPLIFY_M` metres and measured in a
    worker process with a memory and time budget (:func:`mapkit.workers.run_bounded`).

    Only the LSOAs that can lie within the distance are sent to the worker. Same method and figures as
    :func:`population_near` (each part buffered separately, then unioned: the same area). ``on_wait`` hears how
    many earlier requests this one waits for, if it waits (:func:`mapkit.workers.waiting_message`).

    Raises
    ------
    mapkit.errors.BudgetError
        When the measurement needs more memory or time than one session may take.
    """
    from mapkit.workers import run_bounded

    distance = check_distance(distance_km)
    (shape,) = _to_bng([geometry], crs)
    shape = shapely.simplify(shape, SIMPLIFY_M)
    lsoas = lsoa_population()
    reach = shapely.box(*shape.bounds).buffer(distance * 1000.0)
    rows = np.sort(lsoas.sindex.query(reach, predicate="intersects"))
    # Plain arrays, not a GeoDataFrame: unpickling one in the worker would start pandas' and pyarrow's memory pools.
    geoms = lsoas.geometry.to_numpy()[rows]
    deciles = lsoas["decile"].to_numpy(dtype=float)[rows]
    population = lsoas["population"].to_numpy(dtype=float)[rows]
    people, count = run_bounded(_near_arrays, shape, geoms, deciles, population, distance, what=what,
                                on_wait=on_wait)
    return _nearby(distance, people, count)


def _near_arrays(shape: BaseGeometry, geoms: np.ndarray, deciles: np.ndarray, population: np.ndarray,
                 distance: float) -> tuple[np.ndarray, int]:
    """Residents by decile 1-10 within ``distance`` km of ``shape`` (BNG) and the number of LSOAs reached."""
    # Each part buffered on its own, then the buffers unioned: the same area, but GEOS buffering a shape of
    # hundreds of parts at once by kilometres took 15 s and 1.5 GB where this takes 0.6 s.
    parts = shapely.buffer(shapely.get_parts(shape), distance * 1000.0, quad_segs=BUFFER_QUAD_SEGS)
    area = shapely.union_all(parts)
    shapely.prepare(area)
    near = shapely.intersects(area, geoms)
    geoms, deciles, population = geoms[near], deciles[near], population[near]
    inside = shapely.area(shapely.intersection(geoms, area))
    whole = shapely.area(geoms)
    people = population * np.divide(inside, whole, out=np.zeros(len(geoms)), where=whole > 0)
    by_decile = np.array([np.nansum(people[deciles == d]) for d in DECILES], dtype=float)
    return by_decile, int((inside > 0).sum())


def _nearby(distance: float, by_decile: np.ndarray, count: int) -> Nearby:
    total = float(by_decile.sum())
    table = pd.DataFrame({"decile": DECILES, "population": by_decile,
                          "share": by_decile / total if total > 0 else np.zeros(len(DECILES))})
    return Nearby(distance_km=distance, table=table, total_population=total, lsoa_count=count)


def group_summary(frame: gpd.GeoDataFrame, *, distance_km: float = DEFAULT_DISTANCE_KM, noun: str = "scheme",
                  noun_plural: str = "schemes", lsoas: gpd.GeoDataFrame | None = None) -> GroupSummary:
    """How many schemes ``frame`` holds and who lives within ``distance_km`` of any of them (buffers unioned).

    Schematic lines are measured from their stops (see :func:`catchment`).
    """
    distance = check_distance(distance_km)
    lsoa_frame = lsoa_population() if lsoas is None else _prepare(lsoas)
    area = catchment_area(frame, distance_km=distance)
    if area is not None:
        nearby = _apportion(area, lsoa_frame, distance)
    else:
        empty = pd.DataFrame({"decile": DECILES, "population": 0.0, "share": 0.0})
        nearby = Nearby(distance_km=distance, table=empty, total_population=0.0, lsoa_count=0)
    return GroupSummary(count=int(scheme_keys(frame).nunique()), noun=noun, noun_plural=noun_plural, nearby=nearby)


def catchment_area(frame: gpd.GeoDataFrame, *, distance_km: float = DEFAULT_DISTANCE_KM) -> BaseGeometry | None:
    """The union of ``distance_km`` buffers around a frame's features (BNG), schematic lines measured from their
    stops (:func:`catchment`); ``None`` for an empty frame."""
    distance = check_distance(distance_km)
    schematic = (frame["schematic"].fillna(False).astype(bool) if "schematic" in frame.columns
                 else pd.Series(False, index=frame.index))
    shapes = [catchment(g, schematic=s) for g, s in zip(frame.geometry, schematic)]
    if not shapes:
        return None
    return shapely.union_all(_to_bng(shapes, frame.crs or WGS84)).buffer(distance * 1000.0,
                                                                          quad_segs=BUFFER_QUAD_SEGS)


def overlay_summary(overlay_id: str, region: str = ENGLAND, *, distance_km: float = DEFAULT_DISTANCE_KM,
                    statuses: Iterable[str] | None = None) -> GroupSummary:
    """:func:`group_summary` for an overlay group in a region, e.g. transport schemes in the West Midlands."""
    from mapkit.specs.registry import overlay_declarations
    from mapkit.data.overlays import overlay_in_region

    spec = overlay_declarations().overlay(overlay_id)
    frame = overlay_in_region(spec, region, statuses=statuses)
    return group_summary(frame, distance_km=distance_km, noun=spec.noun, noun_plural=spec.noun_plural)
