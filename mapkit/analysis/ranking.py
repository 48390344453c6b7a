"""Ranks and deciles, computed with one convention everywhere: rank 1 and decile 1 are the worst areas
(:mod:`mapkit.text.ranks` says how they read)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def rank_worst_first(values: pd.Series, higher_is: str) -> pd.Series:
    """Competition ranks (ties share the best rank), 1 = worst; missing values stay missing."""
    ascending = higher_is == "better"
    return values.rank(method="min", ascending=ascending, na_option="keep").astype("Int64")


def decile_from_rank(rank: pd.Series, n: int) -> pd.Series:
    """National decile from a rank among ``n`` areas: 1 = worst 10%, 10 = best 10%."""
    dec = np.ceil(rank.astype("Float64") * 10.0 / max(n, 1))
    return dec.clip(1, 10).astype("Int64")
