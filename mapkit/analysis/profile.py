"""Area profile: every indicator published at an area's level, with its ranks and two honest comparisons.

The comparisons are the median of the region's areas of the same level and the median of all of England's areas
of that level (not an England total, which the data do not hold for every indicator), labelled as such. Ranks
follow the project convention: 1 = worst, and 1 = highest for neutral (size) indicators (see
:mod:`mapkit.text.ranks`).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import pandas as pd

from mapkit.data.products import ENGLAND, area_indicators, level_table, load_boundaries, region_name
from mapkit.errors import UnknownNameError
from mapkit.specs.registry import registry

PROFILE_COLUMNS = [
    "theme", "indicator", "label", "unit", "period", "source", "value", "value_text",
    "rank_england", "n_england", "rank_region", "n_region", "decile",
    "region_median", "region_median_text", "england_median", "england_median_text", "england_position", "note",
]

PARENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "ca": (),
    "lad": ("ca_name", "rgn_name"),
    "ward": ("lad_name", "ca_name"),
    "lsoa": ("ward_name", "lad_name", "ca_name"),
}
"""Parent names shown under an area's name, smallest first."""


@dataclasses.dataclass(frozen=True, eq=False)
class AreaProfile:
    """One area's profile.

    Attributes
    ----------
    code, name, level
        The area.
    parents
        Its parent areas' names, smallest first (e.g. district, combined authority).
    region, region_label
        The region the comparisons are made in.
    table
        One row per indicator, columns :data:`PROFILE_COLUMNS`; ``england_position`` is 100 for the worst area in
        England and 0 for the best (for neutral indicators: 100 for the highest, 0 for the lowest).
    """

    code: str
    name: str
    level: str
    parents: tuple[str, ...]
    region: str
    region_label: str
    table: pd.DataFrame

    @property
    def level_label(self) -> str:
        return registry().boundary(self.level).label


@lru_cache(maxsize=8)
def _england_medians(level: str) -> pd.Series:
    return level_table(level).groupby("indicator")["value"].median()


@dataclasses.dataclass(frozen=True, eq=False)
class _RegionValues:
    """Every indicator's values over the areas of a level in a region, as arrays (made once per region): ranking an
    area among them is then a comparison of two float arrays, not a join of the table's rows."""

    indicators: pd.Index
    codes: np.ndarray
    values: np.ndarray
    medians: pd.Series


@lru_cache(maxsize=16)
def _region_values(level: str, region: str) -> _RegionValues:
    table = level_table(level)
    if region != ENGLAND:
        table = table[table["code"].isin(load_boundaries(level, region)["code"])]
    codes, indicators = pd.factorize(table["indicator"])
    values = table["value"].to_numpy(dtype=float, na_value=np.nan)
    medians = pd.Series(values).groupby(codes).median()
    return _RegionValues(indicators=pd.Index(indicators), codes=codes, values=values,
                         medians=pd.Series(medians.to_numpy(), index=indicators[medians.index]))


def _region_ranks(level: str, region: str, own: pd.Series, better: set[str]) -> tuple[pd.Series, pd.Series]:
    """For each indicator of ``own`` (the area's values): its rank among the region's areas (1 + the number of
    areas worse than it) and the number of areas with a value."""
    found = _region_values(level, region)
    mine = own.reindex(found.indicators).to_numpy(dtype=float, na_value=np.nan)[found.codes]
    higher_better = found.indicators.isin(list(better))[found.codes]
    worse = np.where(higher_better, found.values < mine, found.values > mine)
    n = len(found.indicators)
    rank = np.bincount(found.codes, weights=worse, minlength=n) + 1
    counted = np.bincount(found.codes, weights=~np.isnan(found.values), minlength=n)
    return pd.Series(rank, index=found.indicators), pd.Series(counted, index=found.indicators)


def _fmt(spec_format, value: float) -> str:
    return spec_format(None if pd.isna(value) else float(value))


def area_profile(code: str, level: str, region: str = ENGLAND) -> AreaProfile:
    """The profile of area ``code`` (of ``level``) compared with its ``region`` and England.

    Raises
    ------
    UnknownNameError
        If the area is not one of the areas of ``level`` in ``region``.
    """
    shapes = load_boundaries(level, region)
    match = shapes[shapes["code"] == code]
    label = region_name(region)
    if match.empty:
        raise UnknownNameError(f"Area {code!r} is not one of the {registry().boundary(level).plural} of {label}: "
                               "choose an area on the map.")
    row = match.iloc[0]
    parents = tuple(str(row[c]) for c in PARENT_COLUMNS[level] if c in row.index and pd.notna(row[c]) and str(row[c]))
    specs = [s for s in registry().indicators.values() if level in s.levels]
    mine = area_indicators(code, level).set_index("indicator")
    region_rank, region_n = _region_ranks(level, region, mine["value"],
                                          {s.id for s in specs if s.higher_is == "better"})
    region_median = _region_values(level, region).medians
    england_median = _england_medians(level)
    sources = registry().sources
    rows = []
    for spec in specs:
        if spec.id not in mine.index:
            continue
        area = mine.loc[spec.id]
        value = area["value"]
        has_value = pd.notna(value)
        rank = area["rank"]
        n_ranked = area["n_ranked"]
        position = (100.0 * (n_ranked - rank) / (n_ranked - 1)
                    if has_value and pd.notna(rank) and n_ranked and n_ranked > 1 else np.nan)
        rows.append({
            "theme": spec.theme, "indicator": spec.id, "label": spec.label, "unit": spec.unit,
            "period": spec.period, "source": f"{sources[spec.source].publisher}, {sources[spec.source].title}",
            "value": value, "value_text": spec.format_value(None if not has_value else float(value)),
            "rank_england": rank if has_value else pd.NA, "n_england": n_ranked,
            "rank_region": int(region_rank.get(spec.id)) if has_value else pd.NA,
            "n_region": int(region_n.get(spec.id, 0)),
            "decile": area["decile"] if has_value else pd.NA,
            "region_median": region_median.get(spec.id, np.nan),
            "region_median_text": _fmt(spec.format_value, region_median.get(spec.id, np.nan)),
            "england_median": england_median.get(spec.id, np.nan),
            "england_median_text": _fmt(spec.format_value, england_median.get(spec.id, np.nan)),
            "england_position": position,
            "note": "" if pd.isna(area["note"]) else str(area["note"]),
        })
    table = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    for column in ("rank_england", "n_england", "rank_region", "n_region", "decile"):
        table[column] = table[column].astype("Int64")
    return AreaProfile(code=code, name=str(row["name"]), level=level, parents=parents, region=region,
                       region_label=label, table=table)
