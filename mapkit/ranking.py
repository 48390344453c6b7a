"""Ranks and deciles with one convention everywhere: rank 1 and decile 1 are the worst areas.

"Worst" follows the indicator's ``higher_is`` flag: the highest value where higher is worse, the lowest where
higher is better. This matches MHCLG's "1 = most deprived". Neutral indicators (sizes, such as population) are
ranked 1 = highest and are never called worse or better: the wording below is the one place that says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


RANK_HINT: dict[str, str] = {"worse": "1 = highest", "better": "1 = lowest", "neutral": "1 = highest"}
"""What rank 1 is, in values, per ``higher_is``."""
RANK_ONE: dict[str, str] = {"worse": "worst", "better": "worst", "neutral": "highest"}
"""How rank 1 and decile 1 read per ``higher_is``: "Rank 1 = worst", "decile 1 = highest 10%"."""
DARKER: dict[str, str] = {"worse": "Darker = higher = worse", "better": "Darker = lower = worse",
                          "neutral": "Darker = higher"}
"""The legend's colour key per ``higher_is`` (neutral: a size, not better or worse)."""
DIVERGING_KEY: dict[str, str] = {
    "worse": "Warm colours = rise = worse; cool = fall = better; pale = no change",
    "better": "Warm colours = fall = worse; cool = rise = better; pale = no change",
    "neutral": "Warm colours = rise; cool = fall; pale = no change",
}
"""The legend's colour key for a change drawn on a diverging ramp centred on no change (its worse end is warm)."""


def colour_key(higher_is: str, diverging: bool = False) -> str:
    """The legend's colour key: :data:`DIVERGING_KEY` for a change on a diverging ramp, else :data:`DARKER`."""
    return DIVERGING_KEY[higher_is] if diverging else DARKER[higher_is]


def rank_rule(higher_is: str) -> str:
    """The rank and decile convention of one indicator, for a table key or a CSV header."""
    if higher_is == "neutral":
        return "rank 1 = highest; decile 1 = highest 10% of England (a size, not a performance measure)"
    return "rank 1 = worst (most deprived, or lowest where higher is better); decile 1 = worst 10% of England"


def rank_worst_first(values: pd.Series, higher_is: str) -> pd.Series:
    """Competition ranks (ties share the best rank), 1 = worst; missing values stay missing."""
    ascending = higher_is == "better"
    return values.rank(method="min", ascending=ascending, na_option="keep").astype("Int64")


def decile_from_rank(rank: pd.Series, n: int) -> pd.Series:
    """National decile from a rank among ``n`` areas: 1 = worst 10%, 10 = best 10%."""
    dec = np.ceil(rank.astype("Float64") * 10.0 / max(n, 1))
    return dec.clip(1, 10).astype("Int64")
