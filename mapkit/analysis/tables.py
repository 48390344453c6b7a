"""Tabular views of an indicator for a region: the ranking table and its CSV with a source header."""

from __future__ import annotations

import pandas as pd

from mapkit.text.csvsafe import csv_text
from mapkit.data.products import ENGLAND, load_indicator, region_name
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.analysis.ranking import rank_worst_first
from mapkit.text.ranks import rank_rule
from mapkit.text.wording import source_lines

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
    frame["rank_in_region"] = rank_worst_first(frame["value"], spec.higher_is)
    frame = frame.rename(columns={"rank": "rank_in_england", "n_ranked": "n_england",
                                  "decile": "decile_in_england"})
    return frame.sort_values(["rank_in_region", "name"], na_position="last")[TABLE_COLUMNS].reset_index(drop=True)


def value_heading(spec: IndicatorSpec) -> str:
    """The heading of an indicator's value column: label and unit, e.g. "Bad or very bad health (% of people)"."""
    return f"{spec.label} ({spec.unit})"


def indicator_csv(indicator_id: str, level: str, region: str = ENGLAND, *, source_header: bool = False) -> str:
    """CSV text with columns ``code,name,<label (unit)>,...,source,period``.

    The value column is headed with the indicator's label and unit (e.g. "Bad or very bad health (% of people)"),
    so a figure never appears without what it measures.

    With ``source_header`` (downloads and exports) the table is preceded by ``#`` lines naming the region,
    source, vintage and licence, so a file pasted into a briefing keeps its provenance.
    """
    spec = registry().indicator(indicator_id)
    source = registry().sources[spec.source]
    table = ranking_table(indicator_id, level, region).assign(
        source=f"{source.publisher}, {source.title}", period=spec.period).rename(columns={"value": value_heading(spec)})
    header: list[str] = []
    if source_header:
        header = [f"# {region_name(region)}: {registry().boundary(level).plural}, {spec.label}",
                  *(f"# {line}" for line in source_lines(indicator_id)),
                  f"# {rank_rule(spec.higher_is)}"]
    return csv_text(table, header_lines=[line + "\n" for line in header])
