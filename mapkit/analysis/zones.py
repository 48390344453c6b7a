"""Who lives in a zone: residents of the wards a zone or corridor covers, by IoD2025 national IMD decile.

A zone is the dissolved union of May 2024 wards (``layers/overlays/*.geojson``, built by ``build-overlays``).
LSOAs (2021) do not always nest in wards (2024), so each LSOA is counted by one rule:

- **whole** when its ONS best-fit ward is one of the zone's wards and at least :data:`NEST_SHARE` of its area
  lies inside the zone (it nests, up to the generalisation of the two boundary sets);
- **apportioned** by the share of its area inside the zone otherwise (it straddles the zone's edge), residents
  assumed spread evenly over the LSOA;
- **left out** when under :data:`SLIVER_SHARE` of it lies inside and its best-fit ward is outside the zone (a
  sliver from drawing neighbouring boundaries at different generalisations, 25 m and 40 m).

The result says how many residents were counted each way, and compares the zone with its combined authority and
England (shares of residents by decile, same LSOA figures).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mapkit.errors import ParameterError
from mapkit.data.io import BNG, WGS84
from mapkit.data.products import ENGLAND, load_boundaries
from mapkit.analysis.nearby import lsoa_population
from mapkit.analysis.tables import ranking_table

__all__ = ["METHOD", "NEST_SHARE", "SLIVER_SHARE", "ZoneResidents", "comparison", "residents_by_decile",
           "residents_in_zone", "zone_lsoas", "zone_wards"]

NEST_SHARE = 0.9
SLIVER_SHARE = 0.02
DECILES = tuple(range(1, 11))
MOST_DEPRIVED = (1, 2)
METHOD = (f"Residents of the zone's wards: LSOAs whose ONS best-fit ward is in the zone and that lie at least "
          f"{NEST_SHARE:.0%} inside it are counted whole; LSOAs straddling the zone's edge are apportioned by the "
          f"share of their area inside it; slivers under {SLIVER_SHARE:.0%} of an LSOA outside the zone's wards are "
          "left out. Population = Census 2021 usual residents; deciles = IoD2025 IMD national deciles "
          "(1 = most deprived 10% of LSOAs in England).")


def lsoa_table() -> gpd.GeoDataFrame:
    """Every LSOA (BNG) with its best-fit ward, combined authority, IMD decile and population: the one table
    :func:`mapkit.analysis.nearby.lsoa_population` loads once for every place."""
    return lsoa_population()


def zone_lsoas(zone: BaseGeometry, ward_codes: Sequence[str], *, crs: str = WGS84,
               lsoas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The LSOAs that count towards a zone: ``code``, ``decile``, ``population``, ``inside`` (area share),
    ``weight`` (1 whole, the share when apportioned) and ``how`` ("whole" or "apportioned")."""
    codes = set(ward_codes)
    if not codes:
        raise ParameterError("A zone needs at least one ward code.")
    frame = lsoa_table() if lsoas is None else lsoas
    if frame.crs is None or frame.crs.to_epsg() != 27700:
        frame = frame.to_crs(BNG)
    (shape,) = gpd.GeoSeries([zone], crs=crs).to_crs(BNG)
    hits = frame.iloc[frame.sindex.query(shape, predicate="intersects")]
    geoms = hits.geometry.to_numpy()
    whole_area = shapely.area(geoms)
    inside = np.divide(shapely.area(shapely.intersection(geoms, shape)), whole_area,
                       out=np.zeros(len(geoms)), where=whole_area > 0)
    best_fit = hits["ward_code"].isin(codes).to_numpy()
    nests = best_fit & (inside >= NEST_SHARE)
    sliver = ~best_fit & (inside < SLIVER_SHARE)
    keep = ~sliver & (inside > 0)
    out = pd.DataFrame({"code": hits["code"].to_numpy(), "decile": hits["decile"].to_numpy(),
                        "population": hits["population"].to_numpy(dtype=float), "inside": inside,
                        "weight": np.where(nests, 1.0, inside), "how": np.where(nests, "whole", "apportioned")})
    return out[keep].sort_values("code", kind="stable").reset_index(drop=True)


def residents_by_decile(members: pd.DataFrame) -> pd.DataFrame:
    """``decile``, ``population`` and ``share`` (of all residents counted) from LSOA rows with ``weight``."""
    weight = members["weight"] if "weight" in members.columns else 1.0
    people = members["population"].to_numpy(dtype=float) * np.asarray(weight, dtype=float)
    by = pd.Series(people).groupby(members["decile"].to_numpy()).sum().reindex(DECILES, fill_value=0.0)
    total = float(by.sum())
    return pd.DataFrame({"decile": DECILES, "population": by.to_numpy(dtype=float),
                         "share": by.to_numpy(dtype=float) / total if total > 0 else np.zeros(len(DECILES))})


@dataclasses.dataclass(frozen=True)
class ZoneResidents:
    """Residents of a zone by decile, how they were counted, and the LSOAs behind the figures."""

    name: str
    table: pd.DataFrame
    members: pd.DataFrame
    ward_count: int
    approximate: bool

    @property
    def total_population(self) -> float:
        return float(self.table["population"].sum())

    @property
    def whole_population(self) -> float:
        rows = self.members[self.members["how"] == "whole"]
        return float((rows["population"] * rows["weight"]).sum())

    @property
    def apportioned_population(self) -> float:
        return self.total_population - self.whole_population

    @property
    def most_deprived_share(self) -> float | None:
        total = self.total_population
        if total <= 0:
            return None
        return float(self.table.loc[self.table["decile"].isin(MOST_DEPRIVED), "population"].sum() / total)

    def sentence(self) -> str:
        share = self.most_deprived_share
        wards = f"{self.ward_count} ward{'s' if self.ward_count != 1 else ''}"
        if share is None:
            return f"No residents found in the {wards} of this zone."
        whole = (self.members["how"] == "whole").sum()
        part = len(self.members) - whole
        counted = (f"{whole} LSOAs counted whole" + (f", {part} apportioned by area (about "
                                                      f"{_people(self.apportioned_population)} residents)"
                                                      if part else ""))
        approx = " The ward list only approximates the zone." if self.approximate else ""
        return (f"About {_people(self.total_population)} residents live in its {wards}; {_percent(share)} of them "
                f"live in the most deprived 20% of England ({counted}).{approx}")


def _people(value: float) -> str:
    return f"{round(value, -1):,.0f}" if value >= 10 else f"{value:,.0f}"


def _percent(share: float) -> str:
    return "under 1%" if 0 < share < 0.005 else f"{share:.0%}"


def residents_in_zone(props: dict, geometry: BaseGeometry, *, crs: str = WGS84,
                      lsoas: gpd.GeoDataFrame | None = None) -> ZoneResidents:
    """Residents of a zone feature (its properties carry ``ward_codes``; geometry the dissolved wards)."""
    codes = list(props.get("ward_codes") or [])
    members = zone_lsoas(geometry, codes, crs=crs, lsoas=lsoas)
    return ZoneResidents(name=str(props.get("name", "")), table=residents_by_decile(members), members=members,
                         ward_count=len(codes), approximate=props.get("ward_codes_approximate") is True)


def comparison(result: pd.DataFrame, ca_code: str | None, *, lsoas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Share of residents by decile: the zone (or buffer) beside its combined authority and England."""
    frame = lsoa_table() if lsoas is None else lsoas
    columns = {"decile": list(DECILES), "here": result["share"].to_numpy()}
    if ca_code:
        columns["combined authority"] = residents_by_decile(frame[frame["ca_code"] == ca_code])["share"].to_numpy()
    columns["England"] = residents_by_decile(frame)["share"].to_numpy()
    return pd.DataFrame(columns)


def zone_wards(ward_codes: Sequence[str], indicator_id: str) -> pd.DataFrame:
    """A zone's wards in rank order on an indicator published for wards (rank 1 = worst in England; no figure
    last): ``code, name, district, value, rank_in_england, n_england, decile_in_england, note``. A ward code the
    shipped boundaries do not know is listed with no figure and says so."""
    codes = list(dict.fromkeys(ward_codes))
    ranked = ranking_table(indicator_id, "ward", ENGLAND).set_index("code")
    districts = load_boundaries("ward").set_index("code")["lad_name"]
    rows = ranked.reindex(codes).assign(district=districts.reindex(codes))
    missing = rows["name"].isna()
    rows.loc[missing, "note"] = "Not one of the May 2024 wards in the shipped boundaries."
    rows = rows.rename_axis("code").reset_index()
    rows = rows.sort_values(["rank_in_england", "name"], na_position="last", kind="stable")
    return rows[["code", "name", "district", "value", "rank_in_england", "n_england", "decile_in_england",
                 "note"]].reset_index(drop=True)
