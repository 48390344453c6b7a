"""The profile of a user's own area (:class:`mapkit.data.own_areas.OwnArea`): who lives there and how it compares.

Which LSOAs count, and by how much (``weight``):

* a group of **LSOAs**: each counted whole;
* a group of **wards**: counted as the growth zones are (:func:`mapkit.analysis.zones.zone_lsoas`): LSOAs whose
  ONS best-fit ward is in the group and that lie at least 90% inside its outline whole, straddling ones apportioned
  by the share of their area inside, slivers left out;
* an **outline**: LSOAs wholly inside counted whole, straddling ones apportioned by the share of their area inside
  (residents assumed spread evenly over each LSOA), measured in British National Grid in a worker process with the
  uploads' budget (:func:`mapkit.workers.run_bounded`).

From those weights, by the publishers' methods:

* residents: Census 2021 usual residents, and their IoD2025 national IMD deciles beside the combined authority
  holding most of them and England (:func:`mapkit.analysis.zones.comparison`);
* every IoD2025 domain's average score, weighted by MHCLG's own population weights (the domain score's
  denominator: mid-2022 population, working-age for Employment; docs/iod_method.md), and the rank it would take
  among England's wards;
* Census 2021 rates as sums of counts (numerator over denominator), and their rank among England's wards;
* IoD2019 -> IoD2025 movement: residents of the LSOAs ONS's lookup lets us compare, in and out of the most
  deprived 10% and 20%;
* the districts it touches (residents in each) with their ONS growth series over the last ten published years,
  and the growth locations and transport schemes inside it.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mapkit.analysis import series as series_change
from mapkit.analysis.compare import Comparison
from mapkit.analysis.nearby import lsoa_population
from mapkit.analysis.zones import DECILES, comparison, residents_by_decile, zone_lsoas
from mapkit.data.io import BNG, WGS84
from mapkit.data.overlays import feature_labels, filter_overlay, load_overlay, scheme_keys
from mapkit.data.own_areas import OwnArea, shares_inside
from mapkit.data.products import indicator_table, level_table, load_boundaries
from mapkit.specs.registry import IndicatorSpec, overlay_specs, registry
from mapkit.text.wording import source_statement

__all__ = ["AREA_LEVEL", "MEASURE_COLUMNS", "METHOD", "OWN_KIND", "OwnAreaProfile", "member_lsoas", "own_area_profile",
           "rank_among", "with_own_area"]

AREA_LEVEL = "own"
"""``area_level`` of an own area in tidy tables."""
ROW = "lsoa_row"
"""Name of the members' index: each LSOA's position in the table of every LSOA."""
WHOLE_SHARE = 1.0 - 1e-9
"""An LSOA of an outline counts whole when this share of its area (all of it, up to rounding) lies inside."""
SOURCE_KEYS = ("census2021", "iod2025", "iod2019", "ons_lookups", "ons_boundaries", "ons_els")
"""Sources of every own-area profile (``layers/sources.toml``)."""
COMPUTED = {"iod_published": "weighted_mean", "census_rate": "rate", "census_count": "count"}
"""How each LSOA indicator's method sums over an own area: MHCLG's population-weighted mean of scores; Census
rates and counts as sums of their counts."""
MEASURE_COLUMNS = ["theme", "indicator", "label", "unit", "period", "source", "value", "value_text", "numerator",
                   "denominator", "rank_wards", "n_wards", "method"]
METHOD = (
    "LSOAs wholly inside the area are counted whole and LSOAs straddling its edge are apportioned by the share of "
    "their area inside it (residents assumed spread evenly over each LSOA); a group of wards is counted as the growth "
    "zones are (LSOAs best-fitted to its wards and at least 90% inside counted whole); a group of LSOAs counts each "
    "whole. Residents = Census 2021 usual residents (ONS). Deciles = IoD2025 Index of Multiple Deprivation national "
    "deciles (MHCLG; 1 = the most deprived 10% of LSOAs in England). IoD domain scores are averages of the LSOA "
    "scores weighted by MHCLG's own population denominators (mid-2022; working-age for Employment), as MHCLG "
    "summarises larger areas; Census 2021 rates are the sums of their counts. A rank among wards is where the area's "
    "figure would stand among England's 2024 wards (1 = the most deprived, or the highest for counts).")

DECILE_METHOD = ("Census 2021 usual residents of the LSOAs counted (straddling LSOAs by the share of their area "
                 "inside), by each LSOA's IoD2025 IMD national decile.")
MOVEMENT_METHOD = ("Residents of the LSOAs counted that ONS's LSOA 2011 to 2021 lookup lets us compare (split LSOAs "
                   "take their 2011 parent's decile; merged ones only when all parts shared a 2019 decile; redrawn "
                   "ones not at all); MHCLG compares ranks and deciles between editions, not scores.")


# --- which LSOAs count ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _lsoas() -> pd.DataFrame:
    """Every LSOA in the order of :func:`lsoa_population`, with names of its ward, district and CA."""
    frame = lsoa_population()
    names = load_boundaries("lsoa").set_index("code")
    out = pd.DataFrame({"code": frame["code"].to_numpy(), "decile": frame["decile"].to_numpy(),
                        "population": frame["population"].to_numpy(dtype=float)})
    for column in ("name", "ward_code", "ward_name", "lad_code", "lad_name", "ca_code", "ca_name"):
        out[column] = out["code"].map(names[column]).to_numpy()
    return out


@lru_cache(maxsize=1)
def _positions() -> pd.Index:
    return pd.Index(_lsoas()["code"])


@lru_cache(maxsize=1)
def _lsoa_wkb() -> np.ndarray:
    """Every LSOA's boundary (British National Grid) as WKB, in the order of :func:`lsoa_population`: sent to a
    worker in tens of milliseconds where pickling the geometries takes a second."""
    return shapely.to_wkb(lsoa_population().geometry.to_numpy())


def _outline_members(area: OwnArea, bounded: bool) -> pd.DataFrame:
    (shape,) = gpd.GeoSeries([area.geometry], crs=WGS84).to_crs(BNG)
    frame = lsoa_population()
    rows = np.sort(frame.sindex.query(shape, predicate="intersects"))
    if bounded:
        from mapkit.workers import run_bounded

        share = run_bounded(shares_inside, shape, _lsoa_wkb()[rows], what=f"Measuring {area.name!r}")
    else:
        share = shares_inside(shape, frame.geometry.to_numpy()[rows])
    keep = share > 0
    rows, share = rows[keep], share[keep]
    return pd.DataFrame({"row": rows, "inside": share, "weight": share,
                         "how": np.where(share >= WHOLE_SHARE, "whole", "apportioned")})


def member_lsoas(area: OwnArea, *, bounded: bool = True) -> pd.DataFrame:
    """The LSOAs that count towards ``area``: ``code, name, ward_code, ward_name, lad_code, lad_name, ca_code,
    ca_name, decile, population, inside, weight, how``, by code, indexed by each LSOA's position in the LSOA table
    (:data:`ROW`, which :func:`measures` and :func:`movement` read). ``inside`` is the share of the LSOA's area inside
    (1 for a listed LSOA), ``weight`` the share of its residents counted, ``how`` "whole" or "apportioned".

    Parameters
    ----------
    bounded
        Measure an outline in a worker process with the uploads' memory and time budget (the app, the command
        line); ``False`` measures in this process (tests, benchmarks of the arithmetic alone).
    """
    table = _lsoas()
    if area.kind == "lsoa":
        rows = _positions().get_indexer(list(area.codes))
        found = pd.DataFrame({"row": rows, "inside": 1.0, "weight": 1.0, "how": "whole"})
    elif area.kind == "ward":
        counted = zone_lsoas(area.geometry, area.codes)
        found = pd.DataFrame({"row": _positions().get_indexer(counted["code"]), "inside": counted["inside"].to_numpy(),
                              "weight": counted["weight"].to_numpy(), "how": counted["how"].to_numpy()})
    else:
        found = _outline_members(area, bounded)
    members = table.iloc[found["row"].to_numpy()].copy()
    members["inside"] = found["inside"].to_numpy(dtype=float)
    members["weight"] = found["weight"].to_numpy(dtype=float)
    members["how"] = found["how"].to_numpy()
    members.index = pd.Index(found["row"].to_numpy(), name=ROW)
    return members.sort_values("code", kind="stable")


# --- measures -------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _lsoa_columns(indicator: str) -> dict[str, np.ndarray]:
    """One LSOA indicator's ``value, numerator, denominator`` as arrays in the order of :func:`_lsoas`."""
    rows = indicator_table(indicator, "lsoa").set_index("code").reindex(_positions())
    return {c: rows[c].to_numpy(dtype=float) for c in ("value", "numerator", "denominator")}


def _column(indicator: str, column: str, members: pd.DataFrame) -> np.ndarray:
    return _lsoa_columns(indicator)[column][members.index.to_numpy()]


@lru_cache(maxsize=None)
def _level_values(indicator: str, level: str) -> np.ndarray:
    """England's values of an indicator at ``level``, sorted (missing ones left out)."""
    rows = level_table(level)
    values = rows.loc[rows["indicator"] == indicator, "value"].dropna().to_numpy(dtype=float)
    return np.sort(values)


def rank_among(spec: IndicatorSpec, value: float, level: str = "ward") -> tuple[int | None, int]:
    """Where ``value`` would rank among England's areas of ``level`` (1 = worst; for neutral indicators 1 =
    highest) and how many of them have a figure."""
    areas = _level_values(spec.id, level)
    if value is None or not math.isfinite(value) or not len(areas):
        return None, len(areas)
    if spec.higher_is == "better":
        ahead = int(np.searchsorted(areas, value, side="left"))
    else:
        ahead = len(areas) - int(np.searchsorted(areas, value, side="right"))
    return ahead + 1, len(areas)


def _source(spec: IndicatorSpec) -> str:
    source = registry().sources[spec.source]
    return f"{source.publisher}, {source.title}"


def _measure(spec: IndicatorSpec, how: str, members: pd.DataFrame) -> dict[str, Any]:
    weight = members["weight"].to_numpy(dtype=float)
    value, numerator, denominator = (_column(spec.id, c, members) for c in ("value", "numerator", "denominator"))
    num = den = math.nan
    if how == "weighted_mean":
        ok = np.isfinite(value) & np.isfinite(denominator)
        den = float((weight[ok] * denominator[ok]).sum())
        result = float((weight[ok] * denominator[ok] * value[ok]).sum() / den) if den > 0 else math.nan
        method = "Average of LSOA scores weighted by MHCLG's population denominators (mid-2022" + (
            ", working-age)" if spec.id.startswith("employment") else ")") + ", times each LSOA's share counted."
    else:
        ok = np.isfinite(numerator) & (np.isfinite(denominator) if how == "rate" else True)
        num = float((weight[ok] * numerator[ok]).sum())
        if how == "rate":
            den = float((weight[ok] * denominator[ok]).sum())
            result = 100.0 * num / den if den > 0 else math.nan
            method = "Sum of the Census 2021 counts over the LSOAs counted (apportioned ones by their share)."
        else:
            result = num
            method = "Sum of Census 2021 usual residents over the LSOAs counted (apportioned ones by their share)."
    rank, n_wards = rank_among(spec, result)
    return {"theme": spec.theme, "indicator": spec.id, "label": spec.label, "unit": spec.unit, "period": spec.period,
            "source": _source(spec), "value": result,
            "value_text": spec.format_value(None if not math.isfinite(result) else result),
            "numerator": num, "denominator": den, "rank_wards": rank, "n_wards": n_wards, "method": method}


def measures(members: pd.DataFrame) -> pd.DataFrame:
    """Every LSOA indicator that sums over an area (IoD2025 domain scores, Census 2021 rates and residents), with
    its rank among England's wards: columns :data:`MEASURE_COLUMNS`."""
    rows = [_measure(spec, COMPUTED[spec.method], members) for spec in registry().indicators.values()
            if "lsoa" in spec.levels and spec.method in COMPUTED]
    table = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    return table.astype({"rank_wards": "Int64", "n_wards": "Int64"})


MOVEMENT_COLUMNS = ["measure", "label", "value", "unit"]


def movement(members: pd.DataFrame) -> pd.DataFrame:
    """IoD2019 -> IoD2025 movement of the area's residents (ONS's LSOA 2011 -> 2021 lookup; MHCLG compares ranks
    and deciles only): residents compared, the share in the most deprived 10% and 20% in each edition, and
    residents of LSOAs that moved into or out of them."""
    people = members["population"].to_numpy(dtype=float) * members["weight"].to_numpy(dtype=float)
    change = _column("imd_change_decile", "value", members)
    new = members["decile"].to_numpy(dtype=float)
    old = new - change
    compared = np.isfinite(change)
    total = float(people[compared].sum())
    rows = [("residents_compared", "Residents in LSOAs compared with IoD2019", float(people[compared].sum()),
             "people"),
            ("residents_not_compared", "Residents in LSOAs not comparable (merged from different 2019 deciles, or "
             "redrawn)", float(people[~compared].sum()), "people")]
    for top, deciles in ((10, 1), (20, 2)):
        net = _column(f"imd_change_net_{top}pct", "value", members)
        for edition, values in (("2019", old), ("2025", new)):
            share = float(people[compared & (values <= deciles)].sum() / total * 100.0) if total > 0 else math.nan
            rows.append((f"residents_most_deprived_{top}pct_{edition}",
                         f"Residents compared living in the most deprived {top}% of LSOAs, IoD{edition}", share,
                         "% of residents compared"))
        rows.append((f"residents_moved_into_{top}pct", f"Residents of LSOAs that moved into the most deprived "
                     f"{top}%", float(people[net == 1].sum()), "people"))
        rows.append((f"residents_moved_out_of_{top}pct", f"Residents of LSOAs that moved out of the most deprived "
                     f"{top}%", float(people[net == -1].sum()), "people"))
    return pd.DataFrame(rows, columns=MOVEMENT_COLUMNS)


# --- districts, their growth, overlays ------------------------------------------------------------------------------

def districts(members: pd.DataFrame) -> pd.DataFrame:
    """The districts the area touches: ``lad_code, lad_name, ca_name, population`` (its residents there), ``share``
    (of the area's residents), largest first."""
    people = members["population"] * members["weight"]
    table = (members.assign(people=people).groupby(["lad_code", "lad_name"], dropna=False)
             .agg(ca_name=("ca_name", "first"), population=("people", "sum")).reset_index())
    total = float(table["population"].sum())
    table["share"] = table["population"] / total if total > 0 else 0.0
    return table.sort_values(["population", "lad_code"], ascending=[False, True]).reset_index(drop=True)


@lru_cache(maxsize=None)
def _change(series_id: str) -> series_change.Change | None:
    """The change over the default period (last ten published years), ``None`` for a series of one year."""
    start, end = series_change.default_period(series_id)
    return series_change.change(series_id, "lad", start, end) if start < end else None


GROWTH_COLUMNS = ["lad_code", "lad_name", "series", "label", "unit", "start", "end", "start_value", "end_value",
                  "change", "change_text", "england_change", "england_change_text", "release_date", "note"]


@lru_cache(maxsize=1)
def _growth_table() -> pd.DataFrame:
    """Every district's change in every series of more than one year (columns :data:`GROWTH_COLUMNS`), once."""
    parts = []
    for spec in registry().series.values():
        result = _change(spec.id)
        if result is None:  # one year published: nothing to say about growth
            continue
        rows = result.table
        parts.append(pd.DataFrame({
            "lad_code": rows["code"].to_numpy(), "series": spec.id, "label": spec.label, "unit": spec.unit,
            "start": result.start, "end": result.end, "start_value": rows["start_value"].to_numpy(),
            "end_value": rows["end_value"].to_numpy(), "change": rows["change"].to_numpy(),
            "change_text": [result.describe(v) for v in rows["change"]], "england_change": result.england_change,
            "england_change_text": result.describe(result.england_change), "release_date": spec.release_date,
            "note": rows["note"].to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=GROWTH_COLUMNS)


def growth(touched: pd.DataFrame) -> pd.DataFrame:
    """Each touched district's ONS growth series over its last ten published years (or all, if fewer; a series of
    one year is left out): value at each end, the change (percent, or percentage points for rates) and England's
    change (columns :data:`GROWTH_COLUMNS`), districts in the order given."""
    order = {code: i for i, code in enumerate(touched["lad_code"].dropna())}
    table = _growth_table()
    rows = table[table["lad_code"].isin(list(order))]
    rows = rows.assign(lad_name=rows["lad_code"].map(dict(zip(touched["lad_code"], touched["lad_name"]))),
                       _order=rows["lad_code"].map(order))
    return rows.sort_values(["_order", "series"], kind="stable")[GROWTH_COLUMNS].reset_index(drop=True)


@lru_cache(maxsize=None)
def _overlay(overlay_id: str) -> gpd.GeoDataFrame:
    return load_overlay(overlay_id)


OVERLAY_COLUMNS = ["overlay", "overlay_label", "id", "name", "label", "status_category", "inside"]


def overlays_inside(geometry: BaseGeometry) -> pd.DataFrame:
    """Growth locations and transport schemes that meet the area, one row per scheme (a line with its stops, a
    zone with its point, once): ``inside`` is True when all of it lies inside (columns :data:`OVERLAY_COLUMNS`)."""
    rows = []
    for overlay_id, spec in overlay_specs().items():
        frame = filter_overlay(_overlay(overlay_id), region=geometry, buffer_m=0.0)
        if frame.empty:
            continue
        within = frame.geometry.within(geometry).to_numpy()
        keys = scheme_keys(frame).to_numpy()
        labels = feature_labels(frame)
        seen: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key in seen:
                rows[seen[key]]["inside"] = rows[seen[key]]["inside"] and bool(within[i])
                continue
            seen[key] = len(rows)
            rows.append({"overlay": overlay_id, "overlay_label": spec.label, "id": str(frame["id"].iloc[i]),
                         "name": str(frame["name"].iloc[i]), "label": labels[i],
                         "status_category": str(frame["status_category"].iloc[i]), "inside": bool(within[i])})
    return pd.DataFrame(rows, columns=OVERLAY_COLUMNS)


# --- the profile ----------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class OwnAreaProfile:
    """Everything the profile shows and exports, computed once (:func:`own_area_profile`)."""

    area: OwnArea
    members: pd.DataFrame
    deciles: pd.DataFrame
    ca_code: str | None
    ca_name: str | None
    measures: pd.DataFrame
    movement: pd.DataFrame
    districts: pd.DataFrame
    growth: pd.DataFrame
    overlays: pd.DataFrame
    notes: tuple[str, ...]

    @property
    def population(self) -> float:
        """Census 2021 usual residents counted (apportioned ones by their share)."""
        return float((self.members["population"] * self.members["weight"]).sum())

    @property
    def whole_population(self) -> float:
        rows = self.members[self.members["how"] == "whole"]
        return float((rows["population"] * rows["weight"]).sum())

    @property
    def apportioned_population(self) -> float:
        return self.population - self.whole_population

    @property
    def imd_decile_population(self) -> list[float]:
        """Residents in each IoD2025 national IMD decile, decile 1 (most deprived) first."""
        return [float(v) for v in self.deciles["population"]]

    @property
    def most_deprived_share(self) -> float | None:
        """Share of residents in the most deprived 20% of LSOAs in England (deciles 1-2)."""
        total = self.population
        return None if total <= 0 else float(self.deciles["population"].iloc[:2].sum() / total)

    def counting(self) -> str:
        """How the residents were counted, with the figures: "177 LSOAs counted whole, 51 apportioned by area
        (about 33,980 residents)"."""
        whole = int((self.members["how"] == "whole").sum())
        part = len(self.members) - whole
        text = f"{whole:,} LSOA{'s' if whole != 1 else ''} counted whole"
        if part:
            text += f", {part:,} apportioned by area (about {_people(self.apportioned_population)} residents)"
        return text

    def sentence(self) -> str:
        """The headline: residents and the share in the most deprived 20% of England, and how they were counted."""
        share = self.most_deprived_share
        if share is None:
            return f"No residents found in {self.area.name} (the figures cover England's LSOAs only)."
        return (f"About {_people(self.population)} residents live in {self.area.name}; {_percent(share)} of them live "
                f"in the most deprived 20% of England ({self.counting()}).")

    def sources(self) -> list[str]:
        """Every source behind the profile in full (publisher, title, vintage, licence, attribution), one line
        each; the overlay groups' own lines when any lies in the area."""
        lines = [source_statement(key) for key in SOURCE_KEYS]
        specs = overlay_specs()
        lines += [f"{specs[o].label}: {specs[o].source} {specs[o].licence}"
                  for o in dict.fromkeys(self.overlays["overlay"])]
        return lines

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain JSON-ready values (numbers as floats, missing as ``None``)."""
        return {
            "name": self.area.name, "code": self.area.code, "kind": self.area.kind,
            "codes": list(self.area.codes), "population": self.population,
            "population_whole": self.whole_population, "population_apportioned": self.apportioned_population,
            "lsoas_whole": int((self.members["how"] == "whole").sum()),
            "lsoas_apportioned": int((self.members["how"] != "whole").sum()),
            "imd_decile_population": self.imd_decile_population,
            "imd_decile_share": _records(self.deciles), "combined_authority": self.ca_name,
            "most_deprived_20pct_share": self.most_deprived_share, "sentence": self.sentence(),
            "measures": _records(self.measures), "movement": _records(self.movement),
            "districts": _records(self.districts), "growth": _records(self.growth),
            "overlays": _records(self.overlays), "method": METHOD, "notes": list(self.notes),
            "sources": self.sources(),
        }

    def tidy(self) -> pd.DataFrame:
        """Its measures as tidy rows: ``area_code, area_name, area_level, indicator_id, indicator, period, value,
        unit``, then ``source`` and ``method``."""
        area = {"area_code": self.area.code, "area_name": self.area.name, "area_level": AREA_LEVEL}
        iod = _source(registry().indicator("imd_score"))
        rows = [dict(area, indicator_id=f"imd_decile_{d}_residents",
                     indicator=f"Residents in IoD2025 IMD national decile {d}" + (" (most deprived)" if d == 1 else ""),
                     period=registry().indicator("imd_score").period, value=p, unit="people",
                     source=f"{iod}; ONS, Census 2021", method=DECILE_METHOD)
                for d, p in zip(DECILES, self.imd_decile_population)]
        rows += [dict(area, indicator_id=r.indicator, indicator=r.label, period=r.period, value=r.value, unit=r.unit,
                      source=r.source, method=r.method) for r in self.measures.itertuples()]
        rows += [dict(area, indicator_id=f"imd_movement_{r.measure}", indicator=r.label, period="IoD2019 to IoD2025",
                      value=r.value, unit=r.unit, source=f"{_source(registry().indicator('imd_change_decile'))}; "
                      f"{iod}; ONS, LSOA (2011) to LSOA (2021) lookup", method=MOVEMENT_METHOD)
                 for r in self.movement.itertuples()]
        return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, "source", "method"])


TIDY_COLUMNS = ["area_code", "area_name", "area_level", "indicator_id", "indicator", "period", "value", "unit"]
"""The core columns of the project's tidy tables."""


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _people(value: float) -> str:
    return f"{round(value, -1):,.0f}" if value >= 10 else f"{value:,.0f}"


def _percent(share: float) -> str:
    return "under 1%" if 0 < share < 0.005 else f"{share:.0%}"


def _main_ca(members: pd.DataFrame) -> tuple[str | None, str | None, list[str]]:
    people = (members["population"] * members["weight"]).groupby(members["ca_code"].fillna("")).sum()
    named = people.drop("", errors="ignore")
    if named.empty:
        return None, None, ["The area lies outside the combined authorities: compared with England only."]
    code = str(named.idxmax())
    name = str(members.loc[members["ca_code"] == code, "ca_name"].iloc[0])
    notes = []
    if len(people) > 1:
        notes.append(f"The area spans more than one combined authority or lies partly outside one: compared with "
                     f"{name}, which holds most of its residents.")
    return code, name, notes


def own_area_profile(area: OwnArea, *, bounded: bool = True) -> OwnAreaProfile:
    """The profile of ``area``; see the module's description for what is counted and how.

    Parameters
    ----------
    bounded
        Measure an outline in a worker with the uploads' budget (see :func:`member_lsoas`).

    Raises
    ------
    mapkit.errors.BudgetError
        When measuring the outline needs more memory or time than one session may take.
    """
    members = member_lsoas(area, bounded=bounded)
    table = residents_by_decile(members)
    ca_code, ca_name, notes = _main_ca(members)
    compared = comparison(table, ca_code).rename(columns={"here": "share", "combined authority": "ca_share",
                                                          "England": "england_share"})
    deciles = table[["decile", "population"]].assign(share=compared["share"].to_numpy(),
                                                     ca_share=compared.get("ca_share", np.nan),
                                                     england_share=compared["england_share"].to_numpy())
    touched = districts(members)
    if members.empty:
        notes.append("No LSOA of England lies in the area: the figures cover England only.")
    return OwnAreaProfile(area=area, members=members, deciles=deciles, ca_code=ca_code, ca_name=ca_name,
                          measures=measures(members), movement=movement(members), districts=touched,
                          growth=growth(touched), overlays=overlays_inside(area.geometry),
                          notes=tuple([*area.notes, *notes]))



OWN_KIND = "own area"
"""The row kind of an own area in a :class:`mapkit.analysis.compare.Comparison`."""


def with_own_area(comparison: Comparison, profile: OwnAreaProfile) -> Comparison:
    """``comparison`` with a row for the own area under each indicator's compared areas: its figure where the
    profile computes that indicator (ranked among England's areas of the comparison's level), else empty with the
    reason."""
    measured = profile.measures.set_index("indicator")
    plural = registry().boundary(comparison.level).plural
    rows = []
    for indicator, group in comparison.table.groupby("indicator", sort=False):
        spec = registry().indicator(str(indicator))
        areas = group[group["kind"] == "area"]
        if indicator in measured.index:
            value = float(measured.at[indicator, "value"])
            rank, n = rank_among(spec, value, comparison.level)
            note = f"Computed for your own area: {measured.at[indicator, 'method']} Ranked among England's {plural}."
        else:
            value, rank, n = math.nan, None, None
            note = ("Not computed for your own area: only LSOA figures that sum over an area (IoD domain scores, "
                    "Census 2021 rates and residents) are.")
        own = {"indicator": indicator, "label": spec.label, "unit": spec.unit, "period": spec.period,
               "source": _source(spec), "kind": OWN_KIND, "code": profile.area.code, "name": profile.area.name,
               "value": value, "value_text": spec.format_value(None if not math.isfinite(value) else value),
               "rank_england": pd.NA if rank is None else rank, "n_england": pd.NA if n is None else n,
               "decile": pd.NA, "note": note}
        rows.append(pd.concat([areas, pd.DataFrame([own], columns=comparison.table.columns),
                               group[group["kind"] != "area"]], ignore_index=True))
    table = pd.concat(rows, ignore_index=True) if rows else comparison.table
    for column in ("rank_england", "n_england", "decile"):
        table[column] = table[column].astype("Int64")
    return dataclasses.replace(comparison, table=table)
