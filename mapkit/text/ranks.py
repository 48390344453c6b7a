"""How ranks, deciles and colours read: one wording per indicator, composed here and nowhere else.

Rank 1 and decile 1 are the same end everywhere (the convention of :mod:`mapkit.analysis.ranking`). How that end is
named depends on the indicator, never on the page: "1 = most deprived" for the Indices of Deprivation (MHCLG's own
words), else the value it holds, "1 = highest" (higher is worse, or a size) or "1 = lowest" (higher is better).
Neutral indicators (sizes, such as population) are never called worse or better.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from mapkit.specs.registry import registry

DEPRIVATION_SOURCES: frozenset[str] = frozenset({"iod2025"})
"""Sources whose rank 1 reads "most deprived" (the Indices of Deprivation)."""
VALUE_WORDS: dict[str, tuple[str, str]] = {"worse": ("highest", "lowest"), "better": ("lowest", "highest"),
                                           "neutral": ("highest", "lowest")}
"""Per ``higher_is``: the value at rank 1 and at the other end."""
RANK_HINT: dict[str, str] = {"worse": "1 = highest", "better": "1 = lowest", "neutral": "1 = highest"}
"""What rank 1 is, in values, per ``higher_is`` (for an indicator use :func:`rank_hint`)."""
RANK_ONE: dict[str, str] = {"worse": "worst", "better": "worst", "neutral": "highest"}
"""Kept for the app until its rank wording moves to :func:`rank_one` (issue 26, phase B)."""
DARKER: dict[str, str] = {"worse": "Darker = higher = worse", "better": "Darker = lower = worse",
                          "neutral": "Darker = higher"}
"""The legend's colour key per ``higher_is`` (neutral: a size, not better or worse)."""


class Ranked(Protocol):
    """What the wording needs of an indicator (an :class:`mapkit.specs.registry.IndicatorSpec`)."""

    source: str
    higher_is: str


def is_deprivation(spec: Ranked) -> bool:
    """True for an Indices of Deprivation measure, whose rank 1 is "most deprived"."""
    return spec.source in DEPRIVATION_SOURCES and spec.higher_is == "worse"


def rank_ends(spec: Ranked) -> tuple[str, str]:
    """How the two ends of an indicator read: ("most deprived", "least deprived") or e.g. ("highest", "lowest")."""
    if is_deprivation(spec):
        return "most deprived", "least deprived"
    return VALUE_WORDS[spec.higher_is]


def rank_one(spec: Ranked) -> str:
    """What rank 1 and decile 1 are: "most deprived", "highest" or "lowest"."""
    return rank_ends(spec)[0]


def rank_hint(spec: Ranked) -> str:
    """"1 = most deprived", "1 = highest" or "1 = lowest"."""
    return f"1 = {rank_one(spec)}"


def decile_hint(spec: Ranked, plural: str) -> str:
    """"1 = most deprived 10% of wards in England"."""
    return f"1 = {rank_one(spec)} 10% of {plural} in England"


def rank_rule(spec: Ranked, plural: str = "areas") -> str:
    """The rank and decile convention of one indicator, as a sentence for a table's notes or a key."""
    size = " (a size, not a performance measure)" if spec.higher_is == "neutral" else ""
    return (f"Rank 1 = {rank_one(spec)}; decile 1 = the {rank_one(spec)} 10% of England's {plural}{size}.")


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
    """What 100 and 0 mean on a position chart of a profile's rows (columns ``indicator``, ``label``; 100 = rank 1
    in England): "100 = most deprived, 0 = least deprived", or per group of indicators where their ends differ."""
    groups: dict[tuple[str, str], list[str]] = {}
    for indicator, label in zip(table["indicator"], table["label"]):
        groups.setdefault(rank_ends(registry().indicator(indicator)), []).append(str(label))
    if len(groups) == 1:
        (top, bottom), = groups
        return f"100 = {top}, 0 = {bottom}"
    return "; ".join(f"100 = {top} for {', '.join(names)}" for (top, _), names in groups.items())
