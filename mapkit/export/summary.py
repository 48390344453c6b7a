"""A short plain-English summary of a map, every sentence assembled from values computed here.

The sentences count the areas in the worst and best national deciles, name the two extreme areas with their
values and national ranks, compare the median with England's, and say how many areas have no figure. Nothing is
written that the data do not show: a sentence whose inputs are missing (e.g. no national deciles) is left out.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from mapkit.web.encode import PARENT_NAME_COLUMN
from mapkit.data.products import ENGLAND, indicator_table
from mapkit.analysis.map_data import MapData
from mapkit.export.wording import VALUE_WORDS, in_sentence, place, plural, singular, worst_best
from mapkit.specs.registry import IndicatorSpec
from mapkit.analysis.ranking import rank_worst_first
from mapkit.text import ranks

@dataclasses.dataclass(frozen=True)
class SummaryContext:
    """Wording and national figures a summary needs beyond the areas themselves.

    Attributes
    ----------
    place
        The region inside a sentence ("the West Midlands combined authority area").
    singular, plural
        One area and several ("ward", "wards").
    worst, best
        How the ends read ("most deprived", "least deprived"; or "highest", "lowest").
    rank_hint
        What rank 1 means ("1 = most deprived").
    england_median, n_england
        Median value and number of areas with a figure across England (``None`` to leave the comparison out).
    """

    place: str
    singular: str
    plural: str
    worst: str
    best: str
    rank_hint: str
    england_median: float | None = None
    n_england: int | None = None


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 6,345th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _count(n: int) -> str:
    return "none" if n == 0 else f"{n:,}"


def _area(row: pd.Series, show_parent: bool) -> str:
    parent = row.get("parent")
    if show_parent and isinstance(parent, str) and parent:
        return f"{row['name']} ({parent})"
    return str(row["name"])


def decile_sentence(frame: pd.DataFrame, spec: IndicatorSpec, ctx: SummaryContext) -> str | None:
    """How many areas are in national decile 1 and in decile 10."""
    deciles = pd.to_numeric(frame["decile"], errors="coerce").dropna()
    n = len(deciles)
    if n < 2:
        return None
    worst, best = int((deciles == 1).sum()), int((deciles == 10).sum())
    of = f"{worst:,} of {n:,}" if n == len(frame) else f"{worst:,} of the {n:,}"
    with_figure = "" if n == len(frame) else " with a figure"
    return (f"{of} {ctx.plural}{with_figure} in {ctx.place} {_be(worst)} among the {ctx.worst} 10% of "
            f"{ctx.plural} in England by {in_sentence(spec.label)}, and {_count(best)} {_be(best)} among the "
            f"{ctx.best} 10%.")


def extremes_sentence(frame: pd.DataFrame, spec: IndicatorSpec, ctx: SummaryContext) -> str | None:
    """The worst and the best area with their values and national ranks."""
    values = pd.to_numeric(frame["value"], errors="coerce")
    ranked = frame.assign(_rank=rank_worst_first(values, spec.higher_is)).dropna(subset=["_rank"])
    if len(ranked) < 2:
        return None
    ranked = ranked.sort_values(["_rank", "name"], kind="stable")
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    parents = frame["parent"].dropna().unique() if "parent" in frame else []
    show_parent = len(parents) > 1
    high, low = VALUE_WORDS[spec.higher_is]

    def national(row: pd.Series) -> str:
        if pd.isna(row.get("rank")) or pd.isna(row.get("n_ranked")):
            return ""
        return f"; ranked {ordinal(int(row['rank']))} of {int(row['n_ranked']):,} {ctx.plural} in England"

    label = in_sentence(spec.label)
    return (f"{_area(top, show_parent)} has the {high} {label} in {ctx.place} "
            f"({spec.format_value(float(top['value']))}{national(top)}, {ctx.rank_hint}), and "
            f"{_area(bottom, show_parent)} the {low} ({spec.format_value(float(bottom['value']))}"
            f"{national(bottom)}).")


def median_sentence(frame: pd.DataFrame, spec: IndicatorSpec, ctx: SummaryContext) -> str | None:
    """The median of the areas' values, against England's median where known."""
    values = pd.to_numeric(frame["value"], errors="coerce").dropna()
    if len(values) < 2:
        return None
    label = in_sentence(spec.label)
    text = f"The median {label} across the {len(values):,} {ctx.plural} is {spec.format_value(float(values.median()))}"
    if ctx.england_median is not None and ctx.n_england:
        text += (f", against {spec.format_value(ctx.england_median)} across all {ctx.n_england:,} {ctx.plural} in "
                 "England")
    return text + "."


def missing_sentence(frame: pd.DataFrame, spec: IndicatorSpec, ctx: SummaryContext) -> str | None:
    missing = int(pd.to_numeric(frame["value"], errors="coerce").isna().sum())
    if missing == 0 or len(frame) < 2:
        return None
    return (f"{missing:,} of the {len(frame):,} {ctx.plural} {'has' if missing == 1 else 'have'} no figure and "
            f"{_be(missing)} shown as no data.")


def single_area_sentence(frame: pd.DataFrame, spec: IndicatorSpec, ctx: SummaryContext) -> str | None:
    """For a view of one area (e.g. a combined authority at its own level): its value, rank and decile."""
    if len(frame) != 1:
        return None
    row = frame.iloc[0]
    if pd.isna(row["value"]):
        return f"{row['name']} has no figure for {in_sentence(spec.label)}."
    text = f"{spec.label} for {row['name']} is {spec.format_value(float(row['value']))}"
    if pd.notna(row.get("rank")) and pd.notna(row.get("n_ranked")):
        text += f", ranked {ordinal(int(row['rank']))} of {int(row['n_ranked']):,} {ctx.plural} in England " \
                f"({ctx.rank_hint})"
    if pd.notna(row.get("decile")):
        text += f", national decile {int(row['decile'])} (decile 1 = {ctx.worst} 10%)"
    return text + "."


SENTENCES = (single_area_sentence, decile_sentence, extremes_sentence, median_sentence, missing_sentence)
"""The summary, in order; each returns ``None`` when the data cannot support it (the single-area sentence for
views of several areas, the others for a view of one)."""


def summary_sentences(frame: pd.DataFrame, spec: IndicatorSpec, ctx: SummaryContext) -> list[str]:
    """Sentences about ``frame`` (columns ``name, value, rank, n_ranked, decile`` and optionally ``parent``)."""
    return [s for s in (sentence(frame, spec, ctx) for sentence in SENTENCES) if s]


def summary_context(data: MapData) -> SummaryContext:
    """The wording and England figures of a prepared map."""
    worst, best = worst_best(data)
    rank_hint = ranks.rank_hint(data.spec)
    national = pd.to_numeric(indicator_table(data.view.indicator, data.view.level)["value"], errors="coerce").dropna()
    comparable = data.view.region != ENGLAND and len(national) > 0
    return SummaryContext(place=place(data.region_name, data.region_kind), singular=singular(data.view.level),
                          plural=plural(data.view.level), worst=worst, best=best, rank_hint=rank_hint,
                          england_median=float(np.median(national)) if comparable else None,
                          n_england=int(len(national)) if comparable else None)


def summary_frame(data: MapData) -> pd.DataFrame:
    """The areas of a prepared map as the summary reads them (with their parent's name)."""
    parent_column = PARENT_NAME_COLUMN.get(data.view.level)
    frame = pd.DataFrame(data.frame.drop(columns="geometry"))
    frame["parent"] = frame[parent_column] if parent_column and parent_column in frame else None
    return frame[["code", "name", "parent", "value", "rank", "n_ranked", "decile"]]


def summarise(data: MapData) -> list[str]:
    """The summary sentences of a prepared map."""
    return summary_sentences(summary_frame(data), data.spec, summary_context(data))
