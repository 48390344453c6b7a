"""Tabular views of an indicator for a region: the ranking table (its files: :mod:`mapkit.export.tidy`)."""

from __future__ import annotations

import pandas as pd

from mapkit.data.products import ENGLAND, load_indicator
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.analysis.ranking import rank_in_region

TABLE_COLUMNS = ["code", "name", "value", "rank_in_region", "rank_in_england", "n_england", "decile_in_england",
                 "numerator", "denominator", "note"]


def ranking_table(indicator_id: str, level: str, region: str = ENGLAND) -> pd.DataFrame:
    """Areas of ``region`` with value, rank within the region and in England, and decile (1 = worst; for neutral
    indicators 1 = highest)."""
    return ranked_rows(load_indicator(indicator_id, level, region), registry().indicator(indicator_id))


def ranked_rows(frame: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    """:func:`ranking_table` of rows already loaded (``load_indicator``, or the ``frame`` of a prepared map showing
    the indicator's own figures, so a page that drew the map does not load them again)."""
    frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    frame["rank_in_region"] = rank_in_region(frame["value"], frame["rank"], spec.higher_is)
    frame = frame.rename(columns={"rank": "rank_in_england", "n_ranked": "n_england",
                                  "decile": "decile_in_england"})
    return frame.sort_values(["rank_in_region", "name"], na_position="last")[TABLE_COLUMNS].reset_index(drop=True)


def value_heading(spec: IndicatorSpec) -> str:
    """The heading of an indicator's value column: label and unit, e.g. "Bad or very bad health (% of people)"."""
    return f"{spec.label} ({spec.unit})"
