"""LSOA -> ward / district / combined authority aggregation, following MHCLG's IoD summary measures.

MHCLG summarises the Indices of Deprivation for larger areas with population-weighted measures (IoD technical
report, "summary measures for higher-level geographies"). In MHCLG's average rank and local concentration the
LSOA ranks are inverted first (:func:`deprivation_rank`), so a higher summary means more deprived. The same
functions serve wards, districts and combined authorities, and Census counts, which are summed exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "deprivation_rank",
    "weighted_mean",
    "share_in_deciles",
    "extent",
    "local_concentration",
    "sum_counts",
    "extent_weight",
]


def deprivation_rank(rank: pd.Series, n_national: int) -> pd.Series:
    """MHCLG's inverted LSOA rank for summaries: ``n_national + 1 - rank``, so the most deprived LSOA counts highest.

    Parameters
    ----------
    rank : pandas.Series
        Published national ranks, 1 = most deprived.
    n_national : int
        Number of LSOAs ranked nationally (33,755 for IoD2025).
    """
    return n_national + 1 - rank.astype(float)


def weighted_mean(frame: pd.DataFrame, *, value: str, weight: str, by: str) -> pd.DataFrame:
    """Population-weighted mean of ``value`` per group, with the weight total as denominator."""
    work = frame[[by, value, weight]].dropna()
    grouped = (work[value] * work[weight]).groupby(work[by]).sum()
    total = work[weight].groupby(work[by]).sum()
    return pd.DataFrame({"value": grouped / total, "denominator": total}).reset_index(names="code")


def share_in_deciles(frame: pd.DataFrame, *, decile: str, max_decile: int, by: str) -> pd.DataFrame:
    """Proportion of a group's LSOAs whose national decile is ``max_decile`` or more deprived."""
    work = frame[[by, decile]].dropna()
    hit = (work[decile] <= max_decile).groupby(work[by]).sum()
    count = work[decile].groupby(work[by]).size()
    return pd.DataFrame({"value": hit / count, "numerator": hit, "denominator": count}).reset_index(names="code")


def extent_weight(rank: pd.Series, n_national: int) -> pd.Series:
    """MHCLG's extent weight for an LSOA from its national rank (1 = most deprived).

    The most deprived 10% count in full; percentiles 11 to 30 count from 0.95 down to 0.05 in nineteen equal
    steps; the rest count zero.
    """
    percentile = np.ceil(rank.astype(float) * 100.0 / n_national)
    weight = np.where(percentile <= 10, 1.0, 0.0)
    sliding = (percentile >= 11) & (percentile <= 30)
    weight = np.where(sliding, 0.95 - (0.9 / 19.0) * (percentile - 11), weight)
    return pd.Series(weight, index=rank.index)


def extent(frame: pd.DataFrame, *, rank: str, weight: str, by: str, n_national: int) -> pd.DataFrame:
    """Share of a group's population living in the most deprived LSOAs nationally (MHCLG "extent")."""
    work = frame[[by, rank, weight]].dropna()
    counted = extent_weight(work[rank], n_national) * work[weight]
    numerator = counted.groupby(work[by]).sum()
    total = work[weight].groupby(work[by]).sum()
    return pd.DataFrame({"value": numerator / total, "numerator": numerator, "denominator": total}).reset_index(
        names="code")


def local_concentration(frame: pd.DataFrame, *, rank: str, weight: str, by: str) -> pd.DataFrame:
    """Population-weighted mean of the inverted ranks of a group's most deprived LSOAs holding exactly 10% of its
    population (MHCLG "local concentration"; higher = more deprived).

    ``rank`` holds inverted ranks (:func:`deprivation_rank`, highest = most deprived). LSOAs are taken from the most
    deprived; the last one counts only for the share of its population needed to reach 10%.
    """
    work = frame[[by, rank, weight]].dropna().sort_values([by, rank], ascending=[True, False], kind="mergesort")
    total = work.groupby(by)[weight].transform("sum")
    target = total * 0.10
    before = work.groupby(by)[weight].cumsum() - work[weight]
    used = np.clip(target - before, 0.0, work[weight])
    num = (used * work[rank]).groupby(work[by]).sum()
    den = used.groupby(work[by]).sum()
    return pd.DataFrame({"value": num / den, "denominator": den}).reset_index(names="code")


def sum_counts(frame: pd.DataFrame, *, numerator: str, denominator: str | None, by: str) -> pd.DataFrame:
    """Exact sums of additive counts per group, and their ratio when a denominator is given."""
    cols = [numerator] + ([denominator] if denominator else [])
    work = frame[[by, *cols]].dropna()
    num = work[numerator].groupby(work[by]).sum()
    out = pd.DataFrame({"numerator": num})
    if denominator:
        den = work[denominator].groupby(work[by]).sum()
        out["denominator"] = den
        out["value"] = (num / den).where(den > 0)
    else:
        out["value"] = num.astype(float)
    return out.reset_index(names="code")
