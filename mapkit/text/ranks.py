"""How ranks, deciles and colours read, per ``higher_is``: one convention everywhere, rank 1 and decile 1 = worst.

"Worst" follows the indicator's ``higher_is`` flag: the highest value where higher is worse, the lowest where
higher is better. This matches MHCLG's "1 = most deprived". Neutral indicators (sizes, such as population) are
ranked 1 = highest and are never called worse or better: the wording below is the one place that says so.
"""

from __future__ import annotations

import pandas as pd

from mapkit.specs.registry import registry

RANK_HINT: dict[str, str] = {"worse": "1 = highest", "better": "1 = lowest", "neutral": "1 = highest"}
"""What rank 1 is, in values, per ``higher_is``."""
RANK_ONE: dict[str, str] = {"worse": "worst", "better": "worst", "neutral": "highest"}
"""How rank 1 and decile 1 read per ``higher_is``: "Rank 1 = worst", "decile 1 = highest 10%"."""
DARKER: dict[str, str] = {"worse": "Darker = higher = worse", "better": "Darker = lower = worse",
                          "neutral": "Darker = higher"}
"""The legend's colour key per ``higher_is`` (neutral: a size, not better or worse)."""



def rank_rule(higher_is: str) -> str:
    """The rank and decile convention of one indicator, for a table key or a CSV header."""
    if higher_is == "neutral":
        return "rank 1 = highest; decile 1 = highest 10% of England (a size, not a performance measure)"
    return "rank 1 = worst (most deprived, or lowest where higher is better); decile 1 = worst 10% of England"


DIVERGING_KEY: dict[str, str] = {
    "worse": "warm (red or orange) = higher than the middle = worse; cool (blue or purple) = lower = better",
    "better": "cool (blue or purple) = higher than the middle = better; warm (red or orange) = lower = worse",
    "neutral": "warm (orange or red) = higher than the middle; cool (purple or blue) = lower",
}
"""How a change map's diverging colours read either side of its middle (no change, or England's change)."""


def colour_key(higher_is: str, centre_label: str = "") -> str:
    """The legend's line on how colours read: darker = worse, or for a change map, either side of its middle."""
    if centre_label:
        return f"Middle colour = {centre_label}; {DIVERGING_KEY[higher_is]}"
    return DARKER[higher_is]


def rank_text(rank: object, n: object) -> str:
    """"12 of 6,784", or "" when either is missing."""
    return "" if pd.isna(rank) or pd.isna(n) else f"{int(rank):,} of {int(n):,}"


def neutral_labels(table: pd.DataFrame) -> list[str]:
    """Labels of the neutral (size) indicators among a profile's rows (columns ``indicator``, ``label``)."""
    specs = registry()
    return [label for ind, label in zip(table["indicator"], table["label"])
            if specs.indicator(ind).higher_is == "neutral"]


def neutral_key(table: pd.DataFrame) -> str:
    """The exception to "rank 1 = worst" for the neutral indicators of a profile table ("" when there are none)."""
    labels = neutral_labels(table)
    return f"; for {', '.join(labels)} (sizes, not performance measures) rank 1 = highest" if labels else ""


def position_key(table: pd.DataFrame) -> str:
    """What 100 and 0 mean on the profile's position chart."""
    labels = neutral_labels(table)
    if len(labels) == len(table):
        return "100 = highest, 0 = lowest"
    key = "100 = worst, 0 = best"
    return f"{key}; for {', '.join(labels)}: 100 = highest" if labels else key
