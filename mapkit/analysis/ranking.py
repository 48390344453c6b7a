"""Ranks and deciles, computed with one convention everywhere: rank 1 and decile 1 are the worst areas
(:mod:`mapkit.text.ranks` says how they read)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def rank_worst_first(values: pd.Series, higher_is: str) -> pd.Series:
    """Competition ranks (ties share the best rank), 1 = worst; missing values stay missing."""
    ascending = higher_is == "better"
    return values.rank(method="min", ascending=ascending, na_option="keep").astype("Int64")


def rank_in_region(values: pd.Series, national: pd.Series | None, higher_is: str) -> pd.Series:
    """Ranks of a region's areas, 1 = worst, in the order of their ranks in England where every area with a
    value has one (the publisher's ranks: MHCLG ranks File 10 districts on unrounded figures, so areas whose
    published, rounded values tie keep MHCLG's order, and with England as the region the two ranks agree); else
    competition ranks of the values (:func:`rank_worst_first`). Missing values stay missing.
    """
    valued = pd.to_numeric(values, errors="coerce").notna()
    if national is not None and valued.any():
        ranks = pd.to_numeric(national, errors="coerce").astype("Float64")
        if ranks[valued].notna().all():
            return ranks.where(valued).rank(method="min", na_option="keep").astype("Int64")
    return rank_worst_first(pd.to_numeric(values, errors="coerce"), higher_is)


def decile_from_rank(rank: pd.Series, n: int) -> pd.Series:
    """National decile from a rank among ``n`` areas: 1 = worst 10%, 10 = best 10%."""
    dec = np.ceil(rank.astype("Float64") * 10.0 / max(n, 1))
    return dec.clip(1, 10).astype("Int64")
